"""`manage.py serve [--processes N] [--host H] [--port P]`: N Daphne processes on one listening
socket under supervisor, as Channels' deployment documentation describes: supervisor owns the
socket (an `fcgi-program`) and hands it to every `daphne --fd 0`, restarts a child that dies,
and on stop signals the children and waits for them."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

# A stopping child gets this long to finish what it is streaming before it is killed;
# answers still unfinished then are resumed or handed on by recovery at the next start.
STOP_WAIT_S = 30
ASGI_APPLICATION = "support.asgi:application"


def scaled_out() -> bool:
    """PostgreSQL and Redis: what several processes need to share conversations."""
    return settings.DATABASE_VENDOR == "postgresql" and bool(settings.REDIS_URL)


def default_processes() -> int:
    if not scaled_out():
        return 1
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def supervisor_config(
    *, processes: int, host: str, port: int, run_dir: Path, daphne: str, workdir: Path
) -> str:
    """The supervisord configuration: one fcgi-program socket, N `daphne --fd 0` children."""
    socket_host = f"[{host}]" if ":" in host else host
    return f"""; Written by `manage.py serve`; regenerated at every start.
[supervisord]
nodaemon=true
logfile={run_dir}/supervisord.log
pidfile={run_dir}/supervisord.pid
childlogdir={run_dir}
loglevel=info

[unix_http_server]
file={run_dir}/supervisor.sock
chmod=0700

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://{run_dir}/supervisor.sock

[fcgi-program:ladder]
socket=tcp://{socket_host}:{port}
socket_backlog=2048
directory={workdir}
command={daphne} --fd 0 --proxy-headers {ASGI_APPLICATION}
numprocs={processes}
process_name=ladder-%(process_num)d
autostart=true
autorestart=true
startsecs=1
startretries=10
stopsignal=TERM
stopwaitsecs={STOP_WAIT_S}
killasgroup=true
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0
redirect_stderr=true
"""


class Command(BaseCommand):
    help = (
        "Serve Ladder with N Daphne processes sharing one listening socket, under supervisor "
        "(children that die are restarted; Ctrl-C or SIGTERM stops them, letting streams "
        "finish for up to 30 s). N defaults to 1 with SQLite or the in-memory channel layer, "
        "and to the number of cores with PostgreSQL and Redis; more than 1 needs both."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--processes", type=int, default=None, help="Daphne processes")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--run-dir",
            type=Path,
            default=None,
            help="where the supervisor configuration, pid and control socket go "
            "(default: var/serve-PORT)",
        )
        parser.add_argument(
            "--print-config",
            action="store_true",
            help="print the supervisor configuration and exit without serving",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        processes = options["processes"]
        if processes is None:
            processes = default_processes()
        if processes < 1:
            raise CommandError(f"--processes must be at least 1, got {processes}")
        if processes > 1 and not scaled_out():
            missing = [
                name
                for name, present in (
                    ("PostgreSQL (DATABASE_URL)", settings.DATABASE_VENDOR == "postgresql"),
                    ("Redis (REDIS_URL)", bool(settings.REDIS_URL)),
                )
                if not present
            ]
            raise CommandError(
                f"--processes {processes} needs PostgreSQL and Redis; missing: "
                f"{', '.join(missing)}. With SQLite and the in-memory channel layer every "
                "process would keep its own live events, so a customer and an agent on two "
                "processes would not see each other. Serve one process, or set DATABASE_URL "
                "and REDIS_URL."
            )
        port = options["port"]
        if not 0 < port < 65536:
            raise CommandError(f"--port must be between 1 and 65535, got {port}")
        run_dir = (
            options["run_dir"] or Path(settings.BASE_DIR) / "var" / f"serve-{port}"
        ).resolve()
        bin_dir = Path(sys.executable).parent
        daphne = shutil.which("daphne", path=str(bin_dir)) or shutil.which("daphne")
        supervisord = shutil.which("supervisord", path=str(bin_dir)) or shutil.which("supervisord")
        if daphne is None or supervisord is None:
            raise CommandError(
                "daphne and supervisord must be installed next to this Python "
                "(pip install -e . installs both)"
            )
        config = supervisor_config(
            processes=processes,
            host=options["host"],
            port=port,
            run_dir=run_dir,
            daphne=daphne,
            workdir=Path(settings.BASE_DIR),
        )
        if options["print_config"]:
            self.stdout.write(config)
            return
        run_dir.mkdir(parents=True, exist_ok=True)
        config_path = run_dir / "supervisord.conf"
        config_path.write_text(config)
        self.stdout.write(
            f"Serving on http://{options['host']}:{port}/ with {processes} Daphne "
            f"process{'es' if processes > 1 else ''} under supervisor ({config_path})"
        )
        self.stdout.flush()
        # supervisord takes this process's place: signals reach it directly, and it passes
        # this environment (the settings) on to every child.
        os.execv(  # noqa: S606 (a fixed program with fixed arguments, no shell)
            supervisord, [supervisord, "--nodaemon", "--configuration", str(config_path)]
        )
