"""Static files come from the ASGI app itself: the admin's too, so the admin is styled on a bare
`make run`; production serves compressed files with content hashes in their names."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/static/admin/css/base.css", "text/css"),
        ("/static/admin/js/core.js", "text/javascript"),
        ("/static/widget/ladder.js", "text/javascript"),
        ("/static/inbox/inbox.css", "text/css"),
    ],
)
def test_static_files_are_served_by_the_app(client, path, content_type):
    response = client.get(path)
    assert response.status_code == 200, path
    assert response["Content-Type"].startswith(content_type)
    assert b"".join(response.streaming_content)


def test_a_missing_static_file_is_not_found(client):
    assert client.get("/static/admin/css/no-such-file.css").status_code == 404


def test_production_serves_compressed_files_with_hashed_names(tmp_path):
    env = {
        **os.environ,
        "LADDER_PRODUCTION": "1",
        "SECRET_KEY": "k" * 20 + "production-only-secret-0123456789-abcdefghij",
        "ALLOWED_HOSTS": "support.example.com",
        "STATIC_ROOT": str(tmp_path),
        "LADDER_AUDIT_KEY": "a" * 40,
    }
    env.pop("DATABASE_URL", None)
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert collected.returncode == 0, collected.stdout + collected.stderr
    assert (tmp_path / "staticfiles.json").exists()
    hashed = [p for p in (tmp_path / "admin" / "css").glob("base.*.css")]
    assert hashed, "no content-hashed admin stylesheet"
    assert Path(f"{hashed[0]}.gz").exists()
    # The page names the hashed file, and the app serves it gzipped and cached for good.
    script = (
        "from django.test import Client\n"
        "from django.templatetags.static import static\n"
        "url = static('admin/css/base.css')\n"
        "r = Client().get(url, secure=True, HTTP_HOST='support.example.com',"
        " HTTP_ACCEPT_ENCODING='gzip')\n"
        "print(url, r.status_code, r['Content-Encoding'], r['Cache-Control'])\n"
    )
    served = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert served.returncode == 0, served.stdout + served.stderr
    url, status, encoding, cache = served.stdout.splitlines()[-1].split(maxsplit=3)
    assert url == f"/static/admin/css/{hashed[0].name}"
    assert (status, encoding) == ("200", "gzip")
    assert "immutable" in cache
