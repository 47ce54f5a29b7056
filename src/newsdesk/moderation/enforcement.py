"""Sanctions enforced wherever a reader acts: the community runs this guard before every
post, edit and vote (pages, API and widget alike go through its actions)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from newsdesk.community.actions import CommentRefused
from newsdesk.core import clock
from newsdesk.moderation.models import IN_FORCE_SQL, Sanction, WordList
from newsdesk.moderation.screening import active_sanctions, word_list

# Which measures stop which acts ("post", "edit", "vote", "profile").
STOPS: dict[str, set[str]] = {
    Sanction.Kind.MUTE: {"post", "edit", "profile"},
    Sanction.Kind.SUSPEND: {"post", "edit", "vote", "profile"},
    Sanction.Kind.BAN: {"post", "edit", "vote", "profile"},
    Sanction.Kind.WARN: {"post", "edit"},
}


def banned_name_check(name: str) -> None:
    """A display name may not contain a banned term (code ``bad_name``)."""
    if word_list(WordList.Kind.BANNED).find(name):
        raise CommentRefused(
            "bad_name", _("This display name contains a word our netiquette does not allow.")
        )


def _until(sanction: Sanction) -> str:
    if sanction.ends_at is None:
        return ""
    return " " + _("It ends on %(date)s.") % {
        "date": date_format(timezone.localtime(sanction.ends_at), "SHORT_DATETIME_FORMAT")
    }


_ANY_SQL = "SELECT 1 FROM {table} WHERE user_id = %s AND " + IN_FORCE_SQL + " LIMIT 1"  # noqa: S608 - our table and a constant


def _any_in_force(reader: User) -> bool:
    """One plain query: has the reader any sanction in force? (Most readers have none.)"""
    now = connection.ops.adapt_datetimefield_value(clock.now())
    sql = _ANY_SQL.format(table=connection.ops.quote_name(Sanction._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(sql, [reader.pk, now, now])
        return cursor.fetchone() is not None


def sanction_guard(reader: User, what: str) -> None:
    """Refuse ``what`` while a sanction stops it (codes ``muted``, ``suspended``, ``banned``,
    ``warning_unacknowledged``, all 403), saying why and until when."""
    if not _any_in_force(reader):
        return
    for sanction in active_sanctions(reader).select_related("reason"):
        if what not in STOPS.get(sanction.kind, set()):
            continue
        if sanction.kind == Sanction.Kind.WARN:
            if sanction.acknowledged_at is not None:
                continue
            raise CommentRefused(
                "warning_unacknowledged",
                _(
                    "The moderators have warned you (%(reason)s). Please read and acknowledge "
                    "the warning in your settings (%(url)s) before you write again."
                )
                % {"reason": sanction.reason.label, "url": reverse("community:settings")},
                status=403,
            )
        code = {"mute": "muted", "suspend": "suspended", "ban": "banned"}[sanction.kind]
        raise CommentRefused(
            code,
            _("Your account is %(measure)s: %(reason)s.")
            % {
                "measure": sanction.get_kind_display(),
                "reason": sanction.reason.label,
            }
            + _until(sanction),
            status=403,
        )
