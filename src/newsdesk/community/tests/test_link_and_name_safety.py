"""Addresses shown as links accept only http(s); display names never show e-mail addresses."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from newsdesk.community import actions
from newsdesk.community.models import Conversation, Notice

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("address", ["javascript:alert(1)", "data:text/html,x", "ftp://x.org/"])
def test_reporting_channel_and_page_addresses_must_be_http(address):
    notice = Notice(language="de", report_url=address)
    with pytest.raises(ValidationError) as refused:
        notice.full_clean(exclude=[f.name for f in Notice._meta.fields if f.name != "report_url"])
    assert "report_url" in refused.value.message_dict
    conversation = Conversation(url=address)
    with pytest.raises(ValidationError) as refused:
        conversation.full_clean(
            exclude=[f.name for f in Conversation._meta.fields if f.name != "url"]
        )
    assert "url" in refused.value.message_dict


def test_https_reporting_channel_is_accepted():
    notice = Notice(language="de", report_url="https://zeitung.example/melden")
    notice.full_clean(exclude=[f.name for f in Notice._meta.fields if f.name != "report_url"])


def test_default_display_name_never_shows_an_email_address(django_user_model):
    user = django_user_model.objects.create_user(
        username="anna.berger@example.org", email="anna.berger@example.org", password="x" * 12
    )
    profile = actions.profile_for(user)
    assert "anna" not in profile.display_name and "@" not in profile.display_name
    assert profile.display_name == f"reader-{user.pk}"
