"""The click group every command module attaches to."""

from __future__ import annotations

import click

from pgdrift import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pgdrift")
def cli() -> None:
    """pgdrift: PostgreSQL schema-drift checker and test harness."""
