"""Moderation's records: policies, word lists, reasons, cases (one per screened comment) and
sanctions. Every change to them goes through ``newsdesk.moderation.actions``."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from newsdesk.community.models import Comment
from newsdesk.newsroom.models import Article, Section


class ModerationPolicy(models.Model):
    """How comments are published: for the whole site (no section, no article), a section or
    one article; the most specific policy wins."""

    class Mode(models.TextChoices):
        POST = "post", _("post-moderation: published at once, checked afterwards")
        PRE_ALL = "pre_all", _("pre-moderation: every comment is checked before publication")
        PRE_NEW = "pre_new", _("pre-moderation of new readers until they have approved comments")

    section = models.OneToOneField(
        Section, null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("section")
    )
    article = models.OneToOneField(
        Article, null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("article")
    )
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.POST)
    # PRE_NEW: a reader's comments are held until this many of theirs were approved.
    approvals_needed = models.PositiveSmallIntegerField(_("approved comments needed"), default=3)
    # Comments the classifier scores at or above this are held (empty: the model's own).
    hold_threshold = models.FloatField(_("classifier threshold"), null=True, blank=True)

    class Meta:
        verbose_name = _("moderation policy")
        verbose_name_plural = _("moderation policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(section__isnull=True) | Q(article__isnull=True),
                name="moderation_policy_one_scope",
            ),
        ]

    def __str__(self) -> str:
        scope = self.article or self.section or _("whole site")
        return f"{scope}: {self.get_mode_display()}"


class WordList(models.Model):
    """A list the community team edits as text (syntax: ``newsdesk.moderation.terms``).
    Banned terms refuse a comment with the reason shown to its author; suspect terms hold it."""

    class Kind(models.TextChoices):
        BANNED = "banned", _("banned: the comment is refused")
        SUSPECT = "suspect", _("suspect: the comment is held for review")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, unique=True)
    source = models.TextField(_("entries"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("word list")
        verbose_name_plural = _("word lists")

    def __str__(self) -> str:
        return self.get_kind_display()


class Reason(models.Model):
    """A reason moderators pick when they decide; the team edits the list."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label = models.CharField(_("label"), max_length=120)
    # What the reader is told (the netiquette clause or the law, and why).
    explanation = models.TextField(_("explanation for the reader"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "label"]
        verbose_name = _("moderation reason")
        verbose_name_plural = _("moderation reasons")

    def __str__(self) -> str:
        return self.label


class Case(models.Model):
    """A comment that screening held, or that a moderator decided on: what held it (the rule,
    the score, the model and its version) and who decided what, when and why."""

    class Queue(models.TextChoices):
        PENDING = "pending", _("pending (pre-moderation)")
        SYSTEM = "system", _("held by screening")
        REPORTED = "reported", _("reported")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    comment = models.OneToOneField(
        Comment, on_delete=models.CASCADE, related_name="moderation_case"
    )
    queue = models.CharField(_("queue"), max_length=10, choices=Queue.choices, db_index=True)
    # Each hold as {"code", "note", "evidence"} (evidence: matched term, score...).
    holds = models.JSONField(_("held for"), default=list, blank=True)
    score = models.FloatField(_("classifier score"), null=True, blank=True)
    model_name = models.CharField(_("model"), max_length=100, blank=True)
    model_version = models.CharField(_("model version"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.ForeignKey(
        Reason, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("reason")
    )
    note = models.TextField(_("moderator's note"), blank=True)
    # Reported cases: lower numbers first (trusted flaggers' notices 0, others 10), then oldest.
    priority = models.PositiveSmallIntegerField(_("priority"), default=10)
    # What the reports say, for the moderator (written by the notice-and-action channel):
    # each {"reference", "category", "explanation", "notifier"} (notifier: a kind, no name).
    reports = models.JSONField(_("reports"), default=list, blank=True)

    class Meta:
        verbose_name = _("moderation case")
        verbose_name_plural = _("moderation cases")
        indexes = [models.Index(fields=["queue", "created_at"], name="moderation_case_queue")]

    def __str__(self) -> str:
        return f"{self.get_queue_display()}: {self.comment}"


class Sanction(models.Model):
    """A measure against a reader's account, with its reason and end."""

    class Kind(models.TextChoices):
        WARN = "warn", _("warning (must be acknowledged before posting again)")
        MUTE = "mute", _("muted (cannot post or edit)")
        SUSPEND = "suspend", _("suspended (cannot post, edit or vote)")
        BAN = "ban", _("banned (cannot post, edit or vote)")
        PREMODERATE = "premoderate", _("every comment is checked before publication")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="moderation_sanctions",
        verbose_name=_("reader"),
    )
    kind = models.CharField(_("measure"), max_length=12, choices=Kind.choices)
    reason = models.ForeignKey(Reason, on_delete=models.PROTECT, verbose_name=_("reason"))
    note = models.TextField(_("note for the reader"), blank=True)
    starts_at = models.DateTimeField(_("from"))
    # None: until lifted (a ban, a warning until acknowledged).
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("imposed by"),
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("lifted by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")
        indexes = [models.Index(fields=["user", "lifted_at"], name="moderation_sanction_user")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.user}"

    def in_force(self, now: dt.datetime) -> bool:
        """Whether the sanction holds at ``now``: not lifted, begun, and not ended (a sanction
        ending at ``now`` has ended). The one rule; ``IN_FORCE_SQL`` and
        ``screening.active_sanctions`` say the same in SQL."""
        return (
            self.lifted_at is None
            and self.starts_at <= now
            and (self.ends_at is None or self.ends_at > now)
        )


# Sanction.in_force as SQL over the sanctions table (parameters: now, now).
IN_FORCE_SQL = "lifted_at IS NULL AND starts_at <= %s AND (ends_at IS NULL OR ends_at > %s)"


class TrustedReader(models.Model):
    """A reader whose comments skip pre-moderation (screening for banned terms still runs)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="moderation_trust",
        verbose_name=_("reader"),
    )
    added_at = models.DateTimeField(_("since"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("added by"),
    )

    class Meta:
        verbose_name = _("trusted reader")
        verbose_name_plural = _("trusted readers")

    def __str__(self) -> str:
        return str(self.user)
