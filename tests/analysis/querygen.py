"""A random generator of SELECT statements over a small schema, mixing valid and invalid
references (wrong columns, out-of-scope aliases, ambiguous names, USING/NATURAL joins,
LATERAL, CTEs with column lists, set-returning functions, correlated EXISTS)."""

from __future__ import annotations

import random

DDL = """
CREATE TABLE a (id int, x int, y int, z int);
CREATE TABLE b (id int, a_id int, y int, w int);
CREATE TABLE c (cid int, b_id int, x int, v int);
"""
TABLES = {"a": ["id", "x", "y", "z"], "b": ["id", "a_id", "y", "w"], "c": ["cid", "b_id", "x", "v"]}
ALL_COLUMNS = sorted({c for cs in TABLES.values() for c in cs} | {"q", "n", "val"})

Item = tuple[str, list[str]]


def generate(rnd: random.Random, depth: int = 0, outer: tuple[Item, ...] = ()) -> str:
    items: list[Item] = []
    with_sql = ""
    cte: Item | None = None
    if depth == 0 and rnd.random() < 0.3:
        t = rnd.choice(list(TABLES))
        cols = rnd.sample(TABLES[t], 2)
        if rnd.random() < 0.5:
            with_sql = f"WITH k(k1, k2) AS (SELECT {cols[0]}, {cols[1]} FROM {t}) "
            cte = ("k", ["k1", "k2"])
        else:
            with_sql = f"WITH k AS (SELECT {cols[0]}, {cols[1]} FROM {t}) "
            cte = ("k", cols)
    parts: list[str] = []
    for i in range(rnd.randint(1, 3)):
        alias = f"t{depth}{i}"
        kind = rnd.random()
        if kind < 0.1 and depth == 0:
            # a parenthesized join tree: both tables stay visible to the outer query
            t1, t2 = rnd.choice(list(TABLES)), rnd.choice(list(TABLES))
            a1, a2 = f"{alias}a", f"{alias}b"
            on = (
                f"{a2}.{rnd.choice(TABLES[t2])} = {rnd.choice([a1, a2] + [a for a, _ in items])}.id"
            )
            item = f"({t1} {a1} JOIN {t2} {a2} ON {on})"
            items.append((a1, TABLES[t1]))
            alias, cols = a2, TABLES[t2]
        elif kind < 0.55:
            t = rnd.choice(list(TABLES))
            cols = TABLES[t]
            if rnd.random() < 0.2:
                item, alias = t, t
            else:
                item = f"{t} {alias}"
        elif kind < 0.7:
            t = rnd.choice(list(TABLES))
            cols = rnd.sample(TABLES[t], 2)
            lateral = bool(items) and rnd.random() < 0.5
            cond = ""
            if lateral:
                pa, pc = rnd.choice(items)
                cond = f" WHERE {t}.{rnd.choice(TABLES[t])} = {pa}.{rnd.choice([*pc, 'q'])}"
            item = (
                f"{'LATERAL ' if lateral else ''}(SELECT {', '.join(cols)} FROM {t}{cond}) {alias}"
            )
        elif kind < 0.8 and cte is not None:
            item, cols = f"k {alias}", cte[1]
        elif kind < 0.9:
            item, cols = f"generate_series(1, 3) {alias}(n)", ["n"]
        else:
            item, cols = f"unnest(ARRAY[1,2]) WITH ORDINALITY {alias}(val, n)", ["val", "n"]
        if i == 0:
            parts.append(item)
        else:
            j = rnd.random()
            if j < 0.3:
                parts.append(f", {item}")
            elif j < 0.6:
                pa, pc = rnd.choice(items)
                on = f"{alias}.{rnd.choice([*cols, 'q'])} = {pa}.{rnd.choice(pc)}"
                parts.append(f" JOIN {item} ON {on}")
            elif j < 0.8:
                common = sorted(set(cols) & {c for _, cs in items for c in cs})
                parts.append(f" LEFT JOIN {item} USING ({rnd.choice(common or cols)})")
            else:
                parts.append(f" NATURAL JOIN {item}")
        items.append((alias, cols))

    def ref() -> str:
        if rnd.random() < 0.5:
            a, cs = rnd.choice(items + list(outer))
            return f"{a}.{rnd.choice(cs if rnd.random() < 0.9 else ALL_COLUMNS)}"
        return rnd.choice(ALL_COLUMNS)

    select = "*" if rnd.random() < 0.1 else ", ".join(ref() for _ in range(rnd.randint(1, 3)))
    where = ""
    if rnd.random() < 0.6:
        where = f" WHERE {ref()} IS NOT NULL"
        if depth == 0 and rnd.random() < 0.4:
            where += f" AND EXISTS ({generate(rnd, depth + 1, tuple(items))})"
    order = f" ORDER BY {ref()}" if rnd.random() < 0.3 else ""
    return f"{with_sql}SELECT {select} FROM {''.join(parts)}{where}{order}"


FUNCTIONS = [
    "lower(y::text)",
    "coalesce(x, 1)",
    "abs(x)",
    "abs(x, 1)",
    "nosuch(x)",
    "greatest(x, y)",
    "round(x::numeric, 2)",
    "jsonb_build_object('a', x)",
    "nullif(x, 1)",
    "date_trunc('day', now())",
]


def _column(rnd: random.Random, table: str) -> str:
    return rnd.choice(TABLES[table] + (["q"] if rnd.random() < 0.1 else []))


def generate_dml(rnd: random.Random) -> str:
    """UPDATE … FROM (… JOIN …), DELETE … USING, INSERT … SELECT, set operations, function
    calls, DISTINCT ON with correlated subqueries, recursive CTEs."""
    t, u, v = rnd.sample(list(TABLES), 3)
    k = rnd.random()
    col = _column
    if k < 0.15:
        return (
            f"UPDATE {t} AS m SET {col(rnd, t)} = o.{col(rnd, u)} FROM {u} o "
            f"WHERE o.{col(rnd, u)} = m.{col(rnd, t)} RETURNING m.{col(rnd, t)}, "
            f"{rnd.choice(ALL_COLUMNS)}"
        )
    if k < 0.3:
        join = rnd.choice(["JOIN", "LEFT JOIN"])
        on_alias = rnd.choice(["o", "m", "p"])
        return (
            f"UPDATE {t} AS m SET {col(rnd, t)} = o.{col(rnd, u)} FROM {u} o {join} {v} p "
            f"ON p.{col(rnd, v)} = {on_alias}.{col(rnd, u)} WHERE o.{col(rnd, u)} = m.{col(rnd, t)}"
        )
    if k < 0.45:
        target = rnd.choice(["m.", ""])
        return (
            f"DELETE FROM {t} m USING {u} o WHERE o.{col(rnd, u)} = {target}{col(rnd, t)} "
            f"RETURNING {rnd.choice(ALL_COLUMNS)}"
        )
    if k < 0.6:
        cols = [c if rnd.random() > 0.1 else c + "x" for c in rnd.sample(TABLES[t], 2)]
        outs = ", ".join(col(rnd, u) for _ in range(rnd.choice([1, 2, 2, 2, 3])))
        return (
            f"INSERT INTO {t} ({', '.join(cols)}) SELECT {outs} FROM {u} "
            f"WHERE {rnd.choice(ALL_COLUMNS)} > 0 RETURNING {rnd.choice(ALL_COLUMNS)}"
        )
    if k < 0.7:
        return (
            f"SELECT {col(rnd, t)} FROM {t} UNION ALL SELECT {col(rnd, u)} FROM {u} "
            f"ORDER BY {rnd.choice(ALL_COLUMNS)}"
        )
    if k < 0.8:
        c = col(rnd, t)
        return f"SELECT {rnd.choice(FUNCTIONS)} AS f, {c} FROM {t} GROUP BY 1, 2 ORDER BY f"
    if k < 0.9:
        c = col(rnd, t)
        return (
            f"SELECT DISTINCT ON ({c}) {c} AS o, (SELECT max({col(rnd, u)}) FROM {u} "
            f"WHERE {u}.{col(rnd, u)} = {t}.{col(rnd, t)}) AS m FROM {t} ORDER BY {c}, m"
        )
    inner = rnd.choice(["m", "x", "r.x", "r.m"])
    return (
        f"WITH RECURSIVE r(n, {rnd.choice(['m', 'x'])}) AS (SELECT 1, {col(rnd, t)} FROM {t} "
        f"UNION ALL SELECT n + 1, {inner} FROM r WHERE n < 3) "
        f"SELECT {rnd.choice(['n', 'm', 'x', 'r.n'])} FROM r"
    )
