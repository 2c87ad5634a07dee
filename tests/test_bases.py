"""Finding bases: every store laid out as its program lays it out, read from headers only,
read-only, named as the user knows them; and each kind of broken model refused with its reason."""
from __future__ import annotations

import json
import shutil
import struct
import subprocess
import sys

import pytest
from base_stores import all_stores, hf_cache, ollama_store, tree
from conftest import ROOT, subprocess_env

from engine.common.errors import ModelLoadError
from engine.models import add_base_path, added_base_paths, base_folder, find_bases, lookup_base, remove_base_path
from engine.models.device import DeviceChoice
from engine.models.discovery import candidates, check_fits
from engine.models.gguf_header import read_header, skip_strings

CPU16 = DeviceChoice("cpu", "fp32", "CPU (2 threads)", 16 * 2**30)


@pytest.fixture
def stores(user_home, qwen2_base, llama_base, gguf_dir):
    return all_stores(user_home, qwen2_base, llama_base, gguf_dir)


def by_name(entries):
    return {e.name: e for e in entries}


def test_every_store_is_found_with_what_its_headers_say(stores, user_home, qwen2_base):
    found = by_name(find_bases(device=CPU16))
    expected = {"qwen2.5:0.5b": "ollama", "acme/llama-tiny:f16": "ollama",
                "lmstudio-community/Qwen2-Tiny-GGUF/qwen2-tiny-Q8_0.gguf": "lmstudio",
                "Qwen/Qwen2.5-Tiny-Instruct": "huggingface", "LLM-Research/Llama-3.2-Tiny": "modelscope",
                "llama-tiny.Q4_0.gguf": "gpt4all", "qwen2-tiny": "jan"}
    assert {n: e.source for n, e in found.items()} == expected  # no mmproj, no incomplete download

    ollama = found["qwen2.5:0.5b"]
    assert ollama.path.name.startswith("sha256-") and ollama.path.parent.name == "blobs"
    f = ollama.facts
    assert (f.format, f.quantization, f.bits, f.architecture, f.context_length, f.chat, f.license) == (
        "gguf", "Q8_0", 8.5, "qwen2", 512, True, "apache-2.0")
    from engine.models import count_parameters
    assert f.parameters == count_parameters(qwen2_base) and f.size_bytes == ollama.path.stat().st_size
    assert found["acme/llama-tiny:f16"].facts.license == "Apache License"  # from Ollama's license layer
    assert found["acme/llama-tiny:f16"].facts.chat is False

    hf = found["Qwen/Qwen2.5-Tiny-Instruct"]
    assert hf.path == stores["huggingface"] and hf.path.parent.name == "snapshots"  # the one refs/main names
    assert (hf.facts.format, hf.facts.architecture, hf.facts.chat) == ("safetensors", "qwen2", True)
    assert hf.facts.size_bytes == sum(p.stat().st_size for p in qwen2_base.iterdir() if p.is_file())
    ms = found["LLM-Research/Llama-3.2-Tiny"]
    assert ms.path.name == "Llama-3___2-Tiny" and ms.facts.context_length == 256

    for e in found.values():
        assert e.usable and e.needs.lora and e.needs.write and e.needs.full > e.needs.lora > e.needs.write
        assert e.group == "good"
        d = e.to_dict()
        assert {"name", "path", "source", "format", "architecture", "parameters", "chat", "usable", "reason"} <= set(d)


def test_scanning_writes_nothing_in_the_stores(stores, user_home, gguf_dir):
    before = tree(user_home)
    first = find_bases(device=CPU16, scan_dirs=[gguf_dir])
    second = find_bases(device=CPU16, scan_dirs=[gguf_dir])  # from the cache this time
    assert [e.to_dict() for e in first] == [e.to_dict() for e in second]
    assert tree(user_home) == before


def test_the_order_suits_the_machine(stores, gguf_dir):
    entries = find_bases(device=CPU16, scan_dirs=[gguf_dir])
    groups = [e.group for e in entries]
    assert groups == sorted(groups, key=["good", "tight", "too_large", "unusable"].index)
    good = [e for e in entries if e.group == "good"]
    assert [e.facts.chat for e in good] == sorted((e.facts.chat for e in good), reverse=True)  # chat first
    assert entries[-1].name == "rwkv-tiny" and not entries[-1].usable

    tiny_machine = DeviceChoice("cpu", "fp32", "CPU", 1 * 2**30)  # LoRA on these needs ~0.75 GB + weights
    assert {e.group for e in find_bases(device=tiny_machine) if e.usable} == {"tight"}


def test_names_and_paths_resolve_to_the_same_base(stores, gguf_dir):
    entries = find_bases(device=CPU16)
    assert lookup_base("qwen2.5:0.5b", entries).source == "ollama"
    assert lookup_base("ollama:qwen2.5:0.5b", entries).source == "ollama"
    assert lookup_base("QWEN/qwen2.5-tiny-instruct", entries).source == "huggingface"  # case folded when unique
    assert lookup_base("no-such-model", entries) is None
    by_path = lookup_base(str(gguf_dir / "llama-tiny-F16.gguf"), device=CPU16)
    assert by_path.kind == "gguf" and by_path.facts.architecture == "llama"
    repo = stores["huggingface"].parent.parent  # models--Qwen--Qwen2.5-Tiny-Instruct itself
    assert lookup_base(str(repo), device=CPU16).path == stores["huggingface"]
    with pytest.raises(ModelLoadError) as err:
        base_folder("no-such-model", device=CPU16)
    assert err.value.key == "base_unknown" and '"bases"' in str(err.value)


def test_duplicate_names_get_their_source(stores, user_home, llama_base):
    second = user_home / "extra"
    hf_cache(second, "Qwen/Qwen2.5-Tiny-Instruct", llama_base, old_revision=False)
    names = [f.name for f in candidates([second])]
    assert "Qwen/Qwen2.5-Tiny-Instruct" in names and "scan:Qwen/Qwen2.5-Tiny-Instruct" in names


def test_added_paths_are_remembered(tmp_path, gguf_dir, llama_base):
    folder = tmp_path / "my models"
    shutil.copytree(llama_base, folder / "shop-llama")
    shutil.copy(gguf_dir / "qwen2-tiny-Q8_0.gguf", folder / "qwen.gguf")
    assert add_base_path(folder) == folder and add_base_path(folder) == folder
    assert added_base_paths() == [folder]
    names = {e.name: e for e in find_bases(device=CPU16, include_stores=False)}
    assert names["shop-llama"].source == "added" and names["qwen"].source == "added"
    shutil.rmtree(folder)
    gone = find_bases(device=CPU16, include_stores=False)
    assert [(e.source, e.usable, e.facts.problem) for e in gone] == [("added", False, "model_missing")]
    assert remove_base_path(folder) and added_base_paths() == []
    with pytest.raises(ModelLoadError):
        add_base_path(tmp_path / "nowhere")


def test_an_ollama_manifest_whose_blob_is_missing(user_home, gguf_dir):
    store = ollama_store(user_home / ".ollama" / "models", {"qwen2.5:0.5b": gguf_dir / "qwen2-tiny-Q8_0.gguf"})
    for blob in (store / "blobs").iterdir():
        if blob.stat().st_size > 1000:
            blob.unlink()
    entry = by_name(find_bases(device=CPU16))["qwen2.5:0.5b"]
    assert not entry.usable and entry.facts.problem == "ollama_blob_missing"
    assert "ollama pull qwen2.5:0.5b" in entry.reason()
    with pytest.raises(ModelLoadError) as err:
        base_folder("qwen2.5:0.5b", device=CPU16)
    assert err.value.key == "ollama_blob_missing"


def _gguf_copy(gguf_dir, tmp_path, cut=None, patch=None):
    data = bytearray((gguf_dir / "qwen2-tiny-Q8_0.gguf").read_bytes())
    if patch:
        patch(data)
    path = tmp_path / "copy.gguf"
    path.write_bytes(bytes(data[:cut]) if cut else bytes(data))
    return path


@pytest.mark.parametrize("damage,key,words", [
    ("truncated", "gguf_broken", "cut short"),
    ("header", "gguf_broken", "cut short"),
    ("not_gguf", "gguf_broken", "does not start with GGUF"),
    ("empty", "gguf_broken", "only 0 bytes"),
])
def test_broken_gguf_files_are_refused_with_the_reason(tmp_path, gguf_dir, damage, key, words):
    size = (gguf_dir / "qwen2-tiny-Q8_0.gguf").stat().st_size
    path = {"truncated": lambda: _gguf_copy(gguf_dir, tmp_path, cut=size - 5000),
            "header": lambda: _gguf_copy(gguf_dir, tmp_path, cut=3000),
            "not_gguf": lambda: _gguf_copy(gguf_dir, tmp_path, patch=lambda d: d.__setitem__(slice(0, 4), b"GGML")),
            "empty": lambda: _gguf_copy(gguf_dir, tmp_path, cut=-size)}[damage]()
    entry = lookup_base(str(path), device=CPU16)
    assert not entry.usable and entry.facts.problem == key and words in entry.reason(), entry.reason()
    with pytest.raises(ModelLoadError) as err:
        base_folder(str(path), device=CPU16)
    assert err.value.key == key


def test_unsupported_architecture_and_quantization_are_refused(tmp_path, gguf_dir):
    entry = lookup_base(str(gguf_dir / "rwkv-tiny.gguf"), device=CPU16)
    assert entry.facts.problem == "gguf_arch_unsupported" and '"rwkv6"' in entry.reason()

    # A tensor type the gguf package can't dequantize (Q8_1): change the first tensor's type in place.
    header = read_header(gguf_dir / "qwen2-tiny-Q8_0.gguf")
    data = bytearray((gguf_dir / "qwen2-tiny-Q8_0.gguf").read_bytes())
    name = header.tensors[0].name.encode()
    at = data.index(struct.pack("<Q", len(name)) + name) + 8 + len(name)
    n_dims = struct.unpack_from("<I", data, at)[0]
    struct.pack_into("<I", data, at + 4 + 8 * n_dims, 9)  # GGMLQuantizationType.Q8_1
    path = tmp_path / "q81.gguf"
    path.write_bytes(bytes(data))
    entry = lookup_base(str(path), device=CPU16)
    assert entry.facts.problem == "gguf_quant_unsupported" and "Q8_1" in entry.reason()


def test_pickle_only_remote_code_and_incomplete_folders(tmp_path, qwen2_base):
    pickled = tmp_path / "pickled"
    pickled.mkdir()
    shutil.copy(qwen2_base / "config.json", pickled)
    (pickled / "pytorch_model.bin").write_bytes(b"\x80\x04not really a pickle")

    remote = tmp_path / "remote"
    shutil.copytree(qwen2_base, remote)
    config = json.loads((remote / "config.json").read_text())
    config.update(model_type="chatglm", architectures=["ChatGLMModel"],
                  auto_map={"AutoModelForCausalLM": "modeling_chatglm.ChatGLMForConditionalGeneration"})
    (remote / "config.json").write_text(json.dumps(config))

    sharded = tmp_path / "sharded"
    shutil.copytree(qwen2_base, sharded)
    (sharded / "model.safetensors").rename(sharded / "model-00001-of-00002.safetensors")
    (sharded / "model.safetensors.index.json").write_text(json.dumps({"weight_map": {
        "a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"}}))

    quantized = tmp_path / "gptq"
    shutil.copytree(qwen2_base, quantized)
    config = json.loads((quantized / "config.json").read_text())
    config["quantization_config"] = {"quant_method": "gptq", "bits": 4}
    (quantized / "config.json").write_text(json.dumps(config))

    for folder, key, words in ((pickled, "model_pickle_only", "safetensors"),
                               (remote, "model_remote_code", "auto_map"),
                               (sharded, "model_incomplete", "model-00002-of-00002.safetensors"),
                               (quantized, "model_quantized", "gptq")):
        entry = lookup_base(str(folder), device=CPU16)
        assert entry.facts.problem == key and words in entry.reason(), (key, entry.reason())
        with pytest.raises(ModelLoadError) as err:
            base_folder(str(folder), device=CPU16)
        assert err.value.key == key


def test_a_base_too_large_is_refused_before_loading_with_smaller_ones_named(stores):
    small_gpu = DeviceChoice("cuda", "bf16", "GPU", 2 * 2**30)  # the tiny ones need ~0.75 GB for LoRA
    entries = find_bases(device=small_gpu)
    big = entries[0]
    huge = type(big)(big.name, big.source, big.path, big.kind, big.facts,
                     type(big.needs).estimate(7_600_000_000, small_gpu))
    with pytest.raises(ModelLoadError) as err:
        check_fits(huge, "lora", entries)
    text = str(err.value)
    assert err.value.key == "base_too_large_lora" and "has 2.0 GB" in text and "19.2 GB" in text
    choices = text.split("found here: ")[1].split(". docs/")[0].split(", ")
    assert "qwen2.5:0.5b" in choices and big.name not in choices and len(choices) == 5


def test_skipping_strings_is_exact_on_awkward_vocabularies():
    import random

    rng = random.Random(7)
    for _ in range(200):
        strings = []
        for _ in range(rng.randint(1, 300)):
            r = rng.random()
            strings.append(b"" if r < 0.05 else b"\x00" * rng.randint(1, 3) + b"x" if r < 0.1 else
                           b"a" * rng.choice([255, 256, 257, 512]) if r < 0.15 else
                           bytes(rng.randint(1, 255) for _ in range(rng.randint(1, 20))))
        buf = b"".join(struct.pack("<Q", len(s)) + s for s in strings) + bytes(rng.randint(0, 255) for _ in range(40))
        assert skip_strings(buf, 0, len(strings), len(buf)) == sum(8 + len(s) for s in strings)


def test_bases_command_lists_json_and_refuses_in_one_line(stores, user_home, wenan_home, gguf_dir):
    env = subprocess_env(wenan_home)
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "bases", "--json", "--scan", str(gguf_dir)],
                          capture_output=True, text=True, timeout=300, env=env, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    names = {r["name"]: r for r in rows}
    assert names["qwen2.5:0.5b"]["chat"] is True and names["qwen2.5:0.5b"]["format"] == "gguf"
    assert names["rwkv-tiny"]["usable"] is False and "rwkv6" in names["rwkv-tiny"]["reason"]
    assert all(r["parameters"] for r in rows)

    human = subprocess.run([sys.executable, str(ROOT / "main.py"), "bases"], capture_output=True, text=True,
                           timeout=300, env=env, cwd=ROOT)
    assert human.returncode == 0 and "Fits this computer:" in human.stdout and "qwen2.5:0.5b" in human.stdout

    bad = subprocess.run([sys.executable, str(ROOT / "main.py"), "generate", "nope:1b", "--prompt", "x"],
                         capture_output=True, text=True, timeout=300, env=env, cwd=ROOT)
    lines = [line for line in bad.stderr.splitlines() if line.strip()]
    assert bad.returncode == 2 and len(lines) == 1 and "nope:1b" in lines[0], bad.stderr


def test_a_snapshot_folder_given_by_path_is_named_by_its_repo(stores):
    entry = lookup_base(str(stores["huggingface"]), device=CPU16)
    assert entry.name == "Qwen/Qwen2.5-Tiny-Instruct" and entry.source == "path" and entry.usable
