"""Signals the legal channels send between their parts: declarations only
(``newsdesk.legal.receivers`` connects them)."""

from django.dispatch import Signal

# Sent with notice= after a notice is received (committed).
notice_received = Signal()
# Sent with notice= after a notice's decision is committed.
notice_decided = Signal()
# Sent with statement= after a statement of reasons is committed.
statement_issued = Signal()
