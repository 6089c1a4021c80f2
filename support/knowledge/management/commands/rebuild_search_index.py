"""`manage.py rebuild_search_index`: rebuild every article's search entries and the full-text
index, after edits that skipped the models' save() (bulk SQL, a restored backup)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from support.knowledge.index import reindex_all


class Command(BaseCommand):
    help = "Rebuild the knowledge base's search entries and full-text index from the articles."

    def handle(self, *args: Any, **options: Any) -> None:
        count = reindex_all()
        self.stdout.write(f"Search index rebuilt: {count} entries.")
