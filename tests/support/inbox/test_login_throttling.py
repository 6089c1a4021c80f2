"""Logins are throttled (django-axes): from the LADDER_LOGIN_FAILURE_LIMIT-th failure for one
username from one address, even the right password is refused there for the cool-off, on the
staff login and the admin's alike; other addresses and other agents are not held up."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
ATTACKER = "203.0.113.9"


def log_in(client, url: str, username: str, password: str, address: str = ATTACKER):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail_until_the_limit(client, url: str, username: str) -> None:
    for _ in range(settings.LADDER_LOGIN_FAILURE_LIMIT - 1):
        response = log_in(client, url, username, "wrong guess")
        assert response.status_code == 200  # the form again, with its error
    # The failure that reaches the limit is answered with the lockout page.
    assert log_in(client, url, username, "wrong guess").status_code == 429


@pytest.mark.parametrize("url", [LOGIN, ADMIN_LOGIN])
def test_the_right_password_is_refused_after_too_many_failures(client, dana, url, admin_user):
    fail_until_the_limit(client, url, dana.username)
    response = log_in(client, url, dana.username, "dana-password")
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_failures_on_the_admin_count_for_the_staff_login_too(client, dana):
    fail_until_the_limit(client, ADMIN_LOGIN, dana.username)
    assert log_in(client, LOGIN, dana.username, "dana-password").status_code == 429


def test_another_address_and_another_agent_can_still_log_in(client, dana, eli):
    fail_until_the_limit(client, LOGIN, dana.username)
    # Dana from her own desk: the lock is on the username from the attacker's address only.
    assert log_in(client, LOGIN, dana.username, "dana-password", "198.51.100.7").status_code == 302
    client.logout()
    assert log_in(client, LOGIN, eli.username, "eli-password").status_code == 302


def test_a_successful_login_clears_the_count(client, dana):
    for _ in range(settings.LADDER_LOGIN_FAILURE_LIMIT - 1):
        log_in(client, LOGIN, dana.username, "wrong guess")
    assert log_in(client, LOGIN, dana.username, "dana-password").status_code == 302
    client.logout()
    for _ in range(settings.LADDER_LOGIN_FAILURE_LIMIT - 1):
        log_in(client, LOGIN, dana.username, "wrong guess")
    assert log_in(client, LOGIN, dana.username, "dana-password").status_code == 302


def test_behind_a_trusted_balancer_the_address_it_saw_counts(client, dana, settings):
    settings.LADDER_TRUST_X_FORWARDED_FOR = True
    balancer = "10.0.0.2"
    for _ in range(settings.LADDER_LOGIN_FAILURE_LIMIT):
        # Each attempt writes its own left-most part; the balancer appends what it saw.
        client.post(
            LOGIN,
            {"username": dana.username, "password": "wrong"},
            REMOTE_ADDR=balancer,
            HTTP_X_FORWARDED_FOR=f"1.2.3.{_}, {ATTACKER}",
        )
    response = client.post(
        LOGIN,
        {"username": dana.username, "password": "dana-password"},
        REMOTE_ADDR=balancer,
        HTTP_X_FORWARDED_FOR=f"9.9.9.9, {ATTACKER}",
    )
    assert response.status_code == 429
