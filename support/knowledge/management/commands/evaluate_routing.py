"""``manage.py evaluate_routing FILE``: score the intent rules and classifier on a labelled file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from support.knowledge import routing_evaluation as evaluation


def _intent_names(value: str | list[str] | None) -> list[str] | None:
    """A comma-separated option as a list; call_command may also pass a list."""
    if value is None or isinstance(value, list):
        return value
    return value.split(",")


class Command(BaseCommand):
    help = (
        "Score the intent rules and the trained classifier on labelled messages: a JSONL file of "
        '{"text", "label": "human"|"answer"} lines, or a CSV file with an utterance (or text) '
        "column and an intent column. Prints the confusion table, the per-reason counts and the "
        "misrouted messages."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="a .jsonl or .csv file of labelled messages")
        parser.add_argument(
            "--json",
            action="store_true",
            help='end with one line {"n", "precision", "recall", "f1"} for the human label',
        )
        parser.add_argument(
            "--human-intents",
            metavar="A,B",
            help="CSV only: intents that ask for a person "
            f"(default: {','.join(evaluation.DEFAULT_HUMAN_INTENTS)})",
        )
        parser.add_argument(
            "--skip-intents",
            metavar="C,D",
            help="CSV only: ambiguous intents left out of the figures "
            f"(default: {','.join(evaluation.DEFAULT_SKIP_INTENTS)})",
        )
        parser.add_argument(
            "--split",
            choices=evaluation.SPLITS,
            default="all",
            help=f"score the tune part ({evaluation.TUNE_SHARE_PERCENT}%%, the rules may be "
            "fitted to it), the held-out rest, or all (default)",
        )
        parser.add_argument(
            "--limit-misrouted",
            type=int,
            metavar="N",
            help="print at most N misrouted messages (default: all)",
        )
        parser.add_argument(
            "--rules-only",
            action="store_true",
            help="score the explicit rules alone, without the trained intent classifier",
        )
        parser.add_argument(
            "--with-model",
            action="store_true",
            help="also ask the configured provider (fast tier) for each message the rules leave "
            "to the bot, and count its stated escalation intent",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        limit = options["limit_misrouted"]
        if limit is not None and limit < 0:
            raise CommandError(f"--limit-misrouted must be 0 or more, not {limit}")
        try:
            messages = evaluation.load_messages(
                Path(options["file"]),
                _intent_names(options["human_intents"]),
                _intent_names(options["skip_intents"]),
            )
            messages = evaluation.select_split(messages, options["split"])
        except evaluation.RoutingDataError as error:
            raise CommandError(str(error)) from None
        if not messages:
            raise CommandError(f"the {options['split']} part of {options['file']} is empty")
        if options["with_model"]:
            verdict_for = evaluation.model_label
        elif options["rules_only"]:
            verdict_for = evaluation.rule_verdict
        else:
            verdict_for = evaluation.router_verdict
        report = evaluation.evaluate(messages, verdict_for)
        self.stdout.write(evaluation.format_report(report, limit))
        if options["json"]:
            self.stdout.write(json.dumps(report.summary()))
