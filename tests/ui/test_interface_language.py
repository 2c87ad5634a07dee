"""Every line a user can read follows the interface language: a walk over the Chinese window.

A real session first (the sample loaded, a short real training, real generation, the history),
started in English and switched to Chinese, as in docs/screenshots/train_zh.png; then each
page, menu and dialog is read the way a user sees it: labels, buttons, tooltips, placeholders,
list and combo items, table headers, window titles, the training log and status lines. A line
with English words and no Chinese, once proper names, units, file names and the user's own
data are set aside, is a string that was not translated.
"""
from __future__ import annotations

import html
import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QPlainTextEdit,
    QProgressBar,
    QTabBar,
    QTextEdit,
    QWidget,
)

from engine.common import DataFileError
from ui.errors import show_error

LONG = 120_000
CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
# Names that stay as they are in a Chinese interface: products, formats, units, keys, tools.
PROPER_NAMES = ("Wenan Studio", "AI-generated", "Hugging Face", "LM Studio", "Qt / PySide6", "LoRA", "CPU", "GPU",
                "CUDA", "NVIDIA", "MPS", "AI", "CSV", "XLSX", "TXT", "JSONL", "JSON", "UTF-8", "Excel", "Markdown",
                "safetensors", "GGUF", "Ollama", "Python", "PySide6", "Qt", "torch", "transformers", "peft",
                "Ctrl", "Shift", "Alt", "Enter", "Return", "Esc", "Del", "Tab", "PgUp", "PgDown", "Taobao", "JD",
                "Pinduoduo", "Shopify", "Amazon", "SEO", "ID", "OK",
                "English")  # a language's own name, in the language list
FILE_OR_PATH = re.compile(r"\S*[/\\]\S*|\b[\w.-]+\.(?:txt|csv|tsv|xlsx|xls|jsonl|json|md|zip|log|safetensors|gguf)\b",
                          re.IGNORECASE)


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def untranslated(text: str, user_values: set[str]) -> bool:
    """English words left once markup, mnemonics, the user's data and proper names are removed,
    and no Chinese at all. A shortened piece of the user's data ("…") is the user's data too."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = re.sub(r"\(&\w\)|&(?=\w)", "", text)
    piece = _squeeze(text).rstrip("…").strip()
    if piece and any(piece in _squeeze(value) for value in user_values):
        return False
    for value in sorted(user_values, key=len, reverse=True):
        text = text.replace(value, " ")
    text = FILE_OR_PATH.sub(" ", text)
    for name in PROPER_NAMES:
        text = re.sub(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])", " ", text)
    return bool(ENGLISH_WORD.search(text)) and not CHINESE.search(text)


def _widget_texts(widget: QWidget) -> list[str]:
    texts = [widget.toolTip(), widget.statusTip(), widget.whatsThis(), widget.accessibleName()]
    if widget.isWindow():
        texts.append(widget.windowTitle())
    if isinstance(widget, QLabel):
        texts.append(widget.text())
    elif isinstance(widget, QAbstractButton):
        texts.append(widget.text())
    elif isinstance(widget, QGroupBox):
        texts.append(widget.title())
    elif isinstance(widget, QLineEdit):
        texts.append(widget.placeholderText())  # its text is the user's
    elif isinstance(widget, QPlainTextEdit):
        texts.append(widget.placeholderText())
        if widget.objectName() == "trainLog":  # the one plain text box the app writes itself
            texts += widget.toPlainText().splitlines()
    elif isinstance(widget, QTextEdit):
        texts.append(widget.placeholderText())
        if widget.isReadOnly():  # rich text the app writes (details, help)
            texts += widget.toPlainText().splitlines()
    elif isinstance(widget, QComboBox):
        texts += [widget.itemText(i) for i in range(widget.count())] + [widget.placeholderText()]
        texts += [widget.itemData(i, Qt.ItemDataRole.ToolTipRole) or "" for i in range(widget.count())]
    elif isinstance(widget, QAbstractSpinBox):
        texts += [widget.specialValueText(), getattr(widget, "suffix", lambda: "")(),
                  getattr(widget, "prefix", lambda: "")()]
    elif isinstance(widget, QProgressBar):
        texts.append(widget.text())
    elif isinstance(widget, QTabBar):
        texts += [widget.tabText(i) for i in range(widget.count())]
    if isinstance(widget, QListWidget):
        texts += [t for i in range(widget.count()) for t in (widget.item(i).text(), widget.item(i).toolTip())]
    elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
        model = widget.model()
        roles = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
        texts += [model.headerData(section, Qt.Orientation.Horizontal, role)
                  for section in range(model.columnCount()) for role in roles]
        if widget.objectName() != "previewTable":  # that one shows the user's own file
            texts += [model.index(row, column).data(role) for row in range(min(model.rowCount(), 50))
                      for column in range(model.columnCount()) for role in roles]
    return [t for t in texts if isinstance(t, str) and t.strip()]


def _menu_texts(menu: QMenu) -> list[str]:
    texts = [menu.title()]
    for action in menu.actions():
        texts += [action.text(), action.toolTip() if action.toolTip() != action.text().replace("&", "") else ""]
        if action.menu() is not None:
            texts += _menu_texts(action.menu())
    return [t for t in texts if t]


def readable_texts(top: QWidget) -> list[tuple[str, str]]:
    """(where, text) for everything a user can read in `top` now: only widgets on screen."""
    found = []
    for widget in [top, *top.findChildren(QWidget)]:
        if widget.isVisible():
            where = f"{type(widget).__name__}#{widget.objectName() or '?'}"
            found += [(where, text) for text in _widget_texts(widget)]
    if hasattr(top, "menuBar"):
        for action in top.menuBar().actions():
            if action.menu() is not None:
                found += [("menu", text) for text in _menu_texts(action.menu())]
    return found


def check(top: QWidget, user_values: set[str], where: str) -> list[str]:
    QApplication.processEvents()
    return [f"{where} {widget}: {text!r}" for widget, text in readable_texts(top)
            if untranslated(text, user_values)]


def test_untranslated_finder_finds_english_and_spares_names():
    user = {"qinghe-pairs", "/tmp/x/shop_pairs.csv"}
    assert untranslated("Training “qinghe-pairs” on /tmp/x/shop_pairs.csv.", user)
    assert untranslated("Step 30/300: training loss 6.149, validation loss 6.264", user)
    assert not untranslated("在 /tmp/x/shop_pairs.csv 上训练“qinghe-pairs”。", user)
    assert not untranslated("设备：CPU，2 个核心中的 1 个；方法：LoRA。", user)
    assert not untranslated("文件(&F)", user) and not untranslated("qinghe-pairs", user)
    assert not untranslated("<b>shop_pairs.csv</b> · 8,299 · Ctrl+Enter", user)
    assert untranslated("&Start training", user)


def _session(qtbot, window, driver, ui_model) -> set[str]:
    """The sample loaded, a short real training, and real drafts; returns the user's own values."""
    driver.load()
    driver.start_training(max_steps=4)
    result = driver.wait_training()
    assert result is not None and not result.cancelled
    write = window.write_page
    window.state.write_with.emit(result.name)
    write.form.set_prompt("青禾竹纤维毛巾")
    write.settings.n_spin.setValue(2)
    write.settings.length_spin.setValue(16)
    with qtbot.waitSignal(write.generation_finished, timeout=LONG) as done:
        write.generate_button.click()
    assert done.args[0] is not None
    window.state.history_changed.emit()
    data = window.state.data
    values = {result.name, ui_model, data.name, str(data.data.path), str(result.path), done.args[0].device,
              *done.args[0].variants, window.train_page.form.name()}
    return {value for value in values if value}


def _walk(qtbot, window, user_values: set[str], label: str) -> list[str]:
    problems = []
    for key in ("data", "train", "write", "history"):
        window.show_page(key)
        qtbot.wait(50)
        problems += check(window, user_values, f"[{label}, {key} page]")
    for open_dialog in (window.open_library, window.open_settings, window.open_batch):
        dialog = open_dialog()
        qtbot.waitExposed(dialog)
        problems += check(dialog, user_values, f"[{label}, {type(dialog).__name__}]")
        dialog.reject()
    window.open_about()
    about = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "aboutDialog" and w.isVisible())
    problems += check(about, user_values, f"[{label}, about]")
    about.close()
    for err in (DataFileError("xls_old", path="/tmp/old.xls"), MemoryError(), RuntimeError("boom"),
                PermissionError(13, "Permission denied", "/tmp/locked.csv")):
        box = show_error(window, err, details="Traceback (most recent call last): …")
        problems += [p for p in check(box, user_values | {"Permission denied", "boom"}, f"[{label}, error box]")
                     if "Traceback" not in p]  # the details are for a bug report, not translated
        box.close()
    return problems


def test_the_chinese_window_has_no_english_left(qtbot, window, driver, ui_model):
    # Trained and written in English first, then switched: what was logged must follow.
    user_values = _session(qtbot, window, driver, ui_model)
    window.set_language("zh")
    assert window.sidebar.item(0).text() == "数据"
    problems = _walk(qtbot, window, user_values, "switched to zh")
    log = window.train_page.view.log_lines()
    assert log and all(not untranslated(line, user_values) for line in log), log

    # Then a second training and more drafts with the Chinese window, read again.
    user_values |= _session(qtbot, window, driver, ui_model)
    problems += _walk(qtbot, window, user_values, "used in zh")
    window.set_language("en")
    assert not problems, "untranslated in the Chinese window:\n" + "\n".join(dict.fromkeys(problems))


def test_a_dropped_variants_note_follows_a_language_switch(qtbot):
    from PySide6.QtWidgets import QApplication

    from ui.i18n import LanguageManager
    from ui.variant_card import VariantCard

    card = VariantCard(2)
    qtbot.addWidget(card)
    card.append("青禾竹纤维毛巾")
    card.finish(None, duplicate=True)  # the engine dropped it: the same text as another variant
    assert card.note.text() == "The same as another variant."
    languages = LanguageManager(QApplication.instance())
    try:
        languages.apply("zh")
        assert card.note.text() == "与另一条候选相同。"
    finally:
        languages.apply("en")
    assert card.note.text() == "The same as another variant."
