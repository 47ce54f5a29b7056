"""How allauth sees newsdesk: the reader's address as every other limit counts it, the way back
to the page the reader came from, and which of allauth's messages are worth showing."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import get_next_redirect_url
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from newsdesk.core.net import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        """The address behind ``TRUSTED_PROXIES`` proxies, as ``newsdesk.core.net`` reads it
        (allauth's own reading fails with an error when X-Forwarded-For has fewer entries
        than proxies; this one falls back to the connection's address)."""
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine the client's address")
        return address

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: object) -> str:
        """Failed logins count per account *and* address (besides allauth's count per
        address): a stranger hammering a reader's account from elsewhere locks out only
        themselves, never the owner at their own address. (allauth's hook for the key of its
        ``login_failed`` limit; its own key is the account alone.)"""
        return (
            f"{super()._get_login_attempts_cache_key(request, **credentials)}@{client_ip(request)}"
        )

    # Told by the page the reader lands on (logged in: the comment form names them; logged
    # out: the login link), so not stored for some later page to show out of context.
    SILENT_MESSAGES = frozenset(
        {
            "account/messages/logged_in.txt",
            "account/messages/logged_out.txt",
            "account/messages/email_confirmed.txt",
        }
    )

    def add_message(
        self,
        request: HttpRequest,
        level: int,
        message_template: str | None = None,
        message_context: dict[str, Any] | None = None,
        extra_tags: str = "",
        message: str | None = None,
    ) -> None:
        if message_template in self.SILENT_MESSAGES:
            return
        super().add_message(request, level, message_template, message_context, extra_tags, message)

    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation: Any) -> str:
        """The confirmation link, carrying the page the reader signed up from (``next``, when
        it is a safe address of this site): confirming leads back there, in this browser or
        in another one."""
        url = super().get_email_confirmation_url(request, emailconfirmation)
        next_url = get_next_redirect_url(request) if request is not None else None
        if next_url:
            url += ("&" if "?" in url else "?") + urlencode({"next": next_url})
        return url
