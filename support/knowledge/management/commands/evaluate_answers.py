"""``manage.py evaluate_answers FILE``: how often the knowledge base answers labelled questions
rightly, wrongly or not at all, on the path a live message takes with the `local` provider."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from routing import configured
from support.knowledge import evaluation

# A progress line every this many questions, on files at least this long.
PROGRESS_EVERY = 250


class Command(BaseCommand):
    help = (
        'Score the knowledge base on a JSONL file of {"text", "articles": [slug, ...], '
        '"language"?} lines (an empty list: only a person can answer). Each question goes '
        "through the intent rules, retrieval and the local provider's decision, as a live "
        "message does; prints recall@1, recall@3, MRR, the outcomes (right, wrong, handed to a "
        "person, with reasons), the same per language, and the misses."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="a .jsonl file of labelled questions")
        parser.add_argument(
            "--json",
            action="store_true",
            help='end with one line {"n", "recall_at_1", "recall_at_3", "mrr", '
            '"answered_right", "answered_wrong", "handed_off", "by_language"}',
        )
        parser.add_argument(
            "--limit-misses", type=int, metavar="N", help="print at most N misses (default: all)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        limit = options["limit_misses"]
        if limit is not None and limit < 0:
            raise CommandError(f"--limit-misses must be 0 or more, not {limit}")
        try:
            questions = evaluation.load_questions(Path(options["file"]))
            evaluation.check_slugs(questions)
        except evaluation.AnswersDataError as error:
            raise CommandError(str(error)) from None

        def progress(done: int, total: int) -> None:
            # On stderr, so the report and its --json line stay clean on stdout.
            if total >= PROGRESS_EVERY and (done % PROGRESS_EVERY == 0 or done == total):
                self.stderr.write(f"{done}/{total} questions")

        report = evaluation.evaluate(questions, configured.thresholds(), progress)
        self.stdout.write(evaluation.format_report(report, limit))
        if options["json"]:
            self.stdout.write(json.dumps(report.summary()))
