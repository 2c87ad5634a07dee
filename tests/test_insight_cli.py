"""The insights command's JSON contract and exit codes, refinement with a real tiny chat model,
and batch replies drafted from a review export."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, subprocess_env
from review_exports import cell_text, mentions_by_brute_force, taobao_csv

from engine.common import ModelLoadError
from engine.insight import analyze, apply_refinement, read_reviews, refine_insight
from engine.writing.batch import default_mapping, read_products, resolve_mapping, run_batch

MAIN = str(ROOT / "main.py")


def cli(home: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, MAIN, *args], capture_output=True, text=True, timeout=300,
                          env=subprocess_env(home), cwd=ROOT)


def test_insights_json_contract(wenan_home, tmp_path):
    path = taobao_csv(tmp_path / "reviews.csv")
    out = tmp_path / "insight.xlsx"
    proc = cli(wenan_home, "insights", str(path), "--json", "--top", "4", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    aspects, done = lines[:-1], lines[-1]
    assert 1 <= len(aspects) <= 4 and all(a["event"] == "aspect" for a in aspects)
    assert done["event"] == "done" and done["reviews"] == 19 and done["rated"] is True
    assert done["text_column"] == "评价内容" and out.is_file()
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    texts = [cell_text(r["评价内容"]) for r in rows if "没有填写" not in r["评价内容"]]
    for a in aspects:
        assert {"aspect", "mentions", "positive", "negative", "phrases", "examples"} <= a.keys()
        assert a["mentions"] == mentions_by_brute_force(texts, a["terms"])
        assert a["positive"] + a["negative"] <= a["mentions"]
        assert {"positive", "negative"} == a["phrases"].keys()
        for ex in a["examples"]:
            assert isinstance(ex["row"], int) and ex["quote"] in cell_text(rows[ex["row"] - 2]["评价内容"])
    assert [a["mentions"] for a in aspects] == sorted((a["mentions"] for a in aspects), reverse=True)

    text = cli(wenan_home, "insights", str(path), "--product", "亚麻衬衫", "--top", "3")
    assert text.returncode == 0, text.stderr
    assert "Selling points" in text.stdout and "row " in text.stdout and "of 亚麻衬衫" not in text.stdout


@pytest.mark.parametrize("args, words", [
    (["missing.csv"], "does not exist"),
    (["{bin}"], "binary file"),
    (["{csv}", "--text-column", "评语"], 'column "评语" is not in'),
    (["{csv}", "--top", "0"], "--top"),
    (["{csv}", "--since", "someday"], "--since"),
    (["{csv}", "--out", "{tmp}/insight.pdf"], ".csv or .xlsx"),
    (["{numbers}"], "holds the review text"),
])
def test_insights_bad_input_is_exit_2_with_one_line(wenan_home, tmp_path, args, words):
    binary = tmp_path / "reviews.csv"
    binary.write_bytes(b"\x00\x01PK" * 300)
    good = taobao_csv(tmp_path / "good.csv")
    numbers = tmp_path / "numbers.csv"
    numbers.write_text("订单编号,评分\n1,5\n2,4\n", encoding="utf-8")
    filled = [a.format(bin=binary, csv=good, tmp=tmp_path, numbers=numbers) for a in args]
    proc = cli(wenan_home, "insights", *filled, "--json")
    assert proc.returncode == 2
    assert proc.stdout == "" and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert words in proc.stderr and "Traceback" not in proc.stderr


def test_refine_with_a_tiny_chat_model_keeps_every_number_and_quote(qwen2_base, gpt2_base, tmp_path):
    insight = analyze(read_reviews(taobao_csv(tmp_path / "r.csv")).reviews)
    events = []
    refined = refine_insight(insight, qwen2_base, on_event=events.append, max_new_tokens=64)
    assert refined.refined_by == qwen2_base.name and any(e.phase == "refining" for e in events)
    # The random model writes noise: whatever it wrote, the counts and quotes are the counted ones.
    before = {a.name: (a.terms, a.mentions, a.positive, a.negative, a.examples) for a in insight.aspects}
    after = {a.name: (a.terms, a.mentions, a.positive, a.negative, a.examples) for a in refined.aspects}
    if not any(a.label for a in refined.aspects):
        assert after == before
    for a in refined.aspects:
        assert "\n" not in a.summary and len(a.summary) <= 120 and len(a.label) <= 16

    with pytest.raises(ModelLoadError) as err:
        refine_insight(insight, gpt2_base)
    assert err.value.key == "refine_no_chat"


def test_a_model_reply_groups_and_names_but_counting_gives_the_numbers(tmp_path):
    insight = analyze(read_reviews(taobao_csv(tmp_path / "r.csv")).reviews)
    names = [a.name for a in insight.aspects]
    fabric = next(i for i, a in enumerate(insight.aspects, 1) if "面料" in a.terms)
    workmanship = next(i for i, a in enumerate(insight.aspects, 1) if "做工" in a.terms)
    reply = ("好的，结果如下：" + json.dumps({
        "groups": [{"name": "面料与做工", "members": [fabric, workmanship, 999]},
                   {"name": "重复", "members": [fabric]}],
        "summaries": {str(fabric): "面料舒服，做工有好有坏。\n第二行", "1": "x" * 500},
        "mentions": 100000}, ensure_ascii=False))
    refined = apply_refinement(insight, reply, model="tiny-chat")
    merged = next(a for a in refined.aspects if a.label == "面料与做工")
    texts = [r.text for r in refined.reviews]
    assert merged.mentions == mentions_by_brute_force(texts, merged.terms) < 100000
    assert set(merged.terms) >= {"面料", "做工"} and merged.summary == "面料舒服，做工有好有坏。 第二行"
    for ex in merged.examples:
        assert ex.quote in refined.reviews[[r.row for r in refined.reviews].index(ex.row)].text
    # untouched aspects keep their counts; a too long summary is cut to one short line
    for a in refined.aspects:
        if a is not merged:
            old = insight.aspect(a.name)
            assert (a.mentions, a.positive, a.negative) == (old.mentions, old.positive, old.negative)
            assert len(a.summary) <= 120
    assert len(refined.aspects) == len(names) - 1
    assert apply_refinement(insight, "not json at all").aspects == insight.aspects


def _review_export(tmp_path: Path, with_product: bool) -> Path:
    path = tmp_path / ("reviews.csv" if with_product else "jd.csv")
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["订单编号", *(["宝贝名称"] if with_product else []), "评价内容", "评分"])
        for i, text in enumerate(["物流很快，面料舒服", "做工一般，线头很多"]):
            w.writerow([f"9{i}", *(["纯棉T恤"] if with_product else []), text, 5 - 3 * i])
    return path


def test_review_export_columns_map_to_the_reply_fields(tmp_path):
    assert default_mapping(["订单编号", "宝贝名称", "评价内容", "评分"], "review_reply") == {
        "product": "宝贝名称", "review": "评价内容"}
    assert default_mapping(["ASIN", "Product Title", "Rating", "Review Text"], "review_reply") == {
        "product": "Product Title", "review": "Review Text"}
    assert default_mapping(["商品名称", "评论内容"], "review_reply")["review"] == "评论内容"
    sheet = read_products(_review_export(tmp_path, with_product=False))
    assert resolve_mapping(sheet, "review_reply") == {"review": "评价内容"}  # the product may be left out


def test_batch_drafts_one_reply_per_real_review(tiny_model, tmp_path):
    reviews = _review_export(tmp_path, with_product=False)
    out = tmp_path / "replies.csv"
    result = run_batch(tiny_model, reviews, "review_reply", out, n=1, gen_overrides={"max_new_tokens": 8, "seed": 1},
                       fixed={"product": "保温杯"})
    assert result.done_rows == result.total_rows == 2 and not result.cancelled
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert [r["评价内容"] for r in rows] == ["物流很快，面料舒服", "做工一般，线头很多"]
    assert all(r["variant_1"] for r in rows)
    # the same run again is a finished batch; another product is another batch, refused on resume
    again = run_batch(tiny_model, reviews, "review_reply", out, n=1, gen_overrides={"max_new_tokens": 8, "seed": 1},
                      fixed={"product": "保温杯"})
    assert again.done_rows == 2


def test_jieba_keeps_its_cache_in_the_data_folder_not_the_temp_folder(wenan_home, tmp_path):
    temp = tmp_path / "temp"
    temp.mkdir()
    path = taobao_csv(tmp_path / "reviews.csv")
    env = subprocess_env(wenan_home, TMPDIR=str(temp), TEMP=str(temp), TMP=str(temp))
    proc = subprocess.run([sys.executable, MAIN, "insights", str(path), "--json"], capture_output=True, text=True,
                          timeout=300, env=env, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # jieba's "Building prefix dict…" log lines are silenced
    assert not [p for p in temp.rglob("*") if "jieba" in p.name]
    import jieba

    assert sorted(p.name for p in (wenan_home / "cache").iterdir() if "jieba" in p.name) == [
        f"jieba-{jieba.__version__}-aspect-words.cache", f"jieba-{jieba.__version__}.cache"]
