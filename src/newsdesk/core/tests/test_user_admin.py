"""Members of the admin role manage accounts but cannot make or touch superusers."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def role_admin(users):
    """An account in the admin group that is not a superuser."""
    account = users["admin"]
    account.is_superuser = False
    account.save()
    return account


def test_role_admin_cannot_make_itself_superuser(client, role_admin):
    client.force_login(role_admin)
    url = f"/admin/auth/user/{role_admin.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.content.decode()
    data = {
        "username": role_admin.username,
        "email": role_admin.email,
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-11-01",
        "date_joined_1": "10:00:00",
    }
    client.post(url, data)
    role_admin.refresh_from_db()
    assert role_admin.is_superuser is False


def test_role_admin_cannot_change_a_superuser(client, role_admin, django_user_model):
    boss = django_user_model.objects.create_superuser("boss", "boss@example.org", "x" * 12)
    client.force_login(role_admin)
    page = client.get(f"/admin/auth/user/{boss.pk}/change/")
    assert page.status_code == 200 and 'name="email"' not in page.content.decode()  # read-only
    client.post(f"/admin/auth/user/{boss.pk}/change/", {"username": "boss", "email": "me@evil"})
    assert client.post(
        f"/admin/auth/user/{boss.pk}/password/",
        {"password1": "hijacked-pass-123", "password2": "hijacked-pass-123"},
    ).status_code in (302, 403)
    boss.refresh_from_db()
    assert not boss.check_password("hijacked-pass-123")
    assert boss.email == "boss@example.org"


def test_role_admin_still_manages_staff_accounts(client, role_admin, users):
    client.force_login(role_admin)
    assert client.get(f"/admin/auth/user/{users['editor'].pk}/change/").status_code == 200


def test_superuser_keeps_every_field(client, django_user_model, users):
    boss = django_user_model.objects.create_superuser("boss", "boss@example.org", "x" * 12)
    client.force_login(boss)
    page = client.get(f"/admin/auth/user/{users['editor'].pk}/change/").content.decode()
    assert 'name="is_superuser"' in page


def test_a_change_of_roles_in_the_back_office_is_in_the_trail(client_for, users):
    from django.contrib.auth.models import Group

    from newsdesk.core.audit import EventType, trail_of

    reader = users["reader"]
    editor_group = Group.objects.get(name="editor")
    response = client_for("admin").post(
        f"/admin/auth/user/{reader.pk}/change/",
        {
            "username": reader.username,
            "email": reader.email,
            "is_active": "on",
            "is_staff": "on",
            "groups": [editor_group.pk],
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
            "initial-date_joined_0": "2026-01-01",
            "initial-date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = trail_of(reader).get(event_type=EventType.USER_ACCESS_CHANGED)
    assert event.actor == users["admin"]
    assert event.old_value == {"roles": [], "is_staff": False}
    assert event.new_value == {"roles": ["editor"], "is_staff": True}
