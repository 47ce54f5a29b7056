"""Signals other capabilities listen to (editions translate on them; caches clear on them)."""

from django.dispatch import Signal

# Sent with sender=Article, article=..., acting_user=... after the change is committed.
article_published = Signal()
article_updated = Signal()  # a published article's content changed
article_unpublished = Signal()
