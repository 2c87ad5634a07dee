"""The Write page's facts box: claims a draft makes are flagged until the seller vouches for them.

Real tiny model, real engine checks, real SQLite history in the test's data folder.
"""
from __future__ import annotations

from conftest import write
from PySide6.QtWidgets import QApplication

from engine.history import History, default_path
from ui.i18n import LanguageManager

CLAIMS = "纯棉毛巾，售价¥99"


def edit(qtbot, page, text: str):
    """Type `text` into the top card and press Done: the page checks it again as it checked the drafts."""
    card = page.displayed_cards()[0]
    card.edit_button.click()
    card.editor.setPlainText(text)
    with qtbot.waitSignal(page.state.history_changed):
        card.edit_button.click()
    return card


def claim_flags(card) -> list[tuple[str, tuple[int, int]]]:
    return [(f.match, f.span) for f in card.flags() if f.check == "unsupported_claim"]


def test_filling_the_facts_box_makes_the_claim_flags_go(qtbot, page):
    form = page.form
    assert form.is_text_mode() and form.facts_edit.isVisible()  # plain-text models get the box too
    form.set_prompt("青禾")
    page.settings.n_spin.setValue(1)
    page.settings.length_spin.setValue(8)
    write(qtbot, page)

    card = edit(qtbot, page, CLAIMS)
    assert claim_flags(card) == [("纯棉", (0, 2)), ("¥99", (7, 10))]
    assert [s.cursor.selectedText() for s in card.editor.extraSelections()] == ["纯棉", "¥99"]
    assert "Unsupported claim ×2" in card.flag_view.badges.text()
    card.flag_view.details_toggle.click()
    assert 'The price "¥99" is not in the information you gave' in card.flag_view.details.text()
    languages = LanguageManager(QApplication.instance())
    try:
        languages.apply("zh")
        assert "价格“¥99”不在你提供的信息中" in card.flag_view.details.text()
        assert "无依据的宣称 ×2" in card.flag_view.badges.text()
        assert form.facts_label.text() == "可核实的事实(&U)："
    finally:
        languages.apply("en")

    form.facts_edit.setPlainText("材质：全棉\n价格 99 元")  # what the seller can vouch for
    write(qtbot, page)  # the facts go with the next request
    card = edit(qtbot, page, CLAIMS)
    assert claim_flags(card) == [] and card.editor.extraSelections() == []
    assert "Passed the quality checks" in card.flag_view.badges.text()

    run_id = page.state.history().search(limit=1)[0].run_id
    run = page.state.history().get_run(run_id)
    assert run.scenario is None and run.fields == {"facts": "材质：全棉\n价格 99 元"}
    page.state.close_history()
    with History(default_path()) as reopened:  # the edit's flags, as exports will read them
        [row] = reopened.get_variants([card.variant_id])
    assert row.edited_text == CLAIMS and not [f for f in row.flags if f["check"] == "unsupported_claim"]

    form.facts_edit.clear()
    write(qtbot, page, lambda: page.apply_rerun(page.state.history().rerun_request(run_id)))
    assert form.facts_edit.toPlainText() == "材质：全棉\n价格 99 元"  # a re-run brings its facts back


def test_with_a_scenario_the_facts_are_a_prompt_line_and_a_field(qtbot, page, wenan_home):
    import json

    from engine.models.card import CARD_FILE

    meta_file = wenan_home / "models" / "tiny" / CARD_FILE
    meta_file.write_text(json.dumps(dict(json.loads(meta_file.read_text(encoding="utf-8")), format="pairs")),
                         encoding="utf-8")
    page.refresh_models()
    form = page.form
    form.lang_combo.setCurrentIndex(form.lang_combo.findData("zh"))
    form.set_scenario("title")
    form.set_field("product", "竹纤维毛巾")
    form.facts_edit.setPlainText("100%竹纤维\n34×76厘米")
    assert form.prompt() == "场景：商品标题\n产品：竹纤维毛巾\n事实：100%竹纤维 34×76厘米"
    assert form.request_fields() == {"product": "竹纤维毛巾", "facts": "100%竹纤维\n34×76厘米"}
    form.set_scenario("review_reply")
    assert form.facts_edit.isVisible() and "事实：100%竹纤维" in form.prompt()  # every scenario has it
