"""`brief summarize`: the brief of an English text (no translation)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import UsageError
from .environment import current_environment
from .options import HELP, debug_option, device_option, engine_options, quotes_option, summarizer_option
from .output import emit
from .progress import Reporter


@click.command("summarize", context_settings=HELP,
               short_help="Brief an English article: headline, summary, key quotes.")
@click.argument("file", required=False, metavar="[FILE]")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True, help="Output format.")
@summarizer_option
@device_option
@engine_options
@click.option("--max-new-tokens", type=click.IntRange(min=1),
              help="Cap on the summary's tokens [default: the model's generation_config].")
@quotes_option("Quotation marks around key quotes [default: curly].")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr.")
@debug_option
def summarize(file: str | None, fmt: str, quiet: bool, max_new_tokens: int | None, **settings: object) -> None:
    """Brief an English article (FILE, or '-' / piped stdin): headline, summary and key quotes.

    Every quotation in the brief is verbatim from the article.
    """
    from ..batch import BatchInput, read_source
    from ..briefer import load_briefer
    from ..engine import Decoding, LengthCap
    from ..options import resolve_options
    from ..writers import render
    from .translate_cmd import read_stdin

    environment = current_environment()
    options = resolve_options(settings, environ=environment.environ)
    if file is None and (sys.stdin is None or sys.stdin.isatty()):
        raise click.UsageError("no input: give a FILE, or '-' / pipe text on stdin")
    if file in (None, "-"):
        source = read_source(BatchInput("-", Path("stdin"), data=read_stdin()))
    else:
        if not Path(file).is_file():
            raise UsageError(f"no such file: {file}")
        source = read_source(BatchInput(file, Path(file), path=Path(file)))
    reporter = Reporter(1, quiet=quiet)
    briefer = load_briefer(options.summarizer, options.engine, notify=reporter.notice,
                           load_engine=environment.load_engine)
    decoding = Decoding(length_cap=LengthCap.fixed(max_new_tokens) if max_new_tokens else None)
    output = briefer.brief_english(source.text, source=source.name, warnings=source.warnings, decoding=decoding,
                                   style=options.quotes)
    for warning in output.warnings:
        reporter.warning(warning)
    emit(render(fmt, output))
