"""The screening pipeline: every new and edited comment passes its steps in order.

Each step is a plug-in configured like the translation engines (``{"CLASS": dotted path,
"OPTIONS": {...}}`` in ``NEWSDESK_MODERATION_PIPELINE``) and answers one :class:`Verdict`
or None. The documented default order (:data:`DEFAULT_PIPELINE`):

1. ``BannedTerms``: a term of the banned word list (matched on the normalised text, so
   obfuscated spellings count) refuses the comment, naming the term to its author;
2. ``SuspectTerms``: a suspect term holds it;
3. ``Links``: more links than allowed (default 0) hold it;
4. ``NewAccount``: an author without any published comment yet is held (first comments);
5. ``RepeatPosts``: the same text posted by other accounts in the last 24 hours is held;
6. ``RejectionShare``: an author with a high share of recent rejections is held;
7. ``ClassifierStep``: a score at or above the threshold holds it (score, model and version
   are kept with the case); a comment in a language the model does not know is scored through
   its machine translation;
8. ``Premoderation``: the policy of the article, section or site (pre-moderation of all
   comments, or of new readers until N approved) and a forced pre-moderation sanction hold
   it; trusted readers skip this step.

A refusal stops the pipeline; holds add up (all reasons are kept as evidence).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from newsdesk.community.actions import CommentRefused, Draft
from newsdesk.community.comment_text import digest, render
from newsdesk.community.models import Comment
from newsdesk.core import clock
from newsdesk.moderation.classifiers.base import (
    Classifier,
    ClassifierError,
    classifier_from_config,
)
from newsdesk.moderation.models import (
    IN_FORCE_SQL,
    Case,
    ModerationPolicy,
    Sanction,
    TrustedReader,
    WordList,
)
from newsdesk.moderation.terms import TermList, TermListError, parse_term_list
from newsdesk.moderation.textnorm import NormalisedText, normalise
from newsdesk.translation.engines import EngineError
from newsdesk.translation.pipeline import SourceField, translate_document

DEFAULT_PIPELINE: list[dict[str, Any]] = [
    {"CLASS": "newsdesk.moderation.screening.BannedTerms"},
    {"CLASS": "newsdesk.moderation.screening.SuspectTerms"},
    {"CLASS": "newsdesk.moderation.screening.Links", "OPTIONS": {"allowed": 0}},
    {"CLASS": "newsdesk.moderation.screening.NewAccount", "OPTIONS": {"first_comments": 1}},
    {"CLASS": "newsdesk.moderation.screening.RepeatPosts", "OPTIONS": {"hours": 24}},
    {
        "CLASS": "newsdesk.moderation.screening.RejectionShare",
        "OPTIONS": {"share": 0.5, "last": 10, "minimum": 3},
    },
    {"CLASS": "newsdesk.moderation.screening.ClassifierStep"},
    {"CLASS": "newsdesk.moderation.screening.Premoderation"},
]


class PipelineError(Exception):
    """The pipeline's configuration is wrong (names the step and what is wrong)."""


@dataclass
class Verdict:
    """A step's answer: ``reject`` (refuse, the author is told ``note``) or ``hold``."""

    action: str  # "reject" | "hold"
    code: str
    note: str
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass
class AuthorRecord:
    """What the steps need to know of the author, read in one query (:func:`author_record`)."""

    published: int  # visible comments, counted up to RECORD_LIMIT
    approved: int  # approved cases, counted up to RECORD_LIMIT
    recent_decided: int  # the last RECENT decided cases...
    recent_rejected: int  # ...and how many of them were rejections
    trusted: bool
    forced_premoderation: bool  # a pre-moderation sanction is in force


RECORD_LIMIT = 50
RECENT = 10


@dataclass
class Subject:
    """What the steps look at: the draft, its normalised text, the policy that applies, and
    the author's record (loaded on first use)."""

    draft: Draft
    text: NormalisedText
    policy: ModerationPolicy | None
    score: float | None = None
    model_name: str = ""
    model_version: str = ""
    _record: AuthorRecord | None = None

    @property
    def record(self) -> AuthorRecord:
        if self._record is None:
            self._record = author_record(self.draft.author)
        return self._record


class Step:
    """A pipeline step; subclasses implement :meth:`check`. OPTIONS arrive as keywords."""

    def __init__(self, **options: Any) -> None:
        if options:
            raise PipelineError(f"{type(self).__name__} takes no options: {sorted(options)}")

    def check(self, subject: Subject) -> Verdict | None:
        raise NotImplementedError


# --- word lists -------------------------------------------------------------------------


# Word lists and policies change rarely and are read for every comment: each process keeps
# them for CACHE_SECONDS (a change made in another process applies within that time; in this
# process at once, see forget_cached()).
CACHE_SECONDS = 2.0
_cached: dict[str, tuple[float, Any]] = {}


def _remember(key: str, load: Callable[[], Any]) -> Any:
    now = time.monotonic()
    hit = _cached.get(key)
    if hit is not None and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    value = load()
    _cached[key] = (now, value)
    return value


def forget_cached(**kwargs: Any) -> None:
    """Drop this process's copies of word lists and policies (after a change)."""
    _cached.clear()


@functools.lru_cache(maxsize=8)
def _compiled(source: str) -> TermList:
    try:
        return parse_term_list(source, require_entries=False)
    except TermListError:  # never saved by the actions; counts as empty
        return parse_term_list("", require_entries=False)


def word_list(kind: str) -> TermList:
    """The compiled word list of ``kind``."""

    def load() -> TermList:
        source = WordList.objects.filter(kind=kind).values_list("source", flat=True).first()
        return _compiled(source or "")

    result: TermList = _remember(f"words:{kind}", load)
    return result


class BannedTerms(Step):
    def check(self, subject: Subject) -> Verdict | None:
        matches = word_list(WordList.Kind.BANNED).find(subject.text)
        if not matches:
            return None
        first = matches[0]
        return Verdict(
            "reject",
            "banned_term",
            _(
                "Your comment contains “%(term)s”, which our netiquette does not allow. "
                "Please rephrase it; your text is still in the form."
            )
            % {"term": first.text},
            {"entries": sorted({match.entry.text for match in matches})},
        )


class SuspectTerms(Step):
    def check(self, subject: Subject) -> Verdict | None:
        matches = word_list(WordList.Kind.SUSPECT).find(subject.text)
        if not matches:
            return None
        return Verdict(
            "hold",
            "suspect_term",
            _("Your comment will be checked by the moderators before it appears."),
            {"entries": sorted({match.entry.text for match in matches})},
        )


class Links(Step):
    """Counts the links the comment will show: the ``<a href>`` of its rendered HTML, so bare
    domains and e-mail addresses that the rendering makes clickable count too."""

    def __init__(self, *, allowed: int = 0) -> None:
        if not isinstance(allowed, int) or allowed < 0:
            raise PipelineError("Links: allowed must be a whole number of at least 0")
        self.allowed = allowed

    def check(self, subject: Subject) -> Verdict | None:
        if not _MAYBE_LINK.search(subject.draft.text):
            return None  # nothing the rendering could make clickable (rendering is costly)
        links = _HREF.findall(render(subject.draft.text))
        if len(links) <= self.allowed:
            return None
        return Verdict(
            "hold",
            "links",
            _("Comments with links are checked by the moderators before they appear."),
            {"links": len(links)},
        )


_HREF = re.compile(r'<a\s[^>]*href="([^"]*)"')
# Everything the rendering turns into a link has a scheme, "www." or a dot before a
# top-level domain ("example.org", also in e-mail addresses); a superset is fine, a miss is
# not (tested).
_MAYBE_LINK = re.compile(r"[a-z][a-z0-9+.-]*:|www\.|\.[a-z]{2,}", re.IGNORECASE)


class NewAccount(Step):
    def __init__(self, *, first_comments: int = 1) -> None:
        if not isinstance(first_comments, int) or not 0 <= first_comments <= RECORD_LIMIT:
            raise PipelineError(
                f"NewAccount: first_comments must be a whole number from 0 to {RECORD_LIMIT}"
            )
        self.first_comments = first_comments

    def check(self, subject: Subject) -> Verdict | None:
        if not self.first_comments or subject.draft.editing is not None:
            return None
        published = subject.record.published
        if published >= self.first_comments:
            return None
        return Verdict(
            "hold",
            "new_account",
            _("Your first comment is checked by the moderators before it appears."),
            {"published_comments": published},
        )


class RepeatPosts(Step):
    """The same text posted by other accounts elsewhere (copy-paste campaigns, spam): the
    community already refuses a reader's own repeats and floods within one discussion."""

    def __init__(self, *, hours: int = 24, copies: int = 1) -> None:
        if not isinstance(hours, int) or hours < 1 or not isinstance(copies, int) or copies < 1:
            raise PipelineError("RepeatPosts: hours and copies must be whole numbers >= 1")
        self.window = dt.timedelta(hours=hours)
        self.copies = copies

    def check(self, subject: Subject) -> Verdict | None:
        draft = subject.draft
        table = connection.ops.quote_name(Comment._meta.db_table)
        since = connection.ops.adapt_datetimefield_value(clock.now() - self.window)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT 1 FROM {table} WHERE text_digest = %s AND created_at >= %s"  # noqa: S608 - our table
                " AND (author_id IS NULL OR author_id <> %s) LIMIT %s",
                [digest(draft.text), since, draft.author.pk, self.copies],
            )
            found = len(cursor.fetchall())
        if found < self.copies:
            return None
        return Verdict(
            "hold",
            "repeat_post",
            _("The same comment in several discussions is checked by the moderators first."),
            {"copies": found},
        )


class RejectionShare(Step):
    """Authors whose last decided comments (up to ``last``, at most 10) were rejected in at
    least ``share`` of the cases, once ``minimum`` were decided."""

    def __init__(self, *, share: float = 0.5, last: int = RECENT, minimum: int = 3) -> None:
        if not 0 < share <= 1 or not 1 <= minimum <= last <= RECENT:
            raise PipelineError(
                f"RejectionShare: 0 < share <= 1 and 1 <= minimum <= last <= {RECENT}"
            )
        self.share, self.last, self.minimum = share, last, minimum

    def check(self, subject: Subject) -> Verdict | None:
        record = subject.record
        decided, rejected = record.recent_decided, record.recent_rejected
        if self.last < RECENT:  # the record counts the last RECENT; fewer asked: recount
            queues = list(
                Case.objects.filter(
                    comment__author=subject.draft.author,
                    queue__in=[Case.Queue.APPROVED, Case.Queue.REJECTED],
                )
                .order_by("-decided_at")
                .values_list("queue", flat=True)[: self.last]
            )
            decided = len(queues)
            rejected = sum(queue == Case.Queue.REJECTED for queue in queues)
        if decided < self.minimum or rejected / decided < self.share:
            return None
        return Verdict(
            "hold",
            "rejection_share",
            _("Your comments are checked by the moderators before they appear."),
            {"rejected": rejected, "decided": decided},
        )


LINEAR = "newsdesk.moderation.classifiers.linear.LinearClassifier"


@functools.lru_cache(maxsize=4)
def _load_classifier(config: str) -> Classifier:
    return classifier_from_config(json.loads(config))


def classifier() -> Classifier:
    """The configured classifier (``NEWSDESK_MODERATION_CLASSIFIER``; the built-in linear
    model reads its file from ``NEWSDESK_MODERATION_MODEL``, empty for the shipped German
    one), built once per process and configuration. Raises ClassifierError."""
    config = dict(getattr(settings, "NEWSDESK_MODERATION_CLASSIFIER", None) or {"CLASS": LINEAR})
    options = dict(config.get("OPTIONS") or {})
    if config.get("CLASS") == LINEAR:
        options.setdefault("path", getattr(settings, "NEWSDESK_MODERATION_MODEL", "") or None)
    config["OPTIONS"] = options
    return _load_classifier(json.dumps(config, sort_keys=True, default=str))


class ClassifierStep(Step):
    """Scores the comment; at or above the policy's threshold (else the model's) it is held.

    A comment in a language the model does not know is scored through its machine
    translation into the model's first language (the site's translation engine). When no
    engine can translate it, ``unscored`` decides: ``"pass"`` (default) or ``"hold"``."""

    def __init__(self, *, unscored: str = "pass") -> None:
        if unscored not in ("pass", "hold"):
            raise PipelineError('ClassifierStep: unscored is "pass" or "hold"')
        self.unscored = unscored

    def check(self, subject: Subject) -> Verdict | None:
        try:
            model = classifier()
        except ClassifierError as exc:
            return _classifier_unavailable(str(exc))
        text, via = _in_model_language(subject.draft, model)
        if text is None:
            subject.draft.screening["unscored"] = via
            if self.unscored == "pass":
                return None
            return Verdict(
                "hold",
                "unscored_language",
                _("Your comment will be checked by the moderators before it appears."),
                {"language": subject.draft.language, "why": via.get("error", "")},
            )
        try:
            score = model.score([text])[0]
        except ClassifierError as exc:
            # A broken model must not stop the community: hold for a human instead.
            return _classifier_unavailable(str(exc))
        subject.score = score
        subject.model_name = str(getattr(model, "name", type(model).__name__))
        subject.model_version = str(getattr(model, "version", ""))
        threshold = (
            subject.policy.hold_threshold
            if subject.policy is not None and subject.policy.hold_threshold is not None
            else float(model.threshold)
        )
        if score < threshold:
            return None
        return Verdict(
            "hold",
            "classifier",
            _("Your comment will be checked by the moderators before it appears."),
            {"score": round(score, 4), "threshold": round(threshold, 4), **via},
        )


def _classifier_unavailable(error: str) -> Verdict:
    return Verdict(
        "hold",
        "classifier_unavailable",
        _("Your comment will be checked by the moderators before it appears."),
        {"error": error},
    )


def _in_model_language(draft: Draft, model: Classifier) -> tuple[str | None, dict[str, Any]]:
    """The text to score and how it was obtained: the comment itself when the model knows its
    language (or names none), else its machine translation; (None, why) when there is none."""
    known = tuple(getattr(model, "languages", ()) or ())
    language = (draft.language or "").split("-")[0].lower()
    if not known or language in known:
        return draft.text, {}
    try:
        result = translate_document(
            [SourceField("text", draft.text)],
            language,
            known[0],
            use_memory=False,
            run_checks=False,
        )
    except EngineError as exc:
        return None, {"error": str(exc)}
    return result.text("text"), {
        "translated_from": language,
        "translated_to": known[0],
        "engine": result.engine,
    }


class Premoderation(Step):
    def check(self, subject: Subject) -> Verdict | None:
        record = subject.record
        forced = record.forced_premoderation
        if not forced and record.trusted:
            return None
        policy = subject.policy
        mode = policy.mode if policy is not None else ModerationPolicy.Mode.POST
        if not forced and mode == ModerationPolicy.Mode.POST:
            return None
        if not forced and mode == ModerationPolicy.Mode.PRE_NEW:
            assert policy is not None
            if record.approved >= min(policy.approvals_needed, RECORD_LIMIT):
                return None
        return Verdict(
            "hold",
            "premoderation",
            _("Incoming comments are checked and then published."),
            {"mode": "sanction" if forced else mode},
        )


# --- running the pipeline ---------------------------------------------------------------

_RECORD_SQL = """
    SELECT
        (SELECT COUNT(*) FROM (SELECT 1 FROM {comment}
            WHERE author_id = %s AND status = %s LIMIT %s) AS published),
        (SELECT COUNT(*) FROM (SELECT 1 FROM {case} c JOIN {comment} m ON m.id = c.comment_id
            WHERE m.author_id = %s AND c.queue = %s LIMIT %s) AS approved),
        (SELECT COUNT(*) FROM (SELECT c.queue FROM {case} c JOIN {comment} m
            ON m.id = c.comment_id WHERE m.author_id = %s AND c.queue IN (%s, %s)
            ORDER BY c.decided_at DESC LIMIT %s) AS decided),
        (SELECT COUNT(*) FROM (SELECT c.queue FROM {case} c JOIN {comment} m
            ON m.id = c.comment_id WHERE m.author_id = %s AND c.queue IN (%s, %s)
            ORDER BY c.decided_at DESC LIMIT %s) AS recent WHERE recent.queue = %s),
        (SELECT COUNT(*) FROM {trusted} WHERE user_id = %s),
        (SELECT COUNT(*) FROM {sanction} WHERE user_id = %s AND kind = %s AND {in_force})
"""


def author_record(author: Any) -> AuthorRecord:
    """The author's record for the steps, in one query (each count stops at its limit)."""
    quote = connection.ops.quote_name
    sql = _RECORD_SQL.format(
        comment=quote(Comment._meta.db_table),
        case=quote(Case._meta.db_table),
        trusted=quote(TrustedReader._meta.db_table),
        sanction=quote(Sanction._meta.db_table),
        in_force=IN_FORCE_SQL,
    )
    now = connection.ops.adapt_datetimefield_value(clock.now())
    decided = [Case.Queue.APPROVED, Case.Queue.REJECTED]
    params = [
        *(author.pk, Comment.Status.VISIBLE, RECORD_LIMIT),
        *(author.pk, Case.Queue.APPROVED, RECORD_LIMIT),
        *(author.pk, *decided, RECENT),
        *(author.pk, *decided, RECENT, Case.Queue.REJECTED),
        author.pk,
        *(author.pk, Sanction.Kind.PREMODERATE, now, now),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return AuthorRecord(
        published=int(row[0]),
        approved=int(row[1]),
        recent_decided=int(row[2]),
        recent_rejected=int(row[3]),
        trusted=bool(row[4]),
        forced_premoderation=bool(row[5]),
    )


def active_sanctions(user: Any) -> QuerySet[Sanction]:
    """The sanctions in force for ``user`` now (a QuerySet; ``Sanction.in_force`` in SQL)."""
    now = clock.now()
    return Sanction.objects.filter(user=user, lifted_at__isnull=True, starts_at__lte=now).exclude(
        ends_at__lte=now
    )


def _policies() -> dict[tuple[str, int | None], ModerationPolicy]:
    def load() -> dict[tuple[str, int | None], ModerationPolicy]:
        found: dict[tuple[str, int | None], ModerationPolicy] = {}
        for policy in ModerationPolicy.objects.all():
            if policy.article_id:
                found[("article", policy.article_id)] = policy
            elif policy.section_id:
                found[("section", policy.section_id)] = policy
            else:
                found[("site", None)] = policy
        return found

    result: dict[tuple[str, int | None], ModerationPolicy] = _remember("policies", load)
    return result


def policy_for(draft: Draft) -> ModerationPolicy | None:
    """The policy of the comment's article, else its section's, else the site's (or None)."""
    policies = _policies()
    if not policies:
        return None
    conversation = draft.conversation
    article = conversation.article if conversation.article_id else None
    if article is not None:
        for key in (("article", article.pk), ("section", article.section_id)):
            if key in policies:
                return policies[key]
    return policies.get(("site", None))


@functools.lru_cache(maxsize=4)
def _build(config: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]) -> list[Step]:
    steps: list[Step] = []
    for dotted, options in config:
        try:
            cls = import_string(dotted)
        except ImportError as exc:
            raise PipelineError(f"moderation step {dotted!r} cannot be imported: {exc}") from None
        if not (isinstance(cls, type) and issubclass(cls, Step)):
            raise PipelineError(f"moderation step {dotted!r} is not a Step")
        try:
            steps.append(cls(**dict(options)))
        except TypeError as exc:
            raise PipelineError(f"moderation step {dotted!r}: bad OPTIONS ({exc})") from None
    return steps


def pipeline() -> list[Step]:
    """The configured steps, built once per configuration. Raises PipelineError."""
    config = getattr(settings, "NEWSDESK_MODERATION_PIPELINE", None)
    if config is None:
        config = DEFAULT_PIPELINE
    key = []
    for entry in config:
        if not isinstance(entry, dict) or "CLASS" not in entry:
            raise PipelineError(f"each moderation step needs a CLASS: {entry!r}")
        options = entry.get("OPTIONS") or {}
        if not isinstance(options, dict):
            raise PipelineError(f"OPTIONS of {entry['CLASS']} must be a mapping")
        key.append((str(entry["CLASS"]), tuple(sorted(options.items()))))
    return _build(tuple(key))


def run(draft: Draft, steps: Sequence[Step] | None = None) -> Subject:
    """Screen ``draft``: raises CommentRefused for a refusal; holds go onto the draft
    (``draft.hold``) and the evidence into ``draft.screening``. Returns what the steps saw."""
    subject = Subject(draft, normalise(draft.text), policy_for(draft))
    for step in pipeline() if steps is None else steps:
        verdict = step.check(subject)
        if verdict is None:
            continue
        if verdict.action == "reject":
            raise CommentRefused(verdict.code, verdict.note, status=422)
        draft.hold(verdict.code, verdict.note, verdict.evidence)
    draft.screening.update(
        score=subject.score, model_name=subject.model_name, model_version=subject.model_version
    )
    return subject
