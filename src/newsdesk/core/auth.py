"""Authentication backends whose `get_user` (run on every request of a logged-in user) loads
the user with a prepared query; everything else is Django's and allauth's own."""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from newsdesk.core.prepared import get_by_pk


def _get_user(backend: DjangoModelBackend, user_id: Any) -> Any:
    user = get_by_pk(get_user_model(), user_id)
    return user if user is not None and backend.user_can_authenticate(user) else None


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id: Any) -> Any:
        return _get_user(self, user_id)


class AuthenticationBackend(AllauthBackend):
    def get_user(self, user_id: Any) -> Any:
        return _get_user(self, user_id)
