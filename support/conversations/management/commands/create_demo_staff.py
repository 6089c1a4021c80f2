"""`manage.py create_demo_staff`: the demo logins agent/agent and admin/admin (embedded mode
only)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from support.conversations.demo_logins import DEMO_LOGINS

AGENTS_GROUP = "agents"
ADMINS_GROUP = "admins"


class Command(BaseCommand):
    help = (
        "Create the demo logins agent/agent (agents and admins groups) and admin/admin "
        "(superuser); embedded mode only."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Refusing to create a demo login in production (LADDER_PRODUCTION).")
        agents, _ = Group.objects.get_or_create(name=AGENTS_GROUP)
        admins, _ = Group.objects.get_or_create(name=ADMINS_GROUP)
        user_model = get_user_model()
        agent, agent_created = user_model.objects.get_or_create(
            username="agent", defaults={"first_name": "Alex", "is_staff": True}
        )
        if agent_created:
            agent.set_password(DEMO_LOGINS["agent"][0])
            agent.save()
        agent.groups.add(agents, admins)
        admin, admin_created = user_model.objects.get_or_create(
            username="admin",
            defaults={"first_name": "Avery", "is_staff": True, "is_superuser": True},
        )
        if admin_created:
            admin.set_password(DEMO_LOGINS["admin"][0])
            admin.save()
        admin.groups.add(agents, admins)
        for username, created in (("agent", agent_created), ("admin", admin_created)):
            password, purpose = DEMO_LOGINS[username]
            self.stdout.write(
                f"Demo login {username} / {password} ({purpose})"
                + (" created" if created else " already there")
            )
