"""`manage.py create_demo_staff`: the demo staff login agent/agent (embedded mode only)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

AGENTS_GROUP = "agents"
ADMINS_GROUP = "admins"


class Command(BaseCommand):
    help = "Create the demo staff user agent/agent (agents and admins groups); embedded mode only."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Refusing to create a demo login in production (LADDER_PRODUCTION).")
        agents, _ = Group.objects.get_or_create(name=AGENTS_GROUP)
        admins, _ = Group.objects.get_or_create(name=ADMINS_GROUP)
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            username="agent", defaults={"first_name": "Alex", "is_staff": True}
        )
        if created:
            user.set_password("agent")
            user.save()
        user.groups.add(agents, admins)
        self.stdout.write(
            "Demo staff login: agent / agent" + (" (created)" if created else " (already there)")
        )
