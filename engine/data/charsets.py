"""Telling which encoding a seller's text file is in.

Supported: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030/GBK, Big5 (cp950 as
its fallback) and Windows Western cp1252, which is what Excel on a European or
American Windows writes when it saves "CSV". BOMs win, then strict UTF-8; after that
every codec that decodes the bytes strictly is scored on how natural its text looks.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from ..common.errors import DataFileError

UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

# cp1252 has to beat the best Chinese reading by this much, and score at least
# CP1252_MIN on its own, so that only text that clearly reads as Western is taken for it.
CP1252_MIN = 0.5
CP1252_MARGIN = 0.5
_SCORE_CHARS = 20000  # non-ASCII characters enough to judge by, and cheap on a 10 MB file

_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


# ---- Chinese ----

@lru_cache(maxsize=1)
def _common_hanzi() -> frozenset[str]:
    """GB2312 level 1 plus Big5 level 1: the ~7000 characters most Chinese text is made of."""
    chars = set()
    for enc, leads, trails in (("gb2312", range(0xB0, 0xD8), range(0xA1, 0xFF)),
                               ("big5", range(0xA4, 0xC7), [*range(0x40, 0x7F), *range(0xA1, 0xFF)])):
        for lead in leads:
            for trail in trails:
                try:
                    chars.add(bytes((lead, trail)).decode(enc))
                except UnicodeDecodeError:
                    pass
    chars.update("，。！？：；、“”‘’（）《》【】〔〕—…·「」『』〈〉～％＋－／＝×")
    return frozenset(chars)


def _plausibility(text: str) -> float:
    """From -1 to 1: how much of the non-ASCII text is common Chinese.

    A wrong CJK decode yields kana, box drawing, private-use and rare characters.
    """
    common = _common_hanzi()
    good = total = 0
    for run in _NON_ASCII.finditer(text):
        good += sum(ch in common for ch in run.group())
        total += len(run.group())
        if total >= _SCORE_CHARS:
            break
    return (2 * good - total) / total if total else 0.0


def _chinese_score(text: str, codec: str) -> float:
    """Like `_plausibility`, but a CJK character that looks like a misread accented letter is bad.

    Western text only decodes as GBK/Big5 where each accented letter is followed by a
    byte that can be a trail byte, mostly an ASCII letter: "na\\xefve" reads as "na" +
    one CJK character + "ve", "25\\xb0C" as "25" + one common Big5 character. So a
    character standing alone next to an ASCII letter or digit, whose trail byte is an
    ASCII letter, counts as bad even when it is common. Chinese punctuation is spared
    (Big5 "，" is A1 41), and GB2312 never has ASCII trail bytes, so "V领T恤" keeps its
    score. Used only to weigh cp1252 against the Chinese reading already chosen.
    """
    common = _common_hanzi()
    good = total = 0
    for run in _NON_ASCII.finditer(text):
        chars = run.group()
        total += len(chars)
        if not (len(chars) == 1 and _looks_misread(text, run.start(), codec)):
            good += sum(ch in common for ch in chars)
        if total >= _SCORE_CHARS:
            break
    return (2 * good - total) / total if total else 0.0


def _looks_misread(text: str, i: int, codec: str) -> bool:
    """True when the lone character text[i] is a lead byte plus an ASCII letter, beside ASCII alphanumerics."""
    ch = text[i]
    if unicodedata.category(ch).startswith("P"):
        return False
    encoded = ch.encode(codec)
    if len(encoded) != 2 or not (chr(encoded[1]).isascii() and chr(encoded[1]).isalpha()):
        return False
    before = text[i - 1] if i > 0 else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    return (before.isascii() and before.isalnum()) or (after.isascii() and after.isalnum())


# ---- Western (cp1252) ----

# Letters of the Latin-script languages cp1252 serves (Latin-1 letters, plus Š Œ Ž Ÿ ƒ).
_WESTERN_LETTERS = frozenset(
    "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿŠšŒœŽžŸƒ")
# Typographic punctuation, currency and unit signs that Word and Excel put in Western text.
# Signs Western prose hardly uses (¤ ¦ ¨ ¬ soft hyphen ¯ ´ ¸ ¹ ˆ ˜ † ‡) are left out, so a
# misread Chinese file that is full of them scores low.
_WESTERN_SIGNS = frozenset("“”‘’‚„‹›«»–—…•€£¥¢©®™°±×÷½¼¾²³µ§¶·¿¡ºª‰\xa0")


def _touches_ascii_letter(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return (before.isascii() and before.isalpha()) or (after.isascii() and after.isalpha())


def _western_score(text: str) -> float:
    """From -1 to 1: how much of the non-ASCII text looks like Western European writing.

    In Western text the non-ASCII characters are sparse: an accented letter inside a
    word ("café", "naïve") or standing alone ("à"), a curly quote, dash or currency sign
    between ASCII, at most two in a row ("ação", "l’été"). So a character is good when
    its run of non-ASCII characters is 1 long and it is a Latin letter or a known sign,
    or 2 long and it is a sign, or a Latin letter in a run that touches an ASCII letter.
    GBK read as cp1252 gives 2 characters per Chinese character, back to back ("ÖÐ¹ú"),
    so nearly all of real Chinese text sits in runs of 4 or more and counts as bad.
    """
    good = total = 0
    for run in _NON_ASCII.finditer(text):
        chars = run.group()
        total += len(chars)
        if len(chars) == 1:
            good += chars in _WESTERN_SIGNS or chars in _WESTERN_LETTERS
        elif len(chars) == 2:
            in_word = _touches_ascii_letter(text, run.start(), run.end())
            good += sum(ch in _WESTERN_SIGNS or (in_word and ch in _WESTERN_LETTERS) for ch in chars)
        if total >= _SCORE_CHARS:
            break
    return (2 * good - total) / total if total else 0.0


# ---- detection ----

def detect_encoding(raw: bytes) -> str:
    """Name of the encoding `raw` is in, usable with `bytes.decode`.

    BOMs first, then strict UTF-8, then GB18030 vs Big5 (cp950 as Big5's fallback),
    keeping the strict decode whose text looks most like common Chinese (GB18030 on a
    tie). "cp1252" is returned instead only when its decode clearly reads as Western
    text and beats that Chinese reading (see `_western_score`).
    Raises `UnicodeDecodeError` when nothing decodes acceptably; its `start` is the
    offset in `raw` of the first bad byte under UTF-8 (or under the BOM's encoding).
    """
    return decode_bytes(raw)[0]


def decode_bytes(raw: bytes) -> tuple[str, str]:
    """(encoding, text) as chosen by `detect_encoding`, decoding `raw` only once per codec."""
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return "utf-8-sig", raw[3:].decode("utf-8")
        except UnicodeDecodeError as err:  # re-anchor the offset past the BOM
            raise UnicodeDecodeError("utf-8-sig", raw, err.start + 3, err.end + 3, err.reason) from None
    if raw.startswith(UTF16_BOMS):
        return "utf-16", raw.decode("utf-16")
    try:
        return "utf-8", raw.decode("utf-8")
    except UnicodeDecodeError as err:
        utf8_error = err
    decoded: dict[str, str] = {}
    for name in ("gb18030", "big5", "cp950", "cp1252"):
        if name == "cp950" and "big5" in decoded:
            continue
        try:
            decoded[name] = raw.decode(name)
        except UnicodeDecodeError:
            pass
    western = decoded.pop("cp1252", None)
    best = None
    if decoded:
        # cp1252 takes no part in this choice, so it cannot make GBK/Big5 detection worse.
        best = max(decoded, key=lambda name: (_plausibility(decoded[name]), name == "gb18030"))
    if western is not None:
        score = _western_score(western)
        rival = _chinese_score(decoded[best], best) if best else -1.0
        if score >= CP1252_MIN and score - rival >= CP1252_MARGIN:
            return "cp1252", western
    if best is None:
        # A cp1252 decode that reads as symbol soup is more likely a broken file; say where.
        raise utf8_error
    return best, decoded[best]


def decode_text(path: Path, raw: bytes) -> tuple[str, str]:
    """(encoding, text) of a data file, or `DataFileError("file_undecodable")` with the
    line and byte offset of the first bad byte, so the user can find it in an editor."""
    try:
        return decode_bytes(raw)
    except UnicodeDecodeError as err:
        before = raw[:err.start].decode("utf-16" if raw.startswith(UTF16_BOMS) else "utf-8", "replace")
        raise DataFileError("file_undecodable", path=str(path), line=before.count("\n") + 1,
                            offset=err.start) from None
