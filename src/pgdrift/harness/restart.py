"""Crash and restart a throwaway server started by :mod:`pgdrift.harness.launcher`.

:func:`crash_restart` is ``pg_ctl restart -m immediate`` for a
:class:`~pgdrift.harness.launcher.LocalServer`: SIGQUIT to the postmaster (every backend
dies at once, nothing is flushed, the next start runs crash recovery), then the same
``postgres`` command line again on the same data directory, socket and port. The server
object is updated in place, so every DSN handed out before stays valid.

>>> downtime = crash_restart(server)  # doctest: +SKIP
>>> server.is_running()  # doctest: +SKIP
True
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from collections.abc import Callable
from typing import Any

from pgdrift.harness import launcher
from pgdrift.harness.runas import child_setup

_SIGNALS = {"immediate": signal.SIGQUIT, "fast": signal.SIGINT, "smart": signal.SIGTERM}


class RestartError(Exception):
    """The server cannot be restarted (not ours, or it did not come back)."""


def can_restart(server: Any) -> bool:
    """True for servers pgdrift launched itself (a ``LocalServer`` that is running)."""
    return isinstance(server, launcher.LocalServer) and server.is_running()


def stop_server_process(server: launcher.LocalServer, mode: str = "immediate") -> None:
    """Stop the postmaster like ``pg_ctl stop -m <mode>`` and wait for it to exit."""
    sig = _SIGNALS.get(mode)
    if sig is None:
        raise RestartError(f"unknown shutdown mode {mode!r} (immediate, fast, smart)")
    proc = server.process
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def start_server_process(server: launcher.LocalServer, timeout: float = 60.0) -> None:
    """Start the postmaster again with the command line it had (same port and socket)."""
    args = server.process.args
    pidfile = server.datadir / "postmaster.pid"
    with contextlib.suppress(FileNotFoundError):
        pidfile.unlink()  # the old postmaster has exited: the lock file is stale
    with open(server.log_path, "ab") as logf:
        proc = launcher._popen(
            args=args,
            stdin=subprocess.DEVNULL,
            stdout=logf,
            stderr=subprocess.STDOUT,
            cwd="/",
            start_new_session=True,
            preexec_fn=child_setup(server.run_as, os.getpid()),
        )
    server.process = proc
    try:
        launcher._wait_ready(proc, pidfile, timeout)
    except launcher.LaunchError as exc:
        raise RestartError(f"server did not come back: {exc}\n{server.log_tail()}") from None
    if server.record is not None:
        with contextlib.suppress(OSError, ValueError):
            data = json.loads(server.record.read_text())
            data["server_pid"] = proc.pid
            server.record.write_text(json.dumps(data))


def crash_restart(
    server: Any,
    mode: str = "immediate",
    timeout: float = 60.0,
    on_down: Callable[[], Any] | None = None,
) -> float:
    """Stop ``server`` with ``mode`` (default: immediate, i.e. a crash) and start it again.

    ``on_down`` is called once the old postmaster has exited (before the new one starts).
    Returns the seconds the server was down. Raises :class:`RestartError` for servers
    pgdrift did not launch (a DSN or a container).
    """
    if not can_restart(server):
        raise RestartError(f"cannot restart {server!r}: not a running server pgdrift launched")
    t0 = time.perf_counter()
    stop_server_process(server, mode)
    if on_down is not None:
        on_down()
    start_server_process(server, timeout)
    return time.perf_counter() - t0
