"""`brief models …`: list, pull, verify and pin the models brief uses. Data goes to stdout, messages to stderr;
errors are raised as BriefError subclasses for the main CLI to turn into one line and an exit status."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import ModelNotFoundError, VerificationError
from .options import HELP, debug_option, without_command


def _table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows)


@click.group("models", invoke_without_command=True, context_settings=HELP)
@debug_option
@click.pass_context
def models(context: click.Context) -> None:
    """Pin, download and verify the models brief uses."""
    without_command(context)


@models.command("list", short_help="Show the models in the lock and whether they are cached.")
@debug_option
def list_cmd() -> None:
    """Show the models in the lock and whether they are in the cache."""
    from .. import models as m

    lock = m.read_lock()
    defaults = set(lock.defaults.values())
    rows = [("NAME", "ROLE", "REPO", "REVISION", "CACHED")]
    for model in lock.models.values():
        name = f"{model.name} (default)" if model.name in defaults else model.name
        revision = model.revision[:7] if len(model.revision) == 40 else model.revision
        rows.append((name, model.role, model.repo, revision, "yes" if m.is_cached(model) else "no"))
    click.echo(_table(rows))


@models.command("pull", short_help="Download and verify a model; print where it is.")
@debug_option
@click.argument("name")
def pull_cmd(name: str) -> None:
    """Download and verify NAME (a lock name or an owner/name repo id); print where it is."""
    from .. import models as m

    resolved = m.pull(name)
    for warning in resolved.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"{resolved.name or resolved.repo} verified at {resolved.revision}", err=True)
    click.echo(str(resolved.path))


@models.command("verify", short_help="Check a model's cached files against the lock or the hub.")
@debug_option
@click.argument("name")
@click.option("--rehash", is_flag=True, help="Hash every file again, ignoring remembered hashes.")
def verify_cmd(name: str, rehash: bool) -> None:
    """Check the cached files of NAME against the lock, or the hashes the hub publishes."""
    from .. import models as m

    reports = m.verify(name, rehash=rehash)
    click.echo(_table([("FILE", "STATUS", "DETAIL"), *((r.name, r.status, r.detail) for r in reports)]))
    bad = [r.name for r in reports if r.status == "mismatch"]
    if bad:
        raise VerificationError(f"{name}: {', '.join(bad)} do not match; delete them from the cache and run "
                                f"'brief models pull {name}'")
    missing = [r.name for r in reports if r.status == "missing"]
    if missing:
        raise ModelNotFoundError(f"{name}: {', '.join(missing)} not in the cache; run 'brief models pull {name}'")
    unverified = [r.name for r in reports if r.status == "unverified"]
    if unverified:
        click.echo(f"warning: {name}: {', '.join(unverified)} could not be checked (no pinned hash, hub "
                   "unreachable); run 'brief models lock' where huggingface.co is reachable", err=True)


@models.command("lock", short_help="Pin models to a hub commit, with sizes and sha256 hashes.")
@debug_option
@click.argument("names", nargs=-1)
@click.option("--lock-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The lock to write (default: $BRIEF_LOCK, else the one shipped with brief); if it does not exist "
              "yet, it starts from that one.")
def lock_cmd(names: tuple[str, ...], lock_file: Path | None) -> None:
    """Pin every model (or NAMES) to a commit with the sizes and sha256 hashes the hub publishes."""
    from .. import models as m

    path = lock_file or m.lock_file_path()
    source = path if path.exists() else m.lock_file_path()  # a new --lock-file starts from the lock in use
    lock = m.relock(m.read_lock(source), list(names) or None)
    m.write_lock(lock, path)
    for name in names or lock.models:
        model = lock.models[name]
        click.echo(f"{name}  {model.repo}@{model.revision[:7]}  {len(model.files)} files pinned")
    click.echo(f"wrote {path}", err=True)
