"""The Reviews page in the real window: open an export, read the ranked chart, click an aspect,
write from it, filter, export, bad files, and the page in Chinese."""
from __future__ import annotations

import sys
from pathlib import Path

import openpyxl
from conftest import LONG
from PySide6.QtCore import Qt

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from review_exports import taobao_csv  # noqa: E402


def _open(qtbot, window, path):
    page = window.reviews_page
    window.show_page("reviews")
    with qtbot.waitSignal(page.analysed, timeout=LONG):
        page.load(str(path))
    return page


def test_review_export_becomes_ranked_points_with_real_quotes(qtbot, window, tmp_path):
    path = taobao_csv(tmp_path / "评价.csv")
    page = _open(qtbot, window, path)
    assert window.current_page() == "reviews" and not page.problem.isVisible()
    insight = page.insight
    assert insight is not None and insight.aspects and "19 reviews" in page.file_label.text()
    assert page.options.combos["text"].currentData() == "评价内容"
    assert page.options.combos["rating"].currentData() == "评价类型"
    selling = [name for name, _ in page.selling_chart.items]
    assert selling == [a.title for a in insight.selling_points][:10]
    assert [n for _, n in page.pain_chart.items] == [a.negative for a in insight.pain_points][:10]
    assert page.table.rowCount() == len(insight.aspects)

    # click the top selling point's bar: its reviews show, verbatim, with their rows
    chart = page.selling_chart
    qtbot.mouseClick(chart.viewport(), Qt.MouseButton.LeftButton, pos=chart.bar_position(selling[0]))
    aspect = page.detail.aspect
    assert aspect is not None and aspect.title == selling[0]
    assert page.detail.review_list.count() == aspect.mentions
    texts = {r.row: r.text for r in insight.reviews}
    for i in range(page.detail.review_list.count()):
        review = page.detail.review_list.item(i).data(Qt.ItemDataRole.UserRole)
        assert review.text == texts[review.row] and review.text in page.detail.review_list.item(i).text()

    # tick a selling point and use it in a draft: the Write page gets the customers' phrase
    logistics = next(a for a in insight.selling_points if "物流" in a.terms)
    page.set_checked([logistics.name])
    page.draft_button.click()
    assert window.current_page() == "write"
    form = window.write_page.form
    assert form.scenario() == "detail"
    assert form.fields()["selling_points"] == logistics.positive_phrases[0].text

    # a pain point opens a reply to a real review that raises it
    window.show_page("reviews")
    pain = insight.pain_points[0]
    page.select_aspect(pain.title)
    review = page.detail.current_review()
    assert review is not None and review.index in [insight.reviews[k].index for k in pain.reviews]
    assert pain.polarities[list(pain.reviews).index(insight.reviews.index(review))] == -1  # criticism first
    page.detail.reply_button.click()
    assert window.current_page() == "write" and form.scenario() == "review_reply"
    assert form.fields()["review"] == review.text and form.fields()["product"] == review.product
    assert review.text in form.prompt()


def test_columns_filters_and_export(qtbot, window, tmp_path):
    page = _open(qtbot, window, taobao_csv(tmp_path / "评价.csv"))
    assert page.insight.rated
    rating = page.options.combos["rating"]
    rating.setCurrentIndex(rating.findData(""))
    with qtbot.waitSignal(page.analysed, timeout=LONG):
        rating.activated.emit(rating.currentIndex())
    assert not page.insight.rated and "own words" in page.file_label.text()

    products = page.options.product_filter
    assert products.count() == 3  # all, and the two shirts
    products.setCurrentIndex(products.findData("亚麻衬衫"))
    with qtbot.waitSignal(page.analysed, timeout=LONG):
        products.activated.emit(products.currentIndex())
    assert page.insight.reviews and {r.product for r in page.insight.reviews} == {"亚麻衬衫"}

    page.options.since_edit.setDate(page.options.until_edit.date())
    with qtbot.waitSignal(page.analysed, timeout=LONG):
        page.options.date_check.setChecked(True)
    assert all(r.date == page.options.until_edit.date().toPython() for r in page.insight.reviews)

    out = tmp_path / "insight.xlsx"
    job = page.export_to(str(out))
    with qtbot.waitSignal(job.finished, timeout=LONG):
        pass
    sheet = openpyxl.load_workbook(out).active
    assert sheet.cell(1, 3).value.startswith("aspect") and sheet.max_row == len(page.insight.aspects) + 1
    assert "Exported the insight" in page.file_label.text()


def test_bad_files_are_explained_inline_and_the_page_speaks_chinese(qtbot, window, tmp_path):
    binary = tmp_path / "评价.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    page = _open(qtbot, window, binary)
    assert page.problem.isVisible() and "looks like a binary file" in page.problem.text()
    assert page.insight is None and not page.export_button.isEnabled()

    numbers = tmp_path / "numbers.csv"
    numbers.write_text("订单编号,评分\n1,5\n2,4\n", encoding="utf-8")
    page = _open(qtbot, window, numbers)
    assert "holds the review text" in page.problem.text()

    window.set_language("zh")
    try:
        assert window.sidebar.item(4).text() == "口碑"
        assert page.title.text() == "口碑（Reviews）"
        assert "评价内容" in page.problem.text()
        assert page.options.columns_box.title() == "列"
    finally:
        window.set_language("en")
