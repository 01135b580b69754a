"""The command line. Owns printing and exit codes: 0 clean, 1 findings, 2 usage/internal error.

Each command lives in its own module here and attaches itself to :data:`cli`; importing this
package loads them all (``_``-prefixed modules are helpers, imported by the commands that use
them). Command modules import what only their command needs (psycopg, the harness) inside it:
every ``pgdrift check`` pays for what is imported here.
"""

from __future__ import annotations

import importlib
import pkgutil

from pgdrift.cli.base import cli

for _info in pkgutil.iter_modules(__path__):
    if _info.name != "base" and not _info.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_info.name}")


def main() -> None:
    from pgdrift.cli import output

    output.HARD_EXIT = True
    cli(prog_name="pgdrift")


__all__ = ["cli", "main"]
