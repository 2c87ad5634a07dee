"""`make screenshots`: render every page offscreen with real content to docs/screenshots/.

Trains a real model on the bundled prompt → copy sample (a few minutes on a CPU),
then writes with it, in English and in Chinese, and once with a dark palette.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m ui.screenshots docs/screenshots [--steps 300]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

CJK_FONTS = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
             "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf")


def _wait(signal, timeout_s: float = 1800) -> list:
    from PySide6.QtCore import QEventLoop, QTimer

    loop, got = QEventLoop(), []
    signal.connect(lambda *args: (got.extend(args), loop.quit()))
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()
    return got


def _settle(ms: int = 150) -> None:
    """Let layouts and repaints finish before grabbing."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def _use_cjk_font(app) -> None:
    from PySide6.QtGui import QFont, QFontDatabase

    for path in CJK_FONTS:
        if os.path.exists(path):
            families = QFontDatabase.applicationFontFamilies(QFontDatabase.addApplicationFont(path))
            sc = [f for f in families if f.endswith(" SC")] or families
            if sc:
                app.setFont(QFont(sc[0], 10))
                return
    print("warning: no Noto CJK font found; Chinese text may show as boxes", file=sys.stderr)


def _dark_palette():
    from PySide6.QtGui import QColor, QPalette

    p = QPalette()
    roles = {QPalette.ColorRole.Window: "#2b2d30", QPalette.ColorRole.WindowText: "#e6e6e6",
             QPalette.ColorRole.Base: "#1e1f22", QPalette.ColorRole.AlternateBase: "#34363a",
             QPalette.ColorRole.Text: "#e6e6e6", QPalette.ColorRole.Button: "#3a3c40",
             QPalette.ColorRole.ButtonText: "#e6e6e6", QPalette.ColorRole.Highlight: "#3d7bd9",
             QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.PlaceholderText: "#9a9da3",
             QPalette.ColorRole.ToolTipBase: "#34363a", QPalette.ColorRole.ToolTipText: "#e6e6e6"}
    for role, colour in roles.items():
        p.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7d82"))
    return p


def _seed_history(history, model: str) -> None:
    """A few past drafts, so the History page shows what a shop's history looks like:
    Chinese and English, several scenarios, one favorite and one with a quality flag."""
    from datetime import datetime, timedelta, timezone

    from engine.quality import CheckContext, check_variant
    from engine.writing import GenerateConfig, build_prompt

    now = datetime.now(timezone.utc)
    drafts = [  # (scenario, fields, prompt language, text, favorite, hours ago)
        ("title", {"product": "Bamboo fiber bath towel", "platform": "Amazon"}, "en",
         "Bamboo Fiber Bath Towel – Quick-Dry, Soft on Skin, 4 Colors", False, 70),
        ("review_reply", {"product": "竹纤维毛巾", "review": "毛巾很软，就是第一次洗有点掉毛"}, "zh",
         "谢谢亲的认可！新毛巾初次使用有少量浮毛属于正常现象，清水洗一两次就好啦，有问题随时找我们～", False, 52),
        ("social", {"product": "Soy wax candle", "selling_points": "white tea, 40-hour burn"}, "en",
         "Meet our soy wax candle: white tea and fig, 40 hours of calm in a jar. #QingheGoods", True, 30),
        ("slogan", {"product": "竹纤维毛巾", "selling_points": "吸水快"}, "zh", "全网最好的竹纤维毛巾，一擦就干！", False, 6),
        ("detail", {"product": "竹纤维毛巾", "selling_points": "吸水快、柔软亲肤、四色可选"}, "zh",
         "柔软亲肤的竹纤维毛巾，吸水快、不掉毛，四色可选，给全家温柔的触感。", True, 2),
    ]
    for seed, (scenario, fields, lang, text, favorite, hours) in enumerate(drafts, 11):
        prompt = build_prompt(scenario, fields, lang)
        flags = [f.to_dict() for f in check_variant(text, CheckContext(scenario=scenario))]
        run = history.add_run(model, prompt, GenerateConfig(prompt=prompt, temperature=0.6, top_k=40), seed,
                              [{"text": text, "flags": flags}], scenario=scenario, fields=fields,
                              created_at=now - timedelta(hours=hours))
        if favorite:
            history.set_favorite(history.get_run(run).variants[0].id)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="docs/screenshots")
    parser.add_argument("--steps", type=int, default=300, help="training steps for the model shown")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    home = tempfile.mkdtemp(prefix="wenan-shots-")
    os.environ["WENAN_HOME"] = home
    os.environ["WENAN_LANG"] = "en"
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QSettings
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, os.path.join(home, "settings"))
    from engine.common.paths import resources_dir
    from ui.app import create_application, create_window

    app = create_application([sys.argv[0]])
    _use_cjk_font(app)
    window = create_window()
    window.resize(1280, 820)
    window.show()
    _wait(window.state.device_changed)

    def shot(name: str, widget=None) -> None:
        _settle()
        (widget or window).grab().save(str(out / f"{name}.png"))
        print(out / f"{name}.png")

    shot("welcome")
    window.data_page.load(str(resources_dir() / "samples" / "shop_pairs.csv"))
    _wait(window.data_page.loaded)
    shot("data")

    result = _train(window, args.steps, shot)
    if result is None or result.cancelled:
        print("training failed; see the log", file=sys.stderr)
        return 1
    _write(window, result.name, shot)
    _library_and_history(window, result.name, shot)

    window.set_language("zh")
    window.show_page("write")
    shot("write_zh")
    window.show_page("train")
    shot("train_zh")
    window.set_language("en")

    app.setStyle("Fusion")
    app.setPalette(_dark_palette())
    window.show_page("write")
    shot("write_dark")
    window.close()
    return 0


def _train(window, steps: int, shot):
    """The Train page while the sample trains (at 60 %) and when it is done; the TrainResult."""
    window.show_page("train")
    page = window.train_page
    page.form.advanced_toggle.setChecked(True)
    page.form.set_max_steps(steps)
    page.form.name_edit.setText("qinghe-pairs")
    page.start()
    while page.is_running() and page.progress.value() < steps * 0.6:
        _wait(page.job.progress)
    shot("train")
    result = _wait(page.stopped)[0]
    if result is not None and not result.cancelled:
        window.banner.hide()
        shot("train_done")
    return result


def _write(window, model: str, shot) -> None:
    """The Write page with a detail-page request written, one variant starred."""
    window.state.write_with.emit(model)
    write = window.write_page
    write.form.set_scenario("detail")
    write.form.lang_combo.setCurrentIndex(write.form.lang_combo.findData("zh"))
    for key, value in {"product": "竹纤维毛巾", "selling_points": "吸水快、柔软亲肤、四色可选",
                       "audience": "年轻家庭", "tone": "温暖亲切"}.items():
        write.form.set_field(key, value)
    write.settings.preset_combo.setCurrentIndex(write.settings.preset_combo.findData("safe"))
    write.settings.length_spin.setValue(120)
    write.settings.seed_spin.setValue(7)
    write.generate()
    _wait(write.generation_finished)
    write.cards[0].favorite_button.setChecked(True)
    shot("write")


def _library_and_history(window, model: str, shot) -> None:
    """The library dialog, and the History page with a flagged draft selected."""
    dialog = window.open_library()
    dialog.resize(900, 520)
    shot("library", dialog)
    dialog.reject()
    _seed_history(window.state.history(), model)
    window.state.history_changed.emit()
    window.show_page("history")
    history_page = window.history_page
    flagged = [r for r in range(history_page.model.rowCount()) if history_page.model.row(r).text.startswith("全网最好")]
    history_page.table.selectRow(flagged[0] if flagged else 0)  # the detail then shows a quality flag
    shot("history")


if __name__ == "__main__":
    sys.exit(main())
