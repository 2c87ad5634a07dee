"""Training end to end on real tiny models: scratch, full fine-tune, LoRA, cancel and resume."""
from __future__ import annotations

import json
import threading

import pytest
import torch
from conftest import PAIRS, SAMPLE
from safetensors.torch import load_file

from engine.common import ModelLoadError, OutOfMemoryError, TrainingError
from engine.models import library
from engine.models.card import read_card
from engine.training import TrainConfig, checkpoint, choose_method, train
from engine.writing import GenerateConfig, generate


def test_scratch_training_lowers_validation_loss(scratch_model_dir):
    meta = json.loads((scratch_model_dir / "wenan.json").read_text(encoding="utf-8"))
    val = [v for _step, _train, v in meta["history"] if v is not None]
    assert len(val) >= 3
    assert val[-1] < val[0] - 0.3, val
    assert meta["metrics"]["val_loss"] == pytest.approx(min(val), abs=1e-4)


def test_finished_model_folder_holds_everything(scratch_model_dir):
    names = {p.name for p in scratch_model_dir.iterdir()}
    assert {"model.safetensors", "config.json", "tokenizer.json", "wenan.json"} <= names
    assert not any(n.endswith((".bin", ".pt")) for n in names)
    meta = json.loads((scratch_model_dir / "wenan.json").read_text(encoding="utf-8"))
    assert meta["name"] == "tiny"
    assert meta["base"]["kind"] == "scratch" and meta["method"] == "full"
    assert meta["data"]["file"] == "shop_copy.txt" and len(meta["data"]["sha256"]) == 64
    assert meta["data"]["samples"] == meta["data"]["train_samples"] + meta["data"]["val_samples"]
    assert meta["hyperparameters"]["max_steps"] == 40 and meta["hyperparameters"]["lr"] > 0
    assert meta["metrics"]["perplexity"] > 1
    assert meta["training"]["device"].startswith("CPU") and meta["training"]["duration_s"] > 0
    # the run's checkpoints are gone once the model is in the library
    assert not (scratch_model_dir.parent.parent / "runs" / "tiny").exists()


def test_events_cover_every_phase_and_stay_throttled():
    events = []
    result = train(TrainConfig(data=str(SAMPLE), name="ev", max_steps=12, eval_every=4, device="cpu"),
                   on_event=events.append)
    phases = [e.phase for e in events]
    assert phases[0] == "preparing" and phases[-1] == "done"
    assert {"training", "evaluating", "saving"} <= set(phases)
    assert all(e.total_steps == 12 for e in events if e.phase == "training")
    assert any(e.val_loss is not None for e in events)
    assert events[-1].step == 12 and result.step == 12 and not result.cancelled
    assert all(e.device.startswith("CPU") for e in events if e.device)
    assert len(events) < 12 * 3 + 10  # throttled: not several events per step


def _weights(name: str) -> dict:
    return load_file(str(library.get_model(name).path / "model.safetensors"))


# the second case stops after the plan was fitted to the first steps' speed (budget.PROBE_STEPS), which the
# resumed run then reads from the checkpoint
@pytest.mark.parametrize("lines,steps,cut_from", [(None, 12, 5), (12, 40, 10)])
def test_cancel_then_resume_continues_exactly(lines, steps, cut_from, tmp_path):
    data = SAMPLE
    if lines:  # a few lines seen many times: the plan raises a scratch model's dropout and weight decay,
        # which a resume must keep
        data = tmp_path / "few.txt"
        data.write_text("\n".join(SAMPLE.read_text(encoding="utf-8").splitlines()[:lines]) + "\n", encoding="utf-8")
    cfg = dict(data=str(data), max_steps=steps, eval_every=3, batch_size=4, device="cpu")  # bit-exact on the CPU
    straight_run = train(TrainConfig(name="straight", **cfg))
    hyperparameters = read_card(straight_run.path).hyperparameters
    regularisation = hyperparameters["dropout"], hyperparameters["weight_decay"]
    assert regularisation == ((0.1, 0.1) if lines is None else (0.3, 0.5))

    cancel = threading.Event()
    stopped_at = []

    def stop_mid_run(e):  # progress events are throttled, so the first one from step `cut_from` on
        if e.step >= cut_from and not cancel.is_set():
            stopped_at.append(e.step)
            cancel.set()

    first = train(TrainConfig(name="interrupted", **cfg), on_event=stop_mid_run, cancel=cancel)
    cut = stopped_at[0]
    assert cut_from <= cut < steps, "the cancel must land mid-run for this test to mean anything"
    assert first.cancelled and first.path is None and first.step == cut  # no step starts after the cancel
    assert not library.exists("interrupted")
    assert checkpoint.read_state("interrupted")["checkpoint"] == f"checkpoint-{cut}"
    saved = torch.load(checkpoint.run_dir("interrupted") / f"checkpoint-{cut}" / "optimizer.pt", weights_only=True)
    assert [group["weight_decay"] for group in saved["param_groups"]] == [regularisation[1], 0.0]  # the optimizer's own

    events = []
    second = train(TrainConfig(name="interrupted", **cfg), resume=True, on_event=events.append)
    assert not second.cancelled and second.step == steps
    # it continues after the cut, not from the start: only the later evaluations happen again, and
    # the cut's own if one was due there, since the cancel stops it (evaluation events are never throttled)
    redone = [cut] if cut % 3 == 0 else []
    later = [s for s in range(3, steps + 1, 3) if s > cut] + ([steps] if steps % 3 else [])
    assert [e.step for e in events if e.phase == "evaluating"] == redone + later
    straight, resumed = _weights("straight"), _weights("interrupted")
    assert straight.keys() == resumed.keys()
    for key in straight:
        torch.testing.assert_close(resumed[key], straight[key], rtol=0, atol=1e-6)


def test_resume_refuses_other_data_and_missing_runs(tmp_path):
    with pytest.raises(TrainingError) as err:
        train(TrainConfig(data=str(SAMPLE), name="nothing"), resume=True)
    assert err.value.key == "no_checkpoint" and "nothing" in str(err.value)

    cancel = threading.Event()  # stop at the first training step: a resumable checkpoint
    train(TrainConfig(data=str(SAMPLE), name="r", max_steps=5), cancel=cancel,
          on_event=lambda e: cancel.set() if e.step else None)
    other = tmp_path / "other.txt"
    other.write_text("\n".join(f"第{i}条不同的文案内容，用来测试。" for i in range(50)), encoding="utf-8")
    with pytest.raises(TrainingError) as err:
        train(TrainConfig(data=str(other), name="r", max_steps=5), resume=True)
    assert err.value.key == "resume_mismatch" and "data file" in str(err.value)


def test_name_taken_is_refused(tiny_model):
    with pytest.raises(TrainingError) as err:
        train(TrainConfig(data=str(SAMPLE), name=tiny_model, max_steps=2))
    assert "already exists" in str(err.value)


def test_full_fine_tune_of_local_gpt2(gpt2_base):
    result = train(TrainConfig(data=str(SAMPLE), name="gpt2-ft", base=str(gpt2_base), method="full",
                               max_steps=6, batch_size=4))
    card = library.get_model("gpt2-ft").card
    assert result.method == "full" and card.base.to_dict() == {"kind": "folder", "path": str(gpt2_base),
                                                                 "model_type": "gpt2"}
    assert card.style == "scratch"  # its tokenizer has the prompt markers of the shared test tokenizer
    out = generate("gpt2-ft", GenerateConfig(prompt="这款保温杯", n=2, max_new_tokens=12, seed=3))
    assert out.variants and all(v.startswith("这款保温杯") for v in out.variants)


def test_lora_on_chat_model_with_pairs(qwen2_base):
    result = train(TrainConfig(data=str(PAIRS), name="qwen-lora", base=str(qwen2_base), method="lora",
                               max_steps=6, batch_size=4, lora_r=4))
    info = library.get_model("qwen-lora")
    files = {p.name for p in info.path.iterdir()}
    assert {"adapter_model.safetensors", "adapter_config.json", "wenan.json", "examples.jsonl"} <= files
    assert "model.safetensors" not in files  # an adapter, not a copy of the base
    assert result.method == "lora" and info.card.base.path == str(qwen2_base)
    assert info.card.format == "pairs" and info.card.style == "chat"
    out = generate("qwen-lora", GenerateConfig(prompt="场景：广告语\n产品：竹纤维毛巾", n=2, max_new_tokens=10, seed=1))
    assert len(out.variants) >= 1
    assert not any("场景：" in v for v in out.variants)  # the prompt is stripped for pair models
    # it is shown the closest of the pairs it learnt from, and says so
    copy = PAIRS.read_text(encoding="utf-8")
    assert out.drafted_by == "trained" and out.chat and out.examples_source == "shop_pairs.csv"
    assert out.examples_used and all(text in copy for text in out.examples_used)


def test_continue_training_a_library_model(tiny_model):
    result = train(TrainConfig(data=str(SAMPLE), name="tiny-more", base=tiny_model, max_steps=3))
    card = library.get_model("tiny-more").card
    assert not result.cancelled and card.base.kind == "library" and card.base.name == "tiny"


def test_pickle_only_folder_is_refused(tmp_path, gpt2_base):
    folder = tmp_path / "pickled"
    folder.mkdir()
    (folder / "config.json").write_text((gpt2_base / "config.json").read_text())
    (folder / "pytorch_model.bin").write_bytes(b"\x80\x04not really a pickle")
    with pytest.raises(ModelLoadError) as err:
        train(TrainConfig(data=str(SAMPLE), name="x", base=str(folder)))
    assert err.value.key == "model_pickle_only" and "safetensors" in str(err.value)
    assert not library.exists("x")


@pytest.mark.parametrize("breakage,key", [
    ("no_config", "model_no_config"), ("bad_json", "model_broken"), ("no_weights", "model_no_weights"),
    ("missing", "model_missing"), ("truncated", "model_broken")])
def test_broken_model_folders(tmp_path, gpt2_base, breakage, key):
    import shutil
    folder = tmp_path / "m"
    if breakage != "missing":
        shutil.copytree(gpt2_base, folder)
    if breakage == "no_config":
        (folder / "config.json").unlink()
    elif breakage == "bad_json":
        (folder / "config.json").write_text("{ not json")
    elif breakage == "no_weights":
        (folder / "model.safetensors").unlink()
    elif breakage == "truncated":  # a download cut short
        data = (folder / "model.safetensors").read_bytes()
        (folder / "model.safetensors").write_bytes(data[: len(data) // 3])
    with pytest.raises(ModelLoadError) as err:
        train(TrainConfig(data=str(SAMPLE), name="x", base=str(folder)))
    assert err.value.key == key and str(folder) in str(err.value)


def test_out_of_memory_becomes_advice(monkeypatch):
    from transformers import GPT2LMHeadModel

    real_forward = GPT2LMHeadModel.forward
    calls = {"n": 0}

    def forward(self, *args, **kwargs):  # the device "fills up" on the third step
        calls["n"] += 1
        if calls["n"] == 3:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return real_forward(self, *args, **kwargs)

    monkeypatch.setattr(GPT2LMHeadModel, "forward", forward)
    with pytest.raises(OutOfMemoryError) as err:
        train(TrainConfig(data=str(SAMPLE), name="oom", max_steps=10, batch_size=16, device="cpu"))
    text = str(err.value)
    assert "ran out of memory" in text and "batch size (now 16)" in text and "LoRA" in text
    assert not library.exists("oom")


def test_method_is_chosen_from_size_and_memory():
    assert choose_method("auto", 10_000_000, 16 * 2**30) == "full"
    assert choose_method("auto", 7_000_000_000, 80 * 2**30) == "lora"
    assert choose_method("auto", 500_000_000, 4 * 2**30) == "lora"  # 10 GB of state won't fit in 4 GB
    assert choose_method("auto", 494_000_000, 64 * 2**30) == "lora"  # Qwen2.5-0.5B: an adapter even where it fits
    assert choose_method("auto", 124_000_000, 16 * 2**30) == "full"  # GPT-2 small
    assert choose_method("lora", 1000, None) == "lora"


def test_scratch_refuses_lora():
    with pytest.raises(Exception) as err:
        train(TrainConfig(data=str(SAMPLE), name="x", method="lora"))
    assert "LoRA needs a pretrained base" in str(err.value)


def test_bad_file_keeps_an_interrupted_run(tmp_path):
    cancel = threading.Event()
    train(TrainConfig(data=str(SAMPLE), name="keep", max_steps=5), cancel=cancel,
          on_event=lambda e: cancel.set() if e.step else None)
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    with pytest.raises(Exception) as err:
        train(TrainConfig(data=str(empty), name="keep", max_steps=5))
    assert "blank lines" in str(err.value)
    assert checkpoint.read_state("keep") is not None  # the checkpoint survived the bad start
