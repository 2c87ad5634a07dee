"""What a resumable checkpoint costs: `engine.training.checkpoint.save_checkpoint` timed for a
~1 M and a ~500 M parameter GPT-2 with a full AdamW state (after one real step), the same
500 M model with LoRA adapters (r=16 on every linear layer: what `--method auto` trains at
that size, since full fine-tunes stop at 300 M), and the checkpoint interval the engine
derives from each (`engine.training.run.checkpoint_interval`).

Run: .venv/bin/python bench/checkpoint_cost.py [--sizes 1m,500m,500m-lora] [--repeats 3] [--json]
"""
from __future__ import annotations

import argparse
import json
import statistics
import time

import workspace

# (layers, width, vocabulary): ~1.0 M and ~0.5 G parameters
SHAPES = {"1m": (4, 128, 1280), "500m": (25, 1280, 6000), "500m-lora": (25, 1280, 6000)}


def build(shape: tuple[int, int, int], lora: bool = False):
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    layers, width, vocab = shape
    model = GPT2LMHeadModel(GPT2Config(vocab_size=vocab, n_positions=64, n_layer=layers, n_head=max(4, width // 64),
                                       n_embd=width, tie_word_embeddings=True))
    if lora:
        from peft import LoraConfig, get_peft_model
        model = get_peft_model(model, LoraConfig(r=16, lora_alpha=32, target_modules=["c_attn", "c_proj", "c_fc"],
                                                 fan_in_fan_out=True))
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-4, fused=True)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: 1.0)
    x = torch.randint(0, vocab, (1, 16))
    model(x, labels=x).loss.backward()
    optimizer.step()  # the optimizer now holds its two moments for every parameter
    optimizer.zero_grad(set_to_none=True)
    return model, optimizer, scheduler


def measure(size: str, repeats: int) -> dict:
    from engine.training import checkpoint
    from engine.training.run import checkpoint_interval

    model, optimizer, scheduler = build(SHAPES[size], lora=size.endswith("lora"))
    params = sum(p.numel() for p in model.parameters())
    times = []
    for i in range(repeats):
        state = {"step": i + 1, "history": []}
        t0 = time.perf_counter()
        checkpoint.save_checkpoint(f"cost-{size}", model, optimizer, scheduler, state, {"bench": True})
        times.append(time.perf_counter() - t0)
    folder = checkpoint.run_dir(f"cost-{size}")
    size_bytes = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    checkpoint.discard_run(f"cost-{size}")
    median = statistics.median(times)
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return {"size": size, "params": params, "trainable": trainable, "bytes": size_bytes, "save_s": round(median, 3),
            "save_s_all": [round(t, 3) for t in times], "interval_s": round(checkpoint_interval(median), 1),
            "share": round(median / (checkpoint_interval(median) + median), 4)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default=",".join(SHAPES))
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    workspace.use_threads(None)
    rows = [measure(size, args.repeats) for size in args.sizes.split(",")]
    if args.json:
        print(json.dumps({"bench": "checkpoint_cost", "rows": rows}))
        return 0
    for r in rows:
        print(f"{r['size']}: {r['params']:,} parameters ({r['trainable']:,} trained), checkpoint {r['bytes'] / 1e6:,.1f} MB, save "
              f"{r['save_s']} s (median of {len(r['save_s_all'])}: {r['save_s_all']}) → a checkpoint every "
              f"{r['interval_s']} s of training, saving {r['share']:.1%} of the time")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
