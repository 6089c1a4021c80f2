"""The processes a load run drives: the fake Anthropic server, Daphne (ours and the bare
relay), the set-up commands; started on loopback, measured through /proc, always stopped."""

from __future__ import annotations

import contextlib
import ctypes
import ipaddress
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

PROCESS_STOP_TIMEOUT_S = 5.0
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


class ServerFailed(Exception):
    """A process the run needs would not start (its log tail is in the message)."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class ProcessSample:
    """A process's resident memory and CPU time so far (user + system, all threads)."""

    rss_kib: int
    cpu_s: float


def sample_process(pid: int) -> ProcessSample:
    with open(f"/proc/{pid}/stat") as stat_file:
        stat = stat_file.read()
    # The command name may hold spaces; fields after it are plain numbers.
    fields = stat[stat.rindex(")") + 2 :].split()
    utime, stime = int(fields[11]), int(fields[12])
    rss_kib = int(fields[21]) * _PAGE_KIB
    with open(f"/proc/{pid}/status") as status_file:
        for line in status_file:
            if line.startswith("VmRSS:"):
                rss_kib = int(line.split()[1])
                break
    return ProcessSample(rss_kib=rss_kib, cpu_s=(utime + stime) / _CLOCK_TICKS)


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM if the load run dies without cleaning up (even SIGKILL)."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)


@dataclass
class ServerProcess:
    name: str
    process: subprocess.Popen[bytes]
    log_path: Path
    port: int | None = None

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self, lines: int = 25) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


class Servers:
    """Starts processes and stops every one of them on exit, whatever ends the run."""

    def __init__(self, workdir: Path, progress: Callable[[str], None]) -> None:
        self.workdir = workdir
        self.progress = progress
        self.processes: list[ServerProcess] = []

    def __enter__(self) -> Servers:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop_all()

    def manage_argv(self, *args: str) -> list[str]:
        return [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args]

    def run_command(
        self, name: str, argv: list[str], env: Mapping[str, str], timeout_s: float
    ) -> None:
        """A set-up command (migrate, load_demo_kb) that must succeed."""
        log_path = self.workdir / f"{name}.log"
        with open(log_path, "wb") as log:
            try:
                completed = subprocess.run(  # noqa: S603
                    argv,
                    env=dict(env),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    timeout=timeout_s,
                    cwd=settings.BASE_DIR,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                raise ServerFailed(f"{name} took longer than {timeout_s:.0f} s") from None
        if completed.returncode != 0:
            tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-25:])
            raise ServerFailed(f"{name} failed (exit {completed.returncode}):\n{tail}")

    def start(
        self,
        name: str,
        argv: list[str],
        env: Mapping[str, str],
        *,
        port: int,
        ready_timeout_s: float = 30.0,
    ) -> ServerProcess:
        log_path = self.workdir / f"{name}.log"
        log = open(log_path, "wb")
        # Tie children to the parent's life only from the main thread (PDEATHSIG fires when the
        # forking *thread* ends).
        in_main_thread = threading.current_thread() is threading.main_thread()
        process = subprocess.Popen(  # noqa: S603
            argv,
            env=dict(env),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=settings.BASE_DIR,
            start_new_session=True,  # Ctrl-C reaches us; we stop the children in order
            preexec_fn=_die_with_parent if in_main_thread else None,
        )
        log.close()
        server = ServerProcess(name=name, process=process, log_path=log_path, port=port)
        self.processes.append(server)
        self.wait_until_listening(server, ready_timeout_s)
        self.progress(f"{name} listening on 127.0.0.1:{port} (pid {process.pid})")
        return server

    def wait_until_listening(self, server: ServerProcess, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise ServerFailed(
                    f"{server.name} exited with {server.process.returncode}:\n{server.log_tail()}"
                )
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", server.port or 0), timeout=0.5),
            ):
                return
            time.sleep(0.1)
        raise ServerFailed(
            f"{server.name} did not listen on port {server.port} within {timeout_s:.0f} s:\n"
            f"{server.log_tail()}"
        )

    def check_alive(self) -> None:
        for server in self.processes:
            if server.process.poll() is not None:
                raise ServerFailed(
                    f"{server.name} died (exit {server.process.returncode}):\n{server.log_tail()}"
                )

    def stop(self, server: ServerProcess) -> None:
        process = server.process
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=PROCESS_STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                process.wait(timeout=PROCESS_STOP_TIMEOUT_S)
        if server in self.processes:
            self.processes.remove(server)

    def stop_all(self) -> None:
        # Send every signal first, then wait: stopping takes one timeout, not one per process.
        for server in self.processes:
            if server.process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    server.process.send_signal(signal.SIGTERM)
        for server in list(self.processes):
            self.stop(server)


def raise_open_file_limit(wanted: int) -> int:
    """Lift this process's (and its children's) soft limit on open files towards `wanted`."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        return target
    return soft
