"""The command line. Owns printing and exit codes: 0 clean, 1 findings, 2 usage/internal error."""

from __future__ import annotations

import click

from pgdrift import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pgdrift")
def cli() -> None:
    """pgdrift: PostgreSQL schema-drift checker and test harness."""


def main() -> None:
    cli(prog_name="pgdrift")
