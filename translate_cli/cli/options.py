"""Options several commands share, declared once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

HELP = {"help_option_names": ["-h", "--help"]}

# The choices of the library's enums and writers, spelled out so that `brief --help` loads none of the library's
# modules (tests/test_cli.py holds them equal to options.Backend, options.Precision, QuoteStyle and writers.FORMATS).
BACKENDS = ("auto", "torch", "ctranslate2")
PRECISIONS = ("auto", "float32")
QUOTE_STYLES = ("curly", "straight", "guillemets")
FORMATS = ("text", "json", "jsonl", "markdown")


def short_usage(context: click.Context) -> str:
    """What `brief` (or `brief models`) alone prints: the commands in a line each, and where to read more."""
    group = context.command
    assert isinstance(group, click.Group)
    names = group.list_commands(context)
    width = max(len(name) for name in names)
    lines = [f"Usage: {context.command_path} COMMAND [ARGS]...", "", "Commands:"]
    for name in names:
        command = group.get_command(context, name)
        lines.append(f"  {name.ljust(width)}  {command.get_short_help_str(200) if command else ''}")
    lines += ["", f"See '{context.command_path} --help', or '{context.command_path} COMMAND --help'."]
    return "\n".join(lines)


def without_command(context: click.Context) -> None:
    """A group run without a command: its short usage on stderr, exit 2 (a usage error, not a failure)."""
    if context.invoked_subcommand is None:
        click.echo(short_usage(context), err=True)
        context.exit(2)


def debug_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """--debug on every command (`brief translate --debug` as `brief --debug translate`): the group reads it."""
    return click.option("--debug", is_flag=True, expose_value=False,
                        help="Show tracebacks for errors (same as BRIEF_DEBUG=1).")(command)


def device_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--device", help="auto | cpu | cuda | cuda:N  [default: auto]")(command)


def engine_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--backend, --precision and --threads: how the models run, the same for every command that loads one."""
    for option in reversed((
        click.option("--backend", type=click.Choice(BACKENDS),
                     help="Engine: auto = CTranslate2 when installed (int8 CPU, int8_float16 GPU), else torch."),
        click.option("--precision", type=click.Choice(PRECISIONS),
                     help="auto: int8 weights on CPU, half precision on GPU (fast); float32: full precision "
                          "[default: auto]."),
        click.option("--threads", type=click.IntRange(min=1),
                     help="CPU threads for the models [default: every physical core]."),
    )):
        command = option(command)
    return command


def summarizer_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--summarizer",
                        help="auto | extractive | a models.lock name | a repo id | a local directory.")(command)


def quotes_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option("--quotes", type=click.Choice(QUOTE_STYLES), help=help_text)


# An output file's extension names its format, as curl's -o or ffmpeg's output name does.
_EXTENSIONS = {".txt": "text", ".json": "json", ".jsonl": "jsonl", ".md": "markdown", ".markdown": "markdown"}


def output_format(fmt: str | None, output: str | None) -> str:
    """--format, else the format -o's extension names, else text; the two disagreeing is a usage error."""
    from pathlib import PurePath

    implied = _EXTENSIONS.get(PurePath(output).suffix.lower()) if output else None
    if fmt and implied and fmt != implied:
        raise click.UsageError(f"-o {output} names {implied} output but --format is {fmt}: drop one of them")
    return fmt or implied or "text"


def batch_options(suffixes: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """INPUT... and the input and output options of every command that runs a batch (translate, summarize);
    `suffixes` names its --out-dir files."""
    options = (
        click.argument("inputs", nargs=-1, metavar="[INPUT]..."),
        click.option("-f", "--format", "fmt", type=click.Choice(FORMATS),
                     help="Output format (jsonl: one compact JSON object per line, for several documents) "
                          "[default: from -o's extension (.json, .jsonl, .md, .txt), else text]."),
        click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file (one input only)."),
        click.option("--out-dir", type=click.Path(file_okay=False),
                     help=f"Write one file per input here, mirroring the input tree ({suffixes})."),
        click.option("--glob", "globs", multiple=True,
                     help="File patterns for directory inputs [default: *.txt, *.md, *.html, *.htm]."),
        click.option("--input-format", type=click.Choice(["auto", "text", "html", "markdown", "jsonl", "urls", "feed"]),
                     default="auto", show_default=True,
                     help="auto: an http(s) URL is fetched, a web page (.html/.htm, or content starting <!DOCTYPE "
                          "html> or <html>) gives its article and an RSS/Atom feed its items' pages (web extra), "
                          "a .md/.markdown file is Markdown, anything else is text; jsonl: each line is "
                          '{"id": …, "text": …}, other fields echoed under "input"; urls: a file of URLs, one per '
                          "line; feed: a feed file."),
        click.option("--timeout", type=click.FloatRange(min=0.001), default=20.0, show_default=True,
                     help="Seconds a URL's whole answer may take."),
        click.option("--max-bytes", type=click.IntRange(min=1), default=10 * 1024 * 1024, show_default=True,
                     help="Largest page or feed fetched, in bytes."),
        click.option("--max-redirects", type=click.IntRange(min=0), default=5, show_default=True,
                     help="Redirects followed per URL."),
        click.option("--overwrite", is_flag=True, help="Redo inputs whose output already exists in --out-dir."),
        click.option("--fail-fast", is_flag=True, help="Stop at the first input that fails."),
    )

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def executor_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--executor and the Ray settings: where a batch's documents are translated."""
    for option in reversed((
        click.option("--executor", type=click.Choice(["local", "ray"]), default="local", show_default=True,
                     help="Where documents are translated: this process, or the actors of a Ray cluster (ray "
                          "extra); outputs are the same, written by this process."),
        click.option("--ray-address", metavar="auto|HOST:PORT",
                     help="The Ray cluster: auto (the one 'ray start' runs here), HOST:PORT or ray://HOST:PORT "
                          "[default: RAY_ADDRESS, else a new local instance]."),
        click.option("--actors", type=click.IntRange(min=1),
                     help="Ray actors, each loading the models once [default: 1]."),
        click.option("--cpus-per-actor", type=click.FloatRange(min=0, min_open=True),
                     help="CPUs each actor reserves, and the threads its models use [default: 1]."),
        click.option("--gpus-per-actor", type=click.FloatRange(min=0),
                     help="GPUs each actor reserves (e.g. 1, or 0.5 to share one) [default: 0]."),
    )):
        command = option(command)
    return command
