"""Writing results to stdout. A reader that goes away (`brief … | head -1`) ends the run quietly, exit 0, however
many documents were asked for."""

from __future__ import annotations

import sys

import click


class StdoutClosed(Exception):
    """The reader of stdout went away. Not an OSError, so that click does not turn it into exit 1 on its own."""


def emit(text: str) -> None:
    """`text` on stdout at once: pipelines see each document as soon as it is done."""
    try:
        click.echo(text, nl=False)
        sys.stdout.flush()
    except BrokenPipeError:
        raise StdoutClosed from None
