"""Signals the community sends, for apps built on it (moderation): declarations only.

Receivers of this app live in ``receivers.py`` and are connected in ``CommunityConfig.ready``.
"""

from django.dispatch import Signal

# Sent with comment=, acting_user= after the change is saved.
comment_posted = Signal()
comment_edited = Signal()
comment_deleted = Signal()
