"""The hot paths read and write rows with plain statements; what they read and store must be
exactly what the ORM would, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from support.conversations import actions
from support.conversations.answer_cache import store_answer
from support.conversations.answer_context import CONTEXT_MESSAGES, load_context
from support.conversations.audit import verify_chain
from support.conversations.ledger import add_spend, spent_today_usd
from support.conversations.ledger_models import CachedAnswer, DailySpend
from support.conversations.models import AuditEvent, Conversation, Message, MessageState
from support.conversations.rows import (
    _db_values,
    insert_rows_returning,
    select_instance,
    select_instance_and_rows,
    select_values,
    update_row,
    update_rows,
    writes_together,
)
from support.conversations.statements import (
    cached_answer_row,
    conversation_and_question,
    count_cache_hit,
)
from support.knowledge.version import VERSION_EXPRESSIONS, knowledge_version, version_of

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_row_read_by_a_plain_statement_equals_the_orm_read():
    conversation = actions.do_start_conversation(origin="https://shop.example", language="de")
    actions.do_record_customer_message(conversation.pk, client_id="c1", text="Wo ist mein Paket?")

    plain = select_instance(Conversation, "id = %s", [conversation.pk])
    orm = Conversation.objects.get(pk=conversation.pk)

    assert plain is not None
    for field in Conversation._meta.concrete_fields:
        assert getattr(plain, field.attname) == getattr(orm, field.attname), field.name
    event = AuditEvent.objects.get(conversation=conversation, index=1)
    data, created_at = select_values(AuditEvent, ("data", "created_at"), "id = %s", [event.pk])[0]
    assert (data, created_at) == (event.data, event.created_at)


def test_a_started_conversation_is_stored_whole_and_its_chain_verifies():
    conversation = actions.do_start_conversation(origin="https://shop.example", language="fr")

    stored = Conversation.objects.get(pk=conversation.pk)
    assert stored.public_id == conversation.public_id
    assert (stored.status, stored.tier, stored.origin, stored.language) == (
        "ai",
        "fast",
        "https://shop.example",
        "fr",
    )
    assert stored.created_at is not None and stored.created_at <= timezone.now()
    assert verify_chain(stored, stored.audit_events.order_by("index")) == []


def test_a_resent_client_id_gets_the_stored_message_back_and_stores_nothing():
    conversation = actions.do_start_conversation()
    first = actions.do_record_customer_message(conversation.pk, client_id="same", text="Hello")
    again = actions.do_record_customer_message(conversation.pk, client_id="same", text="Hello")

    assert (first.created, again.created) == (True, False)
    assert again.message.pk == first.message.pk
    assert again.conversation.pk == conversation.pk
    assert Message.objects.filter(conversation=conversation).count() == 1


def finish_answer(answer: Message, text: str) -> None:
    actions.do_finish_assistant_message(
        answer.pk,
        text=text,
        interrupted=False,
        audit_kind="model.call",
        audit_data={},
        usage={"model": "m"},
    )


def test_the_context_holds_the_question_and_earlier_turns_but_not_notices_or_streams():
    conversation = actions.do_start_conversation()
    actions.do_record_customer_message(conversation.pk, client_id="a", text="First question")
    answer = actions.do_begin_assistant_message(conversation.pk, tier="fast", model="m")
    finish_answer(answer, "First answer")
    actions.do_post_system_message(conversation.pk, "A notice")
    asked = actions.do_record_customer_message(conversation.pk, client_id="b", text="Second one")

    context = load_context(conversation.pk, asked.message.seq)

    assert context is not None
    assert context.question == "Second one"
    assert context.history == [("user", "First question"), ("assistant", "First answer")]
    assert context.customer_turns == 2
    assert context.conversation.pk == conversation.pk


def test_the_context_keeps_the_last_turns_the_customer_saw_in_one_statement():
    conversation = actions.do_start_conversation()
    for number in range(CONTEXT_MESSAGES):
        actions.do_record_customer_message(
            conversation.pk, client_id=f"q{number}", text=f"Q{number}"
        )
        answer = actions.do_begin_assistant_message(conversation.pk, tier="fast", model="m")
        finish_answer(answer, f"A{number}")
    Message.objects.create(
        conversation=conversation, seq=10_000, role="agent", text="Note", internal=True
    )
    Conversation.objects.filter(pk=conversation.pk).update(last_seq=10_000)
    asked = actions.do_record_customer_message(conversation.pk, client_id="last", text="Last")

    with CaptureQueriesContext(connection) as queries:
        context = load_context(conversation.pk, asked.message.seq)

    assert context is not None
    assert context.question == "Last"
    # The last 20 the customer saw, oldest first: not the internal note, not the first half.
    expected = []
    for number in range(CONTEXT_MESSAGES // 2, CONTEXT_MESSAGES):
        expected += [("user", f"Q{number}"), ("assistant", f"A{number}")]
    assert context.history == expected
    assert context.customer_turns == CONTEXT_MESSAGES // 2 + 1
    assert context.knowledge_version == knowledge_version(connection)
    assert len(queries) == 1  # the conversation, the messages and the knowledge's version


def test_rows_read_in_one_row_are_the_rows_as_stored():
    conversation = actions.do_start_conversation()
    texts = ['Quote " and \\ backslash', "Zeilen\nUmbruch, Ümlaut, 日本語 😀", "[1, 2]", "null"]
    for number, text in enumerate(texts):
        actions.do_record_customer_message(conversation.pk, client_id=f"c{number}", text=text)
    Message.objects.filter(conversation=conversation, seq=2).update(author="Dana")

    def read(*columns: str) -> list[tuple]:
        _, rows, _ = select_instance_and_rows(
            Conversation,
            "id = %s",
            [conversation.pk],
            rows_of=Message,
            columns=columns,
            rows_where="conversation_id = %s",
            rows_params=[conversation.pk],
            rows_suffix=" ORDER BY seq",
        )
        return rows

    with CaptureQueriesContext(connection) as queries:
        rows = read("seq", "role", "text", "author", "conversation")

    assert len(queries) == 1
    if connection.vendor == "sqlite":  # one row: the driver gives the GIL up at every row
        assert "(SELECT json_group_array(" in queries[0]["sql"]
    assert rows == list(
        Message.objects.filter(conversation=conversation)
        .order_by("seq")
        .values_list("seq", "role", "text", "author", "conversation")
    )
    with pytest.raises(ValueError, match="text and integer"):
        read("created_at")


def test_the_conversation_read_with_its_context_is_the_row_as_stored():
    conversation = actions.do_start_conversation(origin="https://shop.example", language="de")
    texts = ['Quote " and \\ backslash', "Zeilen\nUmbruch, 日本語 😀", "[1, 2]", "null"]
    for number, text in enumerate(texts):
        asked = actions.do_record_customer_message(
            conversation.pk, client_id=f"c{number}", text=text
        )
    Message.objects.filter(conversation=conversation, seq=2).update(author="Dana")

    with CaptureQueriesContext(connection) as queries:
        read, rows, version = conversation_and_question(
            conversation.pk, asked.message.seq, 20, also=VERSION_EXPRESSIONS
        )

    assert len(queries) == 1
    assert version_of(version) == knowledge_version(connection)
    orm = Conversation.objects.get(pk=conversation.pk)
    assert read is not None
    for field in Conversation._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(orm, field.attname), field.name
    assert rows == list(
        Message.objects.filter(conversation=conversation)
        .order_by("seq")
        .values_list("seq", "role", "text", "author")
    )
    # The first question has nothing before it; no conversation, nothing at all.
    assert conversation_and_question(conversation.pk, 1, 20)[1] == [rows[0]]
    assert conversation_and_question(conversation.pk + 1000, 1, 20) == (None, [], ())


def test_an_answered_question_has_no_context_to_answer_again():
    conversation = actions.do_start_conversation()
    asked = actions.do_record_customer_message(conversation.pk, client_id="a", text="Question")
    answer = actions.do_begin_assistant_message(conversation.pk, tier="fast", model="m")
    # Still streaming: the question is not answered yet.
    assert load_context(conversation.pk, asked.message.seq) is not None
    finish_answer(answer, "Answer")

    assert load_context(conversation.pk, asked.message.seq) is None
    assert load_context(conversation.pk, answer.seq) is None  # not a customer message


def test_a_finished_answer_is_stored_with_its_usage_under_its_reserved_seq():
    conversation = actions.do_start_conversation()
    actions.do_record_customer_message(conversation.pk, client_id="a", text="Question")
    reserved = actions.do_begin_assistant_message(conversation.pk, tier="fast", model="m")

    stored = actions.do_finish_assistant_message(
        reserved.pk,
        text="Answer",
        interrupted=True,
        audit_kind="model.call",
        audit_data={"answer_seq": reserved.seq},
        usage={"model": "claude-x", "output_tokens": 12, "cost_usd": Decimal("0.00012")},
    )

    row = Message.objects.get(pk=reserved.pk)
    assert (row.seq, row.text, row.state, row.model, row.output_tokens, row.cost_usd) == (
        reserved.seq,
        "Answer",
        MessageState.INTERRUPTED,
        "claude-x",
        12,
        Decimal("0.00012"),
    )
    assert stored.as_frame()["interrupted"] is True
    conversation.refresh_from_db()
    assert verify_chain(conversation, conversation.audit_events.order_by("index")) == []


def writes_to(captured: CaptureQueriesContext, verb: str, model: type[Model]) -> int:
    """How many writes of `verb` to the model's table the statements make, counting those sent
    together in one statement (WITH) one by one."""
    table = connection.ops.quote_name(model._meta.db_table)
    written = {"INSERT": f"INSERT INTO {table} ", "UPDATE": f"UPDATE {table} "}[verb]
    return sum(query["sql"].count(written) for query in captured.captured_queries)


def test_an_answer_writes_its_events_in_order_with_one_insert_and_one_update_each():
    conversation = actions.do_start_conversation()
    actions.do_record_customer_message(conversation.pk, client_id="a", text="Question")
    router = [("routing.rules", "router", {"seq": 1}), ("routing.decision", "router", {"seq": 1})]
    with CaptureQueriesContext(connection) as begun:
        reserved = actions.do_begin_assistant_message(
            conversation.pk, tier="fast", model="m", audit_before=router
        )
    with CaptureQueriesContext(connection) as finished:
        actions.do_finish_assistant_message(
            reserved.pk,
            text="Answer",
            interrupted=False,
            audit_kind="model.call",
            audit_data={"answer_seq": reserved.seq},
            usage={"output_tokens": 3},
            audit_before=[("limit.spend_cap", "system", {"tier": "strong"})],
            audit_after=[("routing.decision", "router", {"seq": 1})],
        )

    conversation.refresh_from_db()
    events = list(conversation.audit_events.order_by("index"))
    assert [e.kind for e in events][-5:] == [
        "routing.rules",
        "routing.decision",
        "limit.spend_cap",
        "model.call",
        "routing.decision",
    ]
    assert verify_chain(conversation, events) == []
    assert conversation.last_seq == reserved.seq
    # The router's events ride on the reservation's own writes, the answer's on its store's.
    for captured in (begun, finished):
        assert writes_to(captured, "INSERT", AuditEvent) == 1
        assert writes_to(captured, "UPDATE", Conversation) == 1
        if connection.vendor == "postgresql":  # each step's writes go as one statement
            sent_together = [q for q in captured.captured_queries if q["sql"].startswith("WITH ")]
            assert len(sent_together) == 1
            assert (
                sent_together[0]["sql"].count("INSERT INTO ")
                + sent_together[0]["sql"].count("UPDATE ")
                == 3
            )


def test_rows_updated_together_each_take_their_own_values_as_the_orm_would_store_them():
    first, second, third, untouched = (actions.do_start_conversation() for _ in range(4))
    earlier = timezone.now() - timedelta(days=3)
    later = timezone.now()
    columns = ("last_seq", "updated_at", "audit_head_hash", "customer_name")

    with CaptureQueriesContext(connection) as queries:
        update_rows(
            Conversation,
            columns,
            [
                (first.pk, (7, earlier, "a" * 64, "Zoë")),
                (second.pk, (12, later, "b" * 64, "")),
                (third.pk, (1, later, "c" * 64, "O'Brien; --")),
            ],
        )

    assert len(queries) == 1
    stored = {
        row["pk"]: tuple(row[column] for column in columns)
        for row in Conversation.objects.values("pk", *columns)
    }
    assert stored[first.pk] == (7, earlier, "a" * 64, "Zoë")
    assert stored[second.pk] == (12, later, "b" * 64, "")
    assert stored[third.pk] == (1, later, "c" * 64, "O'Brien; --")
    assert stored[untouched.pk] == (
        untouched.last_seq,
        untouched.updated_at,
        untouched.audit_head_hash,
        untouched.customer_name,
    )
    with CaptureQueriesContext(connection) as queries:
        update_rows(Conversation, ("last_seq",), [(untouched.pk, (3,))])
        update_rows(Conversation, ("last_seq",), [])
    assert len(queries) == 1
    assert Conversation.objects.get(pk=untouched.pk).last_seq == 3


def test_rows_are_updated_one_by_one_where_sqlite_lacks_update_from(monkeypatch):
    first, second = actions.do_start_conversation(), actions.do_start_conversation()
    monkeypatch.setattr("support.conversations.rows.updates_from_values", lambda: False)

    with CaptureQueriesContext(connection) as queries:
        update_rows(Conversation, ("last_seq",), [(first.pk, (4,)), (second.pk, (9,))])

    assert len(queries) == 2
    assert [Conversation.objects.get(pk=pk).last_seq for pk in (first.pk, second.pk)] == [4, 9]


def statements_sent(captured: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in captured.captured_queries
        if not q["sql"].startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"))
    ]


def test_writes_made_together_go_with_the_next_statement_and_a_read_sees_them():
    first, second = actions.do_start_conversation(), actions.do_start_conversation()
    now = timezone.now()
    message = Message(
        conversation=first, seq=6, role="customer", text="Hello", created_at=now, updated_at=now
    )
    fields = [f for f in Message._meta.concrete_fields if not f.primary_key]
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        with writes_together():
            update_row(Conversation, first.pk, customer_name="Ana")
            update_rows(Conversation, ("last_seq",), [(second.pk, (6,))])
            read = select_values(Conversation, ("last_seq",), "id = %s", [second.pk])
            update_row(Conversation, second.pk, customer_name="Bo")
            [(message_id,)] = insert_rows_returning(
                Message,
                tuple(f.name for f in fields),
                [[getattr(message, f.attname) for f in fields]],
                returning=("id",),
            )
            update_row(Conversation, first.pk, customer_email="ana@example.com")
            update_row(Conversation, first.pk, last_seq=5)  # the same row again

    assert read == [(6,)]  # the writes before a read are sent before it
    stored = {c.pk: c for c in Conversation.objects.filter(pk__in=[first.pk, second.pk])}
    assert (stored[first.pk].customer_name, stored[first.pk].customer_email) == (
        "Ana",
        "ana@example.com",
    )
    assert stored[first.pk].last_seq == 5
    assert (stored[second.pk].last_seq, stored[second.pk].customer_name) == (6, "Bo")
    assert Message.objects.get(pk=message_id).text == "Hello"
    sent = [sql.split(" ", 1)[0] for sql in statements_sent(captured)]
    if connection.vendor == "postgresql":
        # Two writes before the read, one with the insert; a row written twice goes apart.
        assert sent == ["WITH", "SELECT", "WITH", "UPDATE", "UPDATE"]
    else:
        assert len(sent) == 7  # each as it came


def test_a_block_of_writes_inside_another_goes_with_the_outer_one():
    first, second = actions.do_start_conversation(), actions.do_start_conversation()
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        with writes_together():
            update_row(Conversation, first.pk, customer_name="Ana")
            with writes_together():
                update_row(Conversation, second.pk, customer_name="Bo")
            assert len(statements_sent(captured)) == (0 if connection.vendor == "postgresql" else 2)

    stored = {c.pk: c for c in Conversation.objects.filter(pk__in=[first.pk, second.pk])}
    assert (stored[first.pk].customer_name, stored[second.pk].customer_name) == ("Ana", "Bo")
    assert len(statements_sent(captured)) == (1 if connection.vendor == "postgresql" else 2)


def test_todays_spend_is_read_as_the_orm_stores_it():
    assert spent_today_usd("fast") == Decimal(0)
    add_spend("fast", Decimal("0.001"))
    add_spend("fast", Decimal("0.003"))

    assert spent_today_usd("fast") == Decimal("0.004")
    assert spent_today_usd("strong") == Decimal(0)


def test_spend_is_added_by_a_plain_statement_as_the_orm_would_store_it():
    costs = [Decimal("0.000123"), Decimal("0.0105"), Decimal("1.25"), Decimal("0.000001")]
    for cost in costs:
        add_spend("strong", cost)
    row = DailySpend.objects.get(day=timezone.now().date(), tier="strong")
    assert (row.cost_usd, row.calls) == (sum(costs), len(costs))
    assert not DailySpend.objects.filter(tier="fast").exists()


def test_a_cached_answer_is_read_and_its_hits_counted_as_the_orm_would():
    store_answer(
        "k" * 64,
        "¿Cuánto tarda el envío?",
        "Entre 3 y 5 días laborables.",
        provider="anthropic",
        tier="fast",
        model="claude-haiku-4-5",
        prompt_version="p1",
        confidence=0.93,
        passages=[],
        conversation="c" * 32,
    )
    orm = CachedAnswer.objects.get(key="k" * 64)

    plain = cached_answer_row("k" * 64)
    assert plain is not None
    for field in CachedAnswer._meta.concrete_fields:
        assert getattr(plain, field.attname) == getattr(orm, field.attname), field.name
    assert cached_answer_row("x" * 64) is None

    count_cache_hit(orm.pk)
    count_cache_hit(orm.pk)
    assert CachedAnswer.objects.get(pk=orm.pk).hits == orm.hits + 2


@pytest.mark.parametrize(
    ("model", "values"),
    [
        (
            Message,
            {
                "conversation": 7,
                "seq": 3,
                "role": "customer",
                "text": "Wo ist mein Paket?",
                "client_id": None,
                "internal": False,
                "cost_usd": Decimal("0.00012"),
                "time_to_first_token_ms": None,
                "confidence": 0.75,
                "created_at": timezone.now(),
            },
        ),
        (
            AuditEvent,
            {"index": 2, "kind": "routing.decision", "data": {"a": [1, "b"]}, "prev_hash": ""},
        ),
        (Conversation, {"customer_verified": True, "last_seq": 0, "language": ""}),
    ],
)
def test_values_are_written_as_the_fields_would_save_them(model, values):
    def comparable(value):
        # PostgreSQL's JSON parameter (psycopg's Jsonb) compares by identity: its object.
        return getattr(value, "obj", value)

    columns = tuple(values)
    expected = [
        comparable(model._meta.get_field(name).get_db_prep_save(value, connection))
        for name, value in values.items()
    ]
    written = _db_values(model, columns, list(values.values()))
    assert [comparable(value) for value in written] == expected
    assert [type(value) for value in written] == [
        type(model._meta.get_field(name).get_db_prep_save(value, connection))
        for name, value in values.items()
    ]
