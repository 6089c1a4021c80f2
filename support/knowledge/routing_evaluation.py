"""How well the explicit intent rules route labelled customer messages: load, split, score, report.

Pure functions; ``manage.py evaluate_routing`` parses its arguments and prints what they return.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from routing.classifier import read_intent
from routing.intents import detect_intent

HUMAN = "human"
ANSWER = "answer"
LABELS = (HUMAN, ANSWER)

SPLITS = ("tune", "holdout", "all")
# Share of a data set the rules may be tuned on; the rest is held out for the reported figures.
TUNE_SHARE_PERCENT = 30

# Bitext intents (see tests/data/bitext/SOURCE.md): these ask for a person ...
DEFAULT_HUMAN_INTENTS = ("contact_human_agent", "complaint")
# ... and these are ambiguous, so they are left out of the figures.
DEFAULT_SKIP_INTENTS = ("contact_customer_service", "delete_account")

_TEXT_COLUMNS = ("utterance", "text")
_INTENT_COLUMNS = ("intent",)


class RoutingDataError(ValueError):
    """A labelled file that cannot be read as routing examples; the message says where and why."""


@dataclass(frozen=True)
class LabelledMessage:
    text: str
    label: str  # HUMAN or ANSWER
    line: int  # where it sits in its file, for error messages and misrouted reports
    reason: str | None = None  # the expected handoff reason, when the file gives one


@dataclass(frozen=True)
class RoutingVerdict:
    label: str
    reason: str | None = None
    rule: str | None = None


@dataclass(frozen=True)
class MisroutedMessage:
    message: LabelledMessage
    verdict: RoutingVerdict


@dataclass
class RoutingReport:
    true_human: int = 0  # labelled human, routed to people
    missed_human: int = 0  # labelled human, left to the bot
    false_human: int = 0  # labelled answer, routed to people
    true_answer: int = 0  # labelled answer, left to the bot
    routed_reasons: Counter[str] = field(default_factory=Counter)
    expected_reasons: Counter[str] = field(default_factory=Counter)
    caught_reasons: Counter[str] = field(default_factory=Counter)
    same_reasons: Counter[str] = field(default_factory=Counter)
    misrouted: list[MisroutedMessage] = field(default_factory=list)

    @property
    def n(self) -> int:
        return self.true_human + self.missed_human + self.false_human + self.true_answer

    @property
    def precision(self) -> float:
        routed = self.true_human + self.false_human
        return self.true_human / routed if routed else 0.0

    @property
    def recall(self) -> float:
        wanted = self.true_human + self.missed_human
        return self.true_human / wanted if wanted else 0.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def summary(self) -> dict[str, float | int]:
        """The figures for the ``human`` label, as the command's --json line prints them."""
        return {
            "n": self.n,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


def rule_verdict(text: str) -> RoutingVerdict:
    """What the explicit intent rules alone decide for one message."""
    intent = detect_intent(text)
    if intent is None:
        return RoutingVerdict(ANSWER)
    return RoutingVerdict(HUMAN, intent.reason, intent.rule)


def router_verdict(text: str) -> RoutingVerdict:
    """What the router decides before retrieval: the rules, then the trained classifier on
    what the rules neither route nor keep (the rules alone when no model is installed)."""
    intent = read_intent(text).match
    if intent is None:
        return RoutingVerdict(ANSWER)
    return RoutingVerdict(HUMAN, intent.reason, intent.rule)


def model_label(text: str) -> RoutingVerdict:
    """Rules first, then the configured provider's fast tier, as the answering path asks it:
    with the knowledge passages, reading the escalation intent off its control line."""
    verdict = router_verdict(text)
    if verdict.label == HUMAN:
        return verdict
    from asgiref.sync import async_to_sync

    intent = async_to_sync(_model_stated_intent)(text)
    if intent:
        return RoutingVerdict(HUMAN, intent, "model.control_line")
    return RoutingVerdict(ANSWER)


async def _model_stated_intent(text: str) -> str | None:
    from asgiref.sync import sync_to_async
    from django.conf import settings

    from routing.model_call import call_model
    from routing.prompts import SYSTEM_PROMPT, build_messages
    from routing.providers import ProviderRequest, get_provider
    from support.knowledge.search import search_passages

    passages = await sync_to_async(search_passages)(text)
    request = ProviderRequest(
        tier="fast",
        model=settings.LADDER_FAST_MODEL,
        system=SYSTEM_PROMPT,
        messages=build_messages([], text, passages),
        passages=passages,
        max_output_tokens=settings.LADDER_MAX_OUTPUT_TOKENS,
    )

    async def stop_at_the_control_line(control: object) -> bool:
        return False  # the intent is all this needs

    call = await call_model(get_provider(), request, on_control=stop_at_the_control_line)
    if call.error is not None:
        raise call.error
    return call.control.intent


def split_part(text: str) -> str:
    """``tune`` or ``holdout``: a stable hash of the message, so the split never moves."""
    digest = hashlib.sha256(text.strip().encode("utf-8")).hexdigest()
    return "tune" if int(digest[:8], 16) % 100 < TUNE_SHARE_PERCENT else "holdout"


def select_split(messages: Iterable[LabelledMessage], split: str) -> list[LabelledMessage]:
    if split not in SPLITS:
        raise RoutingDataError(f"unknown split {split!r}; use one of {', '.join(SPLITS)}")
    if split == "all":
        return list(messages)
    return [message for message in messages if split_part(message.text) == split]


def load_messages(
    path: Path,
    human_intents: Sequence[str] | None = None,
    skip_intents: Sequence[str] | None = None,
) -> list[LabelledMessage]:
    """Read a ``.jsonl`` file of {"text", "label"} lines or a ``.csv`` file of intents."""
    if not path.is_file():
        raise RoutingDataError(f"no such file: {path}")
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        if human_intents is not None or skip_intents is not None:
            raise RoutingDataError(
                "--human-intents and --skip-intents apply to CSV files only; "
                f"{path.name} already labels each line human or answer"
            )
        return load_jsonl(path)
    if suffix == ".csv":
        return load_csv(path, human_intents, skip_intents)
    raise RoutingDataError(
        f"{path.name}: unknown format {suffix or '(none)'!r}; use .jsonl or .csv"
    )


def load_jsonl(path: Path) -> list[LabelledMessage]:
    messages = []
    for line_number, line in enumerate(_read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise RoutingDataError(
                f"{path.name} line {line_number}: not valid JSON ({error.msg})"
            ) from None
        if not isinstance(record, dict):
            raise RoutingDataError(f"{path.name} line {line_number}: expected a JSON object")
        text = record.get("text")
        if not isinstance(text, str) or not text.strip():
            raise RoutingDataError(
                f'{path.name} line {line_number}: "text" must be a non-empty string'
            )
        label = record.get("label")
        if label not in LABELS:
            raise RoutingDataError(
                f'{path.name} line {line_number}: "label" must be "human" or "answer", '
                f"not {label!r}"
            )
        reason = record.get("reason")
        messages.append(
            LabelledMessage(text, label, line_number, reason if isinstance(reason, str) else None)
        )
    if not messages:
        raise RoutingDataError(f"{path.name}: no labelled lines")
    return messages


def load_csv(
    path: Path,
    human_intents: Sequence[str] | None = None,
    skip_intents: Sequence[str] | None = None,
) -> list[LabelledMessage]:
    """Rows with an utterance (or text) and an intent; the intent lists say which ask for people."""
    human = _intent_set("--human-intents", human_intents, DEFAULT_HUMAN_INTENTS)
    if skip_intents is None:
        skip = frozenset(DEFAULT_SKIP_INTENTS) - human
    else:
        skip = _intent_set("--skip-intents", skip_intents, ())
    if overlap := human & skip:
        raise RoutingDataError(
            f"intents both routed to people and skipped: {', '.join(sorted(overlap))}"
        )
    rows = csv.reader(io.StringIO(_read_text(path)))
    header = next(rows, None)
    if header is None:
        raise RoutingDataError(f"{path.name}: the file is empty")
    columns = [name.strip().lower() for name in header]
    text_column = _find_column(columns, _TEXT_COLUMNS)
    intent_column = _find_column(columns, _INTENT_COLUMNS)
    if text_column is None or intent_column is None:
        raise RoutingDataError(
            f"{path.name}: needs an 'utterance' (or 'text') column and an 'intent' column; "
            f"found {', '.join(columns) or 'no columns'}"
        )
    messages = []
    seen_intents: set[str] = set()
    for row in rows:
        line_number = rows.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(text_column, intent_column):
            raise RoutingDataError(f"{path.name} line {line_number}: too few columns")
        text, intent = row[text_column].strip(), row[intent_column].strip()
        if not text or not intent:
            raise RoutingDataError(f"{path.name} line {line_number}: empty utterance or intent")
        seen_intents.add(intent)
        if intent in skip:
            continue
        messages.append(LabelledMessage(text, HUMAN if intent in human else ANSWER, line_number))
    # Names the user gave must exist; the default skip list may not apply to every file.
    named = human | (skip if skip_intents is not None else frozenset())
    if unknown := named - seen_intents:
        raise RoutingDataError(
            f"{path.name} has no intent {', '.join(sorted(unknown))}; "
            f"its intents are {', '.join(sorted(seen_intents))}"
        )
    if not messages:
        raise RoutingDataError(f"{path.name}: no labelled rows left after skipping")
    return messages


def evaluate(
    messages: Iterable[LabelledMessage],
    verdict_for: Callable[[str], RoutingVerdict] = rule_verdict,
) -> RoutingReport:
    report = RoutingReport()
    for message in messages:
        verdict = verdict_for(message.text)
        routed_to_people = verdict.label == HUMAN
        if routed_to_people and verdict.reason:
            report.routed_reasons[verdict.reason] += 1
        if message.label == HUMAN:
            if message.reason:
                report.expected_reasons[message.reason] += 1
                if routed_to_people:
                    report.caught_reasons[message.reason] += 1
                if verdict.reason == message.reason:
                    report.same_reasons[message.reason] += 1
            if routed_to_people:
                report.true_human += 1
            else:
                report.missed_human += 1
                report.misrouted.append(MisroutedMessage(message, verdict))
        elif routed_to_people:
            report.false_human += 1
            report.misrouted.append(MisroutedMessage(message, verdict))
        else:
            report.true_answer += 1
    return report


def format_report(report: RoutingReport, limit_misrouted: int | None = None) -> str:
    """The confusion table, the per-reason counts and the misrouted messages, as plain text."""
    lines = [
        f"{report.n} messages",
        "",
        f"{'':16}{'routed human':>14}{'left to bot':>13}",
        f"{'labelled human':16}{report.true_human:>14}{report.missed_human:>13}",
        f"{'labelled answer':16}{report.false_human:>14}{report.true_answer:>13}",
        "",
        f"human: precision {report.precision:.4f}  recall {report.recall:.4f}  f1 {report.f1:.4f}",
        "",
    ]
    reasons = sorted(set(report.routed_reasons) | set(report.expected_reasons))
    if reasons:
        lines.append(f"{'reason':18}{'routed':>8}{'labelled':>10}{'caught':>8}{'same reason':>13}")
        for reason in reasons:
            lines.append(
                f"{reason:18}{report.routed_reasons[reason]:>8}"
                f"{report.expected_reasons[reason]:>10}{report.caught_reasons[reason]:>8}"
                f"{report.same_reasons[reason]:>13}"
            )
        lines.append("")
    shown = report.misrouted if limit_misrouted is None else report.misrouted[:limit_misrouted]
    lines.append(
        f"misrouted: {len(report.misrouted)}"
        + (f" (showing {len(shown)})" if len(shown) < len(report.misrouted) else "")
    )
    for misrouted in shown:
        message, verdict = misrouted.message, misrouted.verdict
        routed = f"routed {verdict.label}"
        if verdict.rule:
            routed += f" by {verdict.rule}"
        lines.append(f"  line {message.line}: labelled {message.label}, {routed}: {message.text}")
    return "\n".join(lines)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise RoutingDataError(f"{path.name}: not UTF-8 text ({error.reason})") from None


def _find_column(columns: list[str], names: tuple[str, ...]) -> int | None:
    for name in names:
        if name in columns:
            return columns.index(name)
    return None


def _intent_set(option: str, given: Sequence[str] | None, default: Sequence[str]) -> frozenset[str]:
    if given is None:
        return frozenset(default)
    names = frozenset(name.strip() for name in given if name.strip())
    if not names:
        raise RoutingDataError(f"{option} needs at least one intent name")
    return names
