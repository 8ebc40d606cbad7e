"""Errors brief raises, the exit status each maps to, and the one line a user sees for each."""

from __future__ import annotations

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

    exit_status: ExitStatus = ExitStatus.INPUT_ERROR


class InputError(BriefError):
    """The input cannot be processed: empty, binary, undecodable, unreadable."""

    exit_status = ExitStatus.INPUT_ERROR


class UsageError(BriefError):
    """The command line or options are wrong."""

    exit_status = ExitStatus.USAGE_ERROR


class ModelError(BriefError):
    """A model is missing, fails verification or cannot be loaded."""

    exit_status = ExitStatus.MODEL_ERROR


class ModelNotFoundError(ModelError):
    """The model is neither a local directory nor in the cache, and cannot be downloaded."""


class VerificationError(ModelError):
    """A model file's size or sha256 does not match what is pinned or published."""


class ConfigError(BriefError):
    """A config file or BRIEF_* environment variable is invalid."""

    exit_status = ExitStatus.USAGE_ERROR


def exit_status_for(exc: BaseException) -> ExitStatus:
    """The exit status for any exception: one table for the whole CLI."""
    if isinstance(exc, BriefError):
        return exc.exit_status
    if isinstance(exc, KeyboardInterrupt):
        return ExitStatus.INTERRUPTED
    if isinstance(exc, (FileNotFoundError, IsADirectoryError, PermissionError)):
        return ExitStatus.INPUT_ERROR
    if isinstance(exc, (ImportError, MemoryError)):
        return ExitStatus.MODEL_ERROR
    return ExitStatus.INPUT_ERROR


def message_for(exc: BaseException) -> str:
    """One clear line describing `exc`, without a traceback."""
    if isinstance(exc, BriefError):
        return str(exc)
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    if isinstance(exc, FileNotFoundError):
        return f"no such file: {exc.filename}"
    if isinstance(exc, IsADirectoryError):
        return f"is a directory: {exc.filename}"
    if isinstance(exc, PermissionError):
        return f"permission denied: {exc.filename}"
    if isinstance(exc, ImportError):
        return f"a required package is missing or broken: {exc} (reinstall brief)"
    if isinstance(exc, MemoryError):
        return "out of memory: try a smaller --batch-size"
    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"unexpected error: {type(exc).__name__}: {first_line} (set BRIEF_DEBUG=1 for the traceback)"
