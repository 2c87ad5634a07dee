"""Quality checks on generated copy: each check on hand-written true positives and near misses,
the editable lists, the memorisation index (and the one training saves), scores and ranking."""
from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import SAMPLE

from engine.common import DataFileError
from engine.quality import checklists
from engine.quality.checks import (CheckContext, Flag, check_absolute_terms, check_copied, check_keywords, check_length,
                                   check_repetition, check_variant, check_variants, flags_from_dicts, gbk_width,
                                   rank_variants, score, split_keywords)
from engine.quality.memorisation import INDEX_FILE, META_FILE, MemoIndex, build_memo_index, memo_for_model


@pytest.fixture(scope="module")
def sample_lines() -> list[str]:
    return [line for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def memo(sample_lines) -> MemoIndex:
    return build_memo_index(sample_lines)


def _hits(text: str) -> list[tuple[str, str | None, str]]:
    return [(f.match, f.suggestion, f.severity) for f in check_absolute_terms(text)]


# ---- 1. absolute terms ----

@pytest.mark.parametrize("text, expected", [
    ("这是最好的毛巾", [("最好", "很好", "warn")]),
    ("最佳口感，国家级工艺", [("最佳", "优质", "error"), ("国家级", None, "error")]),
    ("全网第一的保温杯", [("全网第一", None, "error")]),            # the longer term wins over 第一
    ("最低价促销", [("最低价", "实惠价", "error")]),                 # not the generic 最低
    ("最舒适的拖鞋", [("最舒", "很舒", "warn")]),                    # generic 最 + character
    ("100%满意，绝对好用", [("100%", None, "warn"), ("绝对", "很", "warn")]),
    ("The best towel", [("The best", "a great", "warn")]),
    ("Rated No. 1 and #1 in Ohio", [("No. 1", None, "error"), ("#1", None, "error")]),
    ("the cheapest, guaranteed!", [("cheapest", "great value", "error"), ("guaranteed", None, "warn")]),
    ("ＢＥＳＴ choice", [("ＢＥＳＴ", "great", "warn")]),            # full-width counts as half-width
    ("World class comfort", [("World class", "high-quality", "warn")]),
])
def test_absolute_terms_are_flagged_with_span_and_softer_wording(text, expected):
    flags = check_absolute_terms(text)
    assert [(f.match, f.suggestion, f.severity) for f in flags] == expected
    for f in flags:
        assert text[f.span[0]:f.span[1]] == f.match and f.check == "absolute_terms"


@pytest.mark.parametrize("text", [
    "最近天气凉了，最后一天包邮，最终解释权归本店，最多放三天",  # time and quantity words, not boasts
    "第一次用就爱上了，第一口是豆香，第一时间发货",               # ordinals and idioms, not rankings
    "100%纯棉面料，100% cotton, 100 % linen",                   # fibre composition is a required fact
    "Best before 2026. Best served chilled. Best regards",
    "She will bestow a gift on #10 of the list",                # whole words only
    "30-day money-back guarantee",
])
def test_near_misses_are_not_flagged(text):
    assert check_absolute_terms(text) == []


def test_first_item_is_still_a_claim():
    # 第一个 is deliberately not an exception: "第一个做X的品牌" claims being first.
    assert _hits("第一个做竹纤维毛巾的品牌") == [("第一", None, "error")]


def test_a_user_list_replaces_the_bundled_one(wenan_home):
    folder = wenan_home / "checks"
    folder.mkdir()
    (folder / "absolute_terms.tsv").write_text("[terms]\n爆款\t热卖\twarn\thype\n[exceptions]\n",
                                               encoding="utf-8")
    assert _hits("爆款毛巾，最好用") == [("爆款", "热卖", "warn")]  # 最好 is not in this list
    (folder / "absolute_terms.tsv").write_text("[terms]\n# fine\n爆款\n", encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        check_absolute_terms("爆款")
    assert "Line 3 of" in str(err.value) and "absolute_terms.tsv" in str(err.value)


def test_bundled_lists_parse_and_every_exception_matches_itself():
    lists = checklists.absolute_terms()
    assert len(lists.terms) > 60 and len(lists.exceptions) > 20
    assert checklists.length_rules() and checklists.platform_key("天猫") == "tmall"
    assert checklists.platform_key(" J D ") == "jd" and checklists.platform_key("Etsy") is None


# ---- 2. copying the training data ----

def test_a_copied_span_is_flagged_with_its_place(memo, sample_lines):
    source = sample_lines[0]
    copied = source[3:33]  # 30 characters of a training line
    text = "我们想说：" + copied + "。喜欢就带回家"
    flags = check_copied(text, memo)
    assert len(flags) == 1 and flags[0].check == "copied"
    start, end = flags[0].span
    assert text[start:end] == copied and dict(flags[0].params)["chars"] == 30
    assert memo.longest_copied_span(text) == (start, end)


def test_spacing_and_full_width_do_not_hide_a_copy(memo, sample_lines):
    copied = sample_lines[0][3:33]
    spaced = " ".join(copied[:10]) + "\n" + copied[10:].replace("，", ",")
    assert memo.longest_copied_span("开头" + spaced) is not None


def test_short_overlaps_are_not_copying(memo, sample_lines):
    # 12 characters from each of several lines: every piece is in the training copy,
    # but no 20 in a row are, and windows never join the end of one sample to the next.
    text = "".join(line[:12] for line in sample_lines[:6] if len(line) >= 12)
    assert memo.copied_spans(text) == [] and check_copied(text, memo) == []
    assert check_copied(sample_lines[0][-12:] + sample_lines[1][:12], memo) == []


def test_english_needs_a_longer_copy(memo, sample_lines):
    line = next(s for s in sample_lines if not checklists.is_cjk_text(s) and len(s) > 90)
    short, long = line[:30], line[:80]  # about 5 words vs 14: facts repeat, sentences should not
    assert memo.copied_spans("Well, " + short) and check_copied("Well, " + short, memo) == []
    flags = check_copied("Well, " + long, memo)
    assert len(flags) == 1 and flags[0].match.strip() == long.strip()


def test_the_index_round_trips_and_refuses_damage(tmp_path, memo, sample_lines):
    memo.save(tmp_path)
    loaded = MemoIndex.load(tmp_path)
    assert loaded is not None and loaded.k == memo.k == 20 and loaded.sha256 == memo.sha256
    assert np.array_equal(loaded.hashes, memo.hashes) and len(loaded) > 10_000
    text = "再说一遍：" + sample_lines[5][:40]
    assert loaded.longest_copied_span(text) == memo.longest_copied_span(text) is not None

    assert MemoIndex.load(tmp_path / "nothing-here") is None
    meta = json.loads((tmp_path / META_FILE).read_text(encoding="utf-8"))
    (tmp_path / META_FILE).write_text(json.dumps(dict(meta, windows=meta["windows"] + 1)), encoding="utf-8")
    assert MemoIndex.load(tmp_path) is None  # a truncated or swapped .npy
    (tmp_path / META_FILE).write_text(json.dumps(dict(meta, version=99)), encoding="utf-8")
    assert MemoIndex.load(tmp_path) is None
    (tmp_path / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
    (tmp_path / INDEX_FILE).write_bytes(b"not numpy")
    assert MemoIndex.load(tmp_path) is None


def test_training_saves_the_index_beside_the_weights(tiny_model, wenan_home, sample_lines):
    memo = memo_for_model(tiny_model)
    assert memo is not None and memo.k == 20 and memo.samples > 300
    assert memo_for_model(tiny_model) is memo  # loaded once per model
    line = next(s for s in sample_lines if len(s) > 45 and checklists.is_cjk_text(s))
    assert check_copied("这样写：" + line[:40], memo)
    assert memo_for_model(wenan_home / "no-such-model") is None


# ---- 3. repetition ----

def test_repeated_phrases_are_flagged_at_the_last_repeat():
    text = "软软的毛巾真好，软软的毛巾真好，软软的毛巾真好用"
    flags = check_repetition(text)
    assert [(f.match, dict(f.params)["count"]) for f in flags] == [("软软的毛巾真好", 3)]
    assert flags[0].span == (16, 23)
    looping = check_repetition("好用不贵好用不贵好用不贵好用不贵")  # a loop is one flag, not one per rotation
    assert [(f.match, dict(f.params)["count"]) for f in looping] == [("好用不贵", 4)]
    english = check_repetition("Soft and warm towel. Our soft and warm towel dries fast.")
    assert [f.match for f in english] == ["soft and warm towel"]


def test_normal_repeats_are_not_flagged():
    assert check_repetition("竹纤维毛巾好，竹纤维毛巾棒") == []          # twice is fine in Chinese
    assert check_repetition("one of the best, one of the") == []          # mostly stop words
    # the product name may repeat: copy names its product on purpose
    assert check_repetition("竹纤维毛巾，竹纤维毛巾，竹纤维毛巾", ["竹纤维毛巾"]) == []
    assert check_repetition("竹纤维毛巾，竹纤维毛巾，竹纤维毛巾")


# ---- 4. length limits ----

def test_taobao_titles_count_gbk_bytes():
    assert gbk_width("竹纤维A") == 7
    exactly = "竹" * 30
    assert check_length(exactly, "title", "淘宝") == []
    assert check_length("a" * 60, "title", "Taobao") == []        # 60 ASCII characters fit in 60 bytes
    flags = check_length("竹" * 29 + "ab" + "巾", "title", "天猫")
    assert len(flags) == 1 and flags[0].message_key == "check_too_long_bytes"
    assert dict(flags[0].params)["limit"] == 60 and dict(flags[0].params)["actual"] == 62
    assert flags[0].span == (31, 32) and flags[0].match == "巾"  # the part past the limit


def test_limits_per_platform_and_scenario():
    assert [dict(f.params)["limit"] for f in check_length("毛" * 46, "title", "京东")] == [45]
    assert check_length("毛" * 45, "title", "JD") == []
    assert check_length("x" * 201, "title", "amazon")[0].message_key == "check_too_long_chars"
    assert check_length("毛" * 100, "title", None) == []          # no platform, no title rule
    assert check_length("毛" * 100, "title", "某平台") == []
    assert [f.message_key for f in check_length("好" * 21, "slogan", None)] == ["check_too_long_chars"]
    assert check_length("好" * 20, "slogan", None) == []
    words = " ".join(["calm"] * 13)
    assert [dict(f.params)["actual"] for f in check_length(words, "slogan", None)] == [13]
    assert check_length(" ".join(["calm"] * 12), "slogan", None) == []
    assert check_length("好" * 5000, "detail", "淘宝") == []


# ---- 5. must-include keywords ----

def test_missing_keywords_are_flagged_case_and_width_insensitive():
    keywords = split_keywords("Soy wax, white tea，candle")
    assert keywords == ["Soy wax", "white tea", "candle"] and split_keywords("竹纤维、吸水、柔软") == ["竹纤维", "吸水", "柔软"]
    assert check_keywords("A SOY  WAX candle with ｗｈｉｔｅ ｔｅａ", keywords) == []
    missing = check_keywords("A soy wax light", keywords)
    assert [f.match for f in missing] == ["white tea", "candle"] and all(f.span is None for f in missing)
    assert "white tea" in missing[0].message("en") and "缺少必含关键词" in missing[0].message("zh")


# ---- all together: flags, scores, ranking ----

def test_flags_are_json_and_round_trip(monkeypatch, memo, sample_lines):
    ctx = CheckContext("title", "淘宝", ["竹纤维"], memo, product="毛巾")
    text = "最好的毛巾毛巾：" + sample_lines[0][:40]
    flags = check_variant(text, ctx)
    assert [f.check for f in flags] == ["absolute_terms", "copied", "length"]
    dumped = json.loads(json.dumps([f.to_dict() for f in flags], ensure_ascii=False))
    assert flags_from_dicts(dumped) == flags
    monkeypatch.setenv("WENAN_LANG", "zh")
    assert "极限用语" in flags[0].to_dict()["message"]


def test_ranking_puts_clean_variants_first_and_keeps_ties_in_order():
    texts = ["全网第一，最好的杯子", "保温杯，保温六小时", "最好的保温杯", "保温杯，茶水分离"]
    flags = check_variants(texts, CheckContext(keywords=["保温杯"]))
    assert [score(f) for f in flags] == [55, 100, 90, 100]  # error 25 + warn 10 + a missing keyword 10
    assert rank_variants(texts, flags) == [1, 3, 2, 0]
    assert rank_variants([], []) == []
    with pytest.raises(ValueError):
        rank_variants(texts, flags[:2])


def test_a_clean_variant_has_no_flags(memo):
    text = "青禾竹纤维毛巾，吸水快，手感软，洗完脸轻轻一按就干了。"
    assert check_variant(text, CheckContext("detail", "淘宝", ["竹纤维", "吸水"], memo)) == []
    assert Flag("length", "error", None, "", None, "check_too_long_words",
                (("actual", 13), ("limit", 12))).message("zh") == "过长：共 13 个单词，超过上限 12 个。"
