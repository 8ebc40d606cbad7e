"""Tiny, locally built stand-ins for the real checkpoints (no network, a few seconds each).

Each builder writes a directory with exactly the files the real checkpoint has, so tests exercise the same
loading and generation code as ``Helsinki-NLP/opus-mt-fr-en`` and ``sshleifer/distilbart-cnn-12-6``:

* :func:`build_tiny_marian` -- opus-mt layout: ``source.spm``, ``target.spm``, ``vocab.json``,
  ``tokenizer_config.json``, ``config.json``, ``generation_config.json``, ``model.safetensors``.
  Random weights by default (deterministic gibberish); with ``pairs`` and ``train_steps`` the model is overfit
  until greedy *and* beam-2 decoding reproduce every target exactly (checked, ``RuntimeError`` otherwise).
* :func:`build_tiny_bart` -- distilbart layout: ``vocab.json``, ``merges.txt`` (byte-level BPE),
  ``tokenizer_config.json``, ``config.json`` (with the legacy keys CTranslate2 needs),
  ``generation_config.json``, ``model.safetensors``. Random weights.
* :func:`convert_ct2` -- CTranslate2 conversion of either directory.

Plain module (tests/ has no ``__init__.py``): ``from tiny_models import build_tiny_marian``.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

__all__ = [
    "BART_CORPUS",
    "COVERAGE_CHARS",
    "ENGLISH_CORPUS",
    "FRENCH_CORPUS",
    "OVERFIT_PAIRS",
    "OVERFIT_STEPS",
    "build_tiny_bart",
    "build_tiny_marian",
    "convert_ct2",
]

# ----------------------------------------------------------------------------------------------------
# Text
# ----------------------------------------------------------------------------------------------------

#: French news sentences in the style of seeds/*.fr.txt (guillemets, typographic apostrophes, dates, digits).
FRENCH_CORPUS: tuple[str, ...] = (
    "Les chefs des diplomaties malienne et russe, Abdoulaye Diop et Sergueï Lavrov, se sont rencontrés à Moscou.",
    "Ils veulent « renforcer la relation bilatérale stratégique » entre les deux pays.",
    "Le ministre malien des affaires étrangères a salué mercredi 28 février des « avancées considérables ».",
    "Selon lui, ces progrès ont été réalisés grâce à l’aide controversée de la Russie, selon Le Monde.",
    "« Cette relation a permis des avancées considérables dans le domaine de la sécurité », a-t-il souligné.",
    "L’armée malienne a pris la ville de Kidal, bastion de la revendication indépendantiste.",
    "Les groupes rebelles ont perdu le contrôle de plusieurs localités du nord du Mali fin 2023.",
    "« Il faut continuer et renforcer cette coopération militaire avec la Russie », a lancé Diop.",
    "La Russie « tient ses engagements vis-à-vis du Mali », a-t-il ajouté lors d’une conférence de presse.",
    "Le président a déclaré : « Nous ne céderons pas. » Puis il est parti.",
    "Elle a répondu qu’elle n’était « pas au courant » de cette décision.",
    "« C’est un jour historique », a estimé le Premier ministre, jeudi 14 mars à 10 h 30.",
    "Le taux de chômage a reculé de 0,5 point, à 7,3 %, au troisième trimestre.",
    "Près de 1 200 personnes ont manifesté samedi à Paris, selon la préfecture de police.",
    "Le gouvernement a annoncé une hausse de 12 % du budget de l’éducation pour 2025.",
    "Mme Dupont et M. Martin ont signé l’accord le 3 avril à Bruxelles.",
    "Il a dit « nous voulons la paix » hier, devant l’Assemblée nationale.",
    "« Nous voulons la paix », a déclaré le ministre, avant de quitter la salle.",
    "Le ministre est arrivé à Paris dimanche soir pour une visite de deux jours.",
    "Élisabeth a évoqué la « crise » et l’« urgence » de la situation à Oran.",
    "Où est-il ? Pourquoi a-t-il refusé ? Personne ne le sait !",
    "L’œuvre du cœur : « Ça ne va pas », dit-il… Et l’été dernier, à Noël, ô surprise, où était-il ?",
    "Une « réforme » — selon ses mots — qui « ne changera rien » pour les ouvriers.",
    "Le porte-parole a précisé : « Le dialogue reste ouvert ».",
    "Âgé de 54 ans, Ibrahim Traoré a été élu avec 61,8 % des voix.",
    "Ça commence à Genève, puis à Dakar, Bamako, Niamey et Ouagadougou.",
)

#: English news sentences (straight and curly quotes, digits).
ENGLISH_CORPUS: tuple[str, ...] = (
    "The foreign ministers of Mali and Russia, Abdoulaye Diop and Sergei Lavrov, met in Moscow.",
    "They want to “strengthen the strategic bilateral relationship” between the two countries.",
    "Mali's foreign minister on Wednesday, February 28, welcomed “considerable progress” on security.",
    "According to him, this progress was made thanks to Russia’s controversial help, Le Monde reported.",
    "“This relationship has allowed considerable progress in the field of security,” he stressed.",
    "The Malian army took the town of Kidal, a stronghold of the independence movement.",
    "Rebel groups lost control of several towns in northern Mali at the end of 2023.",
    '"We must continue and strengthen this military cooperation with Russia," Diop said.',
    'Russia "keeps its commitments to Mali," he added at a press conference.',
    "The president said: “We will not give in.” Then he left.",
    "She replied that she was ‘not aware’ of the decision.",
    "“It is a historic day,” the Prime Minister said on Thursday, March 14, at 10:30 a.m.",
    "The unemployment rate fell by 0.5 points to 7.3% in the third quarter.",
    "Nearly 1,200 people demonstrated in Paris on Saturday, according to the police.",
    "The government announced a 12% increase in the education budget for 2025.",
    "Ms Dupont and Mr Martin signed the agreement on April 3 in Brussels.",
    "He said “we want peace” yesterday, in front of the National Assembly.",
    "“We want peace,” said the minister, before leaving the room.",
    "The minister arrived in Paris on Sunday evening for a two-day visit.",
    "Where is he? Why did he refuse? Nobody knows!",
    "A “reform” — in his words — that “will change nothing” for workers.",
    "The spokesman said: “Dialogue remains open.”",
    "Diop replied: “Yes.” Lavrov answered: “No.”",
    "Aged 54, Ibrahim Traoré was elected with 61.8% of the vote.",
)

#: Every character the tiny vocabularies must cover (character_coverage=1.0 keeps each one as a piece).
COVERAGE_CHARS: str = (
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz 0123456789 "
    "àâäæçéèêëîïôöœùûüÿ ÀÂÄÆÇÉÈÊËÎÏÔÖŒÙÛÜŸ "
    "« » “ ” „ ‟ ‹ › ‘ ’ ‚ \" ' — – - … . , ; : ! ? ( ) [ ] / % € $ & @ # * + = ° _ \u00a0 \u202f"
)

#: (French source, English target) pairs for overfitting: quotation handling, reordering, sub-spans.
#: Sources are what the translator sends to the model: NBSP already normalised to plain spaces.
OVERFIT_PAIRS: list[tuple[str, str]] = [
    ("Il a dit « nous voulons la paix » hier.", "He said “we want peace” yesterday."),
    ("nous voulons la paix", "we want peace"),
    ("Il a dit", "He said"),
    ("hier.", "yesterday."),
    ("« Nous voulons la paix », a déclaré le ministre.", "“We want peace,” said the minister."),
    ("a déclaré le ministre.", "said the minister."),
    ("Nous voulons la paix", "We want peace"),
    ("Le ministre est arrivé à Paris.", "The minister arrived in Paris."),
    ("« Oui », a répondu Diop.", "Diop replied: “Yes.”"),
    ("Oui", "Yes"),
    ("a répondu Diop.", "replied Diop."),
    ("Il a dit « oui ».", 'He said "yes".'),
]

#: Training steps that make :func:`build_tiny_marian` reproduce :data:`OVERFIT_PAIRS` (80 is the measured minimum).
OVERFIT_STEPS = 200

#: English text for the byte-level BPE of the tiny BART.
BART_CORPUS: tuple[str, ...] = (
    ENGLISH_CORPUS
    + tuple(t for _, t in OVERFIT_PAIRS)
    + (
        "The summit ended without a joint statement, officials said on Friday.",
        "Prices rose sharply in January, driven by food and energy costs.",
        "The opposition called the vote “a farce” and announced a boycott.",
        "Police said three people were injured in the explosion, which happened shortly after noon.",
        "The company reported a net profit of $4.2 billion, up 15% from a year earlier.",
        "Negotiations will resume next week in Geneva, the United Nations said.",
        '"This is not over," the coach told reporters after the match.',
        "The storm left thousands of homes without power across the region.",
        "Scientists warned that the drought could last well into the summer.",
        "The court ruled that the law was unconstitutional and ordered a new hearing.",
    )
)


# ----------------------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------------------


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _train_spm(sentences: Iterable[str], vocab_size: int) -> bytes:
    """Train a SentencePiece unigram model in memory; ids: ``</s>`` 0, ``<unk>`` 1, then the pieces."""
    import sentencepiece as spm

    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(list(sentences)),
        model_writer=buf,
        model_type="unigram",
        vocab_size=vocab_size,
        hard_vocab_limit=False,  # a few dozen sentences may not support the requested size
        character_coverage=1.0,
        normalization_rule_name="identity",  # NFKC would turn … into ... and NBSP into a space
        eos_id=0,
        unk_id=1,
        bos_id=-1,
        pad_id=-1,
        num_threads=1,
        minloglevel=2,
        # Deterministic: no sampling, a fixed seed sentence order.
        shuffle_input_sentence=False,
        input_sentence_size=0,
    )
    return buf.getvalue()


def _marian_sentences(pairs: Sequence[tuple[str, str]]) -> list[str]:
    sentences = list(FRENCH_CORPUS) + list(ENGLISH_CORPUS)
    for src, tgt in pairs:
        sentences += [src, tgt]
    sentences.append(COVERAGE_CHARS)
    # One line per coverage character too, so every one of them is certainly a piece of its own.
    sentences += [c for c in COVERAGE_CHARS if not c.isspace()]
    return sentences


# ----------------------------------------------------------------------------------------------------
# Marian
# ----------------------------------------------------------------------------------------------------


def build_tiny_marian(
    out_dir: Path,
    *,
    seed: int = 0,
    pairs: list[tuple[str, str]] | None = None,
    train_steps: int = 0,
) -> Path:
    """Build a tiny opus-mt-fr-en look-alike in ``out_dir`` and return ``out_dir``.

    Without ``train_steps`` the weights are random (deterministic for a given ``seed``): d_model 32, 1+1 layers,
    2 heads, FFN 64. ``pairs`` alone only add their text to the SentencePiece training corpus.

    With ``pairs`` and ``train_steps`` (:data:`OVERFIT_STEPS` = 200 for a dozen short pairs; 80 is the
    measured minimum for :data:`OVERFIT_PAIRS`) the model (d_model 64, 2+2 layers, 4 heads, FFN 128) is
    trained full-batch with AdamW (lr 3e-3) on the pairs in one torch thread, saved, reloaded and checked:
    greedy and beam-2 generation, batched and one by one, must reproduce every target exactly, else
    ``RuntimeError``. Every source and target must round-trip through the tokenizer exactly, without ``<unk>``.

    Files: source.spm, target.spm (the same unigram model), vocab.json, tokenizer_config.json, config.json,
    generation_config.json, model.safetensors.
    """
    import torch

    pairs = list(pairs or [])
    if train_steps and not pairs:
        raise ValueError("train_steps needs pairs to train on")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    threads = torch.get_num_threads()
    try:
        # Tiny matrices: one thread is about twice as fast as two, and the weights then do not depend on
        # the machine's core count.
        torch.set_num_threads(1)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            _build_tiny_marian(out_dir, pairs, train_steps)
    finally:
        torch.set_num_threads(threads)
    return out_dir


def _build_tiny_marian(out_dir: Path, pairs: list[tuple[str, str]], train_steps: int) -> None:
    import sentencepiece as spm
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

    overfit = train_steps > 0

    # Tokenizer: one unigram model for both sides (opus-mt ships two; identical files exercise the same code).
    # SentencePiece ids: </s> 0, <unk> 1, then the pieces -- so vocab.json ids equal the spm ids.
    spm_bytes = _train_spm(_marian_sentences(pairs), vocab_size=_MARIAN_SPM_VOCAB_SIZE)
    (out_dir / "source.spm").write_bytes(spm_bytes)
    (out_dir / "target.spm").write_bytes(spm_bytes)
    sp = spm.SentencePieceProcessor(model_proto=spm_bytes)
    pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    if pieces[:2] != ["</s>", "<unk>"]:
        raise RuntimeError(f"unexpected SentencePiece specials {pieces[:2]}")
    vocab = {piece: i for i, piece in enumerate(pieces)}
    vocab["<pad>"] = len(vocab)
    pad_id = len(vocab) - 1
    _write_json(out_dir / "vocab.json", vocab)
    _write_json(out_dir / "tokenizer_config.json", {"source_lang": "fr", "target_lang": "en"})
    tok = MarianTokenizer.from_pretrained(out_dir)
    _check_roundtrip(tok, [text for pair in pairs for text in pair])

    size = _MARIAN_OVERFIT_SIZE if overfit else _MARIAN_RANDOM_SIZE
    config = MarianConfig(
        vocab_size=len(vocab),
        decoder_vocab_size=len(vocab),
        d_model=size["d_model"],
        encoder_layers=size["layers"],
        decoder_layers=size["layers"],
        encoder_attention_heads=size["heads"],
        decoder_attention_heads=size["heads"],
        encoder_ffn_dim=size["ffn"],
        decoder_ffn_dim=size["ffn"],
        max_position_embeddings=512,
        activation_function="swish",
        dropout=0.0,
        attention_dropout=0.0,
        activation_dropout=0.0,
        encoder_layerdrop=0.0,
        decoder_layerdrop=0.0,
        init_std=0.02,
        scale_embedding=True,
        share_encoder_decoder_embeddings=True,
        tie_word_embeddings=True,
        is_encoder_decoder=True,
        use_cache=True,
        pad_token_id=pad_id,
        decoder_start_token_id=pad_id,
        eos_token_id=0,
        forced_eos_token_id=0,
    )
    model = MarianMTModel(config)
    max_length = 64
    if overfit:  # room for every target (plus slack) even when the pairs are long
        longest = max(len(tok(text_target=t).input_ids) for _, t in pairs)
        max_length = max(max_length, longest + 16)
    model.generation_config = GenerationConfig(
        bad_words_ids=[[pad_id]],
        renormalize_logits=True,
        num_beams=2,
        max_length=max_length,
        decoder_start_token_id=pad_id,
        pad_token_id=pad_id,
        eos_token_id=0,
        forced_eos_token_id=0,
    )
    if overfit:
        _overfit(model, tok, pairs, train_steps)
    model.eval()
    model.save_pretrained(out_dir)  # model.safetensors, config.json, generation_config.json

    if overfit:
        _check_reproduces(
            MarianMTModel.from_pretrained(out_dir), MarianTokenizer.from_pretrained(out_dir), pairs
        )


_MARIAN_SPM_VOCAB_SIZE = 400
_MARIAN_RANDOM_SIZE = {"d_model": 32, "layers": 1, "heads": 2, "ffn": 64}
_MARIAN_OVERFIT_SIZE = {"d_model": 64, "layers": 2, "heads": 4, "ffn": 128}


def _check_roundtrip(tok, texts: Iterable[str]) -> None:
    for text in texts:
        for ids in (tok(text).input_ids, tok(text_target=text).input_ids):
            if tok.unk_token_id in ids:
                raise RuntimeError(f"tiny Marian tokenizer has <unk> in {text!r}")
            back = tok.decode(ids, skip_special_tokens=True)
            if back != text:
                raise RuntimeError(f"tiny Marian tokenizer round trip: {text!r} -> {back!r}")


def _overfit(model, tok, pairs: Sequence[tuple[str, str]], steps: int) -> None:
    import torch

    batch = tok([s for s, _ in pairs], text_target=[t for _, t in pairs], padding=True, return_tensors="pt")
    labels = batch["labels"].masked_fill(batch["labels"] == tok.pad_token_id, -100)
    emb = model.get_input_embeddings()
    pad_id = tok.pad_token_id
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.0)
    model.train()
    for _ in range(steps):
        opt.zero_grad()
        loss = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], labels=labels).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        # The lm_head is tied to the embeddings, so the <pad> row gets gradients through the output layer.
        # Real opus-mt checkpoints keep it at zero: the decoder starts from <pad>, and CTranslate2 replaces
        # that start with a zero embedding ("start_from_zero_embedding"). Keep it zero so both agree.
        with torch.no_grad():
            emb.weight[pad_id].zero_()
    model.eval()


def _check_reproduces(model, tok, pairs: Sequence[tuple[str, str]]) -> None:
    import torch

    sources = [src for src, _ in pairs]
    failures = []
    with torch.inference_mode():
        for num_beams in (1, 2):
            # Batched (padded) and one by one: the translator does both.
            out = model.generate(**tok(sources, padding=True, return_tensors="pt"), num_beams=num_beams)
            batched = tok.batch_decode(out, skip_special_tokens=True)
            for (src, tgt), got_batched in zip(pairs, batched, strict=True):
                out = model.generate(**tok([src], return_tensors="pt"), num_beams=num_beams)
                got_single = tok.decode(out[0], skip_special_tokens=True)
                for mode, got in (("batched", got_batched), ("single", got_single)):
                    if got != tgt:
                        failures.append(f"  beams={num_beams} {mode} {src!r}: want {tgt!r}, got {got!r}")
    if failures:
        raise RuntimeError("overfit tiny Marian does not reproduce its pairs:\n" + "\n".join(failures))


# ----------------------------------------------------------------------------------------------------
# BART
# ----------------------------------------------------------------------------------------------------


def build_tiny_bart(out_dir: Path, *, seed: int = 0) -> Path:
    """Build a tiny distilbart-cnn look-alike (random weights) in ``out_dir`` and return ``out_dir``.

    Files: vocab.json + merges.txt (byte-level BPE, ``<s> <pad> </s> <unk> <mask>`` = ids 0-4),
    tokenizer_config.json, config.json (with the legacy keys CTranslate2 reads), generation_config.json,
    model.safetensors. The model's ``vocab_size`` equals the tokenizer's vocabulary size exactly.
    """
    import torch
    from tokenizers import ByteLevelBPETokenizer
    from transformers import AutoTokenizer, BartConfig, BartForConditionalGeneration, GenerationConfig

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(
        list(BART_CORPUS),
        vocab_size=_BART_VOCAB_SIZE,
        min_frequency=1,
        special_tokens=list(_BART_SPECIALS),
        show_progress=False,
    )
    bpe.save_model(str(out_dir))  # vocab.json, merges.txt ("#version: 0.2" header)
    vocab = json.loads((out_dir / "vocab.json").read_text(encoding="utf-8"))
    if sorted(vocab.values()) != list(range(len(vocab))):
        raise RuntimeError("tiny BART vocab ids are not 0..V-1")
    if [k for k, _ in sorted(vocab.items(), key=lambda kv: kv[1])[:5]] != list(_BART_SPECIALS):
        raise RuntimeError("tiny BART specials are not ids 0-4")
    _write_json(out_dir / "tokenizer_config.json", {"model_max_length": 1024})

    config = BartConfig(
        vocab_size=len(vocab),
        d_model=32,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        max_position_embeddings=1024,
        activation_function="gelu",
        dropout=0.0,
        attention_dropout=0.0,
        activation_dropout=0.0,
        encoder_layerdrop=0.0,
        decoder_layerdrop=0.0,
        init_std=0.02,
        scale_embedding=False,
        tie_word_embeddings=True,
        is_encoder_decoder=True,
        use_cache=True,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
        forced_bos_token_id=0,
        forced_eos_token_id=2,
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = BartForConditionalGeneration(config)
    model.generation_config = GenerationConfig(
        num_beams=2,
        min_length=5,
        max_length=40,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
        forced_bos_token_id=0,
        forced_eos_token_id=2,
    )
    model.eval()
    model.save_pretrained(out_dir)  # model.safetensors, config.json, generation_config.json

    # Legacy keys of real BART configs, which CTranslate2's converter reads (transformers 5 no longer writes them).
    cfg_path = out_dir / "config.json"
    cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
    cfg.update(_BART_LEGACY_CONFIG)
    _write_json(cfg_path, cfg)

    tok = AutoTokenizer.from_pretrained(out_dir)
    if len(tok) != len(vocab) or tok.pad_token_id != 1 or tok.eos_token_id != 2 or tok.bos_token_id != 0:
        raise RuntimeError(f"tiny BART tokenizer reloads wrongly: len {len(tok)} vs vocab {len(vocab)}")
    sample = BART_CORPUS[0]
    if tok.decode(tok(sample).input_ids, skip_special_tokens=True) != sample:
        raise RuntimeError("tiny BART tokenizer does not round-trip English text")
    return out_dir


_BART_SPECIALS = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")
_BART_VOCAB_SIZE = 600
_BART_LEGACY_CONFIG = {
    "normalize_before": False,
    "add_final_layer_norm": False,
    "static_position_embeddings": False,
    "normalize_embedding": True,
    "scale_embedding": False,
}


# ----------------------------------------------------------------------------------------------------
# CTranslate2
# ----------------------------------------------------------------------------------------------------


def convert_ct2(model_dir: Path, out_dir: Path, quantization: str = "int8") -> Path:
    """Convert a (tiny) transformers directory to CTranslate2 in ``out_dir`` and return ``out_dir``."""
    import ctranslate2

    ctranslate2.converters.TransformersConverter(str(model_dir)).convert(
        str(out_dir), quantization=quantization, force=True
    )
    return Path(out_dir)
