"""Cleaning imported copy: strip HTML, mask personal data, tidy whitespace,
then drop empty, too-short and duplicate samples.

Each sample goes through the steps in that order. The regexes are compiled once
and guarded by cheap substring checks, so a 10 MB file cleans in about a second.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .samples import Sample

PHONE = "[PHONE]"
EMAIL = "[EMAIL]"
ID_NUMBER = "[ID]"


@dataclass(frozen=True)
class CleanOptions:
    """Which cleaning steps run. The defaults suit copy pasted from shop pages."""
    normalize_whitespace: bool = True  # collapse spaces/tabs/U+3000/NBSP to one space, blank lines to one newline
    strip_html: bool = True            # drop tags, unescape entities; <br>, </p>, </div>, </li> become newlines
    mask_pii: bool = True              # phones, e-mails and CN ID numbers become [PHONE], [EMAIL], [ID]
    min_chars: int = 4                 # samples whose copy is shorter than this after cleaning are dropped
    dedupe: bool = True                # drop exact repeats; for pairs the prompt and the copy must both match


@dataclass(frozen=True)
class CleanReport:
    """What cleaning did. The step counts cover every input sample, including
    ones dropped later; `kept` = input - empty - short - duplicates."""
    input_samples: int
    html_stripped: int          # samples changed by HTML stripping
    whitespace_normalized: int  # samples changed by whitespace normalisation
    phones_masked: int          # matches replaced, not samples
    emails_masked: int
    ids_masked: int
    empty_dropped: int
    short_dropped: int
    duplicates_dropped: int
    kept: int


# ---- HTML ----
_HTML_BLOCK = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.I | re.S)
_HTML_BREAK = re.compile(
    r"<\s*(?:br|hr)\b[^<>]*>"
    r"|<\s*/\s*(?:p|div|li|tr|h[1-6]|ul|ol|table|blockquote|section|article|header|footer)\s*>",
    re.I)
# A tag name must start with an ASCII letter, so "<3", "a < b" and "<赠品>" survive.
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>|<![A-Za-z][^<>]*>")
# Only entities ending in ";" are decoded: html.unescape alone turns "&notes" into "¬es".
_HTML_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")

# ---- personal data ----
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# Mainland resident ID: region, birth date 18xx-20xx, sequence, check digit or X.
_ID_RE = re.compile(
    r"(?<!\d)[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?!\d)")
_SEP = r"[ \u00a0\u3000-]"  # separators people type inside numbers; never a newline
# The leading lookahead rejects most positions at once: 7x faster on Chinese text.
_PHONE_RE = re.compile(
    r"(?=[(+\d])(?<![\d+])(?:"
    rf"(?:\+?86{_SEP}?)?1[3-9]\d(?:{_SEP}?\d{{4}}){{2}}"           # CN mobile, optionally +86
    rf"|\+86{_SEP}?\d{{2,3}}{_SEP}?\d{{7,8}}"                       # CN landline with country code
    rf"|(?:\(0\d{{2,3}}\)\s?|0\d{{2,3}}{_SEP})\d{{7,8}}(?:-\d{{1,5}})?"  # 0571-88881234, (010) 12345678
    r"|(?:\+?1[ .-]?)?\(\d{3}\)\s?\d{3}[ .-]\d{4}"                  # (555) 123-4567
    r"|(?:\+?1[ .-])?\d{3}[.-]\d{3}[.-]\d{4}"                       # 555-123-4567
    r")(?!\d)")

# ---- whitespace ----
_LINE_BREAKS = re.compile("\r\n?|[\x85\u2028\u2029]")
# Invisible characters pasted from web pages; ZWJ (U+200D) stays because emoji need it.
_INVISIBLE = re.compile("[\x00-\x08\x0e-\x1f\x7f\u200b\u2060\ufeff]")
_HSPACE = re.compile(r"[^\S\n]+")  # any whitespace but a newline, incl. U+3000 and NBSP
_NEWLINES = re.compile(r" ?\n[ \n]*")


def _strip_html(text: str) -> str:
    if "<" in text:
        text = _HTML_BLOCK.sub("", text)
        text = _HTML_BREAK.sub("\n", text)
        text = _HTML_TAG.sub("", text)
    if "&" in text:
        text = _HTML_ENTITY.sub(lambda m: html.unescape(m.group()), text)
    return text


def _normalize_whitespace(text: str) -> str:
    text = _LINE_BREAKS.sub("\n", text)
    text = _INVISIBLE.sub("", text)
    text = _HSPACE.sub(" ", text)
    return _NEWLINES.sub("\n", text).strip()


def _clean_one(text: str, options: CleanOptions) -> tuple[str, bool, bool, int, int, int]:
    """Return (cleaned, html changed, whitespace changed, phones, emails, ids)."""
    html_changed = ws_changed = False
    phones = emails = ids = 0
    if options.strip_html:
        stripped = _strip_html(text)
        html_changed, text = stripped != text, stripped
    if options.mask_pii:
        # E-mails first: "13812345678@qq.com" is one e-mail, not a phone plus a domain.
        if "@" in text:
            text, emails = _EMAIL_RE.subn(EMAIL, text)
        text, ids = _ID_RE.subn(ID_NUMBER, text)
        text, phones = _PHONE_RE.subn(PHONE, text)
    if options.normalize_whitespace:
        tidy = _normalize_whitespace(text)
        ws_changed, text = tidy != text, tidy
    return text, html_changed, ws_changed, phones, emails, ids


def clean_text(text: str, options: CleanOptions = CleanOptions()) -> str:
    """Clean one string the way `clean_samples` cleans a sample, without dropping it."""
    return _clean_one(text, options)[0]


def clean_samples(samples: list[Sample], options: CleanOptions = CleanOptions()
                  ) -> tuple[list[Sample], CleanReport]:
    """Clean every sample and drop the unusable ones; returns the kept samples in order.

    For pairs both prompt and copy are cleaned; only the copy must be non-empty and
    at least `min_chars` long. A prompt that cleans to nothing becomes None.
    """
    html_n = ws_n = phones = emails = ids = 0
    empty = short = dupes = 0
    seen: set[tuple[str | None, str]] = set()
    kept: list[Sample] = []
    for sample in samples:
        text, h, w, p, e, i = _clean_one(sample.text, options)
        prompt = sample.prompt
        if prompt is not None:
            prompt, ph, pw, pp, pe, pi = _clean_one(prompt, options)
            h, w, p, e, i = h or ph, w or pw, p + pp, e + pe, i + pi
            prompt = prompt if prompt.strip() else None
        html_n += h
        ws_n += w
        phones += p
        emails += e
        ids += i
        size = len(text.strip())
        if size == 0:
            empty += 1
            continue
        if size < options.min_chars:
            short += 1
            continue
        if options.dedupe:
            key = (prompt, text)
            if key in seen:
                dupes += 1
                continue
            seen.add(key)
        # A new Sample only when cleaning changed it; building one beats dataclasses.replace 3x.
        kept.append(sample if (text, prompt) == (sample.text, sample.prompt) else Sample(text, prompt))
    report = CleanReport(
        input_samples=len(samples), html_stripped=html_n, whitespace_normalized=ws_n,
        phones_masked=phones, emails_masked=emails, ids_masked=ids, empty_dropped=empty,
        short_dropped=short, duplicates_dropped=dupes, kept=len(kept))
    return kept, report
