"""The admin role sees the task list and readers' e-mail addresses; editors and moderators don't."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django_tasks_db.models import DBTaskResult

from newsdesk.core.roles import ROLE_APPS, unknown_role_apps

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    f"/admin/{DBTaskResult._meta.app_label}/{DBTaskResult._meta.model_name}/",
    "/admin/account/emailaddress/",
]


@pytest.fixture
def role_admin(users):
    """An account in the admin group that is not a superuser (its rights are the group's)."""
    account = users["admin"]
    account.is_superuser = False
    account.save()
    return account


@pytest.fixture
def address(users):
    return EmailAddress.objects.create(
        user=users["reader"], email="reader@example.org", primary=True, verified=False
    )


def test_every_role_names_installed_app_labels():
    assert unknown_role_apps() == {}
    assert DBTaskResult._meta.app_label in ROLE_APPS["admin"]


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_role_admin_sees_the_task_list_and_the_addresses(client, role_admin, address, url):
    client.force_login(role_admin)
    assert client.get(url).status_code == 200


def test_role_admin_sees_one_task(client, role_admin):
    from newsdesk.editions.workflow import translate_edition

    result = translate_edition.enqueue(0)
    client.force_login(role_admin)
    page = client.get(f"{STAFF_PAGES[0]}{result.id}/change/")
    assert page.status_code == 200


def test_role_admin_verifies_and_corrects_an_address(client, role_admin, address):
    client.force_login(role_admin)
    url = f"/admin/account/emailaddress/{address.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "user": address.user_id,
            "email": "reader.fixed@example.org",
            "verified": "on",
            "primary": "on",
        },
    )
    assert response.status_code == 302
    address.refresh_from_db()
    assert address.email == "reader.fixed@example.org" and address.verified


def test_role_admin_marks_addresses_verified_in_bulk(client, role_admin, address):
    client.force_login(role_admin)
    response = client.post(
        "/admin/account/emailaddress/",
        {"action": "make_verified", "_selected_action": [address.pk]},
    )
    assert response.status_code == 302
    address.refresh_from_db()
    assert address.verified


@pytest.mark.parametrize("role", ["editor", "moderator"])
@pytest.mark.parametrize("url", STAFF_PAGES)
def test_other_staff_roles_are_refused(client_for, address, role, url):
    assert client_for(role).get(url).status_code == 403


@pytest.mark.parametrize("role", ["editor", "moderator"])
def test_other_staff_roles_cannot_change_an_address(client_for, address, role):
    response = client_for(role).post(
        f"/admin/account/emailaddress/{address.pk}/change/",
        {"user": address.user_id, "email": "evil@example.org", "verified": "on"},
    )
    assert response.status_code == 403
    address.refresh_from_db()
    assert address.email == "reader@example.org" and not address.verified


@pytest.mark.parametrize("role", ["anonymous", "reader"])
@pytest.mark.parametrize("url", STAFF_PAGES)
def test_readers_are_sent_to_the_login(client_for, role, url):
    assert client_for(role).get(url).status_code == 302
