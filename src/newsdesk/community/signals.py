"""Signals other apps (moderation) listen to, and this app's own receivers."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal

# Sent with comment=, acting_user= after the change is saved.
comment_posted = Signal()
comment_edited = Signal()
comment_deleted = Signal()


def _forget_schedule(**kwargs: Any) -> None:
    from newsdesk.community.hours import forget_schedule

    forget_schedule()


def _forget_notices(**kwargs: Any) -> None:
    from newsdesk.community.rendering import forget_notices

    forget_notices()


def _create_profile(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        from newsdesk.community.actions import profile_for

        profile_for(instance)


def _connect() -> None:
    from newsdesk.community.models import ClosedPeriod, Notice, ScheduleException, SectionPolicy

    for model in (ClosedPeriod, ScheduleException, SectionPolicy):
        post_save.connect(
            _forget_schedule, sender=model, dispatch_uid=f"community-{model.__name__}"
        )
        post_delete.connect(
            _forget_schedule, sender=model, dispatch_uid=f"community-del-{model.__name__}"
        )
    post_save.connect(_forget_notices, sender=Notice, dispatch_uid="community-notice")
    post_delete.connect(_forget_notices, sender=Notice, dispatch_uid="community-notice-del")
    post_save.connect(_create_profile, sender=get_user_model(), dispatch_uid="community-profile")


_connect()
