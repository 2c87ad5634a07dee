"""Wenan Studio's Qt-free core: data import, models, training, generation.

Importing this package is cheap: torch and transformers are imported lazily by
the modules that need them, so the desktop app can start fast.
"""
import os

# Nothing is downloaded at run time: every Hugging Face call resolves locally.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

__version__ = "0.1.0"
