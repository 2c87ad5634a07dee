"""What backs a draft's claims on the command line (the prompt, --facts) and in batch (every cell of
the row). A tiny model writes at random, so the claims are checked on known texts through the same
functions the commands use, and the commands themselves are run for what they store and print."""
from __future__ import annotations

import csv

from test_cli import cli, json_lines

from engine import cli as engine_cli
from engine.history import History, default_path
from engine.history.export import export
from engine.quality import check_variant
from engine.writing.batch import default_mapping, row_check_context
from main import build_parser

PROMPT = "纯棉毛巾，售价¥99"


def unsupported(flags) -> list[str]:
    return [f["match"] if isinstance(f, dict) else f.match for f in flags
            if (f["check"] if isinstance(f, dict) else f.check) == "unsupported_claim"]


def test_generate_counts_the_prompt_and_keeps_the_facts_with_the_run(tiny_model, wenan_home):
    proc = cli(wenan_home, "generate", tiny_model, "--prompt", PROMPT, "--facts", "产地：日本  ", "-n", "2",
               "--seed", "3", "--max-new-tokens", "6", "--json")
    assert proc.returncode == 0, proc.stderr
    variants = [e for e in json_lines(proc.stdout) if e["event"] == "variant"]
    assert variants and all(v["text"].startswith(PROMPT) for v in variants)  # a plain-text model continues it
    for v in variants:  # the prompt's own claims are the seller's
        assert not {"纯棉", "¥99"} & set(unsupported(v["flags"]))
    with History(default_path()) as history:
        run = history.get_run(history.search(limit=1)[0].run_id)
    assert run.prompt == PROMPT and run.fields == {"facts": "产地：日本"}
    listed = json_lines(cli(wenan_home, "history", "--json").stdout)
    assert listed and {r["facts"] for r in listed} == {"产地：日本"}

    proc = cli(wenan_home, "generate", tiny_model, "--prompt", "青禾", "-n", "1", "--max-new-tokens", "4")
    assert proc.returncode == 0, proc.stderr
    with History(default_path()) as history:  # no --facts: nothing stored for them
        assert history.get_run(history.search(limit=1)[0].run_id).fields is None


def test_generate_checks_the_drafts_against_the_prompt_and_the_facts(tiny_model):
    assert build_parser().parse_args(["generate", "m", "--prompt", "p", "--facts", "¥99"]).facts == "¥99"
    texts = [PROMPT + "，日本进口，三年质保", PROMPT]
    flags, order = engine_cli.write.check_drafts(tiny_model, texts, [PROMPT, ""])
    assert [unsupported(f) for f in flags] == [["日本进口", "三年"], []] and order == [1, 0]
    flags, order = engine_cli.write.check_drafts(tiny_model, texts, [PROMPT, "Made in Japan, 3-year warranty"])
    assert [unsupported(f) for f in flags] == [[], []]


def test_every_cell_of_a_batch_row_backs_its_drafts():
    assert default_mapping(["product", "可核实的事实", "价格"], "detail") == {"product": "product",
                                                                       "facts": "可核实的事实"}
    values = {"product": "青禾毛巾", "keywords": "柔软"}
    draft = "青禾毛巾，全棉面料，到手价39元，柔软"
    ctx = row_check_context("detail", values, ["青禾毛巾", "柔软"])
    assert unsupported(check_variant(draft, ctx)) == ["全棉", "39元"]
    # a column no field maps (价格) counts as much as one that does (the facts column)
    ctx = row_check_context("detail", values, ["青禾毛巾", "柔软", "材质：纯棉", "¥39"])
    assert unsupported(check_variant(draft, ctx)) == []



def test_the_facts_are_kept_and_exported_with_their_request(tmp_path):
    with History(tmp_path / "history.sqlite") as history:
        history.add_run("shop", "场景：商品标题\n产品：毛巾", {"n": 1}, 1, ["纯棉毛巾 ¥39"], scenario="title",
                        fields={"product": "毛巾", "facts": "材质：纯棉\n¥39"})
        history.add_run("shop", "青禾", {"n": 1}, 2, ["青禾毛巾"])  # no form at all, as older runs
        rows = history.search()
    assert [r.facts for r in rows] == ["", "材质：纯棉\n¥39"]  # newest first
    with export(rows, tmp_path / "out.csv").open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert {r["text"]: r["facts"] for r in table} == {"青禾毛巾": "", "纯棉毛巾 ¥39": "材质：纯棉\n¥39"}
    txt = export(rows, tmp_path / "out.txt").read_text(encoding="utf-8")
    assert "facts:\n    材质：纯棉\n    ¥39\nai_label" in txt and "facts:\nai_label" in txt  # none: an empty line
