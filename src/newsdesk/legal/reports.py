"""The transparency report (DSA Art. 15, 24): what the legal channels handled in a period, as
figures for the team's page and its CSV and JSON downloads.

A period is a range of calendar days in the site's time zone, both ends included (from 00:00
of the first day to 24:00 of the last). Without dates it is the last full calendar half-year
before today (January to June, or July to December): Art. 24(2) asks very large platforms for
half-yearly figures, and two half-years make the yearly report of Art. 15.

What is counted, each by its own date: notices by their reception, actions (statements of
reasons) by their issue, decisions on notices and complaints by their decision, complaints by
their filing, misuse steps when they were taken. Times to decide are medians in hours (one
decimal), over the notices / complaints decided in the period; None when there were none.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.utils import timezone

from newsdesk.legal.models import Complaint, MisuseMeasure, Notice, Statement
from newsdesk.legal.tdb import AutomatedDecision, Category, DecisionGround, SourceType


@dataclass(frozen=True)
class Period:
    """Calendar days ``start`` to ``end`` (both included) in the site's time zone."""

    start: dt.date
    end: dt.date

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """(first instant, first instant after) as aware datetimes."""
        zone = timezone.get_default_timezone()
        return (
            dt.datetime.combine(self.start, dt.time(0), tzinfo=zone),
            dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(0), tzinfo=zone),
        )

    def as_dict(self) -> dict[str, str]:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "time_zone": str(timezone.get_default_timezone()),
        }


def default_period(today: dt.date) -> Period:
    """The last full calendar half-year before ``today``."""
    if today.month <= 6:
        return Period(dt.date(today.year - 1, 7, 1), dt.date(today.year - 1, 12, 31))
    return Period(dt.date(today.year, 1, 1), dt.date(today.year, 6, 30))


def _median_hours(pairs: Iterable[tuple[dt.datetime, dt.datetime | None]]) -> float | None:
    hours = [(end - start).total_seconds() / 3600 for start, end in pairs if end is not None]
    return round(statistics.median(hours), 1) if hours else None


def _zeros(keys: Iterable[str]) -> dict[str, int]:
    return dict.fromkeys(keys, 0)


def _count(rows: Any, field: str, keys: Iterable[str]) -> dict[str, int]:
    counts = _zeros(keys)
    for row in rows.values(field).annotate(n=Count("pk")).order_by():
        counts[row[field] or ""] = counts.get(row[field] or "", 0) + row["n"]
    return counts


def build_report(period: Period) -> dict[str, Any]:
    """The figures of ``period`` as a JSON-ready dict (every enumerated key present, zeros
    included, so that reports of different periods line up)."""
    start, after = period.bounds()

    notices = Notice.objects.filter(received_at__gte=start, received_at__lt=after)
    decided_notices = Notice.objects.filter(decided_at__gte=start, decided_at__lt=after)
    by_source = {
        "trusted_flagger": notices.filter(trusted_flagger__isnull=False).count(),
        "account": notices.filter(trusted_flagger__isnull=True, notifier__isnull=False).count(),
        "no_account": notices.filter(trusted_flagger__isnull=True, notifier__isnull=True).count(),
    }
    flaggers = Counter(
        notices.filter(trusted_flagger__isnull=False).values_list(
            "trusted_flagger__name", flat=True
        )
    )

    statements = Statement.objects.filter(created_at__gte=start, created_at__lt=after)
    measures: Counter[str] = Counter()
    for visibility, account, provision in statements.values_list(
        "decision_visibility", "decision_account", "decision_provision"
    ):
        measures.update(visibility or [])
        measures.update(value for value in (account, provision) if value)
    detection = {
        "automated": statements.filter(automated_detection=True).count(),
        "not_automated": statements.filter(automated_detection=False).count(),
    }

    filed = Complaint.objects.filter(filed_at__gte=start, filed_at__lt=after)
    decided_complaints = Complaint.objects.filter(
        decided_at__gte=start, decided_at__lt=after
    ).exclude(status=Complaint.Status.OPEN)

    steps = MisuseMeasure.objects.filter(created_at__gte=start, created_at__lt=after)

    def misuse(step: str) -> dict[str, int]:
        return _count(steps.filter(step=step), "kind", MisuseMeasure.Kind.values)

    return {
        "period": period.as_dict(),
        "notices": {
            "received": notices.count(),
            "by_category": _count(notices, "category", Category.values),
            "by_source": by_source,
            "by_trusted_flagger": dict(sorted(flaggers.items())),
            "decided": decided_notices.count(),
            "by_outcome": _count(decided_notices, "outcome", Notice.Outcome.values),
            "median_hours_to_decision": _median_hours(
                decided_notices.values_list("received_at", "decided_at")
            ),
        },
        "actions": {
            "total": statements.count(),
            "by_ground": _count(statements, "decision_ground", DecisionGround.values),
            "by_measure": dict(sorted(measures.items())),
            "by_detection": detection,
            "by_automated_decision": _count(
                statements, "automated_decision", AutomatedDecision.values
            ),
            "by_source": _count(statements, "source_type", SourceType.values),
            "by_category": _count(statements, "category", Category.values),
        },
        "complaints": {
            "filed": filed.count(),
            "by_side": _count(filed, "side", Complaint.Side.values),
            "still_open": filed.filter(status=Complaint.Status.OPEN).count(),
            "decided": decided_complaints.count(),
            "by_outcome": _count(
                decided_complaints,
                "status",
                [Complaint.Status.UPHELD, Complaint.Status.REJECTED],
            ),
            "median_hours_to_decision": _median_hours(
                decided_complaints.values_list("filed_at", "decided_at")
            ),
        },
        "misuse": {
            "warnings": misuse(MisuseMeasure.Step.WARNING),
            "suspensions": misuse(MisuseMeasure.Step.SUSPENSION),
        },
    }


def report_rows(report: dict[str, Any]) -> Iterator[tuple[str, str, str, Any]]:
    """The report as CSV rows (section, figure, key, value); nested counts one row each."""
    yield ("period", "from", "", report["period"]["from"])
    yield ("period", "to", "", report["period"]["to"])
    yield ("period", "time_zone", "", report["period"]["time_zone"])
    for section in ("notices", "actions", "complaints", "misuse"):
        for figure, value in report[section].items():
            if isinstance(value, dict):
                for key, count in value.items():
                    yield (section, figure, key, count)
            else:
                yield (section, figure, "", "" if value is None else value)
