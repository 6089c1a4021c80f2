"""``manage.py fake_anthropic``: checks its options with clear errors, serves in the foreground,
tells how to point the product at it, and stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command


@pytest.mark.parametrize(
    ("options", "complaint"),
    [
        ({"port": 70000}, "--port must be between 0 and 65535"),
        ({"host": "0.0.0.0"}, "not a loopback address"),
        ({"tokens_per_second": 0}, "--tokens-per-second must be > 0"),
        ({"first_token_ms": -1}, "--first-token-ms must be >= 0"),
        ({"script": Path("/nonexistent/script.json")}, "cannot read it"),
    ],
)
def test_bad_options_are_refused_with_a_clear_error(options, complaint):
    with pytest.raises(CommandError, match=complaint):
        call_command("fake_anthropic", **options)


def test_bad_script_file_names_the_spec_and_the_field(tmp_path):
    script = tmp_path / "script.json"
    script.write_text(json.dumps([{"text": "fine"}, {"txet": "typo"}]))
    with pytest.raises(CommandError, match=r"response spec #2: unknown response spec field.*txet"):
        call_command("fake_anthropic", script=script)
    script.write_text("[{not json")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("fake_anthropic", script=script)


def test_a_port_already_in_use_is_a_clear_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(CommandError, match=r"cannot listen on 127\.0\.0\.1"):
            call_command("fake_anthropic", port=taken.getsockname()[1])


def test_serves_the_script_in_the_foreground_until_sigterm(tmp_path):
    script = tmp_path / "script.json"
    script.write_text(json.dumps({"specs": [{"text": "From the script file."}]}))
    manage_py = Path(settings.BASE_DIR) / "manage.py"
    server = subprocess.Popen(
        [sys.executable, str(manage_py), "fake_anthropic", "--port", "0", "--script", str(script)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        banner = [server.stdout.readline() for _ in range(3)]
        url = banner[0].split(" listening on ")[1].split()[0]
        # It says how to point the product at it.
        assert f"ANTHROPIC_BASE_URL={url} ANTHROPIC_API_KEY=test make run" in banner[2]
        body = json.dumps(
            {
                "model": "claude-haiku-5-5",
                "max_tokens": 50,
                "messages": [{"role": "user", "content": "hi"}],
            }
        ).encode()
        request = urllib.request.Request(
            f"{url}/v1/messages",
            data=body,
            headers={
                "x-api-key": "test",
                "anthropic-version": "2023-06-01",
                "content-type": "application/json",
            },
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert json.loads(response.read())["content"][0]["text"] == "From the script file."
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=10) == 0
        assert "stopped" in server.stdout.read()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
