"""Shared fixtures: a private data dir per test, no network, and tiny real models.

Expensive things (a trained scratch model, tiny pretrained stand-ins) are built
once per session and copied into each test that needs them, as Anki does.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NETGUARD = Path(__file__).resolve().parent / "netguard"
SAMPLE = ROOT / "resources" / "samples" / "shop_copy.txt"
PAIRS = ROOT / "resources" / "samples" / "shop_pairs.csv"

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["WENAN_LANG"] = "en"
sys.path.insert(0, str(NETGUARD))
import sitecustomize  # noqa: E402,F401  -- the same socket guard as in subprocesses

sys.path.remove(str(NETGUARD))


def pytest_runtest_setup(item):
    """Tests marked `gpu` run only when asked for (WENAN_GPU_TESTS=1), and then fail without CUDA."""
    if item.get_closest_marker("gpu") is None:
        return
    if os.environ.get("WENAN_GPU_TESTS") != "1":
        pytest.skip("needs a CUDA GPU: opt in with WENAN_GPU_TESTS=1 (make test-gpu)")
    import torch
    if not torch.cuda.is_available():
        pytest.fail("WENAN_GPU_TESTS=1 but torch sees no CUDA GPU (is this the CPU build of torch?)")


# Where other programs keep models (engine.models.stores): pointed away from the real user folders.
STORE_ENV = ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "HF_HOME", "MODELSCOPE_CACHE", "JAN_DATA_FOLDER",
             "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "APPDATA", "LOCALAPPDATA")


@pytest.fixture(autouse=True)
def user_home(tmp_path, monkeypatch) -> Path:
    """An empty home folder: scanning for bases never reads the real Ollama, LM Studio or caches."""
    home = tmp_path / "user-home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USERPROFILE", str(home))
    for name in STORE_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OLLAMA_MODELS", str(home / ".ollama" / "models"))  # not /usr/share/ollama either
    return home


@pytest.fixture(autouse=True)
def wenan_home(tmp_path, monkeypatch, user_home) -> Path:
    """Every test gets its own empty data folder; real user folders are never touched."""
    home = tmp_path / "wenan-home"
    home.mkdir()
    monkeypatch.setenv("WENAN_HOME", str(home))
    monkeypatch.setenv("WENAN_LANG", "en")
    yield home
    from engine.writing import clear_cache
    clear_cache()


def subprocess_env(home: Path, **extra: str) -> dict:
    """Environment for a CLI subprocess: the test's data dir, offline, socket guard loaded."""
    env = dict(os.environ, WENAN_HOME=str(home), HF_HUB_OFFLINE="1", WENAN_LANG="en",
               PYTHONPATH=os.pathsep.join([str(NETGUARD), str(ROOT)]), PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def corpus_texts() -> list[str]:
    return [line for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def trained_tokenizer(corpus_texts):
    from engine.models import train_tokenizer
    return train_tokenizer(corpus_texts, 1024)


def _save_base(folder: Path, model, tokenizer) -> Path:
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def gpt2_base(tmp_path_factory, trained_tokenizer) -> Path:
    """A tiny random GPT-2 with a trained tokenizer, saved as a user would have it."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.manual_seed(0)
    tok = trained_tokenizer
    config = GPT2Config(vocab_size=len(tok), n_positions=256, n_layer=2, n_head=2, n_embd=64,
                        bos_token_id=tok.eos_token_id, eos_token_id=tok.eos_token_id)
    return _save_base(tmp_path_factory.mktemp("gpt2-base"), GPT2LMHeadModel(config), tok)


CHATML = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


@pytest.fixture(scope="session")
def qwen2_base(tmp_path_factory, corpus_texts) -> Path:
    """A tiny random Qwen2 whose tokenizer has a chat template, like the Instruct models."""
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    from engine.models import train_tokenizer

    tok = train_tokenizer(corpus_texts, 1024)
    tok.add_special_tokens({"additional_special_tokens": ["<|im_start|>", "<|im_end|>"]})
    tok.eos_token = "<|im_end|>"
    tok.chat_template = CHATML
    torch.manual_seed(0)
    config = Qwen2Config(vocab_size=len(tok), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=512,
                         eos_token_id=tok.eos_token_id, bos_token_id=tok.bos_token_id, tie_word_embeddings=True)
    return _save_base(tmp_path_factory.mktemp("qwen2-base"), Qwen2ForCausalLM(config), tok)


@contextlib.contextmanager
def wenan_home_at(home: Path):
    """WENAN_HOME set to `home` for a fixture shared by several tests (monkeypatch is per test)."""
    old = os.environ.get("WENAN_HOME")
    os.environ["WENAN_HOME"] = str(home)
    try:
        yield home
    finally:
        if old is None:
            os.environ.pop("WENAN_HOME", None)
        else:
            os.environ["WENAN_HOME"] = old


@pytest.fixture(scope="session")
def scratch_model_dir(tmp_path_factory) -> Path:
    """A scratch model trained briefly on the bundled sample, on the CPU, built once per session."""
    from engine.training import TrainConfig, train

    with wenan_home_at(tmp_path_factory.mktemp("session-home")):
        result = train(TrainConfig(data=str(SAMPLE), name="tiny", max_steps=40, batch_size=8, device="cpu"))
    return result.path


@pytest.fixture
def tiny_model(scratch_model_dir, wenan_home) -> str:
    """The session's scratch model, copied into this test's library as "tiny"."""
    shutil.copytree(scratch_model_dir, wenan_home / "models" / "tiny")
    return "tiny"


@pytest.fixture(scope="session")
def llama_base(tmp_path_factory, corpus_texts) -> Path:
    """A tiny random Llama (untied embeddings, rotary q/k) with a byte-level BPE tokenizer."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    from engine.models import train_tokenizer

    tok = train_tokenizer(corpus_texts, 1024)
    torch.manual_seed(1)
    config = LlamaConfig(vocab_size=len(tok), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256,
                         eos_token_id=tok.eos_token_id, bos_token_id=tok.bos_token_id, tie_word_embeddings=False)
    return _save_base(tmp_path_factory.mktemp("llama-base"), LlamaForCausalLM(config), tok)


@pytest.fixture(scope="session")
def gguf_dir(tmp_path_factory, qwen2_base, llama_base) -> Path:
    """Tiny GGUF files written with the gguf package: Qwen2 (Q8_0, chat template, licence), Llama (F16),
    and one whose architecture transformers can't read."""
    from gguf_files import write_gguf

    folder = tmp_path_factory.mktemp("gguf")
    write_gguf(qwen2_base, folder / "qwen2-tiny-Q8_0.gguf", qtype="Q8_0", chat_template=CHATML,
               license="apache-2.0", name="Qwen2 Tiny Instruct")
    write_gguf(llama_base, folder / "llama-tiny-F16.gguf", qtype="F16", name="Llama Tiny")
    write_gguf(llama_base, folder / "rwkv-tiny.gguf", arch="rwkv6", qtype="F32", name="RWKV Tiny")
    return folder
