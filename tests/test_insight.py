"""Review insight on real files shaped like platform exports: counts against a brute-force
count, verbatim quotes, ratings driving polarity, segmentation, negation, hostile input."""
from __future__ import annotations

import csv
import re
import threading

import openpyxl
import pytest
from review_exports import (
    AMAZON_REVIEWS,
    TAOBAO_REVIEWS,
    amazon_utf16_tsv,
    cell_text,
    jd_xlsx,
    mentions_by_brute_force,
    pinduoduo_gbk_csv,
    taobao_csv,
)

from engine.common import DataFileError, ExportError
from engine.insight import (
    Review,
    analyze,
    export_insight,
    filter_reviews,
    open_reviews,
    parse_date,
    rating_value,
    read_reviews,
)
from engine.insight.segment import chinese_words


def _by_term(insight, term):
    found = [a for a in insight.aspects if term in a.terms]
    assert found, f"no aspect with {term!r}: {[a.terms for a in insight.aspects]}"
    return found[0]


def _check_counts_and_quotes(insight, file_texts: dict[int, str]):
    """Every count is a brute-force count; every quote is in its row's text, in the file."""
    texts = [r.text for r in insight.reviews]
    assert insight.aspects
    for a in insight.aspects:
        assert a.mentions == mentions_by_brute_force(texts, a.terms), a.name
        assert a.positive + a.negative <= a.mentions
        assert sorted(a.reviews) == [i for i, t in enumerate(texts)
                                     if mentions_by_brute_force([t], a.terms)], a.name
        assert a.positive == sum(p > 0 for p in a.polarities) and a.negative == sum(p < 0 for p in a.polarities)
        assert 1 <= len(a.examples) <= 3
        for ex in a.examples:
            review = next(r for r in insight.reviews if r.row == ex.row)
            assert ex.quote and ex.quote in review.text
            assert ex.quote in file_texts[ex.row], (ex.row, ex.quote)  # as the seller sees it in the file
            assert any(mentions_by_brute_force([ex.quote], [t]) for t in a.terms)


def _csv_texts(path, column, encoding="utf-8-sig") -> dict[int, str]:
    with path.open(encoding=encoding, newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {i + 2: cell_text(r[column]) for i, r in enumerate(rows)}  # row 1 is the header


def test_taobao_export_ranks_selling_and_pain_points(tmp_path):
    path = taobao_csv(tmp_path / "淘宝评价导出.csv")
    reviews = read_reviews(path)
    assert reviews.chosen.text == "评价内容" and reviews.chosen.rating == "评价类型"
    assert reviews.chosen.product == "宝贝名称" and reviews.chosen.date == "评价时间"
    assert reviews.rows == len(TAOBAO_REVIEWS) and reviews.placeholders == 1
    assert len(reviews.reviews) == len(TAOBAO_REVIEWS) - 1
    # HTML entities are decoded once: what the buyer typed
    assert any("柔软&舒服" in r.text for r in reviews.reviews) and any("颜色好看" in r.text for r in reviews.reviews)

    insight = analyze(reviews.reviews)
    assert insight.rated and not insight.cancelled
    _check_counts_and_quotes(insight, _csv_texts(path, "评价内容"))
    names = [a.name for a in insight.aspects]
    for term in ("物流", "面料", "做工", "客服", "尺码", "色差"):
        _by_term(insight, term)
    assert "物流" in _by_term(insight, "快递").terms  # 快递 and 物流 are one aspect
    assert len(names) == len(set(names))

    logistics = _by_term(insight, "物流")
    assert logistics in insight.selling_points and logistics.positive >= 5
    assert any("物流" in p.text and "快" in p.text for p in logistics.positive_phrases)
    workmanship = _by_term(insight, "做工")
    assert workmanship in insight.pain_points
    assert any(p.text in ("做工太差", "有线头", "线头很多") for p in workmanship.negative_phrases)
    assert any(p.text == "做工精细" for p in workmanship.positive_phrases)
    # ranked: selling points by praise, pain points by criticism
    assert [a.positive for a in insight.selling_points] == sorted((a.positive for a in insight.selling_points),
                                                                  reverse=True)
    assert [a.negative for a in insight.pain_points] == sorted((a.negative for a in insight.pain_points),
                                                               reverse=True)


def test_ratings_drive_polarity_and_words_decide_without_them(tmp_path):
    rows = [("面料一般般", 5)] * 3 + [("面料一般般", 1)] * 2 + [("物流很快，但是面料太差", 1)]
    path = taobao_csv(tmp_path / "rated.csv", rows)
    rated = analyze(read_reviews(path).reviews)
    fabric = _by_term(rated, "面料")
    assert (fabric.mentions, fabric.positive, fabric.negative) == (6, 3, 3)
    # a 1-star review that praises 物流 and blames 面料 keeps the praise where it was given
    assert _by_term(rated, "物流").positive == 1

    words = analyze(read_reviews(path, rating_column="").reviews)
    assert not words.rated
    fabric = _by_term(words, "面料")
    assert (fabric.positive, fabric.negative) == (0, 6)


def test_rating_styles_of_every_platform():
    assert rating_value("5") == (5.0, None) and rating_value("4星") == (4.0, 5.0)
    assert rating_value("4.0 out of 5 stars") == (4.0, 5.0) and rating_value("8/10") == (8.0, 10.0)
    assert rating_value("★★★☆☆") == (3.0, 5.0) and rating_value("差评") == -1 and rating_value("好评") == 1
    assert rating_value("中评") == 0 and rating_value("") is None and rating_value("物流很快") is None
    assert parse_date("2024-05-01 12:30:11").isoformat() == "2024-05-01"
    assert parse_date("2024年5月1日").isoformat() == parse_date("2024/5/1").isoformat() == "2024-05-01"
    assert parse_date("Reviewed in the United States on May 1, 2024").isoformat() == "2024-05-01"
    assert parse_date("13/05/2024").isoformat() == "2024-05-13" and parse_date("2024-02-30") is None


@pytest.mark.parametrize("maker", [jd_xlsx, pinduoduo_gbk_csv])
def test_jd_xlsx_and_pinduoduo_gbk_exports(tmp_path, maker):
    path = maker(tmp_path / ("jd.xlsx" if maker is jd_xlsx else "pdd.csv"))
    reviews = read_reviews(path)
    assert reviews.chosen.text == "评价内容" and reviews.chosen.rating in ("评分", "评价星级")
    assert reviews.chosen.date == "评价时间" and all(r.date is not None for r in reviews.reviews)
    assert {r.rated for r in reviews.reviews} == {1, 0, -1}
    if maker is jd_xlsx:
        book = openpyxl.load_workbook(path)
        file_texts = {r: cell_text(book.active.cell(r, 3).value) for r in range(2, book.active.max_row + 1)}
    else:
        assert reviews.encoding in ("gb18030", "gbk")
        file_texts = _csv_texts(path, "评价内容", encoding="gbk")
    _check_counts_and_quotes(analyze(reviews.reviews), file_texts)


@pytest.mark.parametrize("suffix", [".txt", ".tsv"])
def test_amazon_report_saved_as_unicode_text(tmp_path, suffix):
    path = amazon_utf16_tsv(tmp_path / f"amazon{suffix}")
    reviews = read_reviews(path)
    assert reviews.encoding == "utf-16" and reviews.chosen.text == "Review Body"
    assert reviews.chosen.rating == "Rating" and reviews.chosen.product == "Product Title"
    assert reviews.reviews[0].date.isoformat() == "2024-05-01"
    insight = analyze(reviews.reviews)
    texts = {r.row: r.text for r in reviews.reviews}
    _check_counts_and_quotes(insight, {row: cell_text(AMAZON_REVIEWS[row - 2][0]) for row in texts})
    fabric = _by_term(insight, "fabric")
    assert fabric.mentions == 3 and fabric.positive == 2 and fabric.negative == 1
    zipper = _by_term(insight, "zipper")
    assert zipper.negative == 2 and zipper in insight.pain_points
    # "fast but the zipper broke" has 2 stars, but praises the shipping: a mixed review keeps its words
    assert _by_term(insight, "shipping").polarities == (1, 1)


def test_chinese_is_segmented_by_jieba():
    # No punctuation or space separates 面料 from its opinion: only a segmenter finds the word.
    texts = ["这件面料舒服透气", "面料柔软亲肤还不贵", "那条裙子面料好闷"]
    assert all("面料" not in re.split(r"[\s，。,.!！]+", t) for t in texts)
    assert [w for w, _o in chinese_words(texts[0], 0, len(texts[0]))] == ["这件", "面料", "舒服", "透气"]
    insight = analyze([Review(i + 1, i, t) for i, t in enumerate(texts)])
    fabric = _by_term(insight, "面料")
    assert fabric.mentions == 3 and fabric.positive == 2 and fabric.negative == 1


def test_negation_and_clauses():
    texts = ["质量不好", "质量一点都不差", "没有色差", "色差很大", "物流快，包装差", "The zipper is not sturdy",
             "The zipper isn't bad"]
    insight = analyze([Review(i + 1, i, t) for i, t in enumerate(texts)])
    quality, colour = _by_term(insight, "质量"), _by_term(insight, "色差")
    assert quality.polarities == (-1, 1) and colour.polarities == (1, -1)
    assert _by_term(insight, "物流").polarities == (1,) and _by_term(insight, "包装").polarities == (-1,)
    assert _by_term(insight, "zipper").polarities == (-1, 1)
    assert {p.text for p in quality.negative_phrases} == {"质量不好"}
    assert {p.text for p in _by_term(insight, "zipper").negative_phrases} == {"zipper not sturdy"}


def test_product_and_date_filters(tmp_path):
    reviews = read_reviews(taobao_csv(tmp_path / "r.csv"))
    assert reviews.products()[0] == "纯棉T恤"
    shirts = filter_reviews(reviews.reviews, product="亚麻衬衫")
    assert shirts and all(r.product == "亚麻衬衫" for r in shirts)
    first, last = reviews.date_range()
    spring = filter_reviews(reviews.reviews, since=first, until=first.replace(month=2, day=28))
    assert spring and all(first <= r.date <= first.replace(month=2, day=28) for r in spring)
    assert analyze(shirts).reviews == shirts


def test_progress_is_streamed_and_cancel_stops(tmp_path):
    reviews = read_reviews(taobao_csv(tmp_path / "r.csv")).reviews * 30
    events = []
    insight = analyze(reviews, on_event=events.append)
    phases = [e.phase for e in events]
    assert phases[-1] == "done" and events[-1].done == events[-1].total == len(reviews)
    assert phases.index("reading") < phases.index("counting") and insight.aspects
    cancel = threading.Event()
    cancel.set()
    stopped = analyze(reviews, cancel=cancel)
    assert stopped.cancelled and not stopped.aspects


def test_export_keeps_quotes_and_defuses_formulas(tmp_path):
    rows = [("=HYPERLINK(\"http://x\")物流很快", 5), ("+物流很慢", 1), ("-面料很好", 5), ("@面料太薄", 1)]
    insight = analyze(read_reviews(taobao_csv(tmp_path / "evil.csv", rows)).reviews)
    out = export_insight(insight, tmp_path / "insight.csv")
    text = out.read_text(encoding="utf-8-sig")
    table = list(csv.reader(text.splitlines()))
    assert table[0][2].startswith("aspect") and len(table) == len(insight.aspects) + 1
    quotes = [cell for row in table[1:] for cell in row[12:] if "物流" in cell or "面料" in cell]
    assert quotes and all(not q.startswith(("=", "+", "-", "@")) for q in quotes)
    assert any(q.startswith("'=HYPERLINK") for q in quotes)

    xlsx = export_insight(insight, tmp_path / "insight.xlsx")
    sheet = openpyxl.load_workbook(xlsx).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value]
    assert all(c.data_type == "s" for c in cells)  # text, never a formula
    assert any(str(c.value).startswith("=HYPERLINK") for c in cells)
    with pytest.raises(ExportError):
        export_insight(insight, tmp_path / "insight.md")
    assert not (tmp_path / "insight.md").exists()


def test_hostile_and_odd_inputs(tmp_path):
    one = tmp_path / "one.csv"
    one.write_text("评价内容,评分\n面料很舒服,5\n", encoding="utf-8")
    insight = analyze(read_reviews(one).reviews)
    assert [a.name for a in insight.aspects] == ["面料"] and insight.aspects[0].examples[0].row == 2

    numbers = tmp_path / "numbers.csv"
    numbers.write_text("订单编号,评分\n1001,5\n1002,4\n", encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        read_reviews(numbers)
    assert err.value.key == "no_review_column" and "--text-column" in str(err.value)

    binary = tmp_path / "reviews.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    with pytest.raises(DataFileError) as err:
        read_reviews(binary)
    assert err.value.key == "file_binary"
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(DataFileError) as err:
        read_reviews(empty)
    assert err.value.key == "file_empty"
    with pytest.raises(DataFileError) as err:
        read_reviews(one, rating_column="评价内容")
    assert err.value.key == "rating_column_bad"

    huge = tmp_path / "huge.csv"
    body = "物流很快" + "很好" * 100_000 + "面料太差" + "啊" * 50_000
    huge.write_text(f"评价内容\n{body}\n面料还可以\n", encoding="utf-8")
    insight = analyze(read_reviews(huge).reviews)
    for a in insight.aspects:
        for ex in a.examples:
            assert len(ex.quote) <= 80 and ex.quote in body + "面料还可以"

    lines = tmp_path / "reviews.txt"
    lines.write_text("物流很快\n\n做工一般，线头很多\n系统默认好评\n物流太慢\n", encoding="utf-8")
    reviews = read_reviews(lines)
    assert [r.row for r in reviews.reviews] == [1, 3, 5] and reviews.placeholders == 1
    with pytest.raises(DataFileError):
        read_reviews(lines, text_column="评价内容")


def test_very_short_and_repeated_reviews_count_as_they_are(tmp_path):
    rows = [("好", 5), ("👍", 5), ("物流快", 5)] * 5 + [("物流快", 1)]
    reviews = read_reviews(taobao_csv(tmp_path / "short.csv", rows))
    assert len(reviews.reviews) == 16
    logistics = _by_term(analyze(reviews.reviews), "物流")
    assert (logistics.mentions, logistics.positive, logistics.negative) == (6, 5, 1)
    assert len({ex.quote for ex in logistics.examples}) == len(logistics.examples)  # distinct quotes


def test_open_reviews_reads_once_for_any_columns(tmp_path):
    path = taobao_csv(tmp_path / "r.csv")
    source = open_reviews(path)
    path.unlink()  # the columns can change without the file
    again = source.reviews(rating_column="", product_column="", date_column="")
    assert again.chosen.rating is None and all(r.rated is None and r.product == "" for r in again.reviews)
    with pytest.raises(DataFileError) as err:
        source.reviews(text_column="评价")
    assert err.value.key == "column_missing"
