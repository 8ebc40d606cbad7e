"""What reading a web page costs (issue 14): decoding and trafilatura's article extraction of a ~200 KB news page
(the HTML test fixture's article, its paragraphs repeated with other numbers, inside the same page furniture),
median of --runs, in ms.

    python benchmarks/bench_extract.py [--size-kb 200] [--runs 7]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from translate_cli.web.html import read_page  # noqa: E402


def page(size_kb: int) -> bytes:
    html = (REPO / "tests" / "data" / "web" / "news-article.html").read_text(encoding="utf-8")
    start, end = html.index("<h2>"), html.index("</article>")
    body, copies = html[start:end], []
    number = 0
    while len(html) + sum(len(c) for c in copies) < size_kb * 1024:
        number += 1
        copies.append(re.sub(r"\d+", lambda m, shift=number: str(int(m[0]) + shift), body))
    return (html[:end] + "".join(copies) + html[end:]).encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-kb", type=int, default=200)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    data = page(args.size_kb)
    read_page(data, "page.html")  # warm-up: imports, lxml's parser
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        source = read_page(data, "page.html")
        times.append(time.perf_counter() - started)
    print(f"{len(data) / 1024:.0f} KB page → {len(source.text) / 1024:.0f} KB of article text in {len(source.blocks)} "
          f"blocks: {1000 * statistics.median(times):.0f} ms (median of {args.runs}; min {1000 * min(times):.0f} ms)")


if __name__ == "__main__":
    main()
