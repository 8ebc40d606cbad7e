"""What a run tells the user on stderr: a progress line on a terminal, errors, and a closing summary."""

from __future__ import annotations

import os
import sys
import time

import click


class Reporter:
    def __init__(self, total: int, *, quiet: bool = False, verb: str = "translated") -> None:
        self.total = total
        self.verb = verb  # what the summary says was done to each document
        self.quiet = quiet
        self.live = not quiet and sys.stderr is not None and sys.stderr.isatty()
        self.color = self.live and not os.environ.get("NO_COLOR")
        self.done = self.failed = self.skipped = self.sentences = 0
        self.started = time.monotonic()
        self._line_shown = False

    def _clear(self) -> None:
        if self._line_shown:
            click.echo("\r\x1b[2K", nl=False, err=True)
            self._line_shown = False

    def _progress(self) -> None:
        if not self.live:
            return
        elapsed = max(time.monotonic() - self.started, 1e-6)
        finished = self.done + self.failed + self.skipped
        line = (
            f"[{finished}/{self.total}] articles · {self.sentences} sentences · "
            f"{self.sentences / elapsed:.1f} sentences/s"
        )
        click.echo(f"\r{line}", nl=False, err=True)
        self._line_shown = True

    def notice(self, message: str) -> None:
        """Something the user waits on (loading a model, a one-time conversion), unless -q."""
        if not self.quiet:
            self._clear()
            click.echo(f"brief: {message}", err=True)
            self._progress()

    def warning(self, message: str) -> None:
        if not self.quiet:
            self._clear()
            label = click.style("warning", fg="yellow") if self.color else "warning"
            click.echo(f"brief: {label}: {message}", err=True)
            self._progress()

    def error(self, message: str) -> None:
        self._clear()
        click.echo(f"brief: {click.style('error', fg='red') if self.color else 'error'}: {message}", err=True)
        self.failed += 1
        self._progress()

    def finished(self, sentences: int) -> None:
        self.done += 1
        self.sentences += sentences
        self._progress()

    def skip(self, message: str) -> None:
        """An input whose output exists: said once, with the way to redo it."""
        self.skipped += 1
        if not self.quiet:
            self._clear()
            click.echo(f"brief: skipped {message}", err=True)
        self._progress()

    def summary(self, always: bool) -> None:
        self._clear()
        if not (always or self.failed or self.skipped) or (self.quiet and not self.failed):
            return
        parts = [f"{self.done} {self.verb}", f"{self.failed} failed"]
        if self.skipped:
            parts.append(f"{self.skipped} skipped (output exists; --overwrite redoes them)")
        elapsed = time.monotonic() - self.started
        click.echo(f"brief: {', '.join(parts)} of {self.total} in {elapsed:.1f}s", err=True)
