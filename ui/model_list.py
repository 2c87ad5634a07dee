"""Listing the model library without touching it (no Qt here).

engine.library.list_models() first deletes every `.tmp-*` folder in models/, and a
training that is saving its result writes into exactly such a folder. The window lists
models at any time (a data file loaded, the library dialog opened), so it uses this
read-only listing instead. See the final report: the engine should only remove stale
temp folders (e.g. older than a day, or at start-up).
"""
from __future__ import annotations

import json

from engine import paths
from engine.library import META_FILE, ModelInfo


def list_library() -> list[ModelInfo]:
    """Finished models, newest first, exactly as engine.library.list_models() orders them."""
    found = []
    for folder in paths.models_dir().iterdir():
        if folder.name.startswith(".") or not folder.is_dir():
            continue
        try:
            meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        found.append(ModelInfo(folder.name, folder, meta))
    return sorted(found, key=lambda m: m.meta.get("created_at", ""), reverse=True)
