"""The community's own listeners: caches of opening hours and notices, profiles for new users."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save

from newsdesk.community.actions import profile_for
from newsdesk.community.hours import forget_schedule
from newsdesk.community.models import ClosedPeriod, Notice, ScheduleException, SectionPolicy
from newsdesk.community.rendering import forget_notices


def on_schedule_changed(**kwargs: Any) -> None:
    forget_schedule()


def on_notice_changed(**kwargs: Any) -> None:
    forget_notices()


def on_user_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """Every new account gets its community profile (not when loading fixtures)."""
    if created and not kwargs.get("raw"):
        profile_for(instance)


def connect() -> None:
    for model in (ClosedPeriod, ScheduleException, SectionPolicy):
        post_save.connect(
            on_schedule_changed, sender=model, dispatch_uid=f"community-{model.__name__}"
        )
        post_delete.connect(
            on_schedule_changed, sender=model, dispatch_uid=f"community-del-{model.__name__}"
        )
    post_save.connect(on_notice_changed, sender=Notice, dispatch_uid="community-notice")
    post_delete.connect(on_notice_changed, sender=Notice, dispatch_uid="community-notice-del")
    post_save.connect(on_user_saved, sender=get_user_model(), dispatch_uid="community-profile")
