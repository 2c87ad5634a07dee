"""Words of a review: Chinese through jieba (MIT), English through a regex.

jieba keeps its dictionary cache in the temp folder unless told otherwise; here it goes to
the data folder (`cache/jieba-<version>.cache`), so nothing is written where it is not ours
and a new jieba never reads an old cache. Its log lines are silenced: the CLI's stderr is
for our messages.

Part-of-speech tags come from jieba's own dictionary (word, frequency, tag): a lookup per
word, instead of jieba.posseg's HMM, which costs three times the segmentation itself.
"""
from __future__ import annotations

import logging
import re
import threading
from typing import Iterator

from ..common.paths import data_dir

# Tags of words that can name what a review talks about. jieba tags 做工, 包装 and 发货 as
# verbs (v), so verbs are kept; the stop list and the need for an opinion nearby weed them.
ASPECT_TAGS = frozenset({"n", "nz", "vn", "ng", "nt", "ns", "nrt", "v", "j", "an"})
_CJK_WORD = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{2,6}")
_EN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]|[A-Za-z]")

_lock = threading.Lock()
_state: dict = {}


def _jieba():
    """jieba's tokenizer and its word → tag table, loaded once (about 1 s with the cache)."""
    with _lock:
        if "tokenizer" not in _state:
            import jieba

            jieba.setLogLevel(logging.CRITICAL)
            tokenizer = jieba.Tokenizer()
            folder = data_dir() / "cache"
            folder.mkdir(exist_ok=True)
            tokenizer.tmp_dir = str(folder)
            tokenizer.cache_file = f"jieba-{jieba.__version__}.cache"
            tokenizer.initialize()
            tags: dict[str, str] = {}
            with tokenizer.get_dict_file() as fh:
                for raw in fh:
                    parts = raw.decode("utf-8").split()
                    if len(parts) == 3:
                        tags[parts[0]] = parts[2]
            _state["tokenizer"], _state["tags"] = tokenizer, tags
        return _state["tokenizer"], _state["tags"]


def prepare() -> None:
    """Load the segmenter now (for a worker that starts before the data is there)."""
    _jieba()


def chinese_words(text: str, start: int, end: int) -> Iterator[tuple[str, int, str]]:
    """(word, offset in text, tag) of each word in text[start:end]; tag "" when jieba's dictionary has none.

    HMM is off: it finds new words such as 超快, but halves the speed, and aspect words
    are ordinary dictionary nouns.
    """
    tokenizer, tags = _jieba()
    for word, s, _e in tokenizer.tokenize(text[start:end], HMM=False):
        yield word, start + s, tags.get(word, "")


def is_chinese_word(word: str) -> bool:
    return _CJK_WORD.fullmatch(word) is not None


def english_words(text: str, start: int, end: int) -> Iterator[tuple[str, int]]:
    """(lower-cased word, offset) of each English word in text[start:end]."""
    for m in _EN_WORD.finditer(text, start, end):
        yield m.group().lower(), m.start()


def english_lemma(word: str) -> str:
    """The singular of a plural noun, by spelling only: batteries → battery, boxes → box, shoes → shoe."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "xes", "sses")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "'s")):
        return word[:-1]
    return word
