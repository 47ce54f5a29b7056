"""Forms of the moderators' workspace: they check the shape of the input; the actions decide."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from newsdesk.community.models import Comment
from newsdesk.moderation.models import Reason, Sanction
from newsdesk.moderation.queries import AUDIT_EVENT_TYPES
from newsdesk.moderation.terms import TermListError, parse_entries

LOCAL_DATETIME = "%Y-%m-%dT%H:%M"


def reason_choices() -> list[tuple[str, str]]:
    """The active reasons, as the team ordered them, after an empty "choose" entry."""
    reasons = Reason.objects.filter(active=True).values_list("code", "label")
    return [("", str(_("Choose a reason…"))), *((code, label) for code, label in reasons)]


def clean_expected(value: str) -> None:
    """Validate ``<status>`` or ``<status>:<text digest>`` as the page showed the comment."""
    status, _sep, digest = value.partition(":")
    if status not in Comment.Status.values or not re.fullmatch(r"[0-9a-f]{0,64}", digest):
        raise forms.ValidationError(
            _("The selection is not valid; reload the page."), code="invalid"
        )


class DecisionForm(forms.Form):
    """Approve or reject one comment. ``expected``: the status and text digest the page
    showed. The reason is free text here so that the action names an unknown code in its
    refusal."""

    expected = forms.CharField(max_length=80, required=False, validators=[clean_expected])
    reason = forms.CharField(max_length=40, required=False)
    note = forms.CharField(max_length=2000, required=False, widget=forms.Textarea)


class SelectionField(forms.Field):
    """Checkboxes of comments, each valued "<comment id>:<status>[:<text digest>]" as the
    page showed them; cleans to {comment id: "<status>[:<digest>]"}."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Select at least one comment."),
        "invalid": _("The selection is not valid; reload the page."),
    }

    def to_python(self, value: Any) -> dict[int, str]:
        seen: dict[int, str] = {}
        for item in value or []:
            number, _sep, expected = str(item).partition(":")
            try:
                clean_expected(expected)
            except forms.ValidationError:
                raise forms.ValidationError(
                    self.error_messages["invalid"], code="invalid"
                ) from None
            if not number.isdigit():
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            seen[int(number)] = expected
        return seen


class BulkForm(forms.Form):
    """Several comments at once, approved or rejected (with one reason) one by one."""

    decision = forms.ChoiceField(choices=[("approve", _("approve")), ("reject", _("reject"))])
    selected = SelectionField()
    reason = forms.CharField(max_length=40, required=False)
    note = forms.CharField(max_length=2000, required=False)


class SanctionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Measure"), choices=Sanction.Kind.choices)
    # Free text behind a select, so that the action names an unknown code in its refusal.
    reason = forms.CharField(label=_("Reason"), max_length=40, widget=forms.Select)
    ends_at = forms.DateTimeField(
        label=_("Until"),
        required=False,
        input_formats=[LOCAL_DATETIME, "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_DATETIME),
        help_text=_("In the site's time zone. Empty: until lifted (bans and warnings)."),
    )
    note = forms.CharField(
        label=_("Note for the reader"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        widget = self.fields["reason"].widget
        assert isinstance(widget, forms.Select)
        widget.choices = reason_choices()


class WordListForm(forms.Form):
    """One word list as text (which list: the page's ``kind`` field). Emptying a list that
    has entries needs ``confirm_empty``, since an empty list switches its screening step off.
    The syntax is checked by the action."""

    source = forms.CharField(
        label=_("Entries"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
    )
    confirm_empty = forms.BooleanField(label=_("Yes, empty this list"), required=False)

    def __init__(self, *args: Any, had_entries: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.had_entries = had_entries

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        assert cleaned is not None
        source = cleaned.get("source") or ""
        try:
            entries = parse_entries(source)
        except TermListError:
            return cleaned  # the action refuses it, naming the line
        if (
            self.had_entries
            and not any(not entry.exception for entry in entries)
            and not cleaned.get("confirm_empty")
        ):
            raise forms.ValidationError(
                _(
                    "The list has no entries now, which switches this check off. Tick “Yes, "
                    "empty this list” to confirm, or add entries."
                ),
                code="empty_word_list",
            )
        return cleaned


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Text"), max_length=200, required=False)
    author = forms.CharField(label=_("Author"), max_length=150, required=False)
    article = forms.CharField(label=_("Article"), max_length=200, required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def _moderators() -> Any:
    return (
        User.objects.filter(
            Q(is_superuser=True)
            | Q(groups__permissions__codename="change_comment")
            | Q(user_permissions__codename="change_comment")
        )
        .distinct()
        .order_by("username")
    )


class UsernameChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_username())


class AuditFilterForm(forms.Form):
    event_type = forms.ChoiceField(
        label=_("Event"), required=False, choices=[("", _("all")), *AUDIT_EVENT_TYPES]
    )
    actor = UsernameChoiceField(
        label=_("Moderator"), required=False, queryset=User.objects.none(), empty_label=_("all")
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["actor"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = _moderators()
