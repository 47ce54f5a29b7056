"""Reading threads: a fixed number of queries per page of a thread, cached per thread version.

A page of a thread is a page of top-level comments (sorted newest, oldest or best) with all
their replies. The rendered HTML and JSON are cached under the conversation's `version`,
which every change bumps in the database, so no process ever serves a stale thread.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from newsdesk.community import actions, hours
from newsdesk.community.forms import CommentForm
from newsdesk.community.models import Comment, Conversation, Notice
from newsdesk.core import hooks

SORTS = {
    "best": ("-score", "-created_at", "-id"),
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
}
DEFAULT_SORT = "best"
CACHE_SECONDS = 3600


def parse_sort(value: str | None) -> str:
    return value if value in SORTS else DEFAULT_SORT


def parse_page(value: str | None) -> int:
    if value and value.isdigit() and 0 < int(value) < 100000:
        return int(value)
    return 1


@dataclass
class ThreadPage:
    conversation_id: int | None
    sort: str
    page: int
    roots: list[Comment]
    replies: dict[int, list[Comment]] = field(default_factory=dict)
    has_more: bool = False
    total: int = 0


def _comments() -> QuerySet[Comment]:
    return Comment.objects.select_related("author__community_profile").only(
        "id",
        "conversation_id",
        "parent_id",
        "root_id",
        "depth",
        "language",
        "html",
        "created_at",
        "edited_at",
        "deleted_at",
        "status",
        "upvotes",
        "downvotes",
        "score",
        "reply_count",
        "author__id",
        "author__community_profile__id",
        "author__community_profile__display_name",
    )


def load_page(conversation: Conversation | None, sort: str, page: int) -> ThreadPage:
    """Two queries: one page of top-level comments, then every reply to them. A held comment
    is left out, unless published replies hang on it: then it stays as a placeholder without
    author or text (the page is the same for every reader)."""
    if conversation is None:
        return ThreadPage(None, sort, page, [])
    size = settings.COMMUNITY_PAGE_SIZE
    start = (page - 1) * size
    roots = list(
        _comments()
        .filter(conversation=conversation, depth=0)
        .exclude(status=Comment.Status.PENDING, reply_count=0)
        .order_by(*SORTS[sort])[start : start + size + 1]
    )
    has_more = len(roots) > size
    roots = roots[:size]
    replies: dict[int, list[Comment]] = {}
    if roots:
        for reply in (
            _comments()
            .filter(root__in=[root.pk for root in roots])
            .exclude(status=Comment.Status.PENDING, reply_count=0)
            .order_by("created_at", "id")
        ):
            replies.setdefault(reply.parent_id or 0, []).append(reply)
    return ThreadPage(
        conversation.pk, sort, page, roots, replies, has_more, conversation.comment_count
    )


def _author_profile(comment: Comment) -> Any:
    return getattr(comment.author, "community_profile", None) if comment.author else None


def author_name(comment: Comment) -> str:
    profile = _author_profile(comment)
    return profile.display_name if profile else ""


def author_profile_id(comment: Comment) -> int | None:
    profile = _author_profile(comment)
    return profile.pk if profile else None


def comment_dict(comment: Comment, replies: dict[int, list[Comment]]) -> dict[str, Any]:
    """A comment as the API shows it to readers: deleted, removed and held ones without author
    or text (``removed``: by the moderators; held ones appear only with published replies),
    its replies nested."""
    removed = comment.status == Comment.Status.REJECTED
    deleted = comment.is_deleted or removed or comment.status == Comment.Status.PENDING
    return {
        "id": comment.pk,
        "parent": comment.parent_id,
        "depth": comment.depth,
        "author": None if deleted else author_name(comment) or None,
        # The public id of the author's profile (the reader page /readers/ID/), never the
        # account's internal id.
        "author_profile": None if deleted else author_profile_id(comment),
        "language": comment.language,
        "html": "" if deleted else comment.html,
        "created_at": comment.created_at.isoformat(),
        "edited_at": comment.edited_at.isoformat() if comment.edited_at else None,
        "deleted": comment.is_deleted,
        "removed": removed,
        "status": comment.status,
        "upvotes": comment.upvotes,
        "downvotes": comment.downvotes,
        "score": round(comment.score, 4),
        "url": reverse("community:comment", kwargs={"comment_id": comment.pk}),
        "replies": [comment_dict(reply, replies) for reply in replies.get(comment.pk, [])],
    }


def _cache_key(kind: str, conversation: Conversation | None, sort: str, page: int) -> str:
    if conversation is None:
        return f"community:{kind}:none:{get_language()}"
    return (
        f"community:{kind}:{conversation.pk}:{conversation.version}:{sort}:{page}:{get_language()}"
    )


def thread_json(conversation: Conversation | None, sort: str, page: int) -> bytes:
    """The page as JSON bytes (the API's hot path)."""
    key = _cache_key("json", conversation, sort, page)
    cached = cache.get(key)
    if cached is not None:
        return cached
    data = load_page(conversation, sort, page)
    body = json.dumps(
        {
            "conversation": data.conversation_id,
            "count": data.total,
            "sort": sort,
            "page": page,
            "has_more": data.has_more,
            "comments": [comment_dict(root, data.replies) for root in data.roots],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
    cache.set(key, body, CACHE_SECONDS)
    return body


def thread_html(
    conversation: Conversation | None, sort: str, page: int, report_url: str = ""
) -> str:
    """The page as an HTML fragment, the same for every reader (no per-user content); with
    a "Report" link beside every visible comment where ``report_url`` (report_address()) is
    not empty. Cached per thread version, language and reporting address."""
    key = _cache_key("html", conversation, sort, page)
    if report_url:
        key += ":" + hashlib.sha256(report_url.encode()).hexdigest()[:16]
    cached = cache.get(key)
    if cached is not None:
        return cached
    data = load_page(conversation, sort, page)
    html = render_to_string(
        "community/_thread.html",
        {
            "data": data,
            "max_depth": settings.COMMUNITY_MAX_DEPTH,
            "report_base": report_link_base(report_url),
            "next_page": page + 1,
            "fragment_url": reverse(
                "community:fragment", kwargs={"conversation_id": data.conversation_id}
            )
            if data.conversation_id
            else "",
        },
    )
    cache.set(key, html, CACHE_SECONDS)
    return html


def comment_languages(conversation: Conversation | None) -> frozenset[str]:
    """The languages the conversation's comments (deleted ones aside) are written in."""
    if conversation is None:
        return frozenset()
    key = f"community:languages:{conversation.pk}:{conversation.version}"
    cached = cache.get(key)
    if cached is None:
        cached = sorted(
            set(
                Comment.objects.filter(
                    conversation=conversation,
                    deleted_at__isnull=True,
                    status=Comment.Status.VISIBLE,
                )
                .values_list("language", flat=True)
                .distinct()
            )
        )
        cache.set(key, cached, CACHE_SECONDS)
    return frozenset(cached)


def has_other_languages(languages: Iterable[str], page_language: str | None) -> bool:
    """Whether a page in `page_language` shows comments written in another language: such
    pages render the "comments_in_other_languages" slot (e.g. "Show translation")."""
    page_language = page_language or settings.LANGUAGE_CODE
    return any(language != page_language for language in languages)


_notices: dict[str, tuple[float, Notice | None]] = {}
NOTICE_SECONDS = 10.0


def forget_notices() -> None:
    _notices.clear()


def notice_for(language: str) -> Notice | None:
    cached = _notices.get(language)
    if cached is not None and time.monotonic() - cached[0] < NOTICE_SECONDS:
        return cached[1]
    notice = (
        Notice.objects.filter(language=language).first()
        or Notice.objects.filter(language=settings.LANGUAGE_CODE).first()
    )
    _notices[language] = (time.monotonic(), notice)
    return notice


def report_address(language: str, notice: Notice | None = None) -> str:
    """Where readers of ``language`` report a comment (the notice-and-action channel): the
    page an app provides through ``core.hooks.provides_report_page``, else the notice's
    ``report_url``, else "" (then no report link at all). Only paths of this site and
    http(s) addresses count."""
    provided = hooks.report_page_url(language)
    if provided and _usable_address(provided):
        return provided
    found = notice if notice is not None else notice_for(language)
    fallback = found.report_url if found is not None else ""
    return fallback if _usable_address(fallback) else ""


def _usable_address(url: str) -> bool:
    return (url.startswith("/") and not url.startswith("//")) or url.startswith(
        ("https://", "http://")
    )


def report_link_base(address: str) -> str:
    """The address with its ``comment=`` parameter open: append a comment's id."""
    if not address:
        return ""
    return address + ("&" if "?" in address else "?") + "comment="


_PLACEHOLDER = re.compile(r"\{(message|site)\}")


def default_closed_frame() -> str:
    """The frame of the closed message where no notice of the language exists yet."""
    return _("Dear reader,\n\n{message}\n\nKind regards\nthe {site} team")


def closed_message(state: hours.OpeningState, notice: Notice | None) -> str:
    """The whole text shown instead of the form while readers cannot post: the notice's
    frame for the language (the default frame without a notice) with the reason (and next
    opening) and the site's name filled in, or the bare sentence where the team emptied the
    frame. Empty while open."""
    sentence = state.message
    if not sentence:
        return sentence
    frame = default_closed_frame() if notice is None else notice.closed_message.strip()
    if not frame:
        return sentence
    values = {"message": sentence, "site": settings.SITE_NAME}
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], frame)


def render_section(
    request: Any, *, conversation: Conversation | None, article: Any = None, embedded: bool = False
) -> str:
    """The whole comment section for this request: notices, form or closed message, thread."""
    sort = parse_sort(request.GET.get("csort"))
    page = parse_page(request.GET.get("cpage"))
    state = hours.opening_state(conversation, article=article)
    user = request.user
    language = get_language() or settings.LANGUAGE_CODE
    notice = notice_for(language)
    report_url = report_address(language, notice)
    context: dict[str, Any] = {
        "conversation": conversation,
        "article": article,
        "state": state,
        "sort": sort,
        "sorts": [("best", "best"), ("newest", "newest"), ("oldest", "oldest")],
        "thread": thread_html(conversation, sort, page, report_url),
        "notice": notice,
        "report_url": report_url,
        "closed_message": closed_message(state, notice),
        "user": user,
        "embedded": embedded,
        "count": conversation.comment_count if conversation else 0,
        "max_length": settings.COMMUNITY_COMMENT_MAX_LENGTH,
    }
    if user.is_authenticated:
        # The shared (cached) thread HTML has no token; the page's script fills it in from the
        # cookie. Pages rendered for one reader (the permalink) have it in the form itself.
        get_token(request)
        if state.can_post:
            context["form"] = CommentForm()
            context["csrf_token"] = get_token(request)
            context["display_name"] = actions.profile_for(user).display_name
        if conversation is not None:
            # Which of the shared thread's comments get "Edit" (the script shows "Delete"
            # beside every comment of this reader's profile).
            context["editable"] = " ".join(
                str(pk) for pk in actions.editable_comment_ids(conversation.pk, user)
            )
            context["own_pending"] = list(
                Comment.objects.filter(
                    conversation=conversation,
                    author=user,
                    status=Comment.Status.PENDING,
                    deleted_at__isnull=True,
                ).order_by("created_at")
            )
    if conversation is not None:
        context["post_url"] = reverse("community:post", kwargs={"conversation_id": conversation.pk})
    elif article is not None:
        context["post_url"] = reverse("community:post_article", kwargs={"article_id": article.pk})
    if embedded and conversation is not None:
        # The frame is the same for everyone; its script asks who is reading (where the
        # browser sends this site's cookies into the frame at all).
        context["reader_url"] = (
            reverse("community_api:reader") + "?" + urlencode({"conversation": conversation.pk})
        )
    back = urlencode({"next": request.get_full_path()})
    context["login_url"] = reverse("account_login") + "?" + back
    context["signup_url"] = reverse("account_signup") + "?" + back
    return render_to_string("community/_section.html", context)
