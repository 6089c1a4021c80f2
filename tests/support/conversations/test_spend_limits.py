"""Spend no client can drain: a call reserves its worst-case cost against the day's cap, the
client address's and the conversation's budgets before it is made; calls in flight are
capped; a limit that acts hands the customer to a person, with what they wrote kept."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import Future
from decimal import Decimal

import pytest
from channels.db import database_sync_to_async

from routing import reasons
from routing.circuit import reset_all
from routing.providers import ProviderRequest
from support.conversations import actions, answer_tasks, drafting, preparing
from support.conversations.actions import ActionRefused
from support.conversations.answer_run import AnswerRun
from support.conversations.dbthreads import LATER, ConversationThread, urgent_work_waiting
from support.conversations.handoff import request_person
from support.conversations.ledger import CALLS_IN_FLIGHT, address_budget
from support.conversations.ledger_models import DailySpend, SpendBudget
from support.conversations.models import Message

from .chat import TIMEOUT_S, frames_until, open_chat, send_message, status_frames
from .test_chat_limits import hello, socket_from
from .test_routing_tiers import reply, story

pytestmark = pytest.mark.django_db(transaction=True)

QUESTION = "How long does shipping take?"


@pytest.fixture(autouse=True)
def _fresh_breakers_and_slots():
    reset_all()
    CALLS_IN_FLIGHT.count = 0
    yield
    reset_all()


async def answer_or_person(socket) -> list[dict]:
    """Frames up to a finished answer or the notice that a person will answer."""
    frames: list[dict] = []
    while not frames or frames[-1]["type"] not in ("message_end", "message"):
        frames.append(await socket.receive_json_from(timeout=TIMEOUT_S))
    return frames


async def handed_to_people(socket) -> list[dict]:
    frames = await frames_until(socket, "message")
    assert {"type": "status", "status": "waiting", "reason": "spend_limit"} in status_frames(frames)
    return frames


async def assert_kept_and_told(public_id: str, frames: list[dict], limit: str) -> None:
    _, messages, events = await story(public_id)
    # What the customer wrote is kept, and a person is told why in words, not codes.
    assert [m.role for m in messages] == ["customer", "system"]
    assert messages[0].text == QUESTION
    assert "a person from our team will help" in frames[-1]["text"]
    kinds = [e.kind for e in events]
    assert f"limit.{limit}" in kinds
    assert "model.call" not in kinds
    # The router's events are written once, though the transaction that reserved the answer's
    # seq with them was rolled back by the refusal: the first decision, then the limit's.
    assert kinds.count("routing.rules") == 1
    assert kinds.count("routing.decision") == 2


async def test_a_conversation_over_its_spend_budget_goes_to_a_person(
    demo_kb, fake_anthropic, settings
):
    settings.LADDER_CONVERSATION_SPEND_BUDGET_USD = 0.0000001
    socket, welcome = await open_chat()
    await send_message(socket, QUESTION)
    frames = await handed_to_people(socket)
    await assert_kept_and_told(welcome["conversation"], frames, "conversation_budget")
    assert fake_anthropic.requests == []
    await socket.disconnect()


async def test_an_address_over_its_daily_budget_goes_to_a_person_and_others_do_not(
    demo_kb, fake_anthropic, settings
):
    settings.LADDER_DAILY_SPEND_PER_IP_USD = 0.05
    spent = address_budget("198.51.100.66", Decimal("0.05"))
    await database_sync_to_async(SpendBudget.objects.create)(
        **spent.lookup, cost_usd=Decimal("0.05")
    )
    fake_anthropic.script(reply(0.9, "Three to five days.", repeat=None))
    drained = socket_from("198.51.100.66")
    welcome = await hello(drained)
    await send_message(drained, QUESTION)
    frames = await handed_to_people(drained)
    await assert_kept_and_told(welcome["conversation"], frames, "address_budget")

    elsewhere = socket_from("198.51.100.67")
    await hello(elsewhere)
    await send_message(elsewhere, QUESTION)
    assert (await frames_until(elsewhere, "message_end"))[-1]["type"] == "message_end"
    assert len(fake_anthropic.requests) == 1
    for socket in (drained, elsewhere):
        await socket.disconnect()


async def test_past_the_calls_in_flight_a_customer_goes_to_a_person(
    demo_kb, fake_anthropic, settings
):
    settings.LADDER_MAX_MODEL_CALLS_IN_FLIGHT = 1
    # The first call is slow to start, so it is still in flight when the second question comes.
    fake_anthropic.script(reply(0.9, "Three to five days.", first_token_ms=1500))
    first, _ = await open_chat()
    await send_message(first, QUESTION)
    while not fake_anthropic.requests:  # noqa: ASYNC110 - the fake serves on its own thread
        await asyncio.sleep(0.02)
    second, welcome = await open_chat()
    await send_message(second, QUESTION)
    frames = await handed_to_people(second)
    _, _, events = await story(welcome["conversation"])
    assert "limit.calls_in_flight" in [e.kind for e in events]
    assert (await frames_until(first, "message_end"))[-1]["type"] == "message_end"
    assert len(fake_anthropic.requests) == 1
    assert "a person from our team will help" in frames[-1]["text"]
    for socket in (first, second):
        await socket.disconnect()


async def test_a_handoff_before_the_call_gives_its_spend_back_and_calls_nothing(
    demo_kb, fake_anthropic, settings, monkeypatch
):
    # The answer's seq and the call's spend are reserved in one transaction right before the
    # call, the seq first: a customer who asked for a person while the answer was prepared
    # stops the call, and nothing is reserved.
    reserve = AnswerRun.reserve_call_now

    def person_first(run: AnswerRun, request: ProviderRequest) -> str | None:
        actions.do_request_handoff(
            run.conversation_id,
            reason=reasons.CUSTOMER_REQUEST,
            actor="customer",
            notice="A person from our team will help you shortly.",
        )
        return reserve(run, request)

    monkeypatch.setattr(AnswerRun, "reserve_call_now", person_first)
    socket, welcome = await open_chat()
    await send_message(socket, QUESTION)
    await answer_tasks.wait_for_answers()
    assert fake_anthropic.requests == []
    days = await database_sync_to_async(list)(
        DailySpend.objects.filter(tier="fast").values_list("reserved_usd", "cost_usd", "calls")
    )
    assert days in ([], [(0, 0, 0)])
    assert CALLS_IN_FLIGHT.count == 0
    _, messages, events = await story(welcome["conversation"])
    kinds = [e.kind for e in events]
    assert "routing.decision" in kinds
    assert "model.call" not in kinds
    assert [m.role for m in messages] == ["customer", "system"]
    await socket.disconnect()


async def test_a_handoff_pressed_while_the_answer_is_prepared_stops_the_model(
    demo_kb, fake_anthropic, monkeypatch
):
    # The preparation reserves the call itself only when nothing of its conversation waits on
    # its thread: a handoff queued meanwhile runs first, and the model is never called.
    loop = asyncio.get_running_loop()
    socket, welcome = await open_chat()
    conversation, _, _ = await story(welcome["conversation"])
    search = preparing.search_passages
    pressed: list[Future[None]] = []

    def search_while_the_customer_presses(question: str, **kwargs):
        pressed.append(asyncio.run_coroutine_threadsafe(request_person(conversation.pk), loop))
        deadline = time.monotonic() + TIMEOUT_S
        while not urgent_work_waiting(conversation.pk):
            assert time.monotonic() < deadline, "the handoff never reached the thread"
            time.sleep(0.001)
        return search(question, **kwargs)

    monkeypatch.setattr(preparing, "search_passages", search_while_the_customer_presses)
    await send_message(socket, QUESTION)
    await answer_tasks.wait_for_answers()
    await asyncio.wrap_future(pressed[0])
    assert fake_anthropic.requests == []
    conversation, messages, events = await story(welcome["conversation"])
    assert (conversation.status, conversation.handoff_reason) == ("waiting", "customer_request")
    assert [m.role for m in messages] == ["customer", "system"]
    assert "model.call" not in [e.kind for e in events]
    assert CALLS_IN_FLIGHT.count == 0
    await socket.disconnect()


async def test_with_nothing_in_between_the_call_is_reserved_in_the_preparations_visit(
    demo_kb, fake_anthropic, monkeypatch
):
    # One trip to the conversation's thread before the first word, not two.
    socket, welcome = await open_chat()
    conversation, _, _ = await story(welcome["conversation"])
    submit = ConversationThread.submit
    trips: list[int] = []

    def counted(thread, lane, work, conversation_id=None):
        if conversation_id == conversation.pk:
            trips.append(lane)
        return submit(thread, lane, work, conversation_id)

    monkeypatch.setattr(ConversationThread, "submit", counted)
    await send_message(socket, QUESTION)
    frames = await frames_until(socket, "message_end")
    await answer_tasks.wait_for_answers()
    assert frames[0]["type"] == "message_start"
    assert len(fake_anthropic.requests) == 1
    assert trips == [LATER]
    _, messages, events = await story(welcome["conversation"])
    assert [m.role for m in messages] == ["customer", "assistant"]
    kinds = [e.kind for e in events]
    assert kinds.index("routing.decision") < kinds.index("model.call")
    await socket.disconnect()


async def test_concurrent_calls_never_overshoot_the_daily_cap(demo_kb, fake_anthropic, settings):
    # Room for a few worst-case calls of the fast model, not for one per customer.
    settings.LADDER_DAILY_SPEND_CAP_FAST_USD = 0.0015
    settings.LADDER_DAILY_SPEND_CAP_STRONG_USD = 0
    fake_anthropic.script(
        reply(0.9, "Three to five days.", repeat=None, first_token_ms=300, output_tokens=900)
    )
    customers = [await open_chat() for _ in range(8)]
    # Every question goes out at once: their calls run side by side.
    await asyncio.gather(
        *(send_message(socket, f"{QUESTION} ({n})") for n, (socket, _) in enumerate(customers))
    )
    outcomes = [await answer_or_person(socket) for socket, _ in customers]
    day = await database_sync_to_async(DailySpend.objects.get)(tier="fast")
    assert day.cost_usd <= Decimal("0.0015")
    assert day.reserved_usd == 0
    # Only some questions reached the model; the others were answered from the knowledge
    # base or went to people, as a tier past its cap does. Nobody was left without either.
    assert 1 <= day.calls == len(fake_anthropic.requests) < 8
    assert all(frames[-1]["type"] in ("message_end", "message") for frames in outcomes)
    for socket, welcome in customers:
        _, messages, _ = await story(welcome["conversation"])
        assert messages[0].role == "customer"
        assert messages[-1].role in ("assistant", "system")
        await socket.disconnect()


async def test_drafts_obey_the_daily_cap_and_the_breaker(fake_anthropic, dana, settings):
    from routing.circuit import breaker_for
    from tests.support.inbox.inbox import claimed_conversation

    conversation = await database_sync_to_async(claimed_conversation)(dana, QUESTION)
    settings.LADDER_DAILY_SPEND_CAP_STRONG_USD = 0
    with pytest.raises(ActionRefused) as refused:
        await drafting.compose_draft(conversation.pk, dana)
    assert refused.value.code == "draft_unavailable"
    settings.LADDER_DAILY_SPEND_CAP_STRONG_USD = 50
    breaker = breaker_for(
        settings.LADDER_STRONG_MODEL,
        settings.LADDER_CIRCUIT_FAILURES,
        settings.LADDER_CIRCUIT_COOLDOWN_S,
    )
    for _ in range(settings.LADDER_CIRCUIT_FAILURES):
        breaker.record_failure()
    with pytest.raises(ActionRefused):
        await drafting.compose_draft(conversation.pk, dana)
    assert fake_anthropic.requests == []
    _, _, events = await story(str(conversation.public_id))
    assert [e.kind for e in events if e.kind.startswith("limit.")] == [
        "limit.spend_cap",
        "limit.circuit_open",
    ]
    reset_all()
    fake_anthropic.script({"text": "Three to five days."})
    draft = await drafting.compose_draft(conversation.pk, dana)
    assert draft.text == "Three to five days."
    day = await database_sync_to_async(DailySpend.objects.get)(tier="strong")
    assert (day.calls, day.reserved_usd) == (1, 0)
    assert day.cost_usd > 0
    assert not await database_sync_to_async(
        Message.objects.filter(conversation=conversation, role="agent").exists
    )()


def test_reservations_from_many_threads_at_once_stay_within_the_cap():
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connection

    from support.conversations.ledger import Reservation, reserve_spend, settle_spend, tier_budget

    cap, worst = Decimal("1.00"), Decimal("0.30")
    start = Barrier(10)

    def one_call() -> bool:
        try:
            start.wait()
            reserved = reserve_spend(worst, [tier_budget("fast", cap)])
            if isinstance(reserved, Reservation):
                settle_spend(reserved, Decimal("0.20"))
                return True
            return False
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=10) as pool:
        made = sum(pool.map(lambda _: one_call(), range(10)))
    day = DailySpend.objects.get(tier="fast")
    # Every call that went ahead had its worst case reserved while the others were under way.
    assert day.calls == made
    assert day.cost_usd == Decimal("0.20") * made <= cap
    assert day.reserved_usd == 0
    assert 3 <= made <= 5


def test_a_refusal_names_the_first_budget_without_room_and_reserves_nothing():
    from support.conversations.ledger import conversation_budget, reserve_spend, tier_budget

    worst = Decimal("0.30")
    full_day = tier_budget("fast", Decimal("0.10"))
    roomy_day = tier_budget("fast", Decimal("5.00"))
    address = address_budget("203.0.113.9", Decimal("5.00"))
    full_conversation = conversation_budget(7, Decimal("0.10"))
    # Written from the conversation's budget up to the day's, but named as the list orders them.
    assert reserve_spend(worst, [full_day, address, full_conversation]) == full_day
    assert reserve_spend(worst, [roomy_day, address, full_conversation]) == full_conversation
    assert reserve_spend(worst, [full_day, address]) == full_day
    # Each refusal rolled back whatever it had reserved on the way.
    assert not DailySpend.objects.exclude(reserved_usd=0).exists()
    assert not SpendBudget.objects.exclude(reserved_usd=0).exists()


def test_the_days_spend_row_is_the_last_one_a_call_writes(settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from support.conversations.billing import spend_budgets
    from support.conversations.ledger import Reservation, release_spend, reserve_spend, settle_spend

    settings.LADDER_DAILY_SPEND_PER_IP_USD = 5.0
    settings.LADDER_CONVERSATION_SPEND_BUDGET_USD = 1.0
    budgets = spend_budgets("fast", 7, "203.0.113.9")
    assert [b.name for b in budgets] == ["spend_cap", "address_budget", "conversation_budget"]
    day_table = DailySpend._meta.db_table
    release_spend(reserve_spend(Decimal("0.01"), budgets))  # the first call makes the rows

    def updated_tables(write):
        with CaptureQueriesContext(connection) as queries:
            result = write()
        updates = [q["sql"] for q in queries if q["sql"].startswith("UPDATE")]
        assert updates, "nothing was written"
        return [sql.split()[1].strip('"`') for sql in updates], result

    # Every call updates the day's row: it is locked by the last update, until the commit.
    tables, reserved = updated_tables(lambda: reserve_spend(Decimal("0.01"), budgets))
    assert isinstance(reserved, Reservation)
    assert tables == [SpendBudget._meta.db_table] * 2 + [day_table]
    tables, _ = updated_tables(lambda: settle_spend(reserved, Decimal("0.005")))
    assert tables == [SpendBudget._meta.db_table] * 2 + [day_table]
    reserved = reserve_spend(Decimal("0.01"), budgets)
    tables, _ = updated_tables(lambda: release_spend(reserved))
    assert tables == [SpendBudget._meta.db_table] * 2 + [day_table]


async def test_an_answer_that_cannot_be_stored_is_booked_all_the_same(
    demo_kb, fake_anthropic, settings, monkeypatch
):
    # The stored answer and the booking share a transaction: a store that fails after writing
    # is rolled back alone, and what the call cost is still booked.
    fake_anthropic.script(reply(0.9, "Three to five days.", repeat=None))
    append_events = actions.append_events

    def fail_at_the_call_event(conversation, entries):
        append_events(conversation, entries)
        if any(kind == "model.call" for kind, _, _ in entries):
            raise RuntimeError("the store failed after writing")

    monkeypatch.setattr(actions, "append_events", fail_at_the_call_event)
    socket, welcome = await open_chat()
    await send_message(socket, QUESTION)
    await answer_tasks.wait_for_answers()
    assert len(fake_anthropic.requests) == 1
    day = await database_sync_to_async(DailySpend.objects.get)(tier="fast")
    assert day.reserved_usd == 0
    assert day.calls == 1
    assert day.cost_usd > 0
    assert CALLS_IN_FLIGHT.count == 0
    conversation, messages, _ = await story(welcome["conversation"])
    assert conversation.model_tokens > 0
    # The store's own writes went with its failure; a person takes the conversation.
    assert "Three to five days." not in [m.text for m in messages]
    assert conversation.status == "waiting"
    await socket.disconnect()
