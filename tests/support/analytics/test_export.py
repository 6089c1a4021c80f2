"""CSV exports of the dashboard's tables and of the lists behind its numbers."""

from __future__ import annotations

import csv
import io

import pytest

from support.analytics.exports import safe_cell
from tests.support.analytics.stories import build_week, week_query

pytestmark = pytest.mark.django_db


def rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def week(client, admin_user, dana):
    client.force_login(admin_user)
    return build_week(dana)


def test_reasons_export_has_the_tables_numbers(client, week):
    response = client.get("/analytics/export/reasons.csv", week_query(week))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    table = rows(response)
    assert table[0] == ["reason", "label", "to_strong_model", "to_person"]
    assert ["low_confidence", "AI not confident", "2", "2"] in table
    assert ["complaint", "Complaint", "0", "1"] in table


def test_cost_export_names_each_figure(client, week):
    table = dict(rows(client.get("/analytics/export/cost.csv", week_query(week)))[1:])
    assert table["strong_model_usd"] == "0.01600000"
    assert table["all_strong_model_usd"] == "0.02520000"


def test_the_list_behind_a_number_exports_its_conversations(client, week):
    table = rows(
        client.get("/analytics/export/conversations.csv", week_query(week, figure="ai_resolved"))
    )
    # A, B and G.
    assert len(table) == 1 + 3
    ids = {row[0] for row in table[1:]}
    assert str(week.conversations["A"].public_id) in ids


def test_every_dashboard_table_exports(client, week):
    for table in ("overview", "paths", "daily", "speed", "satisfaction", "what-if", "gaps"):
        response = client.get(f"/analytics/export/{table}.csv", week_query(week))
        assert response.status_code == 200, table
        assert len(rows(response)) > 1, table


def test_an_unknown_table_is_not_found(client, week):
    assert client.get("/analytics/export/secrets.csv", week_query(week)).status_code == 404


def test_customer_words_cannot_become_spreadsheet_formulas():
    assert safe_cell('=HYPERLINK("http://evil")') == '\'=HYPERLINK("http://evil")'
    assert safe_cell("Where is my parcel?") == "Where is my parcel?"


def test_a_negative_number_stays_a_number_in_the_csv():
    # A fall from one period to the next is a negative change: a spreadsheet must read a number.
    assert safe_cell("-0.0555") == "-0.0555"
    assert safe_cell("+12") == "+12"
    assert safe_cell("-1.5e-3") == "-1.5e-3"
    # Still a formula when anything follows the number.
    assert safe_cell("-1+1") == "'-1+1"
    assert safe_cell("-2-cmd|' /C calc'!A0") == "'-2-cmd|' /C calc'!A0"


def test_a_fall_is_written_as_a_negative_number():
    from support.analytics.exports import csv_lines

    # The overview writes a change as _share() text: "-0.0555" for a fall of 5.55 points.
    text = "".join(csv_lines((["figure", "change"], [["handoff_rate", "-0.0555"]])))
    assert text.splitlines()[1] == "handoff_rate,-0.0555"
