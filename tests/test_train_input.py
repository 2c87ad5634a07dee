"""Bad training input fails before anything is written or deleted; cancel and running out of
memory are handled in every phase, not only inside the training loop."""
from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest
import torch
from conftest import ROOT, SAMPLE, subprocess_env, wenan_home_at

from engine.common import ConfigError, ModelLoadError, OutOfMemoryError
from engine.models import library
from engine.training import MIN_BLOCK, TrainConfig, check_options, checkpoint, train

KEEP = dict(data=str(SAMPLE), max_steps=4, batch_size=2)  # the interrupted run "keep"


def _cancel_at_step_1(cancel: threading.Event):
    def on_event(e):
        if e.step >= 1:
            cancel.set()
    return on_event


@pytest.fixture(scope="module")
def interrupted_run(tmp_path_factory) -> Path:
    """The runs/ folder of a training cancelled after its first step, built once for this module."""
    with wenan_home_at(tmp_path_factory.mktemp("interrupted-home")) as home:
        cancel = threading.Event()
        result = train(TrainConfig(name="keep", **KEEP), on_event=_cancel_at_step_1(cancel), cancel=cancel)
        assert result.cancelled and result.resumable and checkpoint.read_state("keep") is not None
    return home / "runs" / "keep"


@pytest.fixture
def kept(interrupted_run, wenan_home) -> dict:
    """The interrupted run copied into this test's data folder; returns its files' contents."""
    shutil.copytree(interrupted_run, wenan_home / "runs" / "keep")
    return _snapshot(checkpoint.run_dir("keep"))


def _snapshot(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _assert_untouched(kept: dict) -> None:
    assert not library.exists("keep")
    assert checkpoint.read_state("keep") is not None
    assert _snapshot(checkpoint.run_dir("keep")) == kept  # not a byte of the interrupted run changed


# ---- numeric options ----

@pytest.mark.parametrize("field,value,key,option", [
    ("batch_size", 0, "option_at_least", "--batch-size"),
    ("grad_accum", 0, "option_at_least", "--grad-accum"),
    ("max_steps", 0, "option_at_least", "--max-steps"),   # was silently "the default"
    ("max_steps", -1, "option_at_least", "--max-steps"),  # was an untrained model in the library
    ("block_size", 0, "option_at_least", "--block-size"),
    ("block_size", 4, "option_at_least", "--block-size"),
    ("epochs", -1.0, "option_positive", "--epochs"),
    ("epochs", 0.0, "option_positive", "--epochs"),
    ("lr", -1.0, "option_positive", "--lr"),
    ("lr", float("nan"), "option_positive", "--lr"),
    ("lr", float("inf"), "option_positive", "--lr"),
    ("val_fraction", 0.9, "option_range", "--val-fraction"),
    ("val_fraction", -0.1, "option_range", "--val-fraction"),
    ("eval_every", 0, "option_at_least", "eval_every"),
    ("checkpoint_every_steps", 0, "option_at_least", "--checkpoint-every"),
    ("weight_decay", -0.1, "option_at_least", "weight_decay"),
    ("warmup_frac", 1.5, "option_range", "warmup_frac"),
    ("min_lr_frac", -0.1, "option_range", "min_lr_frac"),
    ("lora_r", 0, "option_at_least", "lora_r"),
    ("seed", -1, "option_range", "--seed"),
])
def test_bad_numbers_are_refused_and_keep_an_interrupted_run(kept, field, value, key, option):
    cfg = TrainConfig(**dict(KEEP, name="keep", **{field: value}))
    with pytest.raises(ConfigError) as err:
        train(cfg)
    assert err.value.key == key
    assert str(err.value).startswith(f"Invalid value for {option}: {value}.")
    _assert_untouched(kept)


def test_the_cli_defaults_reach_training_and_are_accepted(monkeypatch):
    import main
    from engine.training import loop

    class Passed(Exception):
        pass

    def fake_train(cfg, **kwargs):
        raise Passed(cfg)

    monkeypatch.setattr(loop, "train", fake_train)
    monkeypatch.setattr("engine.cli.bases.convert_base", lambda *args: None)
    with pytest.raises(Passed) as passed:
        main.main(["train", "x.txt", "--name", "x"])
    cfg = passed.value.args[0]
    assert (cfg.data, cfg.name, cfg.max_steps, cfg.block_size, cfg.checkpoint_every_steps) == ("x.txt", "x", None, None, None)
    assert check_options(cfg) is None


@pytest.mark.parametrize("field,accepted,refused", [
    ("batch_size", 1, 0), ("grad_accum", 1, 0), ("max_steps", 1, 0), ("block_size", MIN_BLOCK, MIN_BLOCK - 1),
    ("epochs", 1e-3, 0.0), ("lr", 1e-6, 0.0), ("val_fraction", 0.0, -1e-9), ("val_fraction", 0.5, 0.5 + 1e-9),
    ("checkpoint_every_steps", 1, 0), ("seed", 0, -1), ("seed", 2**32 - 1, 2**32),
])
def test_each_limit_accepts_its_edge_and_refuses_one_step_past_it(field, accepted, refused):
    base = TrainConfig(data="x", name="x")
    assert check_options(replace(base, **{field: accepted})) is None
    with pytest.raises(ConfigError) as err:
        check_options(replace(base, **{field: refused}))
    assert err.value.key in ("option_at_least", "option_positive", "option_range")


def test_cli_refuses_a_negative_step_count_with_one_line(wenan_home):
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "train", str(SAMPLE), "--name", "neg",
                           "--max-steps", "-1"], capture_output=True, text=True, timeout=300,
                          env=subprocess_env(wenan_home), cwd=ROOT)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == ["error: Invalid value for --max-steps: -1. Use a number of at least 1."]
    assert not (wenan_home / "models" / "neg").exists()


def test_block_size_longer_than_the_base_is_refused(kept, gpt2_base):
    with pytest.raises(ConfigError) as err:
        train(TrainConfig(**dict(KEEP, name="keep", base=str(gpt2_base), block_size=512)))
    assert err.value.key == "block_size_too_large"
    assert "(256 tokens)" in str(err.value) and "--block-size 256 or less" in str(err.value)
    _assert_untouched(kept)


# ---- a start that fails on its base loses nothing ----

def test_bad_bases_keep_an_interrupted_run(kept, tmp_path, gpt2_base):
    pickled = tmp_path / "pickled"
    pickled.mkdir()
    (pickled / "config.json").write_text((gpt2_base / "config.json").read_text())
    (pickled / "pytorch_model.bin").write_bytes(b"\x80\x04not really a pickle")
    for base, method, error, key in [(str(tmp_path / "no-such-folder"), "auto", ModelLoadError, "model_missing"),
                                     (str(pickled), "auto", ModelLoadError, "model_pickle_only"),
                                     ("scratch", "lora", ConfigError, "bad_value")]:
        with pytest.raises(error) as err:
            train(TrainConfig(**dict(KEEP, name="keep", base=base, method=method)))
        assert err.value.key == key
        _assert_untouched(kept)


# ---- cancel while preparing ----

def _cancel_at_preparing(cancel: threading.Event, which: int, events: list):
    def on_event(e):
        events.append(e)
        if e.phase == "preparing" and sum(x.phase == "preparing" for x in events) == which:
            cancel.set()
    return on_event


@pytest.mark.parametrize("which", [1, 2])  # before the data is read; once the base model is ready
def test_cancel_while_preparing_writes_nothing(wenan_home, which):
    cancel, events = threading.Event(), []
    result = train(TrainConfig(name="fresh", **KEEP), on_event=_cancel_at_preparing(cancel, which, events),
                   cancel=cancel)
    assert result.cancelled and result.path is None and result.step == 0 and not result.resumable
    assert {e.phase for e in events} == {"preparing"}  # no step, no evaluation, no saving
    assert not library.exists("fresh")
    assert not checkpoint.run_dir("fresh").exists()
    assert not any(wenan_home.joinpath("models").iterdir())


@pytest.mark.parametrize("resume", [False, True])
def test_cancel_while_preparing_keeps_an_interrupted_run(kept, resume):
    cancel, events = threading.Event(), []
    result = train(TrainConfig(name="keep", **KEEP), on_event=_cancel_at_preparing(cancel, 2, events),
                   cancel=cancel, resume=resume)
    assert result.cancelled and result.path is None
    step = int(checkpoint.read_state("keep")["checkpoint"].rsplit("-", 1)[-1])
    assert result.resumable == resume and result.step == (step if resume else 0)
    _assert_untouched(kept)


# ---- cancel while evaluating ----

def _watch_evaluation(monkeypatch) -> dict:
    """Counts forward passes in evaluation mode; sets watch["cancel"], when given, during each."""
    from transformers import GPT2LMHeadModel

    real_forward, watch = GPT2LMHeadModel.forward, {"batches": 0, "cancel": None}

    def forward(self, *args, **kwargs):
        if not self.training:
            watch["batches"] += 1
            if watch["cancel"] is not None:
                watch["cancel"].set()  # as if the user pressed Cancel while this batch runs
        return real_forward(self, *args, **kwargs)

    monkeypatch.setattr(GPT2LMHeadModel, "forward", forward)
    return watch


@pytest.mark.parametrize("eval_every,evaluated", [(2, [2, 4]), (4, [4])])  # mid-run; the final evaluation
def test_cancel_while_evaluating_stops_within_a_batch_and_resumes(wenan_home, monkeypatch, eval_every, evaluated):
    cfg = TrainConfig(data=str(SAMPLE), name="ev", max_steps=4, batch_size=2, block_size=32, eval_every=eval_every)
    watch = _watch_evaluation(monkeypatch)
    watch["cancel"] = cancel = threading.Event()
    first = train(cfg, cancel=cancel)
    assert watch["batches"] == 1  # the batch running when the cancel came, and no other
    assert first.cancelled and first.resumable and first.step == eval_every and first.val_loss is None
    assert not library.exists("ev")
    assert checkpoint.read_state("ev")["checkpoint"] == f"checkpoint-{eval_every}"

    watch.update(batches=0, cancel=None)
    events = []
    second = train(cfg, resume=True, on_event=events.append)
    assert not second.cancelled and second.step == 4 and library.exists("ev")
    # the interrupted evaluation is done again first, and each one is several batches long
    assert [e.step for e in events if e.phase == "evaluating"] == evaluated
    assert watch["batches"] >= 2 * len(evaluated)
    history = library.get_model("ev").card.history
    assert [s for s, _train, val in history if val is not None] == evaluated


# ---- out of memory outside the loop ----

def test_out_of_memory_building_the_model_becomes_advice(kept, monkeypatch):
    import engine.training.bases

    def build(*args, **kwargs):
        raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")

    monkeypatch.setattr(engine.training.bases, "build_scratch_model", build)
    with pytest.raises(OutOfMemoryError) as err:
        train(TrainConfig(name="keep", **KEEP))
    assert err.value.key == "out_of_memory_loading" and "ran out of memory while loading" in str(err.value)
    _assert_untouched(kept)


def test_out_of_memory_loading_a_pretrained_model_becomes_advice(kept, monkeypatch, gpt2_base):
    from transformers import GPT2LMHeadModel

    def init(self, *args, **kwargs):  # transformers reports it wrapped in a "model broken" error
        raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 8.00 GiB")

    monkeypatch.setattr(GPT2LMHeadModel, "__init__", init)
    with pytest.raises(OutOfMemoryError) as err:
        train(TrainConfig(**dict(KEEP, name="keep", base=str(gpt2_base), method="full")))
    assert err.value.key == "out_of_memory_loading" and "LoRA" in str(err.value)
    _assert_untouched(kept)


def test_out_of_memory_while_evaluating_becomes_advice(monkeypatch):
    from transformers import GPT2LMHeadModel

    real_forward = GPT2LMHeadModel.forward

    def forward(self, *args, **kwargs):
        if not self.training:
            raise RuntimeError("CUDA out of memory. Tried to allocate 1.00 GiB")
        return real_forward(self, *args, **kwargs)

    monkeypatch.setattr(GPT2LMHeadModel, "forward", forward)
    with pytest.raises(OutOfMemoryError) as err:
        train(TrainConfig(data=str(SAMPLE), name="oom", max_steps=4, batch_size=2))
    assert err.value.key == "out_of_memory" and "batch size (now 2)" in str(err.value)
    assert not library.exists("oom")
