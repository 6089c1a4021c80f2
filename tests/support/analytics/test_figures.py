"""Each figure of the dashboard, computed from the hand-built week (stories.build_week) and
compared with the value worked out by hand from the story."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from support.analytics import metrics
from support.analytics.facts import refresh_facts
from support.analytics.queries import Filters, Period, Scope, facts_in
from support.devtools.traffic import SyntheticClock, start_conversation
from tests.support.analytics.stories import build_week

pytestmark = pytest.mark.django_db


@pytest.fixture
def week(dana):
    return build_week(dana)


def in_week(week, **filters):
    return facts_in(Period(week.first_day, week.last_day, UTC), Filters(**filters))


def week_scope(week, **filters):
    return Scope(Period(week.first_day, week.last_day, UTC), Filters(**filters))


def before_week(week):
    return facts_in(Period(week.first_day, week.last_day, UTC).previous(), Filters())


def test_overview_counts_conversations_resolutions_handoffs_and_escalations(week):
    board = {
        h.key: h
        for h in metrics.headlines(
            metrics.overview_counts(in_week(week)), metrics.overview_counts(before_week(week))
        )
    }
    # A..G started in the period; H in the one before.
    assert board["conversations"].value == 7
    assert board["conversations"].previous == 1
    # A, B, G: resolved, nobody involved, not reopened. E was reopened two days later; C and D
    # were resolved by a person; F still waits.
    assert board["ai_resolved"].value == 3
    # C (complaint rule), D (strong model unsure), F (strong model unsure): handoffs.
    assert board["handed_to_person"].value == 3
    # B, D (fast unsure), F, G (nothing in the knowledge base): the strong model was asked.
    assert board["escalated_to_strong"].value == 4
    assert board["automation_rate"].value == pytest.approx(3 / 7)
    assert board["handoff_rate"].value == pytest.approx(3 / 7)
    # Against the period before (H alone, AI-resolved): 7 vs 1 is +600%; 3/7 vs 1/1 is
    # 42.86% - 100% = -57.14 points.
    assert board["conversations"].change == pytest.approx(6.0)
    assert board["automation_rate"].change == pytest.approx(3 / 7 - 1)


def test_escalations_by_tier_path(week):
    paths = {p.path: p for p in metrics.paths_table(in_week(week))}
    # fast only: A, E; fast->strong: B, G; fast->person: C; fast->strong->person: D, F.
    assert {k: p.conversations for k, p in paths.items()} == {
        "fast": 2,
        "fast_strong": 2,
        "fast_human": 1,
        "fast_strong_human": 2,
    }
    assert paths["fast_strong"].share == pytest.approx(2 / 7)
    # B and G: $0.00015 + $0.004 + $0.004.
    assert paths["fast_strong"].model_cost_usd == Decimal("0.00815")


def test_escalations_by_reason(week):
    rows = {r.reason: (r.to_strong, r.to_person) for r in metrics.reasons_table(in_week(week))}
    # To strong: B, D for low confidence; F, G for missing knowledge. To people: C complaint;
    # D and F because the strong model was unsure (low_confidence).
    assert rows == {
        "low_confidence": (2, 2),
        "missing_knowledge": (2, 0),
        "complaint": (0, 1),
    }


def test_escalations_per_day(week):
    days = {
        d.day: d for d in metrics.daily(in_week(week), Period(week.first_day, week.last_day, UTC))
    }
    assert len(days) == 3  # every day of the period, even empty ones
    busy = days[week.first_day + timedelta(days=1)]  # day0: A..G all started then
    assert (busy.conversations, busy.to_strong, busy.to_person) == (7, 4, 3)
    assert days[week.first_day].conversations == 0


def test_cost_by_tier_against_everything_on_the_strong_model(week):
    cost = metrics.cost(in_week(week))
    # Fast calls: A $0.00017, B, D $0.00015 each, E two at $0.00015 = $0.00077.
    assert cost.fast_usd == Decimal("0.00077")
    # Strong calls: B, D, F, G at $0.004 = $0.016.
    assert cost.strong_usd == Decimal("0.016")
    assert cost.model_usd == Decimal("0.01677")
    # Everything from the strong model: A's tokens at the strong price (1,000 x $2 + 100 x $10
    # + 2,000 cache-read x $0.10 per million = $0.0032), E's two answers at $0.003, and B, D,
    # F, G's strong answers as they were ($0.004 each): $0.0252.
    assert cost.all_strong_usd == Decimal("0.0252")
    # $0.0252 - $0.01677 = $0.00843, 33.45% of $0.0252.
    assert cost.saving_usd == Decimal("0.00843")
    assert cost.saving_share == pytest.approx(0.00843 / 0.0252)
    # $0.01677 over seven conversations.
    assert cost.per_conversation_usd == Decimal("0.01677") / 7
    # The AI-resolved A ($0.00017), B ($0.00415) and G ($0.004): $0.00832 / 3.
    assert cost.per_ai_resolution_usd == Decimal("0.00832") / 3
    # A's 2,000 cached tokens at the fast input price ($0.10) instead of the cache price
    # ($0.01): 2,000 x $0.09 per million = $0.00018.
    assert cost.cache_saving_usd == Decimal("0.00018")


@pytest.mark.parametrize(
    ("target_minutes", "met"),
    [
        # D's first reply came 70 s after the handoff, C's 150 s; F has had none.
        (2, 1),
        (3, 2),
        (1, 0),
    ],
)
def test_share_of_first_replies_within_the_target(week, settings, target_minutes, met):
    settings.LADDER_FIRST_RESPONSE_TARGET_MINUTES = target_minutes
    scope = week_scope(week)
    target = metrics.service_target(scope.facts(), metrics.speed(scope))
    assert (target.target_ms, target.handed_off, target.met) == (target_minutes * 60_000, 3, met)
    # F, still waiting for a first reply, counts as not met.
    assert target.met_share == pytest.approx(met / 3)
    assert target.missed == 3 - met
    # The median first reply of those answered: nearest rank of 70 s and 150 s.
    assert target.median_first_response_ms == 70_000


def test_with_no_target_nothing_counts_as_met(week, settings):
    settings.LADDER_FIRST_RESPONSE_TARGET_MINUTES = 0
    scope = week_scope(week)
    target = metrics.service_target(scope.facts(), metrics.speed(scope))
    assert (target.target_ms, target.met, target.handed_off) == (None, 0, 3)


def test_speed_percentiles(week):
    rows = {s.key: s for s in metrics.speed(week_scope(week))}
    # Fast answers shown: A 300 ms, E 500 and 700 ms. Nearest rank: p50 is the 2nd of 3,
    # p95 the 3rd.
    assert (rows["ttft_fast"].count, rows["ttft_fast"].p50_ms, rows["ttft_fast"].p95_ms) == (
        3,
        500,
        700,
    )
    # Strong answers shown: B 1,000 ms and G 1,200 ms (D's and F's were never shown).
    assert (rows["ttft_strong"].p50_ms, rows["ttft_strong"].p95_ms) == (1000, 1200)
    # A person's first reply: D 60 + 10 s = 70 s, C 120 + 30 s = 150 s.
    assert (rows["agent_response"].p50_ms, rows["agent_response"].p95_ms) == (70_000, 150_000)
    # Queue: D 60 s, C 120 s; F is still waiting and not counted.
    assert (rows["queue_wait"].count, rows["queue_wait"].p50_ms) == (2, 60_000)
    assert rows["queue_wait"].p95_ms == 120_000
    # Resolution: A 60 s, B 120 s, G 180 s; with people, C 10 min and D 20 min.
    assert (rows["resolution_ai"].p50_ms, rows["resolution_ai"].p95_ms) == (120_000, 180_000)
    assert (rows["resolution_person"].p50_ms, rows["resolution_person"].p95_ms) == (
        600_000,
        1_200_000,
    )


def test_satisfaction_of_ai_and_agent_resolutions(week):
    ai, agent = metrics.satisfaction(in_week(week))
    # AI-resolved A (5), B (4), G (not rated): average 4.5 of 2 ratings.
    assert (ai.resolved, ai.rated, ai.average) == (3, 2, 4.5)
    assert ai.by_score == {1: 0, 2: 0, 3: 0, 4: 1, 5: 1}
    # With people: C (2), D (not rated).
    assert (agent.resolved, agent.rated, agent.average) == (2, 1, 2.0)


def test_knowledge_gaps_group_similar_questions(week):
    groups = [metrics.gap_group(row) for row in metrics.knowledge_gaps(in_week(week))]
    # "Do you sell gift cards?" (F) and "Can I buy a gift card?" (G) reduce to "card gift".
    assert len(groups) == 1
    gift = groups[0]
    assert (gift.wording_key, gift.questions, gift.conversations) == ("card gift", 2, 2)
    assert gift.best_score == 0.15


def test_filters_narrow_every_figure(week):
    # B and G came from the help site.
    assert (
        metrics.overview_counts(in_week(week, origin="https://help.example"))["conversations"] == 2
    )
    # complaint: C only; low_confidence: B, D and F (escalated or handed over for it).
    assert metrics.overview_counts(in_week(week, reason="complaint"))["conversations"] == 1
    assert metrics.overview_counts(in_week(week, reason="low_confidence"))["conversations"] == 3
    # Highest tier strong: B and G.
    assert metrics.overview_counts(in_week(week, tier="strong"))["conversations"] == 2


def test_what_if_at_the_recorded_threshold_replays_what_happened(week):
    replay = metrics.what_if(week_scope(week), 0.7)
    assert (replay.to_strong, replay.to_person) == (
        replay.actual_to_strong,
        replay.actual_to_person,
    )
    assert (replay.to_strong, replay.to_person) == (4, 3)
    assert replay.model_usd == replay.actual_model_usd == Decimal("0.01677")


def test_what_if_with_a_stricter_threshold(week):
    replay = metrics.what_if(week_scope(week), 0.95)
    # At 0.95 every fast answer (A 0.9, E 0.8 and 0.9) goes to the strong model too; strong
    # answers below 0.95 (B 0.85, G 0.9) go to a person as D's and F's did.
    # Strong: F, G (before any call) + A, B, D, E = 6. People: C (a rule) + B, D, F, G = 5.
    assert (replay.to_strong, replay.to_person) == (6, 5)
    # Extra strong answers priced from the fast calls' tokens: A $0.0032 + E 2 x $0.003.
    assert replay.model_usd == Decimal("0.01677") + Decimal("0.0032") + Decimal("0.006")


def test_what_if_with_a_looser_threshold(week):
    replay = metrics.what_if(week_scope(week), 0.45)
    # At 0.45 B's (0.5) and D's (0.6) fast answers stand: no strong call, no person for D.
    # F's strong 0.3 still goes to a person; G's 0.9 stays. Strong: F, G. People: C, F.
    assert (replay.to_strong, replay.to_person) == (2, 2)
    # B's and D's strong calls ($0.004 each) are saved.
    assert replay.model_usd == Decimal("0.01677") - Decimal("0.008")


@pytest.mark.parametrize("threshold", [0.3, 0.55, 0.7, 0.85, 0.95, 1.0])
def test_the_sql_replay_agrees_with_the_replay_rule_turn_by_turn(week, threshold):
    # replay_turn is the rule written out plainly; the dashboard runs it as SQL.
    for turn in metrics._replayed_turns(week_scope(week), threshold).values():
        expected = metrics.replay_turn(turn, threshold)
        assert (turn["uses_strong"], turn["to_person"]) == (
            int(expected.uses_strong),
            int(expected.to_person),
        )
        recorded = turn["fast_cost_usd"] + turn["strong_cost_usd"]
        assert recorded + turn["cost_change_usd"] == expected.cost_usd


def test_days_are_the_viewers_local_days_across_odd_offsets_and_daylight_saving():
    for instant in (
        "2025-11-01T18:14:59",  # New York Nov 1, 14:14; Kathmandu (+05:45) Nov 1, 23:59
        "2025-11-01T18:15:00",  # New York Nov 1; Kathmandu Nov 2, 00:00
        "2025-11-02T03:59:59",  # New York Nov 1, 23:59 (summer time); Kathmandu Nov 2
        "2025-11-02T04:00:00",  # New York Nov 2, 00:00; that day has 25 hours
        "2025-11-03T04:59:59",  # New York Nov 2, 23:59 (winter time); Kathmandu Nov 3
        "2025-11-03T05:00:00",  # New York Nov 3, 00:00; Kathmandu Nov 3
    ):
        with SyntheticClock(datetime.fromisoformat(instant).replace(tzinfo=UTC)).running():
            start_conversation()
    refresh_facts()

    def per_day(zone: str) -> list[int]:
        period = Period(date(2025, 11, 1), date(2025, 11, 3), ZoneInfo(zone))
        return [d.conversations for d in metrics.daily(facts_in(period, Filters()), period)]

    assert per_day("America/New_York") == [3, 2, 1]
    assert per_day("Asia/Kathmandu") == [1, 3, 2]
