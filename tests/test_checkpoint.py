"""Checkpoint files: the folder state.json points at is never deleted before its replacement is
pointed at, and each training process gets its own random stream back on resume."""
from __future__ import annotations

import json
import random

import pytest
import torch

from engine.training import checkpoint


class _Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(3, 2)


def _parts():
    torch.manual_seed(0)
    net = _Net()
    opt = torch.optim.AdamW(net.parameters(), lr=0.1)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda step: 1.0)
    return net, opt, sched


def _save(step: int, net, opt, sched, **kw) -> None:
    checkpoint.save_checkpoint("run", net, opt, sched, {"step": step}, {"config": {}}, **kw)


def _pointer() -> dict:
    return json.loads((checkpoint.run_dir("run") / "state.json").read_text(encoding="utf-8"))


def _killed(*a, **k):
    raise KeyboardInterrupt  # stands in for kill -9 between the rename and the pointer update


def test_saving_the_same_step_again_replaces_it_under_a_new_name():
    net, opt, sched = _parts()
    _save(6, net, opt, sched)
    assert _pointer()["checkpoint"] == "checkpoint-6"
    with torch.no_grad():
        net.lin.weight.fill_(0.5)
    _save(6, net, opt, sched)  # a cancel right after the periodic save at step 6
    assert _pointer()["checkpoint"] == "checkpoint-6-2"
    folders = sorted(p.name for p in checkpoint.run_dir("run").iterdir() if p.is_dir())
    assert folders == ["checkpoint-6-2"]  # the superseded one went once the pointer moved
    fresh, opt2, sched2 = _parts()
    checkpoint.load_checkpoint("run", fresh, opt2, sched2)
    assert torch.equal(fresh.lin.weight, torch.full((2, 3), 0.5))
    assert checkpoint.saved_step(checkpoint.read_state("run")) == 6
    _save(6, net, opt, sched)
    assert _pointer()["checkpoint"] == "checkpoint-6"  # and back: the name in use is always avoided


def test_a_kill_before_the_pointer_moves_leaves_the_old_checkpoint_usable(monkeypatch):
    net, opt, sched = _parts()
    _save(6, net, opt, sched)

    with monkeypatch.context() as patch, pytest.raises(KeyboardInterrupt):
        patch.setattr(checkpoint, "_point", _killed)
        _save(6, net, opt, sched)
    state = checkpoint.read_state("run")
    assert state is not None and state["checkpoint"] == "checkpoint-6"
    fresh, opt2, sched2 = _parts()
    assert checkpoint.load_checkpoint("run", fresh, opt2, sched2)["step"] == 6


def test_best_weights_of_the_same_step_are_replaced_safely(monkeypatch):
    net, _opt, _sched = _parts()
    checkpoint.save_best("run", net, 4, {"config": {}})
    checkpoint.save_best("run", net, 4, {"config": {}})  # evaluated again at the same step after a resume
    assert checkpoint.best_folder("run").name == "best-4-2"
    with monkeypatch.context() as patch, pytest.raises(KeyboardInterrupt):
        patch.setattr(checkpoint, "_point", _killed)
        checkpoint.save_best("run", net, 4, {"config": {}})
    assert checkpoint.best_folder("run").name == "best-4-2"


def test_each_process_resumes_its_own_random_stream():
    net, opt, sched = _parts()
    streams = []
    for seed in (11, 12):  # what two training processes hold at the moment of the save
        torch.manual_seed(seed)
        random.seed(seed)
        streams.append(checkpoint.rng_state())
    _save(3, net, opt, sched, rng_by_rank=streams)
    draws = []
    for rank in (0, 1):
        torch.manual_seed(999)
        checkpoint.load_checkpoint("run", *_parts(), rank=rank)
        draws.append((torch.rand(4), random.random()))
    for seed, (tensor, number) in zip((11, 12), draws):
        torch.manual_seed(seed)
        random.seed(seed)
        assert torch.equal(tensor, torch.rand(4)) and number == random.random()


def test_a_single_process_checkpoint_restores_the_generator_it_saved():
    net, opt, sched = _parts()
    torch.manual_seed(5)
    _save(2, net, opt, sched)
    expected = torch.rand(3)
    torch.manual_seed(0)
    checkpoint.load_checkpoint("run", *_parts())
    assert torch.equal(torch.rand(3), expected)


def test_checkpoints_come_at_least_every_minute_and_more_often_when_saving_is_cheap():
    from engine.training.run import MIN_CHECKPOINT_S, SAVE_SHARE, checkpoint_interval

    assert checkpoint_interval(0.03) == MIN_CHECKPOINT_S   # a 1 M model saves in ~0.03 s
    mid = checkpoint_interval(1.0)
    assert MIN_CHECKPOINT_S < mid < 60 and 1.0 / (mid + 1.0) == pytest.approx(SAVE_SHARE)
    assert checkpoint_interval(16.0) == 60.0               # a 500 M full fine-tune: the minute wins
    assert checkpoint_interval(16.0, longest=30.0) == 30.0
