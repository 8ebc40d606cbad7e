"""Reading quotations back out of English output, to check what the pipeline promises."""

from __future__ import annotations


def top_level_quotes(text: str, opening: str = "“", closing: str = "”") -> list[str]:
    """Contents of top-level quotations; asserts the marks are balanced and never nest at the top level.

    A paragraph that begins with an opening mark while a quotation is open continues it (English convention).
    """
    quotes: list[str] = []
    current: list[str] | None = None
    for paragraph in text.split("\n\n"):
        if current is not None:
            assert paragraph.startswith(opening), f"open quotation not reopened at paragraph: {paragraph[:40]!r}"
            paragraph = paragraph[1:]
            current.append("\n\n")
        for char in paragraph:
            if char == opening and current is None:
                current = []
            elif char == closing and current is not None:
                quotes.append("".join(current))
                current = None
            elif char in (opening, closing):
                raise AssertionError(f"unbalanced {char!r} in {paragraph[:60]!r}")
            elif current is not None:
                current.append(char)
    assert current is None, "a quotation is never closed"
    return quotes
