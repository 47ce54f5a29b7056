"""Who acts: the type aliases every action uses for its acting user, and `person()`."""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser, User

# A reader or staff member as requests carry them (``request.user``).
AnyUser: TypeAlias = User | AnonymousUser
# Who performs an action: a person, or None for the system (worker, importer, demo content).
Actor: TypeAlias = User | AnonymousUser | None


def person(actor: Actor) -> User | None:
    """The signed-in account behind ``actor``, or None for the system and anonymous visitors."""
    if actor is None or isinstance(actor, AnonymousUser) or not actor.is_authenticated:
        return None
    return actor
