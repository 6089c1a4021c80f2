"""``manage.py train_intent_classifier``: train the intent classifier that sits next to the rules.

Reads the shipped training data (the tuning part of the Bitext sample, the multilingual routing
sets, the training phrasings in five languages and, as questions the bot answers, the demo
help centre's example questions), picks the routing threshold by
cross-validation and writes ``routing/intent_model.json``, which the router loads once per
process. Held-out files are refused: they exist to measure, never to train.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from routing import classifier, reasons
from routing.classifier import ANSWER
from routing.intents import detect_intent
from routing.language import DEFAULT_LANGUAGE, terms
from support.knowledge import evaluation as answers_evaluation
from support.knowledge import routing_evaluation as evaluation
from support.knowledge.demo_questions import DEMO_QUESTIONS
from support.knowledge.search import CHAT_WORDS_PATH

DATA = Path(settings.BASE_DIR) / "tests" / "data"
DEFAULT_BITEXT = DATA / "bitext" / "Bitext_Sample_Customer_Service_Training_Dataset.csv"
DEFAULT_JSONL = (
    DATA / "routing_multilingual.jsonl",
    DATA / "routing_multilingual_tuning_2.jsonl",
    DATA / "routing_training.jsonl",
    DATA / "routing_training_2.jsonl",
    DATA / "routing_multilingual_tuning_3.jsonl",
    DATA / "routing_training_3.jsonl",
    DATA / "routing_multilingual_tuning_4.jsonl",
    DATA / "routing_training_4.jsonl",
    DATA / "routing_multilingual_tuning_5.jsonl",
    DATA / "routing_training_5.jsonl",
)
# The multilingual answer sets (``evaluate_answers``' format) tuned on: a question an article
# answers is a question for the bot ("the buckle arrived broken", "why do you keep my data").
ANSWER_FILES = (
    DATA / "answers_multilingual_tuning.jsonl",
    DATA / "answers_multilingual_tuning_2.jsonl",
    DATA / "answers_multilingual_tuning_3.jsonl",
)
# A stem is a chat word when this many training messages in its language use it.
CHAT_WORD_MIN_MESSAGES = 2
# Bitext intents (tests/data/bitext/) that ask for a person, as handoff reasons; the ambiguous
# ones are left out as ``evaluate_routing`` leaves them out.
BITEXT_REASONS = {"contact_human_agent": "customer_request", "complaint": "complaint"}


def bitext_examples(path: Path) -> list[tuple[str, str]]:
    """The tuning part of a Bitext CSV (the part the rules may be fitted to; the held-out part
    stays for the reported figures), as (text, ``answer`` or reason)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        intents = {
            row["utterance"].strip(): row["intent"].strip() for row in csv.DictReader(handle)
        }
    return [
        (
            message.text,
            ANSWER
            if message.label == ANSWER
            else BITEXT_REASONS.get(intents.get(message.text, ""), ANSWER),
        )
        for message in evaluation.select_split(evaluation.load_csv(path), "tune")
    ]


def jsonl_examples(path: Path) -> list[tuple[str, str]]:
    """A routing JSONL file (``evaluate_routing``'s format) as (text, ``answer`` or reason);
    a human line without a reason counts as a request for a person."""
    return [
        (
            message.text,
            ANSWER if message.label == ANSWER else message.reason or reasons.CUSTOMER_REQUEST,
        )
        for message in evaluation.load_jsonl(path)
    ]


def kb_examples() -> list[tuple[str, str]]:
    """The demo help centre's example questions in five languages, as questions for the bot:
    "my parcel arrived damaged" or "you sent the wrong size" are answered by an article, not a
    complaint. Those a rule sends to a person are left out (the rules keep the first word)."""
    return [
        (question, ANSWER)
        for by_slug in DEMO_QUESTIONS.values()
        for questions in by_slug.values()
        for question in questions
        if detect_intent(question) is None
    ]


def jsonl_languages(path: Path) -> list[tuple[str, str]]:
    """A routing JSONL file's messages as (text, language), English when unlabelled."""
    with path.open(encoding="utf-8") as handle:
        lines = [json.loads(line) for line in handle if line.strip()]
    return [(line["text"], line.get("lang") or DEFAULT_LANGUAGE) for line in lines]


def chat_words(messages: list[tuple[str, str]]) -> dict[str, list[str]]:
    """The stems of ordinary customer chat per language: those at least
    CHAT_WORD_MIN_MESSAGES messages use ("help", "last", "vais"). The knowledge search does not
    count them as something the help centre lacks when no article uses them."""
    counts: dict[str, Counter[str]] = {}
    for text, language in messages:
        counts.setdefault(language, Counter()).update(set(terms(text, language)))
    return {
        language: sorted(t for t, n in found.items() if n >= CHAT_WORD_MIN_MESSAGES)
        for language, found in sorted(counts.items())
    }


def answers_examples(path: Path) -> list[tuple[str, str]]:
    """The questions of an answer set that an article answers, as questions for the bot; those
    a rule sends to a person are left out (the rules keep the first word)."""
    if "holdout" in path.name or "heldout" in path.name:
        raise CommandError(f"{path.name} is held out for measuring; it is never trained on")
    return [
        (question.text, ANSWER)
        for question in answers_evaluation.load_questions(path)
        if question.articles and detect_intent(question.text) is None
    ]


class Command(BaseCommand):
    help = (
        "Train the intent classifier (character n-grams, logistic regression) on the shipped "
        "routing data, choose its threshold by cross-validation and write the model file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bitext",
            type=Path,
            default=DEFAULT_BITEXT,
            help="a Bitext CSV; only its tuning part is used (default: the shipped sample)",
        )
        parser.add_argument(
            "--no-bitext", action="store_true", help="train on the JSONL files alone"
        )
        parser.add_argument(
            "--no-kb-questions",
            action="store_true",
            help="leave out the demo help centre's example questions and the answer sets' "
            "questions (questions for the bot)",
        )
        parser.add_argument(
            "--jsonl",
            type=Path,
            action="append",
            help="a routing JSONL file to train on, repeatable (default: the multilingual "
            "set and the training phrasings)",
        )
        parser.add_argument(
            "--output", type=Path, default=classifier.MODEL_PATH, help="where to write the model"
        )
        parser.add_argument(
            "--chat-words-output",
            type=Path,
            help="where to write the chat words the knowledge search reads (default: where "
            "the search reads them, or next to --output when that is given)",
        )
        parser.add_argument(
            "--folds", type=int, default=5, help="cross-validation folds for the threshold"
        )
        parser.add_argument(
            "--threshold",
            type=float,
            help="use this threshold instead of choosing one by cross-validation",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        bitext = [] if options["no_bitext"] else [options["bitext"]]
        files = [*bitext, *(options["jsonl"] or DEFAULT_JSONL)]
        for path in files:
            if "holdout" in path.name:
                raise CommandError(f"{path.name} is held out for measuring; it is never trained on")
        if options["folds"] < 2:
            raise CommandError(f"--folds must be 2 or more, not {options['folds']}")
        threshold = options["threshold"]
        if threshold is not None and not 0.0 < threshold <= 1.0:
            raise CommandError(f"--threshold must be in (0, 1], not {threshold}")
        try:
            examples = [] if not bitext else bitext_examples(bitext[0])
            messages = [(text, DEFAULT_LANGUAGE) for text, _ in examples]
            for path in options["jsonl"] or DEFAULT_JSONL:
                examples += jsonl_examples(path)
                messages += jsonl_languages(path)
            if not options["no_kb_questions"]:
                examples += kb_examples()
                for path in ANSWER_FILES:
                    examples += answers_examples(path)
        except (evaluation.RoutingDataError, answers_evaluation.AnswersDataError) as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(f"cannot read the training data: {error}") from None
        texts = [text for text, _ in examples]
        labels = [label for _, label in examples]
        counts = Counter(labels)
        self.stdout.write(
            f"{len(texts)} examples: " + ", ".join(f"{k} {v}" for k, v in counts.most_common())
        )
        figures: dict[str, float] = {}
        if threshold is None:
            threshold, figures = classifier.choose_threshold(texts, labels, options["folds"])
            self.stdout.write(
                f"threshold {threshold:.2f} by {options['folds']}-fold cross-validation: "
                f"rules plus classifier, out of fold, precision {figures['precision']:.3f} "
                f"recall {figures['recall']:.3f} F1 {figures['f1']:.3f}"
            )
        about = {
            "trained_on": [path.name for path in files]
            + (
                []
                if options["no_kb_questions"]
                else ["demo_questions.py", *(path.name for path in ANSWER_FILES)]
            ),
            "examples": dict(counts),
            "cross_validation": figures,
        }
        model = classifier.train(texts, labels, threshold, about=about)
        classifier.save(model, options["output"])
        size = options["output"].stat().st_size
        self.stdout.write(
            f"wrote {options['output']} ({size // 1024} KB, {len(model.as_json()['vocabulary'])} "
            f"n-grams, threshold {threshold:.2f})"
        )
        words = chat_words(messages)
        chat_words_output = options["chat_words_output"] or (
            CHAT_WORDS_PATH
            if options["output"] == classifier.MODEL_PATH
            else options["output"].with_name("chat_words.json")
        )
        chat_words_output.write_text(
            json.dumps(words, ensure_ascii=False, indent=0) + "\n", encoding="utf-8"
        )
        self.stdout.write(
            f"wrote {chat_words_output} ("
            + ", ".join(f"{language} {len(found)}" for language, found in words.items())
            + " chat words)"
        )
        self.stdout.write(json.dumps({"threshold": threshold, **figures}))
