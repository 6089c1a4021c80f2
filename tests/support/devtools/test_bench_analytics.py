"""`manage.py bench_analytics`: times every figure and the page, ending with one JSON line."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from tests.support.analytics.stories import build_week

pytestmark = pytest.mark.django_db


def test_the_benchmark_prints_a_table_and_a_json_line(dana):
    build_week(dana)
    out = io.StringIO()
    call_command("bench_analytics", "--repeat", "1", "--range", "30d", stdout=out)
    lines = out.getvalue().strip().splitlines()
    result = json.loads(lines[-1])
    assert result["conversations"] == 8
    assert result["dashboard_ms_median"] > 0
    assert {"what-if", "dashboard page", "per day"} <= set(result["steps_ms_median"])
    assert any(line.startswith("dashboard page") for line in lines)
