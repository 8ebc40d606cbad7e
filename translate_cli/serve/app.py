"""The HTTP front end: LibreTranslate's API (/translate, /languages, /detect), brief's own (/v1/translate, the JSON
`brief translate --format json` writes), /health, /openapi.json and the page at /. A thin adapter: every request
becomes documents for the TranslationService, whose one thread batches them with other requests' documents."""

from __future__ import annotations

import asyncio
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import BriefError, UsageError, describe_error
from ..language import NAMES, detect_language
from ..reading import Source, source_from_bytes, source_from_html
from ..result import Result
from .fragments import document_text, english_fragment, split_fragment
from .responses import ApiError, BodyLimit, BodyTooLarge, SafeJSONResponse, Unexpected, error_body
from .service import Closed, Overloaded, Settings, TranslationService

PAGE = files("translate_cli.serve") / "page"
STATUS_OF_KIND = {"input": 400, "usage": 400, "config": 400, "model": 500, "setup": 500, "internal": 500,
                  "interrupted": 503}


@dataclass(frozen=True)
class ServerSettings:
    """What `brief serve` takes besides the models (documented in README, flags of the same names)."""

    api_keys: tuple[str, ...] = ()  # empty: no key asked
    cors_origins: tuple[str, ...] = ()  # empty: no CORS headers (browsers refuse cross-origin calls)
    max_body_bytes: int = 1024 * 1024
    max_chars: int = 100_000  # per request, all documents together (LibreTranslate's char limit)
    max_items: int = 1000  # documents (q items) in one /translate request
    request_timeout: float = 120.0
    allow_private_urls: bool = False
    fetch: dict[str, Any] = field(default_factory=dict)  # FetchSettings for URL input (timeout, max_bytes, …)


class TranslateRequest(BaseModel):
    """brief's own request: exactly one of text, html (a saved page) or url; run settings optional."""

    model_config = ConfigDict(extra="forbid")
    text: str | None = None
    html: str | None = None
    url: str | None = None
    quotes: Literal["curly", "straight", "guillemets"] | None = None
    brief: bool | None = None
    api_key: str | None = None


def create_app(service: TranslationService, settings: ServerSettings = ServerSettings()) -> FastAPI:
    # /docs is Swagger UI with its assets served by brief (fastapi-offline ships them: no CDN); its online
    # validator, which would send the API description out, off.
    app = FastAPIOffline(title="brief", version=_version(), docs_url="/docs", redoc_url=None,
                         default_response_class=SafeJSONResponse,
                         static_url="/docs/assets", swagger_ui_parameters={"validatorUrl": None},
                         description="French news into English with every quotation intact; LibreTranslate-compatible.")
    app.state.service, app.state.settings = service, settings
    # the last added is the outermost: CORS headers go on every answer, the 413s and 500s below included
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(Unexpected)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["Content-Type", "Authorization"], expose_headers=["Retry-After"])
    app.mount("/static", StaticFiles(directory=str(PAGE)), name="static")

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return SafeJSONResponse(error_body(request.url.path, exc.message, exc.kind), status_code=exc.status,
                                headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        # a /v1 body that does not fit its schema: 400 and the API's error object, as every other bad request
        problems = [f"{'.'.join(str(part) for part in error.get('loc', ())[1:]) or 'body'}: {error.get('msg', '')}"
                    for error in exc.errors()]
        return await api_error(request, ApiError(400, "; ".join(problems) or "invalid request", "usage"))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:  # 404, 405, bad bodies
        if request.scope.get(BodyLimit.EXCEEDED):  # FastAPI reports a body it could not finish reading as a 400
            return await too_large(request, BodyTooLarge())
        return await api_error(request, ApiError(exc.status_code, str(exc.detail), "usage", dict(exc.headers or {})))

    @app.exception_handler(BodyTooLarge)
    async def too_large(request: Request, exc: BodyTooLarge) -> JSONResponse:
        return await api_error(request, ApiError(413, BodyLimit.message(settings.max_body_bytes)))

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(str(PAGE / "index.html"), media_type="text/html")

    @app.get("/health")
    async def health() -> dict[str, Any]:
        return {"status": "ok", "queued": service.queued, "api_key_required": bool(settings.api_keys),
                "models": {k: v.to_dict() for k, v in service.pipeline.models.items()}}

    @app.get("/languages")
    async def languages() -> list[dict[str, Any]]:
        return [{"code": "fr", "name": NAMES["fr"], "targets": ["en"]}, {"code": "en", "name": NAMES["en"],
                                                                          "targets": []}]

    @app.post("/detect", openapi_extra=_libre_body(("q", "api_key")))
    async def detect(request: Request) -> list[dict[str, Any]]:
        params = await _params(request)
        _check_key(settings, params.get("api_key") or _bearer(request))
        return [_detected(" ".join(_q_items(params)))]

    @app.post("/translate", openapi_extra=_libre_body(("q", "source", "target", "format", "api_key")))
    async def translate(request: Request) -> dict[str, Any]:
        params = await _params(request)
        _check_key(settings, params.get("api_key") or _bearer(request))
        items = _q_items(params)
        source, target = str(params.get("source") or "auto"), str(params.get("target") or "en")
        fmt = str(params.get("format") or "text")
        if source not in ("fr", "auto") or target != "en":
            raise ApiError(400, f"{source} → {target} is not supported: brief translates French (fr) into English (en)")
        if fmt not in ("text", "html"):
            raise ApiError(400, f"format {fmt!r}: text or html")
        _check_text(settings, items)
        if len(items) > settings.max_items:  # each item is a document: their count, not only their size, costs
            raise ApiError(400, f"Invalid request: {len(items)} items in q, over this server's limit of "
                                f"{settings.max_items}")
        loop = asyncio.get_running_loop()  # markup work off the event loop: a huge fragment stalls no one else
        fragments = await loop.run_in_executor(
            None, lambda: [split_fragment(item) if fmt == "html" else None for item in items])
        texts = [document_text(f) if f is not None else item for f, item in zip(fragments, items)]
        detected = [_detected(text) for text in texts] if source == "auto" else []
        sure = [guess["language"] if guess["confidence"] else None for guess in detected] or [None] * len(texts)
        for language in sure:
            if language not in (None, "fr", "en"):
                raise ApiError(400, f"{language} → en is not supported (detected): brief translates French (fr) "
                                    "into English (en)")
        # nothing to translate, or English already (detected): given back as is
        wanted = [i for i, text in enumerate(texts) if text.strip() and sure[i] != "en"]
        sources = [_read(lambda text=texts[i]: source_from_bytes(text.encode("utf-8"), "-", "text")) for i in wanted]
        sources = [replace(source, links=fragments[i].links()) if fragments[i] is not None else source
                   for i, source in zip(wanted, sources)]
        results = await _run(service, settings, sources, (("brief", False),))
        answers = list(items)  # what is not translated comes back as given
        for i, result in zip(wanted, results):
            fragment = fragments[i]
            answers[i] = result.translation if fragment is None else await loop.run_in_executor(
                None, english_fragment, fragment, result)
        body: dict[str, Any] = {"translatedText": answers if isinstance(params.get("q"), list) else answers[0]}
        if source == "auto":
            body["detectedLanguage"] = detected if isinstance(params.get("q"), list) else detected[0]
        return body

    @app.post("/v1/translate")
    async def translate_v1(request: Request, payload: TranslateRequest) -> dict[str, Any]:
        _check_key(settings, payload.api_key or _bearer(request))
        given = [name for name in ("text", "html", "url") if getattr(payload, name) is not None]
        if len(given) != 1:
            raise ApiError(400, "give exactly one of text, html or url", "usage")
        run: Settings = tuple(sorted((k, v) for k, v in (("quotes", payload.quotes), ("brief", payload.brief))
                                     if v is not None))
        if payload.text is not None:
            _check_text(settings, [payload.text])
            source = _read(lambda: source_from_bytes(payload.text.encode("utf-8"), "-", "text"))
        elif payload.html is not None:  # its size is the body's (--max-body-bytes); its text's is checked below
            _check_unicode([payload.html])
            source = _read(lambda: source_from_html(payload.html.encode("utf-8"), "-", charset="utf-8"))
        else:
            _check_unicode([payload.url])
            source = await asyncio.get_running_loop().run_in_executor(None, _fetched, payload.url, settings)
        if payload.text is None:  # an article extracted from a page: the character limit holds for its text
            _check_text(settings, [source.text])
        [result] = await _run(service, settings, [source], run)
        return result.to_dict()

    return app


async def _run(service: TranslationService, settings: ServerSettings, sources: Sequence[Source],
               run: Settings) -> list[Result]:
    """The documents translated (with other requests'), or the ApiError of the first that failed."""
    if not sources:
        return []
    try:
        service.pipeline_for(run)
        future = service.submit(sources, run)
    except Overloaded as exc:
        raise ApiError(429, f"brief is busy: retry in {exc.retry_after} s", "setup",
                       {"Retry-After": str(exc.retry_after)}) from None
    except Closed:
        raise ApiError(503, "brief is shutting down", "interrupted") from None
    except BriefError as exc:
        raise ApiError(400, str(exc), describe_error(exc).kind) from None
    try:
        outcomes = await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), settings.request_timeout)
    except asyncio.CancelledError:  # the request itself was cancelled (a server shutting down past its grace)
        service.abandon(future)
        raise
    except asyncio.TimeoutError:
        service.abandon(future)  # not started yet: never runs; started: stops at its next window
        raise ApiError(504, f"translation took longer than {settings.request_timeout:g} s (--request-timeout)",
                       "setup") from None
    except Exception as exc:  # noqa: BLE001 - an engine failure is one line, never a traceback
        report = describe_error(exc)
        raise ApiError(500, f"translation failed: {report.message}", report.kind) from None
    for outcome in outcomes:
        if isinstance(outcome, BriefError):
            report = describe_error(outcome)
            raise ApiError(STATUS_OF_KIND.get(report.kind, 500), report.message.removeprefix("-: "), report.kind)
    return outcomes  # type: ignore[return-value]


def _read(make: Any) -> Source:
    try:
        return make()
    except BriefError as exc:
        report = describe_error(exc)
        raise ApiError(STATUS_OF_KIND.get(report.kind, 400), report.message.removeprefix("-: "), report.kind) \
            from None


def _fetched(url: str, settings: ServerSettings) -> Source:
    from ..web.fetch import FetchSettings, fetch, is_url

    if not is_url(url):
        raise ApiError(400, f"{url}: not an http(s) URL", "usage")
    fetch_settings = FetchSettings(**settings.fetch, public_only=not settings.allow_private_urls)
    page = _read(lambda: fetch(url, fetch_settings))  # type: ignore[arg-type]
    return _read(lambda: source_from_html(page.data, url, url=page.url, charset=page.charset))


async def _params(request: Request) -> dict[str, Any]:
    """LibreTranslate's parameters from the query string, a JSON body or a form body (a repeated q is a list)."""
    params: dict[str, Any] = {}
    for key, value in request.query_params.multi_items():
        _add(params, key, value)
    body = await request.body()
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if body and kind == "application/json":
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            raise ApiError(400, "the body is not valid JSON (or nests too deeply)") from None
        if not isinstance(data, dict):
            raise ApiError(400, "the JSON body must be an object")
        params.update(data)
    elif body and kind == "multipart/form-data":
        form = await request.form()
        for key, value in form.multi_items():
            if isinstance(value, str):
                _add(params, key, value)
    elif body:
        try:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
        except UnicodeDecodeError:
            raise ApiError(400, "the form body is not UTF-8") from None
        for key, value in pairs:
            _add(params, key, value)
    return params


def _add(params: dict[str, Any], key: str, value: str) -> None:
    if key in params and key == "q":
        previous = params[key]
        params[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
    else:
        params[key] = value


_LIBRE_FIELDS: dict[str, dict[str, Any]] = {
    "q": {"description": "the text (a string), or a list of texts, one document each",
          "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
    "source": {"type": "string", "enum": ["fr", "auto"], "default": "auto"},
    "target": {"type": "string", "enum": ["en"], "default": "en"},
    "format": {"type": "string", "enum": ["text", "html"], "default": "text"},
    "api_key": {"type": "string", "description": "when the server asks for one (or Authorization: Bearer)"},
}


def _libre_body(fields: tuple[str, ...]) -> dict[str, Any]:
    """The OpenAPI request body of a LibreTranslate route (the route reads JSON, form or query string itself)."""
    schema = {"type": "object", "required": ["q"], "properties": {name: _LIBRE_FIELDS[name] for name in fields}}
    form = {**schema, "properties": {**schema["properties"], "q": {"type": "string"}}}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema},
                                                          "application/x-www-form-urlencoded": {"schema": form}}}}


def _q_items(params: dict[str, Any]) -> list[str]:
    q = params.get("q")
    if q is None or q == "" or q == []:  # as LibreTranslate: empty is missing (an empty item of a list is not)
        raise ApiError(400, "Invalid request: missing q parameter")
    items = q if isinstance(q, list) else [q]
    if not all(isinstance(item, str) for item in items):
        raise ApiError(400, "Invalid request: q must be a string or a list of strings")
    return items


def _check_text(settings: ServerSettings, items: Sequence[str]) -> None:
    """Within the server's length limit (--max-chars), and text at all (see _check_unicode)."""
    total = sum(len(item) for item in items)
    if total > settings.max_chars:
        raise ApiError(400, f"Invalid request: {total} characters, over this server's limit of {settings.max_chars}")
    _check_unicode(items)


def _check_unicode(items: Sequence[str]) -> None:
    """JSON can carry a lone surrogate, which no text holds."""
    for item in items:
        try:
            item.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ApiError(400, f"Invalid request: not Unicode text (a lone surrogate at character {exc.start})",
                           "input") from None


def _check_key(settings: ServerSettings, given: Any) -> None:
    if not settings.api_keys:
        return
    key = given if isinstance(given, str) else ""
    # constant-time against every key, no early exit: timing says nothing about which matched
    given_bytes = key.encode("utf-8", "surrogatepass")  # whatever JSON carried: compared, never a crash
    matched = [hmac.compare_digest(given_bytes, expected.encode()) for expected in settings.api_keys]
    if not any(matched):
        raise ApiError(403, "Invalid API key", "usage")


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else None


def _detected(text: str) -> dict[str, Any]:
    language, confidence = detect_language(text)
    return {"confidence": confidence if language else 0.0, "language": language or "fr"}


def _version() -> str:
    from .. import __version__

    return __version__


def read_api_keys(path: Path) -> tuple[str, ...]:
    """Keys from a file, one a line (blank lines and # comments ignored); an empty file is a usage error."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UsageError(f"--api-key-file {path}: {exc.strerror}") from None
    keys = tuple(line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#"))
    if not keys:
        raise UsageError(f"--api-key-file {path}: no key in it")
    return keys


__all__ = ["ServerSettings", "create_app", "read_api_keys"]
