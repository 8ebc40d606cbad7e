"""Golden outputs: fixed inputs through the whole `brief` command, compared byte for byte with outputs recorded in
tests/golden/. The engines are deterministic fakes (golden_harness.py), so a difference is a change in brief itself:
segmentation, quotation restore, checks and retries, briefs, writers, batch runs, errors, exit statuses.

A recorded output changes only in a commit that names the issue item requiring it. To record them again:
    BRIEF_GOLDEN_UPDATE=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from golden_harness import install, run_brief

TESTS = Path(__file__).resolve().parent
GOLDEN = TESTS / "golden"
SEEDS = TESTS.parent / "seeds"
SEED_NAMES = sorted(p.name for p in SEEDS.glob("*.fr.txt"))
UPDATE = bool(os.environ.get("BRIEF_GOLDEN_UPDATE"))  # read before the test clears BRIEF_* variables

TRICKY = """\
AFFAIRE DU BARRAGE : LE MAIRE CONTESTE

Le maire a déclaré : « Nous ne céderons pas ‹ un seul mètre › de terrain. » Il a ajouté : « Jamais.

« Ni demain, ni après-demain », a-t-il conclu devant la presse.

Selon l'avocate, „ le dossier est vide “ et "rien ne tient". Un conseiller résume : “Tout le monde le sait.”
Une ligne sans point final
— Vous maintenez ? — Oui, répond-il.

Il a dit « oui et rien d'autre. Puis il est parti » sans un mot » de plus.

« Chaque dixième de degré compte. Nous le savons. » Le texte prévoit 1,5 million d'euros, soit 4,9 % du budget, dès le 28 février à 15 h 30.

Cette phrase très longue, qui n'en finit pas, énumère les communes de la vallée, les hameaux de la montagne, les fermes du plateau, les moulins de la rivière, les chapelles des cols, les refuges des sommets, les ponts de la route et les tunnels du chemin de fer, avant de conclure que rien ne sera plus comme avant.
"""

ENGLISH = """\
Budget talks resume in Paris

The minister arrived in Paris on Monday to present the budget. “We have no choice,” said the minister, Antoine Mercier. \
The opposition promised hundreds of amendments to the text, which cuts spending on housing and schools.

According to aides, “nothing has changed” since the vote of last week. More talks are planned for March, and a vote \
on the whole text is expected before the summer.

Unions said they would “fight every cut, line by line, until the government listens” and called a strike for \
Thursday.
"""


def _article(i: int) -> str:
    return (f"Article {i}. Le ministre a déclaré : « Nous voulons la paix {i}. »\n\n"
            f"Selon M. Dupont, « l'accord numéro {i} » sera signé le 28 février.")


def _feed(records: list[dict]) -> bytes:
    return ("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n").encode()


CORPUS = {
    "in/a/un.txt": _article(1).encode(),
    "in/a/deux.md": _article(2).encode(),
    "in/b/trois.txt": _article(3).encode("cp1252"),
    "in/b/profond/quatre.txt": _article(4).encode(),
    "in/vide.txt": b"",
    "in/blanc.md": b" \n\n \n",
    "in/binaire.txt": b"\x00\x01\x02PK\x03\x04" * 20,
    "in/ignore.csv": b"pas un article",
}
FEED = {"feed.jsonl": _feed([
    {"id": "r3", "text": _article(3), "lang": "fr", "meta": {"n": 3}},
    {"id": 1, "text": _article(1)},
    {"id": "r2", "text": "Il a dit « oui ».", "tags": ["court"]},
])}

# name: (files, [(args, stdin), ...]); "{seed}" in a name expands to every seed article.
CASES: dict[str, tuple[dict[str, bytes], list[tuple[list[str], bytes | None]]]] = {}


def case(name: str, commands: list[tuple[list[str], bytes | None]], files: dict[str, bytes] | None = None) -> None:
    CASES[name] = (files or {}, commands)


for seed in SEED_NAMES:
    stem = seed.removesuffix(".fr.txt")
    path = f"seeds/{seed}"
    case(f"{stem}.upper.json", [(["translate", path, "-f", "json", "--translator", "golden-upper",
                                  "--summarizer", "golden"], None)])
    case(f"{stem}.garble.markdown", [(["translate", path, "-f", "markdown", "--translator", "golden-garble",
                                       "--summarizer", "extractive"], None)])
    case(f"{stem}.loop.text", [(["translate", path, "--translator", "golden-loop", "--summarizer", "golden"],
                                None)])

MALI = "seeds/mali-russie-diop-lavrov.fr.txt"
case("mali.reference.text", [(["translate", MALI, "--translator", "golden-reference", "--summarizer", "golden"], None)])
case("mali.reference.extractive.markdown", [(["translate", MALI, "-f", "markdown", "--translator",
                                              "golden-reference", "--summarizer", "extractive"], None)])
case("mali.reference.jsonl", [(["translate", MALI, "-f", "jsonl", "--translator", "golden-reference",
                                "--summarizer", "extractive"], None)])
case("mali.reference.strict", [(["translate", MALI, "--translator", "golden-reference", "--strict",
                                 "--no-brief"], None)])
case("mali.upper.strict.retries0", [(["translate", MALI, "--translator", "golden-upper", "--strict",
                                      "--retries", "0", "--summarizer", "extractive"], None)])
case("mali.summarizer-auto-offline.json", [(["translate", MALI, "-f", "json", "--translator", "golden-reference"],
                                            None)])
case("mali.output-file", [(["translate", MALI, "-o", "out/mali.en.md", "-f", "markdown", "--translator",
                            "golden-reference", "--summarizer", "extractive"], None)])

TRICKY_FILES = {"tricky.fr.txt": TRICKY.encode()}
for kind in ("upper", "garble", "empty", "loop"):
    case(f"tricky.{kind}.json", [(["translate", "tricky.fr.txt", "-f", "json", "--translator", f"golden-{kind}",
                                   "--summarizer", "golden"], None)], TRICKY_FILES)
for style in ("curly", "straight", "guillemets"):
    case(f"tricky.{style}.text", [(["translate", "-", "--quotes", style, "--translator", "golden-garble",
                                    "--summarizer", "extractive"], TRICKY.encode())])
case("tricky.markdown.no-brief", [(["translate", "tricky.fr.txt", "-f", "markdown", "--no-brief", "--translator",
                                    "golden-upper"], None)], TRICKY_FILES)

EXTRACTIVE = ["--translator", "golden-upper", "--summarizer", "extractive"]
case("batch.out-dir.text", [(["translate", "in", "--out-dir", "out", *EXTRACTIVE], None),
                            (["translate", "in", "--out-dir", "out", *EXTRACTIVE], None)], CORPUS)
case("batch.out-dir.json.overwrite", [(["translate", "in", "--out-dir", "out", "-f", "json", *EXTRACTIVE], None),
                                      (["translate", "in", "--out-dir", "out", "-f", "json", "--overwrite",
                                        "--glob", "*.md", *EXTRACTIVE], None)], CORPUS)
case("batch.stdout.text", [(["translate", "in", *EXTRACTIVE], None)], CORPUS)
case("batch.stdout.jsonl", [(["translate", "in/a", "in/b", "-f", "jsonl", "--translator", "golden-garble",
                              "--summarizer", "golden"], None)], CORPUS)
case("batch.fail-fast", [(["translate", "in", "--out-dir", "out", "--fail-fast", *EXTRACTIVE], None)], CORPUS)
case("batch.markdown.out-dir-inside", [(["translate", "in", "--out-dir", "in/en", "-f", "markdown", *EXTRACTIVE],
                                        None)], CORPUS)
case("batch.json-several-is-usage", [(["translate", "in", "-f", "json", *EXTRACTIVE], None)], CORPUS)
case("batch.collision", [(["translate", "in/a/un.txt", "x/un.txt", "--out-dir", "out", *EXTRACTIVE], None)],
     {**CORPUS, "x/un.txt": b"Un."})
case("feed.jsonl", [(["translate", "feed.jsonl", "--input-format", "jsonl", "-f", "jsonl", *EXTRACTIVE], None)], FEED)
case("feed.out-dir.markdown", [(["translate", "-", "--input-format", "jsonl", "-f", "markdown", "--out-dir", "out",
                                 *EXTRACTIVE], FEED["feed.jsonl"])])
case("feed.bad-record", [(["translate", "bad.jsonl", "--input-format", "jsonl", *EXTRACTIVE], None)],
     {"bad.jsonl": b'{"id": 1, "text": "Un."}\n{"text": "sans id"}\n'})

case("summarize.golden.text", [(["summarize", "en.txt", "--summarizer", "golden"], None)], {"en.txt": ENGLISH.encode()})
case("summarize.golden.json", [(["summarize", "-", "--summarizer", "golden", "-f", "json"], ENGLISH.encode())])
case("summarize.extractive.markdown", [(["summarize", "en.txt", "--summarizer", "extractive", "-f", "markdown",
                                         "--quotes", "guillemets"], None)], {"en.txt": ENGLISH.encode()})

case("errors", [
    (["translate", "nope.txt", *EXTRACTIVE], None),
    (["translate", "-", *EXTRACTIVE], b""),
    (["translate", "-", *EXTRACTIVE], b"\x89PNG\r\n\x1a\n\x00\x00"),
    (["translate", MALI, "--format", "pdf"], None),
    (["translate", MALI, "--max-new-tokens", "lots", "--translator", "golden-upper"], None),
    (["translate", MALI, "--beams", "0"], None),
    (["translate", MALI, MALI, *EXTRACTIVE], None),
    (["translate", MALI, "in.txt", "-o", "x.txt", *EXTRACTIVE], None),
    (["summarize", "nope.txt"], None),
    (["frobnicate"], None),
], {"in.txt": b"Bonjour."})
case("stdin.cp1252", [(["translate", "-", "--no-brief", "--translator", "golden-upper"],
                       "Le président a été reçu à Noël : « très bien ».".encode("cp1252"))])


def _record(workdir: Path, commands: list[tuple[list[str], bytes | None]], inputs: set[str]) -> str:
    parts = []
    for args, stdin in commands:
        code, stdout, stderr = run_brief(args, stdin)
        stderr = re.sub(r" in \d+\.\d+s$", " in <elapsed>s", stderr, flags=re.M)
        parts.append(f"$ brief {' '.join(args)}\n[exit {code}]\n--- stdout\n{stdout}--- stderr\n{stderr}")
    written = sorted(p for p in workdir.rglob("*") if p.is_file() and str(p.relative_to(workdir)) not in inputs)
    for path in written:
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = repr(data) + "\n"
        parts.append(f"--- file {path.relative_to(workdir)}\n{text}")
    return "\n".join(parts)


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_output(name, tmp_path, monkeypatch):
    files, commands = CASES[name]
    for key in [k for k in os.environ if k.startswith("BRIEF_") and k != "BRIEF_CACHE"]:  # a user's settings
        monkeypatch.delenv(key)
    workdir = tmp_path / "work"
    shutil.copytree(SEEDS, workdir / "seeds")
    for relative, data in files.items():
        (workdir / relative).parent.mkdir(parents=True, exist_ok=True)
        (workdir / relative).write_bytes(data)
    inputs = {str(p.relative_to(workdir)) for p in workdir.rglob("*") if p.is_file()}
    install(monkeypatch, tmp_path)
    monkeypatch.chdir(workdir)
    recorded = _record(workdir, commands, inputs)
    expected = GOLDEN / f"{name}.txt"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        expected.write_text(recorded, encoding="utf-8")
    assert expected.is_file(), f"no recorded output for {name}: run with BRIEF_GOLDEN_UPDATE=1"
    assert recorded == expected.read_text(encoding="utf-8")


def test_every_recorded_output_has_its_case():
    assert sorted(p.stem for p in GOLDEN.glob("*.txt")) == sorted(CASES)
