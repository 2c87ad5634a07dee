"""The model card (wenan.json): one typed reader and writer, and cards of earlier versions keep loading."""
from __future__ import annotations

import json

from engine.models import library
from engine.models.card import CARD_FILE, CARD_VERSION, BaseRecord, ModelCard, read_card, write_card

# Exactly what version 0.1.0 wrote for a LoRA adapter (no "version" field: card version 1).
V1_LORA = {
    "name": "春季上新", "created_at": "2026-11-20T09:30:00+00:00", "app_version": "0.1.0",
    "base": {"kind": "folder", "path": "/models/Qwen2.5-0.5B-Instruct", "model_type": "qwen2"},
    "method": "lora", "style": "chat", "format": "pairs", "block_size": 256,
    "data": {"file": "shop_pairs.csv", "sha256": "ab" * 32, "samples": 150, "train_samples": 142,
             "val_samples": 8, "train_tokens": 9001, "encoding": "utf-8"},
    "hyperparameters": {"lr": 0.0002, "batch_size": 8, "block_size": 256, "total_steps": 54},
    "metrics": {"train_loss": 2.1, "val_loss": 2.4, "perplexity": 11.02, "best_step": 50},
    "training": {"finished_at": "2026-11-20T09:41:00+00:00", "duration_s": 640.2, "device": "CPU (2 threads)",
                 "steps": 54, "tokens_per_s": 81.5},
    "history": [[10, 3.2, None], [10, None, 3.1]],
}


def test_a_card_written_by_version_0_1_loads_typed(tmp_path):
    tmp_path = tmp_path / "old"
    tmp_path.mkdir()
    (tmp_path / CARD_FILE).write_text(json.dumps(V1_LORA, ensure_ascii=False), encoding="utf-8")
    card = read_card(tmp_path)
    assert card.version == 1 and card.name == "春季上新" and card.is_lora and not card.is_text
    assert card.adapter_base() is not None and card.adapter_base().as_posix() == "/models/Qwen2.5-0.5B-Instruct"
    assert card.base == BaseRecord("folder", path="/models/Qwen2.5-0.5B-Instruct", model_type="qwen2")
    assert (card.data.samples, card.data.train_tokens, card.data.encoding) == (150, 9001, "utf-8")
    assert (card.metrics.val_loss, card.metrics.best_step, card.training.tokens_per_s) == (2.4, 50, 81.5)
    assert card.identity == "春季上新@2026-11-20T09:30:00+00:00"
    # written back, every field is as it was, plus the version
    assert card.to_dict() == dict(V1_LORA, version=CARD_VERSION)


def test_fields_a_version_does_not_know_survive_a_rename(tiny_model):
    folder = library.get_model(tiny_model).path
    raw = json.loads((folder / CARD_FILE).read_text(encoding="utf-8"))
    raw["from_the_future"] = {"x": 1}
    raw["base"]["gpu_layers"] = 12
    (folder / CARD_FILE).write_text(json.dumps(raw), encoding="utf-8")
    renamed = library.rename_model(tiny_model, "新名字")
    again = json.loads((renamed.path / CARD_FILE).read_text(encoding="utf-8"))
    assert again["name"] == "新名字" and again["from_the_future"] == {"x": 1} and again["base"]["gpu_layers"] == 12
    assert read_card(renamed.path).base.extra == {"gpu_layers": 12}


def test_fields_of_the_wrong_type_fall_back_and_never_hide_a_model(tmp_path):
    tmp_path = tmp_path / "odd"
    tmp_path.mkdir()
    (tmp_path / CARD_FILE).write_text(json.dumps({"created_at": 5, "method": ["x"], "base": "scratch",
                                                  "metrics": {"val_loss": "low"}, "data": 3}), encoding="utf-8")
    card = read_card(tmp_path)
    assert card.name == tmp_path.name and card.created_at == "5" and card.method is None
    assert card.base == BaseRecord() and card.metrics.val_loss is None and card.data.samples == 0
    for bad in ("[1, 2]", "{broken", ""):
        (tmp_path / CARD_FILE).write_text(bad, encoding="utf-8")
        assert read_card(tmp_path) is None


def test_the_writer_is_atomic_and_round_trips(tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    card = ModelCard("m", "2026-12-01T00:00:00+00:00", method="full", format="text", style="scratch",
                     base=BaseRecord("scratch", model_type="gpt2", n_params=1234))
    write_card(folder, card)
    assert read_card(folder) == card
    assert [p.name for p in folder.iterdir()] == [CARD_FILE]  # no temp file left beside it
