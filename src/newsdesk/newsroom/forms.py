"""Back-office forms: the article form with its publish/schedule intent, and block formsets."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from newsdesk.core import clock
from newsdesk.newsroom.inline_html import from_editor_html
from newsdesk.newsroom.models import Article, Author, Block, Image, Section
from newsdesk.newsroom.plain_text import strip_control_characters
from newsdesk.newsroom.slugs import slugify, unique_slug


class StripsControlCharacters(forms.ModelForm):
    """Drops control characters from every text field before the model validates it (pasted
    text brings vertical tabs and form feeds nobody can see); line breaks stay in fields of
    several lines (text areas), elsewhere every break becomes a space."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, value in cleaned.items():
            if not isinstance(value, str):
                continue
            try:
                field = self._meta.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            lines = isinstance(field, models.TextField)
            cleaned[name] = strip_control_characters(value, lines=lines)
        return cleaned


class ArticleAdminForm(StripsControlCharacters):
    class Meta:
        model = Article
        fields = (
            "section",
            "language",
            "kicker",
            "headline",
            "lead",
            "authors",
            "byline",
            "slug",
            "publish_at",
            "canonical_url",
            "external_id",
        )
        widgets = {
            "headline": forms.TextInput(attrs={"size": 90}),
            "kicker": forms.TextInput(attrs={"size": 60}),
            "slug": forms.TextInput(attrs={"size": 90}),
        }
        help_texts = {
            "slug": _("Made from the headline when left empty."),
            "publish_at": _(
                "The article goes out at this time whichever button saves it; empty it to "
                "take a scheduled article off the schedule."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False

    def schedule_changed(self) -> bool:
        """Whether this save asks for another publication time than the stored one (the
        instance still holds the stored values while the form is cleaned)."""
        return self.cleaned_data.get("publish_at") != self.instance.publish_at

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not cleaned.get("slug") and cleaned.get("headline"):
            cleaned["slug"] = unique_slug(Article, slugify(cleaned["headline"]), 200)
        when = cleaned.get("publish_at")
        if "_publish" in self.data or "_unpublish" in self.data or self.has_error("publish_at"):
            return cleaned  # publishing now or taking it off: the time does not matter
        if "_schedule" in self.data and when is None:
            self.add_error("publish_at", _("Give the date and time to publish at."))
        elif when is not None and ("_schedule" in self.data or self.schedule_changed()):
            if when <= clock.now():
                self.add_error(
                    "publish_at",
                    _(
                        "The publication time must be in the future. To publish now, use "
                        "“Save and publish now”."
                    ),
                )
            elif self.instance.pk and self.instance.status == Article.Status.PUBLISHED:
                self.add_error(
                    "publish_at",
                    _("This article is already published; unpublish it before scheduling it."),
                )
        return cleaned


class SectionAdminForm(StripsControlCharacters):
    class Meta:
        model = Section
        fields = ("name", "slug", "description", "names", "position")


class AuthorAdminForm(StripsControlCharacters):
    class Meta:
        model = Author
        fields = ("name", "slug", "bio", "user")


class ImageAdminForm(StripsControlCharacters):
    class Meta:
        model = Image
        fields = ("file", "alt_text", "credit")


RICH_KINDS = (Block.Kind.PARAGRAPH, Block.Kind.FACTBOX)


class BlockForm(StripsControlCharacters):
    position = forms.IntegerField(
        label=_("position"),
        required=False,
        min_value=0,
        help_text=_("Blocks are shown in this order; leave empty to add at the end."),
    )

    class Meta:
        fields = ("position", "kind", "text", "title", "attribution", "image", "caption", "credit")

    class Media:
        # django-prose-editor's look; the editor itself comes in with newsroom/rich_text.js.
        css = {
            "all": [
                "django_prose_editor/material-icons.css",
                "django_prose_editor/editor.css",
                "django_prose_editor/overrides.css",
                "newsroom/rich_text.css",
            ]
        }
        js = [forms.Script("newsroom/rich_text.js", type="module")]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("kind") == Block.Kind.SUBHEADING and cleaned.get("text"):
            cleaned["text"] = strip_control_characters(cleaned["text"])  # one line
        if cleaned.get("kind") in RICH_KINDS and cleaned.get("text"):
            cleaned["text"] = from_editor_html(cleaned["text"])
        return cleaned

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The admin prints help texts as HTML; this one names tags and must show them.
        self.fields["text"].help_text = escape(self.fields["text"].help_text)
        # The rich-text editor takes this textarea over while the block is a paragraph or
        # a fact box (newsroom/rich_text.js); without JavaScript it stays a textarea.
        self.fields["text"].widget.attrs["data-newsdesk-rich-text"] = "inline"


class BlockFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        for index, form in enumerate(self.forms):
            if getattr(form, "cleaned_data", None) and form.cleaned_data.get("position") is None:
                # No position given: after every numbered block, in the order on the page.
                form.instance.position = 1_000_000 + index
