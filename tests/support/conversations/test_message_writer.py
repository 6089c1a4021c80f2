"""Customer messages stored in group commits: each message of a commit gets its own outcome,
one refused message refuses only itself, and an ack is sent only for a committed row."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from support.conversations import actions, writer
from support.conversations.agent_actions import do_resolve_conversation
from support.conversations.audit import verify_chain
from support.conversations.models import AuditEvent, Conversation, Message, Status
from support.conversations.writer import CustomerMessageToStore, store_customer_messages


def assert_chain_verifies(conversation: Conversation) -> None:
    """The conversation's audit chain, read back as stored, verifies with its messages."""
    conversation.refresh_from_db()
    events = conversation.audit_events.order_by("index")
    assert verify_chain(conversation, events, conversation.messages.all()) == []


@pytest.mark.django_db
def test_messages_of_several_conversations_are_stored_in_one_commit_each_with_its_seq():
    first, second = actions.do_start_conversation(), actions.do_start_conversation()
    outcomes = store_customer_messages(
        [
            CustomerMessageToStore(second.pk, "b-1", "Where is my parcel?"),
            CustomerMessageToStore(first.pk, "a-1", "Hello"),
            CustomerMessageToStore(first.pk, "a-2", "Anyone there?"),
        ]
    )
    assert [(o.message.conversation_id, o.message.seq, o.created) for o in outcomes] == [
        (second.pk, 1, True),
        (first.pk, 1, True),
        (first.pk, 2, True),
    ]
    # Each message is in its conversation's audit chain, which still verifies.
    for conversation in (first, second):
        assert_chain_verifies(conversation)
    assert AuditEvent.objects.filter(kind="message.customer").count() == 3


@pytest.mark.django_db
def test_a_refused_message_refuses_only_itself():
    conversation = actions.do_start_conversation()
    outcomes = store_customer_messages(
        [
            CustomerMessageToStore(conversation.pk, "ok-1", "Hello"),
            CustomerMessageToStore(conversation.pk, "blank", "   "),
            CustomerMessageToStore(conversation.pk + 1000, "gone", "Hello?"),
            CustomerMessageToStore(conversation.pk, "ok-1", "Hello"),  # a resend
            CustomerMessageToStore(conversation.pk, "ok-2", "Still there?"),
        ]
    )
    assert isinstance(outcomes[1], actions.ActionRefused)
    assert isinstance(outcomes[2], Conversation.DoesNotExist)
    # The resend gets the stored message back, not a second one.
    assert outcomes[3].created is False and outcomes[3].message.seq == outcomes[0].message.seq
    stored = list(Message.objects.filter(conversation=conversation).values_list("client_id", "seq"))
    assert stored == [("ok-1", 1), ("ok-2", 2)]


@pytest.mark.django_db(transaction=True)
async def test_messages_sent_together_share_commits_and_each_waiter_gets_its_own_ack():
    conversations = [await asyncio.to_thread(actions.do_start_conversation) for _ in range(3)]
    stored = await asyncio.gather(
        *(
            writer.record_customer_message(c.pk, client_id=f"{c.pk}-{n}", text=f"question {n}")
            for c in conversations
            for n in range(4)
        ),
        writer.record_customer_message(conversations[0].pk, client_id="x", text=""),
        return_exceptions=True,
    )
    assert isinstance(stored[-1], actions.ActionRefused)
    for outcome, (conversation, n) in zip(
        stored[:-1], [(c, n) for c in conversations for n in range(4)], strict=True
    ):
        assert outcome.message.conversation_id == conversation.pk
        assert outcome.message.client_id == f"{conversation.pk}-{n}"
        # Committed before the waiter heard of it.
        assert await Message.objects.filter(pk=outcome.message.pk).aexists()
    # Per conversation, seqs follow the order the messages were sent in.
    for conversation in conversations:
        seqs = [
            seq
            async for seq in Message.objects.filter(conversation=conversation)
            .order_by("client_id")
            .values_list("seq", flat=True)
        ]
        assert seqs == [1, 2, 3, 4]


@pytest.mark.django_db
def test_a_burst_is_stored_in_statements_for_the_batch_not_eight_per_message():
    conversations = [actions.do_start_conversation() for _ in range(12)]
    burst = [
        CustomerMessageToStore(c.pk, f"{c.pk}-1", "How long does shipping take?")
        for c in conversations
    ]
    with CaptureQueriesContext(connection) as statements:
        outcomes = store_customer_messages(burst)
    assert [o.created for o in outcomes] == [True] * 12
    # Begin, locks, client_ids, messages, events, the conversations' rows, commit: 7 (a
    # message at a time took 8 per message); on PostgreSQL the three writes go as one: 5.
    assert len(statements.captured_queries) <= (5 if connection.vendor == "postgresql" else 7)
    for conversation in conversations:
        assert_chain_verifies(conversation)
        assert conversation.last_seq == 1


@pytest.mark.django_db
def test_a_message_that_reopens_a_resolved_conversation_is_stored_beside_a_burst(dana):
    resolved, open_one = actions.do_start_conversation(), actions.do_start_conversation()
    actions.do_record_customer_message(resolved.pk, client_id="r-1", text="Thanks, all good")
    do_resolve_conversation(resolved.pk, dana)
    outcomes = store_customer_messages(
        [
            CustomerMessageToStore(open_one.pk, "o-1", "Where is my parcel?"),
            CustomerMessageToStore(resolved.pk, "r-2", "Actually, one more thing"),
            CustomerMessageToStore(open_one.pk, "o-2", "It has been a week"),
            CustomerMessageToStore(resolved.pk, "r-1", "Thanks, all good"),  # a late resend
        ]
    )
    assert [(o.message.seq, o.created) for o in outcomes] == [
        (1, True),
        (2, True),
        (2, True),
        (1, False),
    ]
    resolved.refresh_from_db()
    assert resolved.status == Status.AI
    assert resolved.audit_events.filter(
        kind="status.changed", data__reason="customer_wrote_again"
    ).exists()
    for conversation in (resolved, open_one):
        assert_chain_verifies(conversation)


@pytest.mark.django_db
def test_a_client_id_sent_twice_in_one_burst_is_stored_once():
    conversation = actions.do_start_conversation()
    outcomes = store_customer_messages(
        [
            CustomerMessageToStore(conversation.pk, "twice", "Hello"),
            CustomerMessageToStore(conversation.pk, "twice", "Hello"),
        ]
    )
    assert [(o.message.seq, o.created) for o in outcomes] == [(1, True), (1, False)]
    assert Message.objects.filter(conversation=conversation).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_client_id_stored_by_another_writer_meanwhile_is_found_under_the_lock():
    """Two writers with the same message: the second waits on the conversation's lock, then
    finds the first one's message instead of storing it again (or failing on the constraint)."""
    conversation = actions.do_start_conversation()
    message = CustomerMessageToStore(conversation.pk, "same", "Where is my parcel?")
    first_stored, let_first_commit = threading.Event(), threading.Event()
    outcomes: dict[str, Sequence[writer.Outcome]] = {}

    def first_writer() -> None:
        try:
            with transaction.atomic():
                outcomes["first"] = actions.do_record_customer_messages([message])
                first_stored.set()
                let_first_commit.wait(10)
        finally:
            connection.close()

    def second_writer() -> None:
        try:
            outcomes["second"] = store_customer_messages([message])
        finally:
            connection.close()

    first = threading.Thread(target=first_writer)
    first.start()
    assert first_stored.wait(10)
    second = threading.Thread(target=second_writer)
    second.start()
    second.join(0.5)  # the second writer is now waiting for the lock the first one holds
    let_first_commit.set()
    first.join(10)
    second.join(10)

    assert outcomes["first"][0].created is True
    assert outcomes["second"][0].created is False
    assert outcomes["second"][0].message.pk == outcomes["first"][0].message.pk
    assert Message.objects.filter(conversation=conversation).count() == 1
