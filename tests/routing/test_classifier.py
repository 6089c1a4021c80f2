"""The trained intent classifier beside the rules: rules keep the first word, the classifier
catches phrasings no rule knows, the model file round-trips and bad files are clear errors."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from routing import classifier
from routing.classifier import ModelFileError, load_model, read_intent

TINY = [
    ("I want to complain about the driver", "complaint"),
    ("this is a formal complaint", "complaint"),
    ("quiero poner una queja", "complaint"),
    ("send me someone from staff", "customer_request"),
    ("a staff member please", "customer_request"),
    ("un miembro del equipo por favor", "customer_request"),
    ("how long does shipping take", "answer"),
    ("where is my parcel", "answer"),
    ("cuánto tarda el envío", "answer"),
    ("do you ship to Canada", "answer"),
    ("what sizes do the boots come in", "answer"),
    ("can I pay with PayPal", "answer"),
]


def tiny_model(threshold: float = 0.5) -> classifier.IntentClassifier:
    return classifier.train([t for t, _ in TINY], [label for _, label in TINY], threshold)


def test_shipped_model_is_installed_and_small() -> None:
    model = load_model()
    assert model is not None
    assert set(model.classes) >= {"answer", "customer_request", "complaint", "legal"}
    assert 0.5 <= model.threshold < 1.0
    assert classifier.MODEL_PATH.stat().st_size < 1_000_000


def test_a_rule_keeps_the_first_word_and_the_probability_is_still_recorded() -> None:
    reading = read_intent("I want to talk to a human")
    assert reading.match is not None
    assert reading.match.rule.startswith("customer_request.")
    assert reading.source == "rules"
    assert reading.human_probability is not None
    assert 0.0 <= reading.human_probability <= 1.0


@pytest.mark.parametrize(
    "message",
    [
        "I need a member of your team to look at this",
        "necesito que alguien de vuestro equipo me ayude",
        "j'ai besoin qu'un membre de votre équipe m'aide",
    ],
)
def test_classifier_routes_phrasings_the_rules_do_not_know(message: str) -> None:
    reading = read_intent(message)
    assert reading.match is not None, reading
    assert reading.source == "classifier"
    assert reading.match.rule == f"{reading.match.reason}.classifier"
    model = load_model()
    assert model is not None and reading.human_probability is not None
    assert reading.human_probability >= model.threshold


@pytest.mark.parametrize(
    "message",
    [
        "how long does shipping take",
        "¿Aceptáis PayPal?",
        "wie lange dauert der Versand",
        "is the live chat open on Sundays",
    ],
)
def test_ordinary_questions_and_traps_stay_with_the_bot(message: str) -> None:
    assert read_intent(message).match is None


def test_a_rule_that_keeps_a_message_with_the_bot_overrules_the_classifier() -> None:
    # A threshold the tiny model always reaches: only the rules' own verdict keeps it away.
    model = tiny_model(threshold=0.01)
    kept = read_intent("how do I delete the browsing data and cookies", model)
    assert kept.kept_by_rule is not None
    assert kept.match is None
    assert read_intent("where is my parcel", model).match is not None  # the model alone fires


def test_tiny_model_separates_its_classes_and_round_trips_through_json(tmp_path: Path) -> None:
    model = tiny_model()
    assert model.guess("I want to complain about the courier")[0] == "complaint"
    assert model.guess("how long does shipping take to Canada")[0] is None
    path = tmp_path / "model.json"
    classifier.save(model, path)
    again = load_model(path)
    assert again is not None
    text = "quiero una queja formal"
    assert again.probabilities(text) == pytest.approx(model.probabilities(text), abs=1e-3)


def test_missing_model_file_leaves_the_rules_alone(tmp_path: Path) -> None:
    assert load_model(tmp_path / "absent.json") is None


def test_model_file_of_another_format_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_text(json.dumps({"format": 99}), encoding="utf-8")
    with pytest.raises(ModelFileError, match="format"):
        load_model(path)
    path.write_text("{not json", encoding="utf-8")
    load_model.cache_clear()
    with pytest.raises(ModelFileError, match="cannot be read"):
        load_model(path)
    load_model.cache_clear()


def test_training_command_refuses_held_out_files(tmp_path: Path) -> None:
    held_out = tmp_path / "routing_multilingual_holdout.jsonl"
    held_out.write_text('{"text": "a person please", "label": "human"}\n', encoding="utf-8")
    with pytest.raises(CommandError, match="held out"):
        call_command(
            "train_intent_classifier",
            "--jsonl",
            str(held_out),
            "--output",
            str(tmp_path / "m.json"),
        )
    assert not (tmp_path / "m.json").exists()


def test_training_command_writes_a_model_the_router_can_read(tmp_path: Path) -> None:
    data = tmp_path / "train.jsonl"
    data.write_text(
        "\n".join(
            json.dumps({"text": t, "label": "answer" if r == "answer" else "human", "reason": r})
            for t, r in TINY
        ),
        encoding="utf-8",
    )
    output = tmp_path / "model.json"
    out = StringIO()
    call_command(
        "train_intent_classifier",
        "--no-bitext",
        "--no-kb-questions",
        "--jsonl",
        str(data),
        "--threshold",
        "0.6",
        "--output",
        str(output),
        stdout=out,
    )
    model = load_model(output)
    assert model is not None
    assert model.threshold == 0.6
    # The chat words go next to the model, not over the shipped ones.
    chat_words = json.loads((tmp_path / "chat_words.json").read_text(encoding="utf-8"))
    assert all(isinstance(words, list) for words in chat_words.values())
    assert json.loads(out.getvalue().strip().splitlines()[-1])["threshold"] == 0.6


def test_reading_a_message_gives_scikit_learns_own_probabilities() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = [t for t, _ in TINY]
    labels = [label for _, label in TINY]
    vectorizer = TfidfVectorizer(**classifier.VECTORIZER_PARAMS)
    fitted = LogisticRegression(C=30.0, max_iter=5000).fit(vectorizer.fit_transform(texts), labels)
    ours = classifier.IntentClassifier(
        list(fitted.classes_),
        sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get),
        vectorizer.idf_.tolist(),
        fitted.coef_.tolist(),
        fitted.intercept_.tolist(),
        0.5,
        classifier.VECTORIZER_PARAMS,
    )
    for text in ["Quiero  poner una QUEJA!", "where's my parcel", "Ça coûte combien ?", "a"]:
        expected = fitted.predict_proba(vectorizer.transform([text]))[0]
        got = ours.probabilities(text)
        assert [got[name] for name in fitted.classes_] == pytest.approx(list(expected), abs=1e-9)


def test_routing_a_message_never_imports_the_training_libraries() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from routing.classifier import read_intent; "
        "r = read_intent('necesito hablar con alguien'); "
        "assert r.human_probability is not None; "
        "assert not any(m.split('.')[0] in ('sklearn', 'numpy', 'scipy') for m in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_the_help_centres_example_questions_train_the_bot_side() -> None:
    from routing.intents import detect_intent
    from support.knowledge.management.commands.train_intent_classifier import kb_examples

    examples = kb_examples()
    assert len(examples) > 300
    assert {label for _, label in examples} == {"answer"}
    assert all(detect_intent(text) is None for text, _ in examples)
