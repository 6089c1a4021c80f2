"""Summaries written before a failed fast call's turn was replayed from its strong step miss
that turn: marking every summary stale makes refresh_facts() write them again."""

from django.db import migrations


def mark_stale(apps, schema_editor):
    apps.get_model("analytics", "ConversationFacts").objects.update(source_hash="")


class Migration(migrations.Migration):
    dependencies = [("analytics", "0001_summary_rows")]
    operations = [migrations.RunPython(mark_stale, migrations.RunPython.noop)]
