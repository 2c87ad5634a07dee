"""Review exports in: the columns of a platform's export, ratings and dates read as the platforms write them.

A file is read once by `engine.data.open_data` (same checks, encodings and errors as the
Data page); `ReviewFile.reviews(...)` then picks the text, rating, product and date columns
(guessed from Taobao/Tmall, JD, Pinduoduo and Amazon header names when not given) as often
as the user changes them, without reading the file again.

A review's `row` is where a seller finds it: the spreadsheet row (the header is row 1, so
the first review is row 2) for .csv/.tsv/.xlsx, the line number for .txt and .jsonl.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..common.errors import DataFileError
from ..data import DataSource, open_data
from ..data.tables import guess_columns
from .text import is_placeholder, review_text

# Header names, most specific first. A name matches a header exactly, or as a part of it.
TEXT_NAMES = ("评价内容", "评论内容", "初评内容", "首次评价", "评价文字", "文字评价", "买家评价", "用户评价", "评价", "评论",
              "review text", "review body", "review_body", "reviewtext", "review content", "review", "comment",
              "comments", "content", "body", "text", "内容")
RATING_NAMES = ("评分", "星级", "评价星级", "商品评分", "打分", "分数", "星数", "评价等级", "评价级别", "评价类型", "满意度",
                "rating", "star rating", "star_rating", "stars", "star", "score", "overall")
PRODUCT_NAMES = ("商品名称", "宝贝名称", "宝贝标题", "商品标题", "产品名称", "货品名称", "品名", "商品", "宝贝", "产品",
                 "product title", "product name", "product_title", "product_name", "item name", "product", "item",
                 "商品id", "商品编号", "宝贝id", "asin", "product id", "product_id", "sku")
DATE_NAMES = ("评价时间", "评论时间", "评价日期", "评论日期", "创建时间", "时间", "日期",
              "review date", "review_date", "reviewed at", "date", "time", "created_at", "created", "timestamp")
# Headers that hold something else though they contain a review word ("评价时间", "reviewer name", "商家回复").
_NOT_TEXT = ("时间", "日期", "星", "分", "id", "编号", "date", "time", "name", "昵称", "用户名", "买家", "回复", "reply",
             "title", "标题", "rating", "score", "star", "helpful", "有用", "图片", "视频", "image", "url", "链接", "等级")
MATCH_SHARE = 0.5  # of the non-empty cells, at least this many must read as ratings (dates) for a guess


@dataclass(frozen=True)
class Review:
    row: int                     # the spreadsheet row or line a seller finds it on
    index: int                   # 0-based position among the file's data rows
    text: str                    # HTML decoded and trimmed; quotes are cut from this
    rating: str = ""             # the rating cell as written
    rated: int | None = None     # +1, 0, -1 from the rating; None without one
    product: str = ""
    date: dt.date | None = None


@dataclass(frozen=True)
class ReviewColumns:
    text: str | None = None
    rating: str | None = None
    product: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class ReviewSet:
    """The reviews of one file for one choice of columns."""
    path: Path
    format: str
    encoding: str | None
    columns: tuple[str, ...]
    chosen: ReviewColumns        # the columns read ("" or None: not used)
    reviews: tuple[Review, ...]  # the rows with a review text, placeholders left out
    rows: int                    # data rows in the file
    blank: int                   # rows whose text is empty
    placeholders: int            # rows with the platform's "no review written" text

    def products(self) -> list[str]:
        """The distinct products, most reviewed first."""
        counts: dict[str, int] = {}
        for review in self.reviews:
            if review.product:
                counts[review.product] = counts.get(review.product, 0) + 1
        return sorted(counts, key=lambda p: (-counts[p], p))

    def date_range(self) -> tuple[dt.date, dt.date] | None:
        dates = [r.date for r in self.reviews if r.date is not None]
        return (min(dates), max(dates)) if dates else None


# ---- ratings ----

_STARS = re.compile(r"^[★☆✩✭⭐\s]+$")
_LABELS = {"好评": 1, "中评": 0, "差评": -1, "非常满意": 1, "满意": 1, "一般": 0, "不满意": -1, "很差": -1,
           "非常不满意": -1, "推荐": 1, "不推荐": -1, "positive": 1, "neutral": 0, "negative": -1, "good": 1,
           "bad": -1, "average": 0, "mixed": 0, "recommended": 1, "not recommended": -1}
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)")
_OUT_OF = re.compile(r"(\d+(?:\.\d+)?)\s*(?:/|out of|分之|of)\s*(\d+(?:\.\d+)?)", re.IGNORECASE)


def rating_value(cell: str) -> tuple[float, float | None] | int | None:
    """A rating cell read as (value, scale if the cell says it) or a label's polarity, else None."""
    cell = cell.strip()
    if not cell:
        return None
    lowered = cell.lower()
    if lowered in _LABELS:
        return _LABELS[lowered]
    for label in ("差评", "中评", "好评"):
        if label in cell:
            return _LABELS[label]
    if _STARS.match(cell):
        return float(sum(ch in "★✭⭐" for ch in cell)), 5.0
    m = _OUT_OF.search(cell)
    if m:
        return float(m.group(1)), float(m.group(2))
    m = _NUMBER.search(cell)
    if m and len(cell) <= 24:
        rest = re.sub(r"星|颗|分|stars?|points?|[\s.()（）:：]", "", (cell[:m.start()] + cell[m.end():]).lower())
        if not rest:  # "4", "5星", "4.0 stars"; not "2 weeks" or an order number in text
            return float(m.group(1)), (5.0 if ("星" in cell or "star" in lowered) else None)
    return None


def rating_polarity(value, scale: float) -> int | None:
    """+1 for the top of the scale (4-5 of 5, 7-10 of 10), -1 for the bottom (1-2 of 5, 1-4 of 10), else 0."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    number, own_scale = value
    share = number / (own_scale or scale) if (own_scale or scale) else 0.0
    return 1 if share >= 0.7 else -1 if share <= 0.4 else 0


def column_scale(values: Iterable) -> float:
    """The scale of bare numbers in a rating column: 5, 10 or 100, from the largest value."""
    top = max((v[0] for v in values if isinstance(v, tuple) and v[1] is None), default=5.0)
    return 5.0 if top <= 5 else 10.0 if top <= 10 else 100.0


# ---- dates ----

_ISO = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_US = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                       "dec"), start=1)}
_WORDY = re.compile(r"\b([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})|\b(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?,?\s+(\d{4})")


def parse_date(cell: str) -> dt.date | None:
    """2024-05-01, 2024/5/1 12:00, 2024年5月1日, 05/01/2024, May 1, 2024, "Reviewed in … on 1 May 2024"."""
    cell = cell.strip()
    if not cell:
        return None
    try:
        m = _ISO.search(cell)
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = _US.search(cell)
        if m:
            a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
            month, day = (a, b) if a <= 12 else (b, a)  # month first, as US exports write it, unless impossible
            return dt.date(year, month, day)
        m = _WORDY.search(cell)
        if m:
            if m.group(1):
                month, day, year = _MONTHS.get(m.group(1).lower()), int(m.group(2)), int(m.group(3))
            else:
                day, month, year = int(m.group(4)), _MONTHS.get(m.group(5).lower()), int(m.group(6))
            return dt.date(year, month, day) if month else None
    except ValueError:  # 2024-02-30
        return None
    return None


# ---- choosing columns ----

def _named(columns: list[str], names: tuple[str, ...], exclude: tuple[str, ...] = ()) -> list[str]:
    """Columns whose header is one of `names` (exact matches first, then containing one), in that order."""
    lowered = {c: c.strip().lower() for c in columns}
    found = [c for n in names for c in columns if lowered[c] == n]
    found += [c for n in names for c in columns if n in lowered[c] and not any(x in lowered[c] for x in exclude)]
    return list(dict.fromkeys(found))


def _share(rows: list[list[str]], i: int, test) -> float:
    cells = [r[i] for r in rows[:500] if r[i].strip()]
    return sum(test(c) for c in cells) / len(cells) if cells else 0.0


def guess_review_columns(columns: list[str], rows: list[list[str]]) -> ReviewColumns:
    """The likely text, rating, product and date columns of a review export (None where there is none)."""
    def pick(names, exclude=(), test=None, skip=()):
        for c in _named(columns, names, exclude):
            if c not in skip and (test is None or _share(rows, columns.index(c), test) >= MATCH_SHARE):
                return c
        return None

    rating = pick(RATING_NAMES, ("id", "时间", "date"), lambda c: rating_value(c) is not None)
    date = pick(DATE_NAMES, ("id",), lambda c: parse_date(c) is not None, skip=(rating,))
    product = pick(PRODUCT_NAMES, ("时间", "date", "评分", "rating"), skip=(rating, date))
    used = (rating, date, product)
    named = [c for c in _named(columns, TEXT_NAMES, _NOT_TEXT) if c not in used]
    text = None
    if named:  # the column with the most text: 评价内容 over a mostly empty 追评内容
        text = max(named, key=lambda c: (sum(len(r[columns.index(c)]) for r in rows[:500]), -named.index(c)))
        if not any(r[columns.index(text)].strip() for r in rows[:500]):
            text = None
    if text is None:
        others = [c for c in columns if c not in used]
        text = guess_columns(others, [[r[columns.index(c)] for c in others] for r in rows[:500]])[0] if others else None
    return ReviewColumns(text, rating, product, date)


# ---- the file ----

@dataclass(frozen=True, eq=False)
class ReviewFile:
    """A review export read once; `reviews` picks columns without reading it again."""
    source: DataSource
    guessed: ReviewColumns

    @property
    def path(self) -> Path:
        return self.source.info.path

    @property
    def columns(self) -> list[str]:
        return list(self.source.info.columns)

    def reviews(self, text_column: str | None = None, rating_column: str | None = None,
                product_column: str | None = None, date_column: str | None = None) -> ReviewSet:
        """The reviews for these columns: None takes the guess, "" means none. Raises `DataFileError`."""
        info = self.source.info
        if info.format in ("txt", "jsonl"):
            for wanted in (text_column, rating_column, product_column, date_column):
                if wanted:
                    raise DataFileError(f"{info.format}_has_no_columns", path=str(info.path), column=wanted)
            return self._lines()
        g = self.guessed
        chosen = ReviewColumns(*(g_value if wanted is None else (wanted or None) for wanted, g_value in
                                 ((text_column, g.text), (rating_column, g.rating), (product_column, g.product),
                                  (date_column, g.date))))
        for wanted in (chosen.text, chosen.rating, chosen.product, chosen.date):
            if wanted and wanted not in info.columns:
                raise DataFileError("column_missing", path=str(info.path), column=wanted,
                                    available=", ".join(info.columns))
        if not chosen.text:
            raise DataFileError("no_review_column", path=str(info.path), available=", ".join(info.columns))
        return self._table(chosen)

    def _table(self, chosen: ReviewColumns) -> ReviewSet:
        info, rows = self.source.info, self.source.rows
        col = {k: info.columns.index(v) if v else None for k, v in vars(chosen).items()}
        t = col["text"]
        if not any(r[t].strip() for r in rows):
            raise DataFileError("column_blank", path=str(info.path), column=chosen.text)
        values = [rating_value(r[col["rating"]]) for r in rows] if col["rating"] is not None else []
        if values and sum(v is not None for v in values) * 2 < sum(bool(r[col["rating"]].strip()) for r in rows):
            raise DataFileError("rating_column_bad", path=str(info.path), column=chosen.rating)
        scale = column_scale(values)
        reviews, blank, placeholders = [], 0, 0
        for i, cells in enumerate(rows):
            text = review_text(cells[t])
            if not text:
                blank += 1
                continue
            if is_placeholder(text):
                placeholders += 1
                continue
            rating = cells[col["rating"]] if col["rating"] is not None else ""
            reviews.append(Review(
                row=i + 2, index=i, text=text, rating=rating,
                rated=rating_polarity(values[i], scale) if values else None,
                product=cells[col["product"]].strip() if col["product"] is not None else "",
                date=parse_date(cells[col["date"]]) if col["date"] is not None else None))
        return ReviewSet(info.path, info.format, info.encoding, tuple(info.columns), chosen, tuple(reviews),
                         len(rows), blank, placeholders)

    def _lines(self) -> ReviewSet:
        """A .txt holds one review per line; a .jsonl one per line in its "text" (or "review") field."""
        info = self.source.info
        reviews, blank, placeholders, count = [], 0, 0, 0
        for number, line in enumerate(self.source.text.split("\n"), start=1):
            if not line.strip():
                continue
            count += 1
            if info.format == "jsonl":
                line = _jsonl_text(info.path, line, number)
            text = review_text(line)
            if not text:
                blank += 1
            elif is_placeholder(text):
                placeholders += 1
            else:
                reviews.append(Review(row=number, index=count - 1, text=text))
        if not reviews and not placeholders:
            raise DataFileError("file_blank", path=str(info.path))
        return ReviewSet(info.path, info.format, info.encoding, (), ReviewColumns(), tuple(reviews), count, blank,
                         placeholders)


def _jsonl_text(path: Path, line: str, number: int) -> str:
    try:
        obj = json.loads(line)
        value = next(obj[k] for k in ("text", "review", "content", "body", "comment") if k in obj)
        if not isinstance(value, (str, int, float)):
            raise ValueError
        return str(value)
    except (ValueError, TypeError, StopIteration, KeyError):
        raise DataFileError("jsonl_bad_review", path=str(path), line=number) from None


def _tab_table(source: DataSource) -> DataSource | None:
    """A .txt that is a table: Excel's "Unicode text" (UTF-16, tab-separated, header first)."""
    lines = [line for line in source.text.split("\n")[:50] if line.strip()]
    width = lines[0].count("\t") if lines else 0
    if width < 1 or sum(line.count("\t") == width for line in lines) < 0.8 * len(lines):
        return None
    from ..data.dataset import TableInfo
    from ..data.tables import read_table

    info = source.info
    columns, rows = read_table(info.path, "tsv", b"", source.text)
    return DataSource(TableInfo(info.path, "tsv", info.encoding, columns, None, None), source.sha256, rows=tuple(rows))


def open_reviews(path: str | Path) -> ReviewFile:
    """Check and read a review export (.csv, .tsv, .xlsx, .txt or .jsonl). Raises `DataFileError`."""
    source = open_data(path)
    if source.info.format == "txt":
        source = _tab_table(source) or source
    if source.info.columns:
        guessed = guess_review_columns(source.info.columns, list(source.rows))
    else:
        guessed = ReviewColumns()
    return ReviewFile(source, guessed)


def read_reviews(path: str | Path, text_column: str | None = None, rating_column: str | None = None,
                 product_column: str | None = None, date_column: str | None = None) -> ReviewSet:
    """`open_reviews(path).reviews(...)`."""
    return open_reviews(path).reviews(text_column, rating_column, product_column, date_column)


def filter_reviews(reviews: Iterable[Review], product: str | None = None, since: dt.date | None = None,
                   until: dt.date | None = None) -> tuple[Review, ...]:
    """The reviews of one product and between two dates (both included); a review without a date
    is left out as soon as either date is set."""
    out = []
    for review in reviews:
        if product and review.product != product:
            continue
        if since is not None or until is not None:
            if review.date is None or (since and review.date < since) or (until and review.date > until):
                continue
        out.append(review)
    return tuple(out)
