"""What the commands take from outside the command line, in one injectable object (as httpie's Environment):
where settings are read from and how engines are loaded. Tests pass their own (`CliRunner().invoke(cli, args,
obj=Environment(load_engine=fake))`); a real run uses the defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import EngineLoader


@dataclass(frozen=True)
class Environment:
    load_engine: EngineLoader | None = None  # None: translate_cli.backends.load_engine
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)  # BRIEF_* settings are read here


def current_environment() -> Environment:
    """The Environment the command line was started with (the default one when none was given)."""
    context = click.get_current_context()
    found = context.find_object(Environment)
    return found if found is not None else Environment()
