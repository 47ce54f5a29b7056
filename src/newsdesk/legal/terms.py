"""Versioned terms of use, netiquette and privacy notice, read side: the current version of a
document, which versions a reader still has to accept, and the posting guard that asks them.

A reader accepts a version that requires acceptance before they post or edit again; a new
reader accepts the current versions at their first post (the same guard asks them), so
signing up stays one short form. Versions count per document; accepting version N in any
language accepts N.
"""

from __future__ import annotations

import nh3
from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Max, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from newsdesk.community.actions import CommentRefused, guards_posting
from newsdesk.legal import parts
from newsdesk.legal.models import TermsAcceptance, TermsVersion

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "dl", "dt", "em", "h2", "h3", "h4",
    "i", "li", "ol", "p", "small", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "h2": {"id"}, "h3": {"id"}}


def clean_terms_html(value: str) -> str:
    """The text of a version as safe HTML (headings, paragraphs, lists, links, tables)."""
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    ).strip()


def published(document: str) -> QuerySet[TermsVersion]:
    return TermsVersion.objects.filter(document=document, published_at__isnull=False)


def in_language(rows: QuerySet[TermsVersion], language: str) -> TermsVersion | None:
    """The newest of ``rows`` in ``language``, else in the site's default language, else any."""
    rows = rows.order_by("-version", "-published_at")
    for code in (language, settings.LANGUAGE_CODE):
        found = rows.filter(language=code).first()
        if found is not None:
            return found
    return rows.first()


def current_version(document: str, language: str) -> TermsVersion | None:
    """The current published version of ``document`` for readers of ``language``."""
    return in_language(published(document), language)


def older_versions(document: str, current: TermsVersion | None) -> list[TermsVersion]:
    """The published versions before ``current``, one per number (the reader's language
    where there is one), newest first."""
    if current is None:
        return []
    result = []
    numbers = (
        published(document)
        .filter(version__lt=current.version)
        .values_list("version", flat=True)
        .distinct()
        .order_by("-version")
    )
    for number in numbers:
        version = in_language(published(document).filter(version=number), current.language)
        if version is not None:
            result.append(version)
    return result


def pending_acceptance(user: User, language: str) -> list[TermsVersion]:
    """The versions ``user`` must accept before posting: per document, the newest published
    version that requires acceptance, when they accepted none as new or newer."""
    required = (
        TermsVersion.objects.filter(published_at__isnull=False, requires_acceptance=True)
        .values("document")
        .annotate(number=Max("version"))
    )
    accepted = dict(
        TermsAcceptance.objects.filter(user=user)
        .values("document")
        .annotate(number=Max("version"))
        .values_list("document", "number")
    )
    pending = []
    for row in required.order_by("document"):
        if accepted.get(row["document"], 0) >= row["number"]:
            continue
        version = in_language(
            published(row["document"]).filter(version__gte=row["number"]), language
        )
        if version is not None:
            pending.append(version)
    return pending


@guards_posting
def accept_before_posting(reader: User, what: str) -> None:
    """Posting guard: refuses ``post`` and ``edit`` (``terms_not_accepted``, 403) while the
    reader has versions to accept, naming the page where they accept them."""
    if what not in ("post", "edit") or not parts.enabled("terms"):
        return
    from django.utils.translation import get_language

    pending = pending_acceptance(reader, get_language() or settings.LANGUAGE_CODE)
    if pending:
        raise CommentRefused(
            "terms_not_accepted",
            _(
                "Our %(documents)s changed. Please read and accept the new version before you "
                "write again: %(url)s"
            )
            % {
                "documents": _(" and ").join(str(v.get_document_display()) for v in pending),
                "url": settings.SITE_URL + reverse("legal:accept_terms"),
            },
            status=403,
        )
