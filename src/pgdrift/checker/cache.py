"""The result cache: pickled results under ``config.cache_dir``, one file per key.

Keys are content digests (file text, catalog fingerprint, pgdrift version), so a stale
entry is never read; a corrupt or unreadable entry is a miss. Writes go through a temporary
file and an atomic rename, so concurrent runs never see half an entry.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from pgdrift.config import Config

# Past this many entries the oldest half is removed (the cache never grows without bound).
MAX_ENTRIES = 20_000


class Cache:
    def __init__(self, config: Config) -> None:
        root = Path(config.cache_dir)
        if not root.is_absolute():
            root = config.root / root
        self.root = root
        self._ok = True

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.pickle"

    def load(self, key: str) -> Any:
        try:
            with open(self._path(key), "rb") as fh:
                return pickle.load(fh)
        except FileNotFoundError:
            return None
        except Exception:  # corrupt entry, old format, unreadable: a miss
            return None

    def store(self, key: str, value: Any) -> None:
        if not self._ok:
            return
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            gitignore = self.root / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("*\n", encoding="utf-8")
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:
            self._ok = False  # read-only tree: run without a cache

    def prune(self, limit: int = MAX_ENTRIES) -> int:
        """Remove the least recently written half of the entries when there are more than
        ``limit``; returns how many were removed."""
        try:
            entries = [
                (e.stat().st_mtime_ns, e.path)
                for sub in os.scandir(self.root)
                if sub.is_dir()
                for e in os.scandir(sub.path)
                if e.name.endswith(".pickle")
            ]
        except OSError:
            return 0
        if len(entries) <= limit:
            return 0
        entries.sort()
        removed = 0
        for _mtime, path in entries[: len(entries) // 2]:
            try:
                os.unlink(path)
                removed += 1
            except OSError:
                pass
        return removed
