"""The Write page's one-line summary of a finished request."""
from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication, QLocale


def device_label(name: str) -> str:
    """The engine's device name in the window's language: only the CPU's has words in it."""
    cpu = re.fullmatch(r"CPU \((\d+) threads?\)", name)  # engine.models.device.cpu_name
    if cpu is None:
        return name  # a GPU's own name, e.g. "NVIDIA GeForce RTX 4060 (8.0 GB)"
    threads = int(cpu.group(1))
    if threads == 1:
        return QCoreApplication.translate("WritePage", "CPU (1 thread)")
    return QCoreApplication.translate("WritePage", "CPU ({n} threads)").format(n=threads)


def drafted_by(result) -> str:
    """Which model wrote, as the user should weigh it: a base as found, or one trained on their copy;
    and which of their own pieces it was shown."""
    if result.drafted_by == "base":
        text = QCoreApplication.translate("WritePage", " · by a pretrained model, not trained on your copy")
    else:
        text = QCoreApplication.translate("WritePage", " · by a model trained on your copy")
    if result.examples_used:
        text += QCoreApplication.translate("WritePage", ", shown {n} of your pieces from {file}").format(
            n=len(result.examples_used), file=result.examples_source)
    return text


def result_status(result) -> str:
    """How many drafts, how long, on which device, the seed; and why the drafts may be short.

    The strings keep the Write page's translation context, spelled out in each call for lupdate.
    """
    loc = QLocale()
    first = ""
    if result.first_text_s is not None:
        first = QCoreApplication.translate("WritePage", ", first words after {s} s").format(
            s=loc.toString(result.first_text_s, "f", 1))
    text = QCoreApplication.translate("WritePage", "{n} variants in {s} s{first} on {device} · seed {seed}").format(
        n=len(result.variants), s=loc.toString(result.elapsed_s, "f", 1), first=first, seed=result.seed,
        device=device_label(result.device))
    if len(result.variants) > 1:
        text += QCoreApplication.translate("WritePage", " · cleanest first")
    text += drafted_by(result)
    if result.prompt_cut:
        text += QCoreApplication.translate(
            "WritePage", " · the request is too long for this model: its beginning was left out")
    elif result.capped:  # the model has no positions left for the requested length
        text += QCoreApplication.translate(
            "WritePage", " · shortened: this model writes at most {n} tokens here").format(n=result.max_new_tokens_used)
    return QCoreApplication.translate("WritePage", "Stopped. ") + text if result.cancelled else text
