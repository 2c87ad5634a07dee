"""The command line on a Chinese system speaks Chinese; its JSON output is the same in every language."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, SAMPLE, subprocess_env

from engine.common.errors import message

MAIN = str(ROOT / "main.py")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def cli(home: Path, *args: str, lang: str = "zh_CN.UTF-8") -> subprocess.CompletedProcess:
    """As a user with a Chinese locale runs it: no WENAN_LANG, only the locale variables."""
    env = subprocess_env(home, LANG=lang, LC_ALL=lang)
    env.pop("WENAN_LANG")
    return subprocess.run([sys.executable, MAIN, *args], capture_output=True, text=True, timeout=300, env=env,
                          cwd=ROOT)


def human_lines(proc: subprocess.CompletedProcess, drafts: tuple[str, ...] = ()) -> list[str]:
    """Every line printed for people, the drafts themselves left out (the model writes those)."""
    lines = [line.strip() for line in (proc.stdout + proc.stderr).replace("\r", "\n").splitlines()]
    return [line for line in lines if line and not any(draft.strip() in line for draft in drafts if draft.strip())]


def test_the_cli_speaks_the_locales_language(wenan_home, tmp_path):
    empty = cli(wenan_home, "models")
    assert empty.returncode == 0 and empty.stdout.strip() == message("cli_no_models", "zh")

    missing = cli(wenan_home, "train", str(tmp_path / "missing.txt"), "--name", "m")
    assert missing.returncode == 2 and missing.stdout == ""
    assert missing.stderr.strip() == "错误：" + message("file_missing", "zh", path=tmp_path / "missing.txt")

    trained = cli(wenan_home, "train", str(SAMPLE), "--name", "青禾", "--max-steps", "2", "--batch-size", "4")
    assert trained.returncode == 0, trained.stderr
    out = trained.stdout.splitlines()
    assert out[0] == message("cli_saved", "zh", name="青禾", path=wenan_home / "models" / "青禾")
    assert out[1].startswith("验证损失 ") and "词元/秒" in out[1]
    assert re.search(r"^数据：.*条样本（训练 \d+ / 验证 \d+）", trained.stderr, re.M)
    assert re.search(r"^设备：CPU（\d+ 个线程） · 方法：全量微调$", trained.stderr, re.M)
    assert "步/s" in trained.stderr or "s/步" in trained.stderr  # tqdm's unit

    generated = cli(wenan_home, "generate", "青禾", "--prompt", "这款保温杯", "-n", "2", "--max-new-tokens", "8",
                    "--seed", "3")
    assert generated.returncode == 0, generated.stderr
    drafts = tuple(re.findall(r"^\[\d\] (.*)$", generated.stdout, re.M))
    assert len(drafts) == 2
    assert re.fullmatch(r"种子 3 · 用时 [\d.]+ 秒 · 设备：CPU（\d+ 个线程） · AI-generated / AI生成",
                        generated.stderr.strip().splitlines()[-1])

    history = cli(wenan_home, "history")
    assert history.stderr.strip() == message("cli_drafts", "zh", n=2) and "自由提示" in history.stdout
    exported = cli(wenan_home, "export", "--out", str(tmp_path / "drafts.csv"))
    assert exported.stdout.strip() == message("cli_exported", "zh", n=2, path=tmp_path / "drafts.csv")
    listed = cli(wenan_home, "models")
    assert "基础模型=scratch" in listed.stdout and "验证损失=" in listed.stdout
    renamed = cli(wenan_home, "models", "rename", "青禾", "青禾二号")
    assert renamed.stdout.strip() == "已重命名为“青禾二号”"

    for proc in (empty, missing, trained, generated, history, exported, listed, renamed):
        for line in human_lines(proc, drafts):
            if not line.startswith(("#", "★")) and "%|" not in line:  # history rows and tqdm's bar
                assert CHINESE.search(line), f"{proc.args[2:]}: {line!r}"


def test_json_output_is_the_same_in_every_language(tiny_model, wenan_home):
    def run(lang: str, *args: str) -> list[dict]:
        proc = cli(wenan_home, *args, "--json", lang=lang)
        assert proc.returncode == 0, proc.stderr
        return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]

    assert run("zh_CN.UTF-8", "models") == run("C.UTF-8", "models")
    zh = run("zh_CN.UTF-8", "generate", tiny_model, "--prompt", "这款保温杯", "-n", "2", "--max-new-tokens", "6",
             "--seed", "5")
    en = run("C.UTF-8", "generate", tiny_model, "--prompt", "这款保温杯", "-n", "2", "--max-new-tokens", "6",
             "--seed", "5")
    strip = lambda events: [{k: v for k, v in e.items() if not k.endswith("_s")} for e in events]  # noqa: E731
    assert strip(zh) == strip(en) and [e["event"] for e in zh] == ["variant", "variant", "done"]
