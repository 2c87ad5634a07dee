"""CPU dropout that draws four mask elements per random word: same distribution, same gradients,
reproducible from the saved RNG state, and swapped in only where torch's own kernel is scalar."""
from __future__ import annotations

import math

import pytest
import torch
from transformers import GPT2Config, GPT2LMHeadModel

import engine.training.dropout
from engine.training.dropout import CpuDropout, use_cpu_dropout
from engine.training.tuning import tune_for_training


@pytest.mark.parametrize("p", [0.1, 0.5])
def test_drops_each_element_with_probability_p_and_rescales_the_rest(p):
    torch.manual_seed(0)
    x = torch.ones(4_000_003)  # not a multiple of four: the last word is only partly used
    y = CpuDropout(p).train()(x)
    dropped = (y == 0).double().mean().item()
    sigma = math.sqrt(p * (1 - p) / x.numel())
    assert abs(dropped - p) < 5 * sigma, dropped
    assert torch.allclose(y[y != 0], torch.full_like(y[y != 0], 1 / (1 - p)))
    # neighbouring elements come from different lanes of one word: they must not drop together more often
    pairs = ((y[0:-1:2] == 0) & (y[1::2] == 0)).double().mean().item()
    assert abs(pairs - p * p) < 5 * math.sqrt(p * p * (1 - p * p) / (x.numel() // 2)), pairs


def test_gradient_is_the_same_mask_and_scale():
    torch.manual_seed(1)
    x = torch.randn(64, 33, requires_grad=True)
    y = CpuDropout(0.2).train()(x)
    y.sum().backward()
    kept = y.detach() != 0
    assert torch.equal(x.grad, kept.float() / 0.8)
    assert torch.allclose(y.detach()[kept], x.detach()[kept] / 0.8)


def test_the_saved_rng_state_redraws_the_same_masks():
    drop = CpuDropout(0.1).train()
    x = torch.randn(8, 128, 16)
    torch.manual_seed(7)
    state = torch.get_rng_state()  # what a checkpoint stores
    first = drop(x)
    torch.set_rng_state(state)
    assert torch.equal(drop(x), first)
    assert not torch.equal(drop(x), first)  # and the stream moves on


def test_eval_mode_and_zero_rate_pass_the_input_through():
    x = torch.randn(5, 7)
    assert CpuDropout(0.3).eval()(x) is x
    assert CpuDropout(0.0).train()(x) is x
    with pytest.raises(ValueError):
        CpuDropout(1.0)


def _gpt2() -> GPT2LMHeadModel:
    config = GPT2Config(vocab_size=64, n_positions=16, n_layer=2, n_head=2, n_embd=16,
                        resid_pdrop=0.1, embd_pdrop=0.1, attn_pdrop=0.1)
    torch.manual_seed(0)
    return GPT2LMHeadModel(config)


def test_training_on_a_cpu_with_a_scalar_kernel_swaps_every_dropout(monkeypatch):
    monkeypatch.setattr(engine.training.dropout, "scalar_bernoulli", lambda: True)
    model = _gpt2().train()
    tune_for_training(model, attention_dropout=0.0, device_kind="cpu")
    drops = [m for m in model.modules() if isinstance(m, (torch.nn.Dropout, CpuDropout))]
    assert drops and all(type(m) is CpuDropout for m in drops)
    assert model.transformer.h[0].attn.attn_dropout.p == 0.0  # GPT-2 hands this rate to SDPA
    assert model.transformer.h[0].mlp.dropout.p == 0.1 and model.transformer.drop.training
    ids = torch.randint(0, 64, (2, 16))
    loss = model(input_ids=ids, labels=ids).loss
    loss.backward()
    assert torch.isfinite(loss) and model.transformer.wte.weight.grad.abs().sum() > 0
    model.eval()
    with torch.no_grad():  # no dropout at inference: two passes agree
        assert torch.equal(model(input_ids=ids).logits, model(input_ids=ids).logits)


@pytest.mark.parametrize(("kind", "scalar"), [("cpu", False), ("cuda", True)])
def test_torch_dropout_stays_where_its_kernel_is_already_fast(monkeypatch, kind, scalar):
    monkeypatch.setattr(engine.training.dropout, "scalar_bernoulli", lambda: scalar)
    model = _gpt2()
    tune_for_training(model, attention_dropout=0.0, device_kind=kind)
    assert not any(isinstance(m, CpuDropout) for m in model.modules())


def test_swap_keeps_each_modules_mode_and_rate():
    model = torch.nn.Sequential(torch.nn.Dropout(0.25), torch.nn.Linear(3, 3), torch.nn.Dropout(0.5), torch.nn.Dropout(1.0))
    model[2].eval()
    assert use_cpu_dropout(model) == 2
    assert type(model[3]) is torch.nn.Dropout
    assert (model[0].p, model[0].training) == (0.25, True) and (model[2].p, model[2].training) == (0.5, False)


@pytest.mark.parametrize(("platform_name", "cpuinfo", "processor", "scalar"), [
    ("linux", "vendor_id\t: AuthenticAMD\nflags\t: avx2\n", "", True),
    ("linux", "vendor_id\t: GenuineIntel\nflags\t: avx2\n", "", False),
    ("linux", "processor\t: 0\nCPU implementer\t: 0x41\n", "", True),  # ARM
    ("linux", None, "", False),  # unreadable: assume torch's fast path, change nothing
    ("win32", None, "Intel64 Family 6 Model 154 Stepping 3, GenuineIntel", False),
    ("win32", None, "AMD64 Family 25 Model 33 Stepping 2, AuthenticAMD", True),
    ("darwin", None, "arm", True),
])
def test_vendor_check(monkeypatch, tmp_path, platform_name, cpuinfo, processor, scalar):
    info = tmp_path / "cpuinfo"
    if cpuinfo is not None:
        info.write_text(cpuinfo, encoding="ascii")
    monkeypatch.setattr(engine.training.dropout, "CPUINFO", info)
    monkeypatch.setattr(engine.training.dropout.sys, "platform", platform_name)
    monkeypatch.setattr(engine.training.dropout.platform, "processor", lambda: processor)
    engine.training.dropout.scalar_bernoulli.cache_clear()
    try:
        assert engine.training.dropout.scalar_bernoulli() is scalar
    finally:
        engine.training.dropout.scalar_bernoulli.cache_clear()
