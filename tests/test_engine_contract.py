"""The engine contract (translate_cli/engine.py) and the seams around it: what the pipeline sends an engine (a whole
pass per call, a new frozen Decoding per retry), brief 0.1 engines through their adapters, the CLI's injectable
Environment, the one error table, writers' suffixes, batch runs in input order, and no process-wide settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from fakes import FakeTranslator, fake_loader

import translate_cli
from translate_cli import batch
from translate_cli.cli import Environment, cli
from translate_cli.engine import (
    CallLimits,
    Decoding,
    LegacySummariser,
    LegacyTranslator,
    LengthCap,
    as_summariser,
    as_translator,
)
from translate_cli.errors import (
    KINDS,
    BriefError,
    ConfigError,
    ExitStatus,
    InputError,
    ModelError,
    ModelNotFoundError,
    UsageError,
    VerificationError,
    describe_error,
)
from translate_cli.options import Options
from translate_cli.writers import FORMATS, WRITERS

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "mali-russie-diop-lavrov.fr.txt"
FORTY = " ".join(f"Le ministre numéro {i} est arrivé à Moscou lundi." for i in range(40))  # no quotations


def extractive(fake, **settings):
    return translate_cli.load(fake, options=Options(summarizer="extractive", **settings))


# ------------------------------------------------------------------------------------------- what engines get


def test_a_whole_pass_is_one_call_as_for_the_real_engines():
    fake = FakeTranslator(lambda t: t.replace("ministre", "minister"))
    extractive(fake, retries=0).translate(FORTY)
    assert [len(batch) for batch in fake.batches] == [40]  # CallLimits(): the engine plans its own jobs


def test_batch_size_and_tokens_cut_the_pass_into_calls():
    fake = FakeTranslator(str.upper)
    extractive(fake, retries=0, batch_size=16).translate(FORTY)
    assert [len(batch) for batch in fake.batches] == [16, 16, 8]
    fake = FakeTranslator(str.upper, call_limits=CallLimits(items=None, tokens=100))
    extractive(fake, retries=0).translate(FORTY)
    counts = [fake.count_tokens(batch) for batch in fake.batches]
    assert sum(len(c) for c in counts) == 40 and all(max(c) * len(c) <= 100 for c in counts)


def test_every_call_gets_the_runs_decoding_and_each_retry_a_new_one():
    fake = FakeTranslator(str.upper)  # upper-cased French: every sentence echoes, so every attempt retries
    extractive(fake, retries=3, beams=5, max_new_tokens="1x+4").translate("Le ministre est arrivé à Moscou lundi.")
    first = Decoding(beams=5, length_cap=LengthCap(1.0, 4))
    assert fake.decodings[0] == first
    retries = fake.decodings[1:]
    assert [(d.beams, d.no_repeat_ngram_size, d.repetition_penalty) for d in retries] == [
        (7, 3, 1.2), (9, 3, 1.3), (11, 3, 1.4)]
    assert all(d.length_cap == first.length_cap for d in retries)  # the run's length cap holds on every attempt
    with pytest.raises(AttributeError):
        first.beams = 8  # frozen: no attempt changes another's settings


def test_retry_notes_name_the_settings_that_changed():
    fake = FakeTranslator(str.upper)
    result = extractive(fake).translate("Le ministre est arrivé à Moscou lundi.")
    [note] = [c for c in result.checks if c.check == "retry"]
    assert note.detail == ("attempt 1 for echo (beams 6, no_repeat_ngram_size 3, repetition_penalty 1.2): "
                           "kept the first translation")
    assert Decoding(beams=6).describe() == "beams 6" and Decoding().describe() == "the same settings"


# ---------------------------------------------------------------------------------------------- brief 0.1 engines


class OldTranslator:
    """An engine written against brief 0.1's README: one-argument translate_batch."""

    name = "old"
    max_input_tokens = 256

    def __init__(self):
        self.calls: list[list[str]] = []

    def count_tokens(self, texts):
        return [len(text.split()) + 1 for text in texts]

    def translate_batch(self, texts):
        self.calls.append(list(texts))
        return [text.upper() for text in texts]


def test_a_brief_0_1_translator_works_through_its_adapter():
    old = OldTranslator()
    adapted = as_translator(old)
    assert isinstance(adapted, LegacyTranslator) and adapted.call_limits == CallLimits(16, 4096)
    result = extractive(old).translate(SEED.read_text(encoding="utf-8"))
    modern = extractive(FakeTranslator(str.upper)).translate(SEED.read_text(encoding="utf-8"))
    assert len(result.quotes) == 11
    assert {**result.to_dict(), "models": None} == {**modern.to_dict(), "models": None}
    assert result.models["translator"].name == "old"
    assert max(len(call) for call in old.calls) <= 16  # brief 0.1's call size


def test_a_modern_engine_is_used_as_it_is_and_an_incomplete_one_is_refused():
    fake = FakeTranslator()
    assert as_translator(fake) is fake

    class Incomplete:  # takes a Decoding, but declares no call_limits
        name, max_input_tokens, default_beams = "incomplete", 256, 1

        def count_tokens(self, texts):
            return [1 for _ in texts]

        def translate_batch(self, texts, decoding):
            return list(texts)

    with pytest.raises(TypeError, match="Incomplete is not a Translator: it has no call_limits"):
        as_translator(Incomplete())


def test_a_brief_0_1_summariser_works_through_its_adapter():
    class OldSummariser:
        name, max_input_tokens = "old-summariser", 500

        def count_tokens(self, texts):
            return [len(t.split()) for t in texts]

        def summarise(self, texts):
            return [t.split(". ")[0] + "." for t in texts]

    adapted = as_summariser(OldSummariser())
    assert isinstance(adapted, LegacySummariser)
    assert adapted.summarise(["One two three four. Five."], Decoding()) == ["One two three four."]


# ------------------------------------------------------------------------------------------------ front ends


def test_the_cli_takes_its_engines_and_settings_from_the_environment(tmp_path):
    fake = FakeTranslator()
    environment = Environment(load_engine=fake_loader(fake, name="injected"),
                              environ={"BRIEF_QUOTES": "guillemets", "BRIEF_SUMMARIZER": "extractive"})
    result = CliRunner().invoke(cli, ["translate", "-", "-f", "json"], input="Il a dit « oui ».".encode(),
                                obj=environment)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["translation"] == "IL A DIT «OUI»." and data["models"]["translator"]["name"] == "injected"
    assert data["models"]["summarizer"]["name"] == "extractive"
    assert fake.inputs == ["Il a dit « oui »."]


def test_the_summarize_command_asks_the_loader_for_its_summariser():
    asked = []

    def loader(role, spec, options, notify=None):
        asked.append((role, spec))
        raise ModelNotFoundError("no such summariser here")

    result = CliRunner().invoke(cli, ["summarize", "-", "--summarizer", "acme/sum"], input=b"It rained.",
                                obj=Environment(load_engine=loader))
    assert result.exit_code == 3 and result.stderr == "brief: error: no such summariser here\n"
    assert asked == [("summarizer", "acme/sum")]


@pytest.mark.parametrize("error, status, message", [
    (InputError("x.txt: empty input"), ExitStatus.INPUT_ERROR, "x.txt: empty input"),
    (UsageError("bad"), ExitStatus.USAGE_ERROR, "bad"),
    (ConfigError("BRIEF_BEAMS: beams must be a whole number"), ExitStatus.USAGE_ERROR,
     "BRIEF_BEAMS: beams must be a whole number"),
    (ModelNotFoundError("missing"), ExitStatus.MODEL_ERROR, "missing"),
    (VerificationError("tampered"), ExitStatus.MODEL_ERROR, "tampered"),
    (ModelError("cannot load"), ExitStatus.MODEL_ERROR, "cannot load"),
    (BriefError("other"), ExitStatus.INPUT_ERROR, "other"),
    (KeyboardInterrupt(), ExitStatus.INTERRUPTED, "interrupted"),
    (FileNotFoundError(2, "No such file", "a.txt"), ExitStatus.INPUT_ERROR, "no such file: a.txt"),
    (IsADirectoryError(21, "Is a directory", "d"), ExitStatus.INPUT_ERROR, "is a directory: d"),
    (PermissionError(13, "Permission denied", "p"), ExitStatus.INPUT_ERROR, "permission denied: p"),
    (ImportError("no module named ctranslate2"), ExitStatus.MODEL_ERROR,
     "a required package is missing or broken: no module named ctranslate2 (reinstall brief)"),
    (MemoryError(), ExitStatus.MODEL_ERROR, "out of memory: try a smaller --batch-size"),
    (RuntimeError("boom\nmore"), ExitStatus.INPUT_ERROR,
     "unexpected error: RuntimeError: boom (set BRIEF_DEBUG=1 for the traceback)"),
])
def test_one_error_table(error, status, message):
    report = describe_error(error)
    assert (report.status, report.message) == (status, message)
    assert report.to_dict() == {"kind": report.kind, "message": message} and report.kind in KINDS
    if isinstance(error, BriefError):
        assert error.exit_status == status


def test_writers_own_their_suffixes_and_name_the_formats():
    assert FORMATS == ("text", "json", "jsonl", "markdown")
    assert {fmt: writer.suffix for fmt, writer in WRITERS.items()} == {
        "text": ".en.txt", "json": ".en.json", "jsonl": ".en.jsonl", "markdown": ".en.md"}
    item = batch.BatchInput("a/b.fr.txt", Path("a/b"))
    assert batch.output_path(item, Path("out"), "markdown") == Path("out/a/b.en.md")


def test_batch_run_yields_in_input_order_with_skipped_items_in_place(tmp_path):
    root, out = tmp_path / "in", tmp_path / "out"
    root.mkdir()
    for name in ("a", "b", "c", "d", "e"):
        (root / f"{name}.txt").write_text(f"Article {name}. Le ministre est arrivé.", encoding="utf-8")
    for name in ("b", "d"):  # done by an earlier run
        (out / f"{name}.en.txt").parent.mkdir(parents=True, exist_ok=True)
        (out / f"{name}.en.txt").write_text("done\n", encoding="utf-8")
    pipeline = extractive(FakeTranslator())
    items = list(batch.run(pipeline, batch.discover([str(root)]), render=lambda r: r.translation, out_dir=out))
    assert [(Path(i.input.source).stem, i.skipped) for i in items] == [
        ("a", False), ("b", True), ("c", False), ("d", True), ("e", False)]
    assert (out / "b.en.txt").read_text(encoding="utf-8") == "done\n"


# --------------------------------------------------------------------------------------- process-wide settings


def test_loading_and_translating_change_no_process_wide_setting(tiny_marian_dir):
    code = f"""
import os, sys
sys.path.insert(0, {str(REPO / "tests")!r})
import translate_cli
before = dict(os.environ)
pipeline = translate_cli.load({str(tiny_marian_dir)!r}, backend="torch", device="cpu", summarizer="extractive",
                              max_new_tokens=4)
import transformers
verbosity = transformers.utils.logging.get_verbosity()
pipeline.translate("Le ministre est arrivé.")
assert dict(os.environ) == before, sorted(set(os.environ.items()) ^ set(before.items()))
assert transformers.utils.logging.get_verbosity() == verbosity
print("ok")
"""
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "TRANSFORMERS_VERBOSITY")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_the_brief_process_sets_its_own_defaults_at_startup(monkeypatch):
    import translate_cli.cli as cli_module

    for name in cli_module.PROCESS_DEFAULTS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OMP_WAIT_POLICY", "ACTIVE")  # a user's own choice stands
    assert CliRunner().invoke(cli, ["--version"]).exit_code == 0
    assert {name: os.environ.get(name) for name in cli_module.PROCESS_DEFAULTS} == {
        "OMP_WAIT_POLICY": "ACTIVE", "TRANSFORMERS_VERBOSITY": "error", "HF_HUB_DISABLE_PROGRESS_BARS": "1"}


def test_a_conversion_notice_goes_to_the_callback_and_nothing_is_printed(tiny_marian_dir, tmp_path, monkeypatch,
                                                                         capfd):
    from translate_cli.backends import ct2_convert
    from translate_cli.backends.ct2_marian import CT2MarianTranslator
    from translate_cli.options import EngineOptions

    monkeypatch.setenv("BRIEF_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(ct2_convert, "_convert_in_child", ct2_convert._convert)  # in this process: faster
    notices: list[str] = []
    CT2MarianTranslator(tiny_marian_dir, EngineOptions(device="cpu"), notify=notices.append)
    assert len(notices) == 1 and notices[0].startswith(f"converting {tiny_marian_dir} for CTranslate2 (int8")
    CT2MarianTranslator(tiny_marian_dir, EngineOptions(device="cpu"), notify=notices.append)
    assert len(notices) == 1  # converted once: nothing more to say
    captured = capfd.readouterr()
    assert "converting" not in captured.out + captured.err
