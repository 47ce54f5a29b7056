"""The legal channels' records, one module per part (each part's module is imported here)."""

from newsdesk.legal.models.complaints import Complaint
from newsdesk.legal.models.misuse import MisuseMeasure
from newsdesk.legal.models.notices import Notice, NoticeItem, TrustedFlagger
from newsdesk.legal.models.statements import Ground, Statement

__all__ = [
    "Complaint",
    "Ground",
    "MisuseMeasure",
    "Notice",
    "NoticeItem",
    "Statement",
    "TrustedFlagger",
]
