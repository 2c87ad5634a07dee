"""History: every draft kept in one SQLite file (WAL), searchable in Chinese and English,
with undoable deletes, and exported to CSV, XLSX, Markdown or text with the AI label.

`store` is the API; `schema` opens, vets and migrates the file; `query` builds searches;
`export` writes files (`engine.history.export.export`).
"""
from ..common.errors import HistoryError, HistoryNewerError
from .export import AI_LABEL, COLUMNS, FORMATS, rows_for_scope
from .query import RunRecord, VariantRow
from .store import History, RerunRequest, UndoToken, default_path

__all__ = ["AI_LABEL", "COLUMNS", "FORMATS", "History", "HistoryError", "HistoryNewerError", "RerunRequest",
           "RunRecord", "UndoToken", "VariantRow", "default_path", "rows_for_scope"]
