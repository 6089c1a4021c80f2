"""The knowledge base's version row and the triggers that change it (see version.py)."""

from __future__ import annotations

from django.db import migrations

from support.knowledge import version


def install(apps, schema_editor):
    version.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    version.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0005_multilingual_articles")]

    operations = [migrations.RunPython(install, uninstall)]
