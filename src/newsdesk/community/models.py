"""Reader profiles, conversations, comments with votes and edit history, opening hours, notices."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsdesk.newsroom.models import Article, Section


class Profile(models.Model):
    """What other readers see of an account: a pseudonym, never the e-mail address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_profile",
        verbose_name=_("user"),
    )
    display_name = models.CharField(_("display name"), max_length=40)
    notify_replies = models.BooleanField(_("e-mail me when someone replies"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("reader profile")
        verbose_name_plural = _("reader profiles")
        constraints = [
            models.UniqueConstraint(Lower("display_name"), name="profile_unique_display_name"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("community:profile", kwargs={"profile_id": self.pk})


class Mode(models.TextChoices):
    DEFAULT = "default", _("follow the site-wide schedule")
    OPEN = "open", _("always open")
    CLOSED = "closed", _("closed")
    CLOSES_AFTER = "closes_after", _("closes N days after publication")
    ARCHIVE = "archive", _("read-only archive")


class SectionPolicy(models.Model):
    """Overrides the site-wide opening hours for every article of a section."""

    section = models.OneToOneField(
        Section, on_delete=models.CASCADE, related_name="comment_policy", verbose_name=_("section")
    )
    mode = models.CharField(
        _("comments"), max_length=16, choices=Mode.choices, default=Mode.DEFAULT
    )
    closes_after_days = models.PositiveSmallIntegerField(
        _("closes after days"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("section comment policy")
        verbose_name_plural = _("section comment policies")

    def __str__(self) -> str:
        return f"{self.section}: {self.get_mode_display()}"


class Conversation(models.Model):
    """One discussion: of an article (shared by all its editions) or of an embedding page."""

    article = models.OneToOneField(
        Article,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="conversation",
        verbose_name=_("article"),
    )
    # For the embeddable widget: the address of the page on another site.
    url = models.CharField(
        _("page address"),
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    mode = models.CharField(
        _("comments"), max_length=16, choices=Mode.choices, default=Mode.DEFAULT
    )
    closes_after_days = models.PositiveSmallIntegerField(
        _("closes after days"), null=True, blank=True
    )
    # Visible comments (not deleted, held or removed); kept by the domain functions so
    # counts cost no COUNT(*).
    comment_count = models.PositiveIntegerField(_("comments"), default=0)
    # Bumped by every change to the thread: rendered threads are cached under it.
    version = models.PositiveBigIntegerField(default=0, editable=False)
    # Set when an operator merged this conversation into another (do_merge_conversations):
    # its comments moved there, and its address (and id) lead there from then on.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="merged_sources",
        editable=False,
        verbose_name=_("merged into"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        constraints = [
            models.UniqueConstraint(
                fields=["url"], condition=~models.Q(url=""), name="conversation_unique_url"
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.url or f"#{self.pk}"

    def get_absolute_url(self) -> str:
        if self.article_id is not None and self.article is not None:
            return self.article.get_absolute_url()
        return reverse("community:conversation", kwargs={"conversation_id": self.pk})


class Comment(models.Model):
    class Status(models.TextChoices):
        """Who sees the comment. Moderation (a higher app) decides; the community shows."""

        VISIBLE = "visible", _("visible")
        # Held before publication: only its author (marked "awaiting review") and moderators.
        PENDING = "pending", _("awaiting review")
        # Removed by moderation: readers see a placeholder, the author the reason.
        REJECTED = "rejected", _("removed")

    conversation = models.ForeignKey(
        Conversation,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("conversation"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("reply to"),
    )
    # The top-level comment of the thread this one belongs to (itself for top-level ones is
    # NULL): one query fetches every reply of a page of threads.
    root = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    depth = models.PositiveSmallIntegerField(default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("author"),
    )
    language = models.CharField(_("language"), max_length=8)
    text = models.TextField(_("text"))
    # The text rendered once at save time: escaped, links made clickable.
    html = models.TextField(editable=False)
    # Duplicate detection compares digests of normalised texts.
    text_digest = models.CharField(max_length=64, editable=False, db_index=True)
    created_at = models.DateTimeField(_("posted at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.VISIBLE
    )
    # What the author is told about the status (why it is held or was removed).
    status_note = models.TextField(_("note to the author"), blank=True)
    # When readers first saw it (at posting, or when a moderator approved it): reply e-mails
    # go out once, then.
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    upvotes = models.PositiveIntegerField(default=0)
    downvotes = models.PositiveIntegerField(default=0)
    # Lower bound of the Wilson interval of the share of up-votes: "best" sorts by it.
    score = models.FloatField(default=0.0)
    reply_count = models.PositiveIntegerField(default=0)
    # Kept for legal requests (the disclaimer says so); never shown.
    ip_address = models.GenericIPAddressField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [
            models.Index(fields=["conversation", "depth", "created_at"], name="comment_roots_time"),
            models.Index(fields=["conversation", "depth", "score"], name="comment_roots_score"),
            models.Index(fields=["root", "created_at"], name="comment_replies"),
            models.Index(fields=["author", "created_at"], name="comment_author"),
            # The per-address rate limit counts the last minute's comments from an address.
            models.Index(fields=["ip_address", "created_at"], name="comment_address"),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    def get_absolute_url(self) -> str:
        return reverse("community:comment", kwargs={"comment_id": self.pk})

    @property
    def audit_label(self) -> str:
        """How the audit trail names a comment: by number, never by its text."""
        return f"comment #{self.pk}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_visible(self) -> bool:
        """Readers see its text: visible and not deleted."""
        return self.status == self.Status.VISIBLE and self.deleted_at is None

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_removed(self) -> bool:
        return self.status == self.Status.REJECTED

    @property
    def text_hidden(self) -> bool:
        """A held comment shown to readers only as a placeholder (set ``show_held`` on the
        instance where its author or a moderator looks at it)."""
        return self.status == self.Status.PENDING and not getattr(self, "show_held", False)


class CommentRevision(models.Model):
    """The text a comment had before an edit."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    text = models.TextField(_("text"))
    # When this text was written (the comment's post or previous edit time).
    written_at = models.DateTimeField(_("written at"))
    replaced_at = models.DateTimeField(_("replaced at"), default=timezone.now)

    class Meta:
        ordering = ["-replaced_at", "-id"]
        verbose_name = _("comment revision")
        verbose_name_plural = _("comment revisions")

    def __str__(self) -> str:
        return f"{self.comment_id} @ {self.written_at:%Y-%m-%d %H:%M}"


class Vote(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_votes"
    )
    value = models.SmallIntegerField(_("vote"))  # +1 or -1
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="vote_once_per_reader"),
            models.CheckConstraint(condition=models.Q(value__in=[1, -1]), name="vote_value"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.value:+d} on {self.comment_id}"


class ClosedPeriod(models.Model):
    """A weekly time when the comment function is closed, in the site's time zone."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    weekday = models.PositiveSmallIntegerField(
        _("weekday"),
        choices=Weekday.choices,
        null=True,
        blank=True,
        help_text=_("Empty: every day."),
    )
    starts = models.TimeField(_("closes at"))
    ends = models.TimeField(
        _("opens again at"), help_text=_("Earlier than or equal to the closing time: the next day.")
    )

    class Meta:
        ordering = ["weekday", "starts"]
        verbose_name = _("closed period")
        verbose_name_plural = _("opening hours: closed periods")

    def __str__(self) -> str:
        day = self.get_weekday_display() if self.weekday is not None else _("every day")
        return f"{day} {self.starts:%H:%M}–{self.ends:%H:%M}"


class ScheduleException(models.Model):
    """A date (holiday, election night) on which the weekly schedule does not apply."""

    class Kind(models.TextChoices):
        CLOSED = "closed", _("closed all day")
        OPEN = "open", _("open all day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.CLOSED)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("exception date")
        verbose_name_plural = _("opening hours: exception dates")

    def __str__(self) -> str:
        return f"{self.date}: {self.get_kind_display()}"


class Notice(models.Model):
    """Netiquette, disclaimer and the closed message of every comment section, one row per
    language.

    ``closed_message`` is the whole text shown instead of the form while readers cannot post:
    its frame (salutation, closing) is the editors' to word, ``{message}`` stands for the
    sentence that says why and until when (built from the opening hours), ``{site}`` for the
    site's name. Empty: the sentence alone."""

    language = models.CharField(_("language"), max_length=8, unique=True)
    netiquette = models.TextField(_("netiquette"))
    disclaimer = models.TextField(_("disclaimer"))
    closed_message = models.TextField(
        _("closed message"),
        blank=True,
        help_text=_(
            "Shown while comments are closed. {message} is replaced by the reason and the "
            "next opening time, {site} by the site's name."
        ),
    )
    report_url = models.CharField(
        _("address of the reporting channel"),
        max_length=300,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
    )

    class Meta:
        ordering = ["language"]
        verbose_name = _("netiquette and disclaimer")
        verbose_name_plural = _("netiquette and disclaimer")

    def __str__(self) -> str:
        return self.language
