"""Refining an insight with a local chat model: it may group and name the aspects and write a
one-line summary of each. It never supplies a number or a quote.

The model sees the counted aspects (names, words, counts, phrases) and answers in JSON:

    {"groups": [{"name": "物流", "members": [1, 4]}], "summaries": {"1": "...", "2": "..."}}

Its groups are counted again from the reviews (`analysis.regroup`), so a merged aspect's
mentions are the reviews that mention any of its words, each once. Names become `label`
and summaries `summary`, both AI-generated; the counted name stays in `name`. An answer
that is not such JSON (a small or random model writes noise) changes nothing.
"""
from __future__ import annotations

import json
import re
import threading
from dataclasses import replace
from pathlib import Path
from typing import Callable

from ..common.errors import ModelLoadError
from .analysis import Insight, InsightEvent, regroup
from .aspects import AspectGroup

MAX_ASPECTS = 20        # the model sees the most mentioned ones
NAME_MAX = 16           # characters
SUMMARY_MAX = 120
_JSON_OBJECT = re.compile(r"\{.*\}", re.S)


def build_request(insight: Insight, lang: str = "zh") -> str:
    """The prompt: the counted aspects, numbered from 1, and the answer format."""
    lines = []
    for i, a in enumerate(insight.aspects[:MAX_ASPECTS], 1):
        good = "、".join(p.text for p in a.positive_phrases[:3]) or "-"
        bad = "、".join(p.text for p in a.negative_phrases[:3]) or "-"
        if lang == "zh":
            lines.append(f"{i}. {a.name}（词语：{'、'.join(a.terms[:6])}；提及 {a.mentions}，好评 {a.positive}，"
                         f"差评 {a.negative}；好评说法：{good}；差评说法：{bad}）")
        else:
            lines.append(f"{i}. {a.name} (words: {', '.join(a.terms[:6])}; {a.mentions} mentions, {a.positive} "
                         f"positive, {a.negative} negative; praise: {good}; complaints: {bad})")
    if lang == "zh":
        head = ("以下是从真实买家评价中统计出的关注点。请把说的是同一件事的关注点合并，给每组起一个简短的名称，"
                "并为每个关注点写一句总结。只输出 JSON，格式："
                '{"groups": [{"name": "名称", "members": [编号, ...]}], "summaries": {"编号": "一句话总结"}}')
    else:
        head = ("These aspects were counted from real customer reviews. Merge the aspects that mean the same thing, "
                "give each group a short name, and write one summary line per aspect. Answer with JSON only: "
                '{"groups": [{"name": "name", "members": [number, ...]}], "summaries": {"number": "one line"}}')
    return head + "\n" + "\n".join(lines)


def _one_line(value, limit: int) -> str:
    text = " ".join(str(value).split()) if isinstance(value, (str, int, float)) else ""
    return text[:limit]


def apply_refinement(insight: Insight, reply: str, *, model: str = "", on_event=lambda e: None,
                     cancel: threading.Event | None = None) -> Insight:
    """Lay a model's JSON reply over `insight`: regroup and recount, then add names and summaries.

    Anything in the reply that does not fit (unknown numbers, a member in two groups, a
    name that is too long) is dropped; a reply without JSON returns `insight` unchanged
    apart from `refined_by`.
    """
    shown = list(insight.aspects[:MAX_ASPECTS])
    data = _parse(reply)
    groups_in = data.get("groups") if isinstance(data.get("groups"), list) else []
    summaries_in = data.get("summaries") if isinstance(data.get("summaries"), dict) else {}
    taken: set[int] = set()
    merged: list[tuple[str, list[int]]] = []
    for group in groups_in:
        if not isinstance(group, dict) or not isinstance(group.get("members"), list):
            continue
        members = []
        for m in group["members"]:
            k = m if isinstance(m, int) else int(m) if isinstance(m, str) and m.strip().isdigit() else 0
            if 1 <= k <= len(shown) and k not in taken:
                taken.add(k)
                members.append(k)
        if members:
            merged.append((_one_line(group.get("name", ""), NAME_MAX), members))
    summaries = {int(k): _one_line(v, SUMMARY_MAX) for k, v in summaries_in.items()
                 if str(k).strip().isdigit() and 1 <= int(k) <= len(shown)}

    # The groups to count: the model's merges, every other aspect as it was.
    groups, labels, lines = [], [], []
    placed: set[int] = set()
    for name, members in merged:
        terms = [t for k in members for t in shown[k - 1].terms]
        groups.append(AspectGroup(shown[members[0] - 1].name if len(members) == 1 else
                                  "/".join(shown[k - 1].name for k in members), tuple(dict.fromkeys(terms))))
        labels.append(name)
        lines.append(next((summaries[k] for k in members if summaries.get(k)), ""))
        placed.update(members)
    for k, a in enumerate(insight.aspects, 1):
        if k not in placed:
            groups.append(AspectGroup(a.name, a.terms))
            labels.append("")
            lines.append(summaries.get(k, ""))
    recounted = insight if not merged else regroup(insight, groups, on_event=on_event, cancel=cancel)
    if recounted.cancelled:
        return recounted
    by_name = {g.name: (label, line) for g, label, line in zip(groups, labels, lines)}
    aspects = tuple(replace(a, label=by_name.get(a.name, ("", ""))[0], summary=by_name.get(a.name, ("", ""))[1])
                    for a in recounted.aspects)
    return replace(recounted, aspects=aspects, refined_by=model)


def _parse(reply: str) -> dict:
    m = _JSON_OBJECT.search(reply or "")
    if not m:
        return {}
    try:
        data = json.loads(m.group())
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def refine_insight(insight: Insight, model: str | Path, *, lang: str = "zh", device: str = "auto",
                   max_new_tokens: int = 768, on_event: Callable[[InsightEvent], None] = lambda e: None,
                   cancel: threading.Event | None = None) -> Insight:
    """Ask the chat model in folder `model` to group, name and summarise the aspects (see module doc).

    Raises `ModelLoadError` for a folder that is no model or has no chat template.
    """
    from ..models.loading import check_model_folder, load_tokenizer
    from ..writing.generation import GenerateConfig, generate

    cancel = cancel or threading.Event()
    folder = check_model_folder(model)
    if not getattr(load_tokenizer(folder), "chat_template", None):
        raise ModelLoadError("refine_no_chat", path=str(folder))
    if not insight.aspects or insight.cancelled:
        return insight
    on_event(InsightEvent("refining", 0, 1, insight.elapsed_s))
    # Greedy: the same insight and model give the same names every time.
    result = generate(str(folder), GenerateConfig(prompt=build_request(insight, lang), n=1,
                                                  max_new_tokens=max_new_tokens, temperature=0.0,
                                                  repetition_penalty=1.0, seed=0),
                      cancel=cancel, device=device)
    if result.cancelled:
        return replace(insight, cancelled=True)
    refined = apply_refinement(insight, result.variants[0] if result.variants else "", model=folder.name,
                               on_event=on_event, cancel=cancel)
    on_event(InsightEvent("refining", 1, 1, refined.elapsed_s))
    return refined
