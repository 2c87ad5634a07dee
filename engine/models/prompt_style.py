"""How a prompt is laid out for one model: scratch markers, the chat template, or plain text.

Training (`engine.training.blocks`) and writing (`engine.writing.generation`) both use it,
so a model is always prompted the way it was trained.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

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

    def prompt_ids(self, tokenizer, prompt: str, *, system: str | None = None, examples: Sequence = ()) -> list[int]:
        """Token ids the model sees before it writes the copy.

        `system` (chat models only) is the system message. `examples` are the shop's own copy
        (objects with `.text` and `.prompt`): for a chat model the pairs become earlier turns
        (copy without a request is the caller's to quote in `system`); for plain text, each is a
        sample of its own before the prompt, as training packs them. Scratch models have no room
        for either (128 positions) and were never trained with them."""
        if self.kind == "chat":
            turns = [m for e in examples if e.prompt
                     for m in ({"role": "user", "content": e.prompt}, {"role": "assistant", "content": e.text})]
            return _chat_ids(tokenizer, system, turns + [{"role": "user", "content": prompt}])
        if self.kind == "scratch":
            return tokenizer.encode(PROMPT + prompt + COPY, add_special_tokens=False)
        return start_ids(tokenizer) + _sample_ids(tokenizer, examples) + tokenizer.encode(
            prompt + "\n\n", add_special_tokens=False)

    def text_prefix_ids(self, tokenizer, prefix: str, *, examples: Sequence = ()) -> list[int]:
        """For models trained on plain text: the prompt is the opening of the copy."""
        examples = () if self.kind == "scratch" else examples
        return start_ids(tokenizer) + _sample_ids(tokenizer, examples) + tokenizer.encode(
            prefix, add_special_tokens=False)


def _chat_ids(tokenizer, system: str | None, messages: list[dict]) -> list[int]:
    """The chat template applied; a template that has no system role (Gemma's raises) gets the
    system message at the head of the first user turn instead."""
    from jinja2.exceptions import TemplateError

    if system:
        try:
            return _template_ids(tokenizer, [{"role": "system", "content": system}] + messages)
        except TemplateError:
            messages = [dict(messages[0], content=system + "\n\n" + messages[0]["content"])] + messages[1:]
    return _template_ids(tokenizer, messages)


def _template_ids(tokenizer, messages: list[dict]) -> list[int]:
    ids = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True)
    return list(ids["input_ids"] if isinstance(ids, dict) or hasattr(ids, "keys") else ids)


def _sample_ids(tokenizer, examples: Sequence) -> list[int]:
    """Each example as a packed training sample: its text (after its request, for pairs), then EOS."""
    end = [tokenizer.eos_token_id] if tokenizer.eos_token_id is not None else []
    ids: list[int] = []
    for e in examples:
        text = f"{e.prompt}\n\n{e.text}" if e.prompt else e.text
        ids += tokenizer.encode(text, add_special_tokens=False) + end
    return ids


def start_ids(tokenizer) -> list[int]:
    # Packed samples follow an EOS, so EOS is what "the start of a sample" looks like.
    start = tokenizer.bos_token_id if tokenizer.bos_token_id is not None else tokenizer.eos_token_id
    return [start] if start is not None else []
