"""The load benchmark behind `manage.py loadtest`: a websocket client speaking PROTOCOL.md, the
servers it drives (Daphne, the fake Anthropic server, a bare relay) and the figures it reports."""

from __future__ import annotations
