"""Scenario forms: the fields a seller fills in, and the prompt they build.

The prompt format is fixed because the bundled pairs sample and trained models
learn it: one "key：value" line per filled field, the scenario first. An empty field
writes no line, so a request without facts reads as it always did.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scenario:
    key: str
    zh: str
    en: str
    fields: tuple[str, ...]


# Field keys -> (zh label, en label). Order is the order of prompt lines.
FIELDS: dict[str, tuple[str, str]] = {
    "product": ("产品", "Product"),
    "review": ("顾客评价", "Customer review"),
    "selling_points": ("卖点", "Selling points"),
    "audience": ("受众", "Audience"),
    "tone": ("语气", "Tone"),
    "platform": ("平台", "Platform"),
    "keywords": ("必含关键词", "Must include"),
    # What the seller can vouch for (materials, certificates, prices, sizes): the copy may use
    # them, and the claims check (engine.quality.claims) lets them stand.
    "facts": ("事实", "Facts"),
}

SCENARIOS: dict[str, Scenario] = {s.key: s for s in (
    Scenario("detail", "商品详情", "Product detail",
             ("product", "selling_points", "audience", "tone", "keywords", "facts")),
    Scenario("slogan", "广告语", "Ad slogan", ("product", "selling_points", "audience", "tone", "keywords", "facts")),
    Scenario("social", "社交媒体", "Social post",
             ("product", "selling_points", "audience", "tone", "platform", "keywords", "facts")),
    # The shop's reply to a real customer's review. We never write reviews themselves.
    Scenario("review_reply", "评价回复", "Review reply", ("product", "review", "tone", "keywords", "facts")),
    Scenario("title", "商品标题", "Title", ("product", "selling_points", "platform", "keywords", "facts")),
)}


def build_prompt(scenario: str, fields: dict[str, str], lang: str = "zh") -> str:
    """Return the prompt for `scenario` from the filled-in `fields`.

    >>> build_prompt("slogan", {"product": "竹纤维毛巾", "tone": "活泼"})
    '场景：广告语\\n产品：竹纤维毛巾\\n语气：活泼'
    """
    spec = SCENARIOS[scenario]
    zh = lang == "zh"
    sep = "：" if zh else ": "
    lines = [("场景" if zh else "Scenario") + sep + (spec.zh if zh else spec.en)]
    for key in spec.fields:
        value = " ".join(str(fields.get(key, "")).split())
        if value:
            label = FIELDS[key][0 if zh else 1]
            lines.append(label + sep + value)
    return "\n".join(lines)
