"""pgdrift's own Postgres launcher: a server ready in about a tenth of a second.

``initdb`` runs once per (``postgres -V``, install, flags) into a cache; each server gets
a copy of that data directory (on ``/dev/shm`` when there is room), and ``postgres`` itself
(not ``pg_ctl``, which polls in 100 ms steps) is started with fsync, synchronous_commit and
full_page_writes off, a unix socket in a private directory, a free TCP port on 127.0.0.1,
and -- as root -- the privileges of an unprivileged user. Readiness is the ``ready`` line
of ``postmaster.pid``, polled every millisecond. The server dies with its parent
(PR_SET_PDEATHSIG); a run record per server lets :func:`janitor` stop servers and remove
data directories left by killed runs. :meth:`LocalServer.stop` is SIGINT + wait.

>>> server = start_server(PgInstall.from_bindir("/usr/lib/postgresql/15/bin"))  # doctest: +SKIP
>>> server.dsn  # doctest: +SKIP
'host=/dev/shm/pgdrift-k2j3/sock port=40123 user=postgres dbname=postgres'
>>> server.stop()  # doctest: +SKIP
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import hashlib
import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pgdrift.harness.binaries import PgInstall
from pgdrift.harness.runas import (
    RunAs,
    RunAsError,
    child_setup,
    chown_to,
    run_as_user,
    unreachable_parent,
)

INITDB_FLAGS: tuple[str, ...] = (
    "--username=postgres",
    "--auth=trust",
    "--encoding=UTF8",
    "--locale=C",
    "--no-sync",
    "--wal-segsize=1",  # 1 MB WAL segments: a 13 MB data dir to copy instead of 28 MB
)
FAST_SETTINGS: dict[str, str] = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
}
READY_TIMEOUT = 60.0


class LaunchError(Exception):
    """The server could not be initialised or started; the message says why."""


# -- the cache -------------------------------------------------------------------------


def default_cache_dir() -> Path:
    """``PGDRIFT_CACHE_DIR``, else ``$XDG_CACHE_HOME/pgdrift`` (``~/.cache/pgdrift``); as
    root ``/var/tmp/pgdrift-cache``, which the unprivileged server user can reach."""
    if os.environ.get("PGDRIFT_CACHE_DIR"):
        return Path(os.environ["PGDRIFT_CACHE_DIR"])
    if os.geteuid() == 0:
        return Path("/var/tmp/pgdrift-cache")
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pgdrift"


def _mkdir(path: Path, mode: int = 0o755) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(PermissionError):
        if path.stat().st_uid == os.geteuid():
            path.chmod(mode)
    return path


@contextlib.contextmanager
def _flock(path: Path) -> Iterator[None]:
    with open(path, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def cache_key(install: PgInstall, flags: Sequence[str]) -> str:
    digest = hashlib.sha256(
        "\0".join([install.version_text, str(install.bindir), *flags]).encode()
    ).hexdigest()[:12]
    return f"pg{install.version}-{digest}"


def _accessible_install(install: PgInstall, cache: Path, run_as: RunAs | None) -> PgInstall:
    """The install itself, or -- when the server user cannot reach its binaries (a wheel
    under a 0700 home) -- a copy of its prefix in the cache."""
    if unreachable_parent(install.postgres, run_as) is None:
        return install
    prefix = install.bindir.parent
    target = cache / "installs" / cache_key(install, ())
    with _flock(_mkdir(cache / "installs") / ".lock"):
        if not (target / "bin" / "postgres").exists():
            tmp = target.with_name(target.name + f".tmp{os.getpid()}")
            shutil.rmtree(tmp, ignore_errors=True)
            shutil.copytree(prefix, tmp, symlinks=True)
            for d, _dirs, _files in os.walk(tmp):
                os.chmod(d, 0o755)
            tmp.rename(target)
    return PgInstall(target / "bin", install.version_text, install.version, install.major)


def ensure_initdb(
    install: PgInstall,
    cache: Path,
    run_as: RunAs | None,
    flags: Sequence[str] = INITDB_FLAGS,
) -> Path:
    """The cached, initdb'ed data directory for ``install`` and ``flags``; runs initdb
    (as ``run_as``) the first time. Safe when several processes race for it."""
    root = _mkdir(cache / "initdb")
    target = root / cache_key(install, flags)
    if (target / "PG_VERSION").exists():
        return target
    blocked = unreachable_parent(root, run_as)
    if blocked is not None:
        raise LaunchError(
            f"the cache directory {root} is not reachable by user {run_as.name if run_as else '?'} "
            f"({blocked} blocks it); set PGDRIFT_CACHE_DIR to a directory it can reach"
        )
    with _flock(root / ".lock"):
        if (target / "PG_VERSION").exists():
            return target
        tmp = root / f"{target.name}.tmp{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(mode=0o700)
        chown_to(tmp, run_as)
        data = tmp / "data"
        cmd = [str(install.initdb), "-D", str(data), *flags]
        proc = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            preexec_fn=child_setup(run_as, os.getpid()),
            cwd="/",
            timeout=300,
        )
        if proc.returncode != 0:
            shutil.rmtree(tmp, ignore_errors=True)
            raise LaunchError(
                f"initdb failed ({' '.join(cmd)}):\n{(proc.stderr or proc.stdout).strip()}"
            )
        data.rename(target)
        chown_to(target, run_as)
        shutil.rmtree(tmp, ignore_errors=True)
    return target


# -- run records and the janitor -------------------------------------------------------


def _proc_start_time(pid: int) -> str | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    return data[data.rfind(b")") + 2 :].split()[19].decode()


def _alive(pid: int, start_time: str | None) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    if start_time is None or not os.path.exists("/proc/self/stat"):
        return True
    return _proc_start_time(pid) == start_time


def _is_our_postgres(pid: int, datadir: str) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            args = fh.read().split(b"\0")
    except OSError:
        return False
    return datadir.encode() in args


def _stop_pid(pid: int, timeout: float = 10.0) -> None:
    for sig, wait in ((signal.SIGINT, timeout), (signal.SIGQUIT, 2.0), (signal.SIGKILL, 2.0)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            with contextlib.suppress(ChildProcessError):
                if os.waitpid(pid, os.WNOHANG)[0] == pid:
                    return
            time.sleep(0.005)


def janitor(cache: Path | None = None) -> list[str]:
    """Stop servers whose owning process is gone and remove their directories. Returns
    what it cleaned (one line each)."""
    run = (cache or default_cache_dir()) / "run"
    if not run.is_dir():
        return []
    cleaned: list[str] = []
    for record_path in sorted(run.glob("*.json")):
        try:
            rec = json.loads(record_path.read_text())
        except (OSError, ValueError):
            continue
        if _alive(int(rec.get("owner_pid", 0)), rec.get("owner_start")):
            continue
        server_pid = int(rec.get("server_pid", 0))
        if server_pid and _is_our_postgres(server_pid, rec.get("datadir", "")):
            _stop_pid(server_pid)
            cleaned.append(f"stopped server pid {server_pid} ({rec.get('datadir')})")
        if rec.get("root"):
            shutil.rmtree(rec["root"], ignore_errors=True)
            cleaned.append(f"removed {rec['root']}")
        with contextlib.suppress(FileNotFoundError):
            record_path.unlink()
    return cleaned


# -- spawning from a thread that lives as long as the process --------------------------

_spawn_queue: queue.Queue[tuple[dict, queue.Queue]] = queue.Queue()
_spawner: threading.Thread | None = None
_spawner_lock = threading.Lock()


def _spawner_main() -> None:
    while True:
        kwargs, reply = _spawn_queue.get()
        try:
            reply.put(subprocess.Popen(**kwargs))
        except BaseException as exc:
            reply.put(exc)


def _popen(**kwargs: object) -> subprocess.Popen:
    """Popen from a thread that lives until the process exits: PR_SET_PDEATHSIG fires when
    the forking *thread* exits, so a server started from a short-lived thread would die
    with that thread."""
    global _spawner
    if threading.current_thread() is threading.main_thread():
        return subprocess.Popen(**kwargs)  # type: ignore[call-overload]
    with _spawner_lock:
        if _spawner is None:
            _spawner = threading.Thread(target=_spawner_main, name="pgdrift-spawner", daemon=True)
            _spawner.start()
    reply: queue.Queue = queue.Queue()
    _spawn_queue.put((kwargs, reply))
    result = reply.get()
    if isinstance(result, BaseException):
        raise result
    return result


# -- the server ------------------------------------------------------------------------


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _work_parent(tmpfs: str, need: int, run_as: RunAs | None) -> Path:
    shm = Path("/dev/shm")
    if tmpfs != "off" and shm.is_dir() and os.access(shm, os.W_OK):
        with contextlib.suppress(OSError):
            roomy = shutil.disk_usage(shm).free > need * 3 + (64 << 20)
            if roomy and unreachable_parent(shm, run_as) is None:
                return shm
    if tmpfs == "on":
        raise LaunchError("tmpfs requested but /dev/shm is missing, full or not writable")
    base = Path(tempfile.gettempdir())
    if unreachable_parent(base, run_as) is not None:
        base = Path("/tmp")
    return base


_SIZES: dict[Path, int] = {}


def _dir_size(path: Path) -> int:
    """Bytes under ``path`` (memoised: the cached data directory never changes)."""
    if path not in _SIZES:
        _SIZES[path] = _walk_size(path)
    return _SIZES[path]


def _walk_size(path: Path) -> int:
    total = 0
    for d, _dirs, files in os.walk(path):
        for f in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(d, f)).st_size
    return total


def _copy_tree(src: Path, dst: Path) -> None:
    cp = shutil.which("cp")
    if cp:
        proc = subprocess.run([cp, "-a", str(src), str(dst)], capture_output=True, text=True)
        if proc.returncode == 0:
            return
        shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst, symlinks=True)


@dataclass
class LocalServer:
    """A running server started by :func:`start_server`."""

    install: PgInstall
    root: Path  # private directory holding data/ and sock/
    port: int
    process: subprocess.Popen
    run_as: RunAs | None
    record: Path | None
    provider: str = "local"
    user: str = "postgres"
    startup_seconds: float = 0.0
    _stopped: bool = field(default=False, repr=False)

    @property
    def datadir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "sock"

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def host(self) -> str:
        return str(self.socket_dir)

    @property
    def version(self) -> str:
        return self.install.version

    @property
    def version_num(self) -> int:
        return self.install.version_num

    def dsn_for(self, dbname: str = "postgres") -> str:
        """libpq key/value connection string over the unix socket."""
        return f"host={self.socket_dir} port={self.port} user={self.user} dbname={dbname}"

    def url_for(self, dbname: str = "postgres") -> str:
        """A TCP URL (for libraries that want one)."""
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{dbname}"

    @property
    def dsn(self) -> str:
        return self.dsn_for("postgres")

    @property
    def log_path(self) -> Path:
        return self.root / "postgres.log"

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def is_running(self) -> bool:
        return not self._stopped and self.process.poll() is None

    def stop(self, timeout: float = 15.0) -> None:
        """SIGINT (fast shutdown) and wait; escalate if it does not finish; remove the
        data and socket directories and the run record. Idempotent."""
        if self._stopped:
            return
        self._stopped = True
        _LIVE.discard(self)
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        shutil.rmtree(self.root, ignore_errors=True)
        if self.record is not None:
            with contextlib.suppress(FileNotFoundError):
                self.record.unlink()

    def __hash__(self) -> int:
        return id(self)

    def __enter__(self) -> LocalServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


_LIVE: set[LocalServer] = set()


@atexit.register
def _stop_all() -> None:
    for server in list(_LIVE):
        with contextlib.suppress(Exception):
            server.stop()


def _wait_ready(proc: subprocess.Popen, pidfile: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    delay = 0.0005
    while True:
        if proc.poll() is not None:
            raise LaunchError(f"postgres exited with code {proc.returncode} during startup")
        try:
            lines = pidfile.read_text().splitlines()
        except (FileNotFoundError, PermissionError):
            lines = []
        if len(lines) >= 8 and lines[7].strip() == "ready":
            return
        if time.monotonic() > deadline:
            raise LaunchError(f"postgres not ready after {timeout:.0f} s")
        time.sleep(delay)
        delay = min(delay * 1.5, 0.005)


def start_server(
    install: PgInstall,
    *,
    cache_dir: Path | None = None,
    run_as: RunAs | str | None = "auto",
    tmpfs: str = "auto",
    settings: Mapping[str, str] | None = None,
    initdb_flags: Sequence[str] = INITDB_FLAGS,
    provider: str = "local",
    ready_timeout: float = READY_TIMEOUT,
) -> LocalServer:
    """Start a throwaway server of ``install``; see the module docstring.

    ``run_as``: ``"auto"`` drops to an unprivileged user when root; a name picks the user.
    ``tmpfs``: ``"auto"`` (``/dev/shm`` when it has room), ``"on"`` or ``"off"``.
    ``settings``: extra ``-c name=value`` server settings.
    """
    t0 = time.perf_counter()
    cache = _mkdir(cache_dir or default_cache_dir())
    try:
        user = (
            run_as_user(None if run_as == "auto" else run_as) if isinstance(run_as, str) else run_as
        )
    except RunAsError as exc:
        raise LaunchError(str(exc)) from exc
    janitor(cache)
    install = _accessible_install(install, cache, user)
    template = ensure_initdb(install, cache, user, initdb_flags)
    parent = _work_parent(tmpfs, _dir_size(template), user)
    root = Path(tempfile.mkdtemp(prefix="pgdrift-", dir=parent))
    run = _mkdir(cache / "run")
    record = run / f"{root.name}.json"
    try:
        chown_to(root, user)
        _copy_tree(template, root / "data")
        sock = root / "sock"
        sock.mkdir(mode=0o700)
        chown_to(sock, user)
        server = _launch(install, root, user, record, settings or {}, ready_timeout, provider)
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        with contextlib.suppress(FileNotFoundError):
            record.unlink()
        raise
    server.startup_seconds = time.perf_counter() - t0
    return server


def _launch(
    install: PgInstall,
    root: Path,
    user: RunAs | None,
    record: Path,
    settings: Mapping[str, str],
    ready_timeout: float,
    provider: str,
) -> LocalServer:
    data, sock, log = root / "data", root / "sock", root / "postgres.log"
    conf = {**FAST_SETTINGS, **settings}
    last_error = ""
    for _attempt in range(5):
        port = free_port()
        cmd = [
            str(install.postgres),
            "-D", str(data),
            "-p", str(port),
            "-h", "127.0.0.1",
            "-k", str(sock),
        ]  # fmt: skip
        for name, value in conf.items():
            cmd += ["-c", f"{name}={value}"]
        with open(log, "ab") as logf:
            proc = _popen(
                args=cmd,
                stdin=subprocess.DEVNULL,
                stdout=logf,
                stderr=subprocess.STDOUT,
                cwd="/",
                start_new_session=True,
                preexec_fn=child_setup(user, os.getpid()),
            )
        record.write_text(
            json.dumps(
                {
                    "owner_pid": os.getpid(),
                    "owner_start": _proc_start_time(os.getpid()),
                    "server_pid": proc.pid,
                    "root": str(root),
                    "datadir": str(data),
                    "port": port,
                }
            )
        )
        server = LocalServer(install, root, port, proc, user, record, provider=provider)
        try:
            _wait_ready(proc, data / "postmaster.pid", ready_timeout)
        except LaunchError as exc:
            tail = server.log_tail()
            if proc.poll() is None:
                server.process.send_signal(signal.SIGINT)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(5)
            last_error = f"{exc}\n{tail}"
            if "could not bind" in tail or "could not create listen socket" in tail:
                continue  # lost the port race; try another one
            raise LaunchError(f"{install.postgres}: {last_error}") from None
        _LIVE.add(server)
        return server
    raise LaunchError(f"{install.postgres}: no free port after 5 attempts:\n{last_error}")
