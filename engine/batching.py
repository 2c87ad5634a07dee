"""Turning samples into training blocks, and prompts into model input.

Plain text is packed: samples joined with EOS and cut into equal blocks, so no
compute is spent on padding. Prompt->copy pairs are packed whole into blocks
and only the copy tokens carry a loss.
"""
from __future__ import annotations

from dataclasses import dataclass

from .dataio import Sample
from .models import COPY, PROMPT

IGNORE = -100  # label value that cross-entropy skips


@dataclass(frozen=True)
class PromptStyle:
    """How a prompt is laid out for one model, recorded in its wenan.json."""
    kind: str  # "scratch": <|prompt|>P<|copy|>C ; "chat": the tokenizer's chat template ; "plain": P\n\nC

    @staticmethod
    def for_tokenizer(tokenizer) -> "PromptStyle":
        if getattr(tokenizer, "chat_template", None):
            return PromptStyle("chat")
        if PROMPT in tokenizer.get_vocab():
            return PromptStyle("scratch")
        return PromptStyle("plain")

    def prompt_ids(self, tokenizer, prompt: str) -> list[int]:
        """Token ids the model sees before it writes the copy."""
        if self.kind == "chat":
            ids = tokenizer.apply_chat_template(
                [{"role": "user", "content": prompt}], add_generation_prompt=True, tokenize=True)
            return list(ids["input_ids"] if isinstance(ids, dict) or hasattr(ids, "keys") else ids)
        if self.kind == "scratch":
            return tokenizer.encode(PROMPT + prompt + COPY, add_special_tokens=False)
        return _bos(tokenizer) + tokenizer.encode(prompt + "\n\n", add_special_tokens=False)

    def text_prefix_ids(self, tokenizer, prefix: str) -> list[int]:
        """For models trained on plain text: the prompt is the opening of the copy."""
        return _bos(tokenizer) + tokenizer.encode(prefix, add_special_tokens=False)


def _bos(tokenizer) -> list[int]:
    # Packed samples follow an EOS, so EOS is what "the start of a sample" looks like.
    start = tokenizer.bos_token_id if tokenizer.bos_token_id is not None else tokenizer.eos_token_id
    return [start] if start is not None else []


def encode_text_blocks(tokenizer, samples: list[Sample], block_size: int):
    """Pack plain samples into (n_blocks, block_size) tensors; the tail shorter than a block is dropped."""
    import torch

    eos = tokenizer.eos_token_id
    encoded = tokenizer([s.text for s in samples], add_special_tokens=False)["input_ids"]
    stream: list[int] = [eos]
    for ids in encoded:
        stream.extend(ids)
        stream.append(eos)
    n_blocks = len(stream) // block_size
    if n_blocks == 0:  # too little text for one block: keep it as one short block
        ids = torch.tensor([stream], dtype=torch.long)
        return ids, ids.clone()
    ids = torch.tensor(stream[: n_blocks * block_size], dtype=torch.long).view(n_blocks, block_size)
    return ids, ids.clone()


def encode_pair_blocks(tokenizer, style: PromptStyle, samples: list[Sample], block_size: int):
    """Pack whole prompt->copy examples into blocks; labels mask the prompts and the padding."""
    import torch

    eos = tokenizer.eos_token_id
    completions = tokenizer([s.text for s in samples], add_special_tokens=False)["input_ids"]
    rows_ids: list[list[int]] = []
    rows_labels: list[list[int]] = []
    cur_ids: list[int] = []
    cur_labels: list[int] = []
    for sample, completion in zip(samples, completions):
        prompt = style.prompt_ids(tokenizer, sample.prompt) if sample.prompt else _bos(tokenizer)
        copy = completion + [eos]
        # An example longer than a block keeps the end of its prompt and the start of its copy.
        if len(prompt) + len(copy) > block_size:
            prompt = prompt[-(block_size // 2):]
            copy = copy[: block_size - len(prompt)]
        if len(cur_ids) + len(prompt) + len(copy) > block_size:
            rows_ids.append(cur_ids)
            rows_labels.append(cur_labels)
            cur_ids, cur_labels = [], []
        cur_ids += prompt + copy
        cur_labels += [IGNORE] * len(prompt) + copy
    if cur_ids:
        rows_ids.append(cur_ids)
        rows_labels.append(cur_labels)
    width = min(block_size, max(len(r) for r in rows_ids))
    ids = torch.full((len(rows_ids), width), eos, dtype=torch.long)
    labels = torch.full((len(rows_ids), width), IGNORE, dtype=torch.long)
    for i, (r_ids, r_labels) in enumerate(zip(rows_ids, rows_labels)):
        ids[i, : len(r_ids)] = torch.tensor(r_ids)
        labels[i, : len(r_labels)] = torch.tensor(r_labels)
    return ids, labels


def encode_blocks(tokenizer, style: PromptStyle, samples: list[Sample], block_size: int):
    if any(s.prompt for s in samples):
        return encode_pair_blocks(tokenizer, style, samples, block_size)
    return encode_text_blocks(tokenizer, samples, block_size)
