"""GGUF files made into bases: transformers dequantizes them, the base is saved once in the data
folder (safetensors, tokenizer, chat template, a record of the source), and it trains and writes."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading

import pytest
from base_stores import ollama_store, tree
from conftest import ROOT, SAMPLE, subprocess_env
from gguf_files import write_gguf

from engine.common.errors import WenanError
from engine.models import base_folder, library, load_causal_lm, load_tokenizer, lookup_base
from engine.models import gguf_convert
from engine.models.device import DeviceChoice

CPU16 = DeviceChoice("cpu", "fp32", "CPU (2 threads)", 16 * 2**30)


def _logits(folder_or_model, text="这款保温杯", tok_folder=None):
    import torch

    model = load_causal_lm(folder_or_model) if not hasattr(folder_or_model, "forward") else folder_or_model
    tok = load_tokenizer(tok_folder or folder_or_model)
    ids = tok(text, return_tensors="pt").input_ids
    with torch.no_grad():
        return model(ids).logits, ids


@pytest.mark.parametrize("file,original,tolerance", [("qwen2-tiny-Q8_0.gguf", "qwen2_base", 0.05),
                                                     ("llama-tiny-F16.gguf", "llama_base", 0.01)])
def test_a_gguf_becomes_a_base_that_loads_and_matches_the_original(request, gguf_dir, wenan_home, file, original,
                                                                  tolerance):
    source = request.getfixturevalue(original)
    events = []
    folder = base_folder(str(gguf_dir / file), device=CPU16, on_event=events.append)
    dtype = gguf_convert.storage_dtype(CPU16)  # bf16 on a CPU with native bf16, else fp32
    assert folder.parent == wenan_home / "bases" / "converted" and folder.name.endswith(f"-{dtype}")
    assert {"config.json", "model.safetensors", "tokenizer.json", "wenan-source.json"} <= {p.name for p in folder.iterdir()}
    record = gguf_convert.read_record(folder)
    assert record["source"]["path"] == str(gguf_dir / file) and record["source"]["size"] == (gguf_dir / file).stat().st_size
    assert record["dtype"] == dtype and record["below_8bit"] is False and len(record["source"]["fingerprint"]) == 64

    got, ids = _logits(folder)
    want, want_ids = _logits(source)
    assert ids.tolist() == want_ids.tolist()  # the same tokenizer, rebuilt from the GGUF vocabulary
    assert (got - want).abs().max().item() < tolerance
    assert (load_tokenizer(folder).chat_template is not None) == file.startswith("qwen2")

    phases = [e.phase for e in events]
    assert phases[0] == "checking" and phases[-1] == "done" and "weights" in phases and "saving" in phases
    weights = [e for e in events if e.phase == "weights"]
    assert weights[-1].done == weights[-1].total > 0 and all(e.done <= e.total for e in weights)


def test_the_stored_precision_follows_the_cpu(monkeypatch):
    monkeypatch.setenv("WENAN_CPU_BF16", "1")
    assert gguf_convert.storage_dtype(CPU16) == "bf16"
    monkeypatch.setenv("WENAN_CPU_BF16", "0")
    assert gguf_convert.storage_dtype(CPU16) == "fp32"
    assert gguf_convert.storage_dtype(DeviceChoice("cuda", "bf16", "GPU", 8 * 2**30)) == "bf16"


def test_converted_once_keyed_to_the_content(gguf_dir, tmp_path, wenan_home):
    first = base_folder(str(gguf_dir / "llama-tiny-F16.gguf"), device=CPU16)
    stamp = (first / "model.safetensors").stat().st_mtime_ns
    copy = tmp_path / "renamed copy.gguf"
    shutil.copy(gguf_dir / "llama-tiny-F16.gguf", copy)
    events = []
    assert base_folder(str(copy), device=CPU16, on_event=events.append) == first
    assert [e.phase for e in events] == ["checking", "done"]
    assert (first / "model.safetensors").stat().st_mtime_ns == stamp
    assert len(list((wenan_home / "bases" / "converted").iterdir())) == 1
    assert base_folder(str(copy), device=CPU16, convert=False) == first


def test_cancel_leaves_nothing(gguf_dir, wenan_home):
    cancel = threading.Event()

    def on_event(e):
        if e.phase == "weights":
            cancel.set()
    assert base_folder(str(gguf_dir / "llama-tiny-F16.gguf"), device=CPU16, on_event=on_event, cancel=cancel) is None
    assert list((wenan_home / "bases" / "converted").iterdir()) == []
    assert base_folder(str(gguf_dir / "llama-tiny-F16.gguf"), device=CPU16, convert=False) is None


def test_below_8_bits_is_said(llama_base, tmp_path):
    path = write_gguf(llama_base, tmp_path / "llama-Q4_0.gguf", qtype="Q4_0")
    entry = lookup_base(str(path), device=CPU16)
    assert entry.facts.quantization == "Q4_0" and entry.facts.bits == 4.5 and entry.usable
    events = []
    folder = base_folder(str(path), device=CPU16, on_event=events.append)
    assert all(e.below_8bit for e in events) and gguf_convert.read_record(folder)["below_8bit"] is True
    loaded = load_causal_lm(folder)
    assert type(loaded).__name__ == "LlamaForCausalLM"


def test_not_enough_disk_is_refused_before_anything_is_written(gguf_dir, wenan_home, monkeypatch):
    real = shutil.disk_usage

    def nearly_full(path):
        usage = real(path)
        return usage._replace(free=200_000)
    monkeypatch.setattr(gguf_convert.shutil, "disk_usage", nearly_full)
    with pytest.raises(WenanError) as err:
        base_folder(str(gguf_dir / "qwen2-tiny-Q8_0.gguf"), device=CPU16)
    assert err.value.key == "convert_no_space" and "nothing was written" in str(err.value)
    assert list((wenan_home / "bases" / "converted").iterdir()) == []


@pytest.fixture
def small_disk(tmp_path):
    """A 2 MB tmpfs for the data folder: a real disk that fills up (needs root and mount)."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True)
    if proc.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_disk_that_fills_up_during_conversion(small_disk, gguf_dir, llama_base, monkeypatch, tmp_path):
    monkeypatch.setenv("WENAN_CPU_BF16", "0")  # fp32: the sizes below are reckoned for it
    home = small_disk / "wenan"
    monkeypatch.setenv("WENAN_HOME", str(home))
    big = write_gguf(llama_base, tmp_path / "llama-F32.gguf", qtype="F32")  # 0.8 MB of weights, twice over
    with pytest.raises(WenanError) as err:  # the check before: 64 MB of room is asked for
        base_folder(str(big), device=CPU16)
    assert err.value.key == "convert_no_space"
    (small_disk / "filler").write_bytes(b"\0" * 1_300_000)
    monkeypatch.setattr(gguf_convert, "disk_needed", lambda facts, dtype: 0)  # past the check: the disk fills
    with pytest.raises(WenanError) as err:
        base_folder(str(big), device=CPU16)
    assert err.value.key == "no_space"
    converted = home / "bases" / "converted"
    assert [p.name for p in converted.iterdir()] == []  # no half-written base, no temp folder


def test_train_and_write_from_an_ollama_name(user_home, gguf_dir, wenan_home):
    from engine.training import TrainConfig, train
    from engine.writing import GenerateConfig, generate

    ollama_store(user_home / ".ollama" / "models", {"qwen2.5:0.5b": gguf_dir / "qwen2-tiny-Q8_0.gguf"})
    before = tree(user_home)
    result = generate("qwen2.5:0.5b", GenerateConfig(prompt="保温杯", n=2, max_new_tokens=6, seed=3))
    assert result.variants
    trained = train(TrainConfig(data=str(SAMPLE), name="from-ollama", base="qwen2.5:0.5b", max_steps=2,
                                batch_size=2, method="lora"))
    assert not trained.cancelled
    base = library.get_model("from-ollama").card.base.to_dict()
    assert base["kind"] == "found" and base["name"] == "qwen2.5:0.5b" and base["source"] == "ollama"
    assert base["path"].startswith(str(wenan_home / "bases" / "converted"))
    assert generate("from-ollama", GenerateConfig(prompt="保温杯", n=1, max_new_tokens=4, seed=1)).variants is not None
    assert tree(user_home) == before
    assert len(list((wenan_home / "bases" / "converted").iterdir())) == 1


def test_cli_converts_with_progress_and_refuses_an_unreadable_gguf(gguf_dir, wenan_home):
    env = subprocess_env(wenan_home)
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "generate", str(gguf_dir / "qwen2-tiny-Q8_0.gguf"),
                           "--prompt", "保温杯", "-n", "1", "--max-new-tokens", "4", "--json"],
                          capture_output=True, text=True, timeout=300, env=env, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    assert events[0]["event"] == "converting" and any(e.get("phase") == "weights" for e in events)
    assert events[-1]["event"] == "done"

    bad = subprocess.run([sys.executable, str(ROOT / "main.py"), "train", str(SAMPLE), "--name", "x", "--base",
                          str(gguf_dir / "rwkv-tiny.gguf")], capture_output=True, text=True, timeout=300, env=env,
                         cwd=ROOT)
    lines = [line for line in bad.stderr.splitlines() if line.strip()]
    assert bad.returncode == 2 and len(lines) == 1 and "rwkv6" in lines[0], bad.stderr
    assert not (wenan_home / "models" / "x").exists()
