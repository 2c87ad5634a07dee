"""What generation reports about its limits: the device it ran on, running out of memory, the token cap."""
from __future__ import annotations

import gc
import json
import weakref

import pytest
import torch

import main
from engine.common import OutOfMemoryError
from engine.common.memory import is_out_of_memory
from engine.models import cpu_name as device_cpu_name
from engine.writing import GenerateConfig, generate, is_loaded, load_model
from engine.writing import generation as gen

CPU_LINUX = ("[enforce fail at alloc_cpu.cpp:117] err == 0. DefaultCPUAllocator: can't allocate memory: "
             "you tried to allocate 2359296 bytes. Error code 12 (Cannot allocate memory)")
CPU_WINDOWS = "[enforce fail at alloc_cpu.cpp:81] data. DefaultCPUAllocator: not enough memory: you tried to allocate 2359296 bytes."
CUDA = "CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 8.00 GiB of which 1.25 GiB is free."
OOM_ERRORS = [RuntimeError(CPU_LINUX), RuntimeError(CPU_WINDOWS), torch.cuda.OutOfMemoryError(CUDA),
              RuntimeError("CUDA error: out of memory"), MemoryError()]


def cpu_name() -> str:
    return device_cpu_name(torch.get_num_threads())


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def fail_once(monkeypatch, obj, attr: str, error: BaseException) -> None:
    """`obj.attr` raises `error` on its first call and works normally after that."""
    real = getattr(obj, attr)
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(obj, attr, flaky)


@pytest.mark.parametrize("err", OOM_ERRORS, ids=["cpu-linux", "cpu-windows", "cuda-type", "cuda-text", "python"])
def test_allocator_messages_are_out_of_memory(err):
    assert is_out_of_memory(err)


@pytest.mark.parametrize("err", [RuntimeError("Expected all tensors to be on the same device"),
                                 ValueError("not enough values to unpack"), KeyError("memory")])
def test_other_errors_are_not_out_of_memory(err):
    assert not is_out_of_memory(err)


def test_result_names_the_device_used(tiny_model):
    result = generate(tiny_model, GenerateConfig(prompt="青禾", n=2, max_new_tokens=6, seed=3), device="cpu")
    assert result.device == cpu_name() == load_model(tiny_model, "cpu").device_name


def test_cap_at_the_models_positions_is_reported(tiny_model):
    lm = load_model(tiny_model)
    positions = lm.model.config.n_positions
    prompt_len = len(lm.style.text_prefix_ids(lm.tokenizer, "青禾"))
    capped = generate(tiny_model, GenerateConfig(prompt="青禾", n=1, max_new_tokens=positions + 40, seed=3))
    assert capped.capped and capped.max_new_tokens_used == positions - prompt_len
    room = generate(tiny_model, GenerateConfig(prompt="青禾", n=1, max_new_tokens=8, seed=3))
    assert not room.capped and room.max_new_tokens_used == 8 and not room.prompt_cut and not capped.prompt_cut


def test_a_prompt_that_fills_the_model_is_cut_at_its_start_and_says_so(tiny_model, capsys):
    long_prompt = "竹纤维毛巾柔软吸水，" * 60  # far more than the scratch model's 128 positions
    result = generate(tiny_model, GenerateConfig(prompt=long_prompt, n=1, max_new_tokens=8, seed=3))
    assert result.prompt_cut and result.capped and result.max_new_tokens_used == 1
    code, out, err = run_cli(capsys, "generate", tiny_model, "--prompt", long_prompt, "--max-new-tokens", "8",
                             "--seed", "3", "--json")
    assert code == 0 and json.loads(out.splitlines()[-1])["prompt_cut"] is True
    code, _out, err = run_cli(capsys, "generate", tiny_model, "--prompt", long_prompt, "--max-new-tokens", "8")
    assert code == 0 and "beginning was left out" in err


@pytest.mark.parametrize("err", OOM_ERRORS[:3], ids=["cpu-linux", "cpu-windows", "cuda"])
def test_out_of_memory_while_generating_becomes_advice_and_the_next_try_works(tiny_model, monkeypatch, err):
    lm = load_model(tiny_model, "cpu")  # the advice below is the CPU's
    fail_once(monkeypatch, lm.model, "forward", err)
    cfg = GenerateConfig(prompt="青禾", n=4, max_new_tokens=12, seed=3)
    with pytest.raises(OutOfMemoryError) as caught:
        generate(tiny_model, cfg, device="cpu")
    assert caught.value.key == "generate_out_of_memory"
    text = str(caught.value)
    assert text.startswith(f"The {cpu_name()} ran out of memory") and "4 variants" in text
    assert "fewer variants" in text and "--device cpu" in text
    result = generate(tiny_model, cfg, device="cpu")
    assert result.variants and load_model(tiny_model, "cpu") is lm  # still cached: no reload for the retry


def test_out_of_memory_while_loading_leaves_nothing_in_memory(tiny_model, monkeypatch):
    load_model(tiny_model, "cpu")
    half_loaded = []
    real = gen.load_causal_lm

    def load_then_fail(*args, **kwargs):  # the weights are in memory when the move to the device fails
        model = real(*args, **kwargs)
        half_loaded.append(weakref.ref(model))
        raise RuntimeError(CPU_LINUX)

    monkeypatch.setattr(gen, "load_causal_lm", load_then_fail)
    with pytest.raises(OutOfMemoryError) as caught:
        generate(tiny_model, GenerateConfig(prompt="青禾", n=1, max_new_tokens=4), device="auto")
    assert caught.value.key == "load_out_of_memory" and f'the model "{tiny_model}"' in str(caught.value)
    gc.collect()
    assert half_loaded and half_loaded[0]() is None  # the error's traceback no longer holds the model
    assert not is_loaded(tiny_model, "auto") and not is_loaded(tiny_model, "cpu")

    monkeypatch.setattr(gen, "load_causal_lm", real)
    assert generate(tiny_model, GenerateConfig(prompt="青禾", n=1, max_new_tokens=4, seed=1)).variants


def test_cli_json_reports_device_and_cap(tiny_model, capsys):
    code, out, _ = run_cli(capsys, "generate", tiny_model, "--prompt", "青禾", "-n", "2", "--seed", "3",
                           "--max-new-tokens", "300", "--device", "cpu", "--json")
    assert code == 0
    done = json.loads(out.splitlines()[-1])
    assert {"event", "elapsed_s", "first_text_s", "seed", "cancelled"} <= done.keys()
    assert done["device"] == cpu_name() and done["max_new_tokens_capped"] is True
    assert done["max_new_tokens_used"] < 128 == load_model(tiny_model, "cpu").model.config.n_positions


def test_cli_human_output_names_the_device_and_the_cap(tiny_model, capsys):
    code, out, err = run_cli(capsys, "generate", tiny_model, "--prompt", "青禾", "-n", "2", "--seed", "3",
                             "--device", "cpu")
    assert code == 0 and "[1] 青禾" in out
    assert f"on {cpu_name()}" in err and "--max-new-tokens 160 was lowered to" in err

    code, out, err = run_cli(capsys, "generate", tiny_model, "--prompt", "青禾", "--max-new-tokens", "5",
                             "--device", "cpu")
    assert code == 0 and f"on {cpu_name()}" in err and "lowered" not in err


def test_cli_out_of_memory_is_one_line_and_the_app_stays_usable(tiny_model, capsys, monkeypatch):
    fail_once(monkeypatch, load_model(tiny_model, "cpu").model, "forward", RuntimeError(CPU_WINDOWS))
    args = ("generate", tiny_model, "--prompt", "青禾", "-n", "3", "--max-new-tokens", "8", "--device", "cpu")
    code, out, err = run_cli(capsys, *args)
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2 and len(lines) == 1 and "ran out of memory" in lines[0] and "Traceback" not in err
    code, out, err = run_cli(capsys, *args)
    assert code == 0 and "[1] 青禾" in out
