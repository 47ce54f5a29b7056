"""Statements of reasons (DSA Art. 17): what a statement says and to whom, built from a
moderation decision or sanction, its template (``Ground``) and the notice that led to it;
who may see one; the e-mail that tells the reader.

The action that issues a statement is ``newsdesk.legal.actions.statements.do_issue_statement``;
this module holds the pieces it is made of, so that the statement page, the e-mail and the
export (``newsdesk.legal.transparency_database``) say the same.

Decisions of record (why the mapping is as it is):

- A rejected comment (moderation's queue "rejected") is a *removal* of content
  (``DECISION_VISIBILITY_CONTENT_REMOVED``): readers see a placeholder in its place.
- Sanctions map onto the Transparency Database's decisions thus: ``mute`` (cannot post or
  edit for a while) is a partial suspension of the service (``decision_provision``);
  ``suspend`` (cannot post, edit or vote for a while) and ``ban`` (the same until lifted) are
  suspensions of the account (``decision_account``; a ban has no end date, i.e. indefinite);
  ``premoderate`` is a restriction of the visibility of the reader's comments
  (``DECISION_VISIBILITY_OTHER``, described). A *warning* restricts nothing (the reader
  confirms having read it and goes on), so it gets no statement of reasons: moderation's own
  e-mail tells the reader.
- ``puid``: ``<site>-sor-<uuid4 hex>``, the site's name as a slug (letters, digits, ``-`` and
  ``_`` only, as the Transparency Database requires) and a random UUID: never derived from a
  row id, so a restored or re-created database cannot hand out an identifier twice.
- The moderator's note (moderation's ``note`` field of the reject and sanction forms) is the
  adjustment of the template's explanation for this decision: the reader reads it after the
  explanation; it is not exported, since free text may name people.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_tasks import task

from newsdesk.community.actions import can_moderate
from newsdesk.community.models import Comment
from newsdesk.core import clock, queues
from newsdesk.core.actors import AnyUser
from newsdesk.legal.models import Ground, NoticeItem, Statement
from newsdesk.legal.tdb import (
    Category,
    DecisionAccount,
    DecisionGround,
    DecisionProvision,
    DecisionVisibility,
    SourceType,
)
from newsdesk.moderation.models import Case, Reason, Sanction
from newsdesk.moderation.queries import HOLD_LABELS

if TYPE_CHECKING:
    from newsdesk.legal.models import Notice

logger = logging.getLogger(__name__)

# Screening holds that are automated *detection* of the content (word lists, links, repeats,
# the classifier); pre-moderation and first comments hold every comment alike.
AUTOMATED_HOLDS = frozenset(
    {"banned_term", "suspect_term", "links", "repeat_post", "rejection_share", "classifier"}
)

# Where a reader finds the certified out-of-court dispute settlement bodies (Art. 21 DSA).
DISPUTE_SETTLEMENT_URL = (
    "https://digital-strategy.ec.europa.eu/en/policies/dsa-out-of-court-dispute-settlement"
)


def new_puid() -> str:
    """A platform unique identifier that is never handed out twice: ``<site>-sor-<32 hex>``
    (at most 500 characters of ``[A-Za-z0-9_-]``)."""
    site = re.sub(r"[^A-Za-z0-9_-]", "", slugify(str(settings.SITE_NAME)))[:64] or "newsdesk"
    return f"{site}-sor-{uuid.uuid4().hex}"


@dataclass(frozen=True)
class Template:
    """The legal side of a reason as a statement starts from it (a ``Ground``, or a
    netiquette ground made from the reason itself when the team has not written one)."""

    decision_ground: str
    category: str
    legal_ground: str
    contractual_ground: str
    explanation: str
    also_illegal: bool

    @property
    def illegal(self) -> bool:
        return self.decision_ground == DecisionGround.ILLEGAL_CONTENT


def template_for(reason: Reason) -> Template:
    """The statement template of ``reason``: its Ground, else the netiquette with the
    reason's own explanation (so that every removal gets a statement)."""
    ground = Ground.objects.filter(reason=reason).first()
    if ground is None:
        return Template(
            decision_ground=DecisionGround.INCOMPATIBLE_CONTENT,
            category=Category.OTHER_VIOLATION_TC,
            legal_ground="",
            contractual_ground=_("Netiquette: %(reason)s") % {"reason": reason.label},
            explanation=reason.explanation,
            also_illegal=False,
        )
    return Template(
        decision_ground=ground.decision_ground,
        category=ground.category,
        legal_ground=ground.legal_ground,
        contractual_ground=ground.contractual_ground,
        explanation=ground.explanation,
        also_illegal=ground.also_illegal,
    )


def templates_by_reason() -> list[tuple[Reason, Template]]:
    """Every active reason with its template, in the team's order (for the workspace)."""
    reasons = list(Reason.objects.filter(active=True).order_by("position", "label"))
    grounds = {ground.reason_id: ground for ground in Ground.objects.all()}
    out = []
    for reason in reasons:
        ground = grounds.get(reason.pk)
        out.append(
            (
                reason,
                template_for(reason)
                if ground is None
                else Template(
                    decision_ground=ground.decision_ground,
                    category=ground.category,
                    legal_ground=ground.legal_ground,
                    contractual_ground=ground.contractual_ground,
                    explanation=ground.explanation,
                    also_illegal=ground.also_illegal,
                ),
            )
        )
    return out


def covering_notice(comment: Comment, *, until: dt.datetime) -> Notice | None:
    """The notice (Art. 16) that reported ``comment`` before ``until``: a trusted flagger's
    first, then the earliest; None when the team acted on its own."""
    item = (
        NoticeItem.objects.filter(comment=comment, notice__received_at__lte=until)
        .select_related("notice")
        .order_by("notice__priority", "notice__received_at", "notice__pk")
        .first()
    )
    return item.notice if item is not None else None


def source_of(notice: Notice | None) -> str:
    """``source_type`` of a decision that followed ``notice`` (None: own initiative)."""
    if notice is None:
        return SourceType.VOLUNTARY
    if notice.trusted_flagger_id is not None:
        return SourceType.TRUSTED_FLAGGER
    return SourceType.ARTICLE_16


def automated_holds(case: Case) -> list[str]:
    """The codes of ``case``'s holds that are automated detection (in order, once each)."""
    seen: list[str] = []
    for hold in case.holds or []:
        code = str(hold.get("code", "")) if isinstance(hold, dict) else ""
        if code in AUTOMATED_HOLDS and code not in seen:
            seen.append(code)
    return seen


@dataclass(frozen=True)
class Measure:
    """A sanction as Transparency Database decisions (empty strings/lists: not that kind)."""

    visibility: list[str]
    visibility_other: str
    account: str
    provision: str


def measure_for_sanction(kind: str) -> Measure | None:
    """The decisions a sanction of ``kind`` amounts to; None for a warning (no restriction)."""
    if kind == Sanction.Kind.MUTE:
        return Measure([], "", "", DecisionProvision.PARTIAL_SUSPENSION)
    if kind in (Sanction.Kind.SUSPEND, Sanction.Kind.BAN):
        return Measure([], "", DecisionAccount.SUSPENDED, "")
    if kind == Sanction.Kind.PREMODERATE:
        return Measure(
            [DecisionVisibility.OTHER],
            "Pre-moderation: the account's comments are published only after a moderator "
            "has checked them.",
            "",
            "",
        )
    return None


def local_date(moment: dt.datetime) -> dt.date:
    """The date of ``moment`` in the site's time zone."""
    return timezone.localtime(moment).date()


def _long_date(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "DATE_FORMAT")


def comment_facts(case: Case, comment: Comment, notice: Notice | None) -> str:
    """The facts of a removal (in the active language), without quoting anyone: when the
    comment was posted and removed, for which reason, what led to it, whether screening held
    it. No names, texts or headlines (the export sends this to the EU database)."""
    assert case.decided_at is not None and case.reason is not None
    parts = [
        _(
            "A comment that the affected account posted on %(posted)s in the discussion of an "
            "article was removed by the moderation team on %(decided)s for the reason "
            "“%(reason)s”."
        )
        % {
            "posted": _long_date(comment.created_at),
            "decided": _long_date(case.decided_at),
            "reason": case.reason.label,
        }
    ]
    source = source_of(notice)
    if source == SourceType.TRUSTED_FLAGGER:
        parts.append(_("The team reviewed it after a notice from a trusted flagger."))
    elif source == SourceType.ARTICLE_16:
        parts.append(_("The team reviewed it after a notice of illegal content (Art. 16 DSA)."))
    else:
        parts.append(_("The team reviewed it on its own initiative."))
    holds = automated_holds(case)
    if holds:
        parts.append(
            _("Automated screening had held it for review (%(why)s).")
            % {"why": ", ".join(str(HOLD_LABELS.get(code, code)) for code in holds)}
        )
    return " ".join(parts)


def sanction_facts(sanction: Sanction) -> str:
    """The facts of a restriction of an account (in the active language), without names."""
    until = (
        _("until %(date)s") % {"date": _long_date(sanction.ends_at)}
        if sanction.ends_at
        else _("until it is lifted")
    )
    return _(
        "On %(date)s the moderation team restricted the affected account (%(measure)s), "
        "%(until)s, for the reason “%(reason)s”. The team decided on its own initiative, "
        "having reviewed the account's comments."
    ) % {
        "date": _long_date(sanction.starts_at),
        "measure": sanction.get_kind_display(),
        "until": until,
        "reason": sanction.reason.label,
    }


def reader_language(user: User | None, comment: Comment | None = None) -> str:
    """The language to tell ``user`` in: their comment's (or latest comment's) language when
    it is a site language, else the site's default."""
    site_languages = {code for code, _name in settings.LANGUAGES}
    candidate = comment.language if comment is not None else ""
    if not candidate and user is not None:
        latest = (
            Comment.objects.filter(author=user)
            .order_by("-created_at")
            .values_list("language", flat=True)
        ).first()
        candidate = latest or ""
    return candidate if candidate in site_languages else str(settings.LANGUAGE_CODE)


# --- reading statements -----------------------------------------------------------------


def may_see(user: AnyUser, statement: Statement) -> bool:
    """The affected reader, moderators and admins see a statement; nobody else."""
    if not user.is_authenticated:
        return False
    return statement.user_id == user.pk or can_moderate(user)


def statements_of(user: AnyUser) -> QuerySet[Statement]:
    """The statements issued to ``user``, newest first (none for anonymous visitors)."""
    if not user.is_authenticated:
        return Statement.objects.none()
    return Statement.objects.filter(user_id=user.pk).select_related("reason", "sanction")


def measures(statement: Statement) -> list[str]:
    """The measure(s) of ``statement`` as labels for readers."""
    labels: list[str] = [
        str(DecisionVisibility(value).label)
        for value in statement.decision_visibility
        if value in DecisionVisibility.values
    ]
    if statement.decision_visibility_other:
        labels.append(statement.decision_visibility_other)
    if statement.decision_account:
        labels.append(str(DecisionAccount(statement.decision_account).label))
    if statement.decision_provision in DecisionProvision.values:
        labels.append(str(DecisionProvision(statement.decision_provision).label))
    return labels


def ground_text(statement: Statement) -> str:
    """The provision or netiquette clause the decision relies on."""
    if statement.decision_ground == DecisionGround.ILLEGAL_CONTENT:
        return statement.illegal_content_legal_ground
    return statement.incompatible_content_ground


def explanation_text(statement: Statement) -> str:
    """Why the content is illegal or breaks the netiquette (the template's explanation)."""
    if statement.decision_ground == DecisionGround.ILLEGAL_CONTENT:
        return statement.illegal_content_explanation
    return statement.incompatible_content_explanation


def page_context(statement: Statement) -> dict[str, Any]:
    """What the statement page and e-mail show (every element Art. 17(3) lists), in the
    active language."""
    return {
        "statement": statement,
        "measures": measures(statement),
        "ground": ground_text(statement),
        "explanation": explanation_text(statement),
        "illegal": statement.decision_ground == DecisionGround.ILLEGAL_CONTENT,
        "also_illegal": bool(statement.incompatible_content_illegal),
        "followed_notice": statement.source_type != SourceType.VOLUNTARY,
        "trusted_flagger": statement.source_type == SourceType.TRUSTED_FLAGGER,
        "category": Category(statement.category).label
        if statement.category in Category.values
        else statement.category,
        "complaint_url": reverse("legal:complain_statement", args=[statement.pk]),
        "statement_url": reverse("legal:statement", args=[statement.pk]),
        "dispute_settlement_url": DISPUTE_SETTLEMENT_URL,
        "comment_url": statement.comment.get_absolute_url() if statement.comment else "",
    }


# --- telling the reader -----------------------------------------------------------------


@task(queue_name=queues.DEFAULT)
def send_statement(statement_id: int) -> bool:
    """E-mail the statement of reasons to the affected reader in the statement's language
    and note when (``sent_at``). True when sent; False when the statement is gone, already
    sent, or its reader has no active account with an address."""
    statement = (
        Statement.objects.select_related("user", "comment", "sanction", "reason")
        .filter(pk=statement_id)
        .first()
    )
    if statement is None or statement.sent_at is not None or statement.user is None:
        return False
    reader = statement.user
    if not reader.email or not reader.is_active:
        return False
    with translation.override(statement.language or settings.LANGUAGE_CODE):
        context = {
            **page_context(statement),
            "SITE_NAME": settings.SITE_NAME,
            "SITE_URL": settings.SITE_URL,
        }
        subject = render_to_string("legal/email/statement_subject.txt", context).strip()
        body = render_to_string("legal/email/statement_body.txt", context)
    send_mail(subject, body, None, [reader.email])
    # A plain stamp, not a decision: no audit row (the issue has one).
    Statement.objects.filter(pk=statement.pk, sent_at__isnull=True).update(sent_at=clock.now())
    logger.info("statement of reasons %s sent", statement.puid)
    return True
