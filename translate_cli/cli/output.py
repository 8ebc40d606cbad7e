"""Writing results to stdout. A reader that goes away (`brief … | head -1`) ends the run quietly, exit 0, however
many documents were asked for."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import TextIO

import click

_data: TextIO | None = None  # within stdout_for_data_only: the real stdout, which only results reach


class StdoutClosed(Exception):
    """The reader of stdout went away. Not an OSError, so that click does not turn it into exit 1 on its own."""


def emit(text: str) -> None:
    """`text` on stdout at once: pipelines see each document as soon as it is done."""
    stream = _data or sys.stdout
    try:
        click.echo(text, nl=False, file=stream)
        stream.flush()
    except BrokenPipeError:
        raise StdoutClosed from None


@contextlib.contextmanager
def stdout_for_data_only() -> Iterator[None]:
    """For the block, file descriptor 1 is stderr for everything but `emit`: libraries that print, and the processes
    they start (Ray's log monitor and workers, C++ loggers), can never mix their lines into the results."""
    global _data
    try:
        fd, err_fd = sys.stdout.fileno(), sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):  # not real files (a test's captured streams): nothing to guard
        yield
        return
    sys.stdout.flush()
    saved = os.dup(fd)
    os.dup2(err_fd, fd)
    _data = open(saved, "w", encoding=sys.stdout.encoding or "utf-8", errors="strict", closefd=False)  # noqa: SIM115
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            _data.close()  # flushes; the descriptor stays (closefd=False) until restored below
        _data = None
        sys.stdout.flush()
        os.dup2(saved, fd)
        os.close(saved)
