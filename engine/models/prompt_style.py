"""How a prompt is laid out for one model: scratch markers, the chat template, or plain text.

Training (`engine.training.blocks`) and writing (`engine.writing.generation`) both use it,
so a model is always prompted the way it was trained.
"""
from __future__ import annotations

from dataclasses import dataclass

from .scratch import COPY, PROMPT


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
        return start_ids(tokenizer) + tokenizer.encode(prompt + "\n\n", add_special_tokens=False)

    def text_prefix_ids(self, tokenizer, prefix: str) -> list[int]:
        """For models trained on plain text: the prompt is the opening of the copy."""
        return start_ids(tokenizer) + tokenizer.encode(prefix, add_special_tokens=False)


def start_ids(tokenizer) -> list[int]:
    # Packed samples follow an EOS, so EOS is what "the start of a sample" looks like.
    start = tokenizer.bos_token_id if tokenizer.bos_token_id is not None else tokenizer.eos_token_id
    return [start] if start is not None else []
