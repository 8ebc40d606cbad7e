"""`brief serve`: load the models once and answer HTTP (the serve extra)."""

from __future__ import annotations

from pathlib import Path

import click

from .environment import current_environment
from .options import HELP, debug_option, device_option, engine_options, quotes_option, summarizer_option
from .progress import Reporter


@click.command("serve", context_settings=HELP,
               short_help="Serve brief over HTTP: LibreTranslate's API, brief's own, a page.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0: every interface; put a key on it).")
@click.option("--port", type=click.IntRange(0, 65535), default=5000, show_default=True)
@click.option("--translator", help="A models.lock name, a Hugging Face repo id, or a local model directory.")
@device_option
@engine_options
@click.option("--beams", type=click.IntRange(min=1), help="Beam size [default: the model's].")
@click.option("--max-new-tokens", metavar="CAP", help="Generated tokens per model input [default: 2x+16].")
@quotes_option("English quotation marks [default: curly]; a request may ask for another.")
@click.option("--brief/--no-brief", default=None, help="Load the summariser for briefs in /v1/translate [default: on].")
@summarizer_option
@click.option("--retries", type=click.IntRange(min=0), help="Re-translations of a sentence that fails a check.")
@click.option("--api-key-file", type=click.Path(dir_okay=False, path_type=Path),
              help="Require an API key: one per line in this file (api_key field, or Authorization: Bearer).")
@click.option("--cors-origin", "cors_origins", multiple=True,
              help="Allow browser pages from this origin to call the API (repeatable) [default: none].")
@click.option("--max-queue", type=click.IntRange(min=1), default=64, show_default=True,
              help="Requests waiting for the models; more get 429 with Retry-After.")
@click.option("--max-body-bytes", type=click.IntRange(min=1), default=1024 * 1024, show_default=True,
              help="Largest request body; more gets 413.")
@click.option("--max-chars", type=click.IntRange(min=1), default=100_000, show_default=True,
              help="Characters of text per request; more gets 400.")
@click.option("--max-items", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Items of one /translate q list (each is a document); more gets 400.")
@click.option("--request-timeout", type=click.FloatRange(min=0.001), default=120.0, show_default=True,
              help="Seconds a request may wait and run; more gets 504.")
@click.option("--allow-private-urls", is_flag=True,
              help="Let /v1/translate fetch URLs on loopback, private and link-local addresses.")
@click.option("-q", "--quiet", is_flag=True, help="No access log; only warnings and errors on stderr.")
@debug_option
def serve(host: str, port: int, api_key_file: Path | None, cors_origins: tuple[str, ...], max_queue: int,
          max_body_bytes: int, max_chars: int, max_items: int, request_timeout: float, allow_private_urls: bool,
          quiet: bool, **settings: object) -> None:
    """Serve brief over HTTP until Ctrl-C or SIGTERM.

    POST /translate speaks LibreTranslate's API (Mastodon, Weblate, libretranslatepy, deep-translator);
    POST /v1/translate returns what `brief translate --format json` writes; / is a page to paste an article into;
    /docs shows the API (Swagger UI, served locally).
    Binds to 127.0.0.1 unless --host says otherwise.
    """
    from ..options import resolve_options
    from ..pipeline import load
    from ..serve import require_web_stack
    from ..serve import serve as run_server

    require_web_stack()
    from ..serve.app import ServerSettings, read_api_keys

    environment = current_environment()
    options = resolve_options(settings, environ=environment.environ)
    server_settings = ServerSettings(
        api_keys=read_api_keys(api_key_file) if api_key_file else (), cors_origins=cors_origins,
        max_body_bytes=max_body_bytes, max_chars=max_chars, max_items=max_items, request_timeout=request_timeout,
        allow_private_urls=allow_private_urls)
    reporter = Reporter(0, quiet=quiet)
    pipeline = load(options=options, notify=reporter.notice, load_engine=environment.load_engine)
    for warning in pipeline.load_warnings:
        reporter.warning(warning)
    if host not in ("127.0.0.1", "localhost", "::1") and not server_settings.api_keys:
        reporter.warning(f"listening on {host} without --api-key-file: anyone who can reach it can use it")
    run_server(pipeline, host=host, port=port, settings=server_settings, max_queue=max_queue, quiet=quiet)
