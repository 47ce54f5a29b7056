"""Translated editions of articles, their segments, and the per-section publishing policy."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from newsdesk.core.languages import site_language_choices
from newsdesk.newsroom.models import Article, Section


class Edition(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        PUBLISHED = "published", _("machine-published")
        HELD = "held", _("held for review")
        REVIEWED = "reviewed", _("reviewed")
        STALE = "stale", _("stale")
        FAILED = "failed", _("failed")

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="editions", verbose_name=_("article")
    )
    language = models.CharField(_("language"), max_length=8, choices=site_language_choices)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    # Provenance of the latest translation run.
    engine = models.CharField(_("engine"), max_length=100, blank=True)
    model_version = models.CharField(_("model"), max_length=200, blank=True)
    translated_at = models.DateTimeField(_("translated at"), null=True, blank=True)
    segments_sent = models.PositiveIntegerField(
        _("segments sent to the engine"), default=0, help_text=_("In the latest run.")
    )
    segments_reused = models.PositiveIntegerField(
        _("segments from the memory"), default=0, help_text=_("In the latest run.")
    )
    source_revision = models.ForeignKey(
        "newsroom.Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("source revision"),
    )
    # Hash of the original's translatable text the segments were made from.
    source_fingerprint = models.CharField(_("source fingerprint"), max_length=64, blank=True)
    # Hash of the original as it was when a translation was last asked for.
    wanted_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    flagged = models.BooleanField(_("flagged"), default=False)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    # What readers see: {field id: translated text}, replaced in one UPDATE when a complete
    # translation is published, so a reader never sees half an edition.
    content = models.JSONField(_("published content"), default=dict, blank=True, editable=False)
    content_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    content_published_at = models.DateTimeField(
        _("visible since"), null=True, blank=True, editable=False
    )
    content_reviewed = models.BooleanField(default=False, editable=False)
    # How each field is put together from verbatim text and segments (see workflow.assemble).
    layout = models.JSONField(default=dict, blank=True, editable=False)

    # Work queue: `queued` says a translation is wanted; a worker claims it by setting
    # `claimed_until` in a conditional UPDATE. A worker killed mid-task leaves the claim to
    # expire, and the next worker that starts (or sweeps) takes the edition over.
    queued = models.BooleanField(default=False, editable=False)
    force_engine = models.BooleanField(default=False, editable=False)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    claim_token = models.CharField(max_length=32, blank=True, editable=False)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("translated edition")
        verbose_name_plural = _("translated editions")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "language"], name="editions_one_per_language"
            ),
        ]
        indexes = [
            models.Index(fields=["language", "article"], name="edition_lang_article"),
            models.Index(fields=["queued", "claimed_until"], name="edition_queue"),
            models.Index(fields=["state"], name="edition_state"),
        ]

    def __str__(self) -> str:
        return f"{self.article} [{self.language}]"

    def get_absolute_url(self) -> str:
        with translation.override(self.language):
            return self.article.get_absolute_url()

    @property
    def is_visible(self) -> bool:
        return self.content_published_at is not None and bool(self.content)

    @property
    def is_failed(self) -> bool:
        return self.state == self.State.FAILED

    @property
    def is_outdated(self) -> bool:
        """Readers see a translation of an older version of the original."""
        return self.is_visible and self.content_fingerprint != self.wanted_fingerprint


class HeldEdition(Edition):
    """The review queue in the back office: editions held for review."""

    class Meta:
        proxy = True
        verbose_name = _("edition held for review")
        verbose_name_plural = _("held for review")


class EditionSegment(models.Model):
    class Origin(models.TextChoices):
        MACHINE = "machine", _("machine")
        MEMORY = "memory", _("translation memory")
        HUMAN = "human", _("human")
        COPIED = "copied", _("copied unchanged")

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="segments", verbose_name=_("edition")
    )
    # "kicker", "headline", "lead" or "<block key>:<part>" (text, title, attribution, caption).
    field = models.CharField(_("part"), max_length=80)
    position = models.PositiveIntegerField(_("position"))
    # The segment as the engine sees it (markup as <x1> placeholders): the memory's key.
    source_text = models.TextField(_("source segment"))
    source_display = models.TextField(_("source"))
    machine_text = models.TextField(_("machine translation"), blank=True)
    human_text = models.TextField(_("correction"), blank=True)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    trailing = models.TextField(blank=True)
    is_html = models.BooleanField(default=False)
    # [{"code": ..., "message": ...}] from the quality checks and the workflow.
    flags = models.JSONField(_("check flags"), default=list, blank=True)
    # Output form of each placeholder, to turn a correction back into the memory's form.
    markers = models.JSONField(default=list, blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("corrected by"),
    )
    corrected_at = models.DateTimeField(_("corrected at"), null=True, blank=True)

    class Meta:
        ordering = ["edition", "position"]
        verbose_name = _("edition segment")
        verbose_name_plural = _("edition segments")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "position"], name="editions_segment_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.field} #{self.position}"

    @property
    def text(self) -> str:
        """The translation readers get: the correction if there is one."""
        return self.human_text or self.machine_text

    @property
    def translatable(self) -> bool:
        return self.origin != self.Origin.COPIED


class EditionPolicy(models.Model):
    class Mode(models.TextChoices):
        AUTOMATIC = "auto", _("publish automatically")
        REVIEW = "review", _("review first")

    # Empty section: the rule for every section without its own.
    section = models.ForeignKey(
        Section,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("section"),
        help_text=_("Leave empty for the rule that applies to every other section."),
    )
    language = models.CharField(_("language"), max_length=8, choices=site_language_choices)
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices, default=Mode.AUTOMATIC)

    class Meta:
        ordering = ["section__name", "language"]
        verbose_name = _("publishing policy")
        verbose_name_plural = _("publishing policies")
        constraints = [
            models.UniqueConstraint(
                fields=["section", "language"], name="editions_policy_per_section"
            ),
            models.UniqueConstraint(
                fields=["language"],
                condition=models.Q(section__isnull=True),
                name="editions_policy_default",
            ),
        ]

    def __str__(self) -> str:
        where = self.section.name if self.section else str(_("all sections"))
        return f"{where} [{self.language}]: {self.get_mode_display()}"

    def clean(self) -> None:
        duplicate = EditionPolicy.objects.filter(
            section=self.section, language=self.language
        ).exclude(pk=self.pk)
        if self.language and duplicate.exists():
            raise ValidationError(
                _("There is already a rule for this section and language; change that one.")
            )


def review_first(section_id: int, language: str) -> bool:
    """The operator's choice for this section and language (section rule, then default)."""
    rules: dict[Any, str] = dict(
        EditionPolicy.objects.filter(
            models.Q(section_id=section_id) | models.Q(section__isnull=True), language=language
        ).values_list("section_id", "mode")
    )
    mode = rules.get(section_id) or rules.get(None)
    if mode is None:
        return bool(settings.NEWSDESK_EDITIONS_REVIEW_FIRST)
    return mode == EditionPolicy.Mode.REVIEW


def admin_url(edition: Edition) -> str:
    return reverse("admin:editions_edition_change", args=[edition.pk])


class CommentTranslation(models.Model):
    """A reader comment machine-translated on demand, kept until the comment changes."""

    comment = models.ForeignKey(
        "community.Comment",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("comment"),
    )
    language = models.CharField(_("language"), max_length=8)
    text = models.TextField(_("translation"))
    # SHA-256 of the comment's text when translated: an edited comment is translated again.
    source_digest = models.CharField(max_length=64)
    engine = models.CharField(_("engine"), max_length=100)
    model_version = models.CharField(_("model"), max_length=200)
    created_at = models.DateTimeField(_("created"), auto_now=True)

    class Meta:
        verbose_name = _("comment translation")
        verbose_name_plural = _("comment translations")
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "language"], name="editions_one_comment_translation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.comment_id} [{self.language}]"
