"""Scratch models: a small GPT-2 sized to the data, and a byte-level BPE tokenizer learnt
from the seller's own file."""
from __future__ import annotations

import math
from dataclasses import dataclass

from .loading import quiet_transformers

EOS = "<|endoftext|>"
PROMPT = "<|prompt|>"
COPY = "<|copy|>"


# Small data overfits quickly; dropout on the residual stream and embeddings keeps validation loss
# falling longer. (Training turns the attention dropout off: models.tune_for_training.)
SCRATCH_DROPOUT = 0.1


@dataclass(frozen=True)
class ScratchSize:
    n_layer: int
    n_head: int
    n_embd: int


# Scratch model size by training tokens, measured with bench/scratch_size.py (docs/PERFORMANCE.md):
# at equal training time on a CPU the smallest model reaches the lowest validation loss on the
# sample (5k-22k tokens) and on ~100k, ~300k and ~1.3M tokens of real prose, by 0.6-0.7 nats over
# 6x256 up to 300k and 0.27 at 1.3M. The gap shrinks with the data, so 4x128 is used up to 2M; the
# larger tiers keep 10x steps above it and are not measured (nor are GPUs, where a bigger model
# costs little more per step).
SCRATCH_TIERS: tuple[tuple[int, ScratchSize], ...] = (
    (2_000_000, ScratchSize(n_layer=4, n_head=4, n_embd=128)),
    (20_000_000, ScratchSize(n_layer=6, n_head=4, n_embd=256)),
    (200_000_000, ScratchSize(n_layer=8, n_head=6, n_embd=384)),
    (10**18, ScratchSize(n_layer=12, n_head=8, n_embd=512)),
)


def scratch_size(train_tokens: int) -> ScratchSize:
    return next(size for limit, size in SCRATCH_TIERS if train_tokens < limit)


def scratch_vocab_size(chars: int) -> int:
    """Grows with the square root of the corpus: small data can't support many merges."""
    vocab = int(math.sqrt(max(chars, 1)) * 8)
    return max(512, min(16_384, (vocab + 63) // 64 * 64))


# Han characters, CJK punctuation and full-width forms: with `cjk_whole`, each is its own piece, so
# merges make whole characters (where the data has a character at least twice) but never join two.
CJK_CHAR = r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"


def train_tokenizer(texts: list[str], vocab_size: int, cjk_whole: bool = False):
    """A byte-level BPE tokenizer (no unknown tokens) trained on the user's own text."""
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    quiet_transformers()
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    if cjk_whole:
        tok.pre_tokenizer = pre_tokenizers.Sequence([
            pre_tokenizers.Split(Regex(CJK_CHAR), behavior="isolated"),
            pre_tokenizers.ByteLevel(add_prefix_space=False)])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=2,
        special_tokens=[EOS, PROMPT, COPY],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(texts, trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token=EOS,
        eos_token=EOS,
        pad_token=EOS,
        additional_special_tokens=[PROMPT, COPY],
        model_max_length=1024,
        clean_up_tokenization_spaces=False,
    )


def build_scratch_model(tokenizer, train_tokens: int, block_size: int, seed: int):
    """A randomly initialised GPT-2 whose size follows the amount of data."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    size = scratch_size(train_tokens)
    config = GPT2Config(
        vocab_size=len(tokenizer),
        n_positions=block_size,
        n_layer=size.n_layer,
        n_head=size.n_head,
        n_embd=size.n_embd,
        resid_pdrop=SCRATCH_DROPOUT, embd_pdrop=SCRATCH_DROPOUT, attn_pdrop=SCRATCH_DROPOUT,
        bos_token_id=tokenizer.eos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=True,
    )
    torch.manual_seed(seed)
    return GPT2LMHeadModel(config)
