"""How well the knowledge base answers labelled questions without a model: load, run each
question through the path a live customer message takes, score, report.

``manage.py evaluate_answers`` parses its arguments and prints what these functions return.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from routing.classifier import read_intent
from routing.control import parse_control_line
from routing.language import detect_language
from routing.policy import Signals, Thresholds, decide
from routing.providers import get_provider
from routing.providers.base import ProviderRequest
from routing.providers.local import LocalProvider
from routing.signals import negative_sentiment, said_not_helpful

from .models import KnowledgeArticle
from .routing_evaluation import split_part
from .search import search_passages

RIGHT = "right"
WRONG = "wrong"
HANDED_OFF = "handed_off"
# Ranks beyond this are not looked at: a right article lower down earns nothing.
RANKS_SCORED = 3


class AnswersDataError(ValueError):
    """A question file that cannot be read; the message says where and why."""


@dataclass(frozen=True)
class LabelledQuestion:
    text: str
    articles: tuple[str, ...]  # slugs that answer it; empty: only a person can
    language: str | None
    line: int


@dataclass(frozen=True)
class QuestionOutcome:
    question: LabelledQuestion
    ranked: tuple[str, ...]  # slugs of the articles retrieval put first, best first
    outcome: str  # RIGHT, WRONG or HANDED_OFF
    answered_with: str | None = None  # the slug the local provider answered with
    reason: str | None = None  # why it went to a person

    @property
    def rank(self) -> int | None:
        """Where the first listed article came in the ranking (1 is first), if at all."""
        for position, slug in enumerate(self.ranked, start=1):
            if slug in self.question.articles:
                return position
        return None


@dataclass
class AnswersReport:
    outcomes: list[QuestionOutcome] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.outcomes)

    def summary(self) -> dict[str, Any]:
        """The figures as the command's --json line prints them, with one entry per language."""
        figures = _figures(self.outcomes)
        languages = sorted({o.question.language for o in self.outcomes if o.question.language})
        figures["by_language"] = {
            language: _figures([o for o in self.outcomes if o.question.language == language])
            for language in languages
        }
        return figures

    def handoff_reasons(self) -> Counter[str]:
        return Counter(o.reason or "" for o in self.outcomes if o.outcome == HANDED_OFF)

    def misses(self) -> list[QuestionOutcome]:
        """Lines answered wrongly, and lines with an answer whose article was not first."""
        return [
            o for o in self.outcomes if o.outcome == WRONG or (o.question.articles and o.rank != 1)
        ]


def _figures(outcomes: list[QuestionOutcome]) -> dict[str, Any]:
    answerable = [o for o in outcomes if o.question.articles]
    ranks = [o.rank for o in answerable]
    counts = Counter(o.outcome for o in outcomes)
    n = len(outcomes)

    def share(value: float, of: int) -> float:
        return round(value / of, 4) if of else 0.0

    return {
        "n": n,
        "recall_at_1": share(sum(1 for r in ranks if r == 1), len(answerable)),
        "recall_at_3": share(sum(1 for r in ranks if r and r <= RANKS_SCORED), len(answerable)),
        "mrr": share(sum(1 / r for r in ranks if r and r <= RANKS_SCORED), len(answerable)),
        "answered_right": share(counts[RIGHT], n),
        "answered_wrong": share(counts[WRONG], n),
        "handed_off": share(counts[HANDED_OFF], n),
    }


def load_questions(path: Path) -> list[LabelledQuestion]:
    """Read a JSONL file of {"text", "articles": [slug, ...], "language"?} lines."""
    if not path.is_file():
        raise AnswersDataError(f"no such file: {path}")
    try:
        content = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise AnswersDataError(f"{path.name}: not UTF-8 text ({error.reason})") from None
    questions = []
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path.name} line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise AnswersDataError(f"{where}: not valid JSON ({error.msg})") from None
        if not isinstance(record, dict):
            raise AnswersDataError(f"{where}: expected a JSON object")
        text = record.get("text")
        if not isinstance(text, str) or not text.strip():
            raise AnswersDataError(f'{where}: "text" must be a non-empty string')
        articles = record.get("articles")
        if not isinstance(articles, list) or not all(
            isinstance(slug, str) and slug for slug in articles
        ):
            raise AnswersDataError(f'{where}: "articles" must be a list of article slugs')
        language = record.get("language")
        if language is not None and (not isinstance(language, str) or not language.strip()):
            raise AnswersDataError(f'{where}: "language" must be a language code like "es"')
        questions.append(
            LabelledQuestion(text, tuple(articles), language.strip() if language else None, number)
        )
    if not questions:
        raise AnswersDataError(f"{path.name}: no questions")
    return questions


def check_slugs(questions: Iterable[LabelledQuestion]) -> None:
    """Every slug a file names must be an article: a typo would count as a miss forever."""
    known = set(KnowledgeArticle.objects.values_list("slug", flat=True))
    if not known:
        raise AnswersDataError("the knowledge base is empty (run: manage.py load_demo_kb)")
    for question in questions:
        if unknown := [slug for slug in question.articles if slug not in known]:
            raise AnswersDataError(f"line {question.line}: no article {', '.join(unknown)}")


def local_provider() -> LocalProvider:
    provider = get_provider("local")
    assert isinstance(provider, LocalProvider)
    return provider


def answer_without_model(
    question: LabelledQuestion, thresholds: Thresholds, slugs: dict[int, str]
) -> QuestionOutcome:
    """What a new conversation does with this question when the `local` provider answers:
    the intent rules and classifier, retrieval, the policy, the provider's control line, the
    policy again."""
    intent = read_intent(question.text).match
    if intent is not None:
        return QuestionOutcome(question, (), HANDED_OFF, reason=intent.reason)
    # The label's language stands for the browser's, the hint a live conversation has.
    language = detect_language(question.text, hint=question.language)
    passages = search_passages(question.text, language=language)
    ranked = tuple(dict.fromkeys(slugs[p.article_id] for p in passages))
    signals = Signals(
        tier="fast",
        single_tier=True,
        top_retrieval_score=passages[0].score if passages else 0.0,
        said_not_helpful=said_not_helpful(question.text),
        negative_sentiment=negative_sentiment(question.text),
    )
    decision = decide(signals, thresholds)
    if decision.action == "call_model":
        request = ProviderRequest(
            tier="fast", model="local", system="", messages=[], passages=passages
        )
        reply = local_provider().compose(request)
        control = parse_control_line(reply.split("\n", 1)[0])
        decision = decide(replace(signals, control=control, stop_reason="end_turn"), thresholds)
    if decision.action != "answer":
        return QuestionOutcome(question, ranked, HANDED_OFF, reason=decision.reason)
    answered_with = ranked[0]
    outcome = RIGHT if answered_with in question.articles else WRONG
    return QuestionOutcome(question, ranked, outcome, answered_with=answered_with)


def evaluate(
    questions: list[LabelledQuestion],
    thresholds: Thresholds,
    progress: Callable[[int, int], None] | None = None,
) -> AnswersReport:
    slugs = dict(KnowledgeArticle.objects.values_list("id", "slug"))
    report = AnswersReport()
    for done, question in enumerate(questions, start=1):
        report.outcomes.append(answer_without_model(question, thresholds, slugs))
        if progress is not None:
            progress(done, len(questions))
    return report


def format_report(report: AnswersReport, limit_misses: int | None = None) -> str:
    """The figures overall and per language, the handoff reasons and the misses, as text."""
    summary = report.summary()
    rows = [("all", summary), *summary["by_language"].items()]
    lines = [
        f"{report.n} questions",
        "",
        f"{'':8}{'n':>6}{'R@1':>8}{'R@3':>8}{'MRR':>8}{'right':>8}{'wrong':>8}{'person':>8}",
    ]
    for name, figures in rows:
        lines.append(
            f"{name:8}{figures['n']:>6}{figures['recall_at_1']:>8.3f}"
            f"{figures['recall_at_3']:>8.3f}{figures['mrr']:>8.3f}"
            f"{figures['answered_right']:>8.1%}{figures['answered_wrong']:>8.1%}"
            f"{figures['handed_off']:>8.1%}"
        )
    lines.append("")
    reasons = report.handoff_reasons()
    lines.append(
        "handed to a person: " + (", ".join(f"{r} {c}" for r, c in reasons.most_common()) or "none")
    )
    misses = report.misses()
    shown = misses if limit_misses is None else misses[:limit_misses]
    lines += [
        "",
        f"misses: {len(misses)}" + (f" (showing {len(shown)})" if len(shown) < len(misses) else ""),
    ]
    for miss in shown:
        question = miss.question
        wanted = ", ".join(question.articles) or "(a person)"
        got = ", ".join(miss.ranked[:RANKS_SCORED]) or "nothing"
        if miss.outcome == WRONG:
            verdict = f"answered {miss.answered_with}"
        elif miss.outcome == HANDED_OFF:
            verdict = f"to a person ({miss.reason})"
        else:
            verdict = "answered right, not first"
        language = f" [{question.language}]" if question.language else ""
        lines.append(
            f"  line {question.line}{language}: {verdict}; wanted {wanted}; top {got}: "
            f"{question.text}"
        )
    return "\n".join(lines)


def bitext_answer_sets(
    csv_text: str, intent_articles: dict[str, list[str]]
) -> dict[str, list[str]]:
    """The Bitext utterances whose intent a demo article answers, as evaluation lines, split
    into `tune` and `holdout` by the stable hash the routing figures use."""
    rows = csv.DictReader(io.StringIO(csv_text))
    parts: dict[str, list[str]] = {"tune": [], "holdout": []}
    seen: set[str] = set()
    for row in rows:
        text, intent = row["utterance"].strip(), row["intent"].strip()
        if intent not in intent_articles or text in seen:
            continue
        seen.add(text)
        line = {"text": text, "articles": intent_articles[intent], "language": "en"}
        parts[split_part(text)].append(json.dumps(line, ensure_ascii=False))
    return parts
