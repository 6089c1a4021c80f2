"""``manage.py evaluate_answers``: every line is scored on the path a live message takes, the
figures add up, and a bad file gets a clear error."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from support.knowledge import evaluation

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[2] / "data"
KEYS = {"n", "recall_at_1", "recall_at_3", "mrr", "answered_right", "answered_wrong", "handed_off"}


@pytest.fixture
def help_centre():
    call_command("load_demo_kb", verbosity=0)


def evaluate_answers(path: Path, *args: str) -> tuple[str, dict]:
    out = StringIO()
    call_command("evaluate_answers", str(path), "--json", *args, stdout=out)
    output = out.getvalue()
    return output, json.loads(output.strip().splitlines()[-1])


def write(tmp_path: Path, *lines: dict | str) -> Path:
    path = tmp_path / "questions.jsonl"
    path.write_text(
        "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n",
        encoding="utf-8",
    )
    return path


def test_small_file_is_scored_right_wrong_and_handed_off(help_centre, tmp_path):
    path = write(
        tmp_path,
        {"text": "How long does shipping take?", "articles": ["shipping-times"], "language": "en"},
        # The right article is there, but this line claims another: answering it is wrong.
        {"text": "How long does shipping take?", "articles": ["warranty"], "language": "en"},
        {"text": "I want to talk to a person", "articles": [], "language": "en"},
    )
    output, figures = evaluate_answers(path)
    assert set(figures) == KEYS | {"by_language"}
    assert figures["n"] == 3
    # Recall counts the two lines that name an article; the outcomes count all three.
    assert figures["recall_at_1"] == 0.5
    assert figures["answered_right"] == pytest.approx(1 / 3, abs=1e-4)
    assert figures["answered_wrong"] == pytest.approx(1 / 3, abs=1e-4)
    assert figures["handed_off"] == pytest.approx(1 / 3, abs=1e-4)
    assert set(figures["by_language"]) == {"en"}
    assert set(figures["by_language"]["en"]) == KEYS
    assert "customer_request 1" in output
    assert "line 2 [en]: answered shipping-times; wanted warranty" in output


def test_figures_are_split_by_language(help_centre, tmp_path):
    path = write(
        tmp_path,
        {"text": "I forgot my password", "articles": ["reset-password"], "language": "en"},
        {"text": "Do you sell bicycles?", "articles": [], "language": "fr"},
        {"text": "Do you sell bicycles?", "articles": []},
    )
    _, figures = evaluate_answers(path)
    assert figures["by_language"]["en"]["n"] == 1
    assert figures["by_language"]["en"]["recall_at_1"] == 1.0
    # A line with no article has no rank: recall is over the lines that have one.
    assert figures["by_language"]["fr"]["recall_at_3"] == 0.0
    assert figures["by_language"]["fr"]["handed_off"] == 1.0
    assert figures["n"] == 3


def test_long_file_reports_progress_on_stderr(help_centre, tmp_path):
    line = {"text": "How do I reset my password?", "articles": ["reset-password"]}
    path = write(tmp_path, *[line] * 250)
    err = StringIO()
    call_command(
        "evaluate_answers", str(path), "--limit-misses", "0", stdout=StringIO(), stderr=err
    )
    assert "250/250 questions" in err.getvalue()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", "line 1: not valid JSON"),
        ('{"text": "", "articles": []}', '"text" must be a non-empty string'),
        ('{"text": "hi", "articles": "shipping-times"}', '"articles" must be a list'),
        ('{"text": "hi", "articles": ["no-such-article"]}', "line 1: no article no-such-article"),
        ('{"text": "hi", "articles": [], "language": 5}', '"language" must be a language code'),
    ],
)
def test_bad_line_is_refused_with_where_and_why(help_centre, tmp_path, line, message):
    with pytest.raises(CommandError, match=message):
        call_command("evaluate_answers", str(write(tmp_path, line)), stdout=StringIO())


def test_empty_knowledge_base_is_refused(tmp_path):
    path = write(tmp_path, {"text": "hi", "articles": []})
    with pytest.raises(CommandError, match="knowledge base is empty"):
        call_command("evaluate_answers", str(path), stdout=StringIO())


def test_bitext_sets_are_the_stable_split_of_the_8k_set():
    parts = evaluation.bitext_answer_sets(
        (DATA / "bitext" / "Bitext_Sample_Customer_Service_Training_Dataset.csv").read_text(
            encoding="utf-8-sig"
        ),
        json.loads((DATA / "bitext" / "intent_articles.json").read_text(encoding="utf-8")),
    )
    for name in ("tune", "holdout"):
        stored = (DATA / "bitext" / f"answers_{name}.jsonl").read_text(encoding="utf-8")
        assert stored.splitlines() == parts[name]
    assert len(parts["holdout"]) > 2 * len(parts["tune"])
