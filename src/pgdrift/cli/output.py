"""What every reporting command shares: the output options, the exit code, error exits.

``check``, ``diff`` and ``verify`` use them the same way::

    @cli.command()
    @report_options
    def diff(fmt, output, quiet, color, fail_on, **kw):
        ...
        with open_output(output) as stream:
            render(diagnostics, fmt or "text", sources, stats, stream, color, quiet=quiet)
        sys.exit(exit_code(diagnostics, fail_on or "warning"))
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO, TypeVar

import click

from pgdrift.config import FAIL_ON, OUTPUT_FORMATS
from pgdrift.diagnostic import Diagnostic, Severity

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

# Set by :func:`pgdrift.cli.main` (the ``pgdrift`` program itself, not click's test runner
# or a caller of :data:`pgdrift.cli.cli`): the process may end without tearing down its
# objects.
HARD_EXIT = False


def finish(code: int) -> NoReturn:
    """End the command with ``code``. In the ``pgdrift`` program, once the output is
    flushed, the process ends at once (``os._exit``) instead of freeing every object it
    built one by one -- the parse trees and catalogs of a large check took 0.1-0.2 s to
    tear down, measured (mypy ends the same way). Elsewhere: ``sys.exit(code)``."""
    if not HARD_EXIT:
        sys.exit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: the exit code still tells the story
        pass
    os._exit(code)


def report_options(func: F) -> F:
    """``--format``, ``--output``, ``--quiet``, ``--color/--no-color``, ``--fail-on``."""
    options = [
        click.option(
            "--format",
            "fmt",
            type=click.Choice(OUTPUT_FORMATS),
            default=None,
            help="Output format (default: text, or `format` in [tool.pgdrift]).",
        ),
        click.option(
            "--output",
            "-o",
            type=click.Path(dir_okay=False, path_type=str),
            default=None,
            help="Write the report to FILE instead of standard output.",
        ),
        click.option("--quiet", "-q", is_flag=True, help="Print the findings and nothing else."),
        click.option(
            "--color/--no-color",
            default=None,
            help="Colour the text output (default: only on a terminal; NO_COLOR disables).",
        ),
        click.option(
            "--fail-on",
            type=click.Choice(FAIL_ON),
            default=None,
            help="Lowest severity that makes the exit code 1 (default: warning; info findings are shown but pass).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def exit_code(diagnostics: Sequence[Diagnostic], fail_on: str = "warning") -> int:
    """1 when any finding is at least as severe as ``fail_on``, else 0."""
    if fail_on == "never":
        return EXIT_CLEAN
    threshold = Severity(fail_on).rank
    return EXIT_FINDINGS if any(d.severity.rank >= threshold for d in diagnostics) else EXIT_CLEAN


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    """Print ``pgdrift: error: message`` to stderr and exit (2 by default)."""
    click.echo(f"pgdrift: error: {message}", err=True)
    sys.exit(code)


def warn(message: str) -> None:
    click.echo(f"pgdrift: warning: {message}", err=True)


def internal_error(exc: BaseException) -> NoReturn:
    """An unexpected exception: one line, exit 2; the traceback only with PGDRIFT_DEBUG=1."""
    if os.environ.get("PGDRIFT_DEBUG"):
        traceback.print_exception(exc)
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    fail(
        f"internal error: {type(exc).__name__}{': ' + detail if detail else ''}"
        " (set PGDRIFT_DEBUG=1 for the traceback)"
    )


def write_step_summary(
    diagnostics: Sequence[Diagnostic], summary: str, title: str = "pgdrift"
) -> None:
    """On GitHub Actions (``$GITHUB_STEP_SUMMARY`` set), append a Markdown summary of the run
    to the job's page; elsewhere, nothing. Failing to write it is only a warning."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    from pgdrift.report.markdown import markdown_summary

    try:
        with open(target, "a", encoding="utf-8") as f:
            f.write(markdown_summary(diagnostics, summary, title))
    except OSError as exc:
        warn(f"cannot write the job summary {target}: {exc.strerror or exc}")


@contextlib.contextmanager
def open_output(path: str | None) -> Iterator[TextIO]:
    """Standard output, or ``path`` opened for writing (its folder is created)."""
    if path is None or path == "-":
        yield sys.stdout
        return
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        stream = target.open("w", encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {path}: {exc.strerror or exc}")
    with stream:
        yield stream
