"""`make run` creates the demo logins: agent/agent for the inbox and admin/admin for the admin;
production never creates them and never lets them in."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def logs_in(client, username: str, password: str) -> bool:
    """A login through the login form (django-axes counts it), as a person would."""
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return response.status_code == 302


def run(command: str, *args: str) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def test_the_demo_admin_is_a_superuser_who_can_use_the_admin(client):
    printed = run("create_demo_staff")
    assert "admin / admin" in printed and "agent / agent" in printed
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert logs_in(client, "admin", "admin")
    page = client.get("/admin/")
    assert page.status_code == 200
    # Not "You don't have permission to view or edit anything": the models are listed.
    assert b"Knowledge articles" in page.content
    assert b"Canned replies" in page.content


def test_running_it_twice_keeps_one_of_each(client):
    run("create_demo_staff")
    printed = run("create_demo_staff")
    assert printed.count("already there") == 2
    assert User.objects.filter(username__in=["admin", "agent"]).count() == 2


def test_describe_setup_prints_both_demo_logins():
    printed = run("describe_setup")
    assert "admin / admin" in printed and "agent / agent" in printed


def test_production_creates_no_demo_login(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        run("create_demo_staff")
    assert not User.objects.filter(username__in=["admin", "agent"]).exists()
    assert "admin / admin" not in run("describe_setup")


def test_production_refuses_a_demo_login_left_in_the_database(client, settings):
    run("create_demo_staff")
    settings.PRODUCTION = True
    assert not logs_in(client, "admin", "admin")
    assert not logs_in(client, "agent", "agent")
    # The same account with a password of its own still logs in.
    admin = User.objects.get(username="admin")
    admin.set_password("a long password of its own")
    admin.save()
    assert logs_in(client, "admin", "a long password of its own")
