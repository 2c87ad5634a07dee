"""Generation settings on the Write page: a preset, and the Advanced panel behind it."""
from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QLabel, QSpinBox, QToolButton, QWidget

from engine.writing import PRESETS, GenerateConfig

from ..settings import AppSettings

DEFAULTS = GenerateConfig(prompt="")
RANDOM_SEED = -1  # the seed box's "Random": 0 is a seed like any other


class GenerationSettings(QGroupBox):
    """Presets fill the sampling values; Advanced shows and overrides them."""

    def __init__(self, settings: AppSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.preset_combo = QComboBox()
        self.preset_combo.setObjectName("genPreset")
        for key in PRESETS:
            self.preset_combo.addItem("", key)
        self.preset_label = QLabel()
        self.preset_label.setBuddy(self.preset_combo)
        self.advanced_toggle = QToolButton(checkable=True, autoRaise=True)
        self.advanced_toggle.toggled.connect(self._toggle)
        self.advanced = QWidget()
        self.n_spin = QSpinBox(minimum=1, maximum=16, value=DEFAULTS.n)
        self.n_spin.setObjectName("variantCount")
        self.length_spin = QSpinBox(minimum=8, maximum=2048, singleStep=16, value=DEFAULTS.max_new_tokens)
        self.length_spin.setObjectName("maxNewTokens")
        self.temp_spin = QDoubleSpinBox(minimum=0, maximum=3, singleStep=0.05, decimals=2)
        self.top_p_spin = QDoubleSpinBox(minimum=0.01, maximum=1, singleStep=0.01, decimals=2)
        self.top_k_spin = QSpinBox(minimum=0, maximum=1000)
        self.rep_spin = QDoubleSpinBox(minimum=0.5, maximum=3, singleStep=0.05, decimals=2)
        self.seed_spin = QSpinBox(minimum=RANDOM_SEED, maximum=2**31 - 1, value=RANDOM_SEED)
        self.seed_spin.setObjectName("seed")
        adv = QFormLayout(self.advanced)
        adv.setContentsMargins(0, 0, 0, 0)
        self.labels = []
        for spin in (self.n_spin, self.length_spin, self.temp_spin, self.top_p_spin, self.top_k_spin,
                     self.rep_spin, self.seed_spin):
            label = QLabel()
            label.setBuddy(spin)
            self.labels.append(label)
            adv.addRow(label, spin)
        self.advanced.hide()
        form = QFormLayout(self)
        form.addRow(self.preset_label, self.preset_combo)
        form.addRow(self.advanced_toggle)
        form.addRow(self.advanced)
        self.preset_combo.currentIndexChanged.connect(lambda _: self.apply_preset(self.preset_combo.currentData()))
        self.preset_combo.setCurrentIndex(max(0, self.preset_combo.findData(settings.generation_preset)))
        self.apply_preset(self.preset_combo.currentData())
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(self.tr("Settings"))
        self.preset_label.setText(self.tr("St&yle:"))
        names = {"safe": self.tr("Safe: close to your own copy"), "balanced": self.tr("Balanced"),
                 "creative": self.tr("Creative: more surprising")}
        for i in range(self.preset_combo.count()):
            self.preset_combo.setItemText(i, names[self.preset_combo.itemData(i)])
        self._toggle(self.advanced_toggle.isChecked())
        texts = (self.tr("Var&iants:"), self.tr("Len&gth (tokens):"), self.tr("T&emperature:"), self.tr("Top-p:"),
                 self.tr("Top-&k:"), self.tr("&Repetition penalty:"), self.tr("See&d:"))
        for label, text in zip(self.labels, texts):
            label.setText(text)
        self.top_k_spin.setSpecialValueText(self.tr("Off"))
        self.seed_spin.setSpecialValueText(self.tr("Random"))
        self.temp_spin.setToolTip(self.tr("Higher is more varied, lower sticks to the most likely words"))
        self.top_p_spin.setToolTip(self.tr("Only sample from the most likely words that add up to this share"))
        self.top_k_spin.setToolTip(self.tr("Only sample from this many most likely words"))
        self.rep_spin.setToolTip(self.tr("Above 1 discourages repeating the same words"))
        self.seed_spin.setToolTip(self.tr("The same seed and settings give the same variants again"))
        self.length_spin.setToolTip(self.tr("The longest a variant may get, in tokens (about a character each "
                                            "for Chinese)"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _toggle(self, on: bool) -> None:
        self.advanced.setVisible(on)
        self.advanced_toggle.setText(self.tr("▾ Advanced") if on else self.tr("▸ Advanced"))

    def apply_preset(self, key: str) -> None:
        values = PRESETS[key]
        self.temp_spin.setValue(values["temperature"])
        self.top_p_spin.setValue(values["top_p"])
        self.top_k_spin.setValue(values["top_k"])
        self.rep_spin.setValue(values["repetition_penalty"])

    def config(self, prompt: str) -> GenerateConfig:
        seed = self.seed_spin.value()
        return GenerateConfig(prompt=prompt, n=self.n_spin.value(), max_new_tokens=self.length_spin.value(),
                              temperature=self.temp_spin.value(), top_p=self.top_p_spin.value(),
                              top_k=self.top_k_spin.value(), repetition_penalty=self.rep_spin.value(),
                              seed=None if seed == RANDOM_SEED else seed)

    def set_config(self, cfg: GenerateConfig) -> None:
        """Show a past request's values: its preset if they match one, and every value and the seed."""
        sampling = {key: getattr(cfg, key) for key in PRESETS["balanced"]}
        preset = next((key for key, values in PRESETS.items() if values == sampling), None)
        if preset is not None:
            self.preset_combo.setCurrentIndex(self.preset_combo.findData(preset))
        else:
            self.advanced_toggle.setChecked(True)  # values no preset has: show them
        for spin, value in ((self.n_spin, cfg.n), (self.length_spin, cfg.max_new_tokens),
                            (self.temp_spin, cfg.temperature), (self.top_p_spin, cfg.top_p),
                            (self.top_k_spin, cfg.top_k), (self.rep_spin, cfg.repetition_penalty),
                            (self.seed_spin, RANDOM_SEED if cfg.seed is None else cfg.seed)):
            spin.setValue(value)
