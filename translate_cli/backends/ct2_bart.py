"""BART summariser (distilbart-cnn) through CTranslate2: the Summariser contract over a conversion of a
BartForConditionalGeneration checkpoint, interchangeable with torch_bart.TorchBartSummariser (the same token
counts without <s> </s>, the same limit, inputs never truncated, generation settings from the checkpoint).

Tokenisation is the `tokenizers` library directly (tokenizer.json, or vocab.json + merges.txt as byte-level BPE with
RoBERTa's <s> … </s>), so a converted model summarises without torch or transformers. BART is an encoder-decoder:
ctranslate2.Translator, whose converted config starts the decoder with "</s>"; a forced first token
(forced_bos_token_id, "<s>") is given as the target prefix.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..engine import Decoding
from ..errors import ModelError
from .ct2_engine import CT2Engine, decoding_steps, run_jobs
from .jobs import plan_jobs
from .limits import ensure_within_limit, read_json, summary_tokens

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


class CT2BartSummariser(CT2Engine):
    label = "BART summariser"
    batch_size = 6  # chunks per engine job at most: one job of 6 ran faster than 4 + 2 (benchmarks/README.md)

    def _load_tokenizer(self, model_dir: Path) -> None:
        self.tokenizer = load_bpe_tokenizer(model_dir)
        self.max_positions = self.generation.max_positions or 1024
        # Counts exclude <s> … </s>; the model sees them too, so they come off the position table.
        self.max_input_tokens = self.max_positions - 2
        forced_bos = self.generation.forced_bos_token_id
        self.target_prefix = [self.tokenizer.id_to_token(forced_bos)] if forced_bos is not None else None
        self._unk_id = self.tokenizer.token_to_id("<unk>")

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

    def summarise(self, texts: Sequence[str], decoding: Decoding) -> list[str]:
        texts = list(texts)
        outputs = [""] * len(texts)
        counts = self.count_tokens(texts)
        ensure_within_limit(counts, self.max_input_tokens)
        todo = [i for i, text in enumerate(texts) if text.strip()]
        longest = max((counts[i] for i in todo), default=0)
        for i, summary in zip(todo, self._generate([texts[i] for i in todo], decoding, longest)):
            outputs[i] = summary
        return outputs

    def _generate(self, texts: list[str], decoding: Decoding, longest: int) -> list[str]:
        if not texts:
            return []
        settings = self.generation
        # transformers' max_length/min_length count the decoder start token; CTranslate2's lengths do not.
        max_new = summary_tokens(decoding, longest) or max(1, (settings.max_length or 142) - 1)
        min_new = min(max(0, (settings.min_length or 0) - 1), max_new)
        batch = self.encode(texts)
        prefixes = [list(self.target_prefix) for _ in batch] if self.target_prefix else None
        limit = max(1, max_new - 1) if settings.forced_eos else max_new
        # Chunks spread over the engine's workers, at most batch_size chunks (of up to the full input) a job.
        jobs = plan_jobs([len(tokens) for tokens in batch], self.engine.workers, self.batch_size * self.max_positions,
                         max_items=self.batch_size)
        results = run_jobs(
            self.translator,
            batch,
            jobs,
            [limit] * len(jobs),
            prefixes,
            beam_size=decoding.beams or settings.num_beams or 1,
            max_input_length=self.max_positions,
            min_decoding_length=min(min_new, limit),
            length_penalty=settings.length_penalty or 1.0,
            no_repeat_ngram_size=settings.no_repeat_ngram_size or 0,
            return_scores=False,
        )
        summaries = []
        for result in results:
            hypothesis = result.hypotheses[0]
            self.generated_tokens += decoding_steps(hypothesis, limit)
            summaries.append(self.decode(hypothesis[len(self.target_prefix or ()):]).strip())
        return summaries
