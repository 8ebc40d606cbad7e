"""Errors brief raises, and one table from any exception to the exit status and the one line a user sees."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum


class ExitStatus(IntEnum):
    """Process exit codes; documented in README and `brief --help`."""

    SUCCESS = 0
    INPUT_ERROR = 1  # an input could not be processed (empty, binary, undecodable, failed)
    USAGE_ERROR = 2  # bad option, missing input path
    MODEL_ERROR = 3  # model missing, unverifiable or unloadable; setup problem (an optional extra missing)
    CHECKS_FAILED = 4  # --strict and a fidelity check flagged something
    INTERRUPTED = 130  # Ctrl-C / SIGINT


class BriefError(Exception):
    """Base class: every error a user can cause or fix. `str(err)` is the one line shown."""

    @property
    def exit_status(self) -> ExitStatus:
        return describe_error(self).status


class InputError(BriefError):
    """The input cannot be processed: empty, binary, undecodable, unreadable."""


class UsageError(BriefError):
    """The command line or options are wrong."""


class ConfigError(BriefError):
    """A config file or BRIEF_* environment variable is invalid."""


class SetupError(BriefError):
    """What a run needs around brief is missing or unreachable: an optional extra, a Ray cluster."""


class MissingExtraError(SetupError):
    """An input or option needs an optional part of brief that is not installed (the message names the extra)."""


class ModelError(BriefError):
    """A model is missing, fails verification or cannot be loaded."""


class ModelNotFoundError(ModelError):
    """The model is neither a local directory nor in the cache, and cannot be downloaded. `short` says so in a few
    words (for a warning), `remedy` is the command that gets it."""

    def __init__(self, message: str, *, short: str | None = None, remedy: str | None = None) -> None:
        super().__init__(message)
        self.short = short or message
        self.remedy = remedy


class EngineUnsupportedError(ModelError):
    """An engine cannot run this model (CTranslate2 cannot convert or load it); another engine may."""


class VerificationError(ModelError):
    """A model file's size or sha256 does not match what is pinned or published."""


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message ("" for none)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else ""


@dataclass(frozen=True)
class ErrorReport:
    """What a front end says about an error: the exit status, a kind a script can branch on, and one line."""

    status: ExitStatus
    kind: str  # input | usage | config | model | setup | interrupted | internal
    message: str

    def to_dict(self) -> dict[str, str]:
        """The error object every front end writes: {"kind", "message"}."""
        return {"kind": self.kind, "message": self.message}


# Most specific first: the first row whose type matches decides.
_TABLE: tuple[tuple[type[BaseException], ExitStatus, str, Callable[[BaseException], str]], ...] = (
    (InputError, ExitStatus.INPUT_ERROR, "input", str),
    (UsageError, ExitStatus.USAGE_ERROR, "usage", str),
    (ConfigError, ExitStatus.USAGE_ERROR, "config", str),
    (ModelError, ExitStatus.MODEL_ERROR, "model", str),
    (SetupError, ExitStatus.MODEL_ERROR, "setup", str),
    (BriefError, ExitStatus.INPUT_ERROR, "input", str),
    (KeyboardInterrupt, ExitStatus.INTERRUPTED, "interrupted", lambda exc: "interrupted"),
    (FileNotFoundError, ExitStatus.INPUT_ERROR, "input", lambda exc: f"no such file: {exc.filename}"),  # type: ignore[attr-defined]
    (IsADirectoryError, ExitStatus.INPUT_ERROR, "input", lambda exc: f"is a directory: {exc.filename}"),  # type: ignore[attr-defined]
    (PermissionError, ExitStatus.INPUT_ERROR, "input", lambda exc: f"permission denied: {exc.filename}"),  # type: ignore[attr-defined]
    (ImportError, ExitStatus.MODEL_ERROR, "model",
     lambda exc: f"a required package is missing or broken: {exc} (reinstall brief)"),
    (MemoryError, ExitStatus.MODEL_ERROR, "model", lambda exc: "out of memory: try a smaller --batch-size"),
)
KINDS = tuple(dict.fromkeys([kind for _, _, kind, _ in _TABLE] + ["internal"]))


def describe_error(exc: BaseException) -> ErrorReport:
    """Exit status, kind and one clear line without a traceback, for any exception: one table for every front end."""
    for kind, status, name, message in _TABLE:
        if isinstance(exc, kind):
            return ErrorReport(status, name, message(exc))
    return ErrorReport(ExitStatus.INPUT_ERROR, "internal", f"unexpected error: {type(exc).__name__}: "
                       f"{first_line(exc)} (set BRIEF_DEBUG=1 for the traceback)")
