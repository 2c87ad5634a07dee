"""Writing: drafting copy from a model, from a scenario form or a whole product sheet.

`generate` streams N variants for one prompt; `scenarios` turns a form into that prompt;
`batch` drafts every row of a sheet, resumably.
"""
from .batch import BatchEvent, BatchResult, ProductSheet, read_products, rows_done, run_batch
from .generation import (GENERATE_FIELDS, PRESETS, GenerateConfig, GenerateResult, clear_cache, generate, is_loaded,
                         load_model, with_preset)
from .scenarios import FIELDS, SCENARIOS, Scenario, build_prompt

__all__ = ["BatchEvent", "BatchResult", "FIELDS", "GENERATE_FIELDS", "GenerateConfig", "GenerateResult", "PRESETS",
           "ProductSheet", "SCENARIOS", "Scenario", "build_prompt", "clear_cache", "generate", "is_loaded",
           "load_model", "read_products", "rows_done", "run_batch", "with_preset"]
