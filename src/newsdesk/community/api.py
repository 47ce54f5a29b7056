"""The JSON API of the community (schema: openapi.py) and the CORS rules for other sites.

Reading is open to the allowed origins through CORS, without credentials: no cookie ever
goes to or comes from another site. Changing anything needs this site's session and its
CSRF token, which only pages of this site (and the reader's own scripts on it) have.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import connection
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from newsdesk.community import actions, hours, rendering
from newsdesk.community.models import Comment, Conversation, Profile
from newsdesk.community.openapi import schema
from newsdesk.core import json_api
from newsdesk.core.errors import ActionRefused, refusal_response
from newsdesk.core.json_api import allow_methods
from newsdesk.core.net import client_ip
from newsdesk.newsroom.models import Article

MAX_BODY_BYTES = 32 * 1024
MAX_COUNT_KEYS = 100


def cors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let allowed origins read the response; never with credentials."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        origin = request.headers.get("Origin", "")
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET"
            response["Access-Control-Max-Age"] = "600"
        else:
            try:
                response = view(request, *args, **kwargs)
            except ActionRefused as refused:
                response = refusal_response(refused)
        if origin and actions.is_allowed_origin(origin):
            response["Access-Control-Allow-Origin"] = origin
        response["Vary"] = "Origin"
        return response

    return wrapper


def refusals(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except ActionRefused as refused:
            return refusal_response(refused)

    return wrapper


def _int(value: str | None, name: str) -> int:
    if value is None or not (value.isascii() and value.isdigit()) or len(value) > 18:
        raise actions.CommentRefused(
            "bad_request", _("%(name)s must be a whole number.") % {"name": name}
        )
    return int(value)


def _find_conversation(
    request: HttpRequest, *, create: bool = False
) -> tuple[Conversation | None, Any]:
    """The conversation named by ?article=ID or ?url=ADDRESS (or the same JSON fields)."""
    params: Any = request.GET
    if request.method == "POST":
        params = request.json  # type: ignore[attr-defined]
    article_value = params.get("article")
    url_value = params.get("url")
    if article_value is not None:
        article_id = _int(str(article_value), "article")
        # The hot path (reading and posting): one plain query.
        found = actions.published_article_conversation(article_id)
        if found is not None:
            return found, found.article
        article = Article.objects.filter(pk=article_id, status=Article.Status.PUBLISHED).first()
        if article is None:
            raise actions.CommentRefused("not_found", _("No such article."), status=404)
        original = actions.original_article(article)
        if create:
            return actions.conversation_for_article(original), original
        return Conversation.objects.filter(article=original).first(), original
    if url_value is not None:
        if not isinstance(url_value, str):
            raise actions.CommentRefused("bad_url", _("url must be a string."))
        title = params.get("title") or ""
        return actions.conversation_for_url(url_value, title=str(title), create=create), None
    raise actions.CommentRefused("bad_request", _("Name the discussion with article or url."))


@cors
@allow_methods("GET", "HEAD", "OPTIONS")
def thread(request: HttpRequest) -> HttpResponse:
    conversation, _article = _find_conversation(request)
    sort = request.GET.get("sort", rendering.DEFAULT_SORT)
    if sort not in rendering.SORTS:
        raise actions.CommentRefused("bad_request", _("sort is one of best, newest, oldest."))
    page = _int(request.GET.get("page", "1"), "page")
    if page < 1:
        raise actions.CommentRefused("bad_request", _("page starts at 1."))
    return HttpResponse(
        rendering.thread_json(conversation, sort, page), content_type="application/json"
    )


@cors
@allow_methods("GET", "HEAD", "OPTIONS")
def counts(request: HttpRequest) -> HttpResponse:
    """Comment counts for many articles and pages at once (for teasers and lists)."""
    article_ids = [_int(value, "article") for value in request.GET.getlist("article")]
    urls = request.GET.getlist("url")
    if len(article_ids) + len(urls) > MAX_COUNT_KEYS:
        raise actions.CommentRefused(
            "too_many", _("Ask for at most %(limit)d at once.") % {"limit": MAX_COUNT_KEYS}
        )
    normalised = {}
    for url in urls:
        normalised[actions.normalise_url(url)] = url
    by_article = dict(
        Conversation.objects.filter(article_id__in=article_ids).values_list(
            "article_id", "comment_count"
        )
    )
    by_url = dict(
        Conversation.objects.filter(url__in=list(normalised))
        # A merged conversation's address counts its target's comments.
        .annotate(count=Coalesce("merged_into__comment_count", "comment_count"))
        .values_list("url", "count")
    )
    return JsonResponse(
        {
            "articles": {str(pk): by_article.get(pk, 0) for pk in article_ids},
            "urls": {original: by_url.get(key, 0) for key, original in normalised.items()},
        }
    )


@cors
@allow_methods("GET", "HEAD", "OPTIONS")
def opening(request: HttpRequest) -> HttpResponse:
    if "article" in request.GET or "url" in request.GET:
        conversation, article = _find_conversation(request)
        state = hours.opening_state(conversation, article=article)
    else:
        state = hours.opening_state(None)
    return JsonResponse(state.as_dict())


def _json_body(request: HttpRequest) -> dict[str, Any]:
    """The request's JSON object; refuses ``too_large`` (413, told by Content-Length before
    anything is read, or by the body), ``bad_request`` (415 for another type, 400 for what is
    not a JSON object) and ``too_deep`` (400, nested deeper than json_api.MAX_JSON_DEPTH)."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if (declared.isdigit() and int(declared) > MAX_BODY_BYTES) or len(
        request.body
    ) > MAX_BODY_BYTES:
        raise actions.CommentRefused("too_large", _("The request is too large."), status=413)
    if not request.content_type == "application/json":
        raise actions.CommentRefused(
            "bad_request", _("Send JSON (Content-Type: application/json)."), status=415
        )
    try:
        data = json_api.loads(request.body or b"{}")
    except json_api.JsonTooDeep as deep:
        raise actions.CommentRefused(
            "too_deep",
            _("The JSON is nested too deeply (at most %(limit)d levels).") % {"limit": deep.limit},
        ) from None
    except ValueError:
        raise actions.CommentRefused("bad_request", _("The body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise actions.CommentRefused("bad_request", _("Send a JSON object."))
    return data


def _comment_json(comment: Comment, status: int = 200, *, with_text: bool = False) -> JsonResponse:
    """The comment as readers see it; ``with_text`` adds the text as written (for its
    author, to edit it in place)."""
    comment = Comment.objects.select_related("author__community_profile").get(pk=comment.pk)
    data = rendering.comment_dict(comment, {})
    if with_text and not comment.is_deleted:
        data["text"] = comment.text
    return JsonResponse(data, status=status)


def _new_comment_json(comment: Comment, author: Any) -> JsonResponse:
    """The answer to a post: the comment as saved, with its author's display name (one plain
    query instead of reading the comment back)."""
    table = connection.ops.quote_name(Profile._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, display_name FROM {table} WHERE user_id = %s",  # noqa: S608 - our table
            [author.pk],
        )
        row = cursor.fetchone()
    if row is not None:
        author.community_profile = Profile(id=row[0], user_id=author.pk, display_name=row[1])
    comment.author = author
    return JsonResponse(rendering.comment_dict(comment, {}), status=201)


@refusals
@allow_methods("POST")
def comments(request: HttpRequest) -> HttpResponse:
    """Post a comment: {"article" | "url" (+ "title"), "text", "parent", "language"}."""
    data = _json_body(request)
    request.json = data  # type: ignore[attr-defined]
    if not request.user.is_authenticated:
        raise actions.CommentRefused("login_required", _("Please log in to take part."), status=401)
    text_value = data.get("text")
    if not isinstance(text_value, str):
        raise actions.CommentRefused("empty", _("Write something before you send your comment."))
    conversation, _article = _find_conversation(request, create=True)
    assert conversation is not None
    parent = None
    if data.get("parent") is not None:
        parent = Comment.objects.filter(pk=_int(str(data["parent"]), "parent")).first()
        if parent is None:
            raise actions.CommentRefused(
                "bad_parent", _("The comment you replied to no longer exists."), status=404
            )
    language = data.get("language") or get_language()
    comment = actions.do_post_comment(
        conversation,
        text_value=text_value,
        acting_user=request.user,
        parent=parent,
        language=str(language),
        ip_address=client_ip(request),
        honeypot=str(data.get("website") or ""),
    )
    return _new_comment_json(comment, request.user)


def _is_author(request: HttpRequest, comment: Comment) -> bool:
    return bool(request.user.is_authenticated and comment.author_id == request.user.pk)


@refusals
@allow_methods("GET", "PATCH", "DELETE")
def comment_detail(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = get_object_or_404(
        Comment.objects.select_related("conversation__article"), pk=comment_id
    )
    if request.method == "GET":
        if not actions.may_see(comment, request.user):
            raise actions.CommentRefused("not_found", _("No such comment."), status=404)
        return _comment_json(comment, with_text=_is_author(request, comment))
    if request.method == "DELETE":
        actions.do_delete_comment(comment, acting_user=request.user)
        return HttpResponse(status=204)
    data = _json_body(request)
    text_value = data.get("text")
    if not isinstance(text_value, str):
        raise actions.CommentRefused("empty", _("Write something before you send your comment."))
    actions.do_edit_comment(comment, text_value=text_value, acting_user=request.user)
    return _comment_json(comment, with_text=True)


@refusals
@allow_methods("POST")
def vote(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = get_object_or_404(
        Comment.objects.select_related("conversation__article"), pk=comment_id
    )
    data = _json_body(request)
    value = data.get("value")
    if not isinstance(value, int) or isinstance(value, bool):
        raise actions.CommentRefused("bad_vote", _("A vote is +1, -1 or 0 (to take it back)."))
    updated = actions.do_vote(comment, value=value, acting_user=request.user)
    return JsonResponse(
        {
            "id": updated.pk,
            "upvotes": updated.upvotes,
            "downvotes": updated.downvotes,
            "score": round(updated.score, 4),
            "your_vote": value,
        }
    )


@refusals
@allow_methods("GET", "HEAD")
def reader(request: HttpRequest) -> HttpResponse:
    """Who is reading, for the scripts of this site's pages and of the widget's frame (which
    is the same for everyone): ``{"profile": ID or null, "editable": [comment ids],
    "csrf_token": str or null}``; ``editable`` lists the reader's comments in
    ``?conversation=ID`` still inside the edit window. Never readable by other origins (no
    CORS), and anonymous where the browser withholds this site's cookies from the frame."""
    user = request.user
    if not user.is_authenticated:
        return JsonResponse({"profile": None, "editable": [], "csrf_token": None})
    conversation_value = request.GET.get("conversation")
    editable: list[int] = []
    if conversation_value is not None:
        editable = actions.editable_comment_ids(_int(conversation_value, "conversation"), user)
    response = JsonResponse(
        {
            "profile": actions.profile_for(user).pk,
            "editable": editable,
            "csrf_token": get_token(request),
        }
    )
    response["Cache-Control"] = "private, no-store"
    return response


@cors
@allow_methods("GET", "HEAD", "OPTIONS")
def openapi(request: HttpRequest) -> HttpResponse:
    return JsonResponse(schema(request.build_absolute_uri("/")[:-1]))
