"""What the Write page keeps in the shared history: each finished run, then the user's stars and edits."""
from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING, Callable, Sequence

from PySide6.QtCore import QObject, Signal

from engine.common import WenanError

from ..session import AppState
from ..variant_card import VariantCard

if TYPE_CHECKING:
    from engine.history import History, RerunRequest
    from engine.quality import Flag

    from ..tasks import CheckedDrafts

log = logging.getLogger(__name__)


class DraftKeeper(QObject):
    """Saves runs, stars and edits on the GUI thread (SQLite calls are fast) and announces each change;
    it shows nothing itself, so the page words every problem."""

    failed = Signal(object)     # the WenanError that kept the drafts out of the history
    recovered = Signal(object)  # the History that replaced a damaged file: its recovery_notice(lang) says so

    def __init__(self, state: AppState, parent: QObject | None = None):
        super().__init__(parent)
        self.state = state
        self._saved_to = None  # the history file the cards' variant ids belong to

    def save_run(self, request: RerunRequest, drafts: CheckedDrafts, cards: Sequence[VariantCard]) -> None:
        """Keep the run and its flags, cleanest first; each card learns its variant's id for later stars and edits."""
        result = drafts.result
        history = self._history() if result.variants else None
        if history is None:
            return
        params = dataclasses.asdict(request.config)
        if result.cancelled:
            params["stopped"] = True  # the texts end where the user stopped them (re-runs ignore this key)
        variants = [{"index": result.indices[k], "text": result.variants[k],
                     "flags": [f.to_dict() for f in drafts.flags[k]]} for k in drafts.order]
        try:
            run_id = history.add_run(request.model, request.config.prompt, params, result.seed, variants,
                                     scenario=request.scenario, fields=request.fields)
            self._saved_to = history.path
            for row in history.get_run(run_id).variants:
                card = cards[row.index]
                card.variant_id = row.id
                if card.is_favorite():  # starred while it was still being written
                    history.set_favorite(row.id, True)
        except WenanError as err:
            self._fail(err)
            return
        self.state.history_changed.emit()

    def set_favorite(self, card: VariantCard, on: bool) -> None:
        history = self._history() if card.variant_id is not None else None
        if history is not None:
            self._change(lambda: history.set_favorite(card.variant_id, on))

    def save_edit(self, card: VariantCard, text: str, flags: list[Flag] | None) -> None:
        """Keep the user's text beside the original; None leaves the stored flags as they are."""
        history = self._history() if card.variant_id is not None else None
        if history is not None:
            # the stored flags follow the text the user kept, so history and exports agree with the card
            stored = None if flags is None else [f.to_dict() for f in flags]
            self._change(lambda: history.edit_variant(card.variant_id, text, flags=stored))

    def follow(self, cards: Sequence[VariantCard]) -> None:
        """Show in the cards the stars and edits made elsewhere, e.g. on the History page.
        A variant deleted there keeps its card: an undo can bring it back."""
        ids = {card.variant_id: card for card in cards if card.variant_id is not None}
        if not ids:
            return
        from engine.quality import flags_from_dicts
        try:
            history = self.state.history()
            if history.path != self._saved_to:  # the data folder changed: these drafts are not in this one
                for card in ids.values():
                    card.variant_id = None
                return
            rows = history.get_variants(ids)
        except WenanError as err:
            log.warning("history: %s", err)  # the next save says it in words
            return
        for row in rows:
            ids[row.id].show_saved(row.text, row.favorite, flags_from_dicts(row.flags))

    def _change(self, change: Callable[[], None]) -> None:
        try:
            change()
        except WenanError as err:
            self._fail(err)
            return
        self.state.history_changed.emit()

    def _history(self) -> History | None:
        """The shared history, or None after announcing why it cannot be used."""
        try:
            history = self.state.history()
        except WenanError as err:
            self._fail(err)
            return None
        recovered = self.state.take_recovery_notice()
        if recovered is not None:
            self.recovered.emit(recovered)
        return history

    def _fail(self, err: WenanError) -> None:
        log.warning("history: %s", err)
        self.failed.emit(err)
