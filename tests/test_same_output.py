"""Same input, same output: an article translated among others gives byte-identical JSON to that article alone, on
both backends and both CPU precisions (tiny models). The tiny models' activations are small and alike, so this pins
the batching across documents; the per-row invariance of torch's int8 layers is pinned in test_int8_rows.py, and
the whole claim on real-size weights by benchmarks/bench_same_output.py (issue 13)."""

from __future__ import annotations

import json

import pytest

import translate_cli
from translate_cli.reading import Source

ARTICLES = [
    "Le ministre est arrivé à Moscou lundi. Il a rencontré son homologue.\n\nLa réunion a duré deux heures.",
    "Le gouvernement présente son budget. « Nous n'avons pas le choix », a déclaré le ministre.",
    "Une grève touche la SNCF depuis mardi. Les syndicats demandent des hausses de salaire. Le trafic est perturbé.",
]


@pytest.mark.parametrize("backend", ["torch", "ctranslate2"])
@pytest.mark.parametrize("precision", ["float32", "auto"])  # auto on CPU: int8
def test_an_article_among_others_translates_as_it_does_alone(tiny_marian_dir, backend, precision, tmp_path,
                                                              monkeypatch):
    monkeypatch.setenv("BRIEF_CACHE", str(tmp_path / "cache"))
    brief = translate_cli.load(str(tiny_marian_dir), backend=backend, precision=precision, device="cpu",
                               brief=False, max_new_tokens=12)
    sources = [Source(text, f"article-{i}.txt", ()) for i, text in enumerate(ARTICLES)]
    together = [json.dumps(result.to_dict(), ensure_ascii=False) for _, result in brief.translate_many(sources)]
    alone = [json.dumps(brief.translate(s.text, source=s.name).to_dict(), ensure_ascii=False) for s in sources]
    assert len(together) == 3 and together == alone
