"""Marian (opus-mt) through CTranslate2: the Translator contract over a conversion of a MarianMT checkpoint.

Tokenisation is SentencePiece (source.spm / target.spm) used exactly as MarianTokenizer uses it, so a converted
model translates without torch or transformers.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..engine import CallLimits, Decoding, LengthCap
from ..errors import ModelError
from .ct2_engine import CT2Engine, decoding_steps, run_jobs
from .jobs import plan_jobs
from .limits import TranslationLimits, read_json

_SPECIAL_PIECES = frozenset(("</s>", "<unk>", "<pad>"))
_SPIECE_UNDERLINE = "\u2581"


class CT2MarianTranslator(CT2Engine):
    """A whole pass comes in one call (CallLimits without limits) and is cut into jobs for the engine's workers
    (plan_jobs: sorted by length, `max_batch_tokens` padded tokens each, a multiple of the workers)."""

    label = "Marian translator"
    required_files = ("config.json", "source.spm", "target.spm")
    call_limits = CallLimits()
    # Padded tokens per engine job. A GPU wants large jobs (2048 as fast as 4096 with half the memory); on CPU small
    # ones decode fastest per sentence: 256 beat 128, 512, 1024 and 2048 (benchmarks/README.md, "CPU job size").
    gpu_batch_tokens = 2048
    cpu_batch_tokens = 256

    @property
    def max_batch_tokens(self) -> int:
        return self.gpu_batch_tokens if self.engine.device == "cuda" else self.cpu_batch_tokens

    def _load_tokenizer(self, model_dir: Path) -> None:
        import sentencepiece

        if read_json(model_dir / "tokenizer_config.json").get("separate_vocabs"):
            raise ModelError(f"{model_dir}: Marian models with separate vocabularies are not supported by the "
                             "ctranslate2 backend (use --backend torch)")
        self.limits = TranslationLimits.of(self.generation)
        self.max_input_tokens = self.limits.max_input_tokens
        self.default_beams = self.generation.num_beams or 1
        self._source = sentencepiece.SentencePieceProcessor(model_file=str(model_dir / "source.spm"))
        self._target = sentencepiece.SentencePieceProcessor(model_file=str(model_dir / "target.spm"))

    # MarianTokenizer: an optional leading ">>xx<<" language code kept whole, SentencePiece pieces, then "</s>".
    def encode(self, texts: Sequence[str]) -> list[list[str]]:
        """Source tokens as MarianTokenizer produces them (pieces outside the vocabulary become <unk> in the
        model, as in MarianTokenizer)."""
        codes: list[list[str]] = []
        bodies: list[str] = []
        for text in texts:
            if text.startswith(">>") and (end := text.find("<<")) != -1:
                codes.append([text[: end + 2]])
                bodies.append(text[end + 2:])
            else:
                codes.append([])
                bodies.append(text)
        pieces = self._source.encode(bodies, out_type=str)
        return [code + body + ["</s>"] for code, body in zip(codes, pieces)]

    def decode(self, tokens: Sequence[str]) -> str:
        """Target tokens to text, as MarianTokenizer.decode(..., skip_special_tokens=True) with the target spm."""
        pieces = [token for token in tokens if token not in _SPECIAL_PIECES]
        return self._target.decode_pieces(pieces).replace(_SPIECE_UNDERLINE, " ").strip()

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(tokens) for tokens in self.encode(texts)]

    def max_decoding_length(self, source_tokens: int, length_cap: LengthCap | None) -> int:
        """CTranslate2's limit for a source of this many tokens. transformers forces </s> as the last new token
        (forced_eos_token_id) while CTranslate2 would emit a word there: one step fewer gives the same text."""
        cap = self.limits.cap(source_tokens, length_cap)
        return max(1, cap - 1) if self.generation.forced_eos else cap

    def translate_batch(self, texts: Sequence[str], decoding: Decoding) -> list[str]:
        """The texts become engine jobs (plan_jobs), each decoded to its longest source's cap; each output is
        then cut to its own source's cap."""
        if not texts:
            return []
        batch = self.encode(texts)
        jobs = plan_jobs([len(tokens) for tokens in batch], self.engine.workers, self.max_batch_tokens)
        results = run_jobs(
            self.translator,
            batch,
            jobs,
            [self.max_decoding_length(max(len(batch[i]) for i in job), decoding.length_cap) for job in jobs],
            beam_size=decoding.beams or self.default_beams,
            no_repeat_ngram_size=decoding.no_repeat_ngram_size or 0,
            repetition_penalty=decoding.repetition_penalty or 1.0,
            max_input_length=self.limits.max_positions,
            return_scores=False,
        )
        outputs = []
        for tokens, result in zip(batch, results):
            own = self.max_decoding_length(len(tokens), decoding.length_cap)
            hypothesis = result.hypotheses[0][:own]
            self.generated_tokens += decoding_steps(hypothesis, own)
            outputs.append(self.decode(hypothesis))
        return outputs
