"""Issue 14 (URLs and feeds): pages and feeds fetched from a real HTTP server on 127.0.0.1 (never the network):
success, redirects, a redirect loop, 404, a timeout, an oversize page, a wrong charset, a non-HTML answer, and a
feed whose already-translated items are skipped on the next run."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from translate_cli.cli import cli
from translate_cli.errors import InputError
from translate_cli.web.fetch import FetchSettings, fetch, output_stem

WEB = Path(__file__).parent / "data" / "web"
ARTICLE = (WEB / "news-article.html").read_bytes()
BUDGET_CP1252 = (WEB / "news-cp1252.html").read_bytes()


def _rss(links: list[str]) -> bytes:
    items = "".join(f"<item><title>Article {n}</title><link>{link}</link></item>" for n, link in enumerate(links))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Le Quotidien</title>'
            f"<link>http://127.0.0.1/</link><description>À la une</description>{items}</channel></rss>").encode()


class Site:
    """Routes of the test server; `feed` can change between runs; `release` ends a held /slow answer."""

    def __init__(self) -> None:
        self.feed_links = ["/article.html", "/budget.html"]
        self.release = threading.Event()
        self.user_agents: list[str] = []

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        self.user_agents.append(handler.headers.get("User-Agent", ""))
        path = handler.path
        base = f"http://127.0.0.1:{handler.server.server_address[1]}"
        redirects = {"/moved": "/article.html", "/bad-redirect": "http://[bad/", "/loop-a": "/loop-b", "/loop-b": "/loop-a",
                     "/r1": "/r2", "/r2": "/r3", "/r3": "/article.html"}
        if path in redirects:
            handler.send_response(301 if path == "/moved" else 302)
            handler.send_header("Location", redirects[path])
            handler.end_headers()
            return
        pages = {
            "/article.html": ("text/html; charset=utf-8", ARTICLE),
            "/budget.html": ("text/html", BUDGET_CP1252),  # its <meta> says windows-1252
            "/wrong-charset.html": ("text/html; charset=utf-8", BUDGET_CP1252),  # the header is wrong
            "/notes.txt": ("text/plain; charset=utf-8", "Le ministre a dit « oui ».".encode()),
            "/latin1.html": ("text/html; charset=ISO-8859-1", BUDGET_CP1252.replace(b"windows-1252", b"x")),
            "/feed.xml": ("application/rss+xml", _rss([base + link for link in self.feed_links])),
            "/huge.html": ("text/html", ARTICLE + b"<!-- " + b"x" * 300_000 + b" -->"),
        }
        if path == "/slow.html":
            self.release.wait(10)  # held until the test is done: the client's timeout must end it first
            return
        if path == "/streamed.html":  # no Content-Length: the size limit must hold while reading
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html")
            handler.end_headers()
            handler.wfile.write(ARTICLE + b"<!-- " + b"y" * 300_000 + b" -->")
            handler.close_connection = True
            return
        if path not in pages:
            handler.send_error(404, "Not Found")
            return
        content_type, body = pages[path]
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)


@pytest.fixture
def site():
    state = Site()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            state.answer(self)

        def log_message(self, *args) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    state.release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def fake(cli_fake):
    return cli_fake


def _run(*args: str):
    return CliRunner().invoke(cli, ["translate", *args])


def test_a_url_translates_as_its_article_with_brief_user_agent(site, fake):
    result = _run(f"{site.base}/moved", "--format", "json")  # a redirect first
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["source"] == f"{site.base}/moved"
    assert data["article"]["site"] == "Le Quotidien du Rail"
    assert len(data["quotes"]) == 5 and data["quotes"][3]["origin"] == "blockquote"
    assert site.user_agents and all(agent.startswith("brief/0.2.0 ") for agent in site.user_agents)
    assert len(site.user_agents) == 2  # the redirect and the page, each fetched once


@pytest.mark.parametrize("path, options, message", [
    ("/missing.html", [], "HTTP 404 Not Found"),
    ("/loop-a", [], "redirect loop (URL/loop-a → URL/loop-b → URL/loop-a)"),
    ("/r1", ["--max-redirects", "2"], "more than 2 redirects (--max-redirects)"),
    ("/slow.html", ["--timeout", "0.5"], "no complete answer within 0.5 s (--timeout)"),
    ("/huge.html", ["--max-bytes", "100000"], "larger than 100000 bytes"),
    ("/streamed.html", ["--max-bytes", "100000"], "larger than 100000 bytes (--max-bytes)"),
    ("/notes.txt", [], "not a web page (Content-Type text/plain)"),
    ("/bad-redirect", [], "HTTP 302 redirect to a malformed address"),
])
def test_fetch_failures_are_one_line_and_exit_1(site, fake, path, options, message):
    result = _run(f"{site.base}{path}", *options)
    assert result.exit_code == 1, result.output
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"brief: error: {site.base}{path}: ")
    assert message.replace("URL", site.base) in line
    assert fake.batches == []  # nothing reached the model


def test_an_unreachable_host_is_one_line(fake):
    result = _run("http://127.0.0.1:9/page.html", "--timeout", "2")  # port 9 (discard): nothing listens
    assert result.exit_code == 1 and "cannot fetch" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_wrong_charset_header_falls_back_with_a_warning(site, fake):
    result = _run(f"{site.base}/wrong-charset.html", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert "DÉPUTÉS" in data["translation"]
    assert any("charset" in warning for warning in data["warnings"])


def test_a_feed_translates_its_new_items_only(site, fake, tmp_path):
    out = tmp_path / "en"
    first = _run(f"{site.base}/feed.xml", "--out-dir", str(out), "--no-brief")
    assert first.exit_code == 0, first.output
    names = sorted(path.name for path in out.iterdir() if not path.name.startswith("."))
    assert names == sorted(f"{output_stem(site.base + link)}.en.txt" for link in site.feed_links)
    site.feed_links = ["/wrong-charset.html", *site.feed_links]  # a new item on top
    site.user_agents.clear()
    second = _run(f"{site.base}/feed.xml", "--out-dir", str(out), "--no-brief")
    assert second.exit_code == 0, second.output
    assert len([p for p in out.iterdir() if not p.name.startswith(".")]) == 3
    assert len(site.user_agents) == 2  # the feed and the one new page: translated items are not fetched again


def test_a_file_of_urls_and_a_feed_file(site, fake, tmp_path):
    urls = tmp_path / "urls.txt"
    urls.write_text(f"# today's pages\n{site.base}/article.html\n\n{site.base}/budget.html\n", encoding="utf-8")
    result = _run(str(urls), "--input-format", "urls", "--format", "jsonl", "--no-brief")
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["source"] for line in result.stdout.splitlines()] == [
        f"{site.base}/article.html", f"{site.base}/budget.html"]
    feed = tmp_path / "une.rss"
    feed.write_bytes(_rss([f"{site.base}/budget.html"]))
    result = _run(str(feed), "--format", "jsonl", "--no-brief")
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["source"] for line in result.stdout.splitlines()] == [f"{site.base}/budget.html"]
    unnamed = tmp_path / "une"  # no extension: the content says feed
    unnamed.write_bytes(_rss([f"{site.base}/article.html", f"{site.base}/budget.html"]))
    result = _run(str(unnamed), "--format", "jsonl", "--no-brief")
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 2


def test_fetch_and_output_names_directly(site):
    page = fetch(f"{site.base}/moved", FetchSettings())
    assert page.url == f"{site.base}/article.html" and page.content_type == "text/html" and page.charset == "utf-8"
    stem = output_stem("https://www.lemonde.fr/politique/article/2026/11/30/greve-sncf_123.html")
    prefix = "www.lemonde.fr_politique_article_2026_11_30_greve-sncf_123-"
    assert stem.startswith(prefix) and len(stem) == len(prefix) + 8  # a readable slug, 8 hex digits of sha256
    assert output_stem("https://a.fr/x?id=1") != output_stem("https://a.fr/x?id=2")


def test_a_failing_url_among_others_fails_alone(site, fake, tmp_path):
    out = tmp_path / "en"
    result = _run(f"{site.base}/missing.html", f"{site.base}/article.html", "--out-dir", str(out), "--no-brief")
    assert result.exit_code == 1
    assert f"{site.base}/missing.html: HTTP 404 Not Found" in result.stderr
    assert [p.name for p in out.iterdir() if not p.name.startswith(".")] == [
        f"{output_stem(site.base + '/article.html')}.en.txt"]


def test_an_iso_8859_1_header_reads_as_browsers_do_and_a_page_given_twice_is_one_input(site, fake):
    result = _run(f"{site.base}/latin1.html", f"{site.base}/latin1.html", "--format", "jsonl", "--no-brief")
    assert result.exit_code == 0, result.output
    [line] = result.stdout.splitlines()  # the same page twice: translated once
    data = json.loads(line)
    assert "C'EST UNE ÉTAPE" in data["translation"]  # 0x92 is ’ (windows-1252), not a control character dropped


def test_a_url_spelled_to_pass_the_name_check_is_refused_on_its_connection(site):
    # urlsplit reads this host as 8.8.8.8 (public); urllib3 connects to 127.0.0.1: the address connected to decides
    url = site.base + "\\@8.8.8.8/article.html"
    with pytest.raises(InputError, match=r"refused: 127\.0\.0\.1 is a loopback, private or link-local address"):
        fetch(url, FetchSettings(public_only=True))
    assert site.user_agents == []  # no request was sent
    with pytest.raises(InputError, match="HTTP 404"):  # without the guard the request reaches the local server
        fetch(url, FetchSettings())
    assert len(site.user_agents) == 1


@pytest.mark.parametrize(("address", "public"), [
    ("8.8.8.8", True), ("::ffff:8.8.8.8", True), ("2001:4860:4860::8888", True), ("64:ff9b::808:808", True),
    ("127.0.0.1", False), ("10.0.0.1", False), ("169.254.169.254", False), ("0.0.0.0", False), ("::1", False),
    ("100.100.100.200", False),  # carrier-grade NAT space (a cloud's metadata service lives there)
    ("::ffff:100.100.100.200", False),  # Python calls this one global; the IPv4 it carries is not
    ("::ffff:127.0.0.1", False), ("64:ff9b::a00:1", False), ("64:ff9b:1::a00:1", False), ("2002:a00:1::", False),
    ("fec0::1", False), ("fe80::1%2", False),
])
def test_an_address_is_public_only_with_every_ipv4_it_carries(address, public):
    from translate_cli.web.fetch import is_public

    assert is_public(address) is public
