"""`brief translate`: one article or many, to stdout or to an output folder."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import click

from ..errors import ExitStatus
from .environment import current_environment
from .options import (
    HELP,
    batch_options,
    debug_option,
    device_option,
    engine_options,
    executor_options,
    output_format,
    quotes_option,
    summarizer_option,
)
from .output import stdout_for_data_only
from .progress import Reporter
from .runs import Plan, plan_inputs, report

if TYPE_CHECKING:  # pragma: no cover
    from ..options import Options


@click.command(context_settings=HELP, short_help="Translate French articles into English, quotations intact.")
@batch_options("<stem>.en.txt|json|jsonl|md")
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
@executor_options
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
    timeout: float,
    max_bytes: int,
    max_redirects: int,
    overwrite: bool,
    fail_fast: bool,
    executor: str,
    ray_address: str | None,
    actors: int | None,
    cpus_per_actor: float | None,
    gpus_per_actor: float | None,
    strict: bool,
    quiet: bool,
    **settings: object,
) -> int:
    """Translate French articles into English.

    INPUT is a file (text, Markdown or a saved web page), a directory (searched recursively), an http(s)
    URL of a page or a feed, or '-' for stdin; with no INPUT, piped stdin is read.
    Every quotation in the source comes out as one English quotation, in the same order and place, and a brief
    (headline, summary, key quotes) comes first unless --no-brief. Each sentence is checked for lost numbers and
    names, loops and untranslated French. Results go to stdout (or --out-dir / -o); warnings, errors and the
    summary go to stderr.
    """
    from .. import batch
    from ..options import resolve_options
    from ..pipeline import load
    from ..web.fetch import FetchSettings
    from ..writers import render

    environment = current_environment()
    reporter = Reporter(0, quiet=quiet)  # from the start: the closing summary's time is the whole run's
    fmt = output_format(fmt, output)
    options = resolve_options(settings, environ=environment.environ)  # bad settings fail before any input is read
    ray_settings = {"--ray-address": ray_address, "--actors": actors, "--cpus-per-actor": cpus_per_actor,
                    "--gpus-per-actor": gpus_per_actor}
    if executor == "local" and any(value is not None for value in ray_settings.values()):
        given = next(name for name, value in ray_settings.items() if value is not None)
        raise click.UsageError(f"{given} needs --executor ray")
    if executor == "ray":  # a missing extra fails before any input is read or fetched
        from ..ray.dataset import require_ray

        require_ray()
    plan = plan_inputs(inputs, fmt=fmt, output=output, out_dir=out_dir, globs=globs, input_format=input_format,
                       fetch=FetchSettings(timeout, max_bytes, max_redirects), product="translation")
    reporter.total = len(plan.documents)
    if executor == "ray":
        flagged_any = _on_ray(plan, options, reporter, overwrite=overwrite, fail_fast=fail_fast, address=ray_address,
                              actors=actors or 1, cpus_per_actor=cpus_per_actor or 1,
                              gpus_per_actor=gpus_per_actor or 0, environ=environment.environ)
        return _status(reporter, strict and flagged_any)
    pipeline = load(options=options, notify=reporter.notice, load_engine=environment.load_engine)
    for warning in pipeline.load_warnings:  # about the run, not a document: said once
        reporter.warning(warning)
    items = batch.run(pipeline, plan.documents, render=lambda result: render(fmt, result), out_dir=plan.out_dir,
                      fmt=fmt, overwrite=overwrite, fail_fast=fail_fast or not plan.several)
    flagged_any = report(items, plan, reporter, pipeline.load_warnings)
    return _status(reporter, strict and flagged_any)


def _status(reporter: Reporter, checks_failed: bool) -> int:
    if reporter.failed:
        return ExitStatus.INPUT_ERROR
    return ExitStatus.CHECKS_FAILED if checks_failed else ExitStatus.SUCCESS


def _on_ray(plan: Plan, options: Options, reporter: Reporter, *, overwrite: bool, fail_fast: bool,
            environ: Mapping[str, str], **cluster: Any) -> bool:
    """The planned batch translated by a Ray actor pool; outputs written and reported here, as in a local run."""
    from .. import batch
    from ..ray.executor import RayExecutor, worker_environment
    from ..writers import render

    executor = RayExecutor(options, on_warning=reporter.warning, env_vars=worker_environment(environ), **cluster)
    with stdout_for_data_only(), executor:
        items = batch.run_process(executor.process, plan.documents, render=lambda result: render(plan.fmt, result),
                                  out_dir=plan.out_dir, fmt=plan.fmt, overwrite=overwrite,
                                  fail_fast=fail_fast or not plan.several)
        return report(items, plan, reporter, executor.load_warnings)
