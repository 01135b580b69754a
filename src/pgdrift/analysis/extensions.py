"""What common extensions add: function and type names, so that an installed extension
does not make every unknown name unjudgeable.

When every extension the schema creates is listed here, a name none of them provides is
judged like any other; one unlisted extension and unknown names are let through (it could
provide them).

>>> extension_provides(("pgcrypto", "uuid-ossp"), "gen_salt")
True
>>> extension_provides(("pgcrypto",), "jsonb_build_objekt")
False
>>> extension_provides(("timescaledb",), "time_bucket") is None
True
"""

from __future__ import annotations

from collections.abc import Iterable

# extension -> (function names, name prefixes, type names)
# ("plpgsql" is deliberately absent: schemas that CREATE EXTENSION plpgsql — pg_dump output,
# long migration histories — stay lenient, as the checker resolves bodies of routines dropped
# later against the functions left at the end.)
KNOWN_EXTENSIONS: dict[str, tuple[frozenset[str], tuple[str, ...], frozenset[str]]] = {
    "pgcrypto": (
        frozenset(
            [
                "digest",
                "hmac",
                "crypt",
                "gen_salt",
                "gen_random_bytes",
                "gen_random_uuid",
                "encrypt",
                "decrypt",
                "encrypt_iv",
                "decrypt_iv",
                "armor",
                "dearmor",
                "pgp_key_id",
                "pgp_armor_headers",
            ]
        ),
        ("pgp_",),
        frozenset(),
    ),
    "uuid-ossp": (frozenset(), ("uuid_generate_", "uuid_ns_", "uuid_nil"), frozenset()),
    "pg_trgm": (
        frozenset(
            [
                "similarity",
                "show_trgm",
                "word_similarity",
                "strict_word_similarity",
                "show_limit",
                "set_limit",
                "similarity_dist",
                "similarity_op",
                "word_similarity_op",
            ]
        ),
        ("gtrgm_", "gin_extract_", "gin_trgm_"),
        frozenset({"gtrgm"}),
    ),
    "unaccent": (frozenset({"unaccent", "unaccent_init", "unaccent_lexize"}), (), frozenset()),
    "fuzzystrmatch": (
        frozenset(
            [
                "soundex",
                "difference",
                "levenshtein",
                "levenshtein_less_equal",
                "metaphone",
                "dmetaphone",
                "dmetaphone_alt",
                "daitch_mokotoff",
            ]
        ),
        (),
        frozenset(),
    ),
    "citext": (frozenset({"citext"}), ("citext",), frozenset({"citext"})),
    "hstore": (
        frozenset(
            [
                "hstore",
                "akeys",
                "avals",
                "skeys",
                "svals",
                "each",
                "exist",
                "defined",
                "delete",
                "slice",
                "exists_any",
                "exists_all",
                "isexists",
                "isdefined",
                "fetchval",
                "tconvert",
                "populate_record",
            ]
        ),
        ("hstore",),
        frozenset({"hstore"}),
    ),
    "ltree": (
        frozenset(["subltree", "subpath", "nlevel", "index", "text2ltree", "ltree2text", "lca"]),
        ("ltree", "lquery", "ltxtq", "_ltree", "_lt_q"),
        frozenset({"ltree", "lquery", "ltxtquery"}),
    ),
    "intarray": (
        frozenset(["icount", "sort", "sort_asc", "sort_desc", "uniq", "idx", "subarray", "intset"]),
        ("int_", "_int", "g_int", "boolop", "bqarr", "querytree"),
        frozenset({"query_int"}),
    ),
    "tablefunc": (
        frozenset(["crosstab", "crosstab2", "crosstab3", "crosstab4", "normal_rand", "connectby"]),
        (),
        frozenset(),
    ),
    "pg_stat_statements": (frozenset(), ("pg_stat_statements",), frozenset()),
    "btree_gin": (frozenset(), ("gin_",), frozenset()),
    "btree_gist": (frozenset(), ("gbt_", "gbtreekey"), frozenset()),
    "postgres_fdw": (frozenset(), ("postgres_fdw",), frozenset()),
    "dblink": (frozenset(), ("dblink",), frozenset()),
    "vector": (
        frozenset(
            [
                "l2_distance",
                "inner_product",
                "cosine_distance",
                "l1_distance",
                "vector_dims",
                "vector_norm",
                "l2_normalize",
                "binary_quantize",
                "subvector",
                "hamming_distance",
                "jaccard_distance",
                "vector_avg",
            ]
        ),
        ("vector", "halfvec", "sparsevec"),
        frozenset({"vector", "halfvec", "sparsevec", "bit"}),
    ),
    "postgis": (
        frozenset({"geometry", "geography", "box2d", "box3d"}),
        ("st_", "postgis_", "geometry", "geography", "_st_"),
        frozenset({"geometry", "geography", "box2d", "box3d", "spheroid"}),
    ),
}


def extension_provides(
    extensions: Iterable[str], name: str, *, kind: str = "function"
) -> bool | None:
    """Whether one of ``extensions`` provides the function (or type) ``name``; None when an
    extension pgdrift does not know about is installed (it might)."""
    exts = list(extensions)
    if any(e not in KNOWN_EXTENSIONS for e in exts):
        return None
    for ext in exts:
        names, prefixes, types = KNOWN_EXTENSIONS[ext]
        if kind == "type":
            if name in types:
                return True
            continue
        if name in names or name.startswith(prefixes):
            return True
    return False
