"""Cases for the authorities, read side: the legal team's list and the access helper."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from newsdesk.legal.models import AuthorityCase


def cases(*, open_only: bool = False) -> QuerySet[AuthorityCase]:
    """Every case, newest first, with what the list shows."""
    rows = AuthorityCase.objects.select_related("comment", "account", "opened_by", "hold")
    if open_only:
        rows = rows.filter(closed_at__isnull=True)
    return rows.order_by("-opened_at", "-pk")


def access_case(case_id: int) -> AuthorityCase:
    """The case ``case_id`` (raises Http404). Views check the legal team first."""
    case = cases().filter(pk=case_id).first()
    if case is None:
        raise Http404(_("No such case."))
    return case
