"""Glossary terms, translation memory entries and API keys of the translation service."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from newsdesk.core.languages import known_language_choices
from newsdesk.translation.sentences import normalise_segment


class GlossaryTerm(models.Model):
    source_language = models.CharField(
        _("source language"), max_length=8, choices=known_language_choices
    )
    target_language = models.CharField(
        _("target language"), max_length=8, choices=known_language_choices
    )
    term = models.CharField(_("term"), max_length=200)
    # Empty means "do not translate": names, brands, the publication's own name.
    translation = models.CharField(
        _("fixed translation"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty for a term that must stay as it is (names, brands)."),
    )
    case_sensitive = models.BooleanField(_("case-sensitive"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["source_language", "target_language", "term"]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary")
        constraints = [
            models.UniqueConstraint(
                fields=["source_language", "target_language", "term"],
                name="translation_glossary_unique_term",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.term} ({self.source_language}→{self.target_language})"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.source_language and self.source_language == self.target_language:
            errors["target_language"] = _(
                "The target language must differ from the source language."
            )
        if not self.term.strip():
            errors["term"] = _("The term cannot be blank.")
        elif "<" in self.term or ">" in self.term:
            errors["term"] = _("A glossary term cannot contain < or >.")
        if errors:
            raise ValidationError(errors)

    @property
    def target(self) -> str:
        """What the term must become in the translation."""
        return self.translation or self.term


class MemoryEntry(models.Model):
    class Origin(models.TextChoices):
        MACHINE = "machine", _("machine translation")
        HUMAN = "human", _("human correction")

    source_language = models.CharField(_("source language"), max_length=8)
    target_language = models.CharField(_("target language"), max_length=8)
    # Machine output is only reused with the model that made it; human corrections (stored with
    # an empty model version) apply whatever the model.
    model_version = models.CharField(_("model version"), max_length=200, blank=True)
    source_hash = models.CharField(max_length=64, editable=False, db_index=True)
    source_text = models.TextField(_("source segment"))
    target_text = models.TextField(_("translation"))
    origin = models.CharField(
        _("origin"), max_length=10, choices=Origin.choices, default=Origin.MACHINE
    )
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("corrected by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("translation memory entry")
        verbose_name_plural = _("translation memory")
        constraints = [
            models.UniqueConstraint(
                fields=["source_language", "target_language", "model_version", "source_hash"],
                name="translation_memory_unique_segment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_language}→{self.target_language}: {self.source_text[:60]}"

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.source_text = normalise_segment(self.source_text)
        self.source_hash = segment_hash(self.source_text)
        super().save(*args, **kwargs)


def segment_hash(normalised_source: str) -> str:
    return hashlib.sha256(normalised_source.encode("utf-8")).hexdigest()


class ApiKey(models.Model):
    name = models.CharField(
        _("name"), max_length=100, help_text=_("Who or what uses this key, e.g. 'CMS plugin'.")
    )
    # Only a hash is stored; the key itself is shown once, when it is made.
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("key starts with"), max_length=8, editable=False)
    requests_per_minute = models.PositiveIntegerField(_("requests per minute"), default=60)
    max_characters = models.PositiveIntegerField(
        _("characters per request"),
        default=20000,
        help_text=_("Longest text (all q values together) one request may send."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode("utf-8")).hexdigest()

    def set_new_key(self) -> str:
        """Give this key a fresh secret; returns it (it cannot be read back later)."""
        key = secrets.token_urlsafe(24)
        while key.startswith("-"):  # a command line would take it for an option
            key = secrets.token_urlsafe(24)
        self.key_hash = self.hash_key(key)
        self.prefix = key[:6]
        return key
