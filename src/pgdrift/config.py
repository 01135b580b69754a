"""``[tool.pgdrift]`` in pyproject.toml -> a frozen :class:`Config`.

Every setting can be written in the file (kebab-case or snake_case keys) and given as a
flag; flags override the file. The CLI builds the final Config with :func:`apply_overrides`
(:func:`dataclasses.replace` underneath). Unknown keys do not fail: they are kept in
``Config.unknown_keys`` and the CLI prints a warning for each.

>>> Config(select=("PGD1",), ignore=("PGD105",)).rule_enabled("PGD101")
True
>>> Config(select=("PGD1",), ignore=("PGD105",)).rule_enabled("PGD105")
False
"""

from __future__ import annotations

import difflib
import fnmatch
import json
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path, PurePath
from typing import Any


class ConfigError(Exception):
    """A configuration problem to report with exit code 2."""


OUTPUT_FORMATS: tuple[str, ...] = ("text", "json", "sarif", "github", "junit")
FAIL_ON: tuple[str, ...] = ("error", "warning", "info", "never")


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
    # --- added for the CI gate (issue 7); all have defaults ---
    format: str = "text"  # output format: text, json, sarif, github, junit
    baseline: str | None = None  # baseline file: report only findings not recorded in it
    fail_on: str = "warning"  # lowest severity that makes the exit code 1 ("never": always 0)
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (glob, codes)
    output: str | None = None  # write the report to this file instead of stdout
    color: bool | None = None  # None = only on a terminal
    progress: bool = True  # progress display on long runs (only ever on a terminal)
    quiet: bool = False  # print the findings and nothing else
    statistics: bool = False  # count findings per rule instead of listing them
    # drift (snapshot / diff): globs over "schema", "schema.object", "schema.table.column"
    drift_ignore: tuple[str, ...] = ()
    snapshot_schemas: tuple[str, ...] = ()  # schemas to snapshot/diff; empty = all non-system

    def rule_enabled(self, code: str) -> bool:
        if self.select and not any(code.startswith(s) for s in self.select):
            return False
        return not any(code.startswith(s) for s in self.ignore)

    def rule_enabled_for(self, code: str, path: str | None) -> bool:
        """:meth:`rule_enabled`, and not ignored for ``path`` by ``per_file_ignores``.

        ``path`` is matched relative to :attr:`root` (``/``-separated); a glob without a
        ``/`` also matches the file name alone.
        """
        if not self.rule_enabled(code):
            return False
        if path is None or not self.per_file_ignores:
            return True
        rel = _relative(path, self.root)
        name = PurePath(rel).name
        for pattern, codes in self.per_file_ignores:
            if (
                fnmatch.fnmatchcase(rel, pattern)
                or ("/" not in pattern and fnmatch.fnmatchcase(name, pattern))
                or rel.startswith(pattern.rstrip("/") + "/")
            ) and any(code.startswith(c) for c in codes):
                return False
        return True

    def settings(self) -> dict[str, Any]:
        """The settings as ``[tool.pgdrift]`` would spell them (for ``--show-config``)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name in _INTERNAL:
                continue
            value = getattr(self, f.name)
            if f.name == "per_file_ignores":
                value = {glob: list(codes) for glob, codes in value}
            elif isinstance(value, tuple):
                value = list(value)
            elif f.name == "dsn" and value:
                value = _mask_dsn(value)
            out[f.name.replace("_", "-")] = value
        return out

    def to_toml(self) -> str:
        """``--show-config``: the effective settings as a ``[tool.pgdrift]`` table."""
        lines = [f"# {self.config_file or 'no configuration file'} (root: {self.root})"]
        lines.append("[tool.pgdrift]")
        for key, value in self.settings().items():
            if value is None:
                lines.append(f"# {key} is not set")
            elif isinstance(value, dict):
                inner = ", ".join(f"{json.dumps(k)} = {json.dumps(v)}" for k, v in value.items())
                lines.append(f"{key} = {{{inner}}}" if inner else f"{key} = {{}}")
            else:
                lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
        for key in self.unknown_keys:
            lines.append(f"# unknown key ignored: {key}")
        return "\n".join(lines) + "\n"


_INTERNAL = {"root", "config_file", "unknown_keys"}


def _mask_dsn(dsn: str) -> str:
    """A DSN with its password replaced by ``***`` (URL, ``password=`` or query form)."""
    out = re.sub(r"(?i)([a-z][a-z0-9+.-]*://[^:/@\s]*:)([^@\s]*)(?=@)", r"\1***", dsn)
    out = re.sub(r"(?i)(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]+)", r"\1***", out)
    return out


_TUPLE_KEYS = {
    "paths",
    "search_path",
    "exclude",
    "select",
    "ignore",
    "drift_ignore",
    "snapshot_schemas",
}
_STR_KEYS = {"schema", "dsn", "cache_dir", "format", "baseline", "fail_on", "output"}
_BOOL_KEYS = {"cache", "progress", "quiet", "statistics"}
_CHOICES = {"format": OUTPUT_FORMATS, "fail_on": FAIL_ON}
#: Settings whose value is a path, resolved against the configuration file's directory.
PATH_KEYS = frozenset({"schema", "baseline", "output", "cache_dir"})


def _relative(path: str, root: Path) -> str:
    p = Path(path)
    if p.is_absolute():
        try:
            return p.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return p.as_posix()
    return PurePath(path).as_posix().removeprefix("./")


def known_keys() -> list[str]:
    """Every key ``[tool.pgdrift]`` accepts (kebab-case)."""
    return sorted(f.name.replace("_", "-") for f in fields(Config) if f.name not in _INTERNAL)


def suggest_key(key: str) -> str | None:
    match = difflib.get_close_matches(key.replace("_", "-"), known_keys(), n=1, cutoff=0.6)
    return match[0] if match else None


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


_CODE_PREFIX = re.compile(r"PGD\d{0,3}")


def rule_selector(value: str, where: str) -> str:
    """A code or code prefix (``PGD1``), a rule name (``unknown-column``) or ``ALL``,
    as the code prefix :meth:`Config.rule_enabled` matches."""
    text = value.strip()
    if text.upper() == "ALL":
        return "PGD"
    if _CODE_PREFIX.fullmatch(text.upper()):
        return text.upper()
    from pgdrift.rules import get_rule, load_all

    load_all()
    rule = get_rule(text)
    if rule is None:
        raise ConfigError(
            f"{where}: {value!r} is neither a rule code, a code prefix nor a rule name"
        )
    return rule.code


def validate_setting(attr: str, value: Any, where: str) -> Any:
    """Check and normalise one setting's value; raises :class:`ConfigError`."""
    key = attr.replace("_", "-")
    if attr in _TUPLE_KEYS:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: {key} must be a list of strings")
        value = tuple(value)
        if attr in ("select", "ignore"):
            value = tuple(rule_selector(v, f"{where}: {key}") for v in value if v.strip())
    elif attr in _STR_KEYS:
        if not isinstance(value, str):
            raise ConfigError(f"{where}: {key} must be a string")
        if attr in _CHOICES and value not in _CHOICES[attr]:
            choices = ", ".join(_CHOICES[attr])
            raise ConfigError(f"{where}: {key} must be one of {choices}, not {value!r}")
    elif attr in _BOOL_KEYS:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: {key} must be true or false")
    elif attr == "color":
        if value is not None and not isinstance(value, bool):
            raise ConfigError(f"{where}: {key} must be true or false")
    elif attr == "jobs":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ConfigError(f"{where}: {key} must be a whole number >= 0 (0 = one per core)")
    elif attr == "per_file_ignores":
        if isinstance(value, tuple):
            return value
        if not isinstance(value, dict):
            raise ConfigError(f'{where}: {key} must be a table of glob = ["CODE", …]')
        items = []
        for glob, codes in value.items():
            if isinstance(codes, str):
                codes = [codes]
            if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
                raise ConfigError(f"{where}: {key}.{glob} must be a list of rule codes")
            items.append((glob, tuple(rule_selector(c, f"{where}: {key}") for c in codes)))
        value = tuple(items)
    return value


def load_config(start: Path | None = None, config_file: Path | None = None) -> Config:
    """Read ``[tool.pgdrift]`` from ``config_file`` or the nearest pyproject.toml."""
    path = config_file or find_pyproject(start or Path.cwd())
    if path is None:
        return Config(root=(start or Path.cwd()).resolve())
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from exc
    table = data.get("tool", {}).get("pgdrift", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.pgdrift] must be a table")
    known = {f.name for f in fields(Config)} - _INTERNAL
    values: dict[str, Any] = {}
    unknown: list[str] = []
    for key, value in table.items():
        attr = key.replace("-", "_")
        if attr not in known:
            unknown.append(key)
            continue
        values[attr] = validate_setting(attr, value, f"{path}: [tool.pgdrift]")
    return Config(
        root=path.parent.resolve(), config_file=path, unknown_keys=tuple(unknown), **values
    )


def apply_overrides(config: Config, **overrides: Any) -> Config:
    """``config`` with the given settings replaced (``None`` values are left alone),
    each validated like a file setting."""
    values = {
        k: validate_setting(k, v, f"--{k.replace('_', '-')}")
        for k, v in overrides.items()
        if v is not None
    }
    return replace(config, **values) if values else config
