"""Security promises of the site as a whole: CSP, inert text in the admin, deploy checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from support.conversations import actions
from support.conversations.models import AuditEvent

XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/accounts/login/"])
def test_every_page_sends_a_csp_without_inline_script(client, url):
    response = client.get(url)
    policy = response.headers["Content-Security-Policy"]
    # 'self' only (a nonce joins it on pages that use one): no inline script can run.
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
def test_customer_text_is_inert_in_the_admin(client, admin_user):
    conversation = actions.do_start_conversation()
    actions.do_record_customer_message(conversation.pk, client_id="x", text=XSS)
    client.force_login(admin_user)
    for url in (
        f"/admin/conversations/conversation/{conversation.pk}/change/",
        "/admin/conversations/message/",
    ):
        page = client.get(url).content.decode()
        assert "<script>window.__xss" not in page, url
        assert "&lt;script&gt;window.__xss=2&lt;/script&gt;" in page or "&lt;img" in page, url


@pytest.mark.django_db
def test_audit_trail_is_read_only_in_the_admin(client, admin_user):
    conversation = actions.do_start_conversation()
    event = AuditEvent.objects.get(conversation=conversation)
    client.force_login(admin_user)
    assert client.get("/admin/conversations/auditevent/add/").status_code == 403
    assert client.post(f"/admin/conversations/auditevent/{event.pk}/delete/").status_code == 403
    page = client.get(f"/admin/conversations/auditevent/{event.pk}/change/").content.decode()
    assert 'name="_save"' not in page


def test_deploy_checks_pass_with_production_settings():
    env = {
        **os.environ,
        "LADDER_PRODUCTION": "1",
        "SECRET_KEY": "k" * 20 + "production-only-secret-0123456789-abcdefghij",
        "LADDER_AUDIT_KEY": "a" * 20 + "production-only-audit-key-0123456789",
        "ALLOWED_HOSTS": "support.example.com",
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**os.environ, "LADDER_PRODUCTION": "1", "LADDER_AUDIT_KEY": "audit-key"}
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_an_audit_key():
    env = {**os.environ, "LADDER_PRODUCTION": "1", "SECRET_KEY": "s" * 50}
    env.pop("LADDER_AUDIT_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "LADDER_AUDIT_KEY" in result.stderr
