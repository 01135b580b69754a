"""Function-call checks: does a called function exist, and with that many arguments?

A call is checked against the schema's functions (search_path, schema qualification) and
the built-in functions of ``pg_catalog``. A call pgdrift cannot know about is never
reported: a name qualified with a schema pgdrift has not seen, or any unknown name while
extensions (whose functions are not in the schema) are installed.
"""

from __future__ import annotations

from dataclasses import dataclass

from pgdrift.analysis.extensions import extension_provides
from pgdrift.analysis.suggest import closest
from pgdrift.catalog.model import TABLE_COLUMN, Catalog, Function, Relation

try:  # the generated built-ins (written by the catalog layer)
    from pgdrift.catalog import builtins as _builtins
except ImportError:  # pragma: no cover - only while the data module is absent
    _builtins = None  # type: ignore[assignment]


def builtin_arities(name: str) -> tuple[tuple[int, int | None], ...] | None:
    """Arities of a built-in function; None when not a built-in (or no data)."""
    return _builtins.builtin_function_arities(name) if _builtins is not None else None


def builtin_names() -> frozenset[str]:
    return _builtins.builtin_function_names() if _builtins is not None else frozenset()


def is_builtin_type(name: str) -> bool:
    """True for a built-in type name (also when the built-in list is missing: cannot know)."""
    return True if _builtins is None else _builtins.is_builtin_type(name)


def builtin_relation(name: str, schema: str | None) -> Relation | None:
    if _builtins is None:
        return None
    return _builtins.find_builtin_relation(name, schema)


@dataclass(frozen=True, slots=True)
class CallProblem:
    kind: str  # "unknown" | "arity"
    message: str
    help: str | None = None


def _describe_arities(fns: list[Function], arities: tuple[tuple[int, int | None], ...]) -> str:
    parts: set[str] = set()
    for fn in fns:
        lo, hi = fn.min_args, fn.max_args
        parts.add(_range(lo, hi))
    for lo, hi in arities:
        parts.add(_range(lo, hi))
    return ", ".join(sorted(parts, key=lambda p: (len(p), p)))


def _range(lo: int, hi: int | None) -> str:
    if hi is None:
        return f"{lo} or more"
    return str(lo) if lo == hi else f"{lo} to {hi}"


# Functions of common extensions, for a helpful message when the extension is not created.
EXTENSION_FUNCTIONS: dict[str, str] = {
    **dict.fromkeys(
        ("uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v3", "uuid_generate_v4",
         "uuid_generate_v5", "uuid_nil", "uuid_ns_dns", "uuid_ns_url", "uuid_ns_oid",
         "uuid_ns_x500"),
        "uuid-ossp",
    ),
    **dict.fromkeys(
        ("crypt", "gen_salt", "digest", "hmac", "gen_random_bytes", "pgp_sym_encrypt",
         "pgp_sym_decrypt", "pgp_pub_encrypt", "pgp_pub_decrypt", "armor", "dearmor",
         "encrypt", "decrypt"),
        "pgcrypto",
    ),
    **dict.fromkeys(
        ("similarity", "word_similarity", "strict_word_similarity", "show_trgm",
         "show_limit", "set_limit"),
        "pg_trgm",
    ),
    "unaccent": "unaccent",
    **dict.fromkeys(("levenshtein", "soundex", "metaphone", "dmetaphone", "difference"),
                    "fuzzystrmatch"),
    **dict.fromkeys(("hstore", "akeys", "avals", "skeys", "svals", "hstore_to_json"), "hstore"),
    **dict.fromkeys(("subltree", "subpath", "nlevel", "lca", "text2ltree", "ltree2text"), "ltree"),
}  # fmt: skip


# Types of common extensions, for a helpful message when the extension is not created.
EXTENSION_TYPES: dict[str, str] = {
    "citext": "citext",
    "hstore": "hstore",
    "ltree": "ltree",
    "lquery": "ltree",
    "cube": "cube",
    "vector": "vector",
    "halfvec": "vector",
    "geometry": "postgis",
    "geography": "postgis",
    "box2d": "postgis",
    "isbn": "isn",
    "ean13": "isn",
    "seg": "seg",
}


def _call_accepts(fn: Function, nargs: int) -> bool:
    """CALL passes OUT arguments of a procedure too (Postgres 14+)."""
    if fn.kind != "procedure":
        return False
    top = None if fn.max_args is None else sum(1 for p in fn.params if p.mode != TABLE_COLUMN)
    return nargs >= fn.min_args and (top is None or nargs <= top)


def check_call(
    catalog: Catalog,
    search_path: tuple[str, ...],
    name: str,
    schema: str | None,
    nargs: int,
    *,
    procedure_call: bool = False,
) -> CallProblem | None:
    """None when the call is fine (or cannot be judged), else what is wrong with it."""
    fns = catalog.find_functions(name, schema, search_path)
    known: tuple[tuple[int, int | None], ...] = ()
    if schema is None or schema == "pg_catalog":
        known = builtin_arities(name) or ()
    if fns or known:
        if any(fn.accepts(nargs) for fn in fns):
            return None
        if procedure_call and any(_call_accepts(fn, nargs) for fn in fns):
            return None
        if any(nargs >= lo and (hi is None or nargs <= hi) for lo, hi in known):
            return None
        if fns and any(fn.kind == "aggregate" for fn in fns):
            return None
        qual = f"{schema}.{name}" if schema else name
        takes = _describe_arities(fns, known)
        plural = "argument" if nargs == 1 else "arguments"
        return CallProblem(
            "arity",
            f"function {qual}() called with {nargs} {plural}, but it takes {takes}",
        )
    if _builtins is None:
        return None  # without the built-in list, any unknown name could be a built-in
    if schema is not None and schema not in catalog.schemas and schema != "pg_catalog":
        return None  # a schema pgdrift has not seen: cannot know
    if schema is None and catalog.extensions:
        provided = extension_provides(catalog.extensions, name)
        if provided is not False:
            return None  # an extension provides it, or one pgdrift does not know might
    if schema is not None and schema in set(catalog.extensions.values()):
        return None
    qual = f"{schema}.{name}" if schema else name
    ext = EXTENSION_FUNCTIONS.get(name)
    if ext is not None and schema is None:
        return CallProblem(
            "unknown",
            f"function {qual}() does not exist",
            f'{name}() comes from the extension "{ext}": '
            f'add CREATE EXTENSION IF NOT EXISTS "{ext}" to the schema',
        )
    if schema is None:  # the same name in a schema that is not on the search_path
        elsewhere = sorted({fn.schema for fn in catalog.iter_functions() if fn.name == name})
        if elsewhere:
            return CallProblem(
                "unknown",
                f"function {qual}() does not exist",
                f'did you mean "{elsewhere[0]}.{name}"? (schema "{elsewhere[0]}" is not on '
                "the search_path: qualify the name or set search_path)",
            )
    candidates = [fn.name for fn in catalog.iter_functions()]
    if schema is None:
        candidates.extend(builtin_names())
    match = closest(name, candidates, cutoff=0.75)
    return CallProblem(
        "unknown",
        f"function {qual}() does not exist",
        f'did you mean "{match}"?' if match else None,
    )
