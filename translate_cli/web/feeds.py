"""RSS and Atom feeds (feedparser, the maintained parser): a feed expands to its items' links, newest first as
the feed lists them."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from ..errors import InputError, MissingExtraError

_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json")
_FEED_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF)[\s>]",
                         re.S)


def looks_like_feed(data: bytes, content_type: str = "", name: str = "") -> bool:
    """By the media type or the file name, else by how the content starts (<rss>, <feed>, <rdf:RDF>)."""
    if content_type in _FEED_TYPES or name.lower().endswith((".rss", ".atom")):
        return True
    return bool(_FEED_START.match(data[:4096]))


def feed_links(data: bytes, name: str, base_url: str | None = None) -> list[str]:
    """The links of a feed's items, in the feed's order, each once; InputError when it is no feed."""
    try:
        import feedparser
    except ImportError as exc:
        raise MissingExtraError(f'{name}: feeds need brief\'s web extra (pip install "brief-translate[web]")') \
            from exc
    parsed = feedparser.parse(data, response_headers={"content-location": base_url} if base_url else None)
    if not parsed.get("version") and not parsed.entries:
        raise InputError(f"{name}: not an RSS or Atom feed ({parsed.get('bozo_exception', 'no items')})")
    base = base_url or parsed.feed.get("link")  # relative item links resolve against the feed's own address
    links = [urljoin(base, entry["link"]) if base else entry["link"] for entry in parsed.entries if entry.get("link")]
    return list(dict.fromkeys(links))
