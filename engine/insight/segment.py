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
import marshal
import re
import threading
from pathlib import Path
from typing import Iterator

from ..common.atomic import atomic_file
from ..common.errors import WenanError
from ..common.paths import data_dir

# Tags of words that can name what a review talks about. jieba tags 做工, 包装 and 发货 as
# verbs (v), so verbs are kept; the stop list and the need for an opinion nearby weed them.
ASPECT_TAGS = frozenset({"n", "nz", "vn", "ng", "nt", "ns", "nrt", "v", "j", "an"})
_CJK_WORD = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{2,6}")
_EN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]|[A-Za-z]")

_lock = threading.Lock()
_state: dict = {}


def _jieba():
    """jieba's tokenizer and the words its dictionary tags as aspect-like, loaded once (about 1 s
    from the caches; the first run on a machine builds them, about 3 s)."""
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
            _state["tokenizer"] = tokenizer
            _state["nouns"] = _aspect_words(tokenizer, folder / f"jieba-{jieba.__version__}-aspect-words.cache")
        return _state["tokenizer"], _state["nouns"]


def _aspect_words(tokenizer, cache: Path) -> frozenset[str]:
    """Words whose dictionary tag is in ASPECT_TAGS. Reading the 350,000-line dictionary costs
    a second, so the result is kept beside jieba's own cache (marshal: data only, no code)."""
    try:
        return frozenset(marshal.loads(cache.read_bytes()))
    except (OSError, ValueError, EOFError, TypeError):
        pass
    words = []
    with tokenizer.get_dict_file() as fh:
        for raw in fh:
            parts = raw.decode("utf-8").split()
            if len(parts) == 3 and parts[2] in ASPECT_TAGS:
                words.append(parts[0])
    try:
        with atomic_file(cache, "wb") as out:
            out.write(marshal.dumps(words))
    except (OSError, WenanError):
        pass  # only slower next time
    return frozenset(words)


def prepare() -> None:
    """Load the segmenter now (for a worker that starts before the data is there)."""
    _jieba()


def chinese_words(text: str, start: int, end: int) -> Iterator[tuple[str, int]]:
    """(word, offset in text) of each word in text[start:end].

    HMM is off: it finds new words such as 超快, but halves the speed, and aspect words
    are ordinary dictionary nouns.
    """
    tokenizer, _nouns = _jieba()
    for word, s, _e in tokenizer.tokenize(text[start:end], HMM=False):
        yield word, start + s


def is_aspect_tagged(word: str) -> bool:
    """jieba's dictionary tags the word as a noun or verb (做工 and 包装 are verbs there)."""
    return word in _jieba()[1]


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
