"""The history store on real SQLite files: recording, search, deletes, migrations,
damage, and kill -9 in the middle of writes."""
from __future__ import annotations

import dataclasses
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import ROOT, subprocess_env

from engine.common import HistoryError, HistoryNewerError, paths
from engine.history import History
from engine.history import schema as history_schema
from engine.history.schema import CURRENT_VERSION, MIGRATIONS
from engine.writing import GenerateConfig

FLAGS = [{"check": "absolute_terms", "terms": ["最好"]}, {"check": "missing_keywords", "terms": ["包邮"]}]


def raw(path: Path) -> sqlite3.Connection:
    """A plain connection that looks at the file without going through History."""
    return sqlite3.connect(path, isolation_level=None)


def add(h: History, texts: list[str], *, model: str = "shop-m1", prompt: str = "场景：广告语",
        scenario: str | None = "slogan", when: datetime | None = None) -> int:
    return h.add_run(model, prompt, {"n": len(texts), "temperature": 0.8}, 7, texts, scenario=scenario,
                     created_at=when)


def texts(rows) -> list[str]:
    return [r.text for r in rows]


# ---- recording ----

def test_a_run_is_stored_with_everything_needed_to_show_and_rerun_it(wenan_home):
    cfg = GenerateConfig(prompt="ignored: the prompt argument wins", n=4, max_new_tokens=96, temperature=0.6,
                         top_p=0.9, top_k=0, repetition_penalty=1.2, seed=None)
    fields = {"product": "竹纤维毛巾", "keywords": "包邮"}
    with History() as h:
        assert h.path == paths.data_dir() / "history.sqlite3" == wenan_home / "history.sqlite3"
        assert h.recovered_from is None and h.recovery_notice() is None
        run_id = h.add_run("shop-m1", "场景：广告语\n产品：竹纤维毛巾", cfg, 1234,
                           ["柔软吸水的竹纤维毛巾", {"text": "最好的毛巾", "flags": FLAGS}, {"text": "第三条", "index": 3}],
                           scenario="slogan", fields=fields)
        run = h.get_run(run_id)
        request = h.rerun_request(run_id)

    assert (run.model, run.scenario, run.fields, run.seed) == ("shop-m1", "slogan", fields, 1234)
    assert run.prompt == "场景：广告语\n产品：竹纤维毛巾"
    assert run.params == {"n": 4, "max_new_tokens": 96, "temperature": 0.6, "top_p": 0.9, "top_k": 0,
                          "repetition_penalty": 1.2, "scenario": None, "platform": None, "examples": None,
                          "n_examples": 3}
    created = datetime.fromisoformat(run.created_at)
    assert created.utcoffset() == timedelta(0) and abs(datetime.now(timezone.utc) - created) < timedelta(minutes=1)
    assert [(v.index, v.text, v.flags) for v in run.variants] == [
        (0, "柔软吸水的竹纤维毛巾", ()), (1, "最好的毛巾", tuple(FLAGS)), (3, "第三条", ())]
    assert all(v.ai_generated and not v.favorite and v.edited_text is None for v in run.variants)
    # The same request again: same prompt, every parameter, and the seed actually used.
    assert request.model == "shop-m1" and request.scenario == "slogan" and request.fields == fields
    assert request.config == dataclasses.replace(cfg, prompt=run.prompt, seed=1234)

    with raw(wenan_home / "history.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA user_version").fetchone()[0] == CURRENT_VERSION == len(MIGRATIONS)
        assert db.execute("SELECT DISTINCT ai_generated FROM variants").fetchall() == [(1,)]
        with pytest.raises(sqlite3.IntegrityError):  # the AI label cannot be switched off
            db.execute("UPDATE variants SET ai_generated = 0")


def test_parameters_a_later_version_stored_do_not_break_rerun():
    with History() as h:
        run_id = h.add_run("m", "p", {"temperature": 0.5, "knob_from_the_future": 3}, 9, ["a"])
        assert h.rerun_request(run_id).config == GenerateConfig(prompt="p", temperature=0.5, seed=9)


def test_edit_keeps_the_original_and_favorites_toggle():
    with History() as h:
        run_id = add(h, ["原始文案：竹纤维毛巾"])
        vid = h.get_run(run_id).variants[0].id
        h.edit_variant(vid, "改过的文案：纯棉浴巾")
        h.set_favorite(vid, True)
        row = h.get_run(run_id).variants[0]
        assert (row.text, row.original_text, row.edited_text, row.favorite) == (
            "改过的文案：纯棉浴巾", "原始文案：竹纤维毛巾", "改过的文案：纯棉浴巾", True)
        # Search follows the text the user sees.
        assert texts(h.search("纯棉浴")) == ["改过的文案：纯棉浴巾"] and h.search("竹纤维") == []
        h.edit_variant(vid, "原始文案：竹纤维毛巾")  # typing the original back is no edit
        h.set_favorite(vid, False)
        row = h.get_run(run_id).variants[0]
        assert row.edited_text is None and not row.favorite and texts(h.search("竹纤维")) == ["原始文案：竹纤维毛巾"]
        with pytest.raises(HistoryError) as err:
            h.edit_variant(vid + 100, "x")
        assert err.value.key == "history_variant_missing" and str(vid + 100) in str(err.value)


def test_an_edit_can_replace_the_flags_with_those_of_the_new_text():
    with History() as h:
        run_id = h.add_run("m", "p", {}, 1, [{"text": "全网第一的毛巾", "flags": [{"check": "absolute_terms"}]}])
        vid = h.get_run(run_id).variants[0].id
        h.edit_variant(vid, "很受欢迎的毛巾", flags=[])
        row = h.get_run(run_id).variants[0]
        assert (row.text, row.flags) == ("很受欢迎的毛巾", ())
        h.edit_variant(vid, "口碑很好的毛巾")  # no flags given: the stored ones stay
        assert h.get_run(run_id).variants[0].flags == ()


def test_first_opens_racing_on_a_new_file_all_succeed(tmp_path):
    # The app's worker and the CLI can both create the file at the same moment.
    for attempt in range(10):
        path, errors, barrier = tmp_path / f"h{attempt}.sqlite3", [], threading.Barrier(6)

        def open_one() -> None:
            barrier.wait()
            try:
                with History(path) as h:
                    add(h, ["同时打开"])
            except Exception as err:  # collected, so the assertion below names it
                errors.append(err)

        threads = [threading.Thread(target=open_one) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        with History(path) as h:
            assert h.count("同时打开") == 6


def test_one_history_is_safe_to_share_between_threads():
    with History() as h:
        def writer(tag: str) -> None:
            for i in range(20):
                add(h, [f"{tag} 文案 {i}"])
        threads = [threading.Thread(target=writer, args=(t,)) for t in ("甲", "乙", "丙")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert h.count() == 60 and h.count("乙 文案") == 20


WRITER_PROCESS = r"""
import sys
from engine.history import History
tag = sys.argv[1]
print("ready", flush=True)
sys.stdin.readline()  # both processes start together, on a history file that does not exist yet
with History() as h:
    for i in range(400):
        run_id = h.add_run(tag, f"prompt {i}", {"n": 3}, i, [f"{tag}#{i}#{j}# 文案" for j in range(3)])
        variant = h.get_run(run_id).variants[0]
        h.set_favorite(variant.id, True)
        h.edit_variant(variant.id, f"{tag}#{i}# 改过的文案")
print("done", flush=True)
"""


def test_two_processes_write_the_same_history_at_once(wenan_home):
    # The app and the CLI (or a second window) each hold their own connection to the one file.
    procs = [subprocess.Popen([sys.executable, "-c", WRITER_PROCESS, tag], cwd=ROOT, env=subprocess_env(wenan_home),
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for tag in ("app", "cli")]
    try:
        assert [p.stdout.readline() for p in procs] == ["ready\n"] * 2
        for p in procs:
            p.stdin.write("go\n")
            p.stdin.flush()
        outcomes = [p.communicate(timeout=300) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    assert [(p.returncode, out, err) for p, (out, err) in zip(procs, outcomes)] == [(0, "done\n", "")] * 2

    with History() as h:
        assert h.recovered_from is None
        for tag in ("app", "cli"):
            assert h.count(model=tag) == 1200 and h.count(model=tag, favorites_only=True) == 400
            assert texts(h.search(f"{tag}#7#")) == [f"{tag}#7# 改过的文案", f"{tag}#7#1# 文案", f"{tag}#7#2# 文案"]
    with raw(wenan_home / "history.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        db.execute("INSERT INTO variant_search(variant_search) VALUES ('integrity-check')")


# ---- search ----

@pytest.fixture
def stocked() -> History:
    h = History()
    add(h, ["竹纤维毛巾，柔软吸水不掉毛", "纯棉浴巾大号加厚"], prompt="场景：商品标题", scenario="title")
    add(h, ["好茶一杯，回甘悠长"], model="tea-model", prompt="产品：绿茶", scenario=None)
    add(h, ["100% Cotton_Towel, 50%off", 'say "AND OR* now'], model="en-model", prompt="english")
    yield h
    h.close()


def test_trigram_search_finds_chinese_substrings(stocked):
    assert texts(stocked.search("纤维毛")) == ["竹纤维毛巾，柔软吸水不掉毛"]
    assert texts(stocked.search("回甘悠长")) == ["好茶一杯，回甘悠长"]
    assert texts(stocked.search("cotton")) == ["100% Cotton_Towel, 50%off"]  # Latin letters ignore case
    # The prompt and the model name are searched too.
    assert set(texts(stocked.search("商品标题"))) == {"竹纤维毛巾，柔软吸水不掉毛", "纯棉浴巾大号加厚"}
    assert texts(stocked.search("tea-model")) == ["好茶一杯，回甘悠长"]


def test_short_chinese_queries_fall_back_to_like(stocked):
    assert texts(stocked.search("毛巾")) == ["竹纤维毛巾，柔软吸水不掉毛"]  # 2 characters: too short for trigrams
    assert texts(stocked.search("茶")) == ["好茶一杯，回甘悠长"]
    assert texts(stocked.search("绿")) == ["好茶一杯，回甘悠长"]  # found in the prompt
    assert stocked.count("浴") == 1


def test_like_wildcards_in_the_query_are_literal(stocked):
    assert texts(stocked.search("%")) == ["100% Cotton_Towel, 50%off"]
    assert texts(stocked.search("_")) == ["100% Cotton_Towel, 50%off"]
    assert stocked.search("0_") == [] and stocked.search("\\") == []


def test_every_term_must_match(stocked):
    assert texts(stocked.search("柔软 毛巾")) == ["竹纤维毛巾，柔软吸水不掉毛"]  # long + short term
    assert texts(stocked.search("吸水\u3000竹纤维")) == ["竹纤维毛巾，柔软吸水不掉毛"]  # ideographic space splits too
    assert stocked.search("柔软 浴巾") == [] and stocked.search("纤维毛 回甘悠") == []


# Rows that hold FTS5 operators as plain text, and one that holds the same words without them:
# a query passed to FTS5 as syntax finds the last one (or raises) instead of the literal text.
OPERATOR_TEXTS = ['say "AND OR* now', "a:b col:* ^x NEAR(x y)", "{text}: 毛巾 (限时)* -5元",
                  "'; DROP TABLE runs; -- 不是注入", "and or not near text col a b x y drop table runs"]


@pytest.fixture
def operators() -> History:
    h = History()
    for text in OPERATOR_TEXTS:
        add(h, [text], model="ops", prompt="场景：广告语")
    yield h
    h.close()


@pytest.mark.parametrize("query,found", [
    ('"AND OR*', [0]), ('"', [0]), ("NOT", [4]), ("AND", [4, 0]), ("(", [2, 1]), (")*", [2]), ("a:b", [1]),
    ("NEAR(x y)", [1]), ("^x", [1]), ("-", [3, 2]), ("'; DROP TABLE runs; --", [3]), ("col:*", [1]),
    ("{text}: 毛巾", [2]), ("near x", [4, 1]),
])
def test_fts_syntax_in_user_queries_is_plain_text(operators, query, found):
    expected = [OPERATOR_TEXTS[i] for i in found]  # newest first: the later rows come first
    assert texts(operators.search(query)) == expected
    assert operators.count(query) == len(expected)
    assert operators.count() == len(OPERATOR_TEXTS)  # and nothing was dropped


def test_filters_dates_order_and_paging():
    day = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)
    with History() as h:
        add(h, ["一月的文案甲"], model="m-a", scenario="detail", when=day - timedelta(days=30))
        add(h, ["三月的文案乙", "三月的文案丙"], model="m-b", scenario="slogan", when=day)
        fav = add(h, ["三月底的文案丁"], model="m-a", scenario=None, when=day + timedelta(days=20))
        h.set_favorite(h.get_run(fav).variants[0].id)

        assert texts(h.search()) == ["三月底的文案丁", "三月的文案乙", "三月的文案丙", "一月的文案甲"]  # newest first
        assert texts(h.search(model="m-a")) == ["三月底的文案丁", "一月的文案甲"]
        assert texts(h.search(scenario="slogan")) == ["三月的文案乙", "三月的文案丙"]
        assert texts(h.search(favorites_only=True)) == ["三月底的文案丁"]
        assert texts(h.search(since=day, until=day + timedelta(days=1))) == ["三月的文案乙", "三月的文案丙"]
        assert texts(h.search(until=day)) == ["一月的文案甲"]  # until is exclusive
        # A naive datetime is local time: the same instant must give the same answer.
        local = day.astimezone().replace(tzinfo=None)
        assert texts(h.search(since=local, until=local + timedelta(seconds=1))) == ["三月的文案乙", "三月的文案丙"]
        assert texts(h.search("文案", model="m-a", since=day)) == ["三月底的文案丁"]
        assert texts(h.search(limit=2, offset=1)) == ["三月的文案乙", "三月的文案丙"]
        assert h.count() == 4 and h.count(model="m-b") == 2 and h.count("文案丙") == 1
        assert h.models() == ["m-a", "m-b"]


# ---- deleting ----

def test_deleted_runs_vanish_and_undo_brings_them_back():
    with History() as h:
        keep = add(h, ["留下的文案"])
        gone = add(h, ["删除的文案一", "删除的文案二"], model="other")
        token = h.delete_runs([gone])
        assert texts(h.search()) == ["留下的文案"] and h.search("删除的") == [] and h.models() == ["shop-m1"]
        with pytest.raises(HistoryError) as err:
            h.get_run(gone)
        assert "may have been deleted" in str(err.value)
        with pytest.raises(HistoryError):
            h.set_favorite(h.get_run(keep).variants[0].id + 1)  # a variant of the deleted run
        assert h.undo(token) == 1
        assert texts(h.search("删除的")) == ["删除的文案一", "删除的文案二"] and h.count() == 3
        assert h.undo(token) == 0  # once is enough


def test_deleted_variants_vanish_and_undo_brings_them_back():
    with History() as h:
        run_id = add(h, ["第一条文案", "第二条文案", "第三条文案"])
        second = h.get_run(run_id).variants[1].id
        token = h.delete_variants([second, 99999])
        assert token.ids == (second,)
        assert texts(h.get_run(run_id).variants) == ["第一条文案", "第三条文案"] and h.count("第二条") == 0
        h.undo(token)
        assert texts(h.get_run(run_id).variants) == ["第一条文案", "第二条文案", "第三条文案"]


def test_purge_removes_deleted_rows_for_good(wenan_home):
    with History() as h:
        add(h, ["保留"])
        run_id = add(h, ["清除甲", "清除乙"])
        lone = add(h, ["孤零零的一条"])
        token = h.delete_runs([run_id])
        h.delete_variants([v.id for v in h.get_run(lone).variants])
        assert h.purge_deleted() == 3
        assert h.undo(token) == 0 and h.count() == 1
    with raw(wenan_home / "history.sqlite3") as db:
        # The run left with no variants went too, and the search index followed.
        assert db.execute("SELECT count(*) FROM runs").fetchone()[0] == 1
        assert db.execute("SELECT count(*) FROM variants").fetchone()[0] == 1
        assert db.execute("SELECT count(*) FROM variant_search").fetchone()[0] == 1
        db.execute("INSERT INTO variant_search(variant_search) VALUES ('integrity-check')")


def test_deletes_become_permanent_when_the_session_ends(wenan_home):
    db_path = wenan_home / "history.sqlite3"
    with History() as h:
        add(h, ["保留"])
        h.delete_runs([add(h, ["本次会话删除的"])])
    with raw(db_path) as db:
        assert db.execute("SELECT count(*) FROM runs").fetchone()[0] == 1
    # A session that crashed leaves soft-deleted rows; a later open purges the stale ones.
    with History() as h:
        stale, fresh = add(h, ["崩溃前删除的"]), add(h, ["刚刚被另一个窗口删除的"])
    with raw(db_path) as db:
        long_ago = (datetime.now(timezone.utc) - timedelta(hours=2)).isoformat(timespec="microseconds")
        db.execute("UPDATE runs SET deleted_at = ? WHERE id = ?", (long_ago, stale))
        db.execute("UPDATE runs SET deleted_at = ? WHERE id = ?", (datetime.now(timezone.utc).isoformat(), fresh))
    with History() as h:
        assert texts(h.search()) == ["保留"]
    with raw(db_path) as db:
        assert sorted(r[0] for r in db.execute("SELECT id FROM runs")) == sorted([1, fresh])


def test_clear_all_leaves_no_trace_of_the_text(wenan_home):
    marker = "独一无二的隐私文案XYZZY"
    with History() as h:
        for i in range(30):
            add(h, [f"{marker}{i}", "普通文案"], prompt=f"{marker} prompt")
        h.delete_runs([1])
        assert h.clear_all() == 29
        assert h.count() == 0 and h.models() == [] and h.search(marker) == []
        add(h, ["清空之后的新文案"])
        assert h.count() == 1
    files = [p for p in wenan_home.iterdir() if p.name.startswith("history.sqlite3")]
    assert files and all(marker.encode() not in p.read_bytes() for p in files)


# ---- migrations ----

def make_v1_database(path: Path) -> None:
    """A history exactly as version 1 of the schema wrote it."""
    with raw(path) as db:
        db.executescript(f"BEGIN; {MIGRATIONS[0]} PRAGMA user_version = 1; COMMIT;")
        db.execute("INSERT INTO runs (id, created_at, model, scenario, fields, prompt, params, seed)"
                   " VALUES (1, '2025-01-02T03:04:05.000000+00:00', 'old-model', 'slogan',"
                   " '{\"product\": \"老茶\"}', '场景：广告语', '{\"n\": 2, \"temperature\": 0.7}', 42)")
        db.executemany("INSERT INTO variants (run_id, idx, text, flags, favorite) VALUES (1, ?, ?, ?, ?)",
                       [(0, "陈年普洱，越陈越香", "[]", 1), (1, "老茶新喝", '[{"check": "x"}]', 0)])
    db.close()


def test_a_version_1_history_is_migrated_and_keeps_its_data(wenan_home):
    db_path = wenan_home / "history.sqlite3"
    make_v1_database(db_path)
    with History() as h:
        assert h.recovered_from is None
        run = h.get_run(1)
        assert (run.model, run.fields, run.params, run.seed) == ("old-model", {"product": "老茶"},
                                                                 {"n": 2, "temperature": 0.7}, 42)
        assert [(v.text, v.favorite, v.flags) for v in run.variants] == [
            ("陈年普洱，越陈越香", True, ()), ("老茶新喝", False, ({"check": "x"},))]
        # The index added by a later version covers the old rows, by trigram and by LIKE.
        assert texts(h.search("越陈越香")) == ["陈年普洱，越陈越香"] and texts(h.search("新喝")) == ["老茶新喝"]
        h.edit_variant(run.variants[1].id, "老茶新泡")
        assert texts(h.search("老茶新泡")) == ["老茶新泡"]
        assert h.add_run("new-model", "p", {}, 1, ["新文案"]) == 2
    with raw(db_path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == CURRENT_VERSION
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_failing_migration_leaves_the_file_at_its_last_good_version(wenan_home, monkeypatch):
    db_path = wenan_home / "history.sqlite3"
    with History() as h:
        add(h, ["迁移前的文案"])
    broken = "CREATE TABLE half_done (x); SELECT no_such_function();"
    with monkeypatch.context() as patch:  # a context, so that leaving it keeps the test's WENAN_HOME
        patch.setattr(history_schema, "MIGRATIONS", (*MIGRATIONS, broken))
        patch.setattr(history_schema, "CURRENT_VERSION", CURRENT_VERSION + 1)
        with pytest.raises(HistoryError) as err:
            History()
    assert err.value.key == "history_unusable"
    with raw(db_path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == CURRENT_VERSION
        assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").fetchone()[0] == 0
    assert not list(wenan_home.glob("*.corrupt-*"))  # a bug in a migration is not damage
    with History(db_path) as h:
        assert texts(h.search()) == ["迁移前的文案"]


# ---- damage and foreign files ----

def test_a_history_from_a_newer_version_is_refused_and_left_untouched(wenan_home):
    db_path = wenan_home / "history.sqlite3"
    with History() as h:
        add(h, ["新版本的文案"])
    with raw(db_path) as db:
        db.execute(f"PRAGMA user_version = {CURRENT_VERSION + 5}")
    db.close()
    before = db_path.read_bytes()
    for _ in range(2):
        with pytest.raises(HistoryNewerError) as err:
            History()
        assert "newer version" in str(err.value) and str(CURRENT_VERSION + 5) in str(err.value)
        assert "更新" in err.value.message("zh")
    assert db_path.read_bytes() == before and not list(wenan_home.glob("*.corrupt-*"))


def test_garbage_is_moved_aside_with_its_wal_and_a_new_history_starts(wenan_home):
    db_path = wenan_home / "history.sqlite3"
    with History() as h:
        add(h, ["损坏前的文案"])
    garbage = random.Random(0).randbytes(64 * 1024)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").write_bytes(garbage)

    with History() as h:
        moved = h.recovered_from
        assert moved is not None and moved.name.startswith("history.sqlite3.corrupt-")
        assert h.recovery_reason == "corrupt"
        assert str(moved) in h.recovery_notice() and "damaged" in h.recovery_notice()
        assert "已损坏" in h.recovery_notice("zh")
        assert h.count() == 0
        add(h, ["新的开始"])
    for suffix in ("", "-wal", "-shm"):
        assert Path(f"{moved}{suffix}").read_bytes() == garbage  # kept whole for a rescue
    # No crash loop: the next start is an ordinary one.
    with History() as h:
        assert h.recovered_from is None and texts(h.search()) == ["新的开始"]


def test_damaged_pages_inside_a_valid_header_are_detected(wenan_home):
    db_path = wenan_home / "history.sqlite3"
    with History() as h:
        for i in range(200):
            add(h, [f"第{i}条很长的文案" * 20, "另一条"])
    data = bytearray(db_path.read_bytes())
    assert len(data) > 16 * 4096
    data[4096:len(data) - 4096] = random.Random(1).randbytes(len(data) - 8192)  # keep the header page
    db_path.write_bytes(bytes(data))
    with History() as h:
        assert h.recovered_from is not None and h.count() == 0
    assert Path(h.recovered_from).read_bytes() == bytes(data)


def test_another_programs_database_is_set_aside_not_used(wenan_home):
    db_path = wenan_home / "history.sqlite3"
    with raw(db_path) as db:
        db.execute("CREATE TABLE notes (body TEXT)")
        db.execute("INSERT INTO notes VALUES ('someone else''s data')")
    db.close()
    with History() as h:
        assert h.recovery_reason == "foreign" and "not a Wenan Studio history" in h.recovery_notice()
        add(h, ["我们自己的"])
    with raw(h.recovered_from) as db:
        assert db.execute("SELECT body FROM notes").fetchall() == [("someone else's data",)]
    db.close()


def test_a_folder_that_cannot_hold_the_file_gives_a_clear_error(tmp_path):
    with pytest.raises(HistoryError) as err:
        History(tmp_path / "no-such-folder" / "history.sqlite3")
    assert err.value.key == "not_writable" and "no-such-folder" in str(err.value)


# ---- kill -9 ----

WRITER = r"""
from engine.history import History
h = History()
i = 0
while True:
    run_id = h.add_run("kill-model", f"prompt {i}", {"n": 4}, i,
                       [{"text": f"第{i}次第{j}条" * 40, "flags": [{"check": "c", "n": j}]} for j in range(4)])
    print(run_id, flush=True)  # only after COMMIT returned
    i += 1
"""


def test_kill_9_in_the_middle_of_writes_loses_nothing_committed(wenan_home):
    proc = subprocess.Popen([sys.executable, "-c", WRITER], cwd=ROOT, env=subprocess_env(wenan_home),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    reported = []
    try:
        for line in proc.stdout:
            reported.append(int(line))
            if len(reported) == 300:  # well into the loop: the next write is in flight
                proc.kill()  # SIGKILL; TerminateProcess on Windows
                break
        rest, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == (-signal.SIGKILL if os.name == "posix" else 1), err
    reported += [int(x) for x in rest.split("\n")[:-1]]  # a last line without "\n" was cut mid-print

    with History() as h:
        assert h.recovered_from is None
        for run_id in reported:
            run = h.get_run(run_id)
            assert len(run.variants) == 4 and run.variants[3].flags == ({"check": "c", "n": 3},)
        assert h.count(model="kill-model") >= 4 * len(reported)
    with raw(wenan_home / "history.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        db.execute("INSERT INTO variant_search(variant_search) VALUES ('integrity-check')")
        # No half-written run: every run has all its variants.
        assert db.execute("SELECT count(*) FROM runs r WHERE (SELECT count(*) FROM variants"
                          " WHERE run_id = r.id) != 4").fetchone()[0] == 0
