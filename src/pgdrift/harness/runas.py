"""Running the server as an unprivileged user when we are root, and the pre-exec step of
the server process (drop privileges, then die with the parent).

Postgres refuses to run as root. As root, pgdrift runs ``initdb`` and ``postgres`` as the
``postgres`` user (or ``PGDRIFT_PG_USER``), and every directory they use must be reachable
by that user through all of its parents.
"""

from __future__ import annotations

import ctypes
import os
import pwd
import signal
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PR_SET_PDEATHSIG = 1

_PRCTL: Any = None
try:
    _PRCTL = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):  # not Linux: no parent-death signal
    _PRCTL = None


class RunAsError(Exception):
    """No unprivileged user to run the server as, or a directory it cannot reach."""


@dataclass(frozen=True)
class RunAs:
    """The unprivileged account the server runs as."""

    name: str
    uid: int
    gid: int
    groups: tuple[int, ...]


def run_as_user(preferred: str | None = None) -> RunAs | None:
    """None when not root (the server runs as us); else the account to drop to:
    ``preferred``, ``PGDRIFT_PG_USER``, ``postgres``, ``nobody``, the first that exists."""
    if os.geteuid() != 0:
        return None
    names = [n for n in (preferred, os.environ.get("PGDRIFT_PG_USER")) if n]
    names += ["postgres", "nobody"]
    for name in names:
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        if entry.pw_uid == 0:
            continue
        groups = tuple(sorted(set(os.getgrouplist(name, entry.pw_gid))))
        return RunAs(name, entry.pw_uid, entry.pw_gid, groups)
    raise RunAsError(
        "running as root and no unprivileged user to run postgres as "
        f"(tried {', '.join(names)}); set PGDRIFT_PG_USER"
    )


def unreachable_parent(path: Path, run_as: RunAs | None, *, write: bool = False) -> Path | None:
    """The first directory on the way to ``path`` that ``run_as`` cannot traverse (or
    ``path`` itself when it needs ``write`` access and has none); None when reachable."""
    if run_as is None:
        return None
    path = path.resolve()
    chain = [*reversed(path.parents), path]
    for i, d in enumerate(chain):
        try:
            st = d.stat()
        except OSError:
            return d
        if not stat.S_ISDIR(st.st_mode):
            continue
        if st.st_uid == run_as.uid:
            need = stat.S_IXUSR | (stat.S_IWUSR if write and i == len(chain) - 1 else 0)
        elif st.st_gid in run_as.groups:
            need = stat.S_IXGRP | (stat.S_IWGRP if write and i == len(chain) - 1 else 0)
        else:
            need = stat.S_IXOTH | (stat.S_IWOTH if write and i == len(chain) - 1 else 0)
        if st.st_mode & need != need:
            return d
    return None


def chown_to(path: Path, run_as: RunAs | None) -> None:
    if run_as is not None:
        os.chown(path, run_as.uid, run_as.gid)


def child_setup(run_as: RunAs | None, parent_pid: int) -> Callable[[], None]:
    """The ``preexec_fn`` of a server process: drop to ``run_as``, *then* ask the kernel
    for SIGINT when the parent dies (a credential change clears PR_SET_PDEATHSIG, so the
    order matters), and give up if the parent is already gone.

    The death signal fires when the *thread* that forked the child exits; the launcher
    therefore forks from the main thread or from a process-long spawner thread.
    """

    def setup() -> None:
        if run_as is not None:
            os.setgroups(list(run_as.groups))
            os.setgid(run_as.gid)
            os.setuid(run_as.uid)
        if _PRCTL is not None:
            _PRCTL(PR_SET_PDEATHSIG, int(signal.SIGINT), 0, 0, 0)
        if os.getppid() != parent_pid:
            os._exit(70)

    return setup
