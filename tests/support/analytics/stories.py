"""A small, hand-built week of support: eight conversations written through the real actions and
audit trail (support.devtools.traffic), with every token count and time chosen so the
dashboard's figures can be worked out by hand in the tests.

Prices (routing.prices, USD per million tokens): fast (Haiku) input 0.10, output 0.50,
cache read 0.01; strong (Sonnet) input 2, output 10, cache read 0.10.
A plain fast reply here is 1,000 input + 100 output tokens:   $0.00015
  (with 2,000 cache-read tokens more, as in A's:              $0.00017)
A strong reply is 1,000 input + 200 output tokens:            $0.004
A plain fast reply's tokens at the strong price:              $0.003
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone

from routing import reasons
from support.analytics.facts import refresh_facts
from support.conversations import agent_actions
from support.conversations.models import Conversation
from support.devtools.traffic import (
    Question,
    Reply,
    SyntheticClock,
    ask,
    close_answered,
    rate,
    resolve_by_agent,
    start_conversation,
)

SHOP = "https://shop.example"
HELP = "https://help.example"


def fast(confidence: float, ttft_ms: int = 400, **fields) -> Reply:
    return Reply(
        confidence,
        input_tokens=1000,
        output_tokens=100,
        time_to_first_token_ms=ttft_ms,
        total_ms=2000,
        **fields,
    )


def strong(confidence: float, ttft_ms: int = 1000, **fields) -> Reply:
    return Reply(
        confidence,
        input_tokens=1000,
        output_tokens=200,
        time_to_first_token_ms=ttft_ms,
        total_ms=2000,
        **fields,
    )


@dataclass
class Week:
    """The conversations by name, and the dates of the period under test."""

    first_day: date
    last_day: date
    conversations: dict[str, Conversation]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def build_week(agent) -> Week:
    """Days (UTC): the period is day0-1 .. day0+1; H started in the period before it.

    A  fast 0.9 answers (2,000 cache-read tokens), closed after 60 s, rated 5   -> AI-resolved
    B  fast 0.5 -> strong 0.85 answers, closed after 120 s, rated 4             -> AI-resolved
    C  complaint rule -> person: waits 120 s, reply 30 s later, resolved, rated 2
    D  fast 0.6 -> strong 0.4 -> person: waits 60 s, reply 10 s later, resolved
    E  fast 0.8 answers, closed; writes again 2 days later, fast 0.9 answers -> reopened
    F  "Do you sell gift cards?" (search 0.1) -> strong 0.3, not answered -> person, waiting
    G  "Can I buy a gift card?" (search 0.15) -> strong 0.9 answers, closed after 180 s
    H  (previous period) fast 0.9 answers, closed
    """
    day0 = timezone.now().date() - timedelta(days=3)
    named: dict[str, Conversation] = {}

    def begin(name: str, when: datetime, origin: str = SHOP) -> SyntheticClock:
        clock = SyntheticClock(when)
        with clock.running():
            named[name] = start_conversation(origin=origin)
        return clock

    clock = begin("A", at(day0, 9))
    with clock.running():
        ask(
            named["A"],
            Question(
                "How long does shipping take?", 0.8, fast=fast(0.9, 300, cache_read_tokens=2000)
            ),
            clock,
        )
        clock.set(at(day0, 9, 1))  # resolved 60 s after the start
        close_answered(named["A"])
        rate(named["A"], 5)

    clock = begin("B", at(day0, 10), origin=HELP)
    with clock.running():
        ask(
            named["B"],
            Question("Can I return worn boots?", 0.6, fast=fast(0.5), strong=strong(0.85, 1000)),
            clock,
        )
        clock.set(at(day0, 10, 2))
        close_answered(named["B"])
        rate(named["B"], 4)

    clock = begin("C", at(day0, 11))
    with clock.running():
        ask(
            named["C"],
            Question("I want to complain about my order", rule_reason=reasons.COMPLAINT),
            clock,
        )
        clock.set(at(day0, 11, 2))  # waited 120 s (the handoff was at 11:00:00)
        agent_actions.do_claim_conversation(named["C"].pk, agent)
        clock.advance(seconds=30)
        agent_actions.do_agent_reply(named["C"].pk, agent, "Sorry about that, let me look.")
        clock.set(at(day0, 11, 10))
        resolve_by_agent(named["C"], agent)
        rate(named["C"], 2)

    clock = begin("D", at(day0, 12))
    with clock.running():
        ask(
            named["D"],
            Question("Is the tent warranty transferable?", 0.5, fast=fast(0.6), strong=strong(0.4)),
            clock,
        )
        # The handoff happened after both calls: 12:00:04.
        clock.advance(seconds=60)
        agent_actions.do_claim_conversation(named["D"].pk, agent)
        clock.advance(seconds=10)
        agent_actions.do_agent_reply(named["D"].pk, agent, "It is, for two years.")
        clock.set(at(day0, 12, 20))
        resolve_by_agent(named["D"], agent)

    clock = begin("E", at(day0, 13))
    with clock.running():
        ask(named["E"], Question("Do you ship to Canada?", 0.7, fast=fast(0.8, 500)), clock)
        clock.set(at(day0, 13, 5))
        close_answered(named["E"])
        clock.set(at(day0 + timedelta(days=2), 9))
        ask(
            named["E"],
            Question("And how much does shipping to Canada cost?", 0.7, fast=fast(0.9, 700)),
            clock,
        )

    clock = begin("F", at(day0, 14))
    with clock.running():
        ask(
            named["F"],
            Question("Do you sell gift cards?", 0.1, strong=strong(0.3, answered=False)),
            clock,
        )

    clock = begin("G", at(day0, 15), origin=HELP)
    with clock.running():
        ask(named["G"], Question("Can I buy a gift card?", 0.15, strong=strong(0.9, 1200)), clock)
        clock.set(at(day0, 15, 3))
        close_answered(named["G"])

    clock = begin("H", at(day0 - timedelta(days=3), 9))
    with clock.running():
        ask(named["H"], Question("How long does shipping take?", 0.8, fast=fast(0.9)), clock)
        clock.advance(seconds=60)
        close_answered(named["H"])

    refresh_facts()
    return Week(day0 - timedelta(days=1), day0 + timedelta(days=1), named)


def week_query(week: Week, **extra) -> dict[str, str]:
    return {
        "range": "custom",
        "start": week.first_day.isoformat(),
        "end": week.last_day.isoformat(),
        "tz": "UTC",
        **{k: str(v) for k, v in extra.items()},
    }
