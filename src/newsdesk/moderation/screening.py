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
7. ``Classifier``: a score at or above the threshold holds it (score, model and version are
   kept with the case);
8. ``Premoderation``: the policy of the article, section or site (pre-moderation of all
   comments, or of new readers until N approved) and a forced pre-moderation sanction hold
   it; trusted readers skip this step.

A refusal stops the pipeline; holds add up (all reasons are kept as evidence).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from newsdesk.community.actions import CommentRefused, Draft
from newsdesk.community.comment_text import digest
from newsdesk.community.models import Comment
from newsdesk.core import clock
from newsdesk.moderation.classifiers.base import Classifier, ClassifierError
from newsdesk.moderation.models import Case, ModerationPolicy, Sanction, TrustedReader, WordList
from newsdesk.moderation.terms import TermList, TermListError, parse_term_list
from newsdesk.moderation.textnorm import NormalisedText, normalise

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
class Subject:
    """What the steps look at: the draft, its normalised text, the policy that applies."""

    draft: Draft
    text: NormalisedText
    policy: ModerationPolicy | None
    score: float | None = None
    model_name: str = ""
    model_version: str = ""


class Step:
    """A pipeline step; subclasses implement :meth:`check`. OPTIONS arrive as keywords."""

    def __init__(self, **options: Any) -> None:
        if options:
            raise PipelineError(f"{type(self).__name__} takes no options: {sorted(options)}")

    def check(self, subject: Subject) -> Verdict | None:
        raise NotImplementedError


# --- word lists -------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _compiled(kind: str, source: str) -> TermList:
    return parse_term_list(source, require_entries=False)


def word_list(kind: str) -> TermList:
    """The compiled word list of ``kind`` (cached per content; an unparsable stored list,
    which the actions never save, counts as empty)."""
    row = WordList.objects.filter(kind=kind).only("source").first()
    try:
        return _compiled(kind, row.source if row else "")
    except TermListError:
        return _compiled(kind, "")


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
            {"terms": [match.text for match in matches], "entry": first.entry.text},
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
            {"terms": [match.text for match in matches]},
        )


_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


class Links(Step):
    def __init__(self, *, allowed: int = 0) -> None:
        if not isinstance(allowed, int) or allowed < 0:
            raise PipelineError("Links: allowed must be a whole number of at least 0")
        self.allowed = allowed

    def check(self, subject: Subject) -> Verdict | None:
        links = _LINK.findall(subject.draft.text)
        if len(links) <= self.allowed:
            return None
        return Verdict(
            "hold",
            "links",
            _("Comments with links are checked by the moderators before they appear."),
            {"links": links[:10]},
        )


class NewAccount(Step):
    def __init__(self, *, first_comments: int = 1) -> None:
        if not isinstance(first_comments, int) or first_comments < 0:
            raise PipelineError("NewAccount: first_comments must be a whole number >= 0")
        self.first_comments = first_comments

    def check(self, subject: Subject) -> Verdict | None:
        if not self.first_comments or subject.draft.editing is not None:
            return None
        published = Comment.objects.filter(
            author=subject.draft.author, status=Comment.Status.VISIBLE
        )[: self.first_comments].count()
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
        repeats = Comment.objects.filter(
            text_digest=digest(draft.text), created_at__gte=clock.now() - self.window
        ).exclude(author=draft.author)
        found = repeats[: self.copies].count()
        if found < self.copies:
            return None
        return Verdict(
            "hold",
            "repeat_post",
            _("The same comment in several discussions is checked by the moderators first."),
            {"copies": found},
        )


class RejectionShare(Step):
    def __init__(self, *, share: float = 0.5, last: int = 10, minimum: int = 3) -> None:
        if not 0 < share <= 1 or last < 1 or minimum < 1:
            raise PipelineError("RejectionShare: 0 < share <= 1, last >= 1, minimum >= 1")
        self.share, self.last, self.minimum = share, last, minimum

    def check(self, subject: Subject) -> Verdict | None:
        queues = list(
            Case.objects.filter(
                comment__author=subject.draft.author,
                queue__in=[Case.Queue.APPROVED, Case.Queue.REJECTED],
            )
            .order_by("-decided_at")
            .values_list("queue", flat=True)[: self.last]
        )
        if len(queues) < self.minimum:
            return None
        rejected = sum(queue == Case.Queue.REJECTED for queue in queues)
        if rejected / len(queues) < self.share:
            return None
        return Verdict(
            "hold",
            "rejection_share",
            _("Your comments are checked by the moderators before they appear."),
            {"rejected": rejected, "decided": len(queues)},
        )


@functools.lru_cache(maxsize=4)
def _load_classifier(path: str) -> Classifier:
    from newsdesk.moderation.classifiers.linear import LinearClassifier

    return LinearClassifier(path or None)


def classifier() -> Classifier:
    """The configured classifier (``NEWSDESK_MODERATION_MODEL``: a model file, empty for the
    built-in German model), loaded once per process."""
    return _load_classifier(str(getattr(settings, "NEWSDESK_MODERATION_MODEL", "") or ""))


class ClassifierStep(Step):
    def check(self, subject: Subject) -> Verdict | None:
        try:
            model = classifier()
            score = model.score([subject.draft.text])[0]
        except ClassifierError as exc:
            # A broken model must not stop the community: hold for a human instead.
            return Verdict(
                "hold",
                "classifier_unavailable",
                _("Your comment will be checked by the moderators before it appears."),
                {"error": str(exc)},
            )
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
            {"score": round(score, 4), "threshold": round(threshold, 4)},
        )


class Premoderation(Step):
    def check(self, subject: Subject) -> Verdict | None:
        author = subject.draft.author
        forced = active_sanctions(author).filter(kind=Sanction.Kind.PREMODERATE).exists()
        if not forced and TrustedReader.objects.filter(user=author).exists():
            return None
        policy = subject.policy
        mode = policy.mode if policy is not None else ModerationPolicy.Mode.POST
        if not forced and mode == ModerationPolicy.Mode.POST:
            return None
        if not forced and mode == ModerationPolicy.Mode.PRE_NEW:
            assert policy is not None
            approved = Case.objects.filter(
                comment__author=author, queue=Case.Queue.APPROVED
            ).count()
            if approved >= policy.approvals_needed:
                return None
        return Verdict(
            "hold",
            "premoderation",
            _("Incoming comments are checked and then published."),
            {"mode": "sanction" if forced else mode},
        )


# --- running the pipeline ---------------------------------------------------------------


def active_sanctions(user: Any) -> QuerySet[Sanction]:
    """The sanctions in force for ``user`` now (a QuerySet)."""
    now = clock.now()
    return Sanction.objects.filter(user=user, lifted_at__isnull=True, starts_at__lte=now).exclude(
        ends_at__lte=now
    )


def policy_for(draft: Draft) -> ModerationPolicy | None:
    """The policy of the comment's article, else its section's, else the site's (or None)."""
    conversation = draft.conversation
    article = conversation.article if conversation.article_id else None
    scope = Q(section__isnull=True, article__isnull=True)
    if article is not None:
        scope |= Q(article_id=article.pk) | Q(section_id=article.section_id)
    ranked = sorted(
        ModerationPolicy.objects.filter(scope),
        key=lambda policy: 2 if policy.article_id else 1 if policy.section_id else 0,
    )
    return ranked[-1] if ranked else None


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
        draft.hold(verdict.code, verdict.note, **verdict.evidence)
    draft.screening.update(
        score=subject.score, model_name=subject.model_name, model_version=subject.model_version
    )
    return subject
