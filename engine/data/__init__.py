"""Data in: a seller's file read once, decoded, split into a table, turned into samples and cleaned.

The path through it: `reading` (checks and bytes) → `charsets` (the encoding) → `tables`
(.csv/.tsv/.xlsx rows and the column guess) → `samples` (one per line, block, JSON line
or row) → `cleaning` → `dataset` (the result, its statistics and its split). `source`
runs that path once per file. `examples` indexes a file's samples so the closest can be
shown to a model as few-shot examples.
"""
from .charsets import detect_encoding
from .cleaning import CleanOptions, CleanReport, clean_samples, clean_text
from .dataset import DataSet, DataStats, TableInfo, count_tokens
from .examples import Example, ExampleIndex, index_for_file, index_for_model, save_examples
from .reading import SUFFIX_FORMATS, max_data_bytes
from .samples import Sample
from .source import DataSource, inspect_file, load_data, open_data
from .tables import GUESS_ROWS, PROMPT_NAMES, TEXT_NAMES

__all__ = ["CleanOptions", "CleanReport", "DataSet", "DataSource", "DataStats", "Example", "ExampleIndex",
           "GUESS_ROWS", "PROMPT_NAMES", "SUFFIX_FORMATS", "Sample", "TEXT_NAMES", "TableInfo", "clean_samples", "clean_text", "count_tokens",
           "detect_encoding", "index_for_file", "index_for_model", "inspect_file", "load_data", "max_data_bytes",
           "open_data", "save_examples"]
