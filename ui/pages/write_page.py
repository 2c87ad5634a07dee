"""Write (写文案): pick a model and a scenario; variants stream into cards, are checked, ranked and saved."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QEvent, QLocale, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QScrollArea, QSplitter, QVBoxLayout, QWidget

from engine.models import library

from .. import i18n, tasks
from ..engine_process import EngineStopped
from ..errors import error_text, show_error
from ..notice import InlineMessage, heading, hint
from ..session import AppState
from ..tasks import CheckedDrafts
from ..variant_card import VariantCard
from ..worker import Job
from .write_examples import ExamplesChooser
from .write_cards import CardColumn
from .write_form import PromptForm
from .write_models import ModelChoice
from .write_history import DraftKeeper
from .write_preload import ModelPreloader
from .write_settings import GenerationSettings
from .write_status import result_status

if TYPE_CHECKING:
    from engine.common import WenanError
    from engine.history import History, RerunRequest
    from engine.quality import CheckContext
    from engine.writing import GenerateConfig

log = logging.getLogger(__name__)


class WritePage(QWidget):
    """Runs engine.writing.generation.generate on a worker thread; Ctrl+Enter generates, Esc stops."""

    generation_finished = Signal(object)  # the GenerateResult, or None after an error

    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.job: Job | None = None
        self.request: RerunRequest | None = None  # the request being (or last) written
        self.last_result = None
        self._context: CheckContext | None = None  # how the last drafts were checked: edits are checked alike
        self._status_text: Callable[[], str] | None = None
        self._message_text: Callable[[], str] | None = None
        self.keeper = DraftKeeper(state, self)
        self.preloader = ModelPreloader(state, self, start=self._request_start)
        self.keeper.failed.connect(self._show_history_error)
        self.keeper.recovered.connect(self._show_recovery)
        self._build()
        self.retranslate()
        self.refresh_models()
        state.models_changed.connect(self.refresh_models)
        state.write_with.connect(self.select_model)
        state.rerun.connect(self.apply_rerun)
        state.draft_with.connect(self.draft_from)
        state.history_changed.connect(self._follow_history)

    def _build(self) -> None:
        self.title = heading()
        self.model_combo = QComboBox()
        self.model_combo.setObjectName("modelCombo")
        self.model_combo.setMinimumContentsLength(18)
        self.model_combo.currentIndexChanged.connect(lambda _: self._on_model())
        self.models = ModelChoice(self.model_combo, self)
        self.models.changed.connect(self._on_models_listed)
        self.examples = ExamplesChooser(self.state.settings)
        self.model_label = QLabel()
        self.model_label.setBuddy(self.model_combo)
        self.library_button = QPushButton()
        self.model_info = hint()
        self.message = InlineMessage("error", closable=True)
        self.message.setObjectName("writeMessage")
        self.message.closed.connect(self._clear_message)
        top = QHBoxLayout()
        top.addWidget(self.model_label)
        top.addWidget(self.model_combo, 1)
        top.addWidget(self.library_button)

        self.welcome = InlineMessage("info")
        self.welcome.setObjectName("welcome")
        self.sample_button = self.welcome.add_button(QPushButton())
        self.sample_button.clicked.connect(self._try_sample)

        self.form = PromptForm()
        self.settings = GenerationSettings(self.state.settings)
        self.generate_button = QPushButton()
        self.generate_button.setObjectName("generateButton")
        self.generate_button.clicked.connect(self.generate)
        self.stop_button = QPushButton()
        self.stop_button.clicked.connect(self.cancel)
        buttons = QHBoxLayout()
        buttons.addWidget(self.generate_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.form)
        left_layout.addWidget(self.settings)
        left_layout.addLayout(buttons)
        left_layout.addStretch(1)
        left_scroll = QScrollArea()
        left_scroll.setWidget(left)
        left_scroll.setWidgetResizable(True)
        left_scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        self.status = hint()
        self.status.setObjectName("writeStatus")
        self.column = CardColumn(self.keeper.set_favorite, self._on_edited)
        self.cards_hint = self.column.hint
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.status)
        right_layout.addWidget(self.column, 1)

        self.body = QSplitter()
        self.body.addWidget(left_scroll)
        self.body.addWidget(right)
        self.body.setStretchFactor(0, 2)
        self.body.setStretchFactor(1, 3)
        self.body.setChildrenCollapsible(False)
        self.body.setSizes([440, 620])
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(top)
        layout.addWidget(self.model_info)
        layout.addWidget(self.examples)
        layout.addWidget(self.message)
        layout.addWidget(self.welcome)
        layout.addWidget(self.body, 1)

        context = Qt.ShortcutContext.WidgetWithChildrenShortcut  # only while this page is shown
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.generate, context=context)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.cancel, context=context)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Write copy"))
        self.model_label.setText(self.tr("&Model:"))
        self.library_button.setText(self.tr("Model &library…"))
        self.library_button.setToolTip(self.tr("Rename, delete, import or export models (Ctrl+L)"))
        self.welcome.label.setText(self.tr("<b>Welcome to Wenan Studio!</b> You have no models yet. A model learns "
                                           "from your own copy on the Data and Train pages. To see how it works, "
                                           "start with the bundled sample shop: load it, train a few minutes, "
                                           "then come back here."))
        self.sample_button.setText(self.tr("Try the &sample"))
        self.generate_button.setText(self.tr("Ge&nerate"))
        self.generate_button.setToolTip(self.tr("Write the variants (Ctrl+Enter)"))
        self.stop_button.setText(self.tr("S&top"))
        self.stop_button.setToolTip(self.tr("Stop writing (Esc)"))
        self.cards_hint.setText(self.tr("Variants appear here as the model writes them. Every draft is labelled "
                                        "as AI-generated; check facts before you publish."))
        self._on_model()
        self._update_controls()
        if self._status_text is not None:
            self.status.setText(self._status_text())
        if self._message_text is not None:
            self.message.label.setText(self._message_text())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # ---- models ----
    def refresh_models(self) -> None:
        self.models.fill()

    def _on_models_listed(self) -> None:
        has_models = self.models.count() > 0
        self.welcome.setVisible(not has_models)
        self.body.setEnabled(has_models)
        self._on_model()
        self._update_controls()

    def select_model(self, name: str) -> None:
        self.refresh_models()
        self.model_combo.setCurrentIndex(max(0, self.model_combo.findData(name)))
        self.state.open_page.emit("write")

    def model_names(self) -> list[str]:
        return [self.model_combo.itemData(i) for i in range(self.model_combo.count())
                if self.model_combo.itemData(i) is not None]

    def _request_start(self) -> tuple:
        """(request, language) as the form is set before the prompt is written: how its prompt will begin."""
        return self.current_config(""), i18n.current()

    def _follow_history(self) -> None:
        self.keeper.follow(self.cards)  # stars and edits made on the History page

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.models.scan()
        self.preloader.want(self.model_combo.currentData())

    def _on_model(self) -> None:
        name = self.model_combo.currentData()
        if self.models.kind() == "base":
            self._on_base(name, self.models.entry())
            return
        if not name or not library.exists(name):
            self.model_info.setText("")
            self.examples.set_model(None, None)
            return
        if self.isVisible():
            self.preloader.want(name)
        card = library.get_model(name).card
        self.form.set_text_mode(card.is_text)
        self.examples.set_model(name, "scratch" if card.style == "scratch" else "library", card.data.file)
        val = card.metrics.val_loss
        kind = self.tr("learned from plain copy") if card.is_text else self.tr("learned from prompt → copy pairs")
        self.model_info.setText(self.tr("{kind}: {samples} samples of {file}; validation loss {val}").format(
            kind=kind, samples=card.data.samples or "?", file=card.data.file or "?",
            val=QLocale().toString(val, "f", 3) if val is not None else "–"))

    def _on_base(self, name: str, entry) -> None:
        """A pretrained chat model as found: it writes now, and says it has not learnt this shop yet.
        `entry` is None for a base named by a re-run before the page looked for any."""
        self.form.set_text_mode(False)
        self.examples.set_model(name, "base")
        self.model_info.setText(self.tr("A pretrained chat model found on this computer: it writes now, before any "
                                        "training, but it has not learnt your shop's voice. Show it your copy as "
                                        "examples, or train it on your copy on the Train page."))
        # a GGUF is converted the first time it writes, not while the user looks through the list
        if self.isVisible() and entry is not None and entry.facts.format != "gguf":
            self.preloader.want(name)

    def _try_sample(self) -> None:
        from engine.common.paths import sample_file
        self.state.open_page.emit("data")
        self.state.load_file.emit(str(sample_file()))

    # ---- generating ----
    def is_running(self) -> bool:
        return self.job is not None

    def _update_controls(self) -> None:
        running = self.is_running()
        self.generate_button.setEnabled(not running and self.model_combo.count() > 0)
        self.stop_button.setEnabled(running)
        self.model_combo.setEnabled(not running)

    def generate(self) -> None:
        """Write variants for the form's request with the chosen settings."""
        if self.is_running() or not self.model_combo.currentData():
            return
        from engine.history import RerunRequest

        prompt = self.form.prompt()
        if not prompt:
            self._show_status(lambda: self.tr("Write a prompt first (fill in a field or type opening words)."))
            return
        self._start(RerunRequest(self.model_combo.currentData(), self.current_config(prompt),
                                 self.form.request_scenario(), self.form.request_fields()))

    def current_config(self, prompt: str) -> GenerateConfig:
        """What the form, the settings and the examples row ask for, as one request."""
        from dataclasses import replace

        fields = self.form.request_fields() or {}
        return replace(self.settings.config(prompt), scenario=self.form.request_scenario(),
                       platform=fields.get("platform") or None, examples=self.examples.path() or None)

    def _start(self, request: RerunRequest) -> None:
        name, cfg = request.model, request.config
        device, threads = self.state.settings.device, self.state.settings.cpu_threads
        self._prepare_cards(cfg.n)
        self._clear_message()  # whatever it said was about the last drafts
        self.cards_hint.hide()
        self._show_status(lambda: self.tr("Loading the model and writing…"))

        self.job = Job(tasks.generate, args=(request, device, threads), name="generate", process="engine", parent=self)
        self.job.text.connect(self.column.add_text)
        self.job.returned.connect(self._on_result)
        self.job.failed.connect(self._on_failed)
        self.job.finished.connect(self._on_finished)
        self.request, self.last_result = request, None
        log.info("generating with %s: %s", name, cfg)
        self.job.start()
        self._update_controls()

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self._show_status(lambda: self.tr("Stopping…"))

    @property
    def cards(self) -> list[VariantCard]:
        """The cards in the order they streamed."""
        return self.column.cards

    def _prepare_cards(self, n: int) -> None:
        self.column.prepare(n)

    def displayed_cards(self) -> list[VariantCard]:
        """The cards top to bottom, as the user sees them."""
        return self.column.displayed()

    def _on_result(self, drafts: CheckedDrafts) -> None:
        result = self.last_result = drafts.result
        self._context = drafts.context
        finals = dict(zip(result.indices, result.variants))
        for i, card in enumerate(self.cards):
            card.finish(finals.get(i), duplicate=i not in finals)
        for k, index in enumerate(result.indices):
            self.cards[index].set_flags(drafts.flags[k])
        ranked = [result.indices[k] for k in drafts.order]
        self.column.arrange(ranked + [i for i in range(len(self.cards)) if i not in finals])  # dropped ones last
        self._show_status(lambda: result_status(result))
        self.keeper.save_run(self.request, drafts, self.cards)

    def _show_status(self, text: Callable[[], str]) -> None:
        """Kept as a function, so a language switch can redraw it."""
        self._status_text = text
        self.status.setText(text())

    def _on_failed(self, err: BaseException, details: str) -> None:
        if isinstance(err, EngineStopped):  # the window's banner says it once; a fresh engine is starting
            self._show_status(lambda: self.tr("Writing stopped: the engine process ended. Press Generate to try "
                                              "again."))
            return
        self._show_status(lambda: self.tr("Could not write: see the message."))
        show_error(self, err, details, self.tr("Writing stopped"))

    def _on_finished(self) -> None:
        job, self.job = self.job, None
        if job is not None:
            job.deleteLater()
        self._update_controls()
        self.generation_finished.emit(self.last_result)

    # ---- the history: edits, problems, re-run (saving is DraftKeeper's) ----
    def _on_edited(self, card: VariantCard, text: str) -> None:
        """Check the user's text again, and keep it in the history beside the original."""
        flags = None
        if self._context is not None:
            from engine.quality import check_variant
            flags = check_variant(text, self._context)
            card.set_flags(flags)
        self.keeper.save_edit(card, text, flags)

    def _show_recovery(self, history: History) -> None:
        self._show_message(lambda: history.recovery_notice(i18n.current()), "info")

    def _show_history_error(self, err: WenanError) -> None:
        self._show_message(lambda: self.tr("These drafts could not be kept in the history: {reason} They stay "
                                           "here until you write again; copy the ones you need.").format(
            reason=error_text(err)), "error")

    def _show_message(self, text: Callable[[], str], kind: str) -> None:
        """An inline message that a language switch can redraw."""
        self._message_text = text
        self.message.show_message(text(), kind)

    def _clear_message(self) -> None:
        self.message.hide()
        self._message_text = None

    def draft_from(self, scenario: str, fields: dict) -> None:
        """A request prepared elsewhere (the Reviews page's selling points, a real review to answer):
        the form is filled and shown; writing waits for the user."""
        self.form.reset_prompt()
        self.form.set_scenario(scenario)
        for key, value in fields.items():
            self.form.set_field(key, value)
        self.state.open_page.emit("write")

    def apply_rerun(self, request: RerunRequest) -> None:
        """Write a past request again: the same model, scenario, fields, prompt, settings and seed,
        so the model writes the same variants."""
        if self.is_running():
            self._show_message(lambda: self.tr("Stop the current writing first, then run the request again."),
                               "info")
            return
        self.refresh_models()
        index = self.model_combo.findData(request.model)
        if index < 0 and not library.is_model_name(request.model):
            index = self.models.include(request.model)  # a base, maybe not looked for yet: writing finds it
        if index < 0:
            self._show_message(lambda: self.tr("The model \"{name}\" is no longer in your library, so this request "
                                               "cannot be written again. Choose another model and write a new "
                                               "one.").format(name=request.model), "error")
            return
        self.model_combo.setCurrentIndex(index)
        self.form.apply_request(request.scenario, request.fields, request.config.prompt)
        self.settings.set_config(request.config)
        # The request itself, not the widgets: a value a box cannot show exactly is still used as stored.
        self._start(request)

