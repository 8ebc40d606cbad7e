"""`brief serve` as users run it: a real server process on 127.0.0.1 with the tiny models, called by LibreTranslate's
real clients (libretranslatepy, deep-translator) and raw HTTP; answers identical to the CLI's for the same text."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

pytest.importorskip("fastapi", reason='the serve extra is not installed (pip install "brief-translate[serve]")')

MODEL_FLAGS = ["--backend", "torch", "--device", "cpu", "--summarizer", "extractive", "--max-new-tokens", "12"]
ARTICLE = ("Le ministre est arrivé à Moscou lundi. « Nous voulons la paix », a déclaré Sergueï Lavrov.\n\n"
           "« La France restera », a-t-il ajouté. Le sommet a duré deux heures.")
TEXTS = [ARTICLE, "La grève touche la SNCF depuis mardi. « Nous ne céderons pas », dit un syndicaliste.",
         "Le budget a été adopté par 289 voix contre 252.", "« C'est fini », a-t-elle dit. Elle est partie.",
         "Les pompiers sont intervenus vers 22 heures à Lyon."]


@dataclass(frozen=True)
class Server:
    url: str
    process: subprocess.Popen


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(args: list[str], env: dict[str, str] | None = None, command: list[str] | None = None) -> Server:
    port = _free_port()
    process = subprocess.Popen([*(command or [sys.executable, "-m", "translate_cli"]), "serve", "--port", str(port),
                                *args], env=env or dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:  # the server is ready when /health answers (its start-up loads the models)
        assert process.poll() is None, process.stderr.read().decode()[-2000:]
        try:
            with urllib.request.urlopen(url + "/health", timeout=5):
                return Server(url, process)
        except (urllib.error.URLError, ConnectionError):
            assert time.monotonic() < deadline, "the server did not come up"
            time.sleep(0.1)


def stop_server(server: Server) -> tuple[int, bytes, bytes]:
    server.process.send_signal(signal.SIGTERM)
    out, err = server.process.communicate(timeout=60)
    return server.process.returncode, out, err


@pytest.fixture(scope="module")
def server(tiny_marian_dir, tmp_path_factory):
    env = {**os.environ, "BRIEF_CACHE": str(tmp_path_factory.mktemp("serve-cache")), "HF_HUB_OFFLINE": "1"}
    running = start_server(["--translator", str(tiny_marian_dir), *MODEL_FLAGS, "--max-chars", "5000",
                            "--max-body-bytes", "65536"], env)
    yield running
    code, out, err = stop_server(running)
    assert code == 0 and out == b"", err.decode()[-2000:]  # stdout is data: a server writes none


def call(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None, method: str | None = None):
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.headers, _body(response.read(), response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, _body(exc.read(), exc.headers)


def _body(data: bytes, headers) -> object:
    return json.loads(data or b"null") if "json" in headers.get("Content-Type", "") else data.decode()


def post_json(url: str, body: object, headers: dict[str, str] | None = None):
    return call(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json", **(headers or {})})


@pytest.fixture(scope="module")
def cli_json(tiny_marian_dir, tmp_path_factory):
    """What `brief translate - --format json` writes for each of TEXTS (the CLI as a subprocess, same models)."""
    env = {**os.environ, "BRIEF_CACHE": str(tmp_path_factory.mktemp("cli-cache")), "HF_HUB_OFFLINE": "1"}
    answers = {}
    for text in TEXTS:
        done = subprocess.run([sys.executable, "-m", "translate_cli", "translate", "-", "--format", "json",
                               "--translator", str(tiny_marian_dir), *MODEL_FLAGS], input=text.encode(),
                              capture_output=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr.decode()
        answers[text] = json.loads(done.stdout)
    return answers


def test_libretranslatepy_translates_as_the_cli_does(server, cli_json):
    from libretranslatepy import LibreTranslateAPI

    client = LibreTranslateAPI(server.url)
    assert client.translate(ARTICLE, "fr", "en") == cli_json[ARTICLE]["translation"]
    assert client.translate(ARTICLE, "auto", "en") == cli_json[ARTICLE]["translation"]
    assert client.languages() == [{"code": "fr", "name": "French", "targets": ["en"]},
                                  {"code": "en", "name": "English", "targets": []}]
    [detected] = client.detect(ARTICLE)
    assert detected["language"] == "fr" and 30 < detected["confidence"] <= 100


def test_deep_translators_libretranslate_client_works_unchanged(server, cli_json):
    from deep_translator import LibreTranslator

    client = LibreTranslator(source="fr", target="en", api_key="unused", custom_url=server.url + "/")
    assert client.translate(TEXTS[1]) == cli_json[TEXTS[1]]["translation"]
    assert client.translate_batch(TEXTS[:2]) == [cli_json[t]["translation"] for t in TEXTS[:2]]


def test_form_query_and_list_bodies(server, cli_json):
    expected = [cli_json[t]["translation"] for t in TEXTS[:3]]
    form = urllib.parse.urlencode([("q", t) for t in TEXTS[:3]] + [("source", "fr"), ("target", "en")]).encode()
    assert call(server.url + "/translate", data=form)[2] == {"translatedText": expected}
    query = urllib.parse.urlencode({"q": TEXTS[0], "source": "fr", "target": "en"})
    assert call(f"{server.url}/translate?{query}", data=b"")[2] == {"translatedText": expected[0]}
    status, _, body = post_json(server.url + "/translate", {"q": TEXTS[:3], "source": "auto", "target": "en"})
    assert status == 200 and body["translatedText"] == expected
    assert [d["language"] for d in body["detectedLanguage"]] == ["fr", "fr", "fr"]
    status, _, body = post_json(server.url + "/translate", {"q": ["", TEXTS[2]], "source": "fr", "target": "en"})
    assert status == 200 and body["translatedText"] == ["", expected[2]]


def test_html_format_keeps_blocks_and_every_word(server):
    fragment = '<p class="lead">« Nous voulons la paix », a dit le <b>ministre</b>.</p>\n<ul><li>Le sommet a duré.</li></ul>'
    status, _, body = post_json(server.url + "/translate", {"q": fragment, "source": "fr", "target": "en",
                                                            "format": "html"})
    assert status == 200
    english = body["translatedText"]
    assert english.startswith('<p class="lead">') and english.count("</p>") == 1 and "<ul><li>" in english
    assert "<b>" not in english and english.endswith("</li></ul>")
    plain = post_json(server.url + "/translate", {"q": "« Nous voulons la paix », a dit le ministre.",
                                                  "source": "fr", "target": "en"})[2]["translatedText"]
    assert english.split(">", 1)[1].split("</p>")[0] == plain.replace("&", "&amp;").replace("<", "&lt;")


@pytest.mark.parametrize(("body", "status", "error"), [
    ({"source": "fr", "target": "en"}, 400, "Invalid request: missing q parameter"),
    ({"q": "", "source": "fr", "target": "en"}, 400, "Invalid request: missing q parameter"),
    ({"q": "Bonjour", "source": "de", "target": "en"}, 400,
     "de → en is not supported: brief translates French (fr) into English (en)"),
    ({"q": "Bonjour", "source": "fr", "target": "es"}, 400,
     "fr → es is not supported: brief translates French (fr) into English (en)"),
    ({"q": "a" * 5001, "source": "fr", "target": "en"}, 400,
     "Invalid request: 5001 characters, over this server's limit of 5000"),
    ({"q": 42, "source": "fr"}, 400, "Invalid request: q must be a string or a list of strings"),
])
def test_libretranslate_errors(server, body, status, error):
    assert post_json(server.url + "/translate", body)[::2] == (status, {"error": error})


def test_a_body_over_the_limit_is_413_declared_or_streamed(server):
    status, _, body = post_json(server.url + "/translate", {"q": "x" * 70000})
    assert (status, body) == (413, {"error": "request body over 65536 bytes"})
    assert _chunked_post(server.url, "/translate", [b"x" * 40000] * 2).startswith(b"HTTP/1.1 413")


def _chunked_post(url: str, path: str, chunks: list[bytes]) -> bytes:
    """A POST whose body streams in chunks (no Content-Length), and the whole answer."""
    with socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1])), timeout=30) as raw:
        raw.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n".encode()
                    + b"Transfer-Encoding: chunked\r\n\r\n")
        for chunk in chunks:
            raw.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        raw.sendall(b"0\r\n\r\n")
        return _whole_answer(raw)


def test_v1_translate_returns_what_the_cli_writes(server, cli_json):
    status, _, body = post_json(server.url + "/v1/translate", {"text": ARTICLE})
    assert status == 200 and body == cli_json[ARTICLE]
    assert len(body["quotes"]) == 2 and body["brief"]["headline"]
    status, _, body = post_json(server.url + "/v1/translate", {"text": ARTICLE, "brief": False, "quotes": "straight"})
    assert status == 200 and body.get("brief") is None
    assert body["translation"].count('"') == 4
    assert post_json(server.url + "/v1/translate", {"text": "  "})[::2] == (
        400, {"error": {"kind": "input", "message": "empty input (no text to translate)"}})
    assert post_json(server.url + "/v1/translate", {"text": "a", "html": "<p>b</p>"})[::2] == (
        400, {"error": {"kind": "usage", "message": "give exactly one of text, html or url"}})
    # no request option loads a model or names a path; a body off the schema is a 400 in the API's error object
    assert post_json(server.url + "/v1/translate", {"text": "a", "translator": "/etc/passwd"})[::2] == (
        400, {"error": {"kind": "usage", "message": "translator: Extra inputs are not permitted"}})
    status, _, body = post_json(server.url + "/v1/translate", {"text": "a", "quotes": "bogus"})
    assert status == 400 and body["error"]["kind"] == "usage"
    assert body["error"]["message"].startswith("quotes: Input should be 'curly', 'straight' or 'guillemets'")
    assert call(server.url + "/v1/nothing")[::2] == (404, {"error": {"kind": "usage", "message": "Not Found"}})
    assert call(server.url + "/translate")[::2] == (405, {"error": "Method Not Allowed"})


def _whole_answer(raw: socket.socket) -> bytes:
    """An HTTP answer read off a socket: its head, then as many body bytes as its Content-Length says."""
    answer = b""
    while b"\r\n\r\n" not in answer and (chunk := raw.recv(4096)):
        answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    length = next((int(line.split(b":")[1]) for line in head.lower().split(b"\r\n")
                   if line.startswith(b"content-length:")), 0)
    while len(body) < length and (chunk := raw.recv(4096)):
        body += chunk
    return head + b"\r\n\r\n" + body


def test_odd_requests_get_a_clear_4xx_in_each_apis_error_shape(server):
    url = server.url
    # a lone surrogate (valid JSON, not text) anywhere: a 400, echoed \\u-escaped, never a 500
    status, _, body = post_json(url + "/translate", {"q": "Bonjour", "source": "\ud800"})
    assert status == 400 and body["error"].startswith("\ud800 → en is not supported")
    assert post_json(url + "/v1/translate", {"html": "<p>Le \ud800</p>"})[::2] == (400, {"error": {
        "kind": "input", "message": "Invalid request: not Unicode text (a lone surrogate at character 6)"}})
    status, _, body = post_json(url + "/v1/translate", {"url": "http://[::1/"})
    assert status == 400 and body["error"]["message"].startswith("http://[::1/: not a valid URL")
    assert call(url + "/translate", data=b'{"q":' + b"[" * 20000 + b"]" * 20000 + b"}",
                headers={"Content-Type": "application/json"})[::2] == (
        400, {"error": "the body is not valid JSON (or nests too deeply)"})
    assert post_json(url + "/translate", {"q": []})[::2] == (400, {"error": "Invalid request: missing q parameter"})
    # --max-chars holds for the text of an HTML page too
    page = "<html><body><article><p>" + "Le ministre est arrivé à Paris lundi. " * 150 + "</p></article></body></html>"
    status, _, body = post_json(url + "/v1/translate", {"html": page})
    assert status == 400 and body["error"]["message"].endswith("over this server's limit of 5000"), body
    # an over-size body under /v1: 413 in brief's error object, declared or streamed
    assert post_json(url + "/v1/translate", {"text": "x" * 70000})[::2] == (413, {"error": {
        "kind": "input", "message": "request body over 65536 bytes"}})
    answer = _chunked_post(url, "/v1/translate", [b"x" * 40000] * 2)
    assert answer.startswith(b"HTTP/1.1 413") and b'"kind":"input"' in answer, answer


def test_urls_to_private_addresses_are_refused(server):
    for url in ("http://127.0.0.1:1/", "http://[::1]/", "http://169.254.169.254/latest/meta-data/",
                "http://10.0.0.1/", "http://localhost/"):
        status, _, body = post_json(server.url + "/v1/translate", {"url": url})
        assert status == 400 and body["error"]["kind"] == "input", url
        assert "refused" in body["error"]["message"] and "--allow-private-urls" in body["error"]["message"], body


def test_fifty_concurrent_requests_all_answer_as_the_cli(server, cli_json):
    requests = [TEXTS[i % len(TEXTS)] for i in range(50)]
    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(lambda text: post_json(server.url + "/v1/translate", {"text": text}), requests))
    assert [status for status, _, _ in answers] == [200] * 50
    assert all(body == cli_json[text] for text, (_, _, body) in zip(requests, answers))


def test_service_routes_openapi_and_a_docs_page_served_by_brief(server):
    status, _, health = call(server.url + "/health")
    assert status == 200 and health["status"] == "ok" and health["models"]["summarizer"]["name"] == "extractive"
    status, _, schema = call(server.url + "/openapi.json")
    assert status == 200 and {"/translate", "/v1/translate", "/languages", "/detect"} <= set(schema["paths"])
    # the LibreTranslate routes read their body themselves; /docs can still send one: the schema says what
    body = schema["paths"]["/translate"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json", "application/x-www-form-urlencoded"}
    assert set(body["application/json"]["schema"]["properties"]) == {"q", "source", "target", "format", "api_key"}
    status, _, docs = call(server.url + "/docs")
    assert status == 200 and "http" not in docs  # every asset from brief itself, no CDN
    assert '"validatorUrl": null' in docs  # Swagger UI's online validator would send the description out
    for asset in ("/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css"):
        assert call(server.url + asset)[0] == 200


def test_the_page_and_its_assets_are_served_by_brief_alone(server):
    with urllib.request.urlopen(server.url + "/", timeout=30) as response:
        page = response.read().decode()
    assert '<label for="text">' in page and "http" not in page.replace(
        'name="viewport"', "")  # no external asset
    for asset in ("/static/app.js", "/static/style.css"):
        with urllib.request.urlopen(server.url + asset, timeout=30) as response:
            assert response.status == 200 and b"http" not in response.read()


def test_cors_is_off_unless_an_origin_is_configured(server, tiny_marian_dir, tmp_path):
    preflight = {"Origin": "https://news.example", "Access-Control-Request-Method": "POST"}
    status, headers, _ = call(server.url + "/languages", headers={"Origin": "https://news.example"})
    assert status == 200 and "access-control-allow-origin" not in {k.lower() for k in headers}
    env = {**os.environ, "BRIEF_CACHE": str(tmp_path / "cache")}
    keyfile = tmp_path / "keys"
    keyfile.write_text("# newsroom keys\nk-123\n\nk-456\n", encoding="utf-8")
    other = start_server(["--translator", str(tiny_marian_dir), *MODEL_FLAGS, "--cors-origin", "https://news.example",
                          "--api-key-file", str(keyfile)], env)
    try:
        status, headers, _ = call(other.url + "/translate", headers=preflight, method="OPTIONS")
        assert status == 200 and headers.get("access-control-allow-origin") == "https://news.example"
        status, headers, _ = call(other.url + "/languages", headers={"Origin": "https://news.example"})
        assert headers.get("access-control-allow-origin") == "https://news.example"
        assert headers.get("access-control-expose-headers") == "Retry-After"  # a page can read when to retry
        # refusals made before the routes (a body over the limit) carry the CORS headers too
        with socket.create_connection(("127.0.0.1", int(other.url.rsplit(":", 1)[1])), timeout=30) as raw:
            raw.sendall(b"POST /translate HTTP/1.1\r\nHost: x\r\nOrigin: https://news.example\r\n"
                        b"Content-Type: text/plain\r\nContent-Length: 2000000\r\n\r\n")
            answer = raw.recv(4096).lower()
        assert answer.startswith(b"http/1.1 413") and b"access-control-allow-origin: https://news.example" in answer
        # API keys: a wrong or missing one is 403; the right one works, from the real clients too
        assert post_json(other.url + "/translate", {"q": "Bonjour", "source": "fr"})[::2] == (
            403, {"error": "Invalid API key"})
        assert post_json(other.url + "/translate", {"q": "Bonjour", "source": "fr", "api_key": "k-12"})[0] == 403
        assert post_json(other.url + "/translate", {"q": "Bonjour", "source": "fr", "api_key": "k-456"})[0] == 200
        for route in ("/translate", "/detect"):  # the key as a bearer token, as on /v1
            assert post_json(other.url + route, {"q": "Bonjour"}, {"Authorization": "Bearer k-456"})[0] == 200
            assert post_json(other.url + route, {"q": "Bonjour"}, {"Authorization": "Bearer k-4"})[0] == 403
        assert post_json(other.url + "/v1/translate", {"text": "Bonjour."}, {"Authorization": "Bearer nope"})[::2] \
            == (403, {"error": {"kind": "usage", "message": "Invalid API key"}})
        assert post_json(other.url + "/v1/translate", {"text": "Bonjour."}, {"Authorization": "Bearer k-123"})[0] \
            == 200
        from deep_translator import LibreTranslator
        from deep_translator.exceptions import AuthorizationException
        from libretranslatepy import LibreTranslateAPI

        assert LibreTranslateAPI(other.url, api_key="k-123").translate("Bonjour.", "fr", "en")
        with pytest.raises(AuthorizationException):
            LibreTranslator(source="fr", target="en", api_key="wrong", custom_url=other.url + "/").translate("Oui.")
    finally:
        assert stop_server(other)[0] == 0


def test_a_multipart_form_body_works_too(server, cli_json):
    import requests

    answer = requests.post(server.url + "/translate", data={"q": TEXTS[2], "source": "fr", "target": "en"},
                           files={"unused": ("a.txt", b"x")}, timeout=120)
    assert answer.request.headers["Content-Type"].startswith("multipart/form-data")
    assert answer.status_code == 200 and answer.json() == {"translatedText": cli_json[TEXTS[2]]["translation"]}


def test_a_port_in_use_is_a_setup_error_in_one_brief_line(tiny_marian_dir, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "translate_cli", "serve", "--port", str(port), "--translator",
                               str(tiny_marian_dir), *MODEL_FLAGS], capture_output=True, timeout=120,
                              env={**os.environ, "BRIEF_CACHE": str(tmp_path / "cache")})
    assert done.returncode == 3 and done.stdout == b""
    lines = done.stderr.decode().splitlines()
    assert lines[-1] == f"brief: error: could not listen on 127.0.0.1:{port}"
    assert "address already in use" in lines[-2] and b"Traceback" not in done.stderr
