"""Batch runs: many inputs, one model load, failures reported, atomic and resumable outputs, JSON Lines, pipes."""

import io
import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from fakes import FakeTranslator, fake_loader

import translate_cli
from translate_cli import backends, batch
from translate_cli.cli import cli
from translate_cli.options import Options
from translate_cli.reading import Source
from translate_cli.writers import write_text

TESTS = Path(__file__).resolve().parent
FAKE_BRIEF = [sys.executable, str(TESTS / "fake_brief.py")]


def article(i: int) -> str:
    return (
        f"Article {i}. Le ministre a déclaré : « Nous voulons la paix {i}. »\n\n"
        f"Selon M. Dupont, « l'accord numéro {i} » sera signé le 28 février."
    )


@pytest.fixture
def corpus(tmp_path):
    """30 inputs in a tree: 27 good ones (one in cp1252), an empty one, a binary one, a whitespace one."""
    root = tmp_path / "in"
    for i in range(27):
        folder = root / ("a" if i % 2 else "b") / ("deep" if i % 3 == 0 else "")
        folder.mkdir(parents=True, exist_ok=True)
        data = article(i).encode("cp1252" if i == 5 else "utf-8")
        (folder / f"art{i:02d}.txt").write_bytes(data)
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 20)
    (root / "blank.md").write_bytes(b" \n\n \n")
    (root / "ignored.csv").write_text("not an article")
    return root


@pytest.fixture
def fake(monkeypatch):
    monkeypatch.setenv("BRIEF_SUMMARIZER", "extractive")
    translator = FakeTranslator()
    monkeypatch.setattr(backends, "load_engine", fake_loader(translator))
    return translator


def outputs(folder: Path) -> dict[str, str]:
    """Every file under `folder` but the run's record of outcomes (brief's bookkeeping, not an output)."""
    return {str(p.relative_to(folder)): p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != batch.OUTCOMES}


def test_directory_with_bad_inputs(corpus, tmp_path, fake):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["translate", str(corpus), "--out-dir", str(out)])
    assert result.exit_code == 1
    assert result.stdout == ""
    written = outputs(out)
    assert len(written) == 27
    assert "a/art05.en.txt" in written and "b/deep/art00.en.txt" in written
    alone = translate_cli.load(FakeTranslator(), options=Options(summarizer="extractive"))
    for name, text in written.items():
        number = int(Path(name).name[3:5])
        expected = io.StringIO()
        write_text(alone.translate(article(number)), expected)
        assert text == expected.getvalue()
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert sorted(errors) == sorted(
        [
            f"brief: error: {corpus / 'binary.txt'}: binary data (NUL bytes), not a text file",
            f"brief: error: {corpus / 'blank.md'}: empty input (no text to translate)",
            f"brief: error: {corpus / 'empty.txt'}: empty input (no text to translate)",
        ]
    )
    assert any("art05.txt: not UTF-8; decoded as cp1252" in line for line in result.stderr.splitlines())
    assert result.stderr.splitlines()[-1].startswith("brief: 27 translated, 3 failed of 30")
    # one model for the whole run, sentences of several articles in one call
    assert len(fake.batches) < 27 and max(len(b) for b in fake.batches) > 5


def test_rerun_skips_done_outputs_and_overwrite_redoes_them(corpus, tmp_path, fake):
    out = tmp_path / "out"
    runner = CliRunner()
    runner.invoke(cli, ["translate", str(corpus), "--out-dir", str(out)])
    calls = len(fake.batches)
    result = runner.invoke(cli, ["translate", str(corpus), "--out-dir", str(out)])
    assert len(fake.batches) == calls  # nothing translated again
    assert "27 skipped" in result.stderr and result.exit_code == 1  # the three bad inputs still fail
    result = runner.invoke(cli, ["translate", str(corpus), "--out-dir", str(out), "--overwrite"])
    assert "27 translated" in result.stderr


def test_fail_fast_stops_at_first_failure(corpus, tmp_path, fake):
    result = CliRunner().invoke(cli, ["translate", str(corpus), "--out-dir", str(tmp_path / "o"), "--fail-fast"])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert errors == [f"brief: error: {corpus / 'a' / 'art00.txt'}"] or len(errors) == 1
    assert "binary data" in errors[0] and "translated" not in result.stderr


def test_out_dir_inside_input_tree_is_not_read(corpus, fake):
    out = corpus / "translated"
    runner = CliRunner()
    first = runner.invoke(cli, ["translate", str(corpus), "--out-dir", str(out), "--format", "markdown"])
    assert "27 translated, 3 failed of 30" in first.stderr
    assert len(list(out.rglob("*.en.md"))) == 27
    # the 27 .en.md outputs match --glob '*.md' but lie in the output folder: only blank.md is an input
    second = runner.invoke(cli, ["translate", str(corpus), "--out-dir", str(out), "--format", "markdown", "--glob", "*.md"])
    assert "0 translated, 1 failed of 1" in second.stderr


def test_colliding_outputs_are_a_usage_error_before_any_work(tmp_path, fake):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    (tmp_path / "x" / "same.txt").write_text("Un.")
    (tmp_path / "y" / "same.txt").write_text("Deux.")
    result = CliRunner().invoke(
        cli, ["translate", str(tmp_path / "x" / "same.txt"), str(tmp_path / "y" / "same.txt"), "--out-dir", str(tmp_path / "o")]
    )
    assert result.exit_code == 2 and "would both write" in result.stderr
    assert fake.batches == [] and not (tmp_path / "o").exists()


def test_several_documents_to_stdout(corpus, fake):
    runner = CliRunner()
    result = runner.invoke(cli, ["translate", str(corpus), "--format", "json"])
    assert result.exit_code == 2 and "jsonl" in result.stderr
    result = runner.invoke(cli, ["translate", str(corpus / "a"), "--format", "jsonl"])
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["source"] for r in records] == [str(p) for p in sorted((corpus / "a").rglob("*.txt"))]
    result = runner.invoke(cli, ["translate", str(corpus / "a")])
    assert result.stdout.count("==> ") == len(records)
    assert result.stderr.splitlines()[-1].startswith(f"brief: {len(records)} translated, 0 failed")
    quiet = runner.invoke(cli, ["translate", str(corpus / "a"), "--quiet"])
    assert quiet.stdout == result.stdout and quiet.stderr == ""


def test_jsonl_in_jsonl_out_keeps_ids_order_and_fields(tmp_path, fake):
    lines = [json.dumps({"id": f"r{i}", "text": article(i), "lang": "fr", "meta": {"n": i}}) for i in (3, 1, 2)]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n")
    result = CliRunner().invoke(cli, ["translate", str(source), "--input-format", "jsonl", "--format", "jsonl"])
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["r3", "r1", "r2"]
    assert records[0]["input"] == {"lang": "fr", "meta": {"n": 3}}
    assert list(records[0])[:2] == ["id", "source"] and len(records[0]["quotes"]) == 2
    out = tmp_path / "out"
    CliRunner().invoke(cli, ["translate", str(source), "--input-format", "jsonl", "--format", "json", "--out-dir", str(out)])
    assert sorted(outputs(out)) == ["r1.en.json", "r2.en.json", "r3.en.json"]
    assert json.loads((out / "r1.en.json").read_text())["id"] == "r1"


def test_a_bad_jsonl_line_is_one_failed_input_and_the_others_complete(tmp_path, fake):
    # Issue 12 #7: one malformed line aborted the whole feed (exit 2, nothing translated).
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "text": "Un."}\n{"text": "no id"}\n{oops\n{"id": "e", "text": " "}\n'
                   '{"id": 1, "text": "Deux."}\n{"id": "z", "text": "Trois."}\n')
    result = CliRunner().invoke(cli, ["translate", str(bad), "--input-format", "jsonl", "--format", "jsonl"])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert errors == [
        f'brief: error: {bad}:2: each line needs an object with "id" and a string "text"',
        f"brief: error: {bad}:3: not valid JSON (Expecting property name enclosed in double quotes)",
        f"brief: error: {bad}:4 (id e): empty input (no text to translate)",
        f"brief: error: {bad}:5 (id 1): duplicate id '1' (first on line 1)",
    ]
    assert "2 translated, 4 failed of 6" in result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    # every input has its line on stdout, in input order: results, and failures that tools can join by id
    assert [r.get("id", r.get("source")) for r in records] == ["1", str(bad), str(bad), "e", "1", "z"]
    assert records[0]["translation"] == "UN." and records[5]["translation"] == "TROIS."
    assert records[1] == {"source": str(bad), "line": 2, "error": {
        "kind": "input", "message": f'{bad}:2: each line needs an object with "id" and a string "text"'}}
    assert records[3] == {"id": "e", "error": {"kind": "input", "message": f"{bad}:4 (id e): empty input (no text "
                                                                           "to translate)"}, "input": {}}


def test_every_warning_in_a_batch_names_its_source(tmp_path, fake):
    # Issue 12 #6: "brief: warning: unmatched « at line 1 (…)" named no file.
    (tmp_path / "a.txt").write_text("Il a dit « oui et rien d'autre.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Il a dit « non ».", encoding="utf-8")
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "r7", "text": "Il a dit « peut-être."}) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["translate", str(tmp_path / "a.txt"), str(tmp_path / "b.txt")])
    warnings = [line for line in result.stderr.splitlines() if "unmatched" in line]
    assert warnings == [f"brief: warning: {tmp_path / 'a.txt'}: unmatched « at line 1 (…Il a dit « oui et rien d…) "
                        "(never closed); kept as literal text"]
    result = CliRunner().invoke(cli, ["translate", str(feed), "--input-format", "jsonl", "-f", "jsonl"])
    [warning] = [line for line in result.stderr.splitlines() if "unmatched" in line]
    assert warning.startswith(f"brief: warning: {feed}:1 (id r7): unmatched «")
    assert json.loads(result.stdout)["warnings"][0].startswith(f"{feed}:1 (id r7): unmatched «")


def test_a_rerun_reports_every_skip_and_strict_counts_what_the_skipped_outputs_found(tmp_path, fake):
    # Issue 12 #4: one input's existing output was skipped silently, and a --strict rerun exited 0 where the
    # first run exited 4.
    article = tmp_path / "a.txt"
    article.write_text("Le ministre est arrivé à Moscou lundi.", encoding="utf-8")  # upper-cased: an echo
    out = tmp_path / "out"
    runner = CliRunner()
    args = ["translate", str(article), "--out-dir", str(out), "--strict"]
    first = runner.invoke(cli, args)
    assert first.exit_code == 4 and (out / "a.en.txt").is_file()
    again = runner.invoke(cli, args)
    assert again.exit_code == 4  # the same status: the first run's checks were recorded
    assert f"brief: skipped {article}: {out / 'a.en.txt'} exists (--overwrite redoes it)" in again.stderr
    assert "0 translated, 0 failed, 1 skipped" in again.stderr
    lenient = runner.invoke(cli, ["translate", str(article), "--out-dir", str(out)])
    assert lenient.exit_code == 0 and "skipped" in lenient.stderr
    quiet = runner.invoke(cli, [*args, "-q"])
    assert quiet.exit_code == 4 and quiet.stderr == ""
    (out / batch.OUTCOMES).unlink()  # an output written without a record (an older brief)
    unknown = runner.invoke(cli, args)
    assert unknown.exit_code == 0 and "no record of its checks" in unknown.stderr


def test_outputs_get_the_permissions_open_gives(tmp_path, fake):
    # Issue 12 #2: outputs were created 0600 whatever the umask.
    import os

    article = tmp_path / "a.txt"
    article.write_text("Le ministre est arrivé.", encoding="utf-8")
    previous = os.umask(0o022)
    try:
        CliRunner().invoke(cli, ["translate", str(article), "--out-dir", str(tmp_path / "out")])
        CliRunner().invoke(cli, ["translate", str(article), "-o", str(tmp_path / "one.txt")])
        os.umask(0o007)
        CliRunner().invoke(cli, ["translate", str(article), "-o", str(tmp_path / "group.txt")])
    finally:
        os.umask(previous)
    assert (tmp_path / "out" / "a.en.txt").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "one.txt").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "group.txt").stat().st_mode & 0o777 == 0o660


def test_library_batch_iterator(corpus, fake):
    brief = translate_cli.load(FakeTranslator())
    items = list(batch.run(brief, batch.discover([str(corpus)])))
    assert len(items) == 30
    assert sum(item.error is not None for item in items) == 3
    assert [item.input.source for item in items] == [str(p) for p in sorted(
        p for p in corpus.rglob("*") if p.suffix in (".txt", ".md"))]


def test_cross_document_batching_gives_the_same_results_as_one_by_one():
    texts = [article(i) for i in range(12)]
    together = [r for _, r in translate_cli.load(FakeTranslator()).translate_many(
        [Source(t) for t in texts])]
    alone = [translate_cli.load(FakeTranslator()).translate(t) for t in texts]
    assert [r.to_dict() for r in together] == [r.to_dict() for r in alone]


def _run_fake(args, env_extra=None, **kwargs):
    import os

    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run(FAKE_BRIEF + args, capture_output=True, env=env, timeout=120, **kwargs)


@pytest.mark.parametrize("kill", [{"BRIEF_TEST_KILL_AFTER_BATCHES": "3"}, {"BRIEF_TEST_KILL_AT_RENAME": "5"}])
def test_sigkill_then_rerun_gives_every_output_once_complete(tmp_path, kill):
    root = tmp_path / "in"
    root.mkdir()
    for i in range(40):
        (root / f"art{i:02d}.txt").write_text(article(i) * 3, encoding="utf-8")
    clean = tmp_path / "clean"
    assert _run_fake(["translate", str(root), "--out-dir", str(clean), "--format", "json"]).returncode == 0
    out = tmp_path / "out"
    killed = _run_fake(["translate", str(root), "--out-dir", str(out), "--format", "json"], kill)
    assert killed.returncode == -signal.SIGKILL
    partial = sorted(p.name for p in out.rglob("*") if p.is_file())
    assert len([p for p in partial if not p.startswith(".")]) < 40
    rerun = _run_fake(["translate", str(root), "--out-dir", str(out), "--format", "json"])
    assert rerun.returncode == 0, rerun.stderr.decode()
    assert outputs(out) == outputs(clean)  # every output exactly once, complete, no temp files left
    assert batch.read_outcomes(out) == batch.read_outcomes(clean)  # and what each one found, recorded


@pytest.mark.parametrize("documents", [1, 40])
def test_a_closed_stdout_ends_the_run_with_exit_0_for_one_document_or_many(tmp_path, documents):
    # Issue 12 #5: with several documents the run ended quietly but exited 1 (click turned EPIPE into exit 1).
    root = tmp_path / "in"
    root.mkdir()
    repeat = 400 if documents == 1 else 4  # one document bigger than a pipe's buffer: the write itself fails
    for i in range(documents):
        (root / f"art{i:03d}.txt").write_text(article(i) * repeat, encoding="utf-8")
    target = str(root / "art000.txt") if documents == 1 else str(root)
    done = subprocess.run(
        ["bash", "-c", "set -o pipefail; " + " ".join(FAKE_BRIEF + ["translate", target, "--format", "jsonl"])
         + " | head -c 100 > /dev/null"],
        capture_output=True, timeout=120, env={**__import__("os").environ, "BRIEF_SUMMARIZER": "extractive"},
    )
    assert done.returncode == 0, done.stderr.decode()[-500:]
    assert b"Traceback" not in done.stderr and b"error" not in done.stderr


def test_closed_pipe_ends_quietly(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    for i in range(300):
        (root / f"art{i:03d}.txt").write_text(article(i) * 4, encoding="utf-8")
    done = subprocess.run(
        " ".join(FAKE_BRIEF + ["translate", str(root), "--format", "jsonl"]) + " | head -1",
        shell=True, capture_output=True, timeout=120, executable="/bin/bash",
    )
    assert done.returncode == 0
    assert len(done.stdout.splitlines()) == 1 and json.loads(done.stdout)["source"].endswith("art000.txt")
    assert b"Traceback" not in done.stderr and b"Error" not in done.stderr
