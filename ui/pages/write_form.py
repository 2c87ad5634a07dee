"""The Write page's request: a scenario with its fields, or opening words for plain-text models.

The prompt is built by engine.writing.scenarios.build_prompt, shown, and can be edited.
The facts box sits below both: what the seller can vouch for goes into the prompt (with a
scenario) and, for every model, backs the claims the drafts make (engine.quality.claims).
It is kept with each request in the history, not between sessions: one product's facts
must not vouch for the next product's drafts.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton,
                               QVBoxLayout, QWidget)

from engine.writing import FIELDS, SCENARIOS, build_prompt

from .. import i18n
from ..notice import hint

FACTS = "facts"


class PromptForm(QWidget):
    """Scenario, fields and the editable prompt; `prompt()` is what goes to the model."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._edited = False       # the user changed the prompt by hand: stop rebuilding it
        self._filling = False
        self._text_mode = False
        self._build()
        self.retranslate()
        self._on_scenario()

    def _build(self) -> None:
        self.scenario_combo = QComboBox()
        self.scenario_combo.setObjectName("scenarioCombo")
        for key in SCENARIOS:
            self.scenario_combo.addItem("", key)
        self.scenario_label = QLabel()
        self.scenario_label.setBuddy(self.scenario_combo)
        self.scenario_combo.currentIndexChanged.connect(lambda _: self._on_scenario())
        self.lang_combo = QComboBox()
        self.lang_combo.addItem("中文", "zh")
        self.lang_combo.addItem("English", "en")
        self.lang_combo.setCurrentIndex(0 if i18n.current() == "zh" else 1)
        self.lang_combo.currentIndexChanged.connect(lambda _: self._rebuild())
        self.lang_label = QLabel()
        self.lang_label.setBuddy(self.lang_combo)

        self.fields_form = QFormLayout()
        self.field_widgets: dict[str, QLineEdit | QPlainTextEdit] = {}
        self.field_labels: dict[str, QLabel] = {}
        for key in FIELDS:
            if key == FACTS:
                continue  # below the scenario form: plain-text models use it too
            if key == "review":
                widget = QPlainTextEdit()
                widget.setTabChangesFocus(True)  # Tab moves on, as in the one-line fields
                widget.setMaximumHeight(widget.fontMetrics().height() * 5)
                widget.textChanged.connect(self._rebuild)
            else:
                widget = QLineEdit()
                widget.textChanged.connect(lambda _: self._rebuild())
            widget.setObjectName(f"field_{key}")
            label = QLabel()
            label.setBuddy(widget)
            self.field_widgets[key], self.field_labels[key] = widget, label
            self.fields_form.addRow(label, widget)
        self.scenario_hint = hint()
        self.facts_edit = QPlainTextEdit()
        self.facts_edit.setObjectName(f"field_{FACTS}")
        self.facts_edit.setTabChangesFocus(True)
        self.facts_edit.setMaximumHeight(self.facts_edit.fontMetrics().height() * 4)
        self.facts_edit.textChanged.connect(self._rebuild)
        self.facts_label = QLabel()
        self.facts_label.setBuddy(self.facts_edit)
        self.field_widgets[FACTS], self.field_labels[FACTS] = self.facts_edit, self.facts_label

        self.prompt_label = QLabel()
        self.prompt_edit = QPlainTextEdit()
        self.prompt_edit.setObjectName("promptEdit")
        self.prompt_edit.setTabChangesFocus(True)
        self.prompt_edit.setMaximumHeight(self.prompt_edit.fontMetrics().height() * 7)
        self.prompt_edit.textChanged.connect(self._on_prompt_edited)
        self.prompt_label.setBuddy(self.prompt_edit)
        self.reset_button = QPushButton()
        self.reset_button.setEnabled(False)
        self.reset_button.clicked.connect(self.reset_prompt)
        self.text_hint = hint()
        self.text_hint.setObjectName("textModeHint")
        self.text_hint.hide()

        top = QFormLayout()
        top.addRow(self.scenario_label, self.scenario_combo)
        top.addRow(self.lang_label, self.lang_combo)
        prompt_row = QHBoxLayout()
        prompt_row.addWidget(self.prompt_label, 1)
        prompt_row.addWidget(self.reset_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.scenario_area = QWidget()
        area = QVBoxLayout(self.scenario_area)
        area.setContentsMargins(0, 0, 0, 0)
        area.addLayout(top)
        area.addWidget(self.scenario_hint)
        area.addLayout(self.fields_form)
        layout.addWidget(self.scenario_area)
        layout.addWidget(self.text_hint)
        layout.addWidget(self.facts_label)
        layout.addWidget(self.facts_edit)
        layout.addLayout(prompt_row)
        layout.addWidget(self.prompt_edit)

    def retranslate(self) -> None:
        lang = i18n.current()
        self.scenario_label.setText(self.tr("S&cenario:"))
        for i in range(self.scenario_combo.count()):
            spec = SCENARIOS[self.scenario_combo.itemData(i)]
            self.scenario_combo.setItemText(i, spec.zh if lang == "zh" else spec.en)
        self.lang_label.setText(self.tr("Prompt l&anguage:"))
        self.lang_combo.setToolTip(self.tr("Use the language of the prompts your model learned from"))
        placeholders = {
            "product": self.tr("e.g. bamboo fibre towel"),
            "review": self.tr("Paste the customer's real review here"),
            "selling_points": self.tr("e.g. soft, absorbs fast, four colours"),
            "audience": self.tr("e.g. young families"),
            "tone": self.tr("e.g. warm, lively, professional"),
            "platform": self.tr("e.g. Taobao, Xiaohongshu, Amazon"),
            "keywords": self.tr("Words the copy must contain"),
            FACTS: self.tr("e.g. 100% cotton, 500 ml, ¥99, ISO 9001 certified, made in Hangzhou"),
        }
        for key, (zh, en) in FIELDS.items():
            if key != FACTS:
                self.field_labels[key].setText((zh if lang == "zh" else en) + ("：" if lang == "zh" else ":"))
            self.field_widgets[key].setPlaceholderText(placeholders[key])
        self.facts_label.setText(self.tr("Facts yo&u can vouch for:"))
        self.facts_edit.setToolTip(self.tr("Materials, certificates, awards, prices, sizes and origins you can prove. "
                                           "The copy may use them; a figure, certificate, material or origin in a "
                                           "draft that is neither here nor in the form is flagged."))
        self.prompt_label.setText(self.tr("&Prompt (you can edit it):") if not self._text_mode
                                  else self.tr("&Opening words:"))
        self.reset_button.setText(self.tr("Rebuild from the fields"))
        self.reset_button.setToolTip(self.tr("Throw away your edits and build the prompt from the fields again"))
        self.text_hint.setText(self.tr("This model learned from plain copy without prompts, so it cannot follow "
                                       "a form. Type the first words of the copy you want (for example a product "
                                       "name); it writes on from there."))
        self._update_scenario_hint()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # ---- behaviour ----
    def scenario(self) -> str:
        return self.scenario_combo.currentData()

    def set_scenario(self, key: str) -> None:
        self.scenario_combo.setCurrentIndex(max(0, self.scenario_combo.findData(key)))

    def set_field(self, key: str, value: str) -> None:
        widget = self.field_widgets[key]
        widget.setPlainText(value) if isinstance(widget, QPlainTextEdit) else widget.setText(value)

    def fields(self) -> dict[str, str]:
        return {key: (w.toPlainText() if isinstance(w, QPlainTextEdit) else w.text())
                for key, w in self.field_widgets.items()}

    def set_text_mode(self, on: bool) -> None:
        """Plain-text models get a free "opening words" box instead of the scenario form."""
        if on == self._text_mode:
            return
        self._text_mode = on
        self.scenario_area.setVisible(not on)
        self.text_hint.setVisible(on)
        self.reset_button.setVisible(not on)
        self._set_prompt("")
        self._edited = on
        self.retranslate()
        if not on:
            self._rebuild()

    def is_text_mode(self) -> bool:
        return self._text_mode

    def prompt(self) -> str:
        return self.prompt_edit.toPlainText().strip()

    def set_prompt(self, text: str) -> None:
        self._set_prompt(text)
        self._edited = True
        self.reset_button.setEnabled(not self._text_mode)

    def request_scenario(self) -> str | None:
        """The scenario the prompt was written for; None for a plain-text model's opening words."""
        return None if self._text_mode else self.scenario()

    def request_fields(self) -> dict[str, str] | None:
        """The filled-in fields of the current scenario (hidden ones are left out); in text mode only
        the facts, or None without them."""
        if self._text_mode:
            facts = self.facts_edit.toPlainText().strip()
            return {FACTS: facts} if facts else None
        wanted = SCENARIOS[self.scenario()].fields
        return {key: value.strip() for key, value in self.fields().items() if key in wanted and value.strip()}

    def apply_request(self, scenario: str | None, fields: dict | None, prompt: str) -> None:
        """Show a past request again: its scenario and fields, and exactly its prompt."""
        self.set_field(FACTS, str((fields or {}).get(FACTS, "")))
        if not self._text_mode and scenario in SCENARIOS:
            self.reset_prompt()  # built from the fields again, unless the stored prompt differs
            self.set_scenario(scenario)
            for key in FIELDS:
                self.set_field(key, str((fields or {}).get(key, "")))
            # The prompt language is not stored: pick the one that builds the same prompt.
            for i in range(self.lang_combo.count()):
                if build_prompt(scenario, self.fields(), self.lang_combo.itemData(i)) == prompt:
                    self.lang_combo.setCurrentIndex(i)
                    break
        if self.prompt() != prompt:  # edited by hand, written without a form, or opening words
            self.set_prompt(prompt)

    def reset_prompt(self) -> None:
        self._edited = False
        self.reset_button.setEnabled(False)
        self._rebuild()

    def _on_scenario(self) -> None:
        wanted = SCENARIOS[self.scenario()].fields
        for key, widget in self.field_widgets.items():
            if key != FACTS:
                self.fields_form.setRowVisible(widget, key in wanted)
        self._update_scenario_hint()
        self._rebuild()

    def _update_scenario_hint(self) -> None:
        if self.scenario() == "review_reply":
            self.scenario_hint.setText(self.tr("Drafts the shop's reply to a real customer review. Wenan Studio "
                                               "never writes reviews: made-up reviews mislead buyers and are "
                                               "against the law."))
            self.scenario_hint.show()
        else:
            self.scenario_hint.hide()

    def _rebuild(self) -> None:
        if self._edited or self._text_mode:
            return
        self._set_prompt(build_prompt(self.scenario(), self.fields(), self.lang_combo.currentData()))
        self.changed.emit()

    def _set_prompt(self, text: str) -> None:
        self._filling = True
        self.prompt_edit.setPlainText(text)
        self._filling = False

    def _on_prompt_edited(self) -> None:
        if not self._filling and not self._text_mode:
            self._edited = True
            self.reset_button.setEnabled(True)
        self.changed.emit()
