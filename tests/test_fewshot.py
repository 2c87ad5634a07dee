"""Writing before training: the shop's own copy as few-shot examples, and the system message
a chat model writes under."""
from __future__ import annotations

import json
import os

import pytest
from conftest import SAMPLE

from engine.common.errors import ConfigError, DataFileError
from engine.data.examples import EXAMPLES_FILE, Example, ExampleIndex, index_for_file, save_examples, terms
from engine.data.samples import Sample
from engine.models import PromptStyle, load_tokenizer
from engine.writing.briefing import length_note, system_message
from engine.writing.generation import GenerateConfig, generate

SHOP = ["竹纤维毛巾柔软吸水，洗脸擦手都舒服。",
        "不锈钢保温杯，早上倒的热水，下午还是热的。",
        "竹纤维毛巾三条装，全家一人一条。",
        "纯棉T恤透气不闷，夏天穿刚好。",
        "Bamboo towels that dry fast and stay soft.",
        "A steel bottle that keeps coffee hot until lunch."]


def test_terms_are_chinese_bigrams_and_english_words():
    assert terms("竹纤维 Towel's soft!") == ["竹纤", "纤维", "towel's", "soft"]
    assert terms("好") == ["好"]


def test_the_closest_samples_come_first_in_both_languages():
    index = ExampleIndex(Example(t) for t in SHOP)
    assert [e.text for e in index.select("产品：竹纤维毛巾 卖点：吸水", 2)] == [SHOP[0], SHOP[2]]
    assert index.select("保温杯", 1)[0].text == SHOP[1]
    assert index.select("a soft bamboo towel", 1)[0].text == SHOP[4]
    assert index.select("bottle for coffee", 1)[0].text == SHOP[5]


def test_near_copies_are_skipped_and_unrelated_requests_still_get_the_shops_voice():
    shop = ["竹纤维毛巾柔软吸水。", "竹纤维毛巾柔软吸水！", "竹纤维毛巾，三条装。", "保温杯一整天都热。"]
    index = ExampleIndex(Example(t) for t in shop)
    chosen = [e.text for e in index.select("竹纤维毛巾柔软吸水", 2)]
    assert chosen == [shop[0], shop[2]]  # shop[1] says what shop[0] says
    filler = index.select("蓝牙耳机", 3)  # nothing in common: spread over the file
    assert len(filler) == 3 and len({e.text for e in filler}) == 3
    assert ExampleIndex([]).select("x", 3) == [] and index.select("x", 0) == []


def test_long_examples_are_cut_at_a_sentence_end():
    text = "第一句很长" * 30 + "。" + "第二句" * 100
    short = Example(text).shortened(200)
    assert short.text == "第一句很长" * 30 + "。"
    assert Example("短。").shortened(200).text == "短。"


def test_a_gbk_pairs_file_is_read_like_the_data_page_and_indexed_once(tmp_path):
    path = tmp_path / "旧文案.csv"
    path.write_bytes("要求,文案\n竹纤维毛巾,柔软吸水的竹纤维毛巾\n保温杯,一整天都热的保温杯\n".encode("gb18030"))
    index = index_for_file(path)
    assert index.select("保温杯", 1) == [Example("一整天都热的保温杯", "保温杯")]
    assert index_for_file(path) is index  # unchanged file: the same index
    path.write_bytes("要求,文案\n竹纤维毛巾,柔软吸水的竹纤维毛巾\n雨伞,晴雨两用的折叠伞\n".encode("gb18030"))
    os.utime(path, ns=(1, 1))
    assert index_for_file(path) is not index
    assert index_for_file(path).select("雨伞", 1)[0].text == "晴雨两用的折叠伞"


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02binary\x00" * 50])
def test_an_unusable_examples_file_gets_the_data_pages_message(tmp_path, content):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(DataFileError):
        index_for_file(path)
    with pytest.raises(DataFileError):
        index_for_file(tmp_path / "missing.txt")


def test_samples_kept_with_a_model_round_trip(tmp_path):
    from engine.data.examples import index_for_model
    save_examples(tmp_path, [Sample("柔软吸水的竹纤维毛巾", "竹纤维毛巾"), Sample("一整天都热的保温杯")])
    lines = [json.loads(line) for line in (tmp_path / EXAMPLES_FILE).read_text(encoding="utf-8").splitlines()]
    assert lines == [{"text": "柔软吸水的竹纤维毛巾", "prompt": "竹纤维毛巾"}, {"text": "一整天都热的保温杯"}]
    index = index_for_model(tmp_path, source="shop.csv")
    assert index.source == "shop.csv" and index.select("保温杯", 1)[0].text == "一整天都热的保温杯"
    assert index_for_model(tmp_path / "elsewhere") is None


# ---- the system message ----

def test_system_message_states_the_task_the_limit_and_the_rules():
    zh = system_message("title", "淘宝", "zh")
    assert "商品标题" in zh and "不超过 30 个汉字（60 字节）" in zh
    assert "广告法" in zh and "绝不冒充顾客" in zh and "不要编造数字" in zh
    en = system_message("review_reply", "Amazon", "en")
    assert "reply to this real customer review" in en and "Never pose as a customer" in en
    assert "advertising law" in en
    assert length_note("title", "amazon", "en") == "Length: at most 200 characters."
    assert length_note("detail", None, "zh") is None or "长度" in length_note("detail", None, "zh")
    listed = system_message("slogan", None, "zh", listed=["一句旧文案"])
    assert listed.endswith("不要照抄）：\n- 一句旧文案")


def test_chat_prompt_has_the_system_message_then_the_shops_pairs_as_turns(qwen2_base):
    tok = load_tokenizer(qwen2_base)
    ids = PromptStyle("chat").prompt_ids(tok, "产品：保温杯", system="SYS",
                                         examples=[Example("旧文案一", "产品：毛巾"), Example("没有需求的旧文案")])
    text = tok.decode(ids)
    assert text == ("<|im_start|>system\nSYS<|im_end|>\n<|im_start|>user\n产品：毛巾<|im_end|>\n"
                    "<|im_start|>assistant\n旧文案一<|im_end|>\n<|im_start|>user\n产品：保温杯<|im_end|>\n"
                    "<|im_start|>assistant\n")


def test_a_template_without_a_system_role_gets_it_in_the_first_user_turn(qwen2_base):
    tok = load_tokenizer(qwen2_base)
    tok.chat_template = ("{% for m in messages %}{% if m['role'] == 'system' %}"
                         "{{ raise_exception('System role not supported') }}{% endif %}"
                         "<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
                         "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")
    text = tok.decode(PromptStyle("chat").prompt_ids(tok, "产品：保温杯", system="SYS"))
    assert "system" not in text and text.replace(" ", "").startswith("<|im_start|>user\nSYS\n\n产品：保温杯")


def test_plain_models_see_each_example_as_a_sample_of_its_own(gpt2_base):
    tok = load_tokenizer(gpt2_base)
    style = PromptStyle("plain")
    ids = style.prompt_ids(tok, "产品：保温杯", examples=[Example("旧文案", "产品：毛巾")])
    eos = tok.eos_token_id
    assert ids.count(eos) == 2  # the start, and the end of the example
    assert tok.decode(ids, skip_special_tokens=True).replace(" ", "") == "产品：毛巾\n\n旧文案产品：保温杯\n\n"


# ---- generation from a base, before any training ----

def test_a_chat_base_writes_with_the_closest_of_the_sellers_copy(qwen2_base, tmp_path):
    shop = tmp_path / "我的文案.txt"
    shop.write_text("\n".join(SHOP), encoding="utf-8")
    cfg = GenerateConfig(prompt="场景：商品标题\n产品：竹纤维毛巾", n=2, max_new_tokens=8, seed=1,
                         scenario="title", platform="淘宝", examples=str(shop), n_examples=2)
    out = generate(str(qwen2_base), cfg)
    assert out.drafted_by == "base" and out.chat
    assert set(out.examples_used) == {SHOP[0], SHOP[2]} and out.examples_source == "我的文案.txt"
    assert out.variants
    again = generate(str(qwen2_base), cfg)
    assert again.variants == out.variants  # the same seed, the same examples: the same drafts
    none = generate(str(qwen2_base), GenerateConfig(prompt="产品：竹纤维毛巾", n=1, max_new_tokens=4, seed=1))
    assert none.examples_used == () and none.examples_source == ""


def test_examples_that_leave_no_room_are_dropped_least_close_first(qwen2_base, tmp_path):
    shop = tmp_path / "long.txt"  # each example about 50 tokens of a 512-position model
    shop.write_text("\n".join(f"竹纤维毛巾{i}号，" + "柔软吸水又耐用，" * 5 for i in range(6)), encoding="utf-8")
    out = generate(str(qwen2_base), GenerateConfig(prompt="竹纤维毛巾", n=1, max_new_tokens=40, seed=0,
                                                   examples=str(shop), n_examples=6))
    assert 0 < len(out.examples_used) < 6
    assert not out.prompt_cut


def test_scratch_models_are_never_shown_examples(tiny_model):
    out = generate(tiny_model, GenerateConfig(prompt="竹纤维毛巾", n=1, max_new_tokens=4, seed=0,
                                              examples=str(SAMPLE)))
    assert out.examples_used == () and out.drafted_by == "trained" and not out.chat


@pytest.mark.parametrize("field,value", [("scenario", "reviews"), ("n_examples", 9), ("n_examples", -1)])
def test_bad_writing_options_are_refused(tiny_model, field, value):
    from dataclasses import replace
    with pytest.raises(ConfigError):
        generate(tiny_model, replace(GenerateConfig(prompt="x"), **{field: value}))


def test_cli_writes_from_a_base_with_examples_and_says_so(qwen2_base, tmp_path, capsys):
    import main
    pairs = tmp_path / "旧文案.csv"
    pairs.write_text("prompt,copy\n产品：保温杯,一整天都热\n产品：毛巾,软软的毛巾洗脸很舒服\n", encoding="utf-8")
    code = main.main(["generate", str(qwen2_base), "--prompt", "产品：保温杯", "-n", "1", "--max-new-tokens", "4",
                      "--seed", "3", "--scenario", "slogan", "--examples", str(pairs), "--json"])
    assert code == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    done = events[-1]
    assert done["event"] == "done" and done["drafted_by"] == "base" and done["chat"] is True
    assert done["examples_source"] == "旧文案.csv" and done["examples"] == ["一整天都热", "软软的毛巾洗脸很舒服"]
    code = main.main(["generate", str(qwen2_base), "--prompt", "x", "--scenario", "reviews"])
    assert code == 2


def test_train_says_what_to_expect_before_it_starts(tiny_model, gpt2_base, capsys):
    import main
    assert main.main(["train", str(SAMPLE), "--name", "s1", "--max-steps", "1", "--batch-size", "2"]) == 0
    assert "rough drafts" in capsys.readouterr().err
    assert main.main(["train", str(SAMPLE), "--name", "s2", "--base", tiny_model, "--max-steps", "1",
                      "--batch-size", "2"]) == 0  # continuing a scratch model is still scratch
    assert "rough drafts" in capsys.readouterr().err
    assert main.main(["train", str(SAMPLE), "--name", "g1", "--base", str(gpt2_base), "--max-steps", "1",
                      "--batch-size", "2"]) == 0
    err = capsys.readouterr().err
    assert "already writes fluently" in err and "rough drafts" not in err
