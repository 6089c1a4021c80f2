"""A database whose audit trail was written before the trail was keyed still verifies after
the upgrade: its chains keep the old scheme up to where they were, sealed with the key, and
continue under the new one."""

from __future__ import annotations

import hashlib
import json
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from support.conversations import actions
from support.conversations.audit import legacy_event_hash
from support.conversations.models import AuditEvent, Conversation

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("conversations", "0001_initial")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def write_legacy_conversation(apps, question: str) -> str:
    """A conversation as the code before the upgrade wrote it: unkeyed SHA-256 chain."""
    conversation_model = apps.get_model("conversations", "Conversation")
    message_model = apps.get_model("conversations", "Message")
    event_model = apps.get_model("conversations", "AuditEvent")
    public_id = uuid.uuid4()
    conversation = conversation_model.objects.create(public_id=public_id, last_seq=1)
    message_model.objects.create(conversation=conversation, seq=1, role="customer", text=question)
    prev = ""
    entries = [
        ("conversation.started", "customer", {"origin": "http://127.0.0.1:8000"}),
        ("message.customer", "customer", {"seq": 1, "client_id": "a", "chars": len(question)}),
    ]
    for index, (kind, actor, data) in enumerate(entries, 1):
        created_at = timezone.now()
        digest = hashlib.sha256(
            json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
        ).hexdigest()
        event_hash = legacy_event_hash(
            str(public_id), index, kind, actor, digest, created_at.isoformat(), prev
        )
        event_model.objects.create(
            conversation=conversation,
            index=index,
            kind=kind,
            actor=actor,
            data=data,
            data_digest=digest,
            created_at=created_at,
            prev_hash=prev,
            hash=event_hash,
        )
        prev = event_hash
    conversation_model.objects.filter(pk=conversation.pk).update(
        audit_count=len(entries), audit_head_hash=prev
    )
    return str(public_id)


@pytest.fixture
def upgraded(capsys):
    """Two legacy conversations, then the upgrade (migrated forward to the latest state)."""
    old_apps = migrate(BEFORE)
    try:
        ids = [write_legacy_conversation(old_apps, q) for q in ("Shipping?", "Returns?")]
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    return [Conversation.objects.get(public_id=i) for i in ids]


def verify(capsys) -> tuple[bool, str]:
    try:
        call_command("verify_audit")
    except CommandError as failure:
        return False, capsys.readouterr().out + str(failure)
    return True, capsys.readouterr().out


def test_legacy_chains_verify_after_the_upgrade_and_go_on_under_the_keyed_scheme(upgraded, capsys):
    first, second = upgraded
    assert [(c.audit_serial, c.audit_legacy_events) for c in upgraded] == [(1, 2), (2, 2)]
    ok, output = verify(capsys)
    assert ok, output
    # The old conversation goes on, and a new one begins, under the keyed scheme.
    actions.do_record_customer_message(first.pk, client_id="b", text="And to Spain?")
    new = actions.do_start_conversation(origin="http://127.0.0.1:8000")
    assert new.audit_serial == 3
    ok, output = verify(capsys)
    assert ok, output
    assert "3 conversations" in output


def test_legacy_event_edited_after_the_upgrade_fails(upgraded, capsys):
    first, _ = upgraded
    AuditEvent.objects.filter(conversation=first, index=1).update(data={"origin": "forged"})
    ok, output = verify(capsys)
    assert not ok
    assert "event 1: content was edited" in output


def test_keyed_chain_passed_off_as_legacy_fails(upgraded, capsys):
    # Marking more of a chain as legacy (so that unkeyed hashes would pass) breaks its seal.
    first, _ = upgraded
    actions.do_record_customer_message(first.pk, client_id="b", text="And to Spain?")
    Conversation.objects.filter(pk=first.pk).update(audit_legacy_events=99, audit_legacy_seq=99)
    ok, output = verify(capsys)
    assert not ok
    assert "the chain's head, length or last seq was altered" in output
