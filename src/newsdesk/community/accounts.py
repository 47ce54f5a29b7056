"""How allauth sees newsdesk: the reader's address is the one every other limit counts."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
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
