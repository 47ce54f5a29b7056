"""Reader pages of the community: posting, replying, voting, editing, profiles, settings."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from newsdesk.community import actions, rendering
from newsdesk.community.forms import CommentForm, DeleteAccountForm, ProfileForm
from newsdesk.community.models import Comment, Conversation, Profile
from newsdesk.core.net import client_ip
from newsdesk.newsroom.models import Article


def login_redirect(request: HttpRequest, next_url: str | None = None) -> HttpResponseRedirect:
    query = urlencode({"next": next_url or request.get_full_path()})
    return HttpResponseRedirect(f"{reverse('account_login')}?{query}")


def article_section_html(request: HttpRequest, article_id: int) -> str:
    """The comment section of an article page (called by CommentSectionMiddleware)."""
    conversation = actions.published_article_conversation(article_id)
    if conversation is not None:  # the usual case: one plain query
        return rendering.render_section(
            request, conversation=conversation, article=conversation.article
        )
    article = (
        Article.objects.filter(pk=article_id)
        .only("id", "section_id", "first_published_at", "headline", "language")
        .first()
    )
    if article is None:
        return ""
    original = actions.original_article(article)
    conversation = Conversation.objects.filter(article_id=original.pk).first()
    return rendering.render_section(request, conversation=conversation, article=original)


def _current(conversation: Conversation) -> Conversation:
    """The conversation itself, or the one it was merged into."""
    current = actions.current_conversation(conversation)
    assert current is not None
    return current


def _thread_url(conversation: Conversation, comment: Comment | None = None) -> str:
    url = conversation.get_absolute_url()
    if comment is None:
        return url + "#comments"
    return f"{url}?csort=newest#c-{comment.pk}"


def _refused(
    request: HttpRequest,
    refused: actions.CommentRefused,
    *,
    text_value: str = "",
    back: str = "",
    form_action: str = "",
    parent: Any = None,
) -> HttpResponse:
    """A refusal explained, with the reader's text kept in a form to send again."""
    form = CommentForm(initial={"text": text_value, "parent": parent}) if form_action else None
    response = render(
        request,
        "community/refused.html",
        {
            "refused": refused,
            "form": form,
            "form_action": form_action,
            "back": back,
        },
        status=refused.status,
    )
    if refused.retry_after:
        response["Retry-After"] = str(refused.retry_after)
    return response


def _post(request: HttpRequest, conversation: Conversation, form_action: str) -> HttpResponse:
    form = CommentForm(request.POST)
    text_value = request.POST.get("text", "")
    parent_value = request.POST.get("parent") or None
    back = _thread_url(conversation)
    if not request.user.is_authenticated:
        return login_redirect(request, back)
    parent = None
    try:
        if not form.is_valid():
            raise actions.CommentRefused(
                "invalid",
                " ".join(str(message) for errors in form.errors.values() for message in errors),
            )
        if form.cleaned_data["parent"]:
            parent = Comment.objects.filter(pk=form.cleaned_data["parent"]).first()
            if parent is None:
                raise actions.CommentRefused(
                    "bad_parent", _("The comment you replied to no longer exists."), status=404
                )
        comment = actions.do_post_comment(
            conversation,
            text_value=form.cleaned_data["text"],
            acting_user=request.user,
            parent=parent,
            language=get_language(),
            ip_address=client_ip(request),
            honeypot=form.cleaned_data["website"],
        )
    except actions.CommentRefused as refused:
        return _refused(
            request,
            refused,
            text_value=text_value,
            back=back,
            form_action=form_action,
            parent=parent_value,
        )
    return HttpResponseRedirect(_thread_url(conversation, comment))


@require_POST
def post_to_article(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=article_id, status=Article.Status.PUBLISHED)
    conversation = actions.conversation_for_article(article)
    return _post(request, conversation, request.path)


@require_POST
def post_to_conversation(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = _current(get_object_or_404(Conversation, pk=conversation_id))
    return _post(request, conversation, request.path)


@require_GET
def conversation_page(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """The discussion of an embedding page, on this site (where readers log in and post)."""
    conversation = get_object_or_404(
        Conversation.objects.select_related("article"), pk=conversation_id
    )
    if conversation.article_id is not None or conversation.merged_into_id is not None:
        return HttpResponseRedirect(_current(conversation).get_absolute_url())
    section = rendering.render_section(request, conversation=conversation)
    return render(
        request,
        "community/conversation.html",
        {
            "conversation": conversation,
            "section": section,
            "other_languages": rendering.has_other_languages(
                rendering.comment_languages(conversation), get_language()
            ),
        },
    )


@require_GET
def thread_fragment(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """One page of a thread as an HTML fragment ("load more")."""
    conversation = _current(get_object_or_404(Conversation, pk=conversation_id))
    sort = rendering.parse_sort(request.GET.get("csort"))
    page = rendering.parse_page(request.GET.get("cpage"))
    language = get_language() or settings.LANGUAGE_CODE
    return HttpResponse(
        rendering.thread_html(conversation, sort, page, rendering.report_address(language))
    )


@require_GET
def comment_page(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Permalink: the comment's whole thread, the comment marked; its edit history."""
    comment = get_object_or_404(
        Comment.objects.select_related("conversation__article", "author__community_profile"),
        pk=comment_id,
    )
    user = request.user
    if not actions.may_see(comment, user):
        raise Http404(_("No such comment."))
    if user.is_authenticated:
        # The page's script knows the reader by profile (as the article page's section does).
        actions.profile_for(user)
    root_id = comment.root_id or comment.pk
    thread = list(
        Comment.objects.select_related("author__community_profile").filter(
            Q(pk=root_id) | Q(root_id=root_id)
        )
    )
    for item in thread:  # held comments: their text for their author and moderators only
        item.show_held = actions.may_see(item, user)  # type: ignore[attr-defined]
    thread.sort(key=lambda item: (item.created_at, item.pk))
    replies: dict[int, list[Comment]] = {}
    root = None
    for item in thread:
        if item.pk == root_id:
            root = item
        else:
            replies.setdefault(item.parent_id or 0, []).append(item)
    return render(
        request,
        "community/comment.html",
        {
            "comment": comment,
            "root": root,
            "replies": replies,
            "conversation": comment.conversation,
            "can_edit": actions.can_edit(comment, user),
            "report_base": rendering.report_link_base(
                rendering.report_address(get_language() or settings.LANGUAGE_CODE)
            ),
            "is_author": user.is_authenticated and comment.author_id == user.pk,
            "revisions": list(comment.revisions.all())
            if actions.may_read_text(comment, user)
            else [],
            "back": _thread_url(comment.conversation),
            "edit_form": CommentForm(initial={"text": comment.text}),
            "other_languages": rendering.has_other_languages(
                {item.language for item in thread if item.is_visible}, get_language()
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def edit_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = get_object_or_404(
        Comment.objects.select_related("conversation__article"), pk=comment_id
    )
    if not request.user.is_authenticated:
        return login_redirect(request)
    if request.method == "GET":
        return HttpResponseRedirect(comment.get_absolute_url())
    text_value = request.POST.get("text", "")
    try:
        actions.do_edit_comment(comment, text_value=text_value, acting_user=request.user)
    except actions.CommentRefused as refused:
        return _refused(
            request,
            refused,
            text_value=text_value,
            back=comment.get_absolute_url(),
            form_action=request.path,
        )
    messages.success(request, _("Your comment was changed."))
    return HttpResponseRedirect(comment.get_absolute_url())


@require_POST
def delete_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = get_object_or_404(
        Comment.objects.select_related("conversation__article"), pk=comment_id
    )
    if not request.user.is_authenticated:
        return login_redirect(request, comment.get_absolute_url())
    try:
        actions.do_delete_comment(comment, acting_user=request.user)
    except actions.CommentRefused as refused:
        return _refused(request, refused, back=comment.get_absolute_url())
    messages.success(request, _("Your comment was deleted."))
    return HttpResponseRedirect(_thread_url(comment.conversation))


@require_POST
def vote(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = get_object_or_404(
        Comment.objects.select_related("conversation__article"), pk=comment_id
    )
    back = f"{comment.conversation.get_absolute_url()}#c-{comment.pk}"
    if not request.user.is_authenticated:
        return login_redirect(request, back)
    raw = request.POST.get("value", "")
    try:
        value = int(raw)
    except ValueError:
        value = 99
    try:
        actions.do_vote(comment, value=value, acting_user=request.user)
    except actions.CommentRefused as refused:
        return _refused(request, refused, back=back)
    return HttpResponseRedirect(back)


@require_GET
def profile_page(request: HttpRequest, profile_id: int) -> HttpResponse:
    profile = get_object_or_404(Profile, pk=profile_id)
    comments = (
        Comment.objects.filter(
            author_id=profile.user_id, deleted_at__isnull=True, status=Comment.Status.VISIBLE
        )
        .select_related("conversation__article__section")
        .order_by("-created_at", "-id")
    )
    paginator = Paginator(comments, 20)
    number = request.GET.get("page", "1")
    if not number.isdigit() or not 1 <= int(number) <= max(paginator.num_pages, 1):
        raise Http404("No such page")
    return render(
        request,
        "community/profile.html",
        {
            "profile": profile,
            "page": paginator.page(int(number)),
            "is_own": request.user.is_authenticated and request.user.pk == profile.user_id,
        },
    )


@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_redirect(request)
    profile = actions.profile_for(request.user)
    form = ProfileForm(
        request.POST or None,
        initial={"display_name": profile.display_name, "notify_replies": profile.notify_replies},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.do_update_profile(
                    profile,
                    display_name=form.cleaned_data["display_name"],
                    notify_replies=form.cleaned_data["notify_replies"],
                    acting_user=request.user,
                )
            except actions.CommentRefused as refused:
                form.add_error("display_name", refused.message)
                status = refused.status
            else:
                messages.success(request, _("Your settings were saved."))
                return HttpResponseRedirect(request.path)
        else:
            status = 400
    return render(
        request, "community/settings.html", {"form": form, "profile": profile}, status=status
    )


@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_redirect(request)
    form = DeleteAccountForm(request.POST or None)
    kept = actions.account_erasure_notes(request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid() and request.user.check_password(form.cleaned_data["password"]):
            user = request.user
            logout(request)
            actions.do_delete_account(user, acting_user=user)
            request.user = AnonymousUser()
            messages.success(request, _("Your account was deleted."))
            for line in kept:
                messages.info(request, line)
            return HttpResponseRedirect(reverse("newsroom:front"))
        form.add_error("password", _("That is not your password."))
        status = 400
    return render(
        request, "community/delete_account.html", {"form": form, "kept": kept}, status=status
    )
