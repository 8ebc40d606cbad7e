"""`brief translate`: one article or many, to stdout or to an output folder."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..errors import ExitStatus, UsageError, describe_error
from .environment import current_environment
from .options import (
    FORMATS,
    HELP,
    debug_option,
    device_option,
    engine_options,
    output_format,
    quotes_option,
    summarizer_option,
)
from .output import emit
from .progress import Reporter


@click.command(context_settings=HELP, short_help="Translate French articles into English, quotations intact.")
@click.argument("inputs", nargs=-1, metavar="[INPUT]...")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS),
              help="Output format (jsonl: one compact JSON object per line, for several documents) [default: from "
                   "-o's extension (.json, .jsonl, .md, .txt), else text].")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file (one input only).")
@click.option("--out-dir", type=click.Path(file_okay=False),
              help="Write one file per input here, mirroring the input tree (<stem>.en.txt|json|jsonl|md).")
@click.option("--glob", "globs", multiple=True, help="File patterns for directory inputs [default: *.txt, *.md].")
@click.option("--input-format", type=click.Choice(["text", "jsonl"]), default="text", show_default=True,
              help="jsonl: each line is {\"id\": …, \"text\": …}; other fields are echoed under \"input\".")
@click.option("--overwrite", is_flag=True, help="Redo inputs whose output already exists in --out-dir.")
@click.option("--fail-fast", is_flag=True, help="Stop at the first input that fails.")
@click.option("--translator", help="A models.lock name, a Hugging Face repo id, or a local model directory.")
@device_option
@click.option("--beams", type=click.IntRange(min=1), help="Beam size [default: the model's, 4 for opus-mt].")
@click.option("--batch-size", type=click.IntRange(min=1),
              help="Sentences per model call [default: a whole pass, shared out among the engine's workers].")
@click.option("--max-new-tokens", metavar="CAP",
              help="Generated tokens per model input: N, or Rx / Rx+N relative to its source tokens "
                   "[default: 2x+16].")
@quotes_option("English quotation marks [default: curly].")
@engine_options
@click.option("--brief/--no-brief", default=None,
              help="Write a brief (headline, summary, key quotes) before the translation [default: on].")
@summarizer_option
@click.option("--retries", type=click.IntRange(min=0),
              help="Re-translations of a sentence that loops, echoes French or has an odd length [default: 1; 0: off].")
@click.option("--strict", is_flag=True, help="Exit 4 when any fidelity check flags something.")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr (warnings stay in JSON output).")
@debug_option
def translate(
    inputs: tuple[str, ...],
    fmt: str | None,
    output: str | None,
    out_dir: str | None,
    globs: tuple[str, ...],
    input_format: str,
    overwrite: bool,
    fail_fast: bool,
    strict: bool,
    quiet: bool,
    **settings: object,
) -> int:
    """Translate French articles into English.

    INPUT is a file, a directory (searched recursively), or '-' for stdin; with no INPUT, piped stdin is read.
    Every quotation in the source comes out as one English quotation, in the same order and place, and a brief
    (headline, summary, key quotes) comes first unless --no-brief. Each sentence is checked for lost numbers and
    names, loops and untranslated French. Results go to stdout (or --out-dir / -o); warnings, errors and the
    summary go to stderr.
    """
    from .. import batch
    from ..checks import summary_line
    from ..options import resolve_options
    from ..pipeline import load
    from ..writers import render

    environment = current_environment()
    reporter = Reporter(0, quiet=quiet)  # from the start: the closing summary's time is the whole run's
    fmt = output_format(fmt, output)
    if not inputs:
        if sys.stdin is None or sys.stdin.isatty():
            raise click.UsageError("no input: give a FILE or directory, or '-' / pipe text on stdin")
        inputs = ("-",)
    if inputs.count("-") > 1:
        raise UsageError("'-' (stdin) can be given only once")
    options = resolve_options(settings, environ=environment.environ)  # bad settings fail before any input is read
    target_dir = Path(out_dir) if out_dir else None
    stdin = read_stdin() if "-" in inputs else None
    documents = batch.discover(
        inputs, globs=globs or batch.DEFAULT_GLOBS, input_format=input_format, out_dir=target_dir, stdin=stdin
    )
    several = len(documents) != 1 or input_format == "jsonl" or any(Path(p).is_dir() for p in inputs if p != "-")
    if not documents:
        raise UsageError("no input files found (directories are searched for --glob patterns, default *.txt *.md)")
    if output and several:
        raise UsageError("-o/--output takes one input; use --out-dir for several")
    if several and not target_dir and fmt == "json":
        raise UsageError("--format json prints one document; use --format jsonl for several (or --out-dir)")
    if target_dir:
        batch.check_outputs(documents, target_dir, fmt)
        batch.remove_stale_temporaries(target_dir)
    if not several:
        # One input: read and decode it before loading the model, so a bad input fails in milliseconds.
        batch.read_source(documents[0])

    reporter.total = len(documents)
    pipeline = load(options=options, notify=reporter.notice, load_engine=environment.load_engine)
    for warning in pipeline.load_warnings:  # about the run, not a document: said once
        reporter.warning(warning)
    flagged_any = False
    for item in batch.run(
        pipeline,
        documents,
        render=lambda result: render(fmt, result),
        out_dir=target_dir,
        fmt=fmt,
        overwrite=overwrite,
        fail_fast=fail_fast or not several,
    ):
        if item.skipped:
            reporter.skip(f"{item.input.label}: {item.output} exists (--overwrite redoes it)")
            if item.recorded is None:
                reporter.warning(f"{item.output}: no record of its checks (written by an older brief); "
                                 "--strict does not count it")
            flagged_any = flagged_any or bool(item.recorded and item.recorded.flagged)
            continue
        if item.error is not None:
            reporter.error(str(item.error))
            if fmt == "jsonl" and not target_dir:  # a record in its place, so that tools can join by id
                record = batch.failure_record(item.input, describe_error(item.error).to_dict())
                emit(json.dumps(record, ensure_ascii=False) + "\n")
            continue
        result = item.result
        assert result is not None
        for warning in result.warnings:
            if warning not in pipeline.load_warnings:
                reporter.warning(warning)
        if result.flagged:
            flagged_any = True
            reporter.warning(f"{item.input.label}: {summary_line(result.flagged)}")
        reporter.translated(len(result.sentences))
        if target_dir:
            continue
        text = render(fmt, result)
        if output:
            batch.write_atomically(Path(output), text)
            continue
        if several and fmt in ("text", "markdown"):
            header = f"==> {result.source if result.record_id is None else result.record_id} <==\n"
            text = ("\n" if reporter.done > 1 else "") + header + text
        emit(text)
    reporter.summary(always=several)
    if reporter.failed:
        return ExitStatus.INPUT_ERROR
    return ExitStatus.CHECKS_FAILED if strict and flagged_any else ExitStatus.SUCCESS


def read_stdin() -> bytes:
    stream = sys.stdin
    if stream is None:
        return b""
    return stream.buffer.read() if hasattr(stream, "buffer") else stream.read().encode("utf-8")
