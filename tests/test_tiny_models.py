"""The tiny model builders produce directories that load and generate like the real checkpoints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from tiny_models import (
    BART_CORPUS,
    COVERAGE_CHARS,
    ENGLISH_CORPUS,
    FRENCH_CORPUS,
    OVERFIT_PAIRS,
    build_tiny_marian,
    convert_ct2,
)
from transformers import (
    AutoTokenizer,
    BartForConditionalGeneration,
    BartTokenizer,
    MarianMTModel,
    MarianTokenizer,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
QUOTES = '« » “ ” „ ‹ › ‘ ’ " — …'


@pytest.fixture(scope="module")
def marian_tok(tiny_marian_dir: Path) -> MarianTokenizer:
    return MarianTokenizer.from_pretrained(tiny_marian_dir)


def _files(d: Path) -> set[str]:
    return {p.name for p in d.iterdir()}


def test_tiny_marian_has_the_opus_mt_files(tiny_marian_dir: Path) -> None:
    assert _files(tiny_marian_dir) == {
        "source.spm",
        "target.spm",
        "vocab.json",
        "tokenizer_config.json",
        "config.json",
        "generation_config.json",
        "model.safetensors",
    }
    vocab = json.loads((tiny_marian_dir / "vocab.json").read_text(encoding="utf-8"))
    assert vocab["</s>"] == 0 and vocab["<unk>"] == 1 and vocab["<pad>"] == len(vocab) - 1
    assert sorted(vocab.values()) == list(range(len(vocab)))
    config = json.loads((tiny_marian_dir / "config.json").read_text(encoding="utf-8"))
    assert config["vocab_size"] == config["decoder_vocab_size"] == len(vocab)
    assert config["pad_token_id"] == config["decoder_start_token_id"] == len(vocab) - 1
    assert config["eos_token_id"] == 0 and config["forced_eos_token_id"] == 0
    gen = json.loads((tiny_marian_dir / "generation_config.json").read_text(encoding="utf-8"))
    assert gen["bad_words_ids"] == [[len(vocab) - 1]] and gen["renormalize_logits"] is True


def test_random_marian_generates(tiny_marian_dir: Path) -> None:
    tok = MarianTokenizer.from_pretrained(tiny_marian_dir)
    model = MarianMTModel.from_pretrained(tiny_marian_dir)
    batch = tok(
        ["Le ministre est arrivé à Paris.", "« Oui », a répondu Diop."], padding=True, return_tensors="pt"
    )
    with torch.inference_mode():
        out = model.generate(**batch)
    assert out.shape[0] == 2 and out.shape[1] <= model.generation_config.max_length
    texts = tok.batch_decode(out, skip_special_tokens=True)
    assert all(isinstance(t, str) for t in texts)
    assert tok.pad_token_id not in out[:, 1:].tolist()  # bad_words_ids keeps <pad> out of the output


@pytest.mark.parametrize(
    "text",
    [
        "Il a dit « nous voulons la paix » hier.",
        "He said “we want peace” yesterday.",
        'He said "yes".',
        "‹ Non ›, „ oui “ — l’été… 1 200 € à 7,3 %.",
        "Élisabeth, Œuvre, ça, où, côté, sûr, Noël, 0123456789.",
        *FRENCH_CORPUS,
        *ENGLISH_CORPUS,
        *(text for pair in OVERFIT_PAIRS for text in pair),
    ],
)
def test_marian_tokenizer_round_trips_exactly(marian_tok: MarianTokenizer, text: str) -> None:
    tok = marian_tok
    for ids in (tok(text).input_ids, tok(text_target=text).input_ids):
        assert tok.unk_token_id not in ids
        assert tok.decode(ids, skip_special_tokens=True) == text


def test_marian_vocabulary_covers_quotes_accents_digits_and_seed_text(marian_tok: MarianTokenizer) -> None:
    tok = marian_tok
    chars = set(COVERAGE_CHARS + QUOTES)
    for seed in SEEDS.glob("*.fr.txt"):
        chars |= set(seed.read_text(encoding="utf-8"))
    chars -= {" ", "\n", "\r", "\t"}
    missing = sorted(c for c in chars if tok.unk_token_id in tok(f"a{c}b").input_ids)
    assert missing == []


def test_overfit_marian_reproduces_its_pairs(overfit_marian_dir: Path) -> None:
    tok = MarianTokenizer.from_pretrained(overfit_marian_dir)
    model = MarianMTModel.from_pretrained(overfit_marian_dir)
    sources = [s for s, _ in OVERFIT_PAIRS]
    targets = [t for _, t in OVERFIT_PAIRS]
    with torch.inference_mode():
        for num_beams in (1, 2):
            out = model.generate(**tok(sources, padding=True, return_tensors="pt"), num_beams=num_beams)
            assert tok.batch_decode(out, skip_special_tokens=True) == targets


def test_build_tiny_marian_rejects_bad_arguments_and_undertrained_models(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        build_tiny_marian(tmp_path / "a", train_steps=10)
    with pytest.raises(RuntimeError, match="does not reproduce"):
        build_tiny_marian(tmp_path / "b", pairs=OVERFIT_PAIRS[:3], train_steps=2)


def test_tiny_bart_loads_and_generates(tiny_bart_dir: Path) -> None:
    assert _files(tiny_bart_dir) == {
        "vocab.json",
        "merges.txt",
        "tokenizer_config.json",
        "config.json",
        "generation_config.json",
        "model.safetensors",
    }
    assert (tiny_bart_dir / "merges.txt").read_text(encoding="utf-8").startswith("#version: 0.2\n")
    vocab = json.loads((tiny_bart_dir / "vocab.json").read_text(encoding="utf-8"))
    assert sorted(vocab.values()) == list(range(len(vocab)))
    config = json.loads((tiny_bart_dir / "config.json").read_text(encoding="utf-8"))
    assert config["vocab_size"] == len(vocab)
    assert config["normalize_before"] is False and config["add_final_layer_norm"] is False
    assert config["static_position_embeddings"] is False and config["normalize_embedding"] is True
    assert config["scale_embedding"] is False

    for cls in (AutoTokenizer, BartTokenizer):
        tok = cls.from_pretrained(tiny_bart_dir)
        assert len(tok) == len(vocab)
        assert tok.convert_ids_to_tokens([0, 1, 2, 3, 4]) == ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
        for text in (BART_CORPUS[0], "He said “we want peace” yesterday.", 'Ms "Dupont" — 1,200 €.'):
            assert tok.decode(tok(text).input_ids, skip_special_tokens=True) == text

    model = BartForConditionalGeneration.from_pretrained(tiny_bart_dir)
    assert model.config.vocab_size == len(tok)
    batch = tok([" ".join(BART_CORPUS[:8]), BART_CORPUS[9]], padding=True, return_tensors="pt")
    with torch.inference_mode():
        out = model.generate(**batch)
    assert out.shape[0] == 2 and 5 <= out.shape[1] <= 40
    assert out[0, 0].item() == 2 and out[0, 1].item() == 0  # decoder_start </s>, then forced <s>
    assert all(isinstance(t, str) for t in tok.batch_decode(out, skip_special_tokens=True))


def test_ctranslate2_converts_both_tiny_models(
    overfit_marian_dir: Path, tiny_bart_dir: Path, tmp_path: Path
) -> None:
    ctranslate2 = pytest.importorskip("ctranslate2")

    tok = MarianTokenizer.from_pretrained(overfit_marian_dir)
    translator = ctranslate2.Translator(
        str(convert_ct2(overfit_marian_dir, tmp_path / "marian")), device="cpu", compute_type="int8"
    )
    source = [tok.convert_ids_to_tokens(tok(s).input_ids) for s, _ in OVERFIT_PAIRS]
    for beam_size in (1, 2):
        results = translator.translate_batch(
            source, beam_size=beam_size, max_input_length=512, max_decoding_length=64
        )
        got = [tok.convert_tokens_to_string(r.hypotheses[0]) for r in results]
        assert got == [t for _, t in OVERFIT_PAIRS]

    btok = AutoTokenizer.from_pretrained(tiny_bart_dir)
    bart = ctranslate2.Translator(str(convert_ct2(tiny_bart_dir, tmp_path / "bart")), device="cpu")
    results = bart.translate_batch(
        [btok.convert_ids_to_tokens(btok(BART_CORPUS[0]).input_ids)],
        target_prefix=[["<s>"]],  # = forced_bos_token_id in transformers
        beam_size=2,
        min_decoding_length=5,
        max_decoding_length=40,
    )
    assert results[0].hypotheses[0][0] == "<s>"
