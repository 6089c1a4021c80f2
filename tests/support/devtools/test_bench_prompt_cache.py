"""`manage.py bench_prompt_cache`: per model, with and without the help centre, the answers that
read the cache are exactly those whose prefix reaches the model's minimum; a table, then JSON."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def test_bench_reports_cache_reads_only_where_the_prefix_reaches_the_minimum():
    call_command("load_demo_kb", verbosity=0)
    out = io.StringIO()
    call_command("bench_prompt_cache", "--answers", "3", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[0].startswith("prompt")
    report = json.loads(lines[-1])
    rows = report["rows"]
    assert [(r["variant"].split(" (")[0], r["tier"]) for r in rows] == [
        ("lean", "fast"),
        ("lean", "strong"),
        ("help centre", "fast"),
        ("help centre", "strong"),
    ]
    for row in rows:
        reaches = row["prefix_tokens"] >= row["min_cacheable_tokens"]
        assert row["answers_reading_cache"] == (2 if reaches else 0), row
        assert (row["first_answer"]["cache_write_tokens"] > 0) == reaches, row
    lean = rows[0]
    assert lean["prefix_tokens"] < lean["min_cacheable_tokens"]
    assert any(r["answers_reading_cache"] for r in rows[2:])  # the demo help centre is cached


def test_bench_refuses_an_empty_knowledge_base_and_too_few_answers():
    with pytest.raises(CommandError, match="load_demo_kb"):
        call_command("bench_prompt_cache", stdout=io.StringIO())
    with pytest.raises(CommandError, match="at least 2"):
        call_command("bench_prompt_cache", "--answers", "1", stdout=io.StringIO())
