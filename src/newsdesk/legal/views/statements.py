"""Statements of reasons for readers: the statement page (the affected reader, moderators and
admins; 404 for everyone else), the reader's list on their settings page, and the statement
templates beside the moderators' reject and sanction forms (template slots)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from newsdesk.community.actions import can_moderate
from newsdesk.legal import parts
from newsdesk.legal.models import Statement
from newsdesk.legal.statements import may_see, page_context, statements_of, templates_by_reason


def access_statement(request: HttpRequest, statement_id: int) -> Statement:
    """The statement ``statement_id`` if the requester may see it; Http404 otherwise (so that
    nobody learns whether another reader's statement exists)."""
    statement = (
        Statement.objects.select_related("user", "comment", "sanction", "reason", "notice")
        .filter(pk=statement_id)
        .first()
    )
    if statement is None or not may_see(request.user, statement):
        raise Http404(_("No such statement of reasons."))
    return statement


@require_GET
def statement_page(request: HttpRequest, statement_id: int) -> HttpResponse:
    """One statement of reasons with every element of Art. 17(3) DSA and the ways to
    contest it. Anonymous visitors go to the login first."""
    parts.require("statements")
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    statement = access_statement(request, statement_id)
    context = page_context(statement)
    context["for_moderator"] = statement.user_id != request.user.pk
    return render(request, "legal/statements/statement.html", context)


def _empty() -> SafeString:
    return mark_safe("")  # noqa: S308 - nothing


def reader_statements(context: Any) -> SafeString:
    """The settings page's "reader_settings" slot: the statements issued to the reader."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not parts.enabled("statements"):
        return _empty()
    statements = list(statements_of(user)[:50])
    if not statements:
        return _empty()
    html = render_to_string("legal/statements/_reader_list.html", {"statements": statements})
    return mark_safe(html)  # noqa: S308 - a template, escaped


def reason_templates(context: Any) -> SafeString:
    """The moderation workspace's "moderation_reason_templates" slot, beside the reject and
    sanction forms: each reason's ground and explanation as the statement of reasons will
    give them (the moderator's note is added to the explanation)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not can_moderate(user) or not parts.enabled("statements"):
        return _empty()
    # Computed once per page (the queue renders the slot for every comment).
    cached = getattr(request, "_legal_reason_templates", None)
    if cached is None:
        cached = render_to_string(
            "legal/statements/_reason_templates.html", {"templates": templates_by_reason()}
        )
        request._legal_reason_templates = cached
    return mark_safe(cached)  # noqa: S308 - a template, escaped
