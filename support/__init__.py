"""Ladder's Django project: settings, ASGI entry point, URLs and the apps people use."""
