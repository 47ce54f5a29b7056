"""The legal channels' records, one module per part (each part's module is imported here)."""

from newsdesk.legal.models.authorities import AuthorityCase, EvidencePackage
from newsdesk.legal.models.complaints import Complaint
from newsdesk.legal.models.holds import LegalHold, RestrictedRecord
from newsdesk.legal.models.misuse import MisuseMeasure
from newsdesk.legal.models.notices import Notice, NoticeItem, TrustedFlagger
from newsdesk.legal.models.statements import Ground, Statement
from newsdesk.legal.models.terms import TermsAcceptance, TermsVersion

__all__ = [
    "AuthorityCase",
    "Complaint",
    "EvidencePackage",
    "Ground",
    "MisuseMeasure",
    "LegalHold",
    "Notice",
    "NoticeItem",
    "RestrictedRecord",
    "Statement",
    "TermsAcceptance",
    "TermsVersion",
    "TrustedFlagger",
]
