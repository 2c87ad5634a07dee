"""Write now, train later: the Write page lists the chat models found on this computer, writes with
one before any training, shows it the seller's own copy as examples, and says which kind wrote."""
from __future__ import annotations

from base_stores import hf_cache
from PySide6.QtCore import QSettings

from ui.pages.write_examples import ExamplesChooser
from ui.settings import AppSettings

LONG = 120_000
REPO = "Qwen/Qwen2.5-Tiny-Instruct"
SHOP = ["青禾竹纤维毛巾，柔软吸水，洗脸擦手都舒服。", "青禾保温杯，早上倒的热水下午还是热的。",
        "青禾竹纤维毛巾三条装，全家一人一条。"]


def _written(qtbot, page):
    with qtbot.waitSignal(page.generation_finished, timeout=LONG) as done:
        page.generate_button.click()
    assert done.args[0] is not None, page.status.text()
    return done.args[0]


def test_a_chat_base_writes_before_any_training_with_the_sellers_copy(qtbot, window, user_home, qwen2_base,
                                                                      dialogs, tmp_path):
    hf_cache(user_home / ".cache" / "huggingface" / "hub", REPO, qwen2_base)
    page = window.write_page
    assert not page.models.scanned and not page.models.is_scanning()  # nothing is looked for at start-up
    window.show_page("write")
    qtbot.waitUntil(lambda: page.models.scanned, timeout=LONG)
    assert page.model_names() == [REPO]
    heading = page.model_combo.itemText(0)
    assert heading.startswith("— Pretrained chat models") and not page.model_combo.model().item(0).isEnabled()
    assert page.model_combo.currentData() == REPO and "Hugging Face" in page.model_combo.currentText()
    assert not page.welcome.isVisible() and page.generate_button.isEnabled()
    assert "has not learnt your shop's voice" in page.model_info.text()
    assert "No examples" in page.examples.label.text() and page.examples.isVisible()

    shop = tmp_path / "我的文案.txt"
    shop.write_text("\n".join(SHOP), encoding="gb18030")
    dialogs.files.append(str(shop))
    page.examples.choose_button.click()
    assert page.examples.label.text() == "Examples: the pieces of 我的文案.txt closest to each request."

    page.form.set_scenario("title")
    page.form.set_field("product", "竹纤维毛巾")
    page.form.set_field("platform", "淘宝")
    page.settings.n_spin.setValue(2)
    page.settings.length_spin.setValue(8)
    result = _written(qtbot, page)
    assert result.drafted_by == "base" and result.chat
    # as many of the closest as the tiny model's 512 positions leave room for: a towel first
    assert result.examples_used and result.examples_used[0] in (SHOP[0], SHOP[2])
    assert set(result.examples_used) <= set(SHOP)
    status = page.status.text()
    assert "by a pretrained model, not trained on your copy" in status
    assert f"shown {len(result.examples_used)} of your pieces from 我的文案.txt" in status

    run = page.state.history().get_run(page.state.history().search(limit=1)[0].run_id)
    request = page.state.history().rerun_request(run.id)
    assert request.model == REPO and request.config.examples == str(shop)
    assert request.config.scenario == "title" and request.config.platform == "淘宝"

    # the file is remembered for this base, and for this base only
    again = ExamplesChooser(AppSettings(QSettings(page.state.settings.store.fileName(), QSettings.Format.IniFormat)))
    qtbot.addWidget(again)
    again.set_model(REPO, "base")
    assert again.path() == str(shop)
    again.set_model("another-model", "base")
    assert again.path() == ""


def test_a_chosen_examples_file_that_went_away_says_so(qtbot, tmp_path):
    settings = AppSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    chooser = ExamplesChooser(settings)
    qtbot.addWidget(chooser)
    shop = tmp_path / "copy.csv"
    shop.write_text("text\n青禾竹纤维毛巾，柔软吸水。\n", encoding="utf-8")
    chooser.set_model("qwen2.5:0.5b", "base")
    chooser.set_path(str(shop))
    assert chooser.path() == str(shop) and chooser.clear_button.isVisibleTo(chooser)
    shop.unlink()
    chooser.set_model("qwen2.5:0.5b", "base")
    assert chooser.path() == "" and "no longer there" in chooser.label.text()
    chooser.clear_button.click()
    assert "No examples" in chooser.label.text() and not chooser.clear_button.isVisibleTo(chooser)
    chooser.set_model("tiny", "library", "shop_pairs.csv")
    assert "its training file shop_pairs.csv" in chooser.label.text()
    chooser.set_model("tiny", "scratch", "shop_copy.txt")
    assert chooser.isHidden()  # scratch models have no room for examples


def test_the_train_page_says_what_each_start_will_give(qtbot, window, ui_model):
    page = window.train_page
    window.show_page("train")
    page.form.scratch_radio.setChecked(True)
    assert "rough drafts" in page.expect.text() and "pretrained model" in page.expect.text()
    page.form.folder_radio.setChecked(True)
    assert "already writes fluently" in page.expect.text()
    page.form.refresh_library()
    page.form.library_radio.setChecked(True)  # the library's "tiny" was itself learnt from scratch
    assert page.form.base_value() == ui_model and "rough drafts" in page.expect.text()


def test_a_re_run_of_a_base_from_the_history_works_before_the_write_page_was_seen(qtbot, window, user_home,
                                                                                 qwen2_base):
    from engine.history import RerunRequest
    from engine.writing import GenerateConfig

    hf_cache(user_home / ".cache" / "huggingface" / "hub", REPO, qwen2_base)
    page = window.write_page
    assert not page.models.scanned  # the History page is where the user is
    request = RerunRequest(REPO, GenerateConfig(prompt="产品：竹纤维毛巾", n=1, max_new_tokens=4, seed=5), None, None)
    with qtbot.waitSignal(page.generation_finished, timeout=LONG) as done:
        window.state.rerun.emit(request)
    assert done.args[0] is not None and done.args[0].drafted_by == "base", page.status.text()
    assert page.model_combo.currentData() == REPO and not page.message.isVisible()
    window.show_page("write")
    qtbot.waitUntil(lambda: page.models.scanned, timeout=LONG)
    assert page.model_names() == [REPO] and page.model_combo.currentData() == REPO  # listed once
