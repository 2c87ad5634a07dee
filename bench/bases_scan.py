"""How long finding bases takes: 50 stand-in models in every store layout, scanned cold (nothing
cached) and warm (the scan cache in the data folder), against a baseline in the same run that walks
the GGUF vocabularies string by string. Target (issue 11): 50 models in at most 2 s.

Stand-ins: 30 GGUF files with Qwen2.5's vocabulary size (151,936 tokens, 151,387 merges) in an
Ollama store, LM Studio, GPT4All and Jan; 20 safetensors folders in the Hugging Face and ModelScope
caches. Only headers are read, so tiny tensors stand in for the weights.

    .venv/bin/python bench/bases_scan.py
"""
from __future__ import annotations

import os
import shutil
import struct
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def big_vocab_gguf(path: Path) -> Path:
    import gguf
    import numpy as np

    w = gguf.GGUFWriter(str(path), "qwen2")
    w.add_name("Qwen2.5 0.5B Instruct stand-in")
    w.add_context_length(32768)
    w.add_block_count(24)
    w.add_file_type(15)
    w.add_tokenizer_model("gpt2")
    w.add_token_list([f"tok{i}" for i in range(151_936)])
    w.add_token_types([1] * 151_936)
    w.add_token_merges([f"t ok{i}" for i in range(151_387)])
    w.add_chat_template("{% for m in messages %}{{ m.content }}{% endfor %}")
    for i in range(290):
        w.add_tensor(f"blk.{i}.ffn_up.weight", np.zeros((4, 32), dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


def hf_folder(folder: Path, n: int) -> Path:
    import json

    import numpy as np
    from safetensors.numpy import save_file

    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps({"model_type": "qwen2", "architectures": ["Qwen2ForCausalLM"],
                                                    "max_position_embeddings": 32768}))
    (folder / "tokenizer_config.json").write_text(json.dumps({"chat_template": "{{ messages }}"}))
    (folder / "tokenizer.json").write_text("{}")
    save_file({f"model.layers.{i}.mlp.up_proj.weight": np.zeros((4, 4), np.float32) for i in range(290)},
              str(folder / "model.safetensors"))
    return folder


def build(home: Path) -> None:
    from base_stores import hf_cache, lmstudio_store, modelscope_cache, ollama_store

    template = big_vocab_gguf(home / "template.gguf")
    copies = []
    for i in range(30):  # different bytes, so Ollama's blobs (named by content) are 30 files too
        path = home / "ggufs" / f"m{i}.gguf"
        path.parent.mkdir(exist_ok=True)
        shutil.copy(template, path)
        with open(path, "r+b") as fh:
            fh.seek(0, 2)
            fh.write(struct.pack("<Q", i))
        copies.append(path)
    ollama_store(home / ".ollama" / "models", {f"model{i}:q4": p for i, p in enumerate(copies[:15])})
    for i, p in enumerate(copies[15:22]):
        lmstudio_store(home / ".lmstudio" / "models", "bench", f"model{i}-GGUF", p)
    gpt4all = home / ".local" / "share" / "nomic.ai" / "GPT4All"
    gpt4all.mkdir(parents=True)
    for p in copies[22:26]:
        shutil.copy(p, gpt4all / p.name)
    for i, p in enumerate(copies[26:30]):
        jan = home / ".local" / "share" / "Jan" / "data" / "llamacpp" / "models" / f"m{i}"
        jan.mkdir(parents=True)
        shutil.copy(p, jan / "model.gguf")
    shutil.rmtree(home / "ggufs")
    for i in range(10):
        src = hf_folder(home / "src" / f"hf{i}", i)
        hf_cache(home / ".cache" / "huggingface" / "hub", f"bench/model-{i}", src, old_revision=False)
    for i in range(10):
        modelscope_cache(home / ".cache" / "modelscope" / "hub", f"bench/model-{i}.5B", hf_folder(
            home / "src" / f"ms{i}", i))


def main() -> None:
    from engine.models import find_bases, gguf_header
    from engine.models.device import DeviceChoice

    tmp = Path(tempfile.mkdtemp(prefix="wenan-bench-bases-"))
    home = tmp / "home"
    home.mkdir()
    os.environ.update(HOME=str(home), WENAN_HOME=str(tmp / "data"), OLLAMA_MODELS=str(home / ".ollama" / "models"))
    for name in ("HF_HUB_CACHE", "HF_HOME", "MODELSCOPE_CACHE", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        os.environ.pop(name, None)
    build(home)
    device = DeviceChoice("cpu", "fp32", "CPU", 16 * 2**30)
    def scan(label: str) -> float:
        started = time.perf_counter()
        entries = find_bases(device=device)
        seconds = time.perf_counter() - started
        assert len(entries) == 50 and all(e.usable for e in entries), [e.reason() for e in entries if not e.usable]
        print(f"{label:44} {seconds:6.2f} s for {len(entries)} models")
        return seconds

    def clear_facts() -> None:
        import json
        cache = tmp / "data" / "bases" / "scan-cache.json"
        data = json.loads(cache.read_text())
        data["facts"] = {}
        cache.write_text(json.dumps(data))

    scan("first scan ever (imports transformers once)")
    clear_facts()
    fast = gguf_header.skip_strings

    def walk(buf, pos, count, size):  # the baseline: one string at a time
        for _ in range(count):
            pos += 8 + struct.unpack_from("<Q", buf, pos)[0]
        return pos
    gguf_header.skip_strings = walk
    baseline = scan("cold, vocabularies walked string by string")
    gguf_header.skip_strings = fast
    clear_facts()
    cold = scan("cold (nothing cached)")
    warm = scan("warm (scan cache)")
    print(f"cold: {baseline / cold:.1f}x faster than the string-by-string walk; warm: {baseline / warm:.0f}x")
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
