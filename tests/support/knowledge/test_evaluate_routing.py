"""``manage.py evaluate_routing``: the rules reach their targets; bad input gets a clear error."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from support.knowledge import routing_evaluation as evaluation

DATA = Path(__file__).resolve().parents[3] / "tests" / "data"
BITEXT = DATA / "bitext" / "Bitext_Sample_Customer_Service_Training_Dataset.csv"
MULTILINGUAL = DATA / "routing_multilingual.jsonl"


def evaluate_routing(*args: str) -> tuple[str, dict[str, float]]:
    """Run the command with --json; return its whole output and the figures on its last line."""
    out = StringIO()
    call_command("evaluate_routing", *args, "--json", stdout=out)
    output = out.getvalue()
    return output, json.loads(output.strip().splitlines()[-1])


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bitext_held_out_part_reaches_f1_095_for_human() -> None:
    output, figures = evaluate_routing(str(BITEXT), "--split", "holdout")
    assert set(figures) == {"n", "precision", "recall", "f1"}
    assert figures["n"] > 5000
    assert figures["f1"] >= 0.95, output


def test_multilingual_set_reaches_f1_097_for_human() -> None:
    output, figures = evaluate_routing(str(MULTILINGUAL))
    assert figures["n"] >= 300
    assert figures["f1"] >= 0.97, output


def test_multilingual_set_covers_five_languages_and_every_rule_reason() -> None:
    lines = [json.loads(line) for line in MULTILINGUAL.read_text(encoding="utf-8").splitlines()]
    assert {line["lang"] for line in lines} == {"en", "es", "fr", "de", "pt"}
    assert {line["reason"] for line in lines if line["label"] == "human"} == {
        "customer_request",
        "complaint",
        "legal",
        "cancellation",
        "security",
        "data_request",
    }


def test_report_shows_confusion_table_reasons_and_misrouted_messages() -> None:
    output, _ = evaluate_routing(str(BITEXT), "--split", "holdout")
    assert "labelled human" in output
    assert "labelled answer" in output
    assert "customer_request" in output
    assert "misrouted:" in output
    assert "  line " in output  # at least one misrouted message, with its line in the file


def test_limit_misrouted_caps_the_listed_messages() -> None:
    output, _ = evaluate_routing(str(BITEXT), "--limit-misrouted", "1")
    listed = [line for line in output.splitlines() if line.startswith("  line ")]
    assert len(listed) == 1
    assert "(showing 1)" in output


def test_tune_and_holdout_parts_split_the_whole_file() -> None:
    _, tune = evaluate_routing(str(BITEXT), "--split", "tune")
    _, holdout = evaluate_routing(str(BITEXT), "--split", "holdout")
    _, whole = evaluate_routing(str(BITEXT), "--split", "all")
    assert tune["n"] + holdout["n"] == whole["n"]
    assert 0.25 < tune["n"] / whole["n"] < 0.35


def test_split_is_stable_for_the_same_message() -> None:
    # The held-out figure means something only if no message ever moves into the tune part.
    assert evaluation.split_part("help me talk to an agent") == evaluation.split_part(
        "  help me talk to an agent  "
    )
    parts = {evaluation.split_part(f"message {number}") for number in range(50)}
    assert parts == {"tune", "holdout"}


def test_csv_intent_lists_decide_which_rows_are_human(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "intents.csv",
        "utterance,intent\ni want a human,ask_person\nwhere is my parcel,track_order\n"
        "cancel my order,cancel_order\n",
    )
    output, figures = evaluate_routing(
        str(path), "--human-intents", "ask_person", "--skip-intents", "cancel_order"
    )
    assert figures == {"n": 2, "precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert "misrouted: 0" in output


def test_default_skip_intents_need_not_be_in_the_csv(tmp_path: Path) -> None:
    path = write(tmp_path, "intents.csv", "text,intent\nagent,ask_person\nhello,greeting\n")
    _, figures = evaluate_routing(str(path), "--human-intents", "ask_person")
    assert figures["n"] == 2


def test_jsonl_lines_may_carry_other_fields(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "extra.jsonl",
        '{"text": "agent", "label": "human", "lang": "en", "note": "x"}\n\n'
        '{"text": "where is my parcel", "label": "answer", "id": 7}\n',
    )
    _, figures = evaluate_routing(str(path))
    assert figures["n"] == 2


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such file"):
        call_command("evaluate_routing", str(tmp_path / "absent.jsonl"))


def test_unknown_file_format_is_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path, "labels.txt", "agent\thuman\n")
    with pytest.raises(CommandError, match=r"use \.jsonl or \.csv"):
        call_command("evaluate_routing", str(path))


def test_bad_json_line_names_its_line_number(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "broken.jsonl",
        '{"text": "agent", "label": "human"}\n{"text": "oops", "label": \n',
    )
    with pytest.raises(CommandError, match="line 2: not valid JSON"):
        call_command("evaluate_routing", str(path))


def test_json_line_that_is_not_an_object_is_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path, "list.jsonl", '["agent", "human"]\n')
    with pytest.raises(CommandError, match="line 1: expected a JSON object"):
        call_command("evaluate_routing", str(path))


def test_label_other_than_human_or_answer_is_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path, "labels.jsonl", '{"text": "agent", "label": "maybe"}\n')
    with pytest.raises(CommandError, match='line 1: "label" must be "human" or "answer"'):
        call_command("evaluate_routing", str(path))


def test_missing_text_is_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path, "labels.jsonl", '{"label": "human"}\n')
    with pytest.raises(CommandError, match='line 1: "text" must be a non-empty string'):
        call_command("evaluate_routing", str(path))


def test_file_without_labelled_lines_is_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path, "empty.jsonl", "\n\n")
    with pytest.raises(CommandError, match="no labelled lines"):
        call_command("evaluate_routing", str(path))


def test_csv_without_the_needed_columns_is_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path, "columns.csv", "message,category\nagent,CONTACT\n")
    with pytest.raises(CommandError, match=r"needs an 'utterance' .* found message, category"):
        call_command("evaluate_routing", str(path))


def test_empty_intents_list_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match="--human-intents needs at least one intent name"):
        call_command("evaluate_routing", str(BITEXT), "--human-intents", " , ")


def test_intent_the_csv_does_not_have_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match="has no intent talk_to_a_human"):
        call_command("evaluate_routing", str(BITEXT), "--human-intents", "talk_to_a_human")


def test_intent_both_human_and_skipped_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match="both routed to people and skipped: complaint"):
        call_command(
            "evaluate_routing",
            str(BITEXT),
            "--human-intents",
            "complaint",
            "--skip-intents",
            "complaint",
        )


def test_intent_lists_on_a_jsonl_file_are_a_clear_error() -> None:
    with pytest.raises(CommandError, match="apply to CSV files only"):
        call_command("evaluate_routing", str(MULTILINGUAL), "--human-intents", "complaint")


def test_negative_misrouted_limit_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match="--limit-misrouted must be 0 or more"):
        call_command("evaluate_routing", str(MULTILINGUAL), "--limit-misrouted", "-1")


def test_unknown_split_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match="invalid choice: 'half'"):
        call_command("evaluate_routing", str(MULTILINGUAL), "--split", "half")


@pytest.mark.django_db
def test_with_model_counts_the_intent_the_model_states(tmp_path: Path, fake_anthropic) -> None:
    lines = [
        {"text": "The parcel arrived crushed", "label": "human"},
        {"text": "How long does shipping take?", "label": "answer"},
    ]
    data = write(tmp_path, "two.jsonl", "\n".join(json.dumps(line) for line in lines))
    # The rules let both through; the model names the first one a complaint.
    fake_anthropic.script(
        {
            "match": "crushed",
            "text": "[[ladder confidence=0.9 answered=no intent=complaint]]\nSorry!",
        },
        {
            "match": "shipping",
            "text": "[[ladder confidence=0.9 answered=yes intent=none]]\n3 days.",
        },
    )
    _, figures = evaluate_routing(str(data), "--with-model")
    assert figures == {"n": 2, "precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert len(fake_anthropic.requests) == 2
