"""What a batch run reads: files, directories, stdin and JSON Lines records, as BatchInputs in a stable order.

A JSON Lines line that cannot be used (not JSON, no id or text, a repeated id) is one failed input, reported with its
line number; the others go on.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

from ..errors import InputError, UsageError
from ..reading import Source, decode, looks_like_html, source_from_bytes, source_from_html
from ..web.fetch import FetchSettings, Page, fetch, is_url, output_stem

DEFAULT_GLOBS = ("*.txt", "*.md", "*.html", "*.htm")
DEFAULT_FETCH = FetchSettings()
HIDDEN_PREFIX = "."  # hidden files are never inputs: a run's temp and outcome files are hidden (outputs.py)


@dataclass(frozen=True)
class BatchInput:
    """One document to translate: a file, stdin, or a record of a JSON Lines file."""

    source: str  # the path as given, "-" for stdin, or the .jsonl path for a record
    relative: Path  # where its output goes under --out-dir, without the format suffix
    path: Path | None = None  # read lazily, so a bad file fails alone
    data: bytes | None = None  # stdin's bytes
    record_id: str | None = None
    text: str | None = None  # a JSON Lines record's text
    fields: dict[str, Any] = field(default_factory=dict)  # the record's other fields
    line: int | None = None  # a JSON Lines record's line number
    problem: str | None = None  # why this record cannot be read (it fails alone, when its turn comes)
    input_format: str = "auto"  # a file's or stdin's: "auto" (HTML by extension or content, else text), "text", "html"
    url: str | None = None  # a web page to fetch (when its turn comes, unless `page` holds it already)
    page: Page | None = None  # what fetching `url` gave
    fetch_settings: FetchSettings = DEFAULT_FETCH
    read: Source | None = None  # the document, once read (prefetched)

    @property
    def label(self) -> str:
        """How messages name it: the path, or for a record the file, its line and its id."""
        if self.line is None:
            return self.source
        return f"{self.source}:{self.line}" + (f" (id {self.record_id})" if self.record_id is not None else "")


def discover(
    paths: Sequence[str],
    *,
    globs: Sequence[str] = DEFAULT_GLOBS,
    input_format: str = "auto",
    out_dir: Path | None = None,
    stdin: bytes | None = None,
    fetch: FetchSettings = DEFAULT_FETCH,
) -> list[BatchInput]:
    """Expand files, directories (recursive, filtered by `globs`), URLs, feeds and '-' into inputs, in a stable
    order. A URL given is fetched now (a page or a feed?); a feed's items are fetched when their turn comes, and
    not at all when their output exists."""
    inputs: list[BatchInput] = []
    excluded = out_dir.resolve() if out_dir else None
    for given in paths:
        if is_url(given):
            inputs.extend(_url_inputs(given, fetch))
            continue
        if given == "-":
            data = stdin if stdin is not None else b""
            if input_format == "jsonl":
                inputs.extend(_records(data, "-"))
            else:
                inputs.append(BatchInput("-", Path("stdin"), data=data, input_format=input_format))
            continue
        path = Path(given)
        if path.is_dir():
            files = sorted(
                candidate
                for candidate in path.rglob("*")
                if candidate.is_file()
                and any(fnmatch(candidate.name, pattern) for pattern in globs)
                and not candidate.name.startswith(HIDDEN_PREFIX)
                and not (excluded and candidate.resolve().is_relative_to(excluded))
            )
            for file in files:
                inputs.extend(_file_inputs(file, file.relative_to(path), input_format, fetch))
        elif path.is_file():
            inputs.extend(_file_inputs(path, Path(path.name), input_format, fetch))
        elif path.exists():
            raise UsageError(f"{given} is not a regular file")
        else:
            raise UsageError(f"no such file or directory: {given}")
    return _first_of_each_url(inputs)


def _first_of_each_url(inputs: list[BatchInput]) -> list[BatchInput]:
    """A page given twice (on the command line, in two feeds) is one input: the first."""
    seen: set[str] = set()
    kept = []
    for item in inputs:
        if item.url is not None:
            if item.url in seen:
                continue
            seen.add(item.url)
        kept.append(item)
    return kept


def _url_inputs(url: str, settings: FetchSettings) -> list[BatchInput]:
    from ..web.feeds import feed_links, looks_like_feed

    try:
        page = fetch(url, settings)
        if looks_like_feed(page.data, page.content_type):
            return _link_inputs(feed_links(page.data, url, page.url), url, settings)
    except InputError as exc:  # fails alone, when its turn comes: the other inputs go on
        return [BatchInput(url, Path(output_stem(url)), url=url, problem=str(exc))]
    return [BatchInput(url, Path(output_stem(url)), url=url, page=page, fetch_settings=settings)]


def _link_inputs(links: Sequence[str], source: str, settings: FetchSettings) -> list[BatchInput]:
    return [BatchInput(link, Path(output_stem(link)), url=link, fetch_settings=settings) for link in links
            if is_url(link)]


def _file_inputs(path: Path, relative: Path, input_format: str, fetch: FetchSettings = DEFAULT_FETCH) \
        -> list[BatchInput]:
    # a feed is told by its name, or sniffed in a file without an extension (which may also be a page or a text)
    if input_format in ("jsonl", "urls", "feed") or (input_format == "auto" and path.suffix.lower() in
                                                     (".rss", ".atom", ".xml", "")):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc.strerror}") from None
        if input_format == "jsonl":
            return _records(data, str(path))
        if input_format == "urls":
            lines = [line.strip() for line in decode(data, str(path)).text.splitlines()]
            urls = [line for line in lines if line and not line.startswith("#")]
            bad = [line for line in urls if not is_url(line)]
            if bad:
                raise UsageError(f"{path}: not an http(s) URL: {bad[0]}")
            return _link_inputs(urls, str(path), fetch)
        from ..web.feeds import feed_links, looks_like_feed

        if input_format == "feed" or looks_like_feed(data, name=str(path)):
            return _link_inputs(feed_links(data, str(path)), str(path), fetch)
        if not path.suffix:
            return [BatchInput(str(path), _strip_suffix(relative), data=data, input_format=input_format)]
    return [BatchInput(str(path), _strip_suffix(relative), path=path, input_format=input_format)]


def _strip_suffix(relative: Path) -> Path:
    name = relative.name
    for suffix in (".fr.txt", ".fr.md", ".txt", ".md"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return relative.with_name(name[: -len(suffix)])
    return relative.with_name(relative.stem or name)


def _records(data: bytes, source: str) -> list[BatchInput]:
    """JSON Lines: one object per line with `id` and `text`; other fields are kept and echoed under `input`."""
    records = []
    first_line: dict[str, int] = {}
    text = decode(data, source).text if data.strip() else ""
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            records.append(_unusable(source, number, f"not valid JSON ({exc.msg})"))
            continue
        if not isinstance(record, dict) or "id" not in record or not isinstance(record.get("text"), str):
            record_id = str(record["id"]) if isinstance(record, dict) and "id" in record else None
            records.append(_unusable(source, number, 'each line needs an object with "id" and a string "text"',
                                     record_id))
            continue
        record_id = str(record["id"])
        if record_id in first_line:
            records.append(_unusable(source, number, f"duplicate id {record_id!r} (first on line "
                                                     f"{first_line[record_id]})", record_id))
            continue
        first_line[record_id] = number
        fields = {key: value for key, value in record.items() if key not in ("id", "text")}
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in record_id).lstrip(".") or "_"
        records.append(BatchInput(source, Path(safe), record_id=record_id, text=record["text"], fields=fields,
                                  line=number))
    return records


def _unusable(source: str, line: int, why: str, record_id: str | None = None) -> BatchInput:
    item = BatchInput(source, Path(f".line-{line}"), record_id=record_id, line=line)
    return BatchInput(source, item.relative, record_id=record_id, line=line, problem=f"{item.label}: {why}")


def read_source(item: BatchInput) -> Source:
    """Read and decode one input (InputError if it is unreadable, binary, empty, an unusable record, or a URL that
    cannot be fetched or is no web page)."""
    if item.read is not None:
        return item.read
    if item.problem is not None:
        raise InputError(item.problem)
    if item.url is not None:
        return _web_source(item)
    if item.text is not None:
        return Source(item.text, item.label)
    if item.data is not None:
        return source_from_bytes(item.data, item.label, item.input_format)
    assert item.path is not None
    try:
        data = item.path.read_bytes()
    except OSError as exc:
        raise InputError(f"{item.label}: cannot read ({exc.strerror})") from None
    return source_from_bytes(data, item.label, item.input_format)


def _web_source(item: BatchInput) -> Source:
    assert item.url is not None
    page = item.page or fetch(item.url, item.fetch_settings)
    if page.content_type and page.content_type not in ("text/html", "application/xhtml+xml") and \
            not looks_like_html(page.url, page.data):
        raise InputError(f"{item.url}: not a web page (Content-Type {page.content_type})")
    return source_from_html(page.data, item.url, url=page.url, charset=page.charset)


def prefetched(item: BatchInput) -> BatchInput:
    """`item` with its document read (InputError now rather than after a model has loaded)."""
    return replace(item, read=read_source(item))
