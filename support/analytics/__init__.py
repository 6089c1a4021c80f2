"""Escalation analytics for admins."""
