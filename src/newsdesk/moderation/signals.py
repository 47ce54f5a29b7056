"""Signals moderation sends, for the legal channels above it: declarations only."""

from django.dispatch import Signal

# Sent with case=, comment=, acting_user= after a moderator's decision is committed.
decision_made = Signal()
# Sent with sanction=, acting_user= after a sanction is committed.
sanction_imposed = Signal()
