"""Fetching a page or feed by URL (urllib3, which the web extra brings): a time limit for the whole response, a size
limit, a bounded number of redirects, brief's User-Agent; every failure one line naming the URL."""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from ..errors import InputError, MissingExtraError

_URL = re.compile(r"https?://[^\s/$.?#][^\s]*\Z", re.I)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)


def is_url(text: str) -> bool:
    return bool(_URL.match(text))


@dataclass(frozen=True)
class FetchSettings:
    """How brief fetches: defaults a media monitor can run on a schedule; all settable (--timeout, --max-bytes,
    --max-redirects)."""

    timeout: float = 20.0  # seconds for the whole response, redirects included
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    public_only: bool = False  # refuse hosts on loopback, private, link-local or reserved addresses (a server's)


@dataclass(frozen=True)
class Page:
    url: str  # after redirects
    data: bytes
    content_type: str  # the media type, lower case, without parameters ("" when the server sends none)
    charset: str | None  # as the Content-Type header declares it


def user_agent() -> str:
    from .. import __version__

    return f"brief/{__version__} (French news translation; +https://pypi.org/project/brief-translate/)"


def fetch(url: str, settings: FetchSettings = FetchSettings()) -> Page:
    """GET `url` following at most settings.max_redirects redirects; InputError (one line) on any failure."""
    try:
        import urllib3
    except ImportError as exc:
        raise MissingExtraError(f'{url}: URL input needs brief\'s web extra (pip install "brief-translate[web]")') \
            from exc
    try:
        urlsplit(url).hostname  # noqa: B018 - urlsplit checks the address only when asked for its host
    except ValueError as exc:
        raise InputError(f"{url}: not a valid URL ({exc})") from None
    deadline = time.monotonic() + settings.timeout
    pool = urllib3.PoolManager(headers={"User-Agent": user_agent(), "Accept": "text/html,application/xhtml+xml,"
                                        "application/rss+xml,application/atom+xml,application/xml;q=0.9,*/*;q=0.5"})
    if settings.public_only:  # checked on the socket urllib3 connects, whatever the URL's spelling or DNS says
        pool.pool_classes_by_scheme = _public_only_pools()
    seen = [url]
    current = url
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise InputError(f"{url}: no complete answer within {settings.timeout:g} s (--timeout)")
        if settings.public_only:
            _refuse_private(url, current)
        try:
            response = pool.request("GET", current, redirect=False, retries=False, preload_content=False,
                                    timeout=urllib3.Timeout(total=left))
        except PrivateAddress as exc:
            raise InputError(f"{url}: refused: {exc} is a loopback, private or link-local address "
                             "(brief serve --allow-private-urls allows it)") from None
        except (urllib3.exceptions.HTTPError, ValueError) as exc:
            raise InputError(f"{url}: cannot fetch ({_reason(exc, settings)})") from None
        try:
            if response.status in (301, 302, 303, 307, 308):
                location = response.headers.get("Location")
                if not location:
                    raise InputError(f"{url}: HTTP {response.status} redirect without a Location")
                try:
                    current = urljoin(current, location)
                    scheme = urlsplit(current).scheme
                except ValueError:
                    raise InputError(f"{url}: HTTP {response.status} redirect to a malformed address") from None
                if current in seen:
                    raise InputError(f"{url}: redirect loop ({' → '.join(seen + [current])})")
                seen.append(current)
                if len(seen) - 1 > settings.max_redirects:
                    raise InputError(f"{url}: more than {settings.max_redirects} redirects (--max-redirects)")
                if scheme not in ("http", "https"):
                    raise InputError(f"{url}: redirected to a non-HTTP address ({current})")
                continue
            if response.status >= 400:
                raise InputError(f"{url}: HTTP {response.status} {response.reason or ''}".rstrip())
            data = _read(response, url, settings, deadline)
            header = response.headers.get("Content-Type", "")
            charset = _CHARSET.search(header)
            return Page(current, data, header.split(";")[0].strip().lower(), charset[1] if charset else None)
        finally:
            response.release_conn()


_NAT64 = ("64:ff9b::/96", "64:ff9b:1::/48")  # IPv6 prefixes that carry an IPv4 address in their last 32 bits


def is_public(text: str) -> bool:
    """A global address, and so is any IPv4 address it carries (IPv4-mapped, 6to4, Teredo, NAT64): Python judges
    "::ffff:100.64.0.1" global while the IPv4 inside it is carrier-grade NAT space."""
    import ipaddress

    address = ipaddress.ip_address(text.split("%")[0])
    if not address.is_global:
        return False
    if isinstance(address, ipaddress.IPv6Address):
        carried = [address.ipv4_mapped, address.sixtofour, *(address.teredo or ())]
        if any(address in ipaddress.ip_network(prefix) for prefix in _NAT64):
            carried.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        if address.is_site_local:  # fec0::/10, deprecated, still routed inside some networks
            return False
        return all(ipv4.is_global for ipv4 in carried if ipv4 is not None)
    return True


class PrivateAddress(Exception):
    """The connection reached a non-public address (its message: the address)."""


def _public_only_pools() -> dict[str, type]:
    """urllib3 connection pools whose connections refuse a peer that is not a public address. This is the guard
    that holds: the host checked is the one connected to, after urllib3's own URL parsing ("http://a\\@b/" names
    b to urlsplit but connects to a) and after DNS (no second lookup to rebind)."""
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    class PublicOnly:
        def _new_conn(self):  # type: ignore[no-untyped-def]
            sock = super()._new_conn()  # type: ignore[misc]
            peer = sock.getpeername()[0]
            if not is_public(peer):
                sock.close()
                raise PrivateAddress(peer)
            return sock

    class PublicHTTPConnection(PublicOnly, HTTPConnection):
        pass

    class PublicHTTPSConnection(PublicOnly, HTTPSConnection):
        pass

    class PublicHTTPPool(HTTPConnectionPool):
        ConnectionCls = PublicHTTPConnection

    class PublicHTTPSPool(HTTPSConnectionPool):
        ConnectionCls = PublicHTTPSConnection

    return {"http": PublicHTTPPool, "https": PublicHTTPSPool}


def _refuse_private(url: str, current: str) -> None:
    """Server-side request forgery guard, early and by name: every address the host names must be a public one
    (checked before each request, redirects included; _public_only_pools checks the address connected to)."""
    import socket

    host = urlsplit(current).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise InputError(f"{url}: cannot resolve {host}") from None
    for info in infos:
        if not is_public(info[4][0]):
            raise InputError(f"{url}: refused: {host} is a loopback, private or link-local address "
                             "(brief serve --allow-private-urls allows it)")


def _read(response, url: str, settings: FetchSettings, deadline: float) -> bytes:
    import urllib3

    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > settings.max_bytes:
        raise InputError(f"{url}: larger than {settings.max_bytes} bytes ({declared}; --max-bytes)")
    chunks, size = [], 0
    try:
        # read1: whatever has arrived, so that a server dripping bytes meets the deadline between reads
        while chunk := response.read1(64 * 1024):
            size += len(chunk)
            if size > settings.max_bytes:
                raise InputError(f"{url}: larger than {settings.max_bytes} bytes (--max-bytes)")
            if time.monotonic() > deadline:
                raise InputError(f"{url}: no complete answer within {settings.timeout:g} s (--timeout)")
            chunks.append(chunk)
    except urllib3.exceptions.HTTPError as exc:
        raise InputError(f"{url}: cannot fetch ({_reason(exc, settings)})") from None
    return b"".join(chunks)


def _reason(exc: Exception, settings: FetchSettings) -> str:
    import urllib3

    if isinstance(exc, (urllib3.exceptions.TimeoutError, urllib3.exceptions.ReadTimeoutError)):  # type: ignore[misc]
        return f"no complete answer within {settings.timeout:g} s (--timeout)"
    reason = getattr(exc, "reason", None) or exc
    return str(reason).splitlines()[0][:200]


def output_stem(url: str) -> str:
    """An output file name for a URL: host and path as a readable slug plus 8 hex digits of the URL's sha256
    (https://www.lemonde.fr/politique/article/2026/11/30/greve.html → www.lemonde.fr_politique_article_2026_11_30
    _greve-1a2b3c4d); the hash tells apart URLs whose slugs agree."""
    try:
        parts = urlsplit(url)
        host, path = parts.hostname or "page", re.sub(r"\.(?:s?html?|php|aspx?)$", "", parts.path, flags=re.I)
    except ValueError:  # a malformed address: it fails when fetched; its name need only be unique
        host, path = "page", ""
    slug = re.sub(r"[^A-Za-z0-9.-]+", "_", f"{host}{path}").strip("_.")[:80]
    return f"{slug}-{hashlib.sha256(url.encode('utf-8')).hexdigest()[:8]}"
