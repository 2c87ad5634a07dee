"""Training and drafting on a CUDA GPU, as a user with an NVIDIA card runs them.

Opt-in (`make test-gpu`, or WENAN_GPU_TESTS=1): the rest of the suite means the CPU and says so
with device="cpu"; these mean the GPU.
"""
from __future__ import annotations

import threading

import pytest
import torch
from conftest import PAIRS, SAMPLE

from engine.models import choose_device, library
from engine.training import TrainConfig, checkpoint, train
from engine.writing import GenerateConfig, generate, load_model

pytestmark = pytest.mark.gpu


def test_the_gpu_is_chosen_and_named():
    device = choose_device("auto")
    assert device.kind == "cuda" and device.dtype in ("bf16", "fp16")
    assert device.name.startswith(torch.cuda.get_device_name(0)) and device.name.endswith(" GB)")


def test_scratch_training_and_drafting_on_the_gpu():
    events = []
    result = train(TrainConfig(data=str(SAMPLE), name="gpu", max_steps=8, device="cuda"), on_event=events.append)
    gpu = choose_device("cuda").name
    assert not result.cancelled and result.step == 8 and result.device == gpu
    assert all(e.device == gpu for e in events if e.device)
    assert library.get_model("gpu").card.to_dict()["training"]["device"] == gpu

    lm = load_model("gpu", "cuda")
    assert next(lm.model.parameters()).device.type == "cuda" and lm.device_name == gpu
    out = generate("gpu", GenerateConfig(prompt="这款保温杯", n=3, max_new_tokens=16, seed=5), device="cuda")
    assert out.device == gpu and out.variants and all(v.startswith("这款保温杯") for v in out.variants)
    again = generate("gpu", GenerateConfig(prompt="这款保温杯", n=3, max_new_tokens=16, seed=5), device="cuda")
    assert again.variants == out.variants  # a seed repeats its drafts on the GPU too


def test_cancel_and_resume_on_the_gpu():
    cancel = threading.Event()
    cfg = TrainConfig(data=str(SAMPLE), name="gpu-cut", max_steps=10, device="cuda")
    first = train(cfg, cancel=cancel, on_event=lambda e: cancel.set() if e.step >= 3 else None)
    assert first.cancelled and 3 <= first.step < 10
    assert "cuda" in torch.load(checkpoint.run_dir("gpu-cut") / checkpoint.read_state("gpu-cut")["checkpoint"]
                                / "rng.pt", weights_only=True)  # the GPU's random stream is kept too
    second = train(cfg, resume=True)
    assert not second.cancelled and second.step == 10 and library.exists("gpu-cut")


def test_lora_on_a_chat_model_on_the_gpu(qwen2_base):
    result = train(TrainConfig(data=str(PAIRS), name="gpu-lora", base=str(qwen2_base), method="lora",
                               max_steps=4, batch_size=4, lora_r=4, device="cuda"))
    assert result.method == "lora" and result.device == choose_device("cuda").name
    out = generate("gpu-lora", GenerateConfig(prompt="场景：广告语\n产品：竹纤维毛巾", n=2, max_new_tokens=8, seed=1),
                   device="cuda")
    assert out.variants and out.device == result.device
