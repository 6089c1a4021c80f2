"""`manage.py loadtest`: a tiny real run (Daphne, the fake upstream, websockets) loses and
duplicates nothing and answers every question; it refuses to leave loopback."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from support.devtools.loadtest.client import Transcript, visible_text


def run_loadtest(*args: str) -> tuple[dict, str]:
    out, err = StringIO(), StringIO()
    call_command("loadtest", *args, stdout=out, stderr=err)
    lines = out.getvalue().strip().splitlines()
    return json.loads(lines[-1]), out.getvalue()


def test_tiny_run_answers_every_question_and_loses_nothing():
    result, output = run_loadtest(
        "--conversations",
        "3",
        "--messages",
        "1",
        "--idle-sockets",
        "5",
        "--first-token-ms",
        "20",
        "--deltas-per-second",
        "200",
        "--ramp-s",
        "0",
        "--timeout-s",
        "180",
    )
    ours = result["ladder"]
    assert result["ok"], output
    assert ours["answers"] == 3
    assert ours["errors"] == 0
    assert ours["lost"] == 0
    assert ours["duplicated"] == 0
    assert ours["mismatched"] == 0
    assert ours["added_ttft_ms"]["count"] == 3
    # One question per conversation: every one is a first question.
    assert ours["added_ttft_first_question_ms"]["count"] == 3
    assert ours["added_ttft_later_questions_ms"]["count"] == 0
    assert ours["idle"]["sockets"] == 5
    # The table comes first, for people; the JSON line last, for scripts.
    assert "added TTFT p50" in output


def test_reconnect_chaos_resumes_mid_answer_without_losing_a_message():
    result, output = run_loadtest(
        "--conversations",
        "3",
        "--messages",
        "2",
        "--idle-sockets",
        "0",
        "--first-token-ms",
        "20",
        # Answers long enough to be cut after up to four delta frames however the server
        # coalesces them (a busy server, or a stream holding for preparations, sends fewer).
        "--deltas-per-second",
        "50",
        "--ramp-s",
        "0",
        "--reconnect-chaos",
        "--chaos-fraction",
        "1",
        "--timeout-s",
        "180",  # setting up the servers alone can take a minute on a busy machine
    )
    ours = result["ladder"]
    assert result["ok"], output
    assert ours["chaos_drops"] == 6
    assert ours["reconnects"] >= 6
    assert (ours["lost"], ours["duplicated"], ours["mismatched"]) == (0, 0, 0)
    first, later = ours["added_ttft_first_question_ms"], ours["added_ttft_later_questions_ms"]
    assert first["count"] + later["count"] == ours["added_ttft_ms"]["count"]
    assert first["count"] <= 3 and later["count"] >= 1


@pytest.mark.parametrize(
    "url",
    ["ws://10.0.0.5:8000/ws/chat/", "ws://example.com/ws/chat/", "http://192.168.1.2:8000/"],
)
def test_a_non_loopback_url_is_refused_with_a_clear_error(url):
    with pytest.raises(CommandError, match="loopback only"):
        call_command("loadtest", "--url", url, stdout=StringIO(), stderr=StringIO())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--conversations", "0"], "--conversations must be between 1 and 5000"),
        (["--database-url", "postgres://db.example.com/x"], "loopback only"),
        (["--url", "ws://127.0.0.1:8000/ws/chat/", "--baseline"], "drop --url"),
        (["--server-env", "lower=1"], "NAME=VALUE"),
    ],
)
def test_bad_arguments_are_refused_before_anything_starts(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("loadtest", *args, stdout=StringIO(), stderr=StringIO())


def test_a_transcript_counts_lost_duplicated_and_altered_messages():
    transcript = Transcript()
    transcript.sent["a"] = "hi"
    transcript.record({"type": "ack", "client_id": "a", "seq": 1})
    transcript.record({"type": "message_start", "seq": 2, "role": "assistant"})
    transcript.record({"type": "delta", "seq": 2, "text": "Hel"})
    transcript.record({"type": "delta", "seq": 2, "text": "lo"})
    transcript.record({"type": "message_end", "seq": 2})
    transcript.record({"type": "message", "seq": 2, "role": "assistant", "text": "Hello"})
    audit = transcript.compare(
        [
            {"seq": 1, "role": "customer", "text": "hi"},
            {"seq": 2, "role": "assistant", "text": "Hello"},
            {"seq": 3, "role": "system", "text": "never delivered"},
        ]
    )
    assert (audit.lost, audit.duplicated, audit.mismatched) == (1, 1, 0)


def test_the_control_line_is_not_visible_text():
    assert visible_text("[[ladder confidence=0.9 ") == ""
    assert visible_text("[[ladder confidence=0.9 answered=yes intent=none]]\n") == ""
    assert visible_text("[[ladder confidence=0.9 answered=yes intent=none]]\nOrders ") == "Orders"
    assert visible_text("Orders ship") == "Orders ship"
