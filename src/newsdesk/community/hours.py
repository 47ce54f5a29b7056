"""Opening hours of the comment function: is it open now, and when does it open again?"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import dateformat
from django.utils.translation import gettext, pgettext

from newsdesk.community.models import (
    ClosedPeriod,
    Conversation,
    Mode,
    ScheduleException,
    SectionPolicy,
)
from newsdesk.core import clock

# How far ahead the next opening is looked for; beyond it the function counts as closed.
HORIZON_DAYS = 21
# The schedule (weekly periods, exception dates, section rules) is read from a copy this many
# seconds old at most: admin edits apply at once in the process that made them and within
# this time in the others. The clock itself is never cached: 06:00 is 06:00 everywhere.
SCHEDULE_CACHE_SECONDS = 10.0

UTC = dt.UTC


@dataclass(frozen=True)
class Schedule:
    periods: tuple[tuple[int | None, dt.time, dt.time], ...]
    exceptions: dict[dt.date, str]
    # section id -> (mode, closes_after_days), only sections that override the schedule
    sections: dict[int, tuple[str, int | None]]


_cached: tuple[float, Schedule] | None = None


def forget_schedule(**kwargs: object) -> None:
    global _cached
    _cached = None


def load_schedule(*, fresh: bool = False) -> Schedule:
    global _cached
    if not fresh and _cached is not None and time.monotonic() - _cached[0] < SCHEDULE_CACHE_SECONDS:
        return _cached[1]
    schedule = Schedule(
        periods=tuple(ClosedPeriod.objects.values_list("weekday", "starts", "ends")),
        exceptions=dict(ScheduleException.objects.values_list("date", "kind")),
        sections={
            section_id: (mode, days)
            for section_id, mode, days in SectionPolicy.objects.exclude(
                mode=Mode.DEFAULT
            ).values_list("section_id", "mode", "closes_after_days")
        },
    )
    _cached = (time.monotonic(), schedule)
    return schedule


@dataclass(frozen=True)
class OpeningState:
    can_post: bool
    can_vote: bool
    # open, schedule, closed, expired, archive
    reason: str
    next_open: dt.datetime | None = None
    at: dt.datetime | None = None

    @property
    def message(self) -> str:
        """The localised sentence shown instead of the comment form (empty when open)."""
        sentence = self._sentence()
        # "from 6 a.m." at the end of a sentence takes no second full stop.
        return sentence[:-1] if sentence.endswith("..") else sentence

    def _sentence(self) -> str:
        if self.can_post:
            return ""
        if self.reason == "archive":
            return gettext(
                "This discussion is archived: you can read it, but no longer post or vote."
            )
        if self.reason in ("closed", "expired"):
            return gettext("Comments on this article are closed.")
        if self.next_open is None or self.at is None:
            return gettext("The comment function is closed at the moment.")
        zone = ZoneInfo(settings.TIME_ZONE)
        local = self.next_open.astimezone(zone)
        today = self.at.astimezone(zone).date()
        if local.minute:
            clock_time = dateformat.format(local, pgettext("time with minutes", "P"))
        else:
            clock_time = dateformat.format(local, pgettext("time on the full hour", "P"))
        if local.date() == today:
            return gettext("The comment function will be available again from %(time)s.") % {
                "time": clock_time
            }
        if local.date() == today + dt.timedelta(days=1):
            return gettext(
                "The comment function will be available again tomorrow from %(time)s."
            ) % {"time": clock_time}
        day = dateformat.format(local, pgettext("weekday and date", "l, F j"))
        return gettext("The comment function will be available again on %(day)s from %(time)s.") % {
            "day": day,
            "time": clock_time,
        }

    def as_dict(self) -> dict[str, object]:
        return {
            "open": self.can_post,
            "can_vote": self.can_vote,
            "reason": self.reason,
            "next_open": self.next_open.isoformat() if self.next_open else None,
            "message": self.message,
        }


def closed_intervals(
    schedule: Schedule, start_day: dt.date, days: int, zone: ZoneInfo
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The closed times (UTC, merged, sorted) of local days start_day .. start_day+days."""
    intervals: list[tuple[dt.datetime, dt.datetime]] = []
    for offset in range(days + 1):
        day = start_day + dt.timedelta(days=offset)
        kind = schedule.exceptions.get(day)
        if kind == ScheduleException.Kind.OPEN:
            continue
        if kind == ScheduleException.Kind.CLOSED:
            intervals.append(
                (_utc(day, dt.time(0), zone), _utc(day + dt.timedelta(days=1), dt.time(0), zone))
            )
            continue
        for weekday, starts, ends in schedule.periods:
            if weekday is not None and weekday != day.weekday():
                continue
            end_day = day if ends > starts else day + dt.timedelta(days=1)
            intervals.append((_utc(day, starts, zone), _utc(end_day, ends, zone)))
    intervals.sort()
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for begin, end in intervals:
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((begin, end))
    return merged


def _utc(day: dt.date, wall: dt.time, zone: ZoneInfo) -> dt.datetime:
    # A wall-clock time skipped in March counts as if the clock had not moved yet (02:30 is
    # 03:30 summer time); one repeated in October is its first occurrence. Compare in UTC.
    return dt.datetime.combine(day, wall, tzinfo=zone).astimezone(UTC)


def schedule_state(at: dt.datetime, schedule: Schedule) -> OpeningState:
    zone = ZoneInfo(settings.TIME_ZONE)
    local_day = at.astimezone(zone).date()
    at_utc = at.astimezone(UTC)
    for begin, end in closed_intervals(
        schedule, local_day - dt.timedelta(days=1), HORIZON_DAYS, zone
    ):
        if begin <= at_utc < end:
            horizon = _utc(local_day + dt.timedelta(days=HORIZON_DAYS), dt.time(0), zone)
            next_open = end if end < horizon else None
            return OpeningState(False, True, "schedule", next_open, at)
    return OpeningState(True, True, "open", None, at)


def effective_policy(
    conversation: Conversation | None, section_id: int | None, schedule: Schedule
) -> tuple[str, int | None]:
    if conversation is not None and conversation.mode != Mode.DEFAULT:
        return conversation.mode, conversation.closes_after_days
    if section_id is not None and section_id in schedule.sections:
        return schedule.sections[section_id]
    return Mode.DEFAULT, None


def opening_state(
    conversation: Conversation | None,
    *,
    article: object = None,
    at: dt.datetime | None = None,
    fresh: bool = False,
) -> OpeningState:
    """Whether readers may post (and vote) in this conversation at `at` (default: now)."""
    at = at or clock.now()
    if article is None and conversation is not None and conversation.article_id:
        article = conversation.article
    section_id = getattr(article, "section_id", None)
    schedule = load_schedule(fresh=fresh)
    mode, days = effective_policy(conversation, section_id, schedule)
    if mode == Mode.OPEN:
        return OpeningState(True, True, "open", None, at)
    if mode == Mode.CLOSED:
        return OpeningState(False, True, "closed", None, at)
    if mode == Mode.ARCHIVE:
        return OpeningState(False, False, "archive", None, at)
    if mode == Mode.CLOSES_AFTER and days is not None:
        published = getattr(article, "first_published_at", None) or (
            conversation.created_at if conversation is not None else None
        )
        if published is not None and at >= published + dt.timedelta(days=days):
            return OpeningState(False, True, "expired", None, at)
    return schedule_state(at, schedule)
