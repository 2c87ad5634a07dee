"""The system message a chat model writes under: the task, the platform's limit, the rules.

A pretrained instruct model knows how to write copy but not what this shop needs: which
piece (a title is not a detail page), how long the platform allows, that China's
Advertising Law forbids absolute terms (art. 9: 最, 第一, 国家级…), that it must not invent
facts, and that it writes as the shop, never as a customer (fake reviews are unlawful:
E-Commerce Law art. 17, the FTC rule of 2024). The message is in the request's language.
"""
from __future__ import annotations

from typing import Sequence

from ..quality.checklists import is_cjk_text, platform_key, rules_for

# What each scenario asks for, beyond its name.
TASKS: dict[str, tuple[str, str]] = {
    "detail": ("商品详情页文案：开头一两句点出最打动人的卖点，再逐条说明，具体、可信、易读。",
               "a product detail description: open with the main benefit in a sentence or two, then explain "
               "each selling point concretely and credibly."),
    "slogan": ("一句广告语：短、好记、有画面感，一般不超过 20 个字。只写一句。",
               "one ad slogan: short, memorable and vivid, usually under 12 words. Write one line only."),
    "social": ("一条社交媒体帖子（小红书、微博、朋友圈等）：口语化、亲切，可以用少量表情和话题标签。",
               "one social media post: conversational and warm; a few emoji or hashtags are fine."),
    "review_reply": ("店铺对这条真实顾客评价的公开回复：感谢或致歉，回应评价里提到的具体问题，"
                     "能解决的给出办法，真诚、不辩解、不过度推销。",
                     "the shop's public reply to this real customer review: thank or apologise, answer the "
                     "specific points it raises, offer a fix where there is one; sincere, not defensive, no hard sell."),
    "title": ("一个商品标题：核心品类词在前，包含关键属性和卖点，不堆砌重复词，不加标点装饰。",
              "one product title: the product type first, then key attributes and benefits; no keyword "
              "stuffing, no decoration."),
}

_RULES = {
    "zh": ("遵守《广告法》：不用“最”“第一”“顶级”“国家级”“100%”等绝对化用语。",
           "只写用户给出的信息和示例能支持的内容：不要编造数字、价格、销量、认证、获奖、材质或产地。",
           "以店铺的身份写作，绝不冒充顾客，不写顾客评价或买家秀。",
           "直接输出文案正文，不要解释，不要加引号或“文案：”之类的前缀。"),
    "en": ("Follow advertising law: no absolute claims such as \"best\", \"No. 1\", \"100%\" or \"guaranteed\".",
           "Only state what the request and the examples support: never invent numbers, prices, sales figures, "
           "certifications, awards, materials or origins.",
           "Write as the shop. Never pose as a customer and never write customer reviews or testimonials.",
           "Reply with the copy itself: no explanations, no quotation marks, no \"Copy:\" prefix."),
}


def request_language(prompt: str) -> str:
    """"zh" when the request holds Chinese, else "en"."""
    return "zh" if is_cjk_text(prompt) else "en"


def length_note(scenario: str | None, platform: str | None, lang: str) -> str | None:
    """The platform's length limit for this scenario, as the model should hear it, or None."""
    if not scenario:
        return None
    limits = []
    for rule in rules_for(scenario, platform_key(platform), lang):
        if rule.max_chars:
            limits.append(f"不超过 {rule.max_chars} 个字符" if lang == "zh" else f"at most {rule.max_chars} characters")
        if rule.max_bytes:
            limits.append(f"不超过 {rule.max_bytes // 2} 个汉字（{rule.max_bytes} 字节）" if lang == "zh"
                          else f"at most {rule.max_bytes} bytes")
        if rule.max_words:
            limits.append(f"不超过 {rule.max_words} 个英文单词" if lang == "zh" else f"at most {rule.max_words} words")
    if not limits:
        return None
    return ("长度：" + "，".join(limits) + "。") if lang == "zh" else ("Length: " + ", ".join(limits) + ".")


def system_message(scenario: str | None, platform: str | None, lang: str, *, example_turns: bool = False,
                   listed: Sequence[str] = ()) -> str:
    """The system message for one request (see the module docstring). `example_turns`: the shop's
    past request→copy pairs follow as earlier turns; `listed`: past copy without requests, quoted here."""
    zh = lang == "zh"
    where = (platform or "").strip()
    if zh:
        lines = [f"你是一家{where + '店铺' if where else '网店'}的资深文案，用店铺自己的口吻写作。"]
    else:
        lines = [f"You are the copywriter of an online shop{' on ' + where if where else ''}, writing in the "
                 "shop's own voice."]
    task = TASKS.get(scenario or "")
    if task:
        lines.append(("任务：" if zh else "Task: ") + task[0 if zh else 1])
    note = length_note(scenario, platform, lang)
    if note:
        lines.append(note)
    lines.extend(_RULES["zh" if zh else "en"])
    if example_turns:
        lines.append("前面几轮对话是这家店以前写的文案：学习它们的语气、用词和长度，但不要照抄。" if zh else
                     "The earlier turns are the shop's own past copy: follow their voice, wording and length, "
                     "but do not copy them.")
    if listed:
        lines.append("这家店以前写的文案（学习它们的语气、用词和长度，但不要照抄）：" if zh else
                     "The shop's own past copy (follow its voice, wording and length, but do not copy it):")
        lines.extend(f"- {' '.join(text.split())}" for text in listed)
    return "\n".join(lines)

