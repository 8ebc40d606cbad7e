"""brief over a Ray Data Dataset: connecting to a cluster, and `translate_dataset` (the callable class in rows.py
run by an actor pool). Ray is imported only here, and only when called."""

from __future__ import annotations

import logging
import socket
from typing import TYPE_CHECKING, Any

from ..errors import MissingExtraError, SetupError, first_line
from ..options import Options, resolve_options
from .rows import Batch, TranslateRows

if TYPE_CHECKING:  # pragma: no cover
    import ray.data

EXTRA = 'pip install "brief-translate[ray]"'
DEFAULT_ROWS_PER_BATCH = 8  # documents per actor call: enough to batch sentences across documents, small enough
                            # that results (and resumable outputs) arrive steadily


def require_ray() -> Any:
    """The `ray` module, with Ray Data (MissingExtraError naming the extra if either is missing)."""
    try:
        import ray
        import ray.data  # noqa: F401 - Ray Data is its own install ("ray[data]")
    except ImportError as exc:
        raise MissingExtraError(f"--executor ray needs brief's ray extra ({EXTRA}): {exc}") from None
    return ray


def quiet_ray_data() -> None:
    """Ray Data's progress bars off and its notices down to warnings: the driver's stderr carries brief's own."""
    import ray.data

    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.enable_operator_progress_bars = False
    for name in ("ray", "ray.data"):
        logging.getLogger(name).setLevel(logging.WARNING)
    for name in _NOTICES:
        logging.getLogger(name).setLevel(logging.ERROR)


# Ray's warnings that only say what brief chose: progress bars off, a new local instance's token authentication.
_NOTICES = ("ray.data._internal.progress", "ray._private.authentication.authentication_token_setup")


def connect(address: str | None = None, *, env_vars: dict[str, str] | None = None) -> bool:
    """Connect this process to a Ray cluster: `address` "auto" (the one started on this machine by `ray start`),
    "HOST:PORT", "ray://…", or None (RAY_ADDRESS if set, else a new local instance). True when this call
    connected (the caller shuts it down), False when Ray was already initialised. An unreachable cluster is a
    SetupError, said in one line within seconds."""
    ray = require_ray()
    if ray.is_initialized():
        return False
    if address and address != "auto" and "://" not in address:
        _check_reachable(address)
    settings: dict[str, Any] = {"log_to_driver": False, "logging_level": logging.WARNING}
    if env_vars:
        settings["runtime_env"] = {"env_vars": dict(env_vars)}
    if address is None:
        settings["include_dashboard"] = False
    for name in _NOTICES:
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        ray.init(address=address, **settings)
    except (ConnectionError, TimeoutError) as exc:
        where = f" at {address}" if address else ""
        reason = first_line(exc) or type(exc).__name__
        raise SetupError(f"cannot connect to a Ray cluster{where}: {reason} (start one with 'ray start --head', "
                         "or check --ray-address)") from None
    quiet_ray_data()
    return True


def check_resources(actors: int, cpus_per_actor: float, gpus_per_actor: float) -> None:
    """An actor pool the connected cluster cannot hold is a SetupError now (Ray Data would wait for it forever)."""
    ray = require_ray()
    resources = ray.cluster_resources()
    for name, flag, each in (("CPU", "--cpus-per-actor", cpus_per_actor), ("GPU", "--gpus-per-actor", gpus_per_actor)):
        have = float(resources.get(name, 0))
        if each and have < actors * each:
            raise SetupError(f"the Ray cluster has {have:g} {name}s; --actors {actors} with {flag} {each:g} needs "
                             f"{actors * each:g}")


def _check_reachable(address: str, timeout: float = 5.0) -> None:
    """A HOST:PORT that takes no connection fails now: ray.init would retry for a minute before saying so."""
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise SetupError(f"--ray-address {address}: expected auto, HOST:PORT or ray://HOST:PORT")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise SetupError(f"cannot reach a Ray cluster at {address} ({reason}); start one with 'ray start --head', "
                         "or check --ray-address") from None


def actor_options(options: Options | None, cpus_per_actor: float) -> Options:
    """The options each actor loads brief with: unless threads are set, as many as the CPUs it reserves (an actor
    using every core of its node would fight the node's other actors for them)."""
    options = options or resolve_options()
    if options.engine.threads is None:
        options = options.with_overrides(threads=max(1, int(cpus_per_actor)))
    return options


def map_settings(*, actors: int, cpus_per_actor: float, gpus_per_actor: float, batch_size: int) -> dict[str, Any]:
    """map_batches' arguments for brief's actor pool (the current API: compute=ActorPoolStrategy)."""
    import ray.data

    if actors < 1 or cpus_per_actor <= 0 or gpus_per_actor < 0 or batch_size < 1:
        raise ValueError("actors and batch_size must be >= 1, cpus_per_actor > 0, gpus_per_actor >= 0")
    settings: dict[str, Any] = {
        "compute": ray.data.ActorPoolStrategy(size=actors),
        "batch_size": batch_size,
        "batch_format": "numpy",
        "num_cpus": cpus_per_actor,
    }
    if gpus_per_actor:
        settings["num_gpus"] = gpus_per_actor
    return settings


class ArrowRows(TranslateRows):
    """TranslateRows giving Arrow tables of one fixed schema, so that every block of the output agrees (a batch
    whose rows all succeeded has no error to infer a type from)."""

    def __call__(self, batch: Batch) -> Any:
        import pyarrow as pa

        rows = super().__call__(batch)
        error = pa.struct([("kind", pa.string()), ("message", pa.string())])
        return pa.table({"id": pa.array(rows["id"]), "result": pa.array(rows["result"], pa.string()),
                         "error": pa.array(rows["error"], error)})


def translate_dataset(
    ds: ray.data.Dataset,
    *,
    actors: int = 1,
    cpus_per_actor: float = 1,
    gpus_per_actor: float = 0,
    batch_size: int = DEFAULT_ROWS_PER_BATCH,
    options: Options | None = None,
) -> ray.data.Dataset:
    """Translate a Dataset of rows {"id", "text", …} into rows {"id", "result", "error"} (see rows.py), on a pool
    of `actors` actors, each holding brief (models resolved and verified on its node) and reserving
    `cpus_per_actor` CPUs and `gpus_per_actor` GPUs; `batch_size` rows per call. Lazy, as Ray Data is."""
    require_ray()
    return ds.map_batches(
        ArrowRows,
        fn_constructor_kwargs={"options": actor_options(options, cpus_per_actor)},
        **map_settings(actors=actors, cpus_per_actor=cpus_per_actor, gpus_per_actor=gpus_per_actor,
                       batch_size=batch_size),
    )
