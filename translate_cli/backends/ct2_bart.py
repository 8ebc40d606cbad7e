"""BART summariser (distilbart-cnn) through CTranslate2, converted once into brief's cache like the translator.

Tokenisation is the `tokenizers` library directly (tokenizer.json, or vocab.json + merges.txt as byte-level BPE with
RoBERTa's <s> … </s>), so summarising from an already converted model imports neither torch nor transformers.
BART is an encoder-decoder: ctranslate2.Translator, whose converted config starts the decoder with "</s>"
(decoder_start_token_id 2); a forced first token (forced_bos_token_id, "<s>") is given as the target prefix.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..errors import ModelError
from . import ensure_within_limit, plan_jobs
from .ct2_marian import _notify_terminal, decoding_steps, open_engine, read_json, run_jobs

_ROBERTA_SPECIALS = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")


def load_bpe_tokenizer(model_dir: str | Path):
    """The checkpoint's tokenizer as a `tokenizers.Tokenizer`: tokenizer.json when shipped, else built from
    vocab.json + merges.txt exactly as BartTokenizer/RobertaTokenizer builds it."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors

    model_dir = Path(model_dir)
    if (model_dir / "tokenizer.json").is_file():
        return Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    vocab, merges = model_dir / "vocab.json", model_dir / "merges.txt"
    if not (vocab.is_file() and merges.is_file()):
        raise ModelError(f"cannot load a BART tokenizer from {model_dir}: no tokenizer.json, nor vocab.json + "
                         "merges.txt")
    config = read_json(model_dir / "tokenizer_config.json")
    add_prefix_space = bool(config.get("add_prefix_space", False))
    trim_offsets = bool(config.get("trim_offsets", True))
    tokenizer = Tokenizer(models.BPE.from_file(str(vocab), str(merges)))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=add_prefix_space)
    tokenizer.decoder = decoders.ByteLevel()
    bos, eos = str(config.get("bos_token") or "<s>"), str(config.get("eos_token") or "</s>")
    specials = [token for token in _ROBERTA_SPECIALS if tokenizer.token_to_id(token) is not None]
    tokenizer.add_special_tokens(specials)
    tokenizer.post_processor = processors.RobertaProcessing(
        (eos, tokenizer.token_to_id(eos)), (bos, tokenizer.token_to_id(bos)),
        trim_offsets=trim_offsets, add_prefix_space=add_prefix_space,
    )
    return tokenizer


class CT2BartSummariser:
    """The summariser protocol (name, max_input_tokens, count_tokens, summarise) over a CTranslate2 conversion
    of a BartForConditionalGeneration checkpoint, interchangeable with backends.torch_bart.TorchBartSummariser:
    the same token counts (without <s> </s>), the same limit, inputs never truncated (over the limit is an
    error: the caller plans chunks), generation settings from generation_config.json."""

    def __init__(
        self,
        model_dir: str | Path,
        *,
        device: str = "auto",
        beams: int | None = None,
        max_new_tokens: int | None = None,
        min_new_tokens: int | None = None,
        batch_size: int = 6,  # chunks per engine job at most; measured on one job: 6 in one 0.88x the time of 4 + 2
        compute_type: str | None = None,
        quantization: str = "int8",
        weights: str | Path | None = None,
        precision: str = "auto",
        threads: int | None = None,
        workers: int | None = None,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        model_dir = Path(model_dir)
        self.name = f"ctranslate2:{model_dir.name}"
        if not (model_dir / "config.json").is_file():
            raise ModelError(f"cannot load a BART summariser from {model_dir}: no config.json")
        config = read_json(model_dir / "config.json")
        generation = {**config, **read_json(model_dir / "generation_config.json")}
        self.tokenizer = load_bpe_tokenizer(model_dir)
        self.max_positions = int(config.get("max_position_embeddings") or 1024)
        # Counts exclude <s> … </s>; the model sees them too, so they come off the position table.
        self.max_input_tokens = self.max_positions - 2
        self.batch_size = batch_size
        self.beams = beams or int(generation.get("num_beams") or 1)
        # transformers' max_length/min_length count the decoder start token; CTranslate2's lengths do not.
        self.max_new_tokens = max_new_tokens or max(1, int(generation.get("max_length") or 142) - 1)
        default_min = max(0, int(generation.get("min_length") or 0) - 1)
        self.min_new_tokens = min(min_new_tokens if min_new_tokens is not None else default_min, self.max_new_tokens)
        self.length_penalty = float(generation.get("length_penalty") or 1.0)
        self.no_repeat_ngram_size = int(generation.get("no_repeat_ngram_size") or 0)
        # transformers forces </s> as the last allowed token; CTranslate2 would emit a word there (see Marian).
        self.forced_eos = generation.get("forced_eos_token_id") is not None
        forced_bos = generation.get("forced_bos_token_id")
        self.target_prefix = [self.tokenizer.id_to_token(int(forced_bos))] if forced_bos is not None else None
        self.engine = open_engine(
            model_dir, device=device, precision=precision, quantization=quantization, compute_type=compute_type,
            weights=weights, threads=threads, workers=workers, notify=notify,
        )
        self.translator = self.engine.translator  # ctranslate2.Translator
        self._unk_id = self.tokenizer.token_to_id("<unk>")
        self.generated_tokens = 0

    @classmethod
    def from_checkpoint(cls, model_dir: str | Path, **settings: Any) -> CT2BartSummariser:
        settings.setdefault("notify", _notify_terminal)
        return cls(model_dir, **settings)

    def encode(self, texts: Sequence[str]) -> list[list[str]]:
        """Source tokens with <s> … </s>, as BartTokenizer gives them."""
        return [encoding.tokens for encoding in self.tokenizer.encode_batch(list(texts))]

    def decode(self, tokens: Sequence[str]) -> str:
        ids = [self.tokenizer.token_to_id(token) for token in tokens]
        return self.tokenizer.decode([self._unk_id if i is None else i for i in ids], skip_special_tokens=True)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Tokens without <s> … </s>, as TorchBartSummariser counts them."""
        encoded = self.tokenizer.encode_batch(list(texts), add_special_tokens=False)
        return [len(encoding.ids) for encoding in encoded]

    def summarise(self, texts: Sequence[str]) -> list[str]:
        texts = list(texts)
        outputs = [""] * len(texts)
        counts = self.count_tokens(texts)
        ensure_within_limit(counts, self.max_input_tokens)
        todo = [i for i, text in enumerate(texts) if text.strip()]
        for i, summary in zip(todo, self._generate([texts[i] for i in todo])):
            outputs[i] = summary
        return outputs

    def _generate(self, texts: list[str]) -> list[str]:
        if not texts:
            return []
        batch = self.encode(texts)
        prefixes = [list(self.target_prefix) for _ in batch] if self.target_prefix else None
        limit = max(1, self.max_new_tokens - 1) if self.forced_eos else self.max_new_tokens
        # Chunks spread over the engine's workers, at most batch_size chunks (of up to the full input) a job.
        jobs = plan_jobs([len(tokens) for tokens in batch], self.engine.workers, self.batch_size * self.max_positions,
                         max_items=self.batch_size)
        results = run_jobs(
            self.translator,
            batch,
            jobs,
            [limit] * len(jobs),
            prefixes,
            beam_size=self.beams,
            max_input_length=self.max_positions,
            min_decoding_length=min(self.min_new_tokens, limit),
            length_penalty=self.length_penalty,
            no_repeat_ngram_size=self.no_repeat_ngram_size,
            return_scores=False,
        )
        summaries = []
        for result in results:
            hypothesis = result.hypotheses[0]
            self.generated_tokens += decoding_steps(hypothesis, limit)
            summaries.append(self.decode(hypothesis[len(self.target_prefix or ()):]).strip())
        return summaries
