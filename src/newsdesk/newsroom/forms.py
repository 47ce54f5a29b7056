"""Back-office forms: the article form with its publish/schedule intent, and block formsets."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from newsdesk.core import clock
from newsdesk.newsroom.models import Article, Section


class ArticleAdminForm(forms.ModelForm):
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

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "_schedule" in self.data:
            when = cleaned.get("publish_at")
            if when is None:
                self.add_error("publish_at", _("Give the date and time to publish at."))
            elif when <= clock.now():
                self.add_error("publish_at", _("The publication time must be in the future."))
        return cleaned


class SectionAdminForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ("name", "slug", "description", "names", "position")


class BlockForm(forms.ModelForm):
    position = forms.IntegerField(
        label=_("position"),
        required=False,
        min_value=0,
        help_text=_("Blocks are shown in this order; leave empty to add at the end."),
    )

    class Meta:
        fields = ("position", "kind", "text", "title", "attribution", "image", "caption", "credit")


class BlockFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        for index, form in enumerate(self.forms):
            if getattr(form, "cleaned_data", None) and form.cleaned_data.get("position") is None:
                # No position given: after every numbered block, in the order on the page.
                form.instance.position = 1_000_000 + index
