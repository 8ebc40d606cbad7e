"""`brief summarize`: the brief of an English text (no translation)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..errors import UsageError
from ..options import QUOTE_STYLES
from .translate_cmd import engine_options


@click.command("summarize", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("file", required=False, metavar="[FILE]")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True, help="Output format.")
@click.option("--summarizer", help="auto | extractive | a models.lock name | a repo id | a local directory.")
@click.option("--device", help="auto | cpu | cuda | cuda:N  [default: auto]")
@engine_options
@click.option("--max-new-tokens", type=click.IntRange(min=1),
              help="Cap on the summary's tokens [default: the model's generation_config].")
@click.option("--quotes", type=click.Choice(QUOTE_STYLES), help="Quotation marks around key quotes [default: curly].")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr.")
def summarize(file: str | None, fmt: str, quiet: bool, max_new_tokens: int | None, **settings: object) -> None:
    """Brief an English article (FILE, or '-' / piped stdin): headline, summary and key quotes.

    Every quotation in the brief is verbatim from the article.
    """
    from ..batch import BatchInput, read_source
    from ..options import resolve_options
    from ..pipeline import use_ctranslate2
    from ..summarise import load_summariser, result_from_english, summarise_result
    from ..writers import brief_markdown, brief_text
    from .translate_cmd import _read_stdin

    options = resolve_options(settings)
    if file is None and (sys.stdin is None or sys.stdin.isatty()):
        raise click.UsageError("no input: give a FILE, or '-' / pipe text on stdin")
    if file in (None, "-"):
        source = read_source(BatchInput("-", Path("stdin"), data=_read_stdin()))
    else:
        if not Path(file).is_file():
            raise UsageError(f"no such file: {file}")
        source = read_source(BatchInput(file, Path(file), path=Path(file)))
    summariser, described, warnings = load_summariser(
        options.summarizer,
        device=options.device,
        max_new_tokens=max_new_tokens,
        ctranslate2=use_ctranslate2(options.backend),
        precision=options.precision,
        threads=options.threads or None,
    )
    result = result_from_english(source.text, source=source.source)
    brief = summarise_result(result, summariser)
    if not quiet:
        for warning in (*source.warnings, *warnings, *brief.warnings):
            click.echo(f"brief: warning: {warning}", err=True)
    if fmt == "json":
        data = {"source": source.source, "brief": brief.to_dict(), "models": {"summarizer": described},
                "warnings": [*source.warnings, *warnings, *brief.warnings]}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    elif fmt == "markdown":
        click.echo(brief_markdown(brief, options.quotes), nl=False)
    else:
        click.echo(brief_text(brief, options.quotes), nl=False)
