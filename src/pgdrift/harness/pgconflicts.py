"""``ON CONFLICT`` targets and PL/pgSQL variable conflicts, as Postgres judges them.

A mixin of :class:`pgdrift.harness.pgverdict._Statement`: the arbiter columns of
``ON CONFLICT (…)`` (missing ones reported, then arbitrated on a real unique constraint so
``DO UPDATE SET`` is still analysed; planned with EXPLAIN to hear "no unique or exclusion
constraint matching"), and variable references that Postgres would also accept as columns
(ambiguous at run time under ``plpgsql.variable_conflict = error``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pgdrift.analysis.suggest import did_you_mean
from pgdrift.harness.pgtext import quote_ident, span_tokens

if TYPE_CHECKING:
    from pgdrift.analysis.env import Env
    from pgdrift.harness.pgtext import Parsed, Text
    from pgdrift.harness.pgverdict import PgResolver, _PgError

_RE_COLUMN = re.compile(r'column (?:"(.+)"|(\S+)) does not exist')


class ConflictChecks:
    """The ON CONFLICT / variable-conflict part of one statement's verification."""

    if TYPE_CHECKING:
        r: PgResolver
        env: Env
        parsed: Parsed | None
        t: Text
        types: list[str | None]
        neutral: int

        def _attempt(self) -> _PgError | None: ...
        def _neutralised(self) -> bool: ...
        def _target_relation(self) -> str | None: ...
        def _add(
            self, code: str, message: str, start: int, end: int, help: str | None = None
        ) -> None: ...

    def _conflict_span(self) -> tuple[int, int] | None:
        """The ``(…)`` after ``ON CONFLICT`` in the base text."""
        p = self.parsed
        if p is None:
            return None
        toks = p.tokens
        for i, (_s, _e, name) in enumerate(toks):
            if name == "CONFLICT" and i + 1 < len(toks) and toks[i + 1][2] == "ASCII_40":
                depth = 0
                for j in range(i + 1, len(toks)):
                    if toks[j][2] == "ASCII_40":
                        depth += 1
                    elif toks[j][2] == "ASCII_41":
                        depth -= 1
                        if depth == 0:
                            return toks[i + 1][0], toks[j][1]
        return None

    def _in_conflict_target(self, pos: int | None) -> bool:
        span = self._conflict_span()
        return pos is not None and span is not None and span[0] <= pos < span[1]

    def _conflict_target(self, msg: str, pos: int | None) -> bool:
        """A missing column in ``ON CONFLICT (…)``: report it, then arbitrate on one of the
        table's unique constraints so that ``DO UPDATE SET`` is still analysed."""
        p = self.parsed
        span = self._conflict_span()
        if p is None or pos is None or span is None:
            return False
        m = _RE_COLUMN.search(msg)
        name = (m.group(1) or m.group(2)) if m else ""
        for start, _end, kind in p.tokens:  # Postgres points at the "(": the name follows
            if start >= pos and kind != "ASCII_40":
                pos = start
                break
        target = self._target_relation()
        cols = self.r.columns_of(target) if target else ()
        self._add("PGD101", msg, pos, span_tokens(p.tokens, pos, 1), did_you_mean(name, cols))
        row = None
        if target is not None:
            row = self.r.conn.execute(
                "SELECT conname FROM pg_constraint WHERE conrelid = to_regclass(%s) "
                "AND contype IN ('p', 'u') ORDER BY contype LIMIT 1",
                (target,),
            ).fetchone()
        if row is None:
            return False
        self.t.replace(span[0], span[1], f"ON CONSTRAINT {quote_ident(row[0])}")
        # "ON CONFLICT ON CONSTRAINT": the CONFLICT keyword stays in front
        self.neutral += 1
        return True

    def _conflicts(self) -> None:
        """Variable references that Postgres would also accept as columns."""
        mode = getattr(self.env, "variable_conflict", "error")
        if not self.env.plpgsql or mode == "use_variable" or self.parsed is None:
            return
        if mode == "error":
            self._conflict_target_variables()
        for ref in self.parsed.refs:
            if ref.var is None or ref.param is None:
                continue
            if len(ref.fields) > 2 or (ref.field_of_record is None and len(ref.fields) > 1):
                continue  # label.var cannot be a column reference
            saved = self.t.remove(ref.start)
            if saved is None:
                continue
            err = self._attempt()
            is_column = err is None or not (
                err.sqlstate in ("42703", "42P01") and err.position == ref.start
            )
            if err is None:
                self.r._try("DEALLOCATE pgdrift_v")
            if is_column and mode == "error":
                name = ".".join(ref.fields[:2]) if ref.field_of_record else ref.fields[0]
                self._add(
                    "PGD106",
                    f'column reference "{name}" is ambiguous: it could refer to either a '
                    "PL/pgSQL variable or a table column",
                    ref.start,
                    ref.end,
                )
            if not (is_column and mode == "use_column"):
                self.t.replace(*saved)

    def _plan_arbiter(self) -> None:
        """``ON CONFLICT (cols)`` is matched to a unique index by the planner, not by parse
        analysis: plan the prepared statement (EXPLAIN, nothing runs) to hear about it."""
        span = self._conflict_span()
        if span is None or self._neutralised():
            return
        args = ", ".join("NULL" for _ in self.types)
        err = self.r._try(
            f"EXPLAIN EXECUTE pgdrift_v({args})" if args else "EXPLAIN EXECUTE pgdrift_v"
        )
        if err is not None and err.sqlstate == "42P10":
            self._add("PGD111", err.message, span[0] + 1, span[1] - 1)  # inside the ( )

    def _conflict_target_variables(self) -> None:
        """``ON CONFLICT (id)`` in a function with a variable ``id`` (a RETURNS TABLE column,
        typically): the arbiter's column names go through PL/pgSQL's name resolution too,
        and Postgres raises "column reference is ambiguous" at run time."""
        span = self._conflict_span()
        p = self.parsed
        if span is None or p is None:
            return
        toks = [t for t in p.tokens if span[0] < t[0] < span[1] - 1]
        base = self.t.base
        for i, (start, end, _kind) in enumerate(toks):
            before = toks[i - 1][2] if i else "ASCII_40"
            after = toks[i + 1][2] if i + 1 < len(toks) else "ASCII_41"
            if before not in ("ASCII_40", "ASCII_44") or after not in ("ASCII_41", "ASCII_44"):
                continue
            word = base[start:end]
            name = word[1:-1].replace('""', '"') if word.startswith('"') else word.lower()
            if name in self.env.variables:
                self._add(
                    "PGD106",
                    f'column reference "{name}" is ambiguous: it could refer to either a '
                    "PL/pgSQL variable or a table column",
                    start,
                    end,
                )
