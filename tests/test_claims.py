"""The claims check: what a draft states that the seller never gave, and what it leaves alone.

Every case runs the real check through `check_variant`, with the real lists, and compares exact
spans; support comes from the request's fields, the facts box and the training file's index.
"""
from __future__ import annotations

import pytest

from engine.common import DataFileError
from engine.quality import build_memo_index, find_claims
from engine.quality.checks import CheckContext, check_variant


def claims(text: str, facts=(), **ctx) -> list[tuple[str, str]]:
    """(match, kind) of each unsupported-claim flag, after checking that its span is its match."""
    flags = [f for f in check_variant(text, CheckContext(facts=list(facts), **ctx)) if f.check == "unsupported_claim"]
    for f in flags:
        assert text[f.span[0]:f.span[1]] == f.match and f.severity == "warn"
    return [(f.match, dict(f.params)["kind"]) for f in flags]


# ---- what is flagged when nothing backs it ----

@pytest.mark.parametrize("text, expected", [
    # numbers with units, Chinese numerals, ranges and sizes
    ("容量500ml，续航两小时", [("500ml", "number"), ("两小时", "number")]),
    ("三年质保，十二小时保温，一百零五克", [("三年", "number"), ("十二小时", "number"), ("一百零五克", "number")]),
    ("3-5天送达，尺寸34×76厘米", [("3-5天", "number"), ("34×76厘米", "number")]),
    ("５００ＭＬ大容量", [("５００ＭＬ", "number")]),                      # full-width counts as half-width
    # percentages, prices, discounts
    ("95%的用户回购，百分之九十好评", [("95%", "percent"), ("百分之九十", "percent")]),
    ("限时¥99，原价199元，今日8折", [("¥99", "price"), ("199元", "price"), ("8折", "price")]),
    # counts: sales, reviews, pieces
    ("月销1000+，10万+好评，一次买3件", [("月销1000+", "count"), ("10万+好评", "count"), ("3件", "count")]),
    # certifications and awards: one flag for "ISO 9001认证" and for "荣获金奖"
    ("通过ISO 9001认证，荣获金奖，国家专利产品", [("ISO 9001认证", "certification"), ("荣获金奖", "certification"),
                                             ("专利", "certification")]),
    # materials and origins: 新疆 is an origin because a material follows it
    ("100%纯棉面料，头层牛皮，304不锈钢内胆", [("100%纯棉", "material"), ("头层牛皮", "material"),
                                          ("304不锈钢", "material")]),
    ("新疆长绒棉，日本进口，产自云南", [("新疆", "origin"), ("长绒棉", "material"), ("日本进口", "origin"),
                                 ("产自云南", "origin")]),
    # English
    ("Made in Italy from genuine leather, 100% cotton lining.",
     [("Made in Italy", "origin"), ("genuine leather", "material"), ("100% cotton", "material")]),
    ("Only $19.99: 1,000 reviews, 5 colors, a 2-year warranty and 30 days of battery.",
     [("$19.99", "price"), ("1,000 reviews", "count"), ("5 colors", "count"), ("2-year", "number"),
      ("30 days", "number")]),
    ("Patented, award-winning and certified organic. Italian leather.",
     [("Patented", "certification"), ("award-winning", "certification"), ("certified organic", "certification"),
      ("Italian", "origin"), ("leather", "material")]),
])
def test_claims_the_input_does_not_state_are_flagged_with_their_span(text, expected):
    assert claims(text) == expected


@pytest.mark.parametrize("text", [
    "第一次用就爱上了，一天一个好心情，五颜六色的包装",  # ordinals, 一 + unit, an idiom
    "十分好用，三天两头就想用，洗两三次就软了",          # 十分 is "very"; a rough guess is no figure
    "型号X200，小米14，RTX4090显卡，第3代升级",          # names and ordinals: no unit, or a letter before
    "2024年新款，9.9包邮，三折叠伞，每千克都称足",       # a year, free shipping, a tri-fold, the unit alone
    "7天无理由退换，千层底布鞋，周年庆",                 # statutory wording and idioms from [exceptions]
    "45x45抱枕套，冬暖夏凉，柔软亲肤",                  # a size in x, not "45 times"
    "Eat 5 a day, arrange a 3 x 4 grid, soft and quick to dry.",
])
def test_ordinary_words_names_and_idioms_are_left_alone(text):
    assert claims(text) == [] and find_claims(text) == []


def test_a_span_an_absolute_term_flags_is_not_flagged_twice():
    # 100% as a boast is the absolute-terms check's; as fibre content (100%纯棉) it is a material claim
    flags = check_variant("100%满意，100%纯棉，clinically proven", CheckContext(facts=[]))
    assert [(f.check, f.match) for f in flags] == [("absolute_terms", "100%"), ("unsupported_claim", "100%纯棉"),
                                                   ("absolute_terms", "clinically proven")]


def test_the_check_runs_only_when_the_request_is_known():
    assert [f.check for f in check_variant("售价¥99", CheckContext())] == []  # facts=None: unknown request
    assert [f.check for f in check_variant("售价¥99", CheckContext(facts=[]))] == ["unsupported_claim"]


# ---- what backs a claim ----

@pytest.mark.parametrize("text, facts", [
    ("容量500毫升", ["容量 0.5 L"]),                     # the same volume in another unit
    ("三年质保", ["质保3年"]),                            # Chinese numerals against digits
    ("售价¥99，到手99元", ["价格：99"]),                  # a bare number backs a price of its value
    ("纯棉面料，cotton", ["100% cotton"]),               # synonyms, across languages
    ("Soft cotton, genuine leather", ["纯棉，头层牛皮"]),  # the specific backs the general, across languages
    ("日本进口，Made in Japan", ["产地：日本"]),           # the place, in either language
    ("不锈钢内胆", ["304不锈钢保温杯"]),                   # the specific backs the general
    ("通过SGS认证，有质检报告", ["SGS认证，附检测报告"]),
    ("月销1000+", ["已售 1,000 件"]),
    ("10万+好评，粉丝10万+", ["100,000+ reviews"]),        # 10万 = 100,000; a bare "10万+" takes any count of it
])
def test_claims_the_facts_state_are_not_flagged(text, facts):
    assert claims(text) != []  # flagged without the facts…
    assert claims(text, facts) == []  # …and not with them


def test_facts_back_only_what_they_say():
    assert claims("304不锈钢", ["不锈钢"]) == [("304不锈钢", "material")]  # the general never backs the specific
    assert claims("ISO 14001认证", ["ISO 9001认证"]) == [("ISO 14001认证", "certification")]
    assert claims("3年质保，3色可选", ["质保3年"]) == [("3色", "count")]  # a figure with a unit backs only that unit
    assert claims("产自日本", ["产自韩国"]) == [("产自日本", "origin")]


def test_the_request_fields_back_claims():
    text = "三只松鼠坚果礼盒，500g装，日本进口"
    assert claims(text) == [("三只", "count"), ("500g", "number"), ("日本进口", "origin")]
    assert claims(text, product="三只松鼠坚果礼盒") == [("500g", "number"), ("日本进口", "origin")]  # its name
    assert claims(text, product="三只松鼠坚果礼盒 500g", keywords=["进口", "日本"]) == []


def test_the_training_copy_backs_the_sellers_own_wording():
    seller = "我们的头层牛皮钱包三年质保，每一件都是老师傅手工缝制的"
    memo = build_memo_index([seller, "另一款纯棉毛巾，柔软吸水"])
    copied = "这款" + seller[2:] + "。"
    assert claims(copied, memo=memo) == []  # a passage of ≥ 20 characters from the training file
    # the same claims in the model's own sentence: the training file does not vouch for them
    assert claims("头层牛皮的钱包，三年质保", memo=memo) == [("头层牛皮", "material"), ("三年", "number")]


def test_messages_say_what_kind_of_claim_and_that_the_input_lacks_it():
    [flag] = check_variant("售价¥99", CheckContext(facts=[]))
    assert flag.message("zh") == "价格“¥99”不在你提供的信息中（表单、事实或示例），请核实或删除。"
    assert flag.message("en").startswith('The price "¥99" is not in the information you gave')
    [flag] = check_variant("荣获金奖", CheckContext(facts=[]))
    assert flag.message("zh").startswith("认证或奖项“荣获金奖”") and "proof" in flag.message("en")


# ---- the editable list ----

def test_a_list_in_the_data_folder_replaces_the_bundled_one(wenan_home):
    folder = wenan_home / "checks"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "claim_terms.tsv").write_text(
        "# a shop's own list\n[units]\n斤\tnumber\tg\t500\tany\n[terms]\n古法\tcertification\n", encoding="utf-8")
    assert claims("古法工艺，三斤装，500ml") == [("古法", "certification"), ("三斤", "number")]
    assert claims("三斤装", ["1.5kg"]) != []  # kg is not in this list
    assert claims("三斤装", ["1500克"]) != [] and claims("三斤装", ["3斤"]) == []

    (folder / "claim_terms.tsv").write_text("[terms]\n古法\tflavour\n", encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        claims("古法工艺")
    assert "Line 2" in str(err.value) and "claim_terms.tsv" in str(err.value)
    (folder / "claim_terms.tsv").write_text("[terms]\n古法\tcertification\n[words]\n秘制\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="Line 4 .* one of the sections"):
        claims("古法工艺")
