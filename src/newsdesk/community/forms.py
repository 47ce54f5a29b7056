"""Forms: the sign-up's extra field (the display name), profile settings, comments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from newsdesk.community import actions


class SignupExtraForm(forms.Form):
    """allauth asks for this form's fields at sign-up (ACCOUNT_SIGNUP_FORM_CLASS)."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=actions.DISPLAY_NAME_MAX,
        min_length=3,
        help_text=_("Shown with your comments instead of your e-mail address."),
    )

    def clean_display_name(self) -> str:
        try:
            return actions.check_display_name(self.cleaned_data["display_name"])
        except actions.CommentRefused as refused:
            raise forms.ValidationError(refused.message) from None

    def signup(self, request: Any, user: Any) -> None:
        profile = actions.profile_for(user)
        profile.display_name = self.cleaned_data["display_name"]
        profile.save(update_fields=["display_name"])


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=actions.DISPLAY_NAME_MAX)
    notify_replies = forms.BooleanField(
        label=_("E-mail me when someone replies to my comments"), required=False
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # The honeypot: hidden from people by CSS, filled in by naive bots.
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].widget.attrs["maxlength"] = str(settings.COMMUNITY_COMMENT_MAX_LENGTH)


class DeleteAccountForm(forms.Form):
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput)
