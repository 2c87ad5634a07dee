"""Writing: drafting copy from a model, from a scenario form or a whole product sheet.

`generate` streams N variants for one prompt; `scenarios` turns a form into that prompt;
`batch` drafts every row of a sheet, resumably.
"""
from .generation import (GENERATE_FIELDS, PRESETS, GenerateConfig, GenerateResult, clear_cache, generate, is_loaded,
                         load_model, read_ahead, with_preset)
from .scenarios import FIELDS, SCENARIOS, Scenario, build_prompt

__all__ = ["BatchEvent", "BatchResult", "FIELDS", "GENERATE_FIELDS", "GenerateConfig", "GenerateResult", "PRESETS",
           "ProductSheet", "SCENARIOS", "Scenario", "build_prompt", "clear_cache", "generate", "is_loaded",
           "load_model", "read_ahead", "read_products", "rows_done", "run_batch", "with_preset"]

_BATCH = ("BatchEvent", "BatchResult", "ProductSheet", "read_products", "rows_done", "run_batch")


def __getattr__(name: str):
    """`batch` (product sheets, data reading, the quality checks) is imported on first use: the
    desktop app's Write page needs only the scenarios at start-up."""
    if name in _BATCH:
        from . import batch
        return getattr(batch, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
