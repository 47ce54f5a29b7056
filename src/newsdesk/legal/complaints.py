"""Internal complaints (DSA Art. 20): the six-month window, who may complain about what, who may
decide, who is told; the e-mails as tasks.

The window. A complaint can be filed for six months after the complainant was told of the
decision: the affected reader from ``Statement.sent_at`` (or ``created_at`` when no e-mail went
out), the notifier from ``Notice.notifier_told_at`` (or ``decided_at``). The months are calendar
months in the site's time zone (``TIME_ZONE``), counted as Regulation (EEC, Euratom) No 1182/71
Art. 3 counts them: the day of telling does not count, and the window ends with the last hour
of the day that bears the same date six months later, or of that month's last day when it has
no such date (told on 31 August: open until the end of the last day of February). Told on
15 March at any hour, a complaint is accepted until 15 September 23:59:59.999999 in Vienna
(CEST, whatever the offset was in March) and refused from 16 September 00:00. The window is
not extended over weekends or holidays: the channel is electronic and open every day.

Who complains. Against a statement of reasons: only its reader, signed in. Against the decision
on a notice: its notifier, signed in with the account that sent it, or without an account by
the notice's secret ``access_token`` (the link in their e-mails). One complaint per decision
and side; the answer to it is the end of the internal procedure (then out-of-court dispute
settlement, Art. 21, or the courts).

Who decides. A person with the moderator role who did not take the decision complained about:
not the one who decided the statement, the notice or the moderation case of the comment, nor
the one who imposed the sanction, nor the complainant (``original_deciders``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_tasks import task

from newsdesk.core import clock, queues
from newsdesk.core.actors import AnyUser
from newsdesk.core.errors import ActionRefused
from newsdesk.legal.models import Complaint, Notice, Statement

logger = logging.getLogger(__name__)

WINDOW_MONTHS = 6
# The grounds of a complaint: at most this many characters.
TEXT_MAX_LENGTH = 10_000


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved ``months`` calendar months on, clamped to the month's last day
    (31 August + 6 months = 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def window_closes(told_at: dt.datetime) -> dt.datetime:
    """The first instant (aware) at which a complaint about a decision told at ``told_at`` is
    too late: midnight in the site's time zone after the day that bears the date of telling
    six months later (see the module's docstring)."""
    zone = timezone.get_default_timezone()
    last_day = add_months(timezone.localtime(told_at, zone).date(), WINDOW_MONTHS)
    return dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)


def statement_told_at(statement: Statement) -> dt.datetime:
    """When the affected reader was told: the e-mail's time, else the statement's."""
    return statement.sent_at or statement.created_at


def notice_told_at(notice: Notice) -> dt.datetime | None:
    """When the notifier was told the decision (None: the notice is not decided yet)."""
    if notice.status != Notice.Status.DECIDED:
        return None
    return notice.notifier_told_at or notice.decided_at


def told_at(subject: Statement | Notice) -> dt.datetime | None:
    return statement_told_at(subject) if isinstance(subject, Statement) else notice_told_at(subject)


def check_window(subject: Statement | Notice, now: dt.datetime | None = None) -> dt.datetime:
    """The end of the window (aware) for a complaint about ``subject``; refuses
    ``not_decided`` (409) for an open notice and ``window_closed`` (403) after the window."""
    told = told_at(subject)
    if told is None:
        raise ActionRefused(
            "not_decided",
            _("This notice has not been decided yet; you can complain about the decision."),
            status=409,
        )
    closes = window_closes(told)
    if (now or clock.now()) >= closes:
        last = timezone.localtime(closes - dt.timedelta(microseconds=1))
        raise ActionRefused(
            "window_closed",
            _(
                "Complaints about this decision could be filed until %(date)s (six months "
                "after you were told of it). You can still turn to a certified out-of-court "
                "dispute settlement body or to the courts."
            )
            % {"date": date_format(last, "DATE_FORMAT")},
            status=403,
        )
    return closes


def side_of(subject: Statement | Notice) -> str:
    return Complaint.Side.AFFECTED if isinstance(subject, Statement) else Complaint.Side.NOTIFIER


def may_complain(subject: Statement | Notice, user: AnyUser, token: str = "") -> bool:
    """Whether ``user`` (or whoever holds ``token``) is the one who may complain."""
    if isinstance(subject, Statement):
        return bool(user.is_authenticated and subject.user_id and subject.user_id == user.pk)
    if user.is_authenticated and subject.notifier_id and subject.notifier_id == user.pk:
        return True
    return bool(
        token and subject.access_token and constant_time_compare(token, subject.access_token)
    )


def check_complainant(subject: Statement | Notice, user: AnyUser, token: str = "") -> None:
    """Refuses ``login_required`` (401: a statement's reader must sign in) and ``not_yours``
    (403: someone who is not the statement's reader or the notice's notifier)."""
    if may_complain(subject, user, token):
        return
    if isinstance(subject, Statement):
        if not user.is_authenticated:
            raise ActionRefused(
                "login_required", _("Please sign in to complain about this decision."), status=401
            )
        raise ActionRefused(
            "not_yours",
            _("Only the reader this statement of reasons is addressed to can complain about it."),
            status=403,
        )
    raise ActionRefused(
        "not_yours",
        _(
            "Only the person who sent this notice can complain about its decision: sign in "
            "with the account you sent it from, or use the link from our e-mail to you."
        ),
        status=403,
    )


def existing_complaint(subject: Statement | Notice) -> Complaint | None:
    """The complaint already filed about ``subject`` by its side, if any."""
    field = "statement" if isinstance(subject, Statement) else "notice"
    return (
        Complaint.objects.filter(**{field: subject}, side=side_of(subject))
        .order_by("filed_at")
        .first()
    )


def complaint_subject(complaint: Complaint) -> Statement | Notice:
    subject = complaint.statement if complaint.side == Complaint.Side.AFFECTED else complaint.notice
    assert subject is not None  # noqa: S101 (the table's check constraint)
    return subject


def original_deciders(complaint: Complaint) -> set[int]:
    """Ids of the accounts that may not decide ``complaint``: whoever decided the statement,
    the notice, the moderation case of a comment concerned or imposed the sanction, and the
    complainant."""
    from newsdesk.moderation.models import Case

    ids: set[int | None] = {complaint.complainant_id}
    comment_ids: list[int] = []
    statement = complaint.statement
    notice = complaint.notice
    if statement is not None:
        ids.add(statement.decided_by_id)
        if statement.comment_id:
            comment_ids.append(statement.comment_id)
        if statement.sanction_id and statement.sanction is not None:
            ids.add(statement.sanction.created_by_id)
        notice = notice or statement.notice
    if notice is not None:
        ids.add(notice.decided_by_id)
        comment_ids.extend(
            notice.items.filter(comment__isnull=False).values_list("comment_id", flat=True)
        )
        ids.update(notice.statements.values_list("decided_by_id", flat=True))
    ids.update(
        Case.objects.filter(comment_id__in=comment_ids).values_list("decided_by_id", flat=True)
    )
    return {pk for pk in ids if pk is not None}


def complainant_address(complaint: Complaint) -> tuple[str, str]:
    """(e-mail, language) the complainant is written to ("" when there is no address)."""
    subject = complaint_subject(complaint)
    language = subject.language or settings.LANGUAGE_CODE
    if complaint.complainant is not None and not complaint.complainant.is_active:
        return "", language
    return complaint.complainant_email, language


def other_side_addresses(complaint: Complaint) -> list[tuple[str, str]]:
    """(e-mail, language) of the other side: for the affected reader's complaint the notifier
    of the notice behind the statement; for a notifier's complaint the authors of the
    reported comments. Empty where there is none (the team's own initiative)."""
    found: dict[str, str] = {}
    if complaint.side == Complaint.Side.AFFECTED:
        statement = complaint.statement
        notice = statement.notice if statement is not None else None
        if notice is not None:
            email = notice.notifier_email or (notice.notifier.email if notice.notifier else "")
            if email:
                found[email.lower()] = notice.language or settings.LANGUAGE_CODE
    elif complaint.notice is not None:
        for item in complaint.notice.items.select_related("comment__author"):
            author = item.comment.author if item.comment is not None else None
            if author is not None and author.is_active and author.email:
                found.setdefault(author.email.lower(), item.comment.language)  # type: ignore[union-attr]
    mine = complaint.complainant_email.lower()
    return [(email, language) for email, language in found.items() if email != mine]


def _send(template: str, email: str, language: str, context: dict[str, Any]) -> bool:
    if not email:
        return False
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {**context, "SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL}
        subject = render_to_string(f"legal/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"legal/email/{template}_body.txt", context)
    send_mail(subject, body, None, [email])
    return True


def complaint_url(complaint: Complaint) -> str:
    """The complaint page of its complainant (with the notice's token for a notifier)."""
    from django.urls import reverse

    if complaint.side == Complaint.Side.AFFECTED and complaint.statement_id:
        return settings.SITE_URL + reverse(
            "legal:complain_statement", kwargs={"statement_id": complaint.statement_id}
        )
    notice = complaint.notice
    assert notice is not None  # noqa: S101
    url = settings.SITE_URL + reverse(
        "legal:complain_notice", kwargs={"reference": notice.reference}
    )
    return f"{url}?token={notice.access_token}" if notice.access_token else url


def _complaint(complaint_id: int) -> Complaint | None:
    return (
        Complaint.objects.select_related(
            "statement__notice__notifier",
            "notice__notifier",
            "complainant",
            "removal_reason",
        )
        .filter(pk=complaint_id)
        .first()
    )


@task(queue_name=queues.DEFAULT)
def confirm_complaint(complaint_id: int) -> bool:
    """E-mail the complainant that their complaint arrived. True when sent."""
    complaint = _complaint(complaint_id)
    if complaint is None:
        return False
    email, language = complainant_address(complaint)
    return _send(
        "complaint_received",
        email,
        language,
        {
            "complaint": complaint,
            "subject": complaint_subject(complaint),
            "url": complaint_url(complaint),
        },
    )


@task(queue_name=queues.DEFAULT)
def send_complaint_answers(complaint_id: int) -> int:
    """E-mail the reasoned answer to a decided complaint: to the complainant and to the other
    side where there is one. Returns how many e-mails went out."""
    complaint = _complaint(complaint_id)
    if complaint is None or complaint.status == Complaint.Status.OPEN:
        return 0
    context = {"complaint": complaint, "subject": complaint_subject(complaint)}
    email, language = complainant_address(complaint)
    sent = int(
        _send("complaint_answer", email, language, {**context, "url": complaint_url(complaint)})
    )
    for other, other_language in other_side_addresses(complaint):
        sent += int(_send("complaint_other_side", other, other_language, context))
    logger.info("complaint %s: %d answers sent", complaint.pk, sent)
    return sent
