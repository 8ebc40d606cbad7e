"""`brief translate`."""

from __future__ import annotations

import io
import os
import sys
import tempfile
from pathlib import Path

import click

from ..errors import UsageError
from ..options import BACKENDS, QUOTE_STYLES
from ..writers import WRITERS


def _read_input(path: str) -> tuple[bytes, str]:
    if path == "-":
        return sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode(), "-"
    candidate = Path(path)
    if not candidate.exists():
        raise UsageError(f"no such file: {path}")
    if candidate.is_dir():
        raise UsageError(f"{path} is a directory (give a file)")
    try:
        return candidate.read_bytes(), path
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None


def _write_atomically(target: Path, content: str) -> None:
    """Write next to the target and rename, so no reader ever sees half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("file", required=False, metavar="FILE")
@click.option("-f", "--format", "fmt", type=click.Choice(list(WRITERS)), default="text", show_default=True,
              help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
@click.option("--translator", help="A models.lock name, a Hugging Face repo id, or a local model directory.")
@click.option("--device", help="auto | cpu | cuda | cuda:N  [default: auto]")
@click.option("--beams", type=click.IntRange(min=1), help="Beam size [default: the model's, 4 for opus-mt].")
@click.option("--batch-size", type=click.IntRange(min=1), help="Sentences per model call [default: 16].")
@click.option("--max-new-tokens", type=click.IntRange(min=1),
              help="Cap on generated tokens per sentence [default: relative to the source length].")
@click.option("--quotes", type=click.Choice(QUOTE_STYLES), help="English quotation marks [default: curly].")
@click.option("--backend", type=click.Choice(BACKENDS), help="Translation engine [default: from configs/default.toml].")
@click.option("-q", "--quiet", is_flag=True, help="No warnings on stderr (they stay in JSON output).")
def translate(file: str | None, fmt: str, output: str | None, quiet: bool, **settings: object) -> None:
    """Translate a French article (FILE, or '-' / piped stdin) into English.

    Every quotation in the source comes out as one English quotation, in the same order and place.
    Text goes to stdout; warnings and errors go to stderr.
    """
    from .. import pipeline
    from ..options import resolve_options

    if file is None:
        if sys.stdin is None or sys.stdin.isatty():
            raise click.UsageError("no input: give a FILE, or '-' / pipe text on stdin")
        file = "-"
    data, source = _read_input(file)
    options = resolve_options(settings)
    # Decode before loading the model: a bad input fails in milliseconds, not after seconds of model loading.
    from ..reading import decode

    decoded = decode(data, source)
    brief = pipeline.load(options=options)
    result = brief.translate(decoded.text, source=source, warnings=decoded.warnings)
    if not quiet:
        for warning in result.warnings:
            click.echo(f"brief: warning: {warning}", err=True)
    buffer = io.StringIO()
    WRITERS[fmt](result, buffer)
    if output:
        _write_atomically(Path(output), buffer.getvalue())
    else:
        click.echo(buffer.getvalue(), nl=False)
