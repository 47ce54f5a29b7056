"""Notice and action (DSA Art. 16) and trusted flaggers (Art. 22): what a notice points at
(addresses resolved to comments and articles of this site), references and access tokens,
the rate limits, the addresses a notifier is sent, and the e-mails that confirm a notice and
tell its decision. State changes go through ``newsdesk.legal.actions.notices``.

Name and e-mail are optional for every notice (Art. 16(2)(c) lets a notifier of child sexual
abuse material stay anonymous; we accept anonymous notices of any kind, as the issue asks for
a channel without an account): the e-mail is needed only to receive the confirmation and the
decision. A notifier without an e-mail address follows the notice on its status page, whose
address (with its token) the thank-you page shows.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django_tasks import task

from newsdesk.community.actions import can_moderate
from newsdesk.community.models import Comment, Conversation
from newsdesk.core import clock, counters, queues
from newsdesk.core.actors import AnyUser, person
from newsdesk.core.errors import ActionRefused
from newsdesk.legal import parts
from newsdesk.legal.models import Notice, TrustedFlagger
from newsdesk.moderation.models import Case
from newsdesk.newsroom.models import Article

logger = logging.getLogger(__name__)

# References look like "N-7KQ4-M2XD": no 0/O, 1/I (read out on the phone), 32**8 of them.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
# Priorities (lower first): trusted flaggers' notices, everyone else's.
PRIORITY_TRUSTED = 0
PRIORITY_DEFAULT = 10
# At most this many items (comments, articles) in one notice.
MAX_ITEMS = 50
# How much of the explanation the moderators' workspace shows beside a reported comment.
WORKSPACE_EXPLANATION = 500


def min_explanation() -> int:
    """Characters a substantiated explanation needs at least
    (``NEWSDESK_LEGAL_NOTICE_MIN_EXPLANATION``, default 20)."""
    return int(getattr(settings, "NEWSDESK_LEGAL_NOTICE_MIN_EXPLANATION", 20))


def limits() -> tuple[int, int]:
    """Notices per hour (per sender's address, per e-mail address):
    ``NEWSDESK_LEGAL_NOTICES_PER_ADDRESS`` (default 10) and
    ``NEWSDESK_LEGAL_NOTICES_PER_EMAIL`` (default 5); 0 switches a limit off."""
    return (
        int(getattr(settings, "NEWSDESK_LEGAL_NOTICES_PER_ADDRESS", 10)),
        int(getattr(settings, "NEWSDESK_LEGAL_NOTICES_PER_EMAIL", 5)),
    )


def hold_reported() -> bool:
    """Whether a reported comment is held (hidden) until a moderator decides
    (``NEWSDESK_LEGAL_HOLD_REPORTED``, default False: it stays visible until decided)."""
    return bool(getattr(settings, "NEWSDESK_LEGAL_HOLD_REPORTED", False))


def new_reference() -> str:
    """A fresh public reference, "N-XXXX-XXXX" (not checked for uniqueness here)."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _i in range(8))
    return f"N-{chars[:4]}-{chars[4:]}"


def new_token() -> str:
    """A secret for the notifier's status page (43 URL-safe characters)."""
    return secrets.token_urlsafe(32)


def token_matches(notice: Notice, token: str | None) -> bool:
    """Whether ``token`` is the notice's access token (compared in constant time)."""
    return bool(token and notice.access_token and constant_time_compare(token, notice.access_token))


def flagger_of(user: AnyUser | None) -> TrustedFlagger | None:
    """The active trusted flagger ``user`` reports for (the first by name), or None."""
    account = person(user)
    if account is None:
        return None
    return TrustedFlagger.objects.filter(members=account, active=True).order_by("name").first()


def may_see_notice(notice: Notice, user: AnyUser, token: str | None) -> bool:
    """The notifier (by token or by account) and moderators may see a notice."""
    if token_matches(notice, token):
        return True
    if user.is_authenticated and notice.notifier_id is not None and notice.notifier_id == user.pk:
        return True
    return can_moderate(user)


def notifier_kind(notice: Notice) -> str:
    """Who sent the notice, without naming them (for moderators' lists and the workspace)."""
    if notice.trusted_flagger_id is not None:
        return _("trusted flagger “%(name)s”") % {"name": notice.trusted_flagger}
    if notice.notifier_id is not None:
        return _("signed-in reader")
    return _("visitor without an account")


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def status_address(notice: Notice) -> str:
    """The notifier's status page, absolute, in the notice's language, with the token."""
    with translation.override(notice.language or settings.LANGUAGE_CODE):
        path = reverse("legal:notice", kwargs={"reference": notice.reference})
    return _absolute(f"{path}?token={notice.access_token}")


def complaint_address(notice: Notice) -> str | None:
    """Where the notifier complains about the decision (Art. 20), with the token; None when
    the complaints part is switched off."""
    if not parts.enabled("complaints"):
        return None
    with translation.override(notice.language or settings.LANGUAGE_CODE):
        path = reverse("legal:complain_notice", kwargs={"reference": notice.reference})
    return _absolute(f"{path}?token={notice.access_token}")


def report_page_address(language: str) -> str | None:
    """The reporting page ("Melde- und Abhilfestelle") in ``language``, as a path
    ("/de/legal/report/"), for the community's report control; None when the notices part
    is switched off."""
    if not parts.enabled("notices"):
        return None
    with translation.override(language):
        return reverse("legal:report")


# --- what a notice points at -----------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One reported item: a comment, or an article."""

    comment: Comment | None = None
    article: Article | None = None

    @property
    def label(self) -> str:
        if self.comment is not None:
            return f"comment #{self.comment.pk}"
        return f"article #{self.article.pk if self.article else '?'}"


def _not_here(line: str) -> ActionRefused:
    return ActionRefused(
        "bad_location",
        _(
            "“%(address)s” is not the address of a comment or an article on this site. Copy "
            "the address of the comment (its time stamp links to it) or of the article."
        )
        % {"address": line[:200]},
    )


def reportable_comment(comment_id: int | str) -> Comment:
    """The comment with this number, if it can be reported. Refusals: ``bad_location``
    (no such comment), ``deleted`` (its author deleted it), ``already_removed`` (the
    moderators removed it already)."""
    try:
        pk = int(comment_id)
    except (TypeError, ValueError):
        pk = 0
    comment = (
        Comment.objects.select_related("conversation").filter(pk=pk).first() if pk > 0 else None
    )
    if comment is None:
        raise ActionRefused(
            "bad_location",
            _("There is no comment #%(id)s on this site.") % {"id": comment_id},
        )
    if comment.deleted_at is not None:
        raise ActionRefused(
            "deleted",
            _("Comment #%(id)s was deleted by its author; there is nothing left to report.")
            % {"id": comment.pk},
        )
    if comment.status == Comment.Status.REJECTED:
        raise ActionRefused(
            "already_removed",
            _("Comment #%(id)s has already been removed by our moderators.") % {"id": comment.pk},
        )
    return comment


def _site_hosts() -> set[str]:
    hosts = {urlsplit(settings.SITE_URL).netloc.lower()}
    hosts.update(host.lower() for host in settings.ALLOWED_HOSTS if host and host != "*")
    return hosts


def _comment_in(fragment: str, *, conversation_id: int | None, line: str) -> Comment | None:
    """The comment a ``#c-<pk>`` fragment names, checked to belong to the page's discussion
    (None when there is no such fragment)."""
    if not fragment.startswith("c-"):
        return None
    comment = reportable_comment(fragment[2:])
    if conversation_id is None or comment.conversation_id != conversation_id:
        raise _not_here(line)
    return comment


def resolve_address(line: str) -> Target:
    """One address as a notifier pastes it: a comment's page (``/de/community/comments/5/``),
    an article or discussion page with a ``#c-<pk>`` fragment (that comment), or an article
    page (the article). Absolute addresses must be of this site (``SITE_URL`` or an allowed
    host). Refusals: ``bad_location``, and those of :func:`reportable_comment`."""
    text = line.strip()
    parts_ = urlsplit(text)
    if parts_.scheme and parts_.scheme not in ("http", "https"):
        raise _not_here(text)
    if parts_.netloc and parts_.netloc.lower() not in _site_hosts():
        raise _not_here(text)
    if not parts_.netloc and (parts_.scheme or not parts_.path.startswith("/")):
        raise _not_here(text)
    path = parts_.path if parts_.path.endswith("/") else parts_.path + "/"
    # Pages live under a language prefix, which resolves only in its own language.
    prefix = path.strip("/").split("/", 1)[0]
    language = prefix if prefix in {code for code, _name in settings.LANGUAGES} else None
    try:
        with translation.override(language or translation.get_language()):
            match = resolve(path)
    except Resolver404:
        raise _not_here(text) from None
    fragment = parts_.fragment
    if match.view_name == "community:comment":
        return Target(comment=reportable_comment(match.kwargs["comment_id"]))
    if match.view_name == "community:conversation":
        comment = _comment_in(fragment, conversation_id=match.kwargs["conversation_id"], line=text)
        if comment is None:
            raise ActionRefused(
                "bad_location",
                _(
                    "“%(address)s” is a whole discussion. Copy the address of the comment "
                    "itself (its time stamp links to it)."
                )
                % {"address": text[:200]},
            )
        return Target(comment=comment)
    if match.view_name == "newsroom:article":
        article = (
            Article.objects.select_related("section")
            .filter(
                slug=match.kwargs["slug"],
                section__slug=match.kwargs["section"],
                status=Article.Status.PUBLISHED,
            )
            .first()
        )
        if article is None:
            raise _not_here(text)
        conversation_id = (
            Conversation.objects.filter(article=article).values_list("pk", flat=True).first()
        )
        comment = _comment_in(fragment, conversation_id=conversation_id, line=text)
        return Target(comment=comment) if comment is not None else Target(article=article)
    raise _not_here(text)


def resolve_location(text: str) -> list[Target]:
    """Every address of ``text`` (one per line, blank lines ignored), resolved, without
    repeats, in order. Refusals: ``location_needed`` (none), ``too_many_items`` (more than
    ``MAX_ITEMS``), ``bad_location``/``deleted``/``already_removed`` for the first bad line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise ActionRefused(
            "location_needed",
            _("Say where the content is: paste the address of the comment or the article."),
        )
    if len(lines) > MAX_ITEMS:
        raise ActionRefused(
            "too_many_items",
            _("One notice can name at most %(count)d comments or articles.") % {"count": MAX_ITEMS},
        )
    targets: list[Target] = []
    for line in lines:
        target = resolve_address(line)
        if target not in targets:
            targets.append(target)
    return targets


def comment_address(comment: Comment) -> str:
    """A comment's address as the report form fills it in (absolute)."""
    return _absolute(comment.get_absolute_url())


# --- rate limits -----------------------------------------------------------------------

HOUR = 3600


def _retry_after(now: float) -> int:
    return int(HOUR - (now % HOUR)) or HOUR


def check_limits(*, address: str | None, email: str, now: float) -> None:
    """Count one notice for the sender's address and e-mail address (keyed hashes only,
    ``core.counters``) and refuse ``too_many`` (429, with Retry-After) over the limits."""
    per_address, per_email = limits()
    refusal = ActionRefused(
        "too_many",
        _(
            "You have sent many notices in a short time. Please wait an hour before sending "
            "the next one; your text is still in the form."
        ),
        status=429,
        retry_after=_retry_after(now),
    )
    if per_address and address:
        if counters.count(f"legal:notice:address:{address}", HOUR, now=now) > per_address:
            raise refusal
    if per_email and email:
        if counters.count(f"legal:notice:email:{email.lower()}", HOUR, now=now) > per_email:
            raise refusal


# --- automated means -------------------------------------------------------------------


def automated_means(case: Case) -> bool:
    """Whether automated means took part in the decision on a case: screening (a rule or
    the classifier) held the comment or scored it. Decisions themselves are a moderator's."""
    return bool(case.holds) or case.score is not None


# --- e-mails ---------------------------------------------------------------------------


def _send(template: str, notice: Notice, context: dict[str, object]) -> bool:
    if not notice.notifier_email:
        return False
    with translation.override(notice.language or settings.LANGUAGE_CODE):
        context = {
            **context,
            "notice": notice,
            "items": list(notice.items.select_related("comment", "article__section")),
            "SITE_NAME": settings.SITE_NAME,
            "SITE_URL": settings.SITE_URL,
            "status_url": status_address(notice),
        }
        subject = render_to_string(f"legal/email/notice_{template}_subject.txt", context).strip()
        body = render_to_string(f"legal/email/notice_{template}_body.txt", context)
    send_mail(subject, body, None, [notice.notifier_email])
    return True


@task(queue_name=queues.DEFAULT)
def send_notice_confirmation(notice_id: int) -> bool:
    """E-mail the notifier that the notice arrived: its reference and what happens next.
    True when sent (False: no such notice, or no e-mail address)."""
    notice = Notice.objects.select_related("trusted_flagger").filter(pk=notice_id).first()
    if notice is None:
        return False
    return _send("received", notice, {})


@task(queue_name=queues.DEFAULT)
def send_notice_decision(notice_id: int) -> bool:
    """E-mail the notifier the decision (Art. 16(5)): the outcome and its explanation,
    whether automated means were used, and the redress options (internal complaint,
    out-of-court dispute settlement, courts). Records when the notifier was told.
    True when sent."""
    notice = Notice.objects.filter(pk=notice_id, status=Notice.Status.DECIDED).first()
    if notice is None:
        return False
    try:
        complaint = complaint_address(notice)
    except NoReverseMatch:
        complaint = None
    sent = _send("decided", notice, {"complaint_url": complaint, "redress": redress_context()})
    if sent:
        Notice.objects.filter(pk=notice.pk).update(notifier_told_at=clock.now())
    logger.info("decision on notice %s: %s", notice.reference, "sent" if sent else "not sent")
    return sent


def redress_context() -> dict[str, str]:
    """Where a notifier can turn besides the internal complaint: the out-of-court dispute
    settlement body (``NEWSDESK_LEGAL_DISPUTE_SETTLEMENT``, a name and/or address; Art. 21)
    and the courts."""
    return {
        "dispute_settlement": str(getattr(settings, "NEWSDESK_LEGAL_DISPUTE_SETTLEMENT", "")),
    }


def notice_language(language: str | None) -> str:
    """The site language a notice is kept in (the page's language, else the default)."""
    codes = {code for code, _name in settings.LANGUAGES}
    code = (language or "").split("-")[0]
    return code if code in codes else settings.LANGUAGE_CODE
