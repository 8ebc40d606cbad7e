"""`brief serve`: brief over HTTP (the serve extra: FastAPI + uvicorn). LibreTranslate's API for the tools that
already speak it, brief's own /v1/translate for the full JSON, and a page at / for people.

    >>> from translate_cli.serve import serve
    >>> serve(translate_cli.load(), host="127.0.0.1", port=5000)

Importing this package imports no web framework; `serve()` and `create_app()` do.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..errors import MissingExtraError, SetupError

if TYPE_CHECKING:  # pragma: no cover
    from ..pipeline import Pipeline
    from .app import ServerSettings

EXTRA = 'pip install "brief-translate[serve]"'


def require_web_stack() -> None:
    try:
        import fastapi  # noqa: F401
        import multipart  # noqa: F401 - form bodies (python-multipart)
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise MissingExtraError(f"brief serve needs brief's serve extra ({EXTRA}): {exc}") from None


def log_config() -> dict[str, Any]:
    """uvicorn's logging with its access log on stderr too (its default writes it to stdout)."""
    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = {**LOGGING_CONFIG, "handlers": {name: dict(handler) for name, handler in
                                                             LOGGING_CONFIG["handlers"].items()}}
    for handler in config["handlers"].values():
        handler["stream"] = "ext://sys.stderr"
    return config


def _server_class() -> Any:
    import uvicorn

    class Server(uvicorn.Server):
        """uvicorn's server, except that a SIGINT or SIGTERM, once the shutdown it asks for is done, ends `brief
        serve` with exit 0 (uvicorn raises the signal again, so SIGTERM would kill the process)."""

        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            if threading.current_thread() is not threading.main_thread():
                yield
                return
            previous = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
            try:
                yield
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)

    return Server


def serve(pipeline: Pipeline, *, host: str = "127.0.0.1", port: int = 5000, settings: ServerSettings | None = None,
          max_queue: int = 64, quiet: bool = False, on_ready: Any = None) -> None:
    """Serve until SIGINT/SIGTERM: requests in flight finish (up to the request time limit), then the models'
    thread stops."""
    require_web_stack()
    import uvicorn

    _Server = _server_class()

    from .app import ServerSettings, create_app
    from .service import TranslationService

    settings = settings or ServerSettings()
    service = TranslationService(pipeline, max_queue=max_queue)
    app = create_app(service, settings)
    config = uvicorn.Config(app, host=host, port=port, log_config=log_config(),
                            log_level="warning" if quiet else "info", access_log=not quiet,
                            timeout_graceful_shutdown=max(1, int(settings.request_timeout)), lifespan="off")
    server = _Server(config)
    try:
        server.run()
    except SystemExit:
        if server.started:
            raise
        # uvicorn exits when it cannot bind, having said why on the line before: brief's one line and exit 3
        raise SetupError(f"could not listen on {host}:{port}") from None
    finally:
        service.close(timeout=settings.request_timeout)


__all__ = ["require_web_stack", "serve"]
