"""`brief summarize`: the brief of English articles (no translation), one or many, to stdout or to files."""

from __future__ import annotations

import click

from ..errors import ExitStatus
from .environment import current_environment
from .options import (
    HELP,
    batch_options,
    debug_option,
    device_option,
    engine_options,
    output_format,
    quotes_option,
    summarizer_option,
)
from .progress import Reporter
from .runs import plan_inputs, report


@click.command("summarize", context_settings=HELP,
               short_help="Brief an English article: headline, summary, key quotes.")
@batch_options("<stem>.brief.txt|json|jsonl|md")
@summarizer_option
@device_option
@engine_options
@click.option("--max-new-tokens", type=click.IntRange(min=1),
              help="Cap on the summary's tokens [default: the model's generation_config].")
@quotes_option("Quotation marks around key quotes [default: curly].")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr.")
@debug_option
def summarize(
    inputs: tuple[str, ...],
    fmt: str | None,
    output: str | None,
    out_dir: str | None,
    globs: tuple[str, ...],
    input_format: str,
    timeout: float,
    max_bytes: int,
    max_redirects: int,
    overwrite: bool,
    fail_fast: bool,
    quiet: bool,
    max_new_tokens: int | None,
    **settings: object,
) -> int:
    """Brief English articles: headline, summary and key quotes, every quotation verbatim from the article.

    INPUT is a file (text, Markdown or a saved web page), a directory (searched recursively), an http(s)
    URL of a page or a feed, or '-' for stdin; with no INPUT, piped stdin is read.
    A text that is not English is briefed with a warning ('brief translate' takes French).
    """
    from .. import batch
    from ..briefer import load_briefer
    from ..engine import Decoding, LengthCap
    from ..options import resolve_options
    from ..web.fetch import FetchSettings
    from ..writers import render

    environment = current_environment()
    reporter = Reporter(0, quiet=quiet, verb="summarized")
    fmt = output_format(fmt, output)
    options = resolve_options(settings, environ=environment.environ)
    plan = plan_inputs(inputs, fmt=fmt, output=output, out_dir=out_dir, globs=globs, input_format=input_format,
                       fetch=FetchSettings(timeout, max_bytes, max_redirects), product="brief")
    reporter.total = len(plan.documents)
    briefer = load_briefer(options.summarizer, options.engine, notify=reporter.notice,
                           load_engine=environment.load_engine)
    for warning in briefer.warnings:  # about the run, not a document: said once
        reporter.warning(warning)
    decoding = Decoding(length_cap=LengthCap.fixed(max_new_tokens) if max_new_tokens else None)

    def process(documents, prepare):
        return briefer.brief_many(documents, prepare, decoding=decoding, style=options.quotes)

    items = batch.run_process(process, plan.documents, render=lambda result: render(fmt, result),
                              out_dir=plan.out_dir, fmt=fmt, product="brief", overwrite=overwrite,
                              fail_fast=fail_fast or not plan.several)
    report(items, plan, reporter, briefer.warnings)
    return ExitStatus.INPUT_ERROR if reporter.failed else ExitStatus.SUCCESS
