"""The `brief` command: parse arguments, call the library, map errors to exit codes. No pipeline logic here."""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from typing import Any

import click

from .. import __version__
from ..errors import ExitStatus, describe_error
from .environment import Environment
from .models_cmd import models
from .options import HELP, debug_option, without_command
from .output import StdoutClosed
from .serve_cmd import serve
from .summarize_cmd import summarize
from .translate_cmd import translate

__all__ = ["Environment", "cli", "main"]

EXIT_CODES_HELP = """\b
Exit codes:
  0    success
  1    an input could not be processed (empty, binary, undecodable);
       in a batch, at least one input failed
  2    usage error (bad option, missing input path, no command)
  3    model or setup error (model missing, unverified, unloadable)
  4    --strict and a fidelity check flagged something
  130  interrupted
Set BRIEF_DEBUG=1 (or pass --debug) to see tracebacks."""

# Settings the `brief` process makes for itself, before any library reads them (a library never sets them):
# idle OpenMP threads sleep instead of spinning (on a busy machine spinning threads steal the cores other
# processes need), and transformers keeps its progress bars and notices off stderr, which carries brief's own.
PROCESS_DEFAULTS = {
    "OMP_WAIT_POLICY": "PASSIVE", "TRANSFORMERS_VERBOSITY": "error", "HF_HUB_DISABLE_PROGRESS_BARS": "1",
}


def _debug_requested(args: list[str] | None) -> bool:
    return os.environ.get("BRIEF_DEBUG", "") not in ("", "0") or "--debug" in (args or sys.argv[1:])


def _say(message: str) -> None:
    with contextlib.suppress(OSError):
        click.echo(f"brief: {message}", err=True)


def _silence_stdout() -> None:
    """After EPIPE, point stdout at /dev/null so the interpreter's final flush does not raise again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def configure_process() -> None:
    """The settings the `brief` process makes for itself (PROCESS_DEFAULTS; a user's own values stand). A library
    already imported read them at its import: it is told directly."""
    for name, value in PROCESS_DEFAULTS.items():
        os.environ.setdefault(name, value)
    if "transformers" in sys.modules:
        from transformers.utils import logging as transformers_logging

        if os.environ["TRANSFORMERS_VERBOSITY"] == "error":
            transformers_logging.set_verbosity_error()
        if os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] == "1":
            transformers_logging.disable_progress_bar()


class BriefGroup(click.Group):
    """A click group whose every failure ends as one line on stderr and a documented exit status."""

    def main(self, args: Any = None, prog_name: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        configure_process()
        arg_list = list(args) if args is not None else None
        debug = _debug_requested(arg_list)
        try:
            result = super().main(arg_list, prog_name or "brief", standalone_mode=False, **extra)
            code = int(result) if isinstance(result, int) else ExitStatus.SUCCESS
        except click.exceptions.Exit as exc:
            code = exc.exit_code
        except click.exceptions.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
            _say(f"error: {exc.format_message()}{hint}")
            code = ExitStatus.USAGE_ERROR
        except (click.exceptions.Abort, KeyboardInterrupt):
            _say("interrupted")
            code = ExitStatus.INTERRUPTED
        except (StdoutClosed, BrokenPipeError):
            _silence_stdout()  # the reader went away (`brief … | head`): not an error of ours
            code = ExitStatus.SUCCESS
        except Exception as exc:  # noqa: BLE001 - every error becomes one line and an exit status
            if debug:
                traceback.print_exc()
            report = describe_error(exc)
            code = report.status
            _say(f"error: {report.message}")
        if not standalone_mode:
            return code
        sys.exit(int(code))


@click.group(cls=BriefGroup, epilog=EXIT_CODES_HELP, context_settings=HELP, invoke_without_command=True)
@click.version_option(__version__, "-V", "--version", prog_name="brief")
@debug_option
@click.pass_context
def cli(context: click.Context) -> None:
    """brief: translate French news articles into English with every quotation intact.

    \b
    brief translate article.txt                 brief, then the English translation, on stdout
    brief translate article.txt --format json   translation, sentences, quotes, brief, models
    brief translate folder/ --out-dir out/      many articles, one model load, resumable
    brief summarize english.txt                 headline, summary, key quotes of English text
    brief models list                           pinned models and whether they are cached
    brief serve                                 HTTP on 127.0.0.1:5000: LibreTranslate's API, brief's, a page
    """
    without_command(context)


cli.add_command(translate)
cli.add_command(summarize)
cli.add_command(models)
cli.add_command(serve)


def main() -> None:
    """Console-script entry point."""
    cli()
