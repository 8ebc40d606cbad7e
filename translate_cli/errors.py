"""Errors brief raises, and one table from any exception to the exit status and the one line a user sees."""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum


class ExitStatus(IntEnum):
    """Process exit codes; documented in README and `brief --help`."""

    SUCCESS = 0
    INPUT_ERROR = 1  # an input could not be processed (empty, binary, undecodable, failed)
    USAGE_ERROR = 2  # bad option, missing input path
    MODEL_ERROR = 3  # model missing, unverifiable or unloadable; setup problem
    CHECKS_FAILED = 4  # --strict and a fidelity check flagged something
    INTERRUPTED = 130  # Ctrl-C / SIGINT


class BriefError(Exception):
    """Base class: every error a user can cause or fix. `str(err)` is the one line shown."""

    @property
    def exit_status(self) -> ExitStatus:
        return describe_error(self)[0]


class InputError(BriefError):
    """The input cannot be processed: empty, binary, undecodable, unreadable."""


class UsageError(BriefError):
    """The command line or options are wrong."""


class ConfigError(BriefError):
    """A config file or BRIEF_* environment variable is invalid."""


class ModelError(BriefError):
    """A model is missing, fails verification or cannot be loaded."""


class ModelNotFoundError(ModelError):
    """The model is neither a local directory nor in the cache, and cannot be downloaded."""


class VerificationError(ModelError):
    """A model file's size or sha256 does not match what is pinned or published."""


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else ""


# Most specific first: the first row whose type matches decides.
_TABLE: tuple[tuple[type[BaseException], ExitStatus, Callable[[BaseException], str]], ...] = (
    (InputError, ExitStatus.INPUT_ERROR, str),
    (UsageError, ExitStatus.USAGE_ERROR, str),
    (ConfigError, ExitStatus.USAGE_ERROR, str),
    (ModelError, ExitStatus.MODEL_ERROR, str),
    (BriefError, ExitStatus.INPUT_ERROR, str),
    (KeyboardInterrupt, ExitStatus.INTERRUPTED, lambda exc: "interrupted"),
    (FileNotFoundError, ExitStatus.INPUT_ERROR, lambda exc: f"no such file: {exc.filename}"),  # type: ignore[attr-defined]
    (IsADirectoryError, ExitStatus.INPUT_ERROR, lambda exc: f"is a directory: {exc.filename}"),  # type: ignore[attr-defined]
    (PermissionError, ExitStatus.INPUT_ERROR, lambda exc: f"permission denied: {exc.filename}"),  # type: ignore[attr-defined]
    (ImportError, ExitStatus.MODEL_ERROR,
     lambda exc: f"a required package is missing or broken: {exc} (reinstall brief)"),
    (MemoryError, ExitStatus.MODEL_ERROR, lambda exc: "out of memory: try a smaller --batch-size"),
)


def describe_error(exc: BaseException) -> tuple[ExitStatus, str]:
    """(exit status, one clear line without a traceback) for any exception: one table for the whole CLI."""
    for kind, status, message in _TABLE:
        if isinstance(exc, kind):
            return status, message(exc)
    return ExitStatus.INPUT_ERROR, (f"unexpected error: {type(exc).__name__}: {_first_line(exc)} "
                                    "(set BRIEF_DEBUG=1 for the traceback)")
