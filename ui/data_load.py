"""Loading a data file for the Data page, off the GUI thread (no Qt here)."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from engine.common import paths
from engine.data import CleanOptions, DataSet, DataSource, DataStats, TableInfo, open_data

PREVIEW_ROWS = 200  # the table shows this many; stats cover every sample


@dataclass(frozen=True)
class LoadedData:
    """A cleaned data file plus what the Data and Train pages show about it."""
    info: TableInfo
    data: DataSet
    stats: DataStats
    clean: CleanOptions
    cjk_share: float          # share of CJK characters, for the token estimate
    seconds: float
    source: DataSource        # the file as read once: another choice of columns reuses it

    @property
    def name(self) -> str:
        return self.data.path.name


def load_for_preview(path: str | Path | DataSource, text_column: str | None = None, prompt_column: str | None = None,
                     clean: CleanOptions = CleanOptions()) -> LoadedData:
    """The file read once (or a DataSource read before), its samples and stats. Raises DataFileError."""
    started = time.perf_counter()
    source = path if isinstance(path, DataSource) else open_data(path)
    info = source.info
    if info.columns and text_column is None and prompt_column is None:
        text_column, prompt_column = info.text_column, info.prompt_column or ""
    data = source.load(text_column=text_column, prompt_column=prompt_column, clean=clean)
    return LoadedData(info, data, data.stats(), clean, _cjk_share(data), time.perf_counter() - started, source)


def _cjk_share(data: DataSet) -> float:
    text = "".join(s.text for s in data.samples[:500])
    if not text:
        return 0.0
    # Ideographs plus CJK and full-width punctuation: all about one token each.
    return sum("\u3000" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\uff00" <= ch <= "\uffef"
               for ch in text) / len(text)


def training_source(loaded: LoadedData) -> tuple[str, str | None, str | None]:
    """(file, text_column, prompt_column) for TrainConfig.

    TrainConfig only carries `mask_pii`; the engine applies its default for the other
    cleaning steps. When the user changed those, we train on a JSONL of exactly the
    samples the preview shows (written deterministically, so --resume sees the same bytes).
    """
    defaults = CleanOptions(mask_pii=loaded.clean.mask_pii)
    if loaded.clean == defaults:
        data = loaded.data
        return str(data.path), data.text_column, data.prompt_column if data.prompt_column else None
    folder = paths.data_dir() / "prepared"
    folder.mkdir(exist_ok=True)
    target = folder / f"{loaded.data.path.stem}-{loaded.data.sha256[:10]}-cleaned.jsonl"
    lines = [json.dumps({"text": s.text, **({"prompt": s.prompt} if s.prompt else {})}, ensure_ascii=False)
             for s in loaded.data.samples]
    content = "\n".join(lines) + "\n"
    if not target.is_file() or target.read_text(encoding="utf-8") != content:
        from engine.common import write_text
        write_text(target, content)
    return str(target), None, None

