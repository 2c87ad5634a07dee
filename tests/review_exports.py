"""Review exports written for these tests, shaped like the platforms' own: their column names,
rating styles, encodings and quirks (emoji, HTML entities, repeats, one-word reviews,
the "no review written" placeholders). Every review here is test data, not a customer's.
"""
from __future__ import annotations

import csv
import html
import re
from pathlib import Path

import openpyxl

# (text, stars) for a clothing shop; each line is one review.
TAOBAO_REVIEWS = [
    ("面料舒服透气，做工精细，物流很快，第二天就到了", 5),
    ("物流很快，但是做工太差，线头很多", 2),
    ("尺码偏大，建议拍小一码，面料还不错", 4),
    ("快递太慢了，等了一个星期，包装也破了", 1),
    ("颜色很正，没有色差，客服很耐心", 5),
    ("客服态度不好，问了半天不理人", 1),
    ("质量很好，性价比高，会回购的😊", 5),
    ("做工一般，有线头，面料有点薄", 3),
    ("很好", 5),
    ("好评", 5),
    ("此用户没有填写评价。", 5),
    ("面料很柔软&amp;舒服，穿着很舒服👍", 5),
    ("包装很严实，物流也快，质量不错", 5),
    ("尺码标准，颜色&#x597d;看，物流快", 5),
    ("质量不好，洗了一次就掉色", 1),
    ("物流很快，面料舒服透气，做工精细，第二天就到了", 5),
    ("面料舒服透气，做工精细，物流很快，第二天就到了", 5),  # a repeat, as buyers paste
    ("码数偏小，穿着有点紧", 2),
    ("没有色差，面料不起球，性价比高", 5),
    ("客服很热情，发货很快", 5),
]
TAOBAO_LABEL = {5: "好评", 4: "好评", 3: "中评", 2: "差评", 1: "差评"}
# Reviews without a rating: polarity from the words. English and Chinese mixed in one shop.
AMAZON_REVIEWS = [
    ("Great quality, the fabric is soft", "5.0 out of 5 stars"),
    ("Shipping was fast but the zipper broke after a week", "2.0 out of 5 stars"),
    ("Runs small, order a size up. The fabric is nice", "4.0 out of 5 stars"),
    ("The zipper is not sturdy", "1.0 out of 5 stars"),
    ("Fast shipping, great price", "5.0 out of 5 stars"),
    ("Customer service was not helpful", "1.0 out of 5 stars"),
    ("Love it! 😍", "5.0 out of 5 stars"),
    ("The fabric feels cheap &amp; thin", "2.0 out of 5 stars"),
]


def taobao_csv(path: Path, reviews=TAOBAO_REVIEWS, encoding: str = "utf-8-sig") -> Path:
    """A Taobao/Tmall seller-centre export: 评价类型 holds 好评/中评/差评."""
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["订单编号", "宝贝名称", "SKU信息", "评价类型", "评价内容", "评价时间", "追评内容", "买家昵称"])
        for i, (text, stars) in enumerate(reviews):
            w.writerow([f"3{i:011d}", "纯棉T恤" if i % 3 else "亚麻衬衫", "颜色分类:白色;尺码:L", TAOBAO_LABEL[stars],
                        text, f"2024-0{1 + i % 6}-{10 + i:02d} 10:{i:02d}:00", "", f"t**{i}"])
    return path


def jd_xlsx(path: Path, reviews=TAOBAO_REVIEWS) -> Path:
    """A JD export: 评分 holds 1-5, dates are real Excel dates."""
    import datetime as dt

    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["商品编号", "商品名称", "评价内容", "评分", "评价时间", "用户昵称", "是否有图"])
    for i, (text, stars) in enumerate(reviews):
        ws.append([100012345 + i % 2, "纯棉T恤", text, stars, dt.datetime(2024, 3, 1 + i, 9, 30), f"j***{i}", "否"])
    book.save(path)
    return path


def pinduoduo_gbk_csv(path: Path, reviews=TAOBAO_REVIEWS) -> Path:
    """A Pinduoduo export as Excel on a Chinese Windows saves it: GBK, "5星" ratings."""
    rows = [["订单号", "商品名称", "评价内容", "评价星级", "评价时间"]]
    for i, (text, stars) in enumerate(reviews):
        # GBK has no emoji and no &#x…; entities are plain text here; keep what GBK can hold
        text = "".join(ch for ch in text if ch.encode("gbk", "ignore"))
        rows.append([f"2401{i:06d}", "纯棉T恤", text, f"{stars}星", f"2024/5/{1 + i}"])
    with path.open("w", encoding="gbk", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def amazon_utf16_tsv(path: Path, reviews=AMAZON_REVIEWS) -> Path:
    """An Amazon review report saved by Excel as "Unicode text": UTF-16 with BOM, tab-separated."""
    lines = ["ASIN\tProduct Title\tRating\tReview Title\tReview Body\tReview Date"]
    for i, (text, rating) in enumerate(reviews):
        lines.append(f"B0C{i:07d}\tLinen Shirt\t{rating}\tReview {i}\t{text}\t"
                     f"Reviewed in the United States on May {i + 1}, 2024")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-16"))
    return path


def cell_text(raw: str) -> str:
    """What a reader of the file sees as the review: entities decoded (the export wrote "&amp;" for "&")."""
    return html.unescape(raw).strip()


def mentions_by_brute_force(texts: list[str], terms) -> int:
    """Reviews that contain any of the terms: Chinese as substrings, English as whole words."""
    def has(text: str, term: str) -> bool:
        if term.isascii():
            return re.search(rf"\b{re.escape(term)}\b", text, re.IGNORECASE) is not None
        return term in text
    return sum(any(has(t, term) for term in terms) for t in texts)
