"""Checking option values before anything is loaded, written or deleted: one style for
training, generation and batch runs, each refusal a `ConfigError` that names the option."""
from __future__ import annotations

import math
from collections.abc import Collection

from .errors import ConfigError


def _finite(value) -> bool:
    return not isinstance(value, float) or math.isfinite(value)


def at_least(option: str, value, minimum) -> None:
    if not (_finite(value) and value >= minimum):  # written so that NaN fails too
        raise ConfigError("option_at_least", option=option, value=value, minimum=minimum)


def within(option: str, value, low, high) -> None:
    if not (_finite(value) and low <= value <= high):
        raise ConfigError("option_range", option=option, value=value, low=low, high=high)


def positive(option: str, value) -> None:
    """A number above 0; None ("choose for me") passes."""
    if value is not None and not (_finite(value) and value > 0):
        raise ConfigError("option_positive", option=option, value=value)


def one_of(option: str, value, choices: Collection[str], hint: str | None = None) -> None:
    if value not in choices:
        raise ConfigError("bad_value", option=option, value=value, hint=hint or "Use " + ", ".join(choices) + ".")
