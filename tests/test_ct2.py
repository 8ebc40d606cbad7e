"""The CTranslate2 backends on the tiny models: one-time conversion, MarianTokenizer-exact tokenisation, every
pipeline guarantee on the seed article, and no torch import once the model is converted."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from quote_check import top_level_quotes
from tiny_models import BART_CORPUS, COVERAGE_CHARS, ENGLISH_CORPUS, FRENCH_CORPUS, OVERFIT_PAIRS

import translate_cli
from translate_cli.backends import ct2_convert
from translate_cli.backends.ct2_bart import CT2BartSummariser, load_bpe_tokenizer
from translate_cli.backends.ct2_convert import converted_dir, ensure_converted
from translate_cli.backends.ct2_marian import CT2MarianTranslator
from translate_cli.engine import Decoding, LengthCap
from translate_cli.errors import ModelError
from translate_cli.options import EngineOptions

pytest.importorskip("ctranslate2")

CPU = EngineOptions(device="cpu")
REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "mali-russie-diop-lavrov.fr.txt"

EDGE_CASES = [
    "",
    " ",
    "  Deux  espaces   et une fin. ",
    "Le\u00a0taux\u202fde 7,3\u00a0% : « record » !",
    "Un emoji 🙂 et un idéogramme 中 inconnus.",
    ">>en<< Avec un code de langue.",
    "L’œuvre du cœur… « Ça ne va pas », dit-il.",
    "MAJUSCULES ET chiffres 1 200,5",
    "Tab\tet\nretour",
]


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("BRIEF_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture(scope="module")
def converted_cache(tmp_path_factory, tiny_marian_dir) -> Path:
    """A cache holding the int8 conversion of the tiny Marian (converted in this process: fast)."""
    root = tmp_path_factory.mktemp("ct2-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BRIEF_CACHE", str(root))
        ensure_converted(tiny_marian_dir, quantization="int8", in_process=True)
    return root


@pytest.fixture
def marian(converted_cache, tiny_marian_dir, monkeypatch) -> CT2MarianTranslator:
    monkeypatch.setenv("BRIEF_CACHE", str(converted_cache))
    return CT2MarianTranslator(tiny_marian_dir, CPU)


def cap(value) -> Decoding:
    """Decoding to a length cap (--max-new-tokens)."""
    return Decoding(length_cap=LengthCap.parse(value))


# ------------------------------------------------------------------------------------------- conversion


def test_conversion_happens_once_and_a_changed_model_reconverts(tiny_marian_dir, tmp_path, cache, monkeypatch):
    model = shutil.copytree(tiny_marian_dir, tmp_path / "opus-mt-fr-en")
    first = ensure_converted(model)  # the default path: a child process
    assert first.parent == cache / "ct2" and (first / "model.bin").is_file()
    assert first.name.startswith("opus-mt-fr-en-int8-")
    assert not [p for p in first.parent.iterdir() if p.name.startswith(".")], "temporary directory left behind"
    stamp = (first / "model.bin").stat().st_mtime_ns

    def no_conversion(*args, **kwargs):
        raise AssertionError("converted again")

    monkeypatch.setattr(ct2_convert, "_convert_in_child", no_conversion)
    monkeypatch.setattr(ct2_convert, "_convert", no_conversion)
    assert ensure_converted(model) == first
    assert (first / "model.bin").stat().st_mtime_ns == stamp
    monkeypatch.undo()
    monkeypatch.setenv("BRIEF_CACHE", str(cache))

    # New weights (same size, new mtime): a new key, a new conversion, and the stale one is removed.
    weights = model / "model.safetensors"
    os.utime(weights, ns=(weights.stat().st_atime_ns, weights.stat().st_mtime_ns + 10**9))
    second = ensure_converted(model, in_process=True)
    assert second != first and (second / "model.bin").is_file()
    assert not first.exists()
    # A changed config also changes the key.
    config = json.loads((model / "config.json").read_text(encoding="utf-8"))
    config["dropout"] = 0.2
    (model / "config.json").write_text(json.dumps(config), encoding="utf-8")
    assert converted_dir(model) != second


def test_conversion_reads_only_the_verified_weights_file(tiny_marian_dir, tmp_path, cache):
    import torch
    from safetensors.torch import load_file

    model = shutil.copytree(tiny_marian_dir, tmp_path / "model")
    torch.save(load_file(str(model / "model.safetensors")), model / "pytorch_model.bin")
    (model / "model.safetensors").write_bytes(b"appeared later, never verified")
    converted = ensure_converted(model, weights=model / "pytorch_model.bin", in_process=True)
    assert (converted / "model.bin").is_file()
    with pytest.raises(ModelError, match="cannot convert"):
        ensure_converted(model, in_process=True)  # left to choose, transformers would take the bad file


def test_a_failed_conversion_is_one_line_and_leaves_nothing(tmp_path, cache):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text('{"model_type": "marian"}', encoding="utf-8")
    (broken / "model.safetensors").write_bytes(b"not weights")
    with pytest.raises(ModelError, match="cannot convert") as info:
        ensure_converted(broken)
    assert "\n" not in str(info.value)
    assert not any((cache / "ct2").iterdir())


# ------------------------------------------------------------------------------------------- tokenisation


def test_tokenisation_equals_marian_tokenizer(marian, tiny_marian_dir):
    from transformers import MarianTokenizer

    reference = MarianTokenizer.from_pretrained(str(tiny_marian_dir))
    texts = [*FRENCH_CORPUS, *EDGE_CASES, COVERAGE_CHARS, *(src for src, _ in OVERFIT_PAIRS)]
    # The CTranslate2 vocabulary is vocab.json without <pad> (start_from_zero_embedding replaces it).
    vocab = json.loads((marian.engine.model_path / "shared_vocabulary.json").read_text(encoding="utf-8"))
    full = json.loads((tiny_marian_dir / "vocab.json").read_text(encoding="utf-8"))
    assert "<pad>" not in vocab and len(vocab) == len(full) - 1
    index = {token: i for i, token in enumerate(vocab)}
    ours = [[index.get(token, index["<unk>"]) for token in tokens] for tokens in marian.encode(texts)]
    assert ours == reference(texts).input_ids
    assert marian.count_tokens(texts) == [len(ids) for ids in reference(texts).input_ids]

    targets = [*ENGLISH_CORPUS, *(tgt for _, tgt in OVERFIT_PAIRS)]
    for ids in reference(text_target=targets).input_ids:
        tokens = reference.convert_ids_to_tokens(ids)
        assert marian.decode(tokens) == reference.decode(ids, skip_special_tokens=True, use_source_tokenizer=False)


def test_length_cap_follows_the_torch_rule(tiny_marian_dir, converted_cache, monkeypatch):
    monkeypatch.setenv("BRIEF_CACHE", str(converted_cache))
    free = CT2MarianTranslator(tiny_marian_dir, CPU)
    # generation max_length 64 → 63 new tokens at most; else 2 × longest source + 16 (</s> included).
    assert free.limits.cap(5, LengthCap()) == 26
    assert free.limits.cap(40, LengthCap()) == 63
    assert free.limits.cap(5, None) == 63  # no cap given: the model's own max_length
    assert free.max_input_tokens == 256
    capped = CT2MarianTranslator(tiny_marian_dir, CPU)
    assert capped.limits.cap(40, LengthCap.parse(7)) == 7
    # forced_eos_token_id: transformers spends the last of the 7 on </s>, so CTranslate2 decodes 6 words.
    assert capped.max_decoding_length(40, LengthCap.parse(7)) == 6
    out = capped.translate_batch(["Le ministre est arrivé à Paris.", "Oui"], cap(7))
    assert len(out) == 2 and capped.generated_tokens <= 14


class _Done:
    """A finished result standing in for CTranslate2's AsyncTranslationResult."""

    def __init__(self, result):
        self._result = result

    def result(self):
        return self._result


class RecordingEngine:
    """Wraps a ctranslate2.Translator: records every call (batch size, settings) and every hypothesis, runs it
    synchronously, and notes whether any result was awaited before the last job was submitted."""

    def __init__(self, engine):
        self.engine = engine
        self.calls: list[tuple[int, dict]] = []
        self.hypotheses: list[list[str]] = []
        self.awaited_before_submit = False
        self._awaited = False

    def translate_batch(self, batch, **settings):
        if self._awaited:
            self.awaited_before_submit = True
        self.calls.append((len(batch), settings))
        results = self.engine.translate_batch(batch, **{**settings, "asynchronous": False})
        self.hypotheses.extend(r.hypotheses[0] for r in results)
        recorder = self

        class Awaited(_Done):
            def result(self):
                recorder._awaited = True
                return super().result()

        return [Awaited(r) for r in results]


def test_relative_cap_cuts_each_output_to_its_own_cap(tiny_marian_dir, converted_cache, monkeypatch):
    monkeypatch.setenv("BRIEF_CACHE", str(converted_cache))
    marian = CT2MarianTranslator(tiny_marian_dir, CPU, workers=1)
    recording = marian.translator = RecordingEngine(marian.translator)
    long = "Le ministre des Affaires étrangères est arrivé hier soir à Moscou pour deux jours."
    texts = [long, "Oui.", "Non."]
    out = marian.translate_batch(texts, cap("1x+2"))
    counts = marian.count_tokens(texts)
    # One worker, one job, limited by the longest source's cap (× 1 + 2, minus the forced </s>) …
    assert [settings["max_decoding_length"] for _, settings in recording.calls] == [counts[0] + 2 - 1]
    hypotheses = recording.hypotheses
    assert max(len(h) for h in hypotheses) == counts[0] + 2 - 1  # random weights run to the limit
    # … and each output cut to its own cap.
    assert out == [marian.decode(h[: count + 2 - 1]) for h, count in zip(hypotheses, counts)]
    assert len(hypotheses[1]) > counts[1] + 2 - 1  # the short one ran past its cap: the cut mattered
    assert marian.generated_tokens <= sum(c + 2 for c in counts)


def test_each_job_decodes_to_its_own_longest_cap(tiny_marian_dir, converted_cache, monkeypatch):
    monkeypatch.setenv("BRIEF_CACHE", str(converted_cache))
    marian = CT2MarianTranslator(tiny_marian_dir, EngineOptions(device="cpu", threads=2), workers=2)
    assert (marian.engine.workers, marian.engine.threads_per_worker) == (2, 1)
    recording = marian.translator = RecordingEngine(marian.translator)
    long = "Le ministre des Affaires étrangères est arrivé hier soir à Moscou pour deux jours."
    texts = ["Oui.", long, "Non merci."]  # not in length order: outputs must still come back in input order
    out = marian.translate_batch(texts, cap("1x+2"))
    counts = marian.count_tokens(texts)
    # Two workers: the long sentence is one job, the two short ones the other, each with its own limit.
    assert sorted((size, settings["max_decoding_length"]) for size, settings in recording.calls) == sorted(
        [(1, counts[1] + 2 - 1), (2, max(counts[0], counts[2]) + 2 - 1)]
    )
    assert all(settings["asynchronous"] and settings["max_batch_size"] == 0 for _, settings in recording.calls)
    assert not recording.awaited_before_submit
    assert marian.generated_tokens <= sum(c + 2 for c in counts)
    # Each output is its own input's: the same as one worker translating that job alone.
    single = CT2MarianTranslator(tiny_marian_dir, EngineOptions(device="cpu", threads=1))
    assert single.translate_batch([long], cap("1x+2")) == [out[1]]
    assert single.translate_batch([texts[0], texts[2]], cap("1x+2")) == [out[0], out[2]]


def test_pipeline_gives_the_engines_workers_a_whole_pass_at_once(tiny_marian_dir, converted_cache, monkeypatch):
    import dataclasses

    monkeypatch.setenv("BRIEF_CACHE", str(converted_cache))
    brief = translate_cli.load(str(tiny_marian_dir), backend="ctranslate2", device="cpu", retries=0, brief=False)
    brief.translator.engine = dataclasses.replace(brief.translator.engine, workers=2)
    recording = brief.translator.translator = RecordingEngine(brief.translator.translator)
    text = " ".join(f"Le ministre numéro {i} est arrivé à Moscou lundi." for i in range(40))  # no quotations
    result = brief.translate(text)
    assert len(result.sentences) == 40
    # One pass: all 40 sentences in one translate_batch, cut into equal jobs, a multiple of the workers (the CPU
    # job budget of 256 padded tokens holds 10 of these), all submitted before any is awaited.
    assert brief.translator.max_batch_tokens == 256
    assert [size for size, _ in recording.calls] == [10, 10, 10, 10]
    assert not recording.awaited_before_submit


def test_threads_option_sets_the_engines_workers(tiny_marian_dir, tiny_bart_dir, converted_cache, monkeypatch):
    monkeypatch.setenv("BRIEF_CACHE", str(converted_cache))
    brief = translate_cli.load(str(tiny_marian_dir), backend="ctranslate2", device="cpu", threads=1,
                               summarizer=str(tiny_bart_dir))
    assert (brief.translator.engine.workers, brief.translator.engine.threads_per_worker) == (1, 1)
    summariser = brief.briefer.summariser
    assert (summariser.engine.workers, summariser.engine.threads_per_worker) == (1, 1)
    two = CT2MarianTranslator(tiny_marian_dir, EngineOptions(device="cpu", threads=2))
    assert (two.engine.workers, two.engine.threads_per_worker) == (2, 1)
    assert two.translator.num_translators == 2  # two replicas (inter_threads) in the CTranslate2 pool


def test_random_model_output_equals_torch_at_the_cap(tiny_marian_dir, cache):
    import torch
    from transformers import MarianMTModel, MarianTokenizer

    ensure_converted(tiny_marian_dir, quantization="float32", in_process=True)
    ours = CT2MarianTranslator(tiny_marian_dir, CPU, quantization="float32", compute_type="float32")
    tokenizer = MarianTokenizer.from_pretrained(str(tiny_marian_dir))
    model = MarianMTModel.from_pretrained(str(tiny_marian_dir)).eval()
    sources = list(FRENCH_CORPUS[:6])
    with torch.inference_mode():
        generated = model.generate(**tokenizer(sources, return_tensors="pt", padding=True), max_new_tokens=9)
    expected = tokenizer.batch_decode(generated, skip_special_tokens=True, use_source_tokenizer=False)
    assert ours.translate_batch(sources, cap(9)) == expected


def test_retry_decoding_follows_the_torch_schedule(marian):
    from translate_cli.translation.retry import retry_schedule

    first = cap(8)
    schedule = retry_schedule(first, marian.default_beams, 2)
    assert schedule[0].describe(first) == "beams 6, no_repeat_ngram_size 3, repetition_penalty 1.2"
    assert len(marian.translate_batch(["Le ministre est arrivé à Paris.", "Oui"], schedule[1])) == 2
    with pytest.raises(TypeError, match="unexpected keyword"):
        Decoding(temperature=0.7)  # a setting no engine takes cannot be asked for


def test_overfit_model_translates_exactly_like_torch(overfit_marian_dir, cache):
    ensure_converted(overfit_marian_dir, quantization="float32", in_process=True)
    translator = CT2MarianTranslator(overfit_marian_dir, CPU, quantization="float32", compute_type="float32")
    sources = [src for src, _ in OVERFIT_PAIRS]
    assert translator.translate_batch(sources, Decoding(beams=2, length_cap=LengthCap())) == [
        tgt for _, tgt in OVERFIT_PAIRS]


# ------------------------------------------------------------------------------------------- pipeline


def test_seed_article_keeps_every_guarantee_through_ct2(marian):
    brief = translate_cli.load(marian, max_new_tokens=8)
    result = brief.translate(SEED.read_text(encoding="utf-8"), source=str(SEED))
    assert len(result.quotes) == 11
    english = top_level_quotes(result.translation)
    assert len(english) == 11
    assert english == [q.target for q in result.quotes]
    assert [s.index for s in result.sentences] == list(range(11))
    assert all(s.target.strip() for s in result.sentences)
    assert marian.generated_tokens > 0


def test_converted_model_translates_without_importing_torch(tiny_marian_dir, converted_cache):
    script = f"""
import sys
import translate_cli
from translate_cli.backends.ct2_marian import CT2MarianTranslator
from translate_cli.options import EngineOptions
translator = CT2MarianTranslator({str(tiny_marian_dir)!r}, EngineOptions(device="cpu"))
result = translate_cli.load(translator, max_new_tokens=6).translate_file({str(SEED)!r})
assert len(result.quotes) == 11, len(result.quotes)
heavy = sorted(name for name in ("torch", "transformers") if name in sys.modules)
assert not heavy, heavy
print("ok")
"""
    env = {**os.environ, "BRIEF_CACHE": str(converted_cache),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"
    assert not [p for p in (converted_cache / "ct2").iterdir() if p.name.startswith(".")]


def test_backend_option_loads_ct2_through_the_pipeline(tiny_marian_dir, converted_cache, monkeypatch):
    monkeypatch.setenv("BRIEF_CACHE", str(converted_cache))
    brief = translate_cli.load(str(tiny_marian_dir), backend="ctranslate2", device="cpu", max_new_tokens=6)
    assert isinstance(brief.translator, CT2MarianTranslator)
    assert len(brief.translate("« Oui », a répondu Diop.").quotes) == 1


# ------------------------------------------------------------------------------------------- BART


def test_bart_tokenisation_equals_transformers(tiny_bart_dir, tmp_path):
    from transformers import AutoTokenizer

    reference = AutoTokenizer.from_pretrained(str(tiny_bart_dir))
    texts = [*BART_CORPUS, "", "  spaces  around ", "Unicode: café, “quotes”, 🙂."]
    with_json = tmp_path / "with-tokenizer-json"
    shutil.copytree(tiny_bart_dir, with_json)
    reference.save_pretrained(str(with_json))
    assert (with_json / "tokenizer.json").is_file()
    for directory in (tiny_bart_dir, with_json):
        ours = load_bpe_tokenizer(directory)
        assert [e.ids for e in ours.encode_batch(texts)] == reference(texts).input_ids
        for ids in reference(list(BART_CORPUS)).input_ids:
            assert ours.decode(ids, skip_special_tokens=True) == reference.decode(ids, skip_special_tokens=True)


def test_bart_summariser_matches_transformers_generation(tiny_bart_dir, cache):
    import torch
    from transformers import AutoTokenizer, BartForConditionalGeneration

    ensure_converted(tiny_bart_dir, quantization="float32", in_process=True)
    summariser = CT2BartSummariser(tiny_bart_dir, CPU, quantization="float32", compute_type="float32")
    texts = [" ".join(BART_CORPUS[:6]), " ".join(BART_CORPUS[6:9])]
    reference = AutoTokenizer.from_pretrained(str(tiny_bart_dir))
    assert summariser.count_tokens(texts) == [len(ids) for ids in reference(texts, add_special_tokens=False).input_ids]
    assert summariser.max_input_tokens == 1022
    ours = summariser.summarise(texts, Decoding())
    assert len(ours) == 2 and all(isinstance(s, str) for s in ours)
    assert summariser.summarise(["", "  "], Decoding()) == ["", ""]
    with pytest.raises(ValueError, match="exceeds the limit"):
        summariser.summarise([" ".join(BART_CORPUS * 20)], Decoding())

    tokenizer = AutoTokenizer.from_pretrained(str(tiny_bart_dir))
    model = BartForConditionalGeneration.from_pretrained(str(tiny_bart_dir)).eval()
    with torch.inference_mode():
        expected = [tokenizer.decode(model.generate(**tokenizer([t], return_tensors="pt"))[0],
                                     skip_special_tokens=True).strip() for t in texts]
    assert ours == expected


def test_precision_float32_uses_a_float32_conversion(tiny_marian_dir, cache):
    ensure_converted(tiny_marian_dir, quantization="float32", in_process=True)
    full = CT2MarianTranslator(tiny_marian_dir, EngineOptions(device="cpu", precision="float32"))
    assert full.engine.compute_type == "float32" and "-float32-" in full.engine.model_path.name
    assert len(full.translate_batch(["Le ministre est arrivé.", "Oui."], cap(5))) == 2
