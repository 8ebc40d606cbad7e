"""How errors reach clients: each API's error shape, JSON that renders whatever a request echoes, and the ASGI
middleware that turn an over-size body (413) or a bug in a route (500) into them, never a traceback."""

from __future__ import annotations

import json
import logging
import os
from typing import Any

from fastapi.responses import JSONResponse

from ..errors import describe_error


class SafeJSONResponse(JSONResponse):
    """JSON that renders whatever a request echoes into it: a lone surrogate (valid in JSON text, not in UTF-8)
    comes back \\u-escaped instead of failing the response."""

    def render(self, content: Any) -> bytes:
        try:
            return super().render(content)
        except UnicodeEncodeError:
            return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")


def error_body(path: str, message: str, kind: str) -> dict[str, Any]:
    """An error in the shape of the API asked: brief's {"kind", "message"} object under /v1/, LibreTranslate's
    string elsewhere."""
    return {"error": {"kind": kind, "message": message}} if path.startswith("/v1/") else {"error": message}


class ApiError(Exception):
    def __init__(self, status: int, message: str, kind: str = "input", headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.kind, self.headers = status, message, kind, headers or {}


class BodyTooLarge(Exception):
    pass


class BodyLimit:
    """ASGI middleware: a body over `limit` bytes is refused — by its Content-Length at once, or while it streams."""

    EXCEEDED = "brief.body_too_large"  # set in the scope once a streamed body went over the limit

    def __init__(self, app: Any, limit: int) -> None:
        self.app, self.limit = app, limit

    @staticmethod
    def message(limit: int) -> str:
        return f"request body over {limit} bytes"

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            body = error_body(scope.get("path", ""), self.message(self.limit), "input")
            await SafeJSONResponse(body, status_code=413)(scope, receive, send)
            return
        seen = 0

        async def counted() -> dict[str, Any]:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                scope[self.EXCEEDED] = True
                raise BodyTooLarge
            return message

        await self.app(scope, counted, send)


class Unexpected:
    """ASGI middleware: a bug in a route is a 500 in the API's error shape and one line in the log (the traceback
    with BRIEF_DEBUG=1), not a text/plain page and a traceback from uvicorn."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        started = False

        async def watched(message: dict[str, Any]) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, never a traceback
            if scope["type"] != "http":
                raise
            report = describe_error(exc)
            debug = os.environ.get("BRIEF_DEBUG", "") not in ("", "0")
            logging.getLogger("uvicorn.error").error("%s %s: %s", scope.get("method"), scope.get("path"),
                                                     report.message, exc_info=debug)
            if not started:
                body = error_body(str(scope.get("path", "")), report.message, report.kind)
                await SafeJSONResponse(body, status_code=500)(scope, receive, send)
