"""A web page → its article as brief's text: the body without navigation, ads, comments or related links
(trafilatura, the field's reference extractor), one paragraph per block (headings, paragraphs, list items and
block quotes never run into each other), inline markup dissolved into its text, and the page's metadata.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from ..errors import InputError, MissingExtraError
from ..result import ArticleInfo

EXTRA = 'pip install "brief-translate[web]"'
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_LANG = re.compile(r"""<html\b[^>]*?\blang\s*=\s*["']?([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)""", re.I)
_PROSE = re.compile(r"(?:\S+\s+){5,}\S*[.!?…»”\")]\s*$")  # a block of six words or more ending like a sentence
_SPACES = re.compile(r"[ \t\r\n\f\v]+")  # the page's layout whitespace; no-break spaces are the text's own


@dataclass(frozen=True)
class Extracted:
    """The article of a page: its text (blocks joined by blank lines), each block's kind, and the metadata."""

    text: str
    blocks: tuple[str, ...]
    info: ArticleInfo
    warnings: tuple[str, ...] = ()  # from decoding the page


def decode_html(data: bytes, name: str, charset: str | None = None) -> tuple[str, tuple[str, ...]]:
    """The page as text: a byte-order mark, else `charset` (an HTTP header's), else the page's <meta> charset,
    else UTF-8, else cp1252 with a warning."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), ()
    declared = _browser_label(charset) if charset else _declared_charset(data)
    if declared:
        try:
            return data.decode(declared), ()
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        return text, (f"{name}: page charset {declared or 'undeclared'} does not decode it; read as cp1252",)
    warning = (f"{name}: declared charset {declared} does not decode the page; read as UTF-8",) if declared else ()
    return text, warning


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:8192])
    if not match:
        return None
    return _browser_label(match[1].decode("ascii", "replace"))


def _browser_label(label: str) -> str:
    """A declared charset as browsers read it: ISO-8859-1 and ASCII labels mean windows-1252 (’ € œ in 0x80–0x9F)."""
    label = label.strip().lower()
    return "cp1252" if label in ("iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii") else label


def extract_article(html: str, name: str, url: str | None = None) -> Extracted:
    """The article of `html` (InputError when the page has none: an index page, a login wall)."""
    try:
        import trafilatura
        from lxml import etree
        from trafilatura.utils import load_html
    except ImportError as exc:
        raise MissingExtraError(f"{name}: HTML input needs brief's web extra ({EXTRA}): {exc}") from exc
    tree = load_html(html)  # parsed once: the <h1> is read before trafilatura prunes the tree
    headline = _headline(tree)
    xml = trafilatura.extract(tree, url=url, output_format="xml", with_metadata=True, include_comments=False,
                              include_tables=False, include_links=False, include_formatting=False,
                              include_images=False)
    if not xml:
        raise InputError(f"{name}: no article text found in this page (an index page or a login wall?)")
    document = etree.fromstring(xml.encode("utf-8"))
    blocks: list[tuple[str, str]] = []
    for element in document.iterfind("main/*"):
        blocks.extend(_blocks(element))
    blocks = [(kind, text) for kind, text in blocks if text]
    if not any(_PROSE.search(text) for _, text in blocks):  # menus and link lists of an index page are no article
        raise InputError(f"{name}: no article text found in this page (an index page or a login wall?)")
    if headline and blocks[0][0] != "h1" and headline == document.get("title") and \
            all(text != headline for _, text in blocks):
        blocks.insert(0, ("h1", headline))  # trafilatura gives a page's <h1> as its title only: it is the headline
    language = _LANG.search(html[:20000])
    info = ArticleInfo(
        title=document.get("title") or None, author=document.get("author") or None,
        date=document.get("date") or None, site=document.get("sitename") or None,
        url=document.get("url") or url or None, language=language[1].lower() if language else None,
    )
    return Extracted("\n\n".join(text for _, text in blocks), tuple(kind for kind, _ in blocks), info)


def _headline(tree) -> str | None:
    """The text of the page's first <h1>, whitespace collapsed."""
    found = tree.xpath("//h1") if tree is not None else []
    return (_SPACES.sub(" ", found[0].text_content()).strip() or None) if found else None


def _text(element) -> str:
    """An element's text with inline markup dissolved: a line break inside a block is a space."""
    for line_break in element.iter("lb"):
        line_break.tail = " " + (line_break.tail or "")
    return _SPACES.sub(" ", "".join(element.itertext())).strip()


def _blocks(element) -> list[tuple[str, str]]:
    tag = element.tag
    if tag == "head":
        rend = element.get("rend") or "h2"
        return [(rend if re.fullmatch(r"h[1-6]", rend) else "h2", _text(element))]
    if tag == "list":
        return [("item", _text(item)) for item in element.iterfind("item")]
    if tag == "quote":
        parts = [child for child in element if child.tag in ("p", "head", "item")]
        return [("quote", _text(part)) for part in parts] if parts else [("quote", _text(element))]
    return [("p", _text(element))]


def read_page(data: bytes, name: str, *, url: str | None = None, charset: str | None = None) -> Extracted:
    """A page's bytes (and what HTTP said of them, once URLs are read) → its article."""
    html, warnings = decode_html(data, name, charset)
    article = extract_article(html, name, url)
    return Extracted(article.text, article.blocks, article.info, warnings)
