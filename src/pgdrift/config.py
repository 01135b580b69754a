"""``[tool.pgdrift]`` in pyproject.toml -> a frozen :class:`Config`.

Flags override file settings; the CLI builds the final Config with :func:`dataclasses.replace`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any


class ConfigError(Exception):
    """A configuration problem to report with exit code 2."""


@dataclass(frozen=True)
class Config:
    paths: tuple[str, ...] = ("sql",)
    schema: str | None = None  # expected_schema directory
    search_path: tuple[str, ...] = ("public",)
    exclude: tuple[str, ...] = ()
    select: tuple[str, ...] = ()  # rule codes or prefixes; empty = all
    ignore: tuple[str, ...] = ()
    dsn: str | None = None
    root: Path = field(default_factory=Path.cwd)  # directory holding pyproject.toml
    config_file: Path | None = None
    cache: bool = True
    cache_dir: str = ".pgdrift_cache"
    jobs: int = 0  # 0 = one per core
    unknown_keys: tuple[str, ...] = ()

    def rule_enabled(self, code: str) -> bool:
        if self.select and not any(code.startswith(s) for s in self.select):
            return False
        return not any(code.startswith(s) for s in self.ignore)


_TUPLE_KEYS = {"paths", "search_path", "exclude", "select", "ignore"}


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start`` that has a [tool.pgdrift] table,
    else the nearest pyproject.toml at all."""
    start = start.resolve()
    first: Path | None = None
    for d in (start, *start.parents):
        candidate = d / "pyproject.toml"
        if candidate.is_file():
            first = first or candidate
            try:
                if "pgdrift" in tomllib.loads(candidate.read_text("utf-8")).get("tool", {}):
                    return candidate
            except (OSError, tomllib.TOMLDecodeError):
                continue
    return first


def load_config(start: Path | None = None, config_file: Path | None = None) -> Config:
    """Read ``[tool.pgdrift]`` from ``config_file`` or the nearest pyproject.toml."""
    path = config_file or find_pyproject(start or Path.cwd())
    if path is None:
        return Config(root=(start or Path.cwd()).resolve())
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from exc
    table: dict[str, Any] = data.get("tool", {}).get("pgdrift", {})
    known = {f.name for f in fields(Config)} - {"root", "config_file", "unknown_keys"}
    values: dict[str, Any] = {}
    unknown: list[str] = []
    for key, value in table.items():
        attr = key.replace("-", "_")
        if attr not in known:
            unknown.append(key)
            continue
        if attr in _TUPLE_KEYS:
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{path}: [tool.pgdrift] {key} must be a list of strings")
            value = tuple(value)
        values[attr] = value
    return Config(
        root=path.parent.resolve(), config_file=path, unknown_keys=tuple(unknown), **values
    )
