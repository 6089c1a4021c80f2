"""Only admins read the analytics: anonymous visitors are sent to log in, other staff get 403."""

from __future__ import annotations

import uuid

import pytest

from tests.plugins.personas import make_staff

pytestmark = pytest.mark.django_db

PAGES = [
    "/analytics/",
    "/analytics/conversations/",
    f"/analytics/conversations/{uuid.uuid4()}/",
    "/analytics/export/overview.csv",
]


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("url", PAGES)
def test_agents_who_are_not_admins_are_refused(client, dana, url):
    client.force_login(dana)
    assert client.get(url).status_code == 403


def test_staff_in_the_admins_group_may_read_the_dashboard(client):
    client.force_login(make_staff("olga", "Olga", "admins"))
    assert client.get("/analytics/").status_code == 200


def test_superusers_may_read_the_dashboard(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/analytics/").status_code == 200


def test_an_admins_group_member_who_is_not_staff_is_refused(client):
    user = make_staff("nils", "Nils", "admins")
    user.is_staff = False
    user.save()
    client.force_login(user)
    assert client.get("/analytics/").status_code == 403
