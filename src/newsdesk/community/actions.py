"""Every change to the community goes through these functions: views and the API stay thin.

Each takes the user it acts for as `acting_user`, checks what that user may do, and raises
CommentRefused with a reader-facing message when the answer is no. Apps built on this one
(moderation) hook in through `comment_screeners` and the signals in `signals.py`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from newsdesk.community import comment_text, hours, signals
from newsdesk.community.models import (
    Comment,
    CommentRevision,
    Conversation,
    Profile,
    Vote,
)
from newsdesk.community.tasks import notify_reply
from newsdesk.core import clock, prepared
from newsdesk.core.actors import Actor, AnyUser, person
from newsdesk.core.audit import EventType, record_event
from newsdesk.core.errors import ActionRefused
from newsdesk.core.text_input import refuse_control_characters
from newsdesk.core.writelock import write_lock
from newsdesk.newsroom.models import Article

DISPLAY_NAME_MAX = 40
DUPLICATE_WINDOW = dt.timedelta(hours=24)
FLOOD_WINDOW = dt.timedelta(minutes=10)
# The same text posted this often by anyone in one conversation within FLOOD_WINDOW is a flood.
FLOOD_COPIES = 3


class CommentRefused(ActionRefused):
    """A refused community request (the shared refusal: code, reader-facing message, HTTP
    status, optional retry_after)."""


@dataclass
class Hold:
    """Why a screener held a comment back: a stable code, the note its author reads, and the
    evidence (rule, score, model...) for the moderators and the audit trail."""

    code: str
    note: str
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass
class Draft:
    """A comment about to be saved (posted, or ``editing`` an existing one).

    Screeners (``comment_screeners``) look at it in order: they refuse it by raising
    CommentRefused (nothing is stored; the author keeps the text), hold it for review with
    :meth:`hold` (stored as pending), or let it pass. ``screening`` collects what they
    found for the apps listening to ``comment_posted``/``comment_edited``.
    """

    conversation: Conversation
    author: User
    text: str
    parent: Comment | None
    language: str
    ip_address: str | None
    editing: Comment | None = None
    holds: list[Hold] = field(default_factory=list)
    screening: dict[str, Any] = field(default_factory=dict)

    def hold(self, code: str, note: str, evidence: dict[str, Any] | None = None) -> None:
        """Keep the comment from readers until a moderator decides; ``evidence`` (the rule,
        the score...) goes to the moderators and the audit trail, never reader text."""
        self.holds.append(Hold(code, note, dict(evidence or {})))

    @property
    def status(self) -> str:
        return Comment.Status.PENDING if self.holds else Comment.Status.VISIBLE

    @property
    def note(self) -> str:
        """What the author reads about the holds (each different note once)."""
        return " ".join(dict.fromkeys(hold.note for hold in self.holds))


# Callables(draft) run before a comment is saved or edited, in registration order.
comment_screeners: list[Callable[[Draft], None]] = []


def screens_comments(func: Callable[[Draft], None]) -> Callable[[Draft], None]:
    comment_screeners.append(func)
    return func


# Callables(reader, what) run before a reader posts ("post"), edits ("edit"), votes ("vote")
# or changes their profile ("profile"); they refuse with CommentRefused (moderation's
# sanctions plug in here).
posting_guards: list[Callable[[User, str], None]] = []


def guards_posting(func: Callable[[User, str], None]) -> Callable[[User, str], None]:
    if func not in posting_guards:
        posting_guards.append(func)
    return func


# Callables(comment, draft) run inside the transaction that stores a screened comment (new
# or edited), after it is written: what they write commits with the comment, or neither does
# (moderation opens its case for a held comment here).
comment_stored_hooks: list[Callable[[Comment, Draft], None]] = []


def on_comment_stored(func: Callable[[Comment, Draft], None]) -> Callable[[Comment, Draft], None]:
    if func not in comment_stored_hooks:
        comment_stored_hooks.append(func)
    return func


def _stored(comment: Comment, draft: Draft) -> None:
    for hook in comment_stored_hooks:
        hook(comment, draft)


# Callables(name) that may refuse a display name (CommentRefused), e.g. moderation's banned
# word list; run by check_display_name after its own checks.
display_name_checks: list[Callable[[str], None]] = []


def checks_display_names(func: Callable[[str], None]) -> Callable[[str], None]:
    if func not in display_name_checks:
        display_name_checks.append(func)
    return func


def check_guards(reader: User, what: str) -> None:
    """Run every posting guard for ``reader`` about to do ``what``."""
    for guard in posting_guards:
        guard(reader, what)


def screen(draft: Draft) -> Draft:
    """Run every screener on ``draft`` (which may raise CommentRefused); returns it."""
    for screener in comment_screeners:
        screener(draft)
    return draft


# Conversations: one per article across its editions; apps that make editions tell which
# article is the original by registering a resolver here.
original_article_resolvers: list[Callable[[Any], Any]] = []


def original_article(article: Any) -> Any:
    for resolve in original_article_resolvers:
        original = resolve(article)
        if original is not None:
            return original
    return article


def published_article_conversation(article_id: int) -> Conversation | None:
    """The conversation of a published article, with what reading and posting need, in one
    plain query (the hot path of both); None where there is none (yet).

    The article comes along as a partial instance: its section and status are loaded; any
    other field loads on first use. A conversation hangs on the original article by
    construction (conversation_for_article), so an edition's copy never has one.
    """
    conversation_table = connection.ops.quote_name(Conversation._meta.db_table)
    article_table = connection.ops.quote_name(Article._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.id, c.url, c.title, c.mode, c.closes_after_days, c.comment_count, "  # noqa: S608 - our tables
            f"c.version, a.section_id FROM {conversation_table} c "
            f"JOIN {article_table} a ON a.id = c.article_id "
            "WHERE c.article_id = %s AND a.status = %s",
            [article_id, Article.Status.PUBLISHED.value],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    conversation = Conversation.from_db(
        connection.alias,
        [
            "id",
            "article_id",
            "url",
            "title",
            "mode",
            "closes_after_days",
            "comment_count",
            "version",
        ],
        [row[0], article_id, *row[1:7]],
    )
    conversation.article = Article.from_db(
        connection.alias,
        ["id", "section_id", "status"],
        [article_id, row[7], Article.Status.PUBLISHED],
    )
    return conversation


def conversation_for_article(article: Any) -> Conversation:
    original = original_article(article)
    conversation, _created = Conversation.objects.get_or_create(
        article=original, defaults={"title": original.headline[:200]}
    )
    conversation.article = original  # saves a query wherever the article is needed next
    return conversation


# Query parameters that say where a reader came from, not which page it is.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "ref_src",
        "ref_url",
        "cmpid",
        "wt_mc",
    }
)
DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise_url(url: str) -> str:
    """The one address of a page, whatever link a reader followed: scheme and host in lower
    case, default ports, fragments, tracking parameters (``utm_*``, ``fbclid``...) and a
    trailing slash dropped; every other query parameter kept, in its order (``?id=1`` and
    ``?id=2`` are different pages). Refuses ``bad_url`` (400) and control characters."""
    refuse_control_characters(url, "url", refusal=CommentRefused)
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = -1
    if scheme not in DEFAULT_PORTS or not parts.hostname or port == -1:
        raise CommentRefused("bad_url", _("Give the page's full address (http or https)."))
    netloc = parts.hostname.lower() + (f":{port}" if port and port != DEFAULT_PORTS[scheme] else "")
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    kept = [
        pair
        for pair in parts.query.split("&")
        if pair
        and not pair.split("=", 1)[0].lower().startswith("utm_")
        and pair.split("=", 1)[0].lower() not in TRACKING_PARAMETERS
    ]
    return urlunsplit((scheme, netloc, path, "&".join(kept), ""))


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def is_allowed_origin(origin: str) -> bool:
    allowed = {value.rstrip("/") for value in settings.COMMUNITY_ALLOWED_ORIGINS}
    return origin.rstrip("/") in allowed or origin.rstrip("/") == settings.SITE_URL


def conversation_for_url(url: str, *, title: str = "", create: bool = True) -> Conversation | None:
    """The conversation of a page on an allowed site (created on first use). Refuses
    ``control_characters``, ``bad_url`` (400) and ``origin_not_allowed`` (403)."""
    refuse_control_characters(title, "title", refusal=CommentRefused)
    normalised = normalise_url(url)
    if len(normalised) > 500:
        raise CommentRefused("bad_url", _("The page address is too long (500 characters at most)."))
    if not is_allowed_origin(origin_of(normalised)):
        raise CommentRefused(
            "origin_not_allowed", _("Comments are not enabled for pages on this site."), status=403
        )
    if not create:
        return current_conversation(Conversation.objects.filter(url=normalised).first())
    try:
        conversation, _created = Conversation.objects.get_or_create(
            url=normalised, defaults={"title": title.strip()[:200]}
        )
    except IntegrityError:  # created by a concurrent request
        conversation = Conversation.objects.get(url=normalised)
    return current_conversation(conversation)


def current_conversation(conversation: Conversation | None) -> Conversation | None:
    """Where the conversation lives now: the one it was merged into, or itself (merges never
    chain: merging a target moves its sources along)."""
    if conversation is None or conversation.merged_into_id is None:
        return conversation
    return Conversation.objects.select_related("article").get(pk=conversation.merged_into_id)


def find_conversation(reference: str) -> Conversation:
    """The conversation named by an operator: its id, or a page address (normalised as the
    widget's are; an article's page address names the article's conversation). Refuses
    ``not_found`` (404)."""
    reference = reference.strip()
    found: Conversation | None = None
    if reference.isascii() and reference.isdigit():
        found = Conversation.objects.filter(pk=int(reference)).first()
    else:
        try:
            normalised = normalise_url(reference)
        except CommentRefused:
            normalised = ""
        if normalised:
            found = Conversation.objects.filter(url=normalised).first()
        if found is None:
            found = _article_conversation_at(reference)
    if found is None:
        raise CommentRefused(
            "not_found",
            _("No conversation with the id or address %(ref)s.") % {"ref": reference},
            status=404,
        )
    return found


def _article_conversation_at(address: str) -> Conversation | None:
    """The conversation of the article whose page is at ``address`` (this site's)."""
    from django.urls import Resolver404, resolve

    path = urlsplit(address).path
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.url_name != "article":
        return None
    article = Article.objects.filter(
        section__slug=match.kwargs.get("section"), slug=match.kwargs.get("slug")
    ).first()
    if article is None:
        return None
    return Conversation.objects.filter(article_id=original_article(article).pk).first()


def do_merge_conversations(
    source: Conversation, *, into: Conversation, acting_user: Actor
) -> Conversation:
    """Staff merge two conversations of one page (e.g. addresses that differ only in what
    normalisation could not know): every comment of ``source`` (replies, votes, revisions and
    moderation cases hang on the comments and come along) moves to ``into``, the comment
    counts follow, both threads' caches are bumped, and ``source`` stays as a forwarding
    row: its address (and id) lead to ``into`` from then on, so later posts and reads land
    there. Conversations of earlier merges into ``source`` forward to ``into`` too. One audit
    row (``conversation.merged``) on ``source``.

    Conversations have no language of their own (one thread serves every edition; each
    comment keeps its language), so merging across languages is allowed. An article's
    conversation may receive a merge but not be merged away: it belongs to its article and
    every edition of it.

    Returns ``into``. Refusals: ``forbidden`` (403, not staff with
    ``community.change_conversation``), ``same_conversation`` (400), ``article_conversation``
    (409, ``source`` is an article's), ``already_merged`` (409, ``source`` was merged
    before), ``merged_target`` (409, ``into`` itself was merged away)."""
    actor = person(acting_user)
    if actor is None or not actor.is_active or not actor.has_perm("community.change_conversation"):
        raise CommentRefused(
            "forbidden", _("Only staff who manage conversations can merge them."), status=403
        )
    if source.pk == into.pk:
        raise CommentRefused("same_conversation", _("A conversation cannot be merged into itself."))
    with write_lock(), transaction.atomic():
        locked = {
            row.pk: row
            for row in Conversation.objects.select_for_update().filter(pk__in=[source.pk, into.pk])
        }
        source_row, into_row = locked[source.pk], locked[into.pk]
        if source_row.article_id is not None:
            raise CommentRefused(
                "article_conversation",
                _("An article's conversation belongs to the article; merge others into it."),
                status=409,
            )
        if source_row.merged_into_id is not None:
            raise CommentRefused(
                "already_merged", _("This conversation was already merged."), status=409
            )
        if into_row.merged_into_id is not None:
            raise CommentRefused(
                "merged_target",
                _("The target was itself merged into another conversation; merge into that."),
                status=409,
            )
        moved = Comment.objects.filter(conversation_id=source_row.pk).update(
            conversation_id=into_row.pk
        )
        forwarded = list(
            Conversation.objects.filter(merged_into_id=source_row.pk).values_list("pk", flat=True)
        )
        Conversation.objects.filter(pk__in=forwarded).update(merged_into_id=into_row.pk)
        count = source_row.comment_count
        source_row.merged_into = into_row
        source_row.comment_count = 0
        source_row.save(update_fields=["merged_into", "comment_count"])
        _bump(source_row.pk)
        _bump(into_row.pk, count)
        record_event(
            EventType.CONVERSATIONS_MERGED,
            actor=acting_user,
            target=source_row,
            old={"conversation": source_row.pk, "url": source_row.url, "comments": moved},
            new={"merged_into": into_row.pk, "forwarded": [source_row.pk, *forwarded]},
        )
    source.merged_into_id = into_row.pk
    source.comment_count = 0
    into.refresh_from_db()
    return into


def profile_for(user: User) -> Profile:
    """The user's reader profile, created with a unique display name if missing."""
    try:
        return user.community_profile
    except Profile.DoesNotExist:
        pass
    # Accounts made outside the sign-up form (admin, createsuperuser) start with their
    # username, unless it is an e-mail address: no part of that is ever published.
    username = user.get_username() or ""
    base = username[: DISPLAY_NAME_MAX - 6] if username and "@" not in username else ""
    base = base or f"reader-{user.pk}"
    name, number = base, 1
    while Profile.objects.filter(display_name__iexact=name).exists():
        number += 1
        name = f"{base}-{number}"
    try:
        profile = Profile.objects.create(user=user, display_name=name)
    except IntegrityError:
        profile = Profile.objects.get(user=user)
    user.community_profile = profile
    return profile


def check_text(raw: str) -> str:
    """The comment text, normalised; refuses ``control_characters`` (NUL; the others are
    dropped by normalising), ``empty`` and ``too_long`` (400)."""
    refuse_control_characters(raw or "", "text", lines=True, refusal=CommentRefused)
    cleaned = comment_text.normalise(raw or "")
    if not cleaned:
        raise CommentRefused("empty", _("Write something before you send your comment."))
    limit = settings.COMMUNITY_COMMENT_MAX_LENGTH
    if len(cleaned) > limit:
        raise CommentRefused(
            "too_long",
            _("Your comment has %(length)d characters; %(limit)d are allowed. Please shorten it.")
            % {"length": len(cleaned), "limit": limit},
        )
    return cleaned


def _require_reader(acting_user: Actor) -> User:
    """The signed-in, active account behind ``acting_user``; refuses ``login_required`` (401)
    and ``inactive`` (403)."""
    reader = person(acting_user)
    if reader is None:
        raise CommentRefused("login_required", _("Please log in to take part."), status=401)
    if not reader.is_active:
        raise CommentRefused("inactive", _("This account is disabled."), status=403)
    return reader


# Rate limits count the reader's stored comments (and those from the same address), so
# every server process sees the same counts without a shared cache, and the windows slide.
# Each count stops at its limit (refused comments are not stored, so an address has at most
# its limit in any minute anyway, unless the limit was raised).
_RATES_SQL = """
    SELECT
        (SELECT COUNT(*) FROM (SELECT 1 FROM {table}
            WHERE author_id = %s AND created_at >= %s LIMIT 1) AS just_now),
        (SELECT COUNT(*) FROM (SELECT 1 FROM {table}
            WHERE author_id = %s AND created_at >= %s LIMIT %s) AS this_hour),
        (SELECT COUNT(*) FROM (SELECT 1 FROM {table}
            WHERE ip_address = %s AND created_at >= %s LIMIT %s) AS from_address)
"""


# pg_advisory_xact_lock's first key: this lock's class (the second is the account's id).
_POSTING_LOCK = 0x436F6D6D  # "Comm"


def _one_post_at_a_time(user: User) -> None:
    """Serialise one account's posts until the transaction ends. SQLite needs nothing more:
    its writes already go one at a time through write_lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_POSTING_LOCK, user.pk])


def check_rate_limits(user: User, ip_address: str | None, now: dt.datetime | None = None) -> None:
    """One comment per COMMUNITY_SECONDS_BETWEEN_COMMENTS per account, at most
    COMMUNITY_ACCOUNT_BURST an hour per account and COMMUNITY_IP_PER_MINUTE a minute per
    address (0: none), counted from the comments table in one query."""
    now = now or clock.now()
    interval = settings.COMMUNITY_SECONDS_BETWEEN_COMMENTS
    burst = settings.COMMUNITY_ACCOUNT_BURST
    per_minute = settings.COMMUNITY_IP_PER_MINUTE  # 0: no limit per address
    # As the column stores it (IPv6 compressed), so that the comparison finds it.
    address = (
        Comment._meta.get_field("ip_address").get_db_prep_value(ip_address, connection)
        if per_minute and ip_address
        else None
    )
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            _RATES_SQL.format(table=connection.ops.quote_name(Comment._meta.db_table)),
            [
                user.pk,
                adapt(now - dt.timedelta(seconds=interval)) if interval else adapt(now),
                user.pk,
                adapt(now - dt.timedelta(hours=1)),
                burst,
                address,
                adapt(now - dt.timedelta(minutes=1)),
                per_minute,
            ],
        )
        just_now, this_hour, from_address = cursor.fetchone()
    if interval and just_now:
        raise CommentRefused(
            "too_fast",
            _("You can post one comment every %(seconds)d seconds. Please wait a moment.")
            % {"seconds": interval},
            status=429,
            retry_after=interval,
        )
    if this_hour >= burst:
        raise CommentRefused(
            "rate_limited",
            _(
                "You have posted %(count)d comments in the last hour, the most we accept. "
                "Please try again later."
            )
            % {"count": burst},
            status=429,
            retry_after=3600,
        )
    if address and from_address >= per_minute:
        raise CommentRefused(
            "rate_limited",
            _("Too many comments come from your network right now. Please try again in a minute."),
            status=429,
            retry_after=60,
        )


# The hottest check of posting, in plain SQL (the ORM's query building costs more CPU
# than the query itself): own copies of the text in 24 h, anyone's here in 10 minutes.
_DUPLICATES_SQL = """
    SELECT
        COALESCE(SUM(CASE WHEN author_id = %s THEN 1 ELSE 0 END), 0),
        COALESCE(SUM(CASE WHEN conversation_id = %s AND created_at >= %s THEN 1 ELSE 0 END), 0)
    FROM {table}
    WHERE text_digest = %s AND created_at >= %s
"""


def _check_duplicates(
    conversation: Conversation, user: User, digest: str, now: dt.datetime
) -> None:
    """One query: the same text by this reader (24 h), or by anyone here (10 minutes)."""
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            _DUPLICATES_SQL.format(table=connection.ops.quote_name(Comment._meta.db_table)),
            [
                user.pk,
                conversation.pk,
                adapt(now - FLOOD_WINDOW),
                digest,
                adapt(now - DUPLICATE_WINDOW),
            ],
        )
        own, here = cursor.fetchone()
    if own:
        raise CommentRefused(
            "duplicate",
            _("You have already posted this comment. Please do not post the same text twice."),
            status=409,
        )
    if here >= FLOOD_COPIES:
        raise CommentRefused(
            "flood",
            _("This text has just been posted several times here. Please write your own words."),
            status=409,
        )


def _bump(conversation_id: int, count_change: int = 0) -> None:
    """A new version of the thread (caches key on it), and its comment count changed."""
    table = connection.ops.quote_name(Conversation._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET version = version + 1, comment_count = comment_count + %s "  # noqa: S608 - the table name is ours
            "WHERE id = %s",
            [count_change, conversation_id],
        )


def do_post_comment(
    conversation: Conversation,
    *,
    text_value: str,
    acting_user: Actor,
    parent: Comment | None = None,
    language: str | None = None,
    ip_address: str | None = None,
    honeypot: str = "",
) -> Comment:
    """Post a comment (or a reply to `parent`) as acting_user, after every check."""
    reader = _require_reader(acting_user)
    check_guards(reader, "post")
    if honeypot:
        raise CommentRefused(
            "honeypot",
            _(
                "Your comment could not be accepted. If you use a form filler, please fill in "
                "the comment yourself."
            ),
        )
    cleaned = check_text(text_value)
    language = language or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        raise CommentRefused("bad_language", _("Unknown language."))
    if parent is not None:
        if parent.conversation_id != conversation.pk:
            raise CommentRefused("bad_parent", _("You can only reply within the same discussion."))
        if parent.is_deleted:
            raise CommentRefused(
                "parent_deleted", _("That comment was deleted; you cannot reply to it."), status=409
            )
        if not parent.is_visible:
            raise CommentRefused(
                "parent_unavailable",
                _("That comment is not shown (held for review or removed); you cannot reply."),
                status=409,
            )
        # Replies deeper than the limit join the deepest level, as replies to its comment.
        while parent is not None and parent.depth >= settings.COMMUNITY_MAX_DEPTH - 1:
            parent = parent.parent
    state = hours.opening_state(conversation)
    if not state.can_post:
        raise CommentRefused("closed", state.message, status=403)
    digest = comment_text.digest(cleaned)
    draft = screen(Draft(conversation, reader, cleaned, parent, language, ip_address))
    visible = draft.status == Comment.Status.VISIBLE
    with write_lock(), transaction.atomic():
        # Checked and stored in one go, so that parallel posts of one account (a script, a
        # double click) cannot all pass the checks before any of them is stored.
        _one_post_at_a_time(reader)
        now = clock.now()
        _check_duplicates(conversation, reader, digest, now)
        check_rate_limits(reader, ip_address, now)
        comment = Comment(
            conversation=conversation,
            parent=parent,
            root=(parent.root or parent) if parent is not None else None,
            depth=parent.depth + 1 if parent is not None else 0,
            author=reader,
            language=language,
            text=draft.text,
            html=comment_text.render(draft.text),
            text_digest=digest,
            created_at=now,
            ip_address=ip_address,
            status=draft.status,
            status_note=draft.note,
            published_at=now if visible else None,
        )
        prepared.insert(comment)  # no model signals: comment_posted below announces it
        _bump(conversation.pk, 1 if visible else 0)
        if parent is not None and visible:
            Comment.objects.filter(pk=parent.pk).update(reply_count=F("reply_count") + 1)
        _stored(comment, draft)
    signals.comment_posted.send(
        sender=Comment, comment=comment, acting_user=acting_user, draft=draft
    )
    if visible:
        _notify_parent_author(comment)
    return comment


def _notify_parent_author(comment: Comment) -> None:
    """Tell the author of the comment replied to, after the commit (if they want to know)."""
    parent = comment.parent
    if parent is not None and parent.author_id and parent.author_id != comment.author_id:
        transaction.on_commit(lambda: notify_reply.enqueue(comment.pk))


def _require_author(comment: Comment, acting_user: Actor) -> User:
    reader = _require_reader(acting_user)
    if comment.author_id != reader.pk:
        raise CommentRefused("not_author", _("You can only change your own comments."), status=403)
    if comment.is_deleted:
        raise CommentRefused("deleted", _("This comment was deleted."), status=409)
    return reader


def edit_deadline(comment: Comment) -> dt.datetime:
    return comment.created_at + dt.timedelta(seconds=settings.COMMUNITY_EDIT_WINDOW_SECONDS)


def can_edit(comment: Comment, user: AnyUser) -> bool:
    return (
        user.is_authenticated
        and comment.author_id == user.pk
        and not comment.is_deleted
        and clock.now() < edit_deadline(comment)
    )


def editable_comment_ids(conversation_id: int, user: AnyUser) -> list[int]:
    """The ids of ``user``'s comments in the conversation they may still edit (their own, not
    deleted or removed, inside the edit window), oldest first; empty for anonymous readers.
    One indexed query (the pages' script shows "Edit" beside exactly these)."""
    if not user.is_authenticated:
        return []
    since = clock.now() - dt.timedelta(seconds=settings.COMMUNITY_EDIT_WINDOW_SECONDS)
    return list(
        Comment.objects.filter(
            author_id=user.pk,
            created_at__gt=since,
            conversation_id=conversation_id,
            deleted_at__isnull=True,
        )
        .exclude(status=Comment.Status.REJECTED)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)
    )


def do_edit_comment(comment: Comment, *, text_value: str, acting_user: Actor) -> Comment:
    """The author changes their comment within the edit window; the new text is screened
    like a new comment (a held edit takes the comment from readers until a moderator
    decides).

    Refusals: ``login_required``, ``inactive``, ``not_author``, ``deleted``, ``edit_window``,
    ``closed``, the text checks, the posting guards' and the screeners' codes."""
    reader = _require_author(comment, acting_user)
    check_guards(reader, "edit")
    if comment.is_removed:
        raise CommentRefused(
            "removed", _("This comment was removed by the moderators."), status=409
        )
    now = clock.now()
    if now >= edit_deadline(comment):
        minutes = settings.COMMUNITY_EDIT_WINDOW_SECONDS // 60
        raise CommentRefused(
            "edit_window",
            _("Comments can be edited for %(minutes)d minutes after posting; that time is over.")
            % {"minutes": minutes},
            status=403,
        )
    cleaned = check_text(text_value)
    if cleaned == comment.text:
        return comment
    state = hours.opening_state(comment.conversation)
    if not state.can_post:
        raise CommentRefused("closed", state.message, status=403)
    draft = screen(
        Draft(
            comment.conversation,
            reader,
            cleaned,
            comment.parent,
            comment.language,
            comment.ip_address,
            editing=comment,
        )
    )
    with transaction.atomic():
        # Screening may have taken a while: decide on the row as it is now, locked.
        locked = _locked(comment)
        if locked.is_deleted:
            raise CommentRefused("deleted", _("This comment was deleted."), status=409)
        if locked.is_removed:
            raise CommentRefused(
                "removed", _("This comment was removed by the moderators."), status=409
            )
        _replace_text(locked, cleaned, now)
        if draft.holds:
            apply_comment_status(locked, status=Comment.Status.PENDING, note=draft.note)
        _stored(locked, draft)
        _copy_state(locked, comment)
    signals.comment_edited.send(
        sender=Comment, comment=comment, acting_user=acting_user, draft=draft
    )
    return comment


def apply_comment_status(comment: Comment, *, status: str, note: str = "") -> str:
    """Set the comment's status and the note its author reads, keeping counts and cached
    threads right; returns the old status. Runs inside the caller's transaction (moderation's
    actions, which also write the audit row) on the current row. The first time a comment
    is published (``published_at``), the author of its parent is told of the reply."""
    old = comment.status
    was_shown = old == Comment.Status.VISIBLE and comment.deleted_at is None
    now_shown = status == Comment.Status.VISIBLE and comment.deleted_at is None
    first_time = now_shown and comment.published_at is None
    comment.status = status
    comment.status_note = note
    if first_time:
        comment.published_at = clock.now()
    comment.save(update_fields=["status", "status_note", "published_at"])
    _bump(comment.conversation_id, int(now_shown) - int(was_shown))
    if comment.parent_id is not None and now_shown != was_shown:
        Comment.objects.filter(pk=comment.parent_id).update(
            reply_count=F("reply_count") + (1 if now_shown else -1)
        )
    if first_time:
        _notify_parent_author(comment)
    return old


STATE_FIELDS = (
    "text",
    "html",
    "text_digest",
    "edited_at",
    "deleted_at",
    "status",
    "status_note",
    "published_at",
)


def _locked(comment: Comment) -> Comment:
    """The comment's row, locked until the transaction ends (inside transaction.atomic)."""
    return Comment.objects.select_for_update().get(pk=comment.pk)


def _copy_state(source: Comment, target: Comment) -> None:
    """Give the caller's instance the state the action stored."""
    for name in STATE_FIELDS:
        setattr(target, name, getattr(source, name))


def _replace_text(comment: Comment, cleaned: str, now: dt.datetime) -> None:
    """Keep the old text as a revision and store the new one (inside the caller's transaction)."""
    CommentRevision.objects.create(
        comment=comment,
        text=comment.text,
        written_at=comment.edited_at or comment.created_at,
        replaced_at=now,
    )
    comment.text = cleaned
    comment.html = comment_text.render(cleaned)
    comment.text_digest = comment_text.digest(cleaned)
    comment.edited_at = now
    comment.save(update_fields=["text", "html", "text_digest", "edited_at"])
    _bump(comment.conversation_id)


def may_see(comment: Comment, user: AnyUser) -> bool:
    """Whether ``user`` may see the comment at all: a held one only its author and staff who
    moderate (removed and deleted ones show as placeholders to everyone)."""
    if comment.status != Comment.Status.PENDING:
        return True
    if user.is_authenticated and comment.author_id == user.pk:
        return True
    return can_moderate(user)


def may_read_text(comment: Comment, user: AnyUser) -> bool:
    """Whether ``user`` may read the comment's text: everyone when it is visible; its author
    and staff who moderate when it is held or removed; nobody once it is deleted."""
    if comment.deleted_at is not None:
        return False
    if comment.status == Comment.Status.VISIBLE:
        return True
    if user.is_authenticated and comment.author_id == user.pk:
        return True
    return can_moderate(user)


def can_moderate(user: Actor) -> bool:
    """Whether ``user`` is staff allowed to change readers' comments (``change_comment``)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_perm("community.change_comment")
    )


def do_delete_comment(comment: Comment, *, acting_user: Actor) -> Comment:
    """The author withdraws a comment, or staff remove it: its replies stay, the text is no
    longer shown. Recorded in the audit trail.

    Refusals: ``login_required`` (401), ``inactive``, ``not_author`` (403, neither the author
    nor staff), ``deleted`` (409)."""
    if not can_moderate(acting_user):
        _require_author(comment, acting_user)
    elif comment.is_deleted:
        raise CommentRefused("deleted", _("This comment was deleted."), status=409)
    by_staff = comment.author_id != getattr(person(acting_user), "pk", None)
    with transaction.atomic():
        locked = _locked(comment)
        if locked.is_deleted:
            raise CommentRefused("deleted", _("This comment was deleted."), status=409)
        counted = locked.status == Comment.Status.VISIBLE
        locked.deleted_at = clock.now()
        locked.save(update_fields=["deleted_at"])
        _copy_state(locked, comment)
        _bump(comment.conversation_id, -1 if counted else 0)
        record_event(
            EventType.COMMENT_DELETED,
            actor=acting_user,
            target=comment,
            old={"deleted_at": None},
            new={"deleted_at": comment.deleted_at, "by_staff": by_staff},
        )
        transaction.on_commit(
            lambda: signals.comment_deleted.send(
                sender=Comment, comment=comment, acting_user=acting_user
            )
        )
    return comment


def do_edit_comment_as_staff(comment: Comment, *, text_value: str, acting_user: Actor) -> Comment:
    """Staff change a reader's comment text (no edit window, no opening hours); the old text
    is kept as a revision and both texts go into the audit trail.

    Refusals: ``forbidden`` (403, not staff with ``change_comment``), ``deleted`` (409),
    ``empty`` and ``too_long`` (the text checks)."""
    if not can_moderate(acting_user):
        raise CommentRefused("forbidden", _("Only moderators can change comments."), status=403)
    if comment.is_deleted:
        raise CommentRefused("deleted", _("This comment was deleted."), status=409)
    cleaned = check_text(text_value)
    if cleaned == comment.text:
        return comment
    with transaction.atomic():
        now = clock.now()
        old_text = comment.text
        _replace_text(comment, cleaned, now)
        record_event(
            EventType.COMMENT_EDITED_BY_STAFF,
            actor=acting_user,
            target=comment,
            old={"text": old_text},
            new={"text": cleaned},
        )
        transaction.on_commit(
            lambda: signals.comment_edited.send(
                sender=Comment, comment=comment, acting_user=acting_user
            )
        )
    return comment


def wilson_lower_bound(up: int, down: int, z: float = 1.96) -> float:
    """Lower bound of the 95% Wilson interval of the share of up-votes (0 without votes)."""
    n = up + down
    if n == 0:
        return 0.0
    share = up / n
    centre = share + z * z / (2 * n)
    margin = z * math.sqrt((share * (1 - share) + z * z / (4 * n)) / n)
    return (centre - margin) / (1 + z * z / n)


def do_vote(comment: Comment, *, value: int, acting_user: Actor) -> Comment:
    """Vote +1 or -1 on a comment, change the vote, or take it back with 0."""
    reader = _require_reader(acting_user)
    check_guards(reader, "vote")
    if value not in (1, -1, 0):
        raise CommentRefused("bad_vote", _("A vote is +1, -1 or 0 (to take it back)."))
    if comment.is_deleted:
        raise CommentRefused("deleted", _("This comment was deleted."), status=409)
    if not comment.is_visible:
        raise CommentRefused(
            "not_visible", _("This comment is not shown; you cannot vote on it."), status=409
        )
    if comment.author_id == reader.pk:
        raise CommentRefused("own_comment", _("You cannot vote on your own comment."), status=403)
    state = hours.opening_state(comment.conversation)
    if not state.can_vote:
        raise CommentRefused("archived", state.message, status=403)
    with write_lock(), transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        existing = Vote.objects.filter(comment=locked, user=reader).first()
        old = existing.value if existing else 0
        if old == value:
            return locked
        if existing is not None and value == 0:
            existing.delete()
        elif existing is not None:
            existing.value = value
            existing.updated_at = clock.now()
            existing.save(update_fields=["value", "updated_at"])
        else:
            Vote.objects.create(comment=locked, user=reader, value=value, updated_at=clock.now())
        locked.upvotes += (value == 1) - (old == 1)
        locked.downvotes += (value == -1) - (old == -1)
        locked.score = wilson_lower_bound(locked.upvotes, locked.downvotes)
        locked.save(update_fields=["upvotes", "downvotes", "score"])
        _bump(locked.conversation_id)
    return locked


def do_update_profile(
    profile: Profile, *, display_name: str, notify_replies: bool, acting_user: Actor
) -> Profile:
    """Change a reader's display name and reply e-mails: the reader themselves, or staff who
    may change profiles (``community.change_profile``). Recorded in the audit trail.

    Refusals: ``login_required`` (401), ``inactive``, ``not_owner`` (403), ``bad_name``,
    ``name_taken`` (409)."""
    reader = _require_reader(acting_user)
    own = profile.user_id == reader.pk
    if own:
        check_guards(reader, "profile")
    if not own and not reader.has_perm("community.change_profile"):
        raise CommentRefused("not_owner", _("You can only change your own profile."), status=403)
    name = check_display_name(display_name, exclude_user=profile.user)
    old = {"display_name": profile.display_name, "notify_replies": profile.notify_replies}
    new = {"display_name": name, "notify_replies": notify_replies}
    if old == new:
        return profile
    with transaction.atomic():
        profile.display_name = name
        profile.notify_replies = notify_replies
        profile.save(update_fields=["display_name", "notify_replies"])
        if old["display_name"] != name:  # the name is shown in cached threads
            ids = Comment.objects.filter(author_id=profile.user_id).values("conversation_id")
            Conversation.objects.filter(pk__in=ids).update(version=F("version") + 1)
        record_event(EventType.PROFILE_CHANGED, actor=acting_user, target=profile, old=old, new=new)
    return profile


def check_display_name(raw: str, *, exclude_user: User | None = None) -> str:
    refuse_control_characters(raw or "", "display_name", refusal=CommentRefused)
    name = comment_text.normalise(raw or "").replace("\n", " ")
    if len(name) < 3:
        raise CommentRefused("bad_name", _("A display name needs at least 3 characters."))
    if len(name) > DISPLAY_NAME_MAX:
        raise CommentRefused(
            "bad_name",
            _("A display name has at most %(limit)d characters.") % {"limit": DISPLAY_NAME_MAX},
        )
    if "@" in name:
        raise CommentRefused("bad_name", _("Your display name must not be an e-mail address."))
    for check in display_name_checks:
        check(name)
    taken = Profile.objects.filter(display_name__iexact=name)
    if exclude_user is not None:
        taken = taken.exclude(user=exclude_user)
    if taken.exists():
        raise CommentRefused(
            "name_taken", _("This display name is taken; please choose another."), status=409
        )
    return name


# Higher apps (legal) say what an account's deletion must keep. ``erasure_notes``:
# callables(user) -> lines for the reader (what is kept, why, until when), shown before and
# after deleting; ``erasure_hooks``: callables(user) run inside the deleting transaction before
# anything is erased (legal copies the records a legal hold covers aside, restricted).
erasure_notes: list[Callable[[User], list[str]]] = []
erasure_hooks: list[Callable[[User], None]] = []


def account_erasure_notes(user: User) -> list[str]:
    """What deleting ``user``'s account would keep, and why (empty: everything goes)."""
    return [line for notes in erasure_notes for line in notes(user)]


def do_delete_account(user: User, *, acting_user: Actor) -> None:
    """Delete an account: its comments' texts go too (replies to them stay). Records a legal
    hold covers are kept aside by ``erasure_hooks`` first (``account_erasure_notes`` says
    which)."""
    reader = _require_reader(acting_user)
    if user.pk != reader.pk:
        raise CommentRefused("not_owner", _("You can only delete your own account."), status=403)
    now = clock.now()
    with transaction.atomic():
        for hook in erasure_hooks:
            hook(user)
        comments = Comment.objects.filter(author=user)
        conversation_ids = list(comments.values_list("conversation_id", flat=True).distinct())
        for conversation_id in conversation_ids:
            visible = comments.filter(
                conversation_id=conversation_id,
                deleted_at__isnull=True,
                status=Comment.Status.VISIBLE,
            ).count()
            _bump(conversation_id, -visible)
        total = comments.count()
        CommentRevision.objects.filter(comment__author=user).delete()
        comments.filter(deleted_at__isnull=True).update(deleted_at=now)
        comments.update(text="", html="", author=None, ip_address=None)
        # No name or address in the trail: the account is deleted to be forgotten.
        record_event(
            EventType.ACCOUNT_DELETED,
            actor=None,
            new={"account": user.pk, "comments": total},
        )
        user.delete()
