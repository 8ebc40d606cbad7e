"""Rebuild the names check's word lists from the Hunspell dictionaries Debian ships (not run at install or test time).

    apt-get download hunspell-fr-classical hunspell-en-us hunspell-en-gb hunspell-tools
    for deb in *.deb; do dpkg -x "$deb" x; done
    python translate_cli/checks/data/build_lexicons.py x/usr/share/hunspell x/usr/bin/unmunch

fr-common.txt.gz: every form (plurals, feminines: Hunspell's unmunch) of the nouns, adjectives and other words that
are not verbs which the Dicollecte dictionary (MPL-2.0) lists in lower case, plus its capitalised common nouns
(Terre, Nil, Centre), folded — a capitalised one mid-sentence (Laboratoires, État, Frères) is then a common noun
in a name or a title, which English usually translates. fr-proper.txt.gz: the words it lists as proper nouns, first
names or surnames (Macron, Pierre, Internet): names even where a common word is spelt alike; a first name's line
ends in "+". en-words.txt.gz: every folded word of SCOWL's en_US and en_GB dictionaries, any case — a capitalised
English word outside it (and outside the French sentence) is a name the French did not have.
"""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from translate_cli.checks.common import fold  # noqa: E402

_PROPER = re.compile(r"po:(?:npr|prn|patr)")


def _entries(path: Path) -> list[tuple[str, str]]:
    """(word with its affix flags, morphology) of each entry; the first line is the entry count."""
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        word, _, morphology = line.partition(" ")
        entries.append((word.split("\t")[0], morphology))
    return entries


def _bare(word: str) -> str:
    return word.split("/")[0]


def _forms(entries: list[str], affixes: Path, unmunch: str) -> set[str]:
    """Every inflected form of the entries, folded, as Hunspell's unmunch spells them out."""
    with tempfile.NamedTemporaryFile("w", suffix=".dic", encoding="utf-8", delete=False) as dic:
        dic.write(f"{len(entries)}\n" + "\n".join(entries) + "\n")
    output = subprocess.run([unmunch, dic.name, str(affixes)], capture_output=True, check=True).stdout
    Path(dic.name).unlink()
    forms = set()
    for line in output.decode("utf-8").splitlines():
        form = re.sub(r"\d+$", "", line.split("/")[0])
        if "'" not in form and form.replace("-", "").isalpha():  # elided forms (l'État) come out too
            forms.add(fold(form))
    return forms


def _write(path: Path, words: set[str]) -> None:
    data = ("\n".join(sorted(words)) + "\n").encode("utf-8")
    path.write_bytes(gzip.compress(data, 9, mtime=0))  # mtime 0: the same input gives the same bytes
    print(f"{path.name}: {len(words)} words, {path.stat().st_size} bytes")


def main(hunspell_dir: str, unmunch: str) -> None:
    here = Path(__file__).resolve().parent
    source = Path(hunspell_dir)
    entries = [(w, m) for w, m in _entries(source / "fr.dic") if _bare(w).replace("-", "").isalpha()]
    common = [w for w, m in entries if "po:v" not in m and (_bare(w)[:1].islower() or not _PROPER.search(m))]
    _write(here / "fr-common.txt.gz", _forms(common, source / "fr.aff", unmunch))
    proper = {fold(_bare(w)) + ("+" if "po:prn" in m else "") for w, m in entries
              if _bare(w)[:1].isupper() and _PROPER.search(m)}
    _write(here / "fr-proper.txt.gz", proper)
    english = [w for name in ("en_US.dic", "en_GB.dic") for w, _ in _entries(source / name)]
    _write(here / "en-words.txt.gz", {fold(_bare(w)) for w in english if _bare(w).isalpha()})


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
