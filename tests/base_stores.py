"""Stand-ins for the places other programs keep models, laid out as those programs lay them out:
an Ollama store (manifests + sha256 blobs), LM Studio's publisher/model folders, a Hugging Face
hub cache (snapshots whose files are symlinks into blobs/), a ModelScope cache ("." stored as
"___"), GPT4All's and Jan's model folders. Each lives under the test's own home folder.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

OLLAMA_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def add_ollama_blob(store: Path, data_file: Path | None = None, text: str | None = None) -> tuple[str, int]:
    blobs = store / "blobs"
    blobs.mkdir(parents=True, exist_ok=True)
    data = data_file.read_bytes() if data_file is not None else text.encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    (blobs / f"sha256-{digest}").write_bytes(data)
    return f"sha256:{digest}", len(data)


def ollama_store(store: Path, models: dict[str, Path], *, license_text: str | None = None) -> Path:
    """`models` maps "name:tag" (or "ns/name:tag") to a GGUF file; each gets a manifest and blobs."""
    for name, gguf in models.items():
        model, tag = name.split(":")
        namespace, model = model.split("/") if "/" in model else ("library", model)
        digest, size = add_ollama_blob(store, gguf)
        layers = [{"mediaType": "application/vnd.ollama.image.model", "digest": digest, "size": size}]
        for media, text in (("template", "{{ .Prompt }}"), ("params", json.dumps({"stop": ["<|im_end|>"]})),
                            ("license", license_text)):
            if text:
                d, s = add_ollama_blob(store, text=text)
                layers.append({"mediaType": f"application/vnd.ollama.image.{media}", "digest": d, "size": s})
        config_digest, config_size = add_ollama_blob(store, text=json.dumps({"model_format": "gguf"}))
        manifest = {"schemaVersion": 2, "mediaType": OLLAMA_MANIFEST,
                    "config": {"mediaType": "application/vnd.docker.container.image.v1+json",
                               "digest": config_digest, "size": config_size}, "layers": layers}
        path = store / "manifests" / "registry.ollama.ai" / namespace / model / tag
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(manifest), encoding="utf-8")
    return store


def lmstudio_store(models_dir: Path, publisher: str, model: str, gguf: Path, *, mmproj: bool = False) -> Path:
    folder = models_dir / publisher / model
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(gguf, folder / gguf.name)
    if mmproj:  # a vision projector beside the model: not a model itself
        (folder / f"mmproj-{gguf.name}").write_bytes(gguf.read_bytes()[:4096])
    return folder / gguf.name


def hf_cache(hub: Path, repo_id: str, model_dir: Path, *, old_revision: bool = True) -> Path:
    """models--ORG--NAME with blobs named by hash and snapshots/REV/ symlinks; refs/main -> REV."""
    repo = hub / f"models--{repo_id.replace('/', '--')}"
    blobs = repo / "blobs"
    blobs.mkdir(parents=True, exist_ok=True)
    revisions = (["0" * 40] if old_revision else []) + ["a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0"]
    for rev in revisions:
        snap = repo / "snapshots" / rev
        snap.mkdir(parents=True, exist_ok=True)
        for file in sorted(model_dir.iterdir()):
            if not file.is_file():
                continue
            blob = blobs / sha256(file)
            if not blob.exists():
                shutil.copy(file, blob)
            link = snap / file.name
            if not link.exists():
                os.symlink(os.path.relpath(blob, snap), link)
        if rev == revisions[0] and old_revision:  # an older snapshot without the weights
            for link in snap.glob("*.safetensors"):
                link.unlink()
    (repo / "refs").mkdir(exist_ok=True)
    (repo / "refs" / "main").write_text(revisions[-1], encoding="utf-8")
    return repo / "snapshots" / revisions[-1]


def modelscope_cache(hub: Path, repo_id: str, model_dir: Path, *, old_layout: bool = False) -> Path:
    org, name = repo_id.split("/")
    folder = (hub if old_layout else hub / "models") / org / name.replace(".", "___")
    shutil.copytree(model_dir, folder)
    (folder / ".mdl").write_bytes(b"\x80\x04")  # ModelScope's own bookkeeping files
    return folder


def tree(root: Path) -> dict:
    """Every path under `root` with its size and mtime (links as links): to prove nothing changed."""
    state = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            st = path.lstat()
            state[str(path.relative_to(root))] = (st.st_size, st.st_mtime_ns, path.is_symlink())
    st = root.lstat()
    state["."] = (st.st_mtime_ns,)
    return state


def all_stores(home: Path, qwen2_base: Path, llama_base: Path, gguf_dir: Path) -> dict[str, Path]:
    """Every store at its default place under `home` (OLLAMA_MODELS points at home/.ollama/models)."""
    qwen_gguf, llama_gguf = gguf_dir / "qwen2-tiny-Q8_0.gguf", gguf_dir / "llama-tiny-F16.gguf"
    paths = {
        "ollama": ollama_store(home / ".ollama" / "models", {"qwen2.5:0.5b": qwen_gguf, "acme/llama-tiny:f16": llama_gguf},
                               license_text="Apache License\nVersion 2.0, January 2004"),
        "lmstudio": lmstudio_store(home / ".lmstudio" / "models", "lmstudio-community", "Qwen2-Tiny-GGUF", qwen_gguf,
                                   mmproj=True),
        "huggingface": hf_cache(home / ".cache" / "huggingface" / "hub", "Qwen/Qwen2.5-Tiny-Instruct", qwen2_base),
        "modelscope": modelscope_cache(home / ".cache" / "modelscope" / "hub", "LLM-Research/Llama-3.2-Tiny", llama_base),
    }
    gpt4all = home / ".local" / "share" / "nomic.ai" / "GPT4All"
    gpt4all.mkdir(parents=True)
    shutil.copy(llama_gguf, gpt4all / "llama-tiny.Q4_0.gguf")
    (gpt4all / "incomplete-other.gguf").write_bytes(b"GGUF")
    paths["gpt4all"] = gpt4all / "llama-tiny.Q4_0.gguf"
    jan = home / ".local" / "share" / "Jan" / "data" / "llamacpp" / "models" / "qwen2-tiny"
    jan.mkdir(parents=True)
    shutil.copy(qwen_gguf, jan / "model.gguf")
    (jan / "model.yml").write_text("model_path: llamacpp/models/qwen2-tiny/model.gguf\n", encoding="utf-8")
    paths["jan"] = jan / "model.gguf"
    return paths
