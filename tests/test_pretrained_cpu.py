"""A pretrained base on a CPU (issue 11): the selective loss and the precision choice."""
from __future__ import annotations

import pytest

from engine.models.device import DeviceChoice, cpu_autocast, cpu_has_bf16, load_dtype
from engine.training.loss import causal_lm_loss, linear_cross_entropy, selective_loss_model

CPU_BF16 = DeviceChoice("cpu", "bf16", "CPU (2 threads)", 16 * 2**30)
CPU_FP32 = DeviceChoice("cpu", "fp32", "CPU (2 threads)", 16 * 2**30)


def _tiny_qwen2(vocab: int = 300):
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    torch.manual_seed(0)
    return Qwen2ForCausalLM(Qwen2Config(vocab_size=vocab, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                                        num_attention_heads=4, num_key_value_heads=2, tie_word_embeddings=True))


def _masked_batch(vocab: int = 300):
    import torch

    torch.manual_seed(1)
    x = torch.randint(0, vocab, (2, 24))
    y = x.clone()
    y[:, :9] = -100     # the prompt
    y[1, 17:] = -100    # padding
    return x, y


def test_linear_cross_entropy_equals_cross_entropy_in_chunks():
    import torch
    import torch.nn.functional as F

    torch.manual_seed(0)
    h = torch.randn(37, 16, requires_grad=True)
    w = torch.randn(200, 16, requires_grad=True)
    t = torch.randint(0, 200, (37,))
    expected = F.cross_entropy(h @ w.T, t)
    expected.backward()
    gh, gw = h.grad.clone(), w.grad.clone()
    h.grad = w.grad = None
    got = linear_cross_entropy(h, w, t, chunk=5)  # 8 chunks, the last one short
    (got * 3.0).backward()  # the incoming gradient is applied
    assert torch.allclose(got, expected, atol=1e-5)
    assert torch.allclose(h.grad, 3.0 * gh, atol=1e-5) and torch.allclose(w.grad, 3.0 * gw, atol=1e-5)


def test_selective_loss_equals_the_models_loss_with_lora():
    import torch
    from peft import LoraConfig, get_peft_model

    model = get_peft_model(_tiny_qwen2(), LoraConfig(r=4, target_modules="all-linear", lora_dropout=0.0,
                                                     task_type="CAUSAL_LM"))
    for name, p in model.named_parameters():
        if "lora_B" in name:
            torch.nn.init.normal_(p, std=0.1)  # B starts at zero: make the adapter's gradients non-trivial
    x, y = _masked_batch()
    inner = selective_loss_model(model)
    assert inner is model.get_base_model()

    expected = model(input_ids=x, labels=y).loss
    expected.backward()
    grads = {n: p.grad.clone() for n, p in model.named_parameters() if p.requires_grad}
    model.zero_grad()
    got = causal_lm_loss(model, x, y, inner)
    got.backward()
    assert torch.allclose(got, expected, atol=1e-5)
    for name, p in model.named_parameters():
        if p.requires_grad:
            assert torch.allclose(p.grad, grads[name], atol=1e-5), name


def test_selective_loss_full_fine_tune_grads_reach_tied_embedding():
    import torch

    model = _tiny_qwen2()
    x, y = _masked_batch()
    expected = model(input_ids=x, labels=y).loss
    expected.backward()
    emb = model.get_input_embeddings().weight
    expected_grad = emb.grad.clone()
    model.zero_grad()
    causal_lm_loss(model, x, y, selective_loss_model(model)).backward()
    assert torch.allclose(emb.grad, expected_grad, atol=1e-5)


def test_selective_loss_under_bf16_autocast_is_close():
    import torch

    model = _tiny_qwen2()
    x, y = _masked_batch()
    with torch.autocast("cpu", dtype=torch.bfloat16):
        expected = model(input_ids=x, labels=y).loss
        got = causal_lm_loss(model, x, y, selective_loss_model(model))
    assert got.dtype == torch.float32
    assert abs(got.item() - expected.item()) < 0.02


def test_nothing_labelled_gives_zero_loss_not_nan():
    import torch

    model = _tiny_qwen2()
    x, _ = _masked_batch()
    loss = causal_lm_loss(model, x, torch.full_like(x, -100), selective_loss_model(model))
    loss.backward()
    assert loss.item() == 0.0


def test_models_with_a_scaled_head_keep_their_own_loss():
    from transformers import GPT2Config, GPT2LMHeadModel

    assert selective_loss_model(GPT2LMHeadModel(GPT2Config(n_layer=1, n_embd=16, n_head=2, vocab_size=50)))
    assert selective_loss_model(object()) is None


def test_cpu_precision_choice(monkeypatch):
    import torch

    monkeypatch.setenv("WENAN_CPU_BF16", "1")
    assert cpu_has_bf16()
    monkeypatch.setenv("WENAN_CPU_BF16", "0")
    assert not cpu_has_bf16()
    # a CPU with native bf16: a pretrained base writes and trains LoRA in bf16, a full fine-tune keeps
    # fp32 master weights, and everything trains under bf16 autocast, scratch models too
    assert load_dtype(CPU_BF16, "write") == torch.bfloat16
    assert load_dtype(CPU_BF16, "lora") == torch.bfloat16
    assert load_dtype(CPU_BF16, "full") == torch.float32
    assert cpu_autocast(CPU_BF16, scratch=True) and cpu_autocast(CPU_BF16, scratch=False)
    assert CPU_BF16.mixed_precision == "no"  # accelerate's process-wide state never changes between runs
    # elsewhere everything stays fp32
    assert load_dtype(CPU_FP32, "write") == load_dtype(CPU_FP32, "lora") == torch.float32
    assert not cpu_autocast(CPU_FP32, scratch=False) and not cpu_autocast(CPU_FP32, scratch=True)


def test_choose_device_reports_cpu_precision(monkeypatch):
    from engine.models.device import choose_device

    monkeypatch.setattr("torch.cuda.is_available", lambda: False)
    monkeypatch.setenv("WENAN_CPU_BF16", "0")
    assert choose_device("cpu").dtype == "fp32"
    monkeypatch.setenv("WENAN_CPU_BF16", "1")
    assert choose_device("cpu").dtype == "bf16"


