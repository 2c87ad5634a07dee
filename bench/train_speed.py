"""Training speed: the engine's train() against the classic Hugging Face GPT-2 fine-tuning recipe.

Both sides start from the same model folder (the scratch-sized GPT-2 the engine
would build for the bundled sample, with the engine's own tokenizer, saved once
with save_pretrained; the engine loads it as TrainConfig(base=<folder>, method="full")),
train on the same texts (the engine's 95/5 split of resources/samples/shop_copy.txt),
with the same batch (8), block (128), optimizer steps (150), peak learning rate (1e-3),
5% warm-up, cosine decay to 10%, AdamW betas (0.9, 0.95), weight decay 0.1 and
gradient clipping 1.0, on the same number of torch threads. One run, both sides,
alternating which goes first.

Baseline ("classic"): `transformers.Trainer` with its default optimizer (adamw_torch_fused),
no saving, no evaluation, `report_to=[]`, `dataloader_num_workers=0`, full batches only
(`dataloader_drop_last`, so tokens = steps × batch × block on both sides); the training
text tokenized whole and cut into consecutive 128-token blocks (what the removed
`TextDataset` did), collated by `DataCollatorForLanguageModeling(tok, mlm=False)`.
Samples are joined with EOS, as the engine packs them, so both sides see the same token
stream; the collator's tokenizer has no pad token, as GPT-2's has none (the engine's
pads with EOS, which the collator would otherwise drop from the labels).

Measured:
  tokens/s (loop)  steps × batch × block / loop time. Engine: TrainResult.tokens_per_s
                   (first step to last, including its final evaluation and best-weights
                   save); classic: Trainer's on_train_begin → on_train_end. Neither
                   includes loading the model. "call s" is the whole call (engine: train(),
                   which also loads data and model and saves to the library; classic:
                   from_pretrained + tokenizing + Trainer() + train()).
  tokens/s (median step)  from the median step time, which a short burst of other
                   processes' work moves less than the total.
  held-out loss    mean next-token cross-entropy over every token of the validation texts,
                   blocked the same way for both and scored by one function after training.
  FLOP/s           tokens/s × [6·(N_nonemb + V·d) + 12·L·d·T]: the usual 6N estimate plus
                   the tied LM-head matmul (V·d) and the attention scores and values
                   (12·L·d·T), as a share of the measured fp32 torch.mm peak on the same threads.
  others CPU       the share of the machine other processes used during each run; on a
                   shared 2-core machine a contended run is slower by far more than that share.

--engine-patch measures proposed engine changes without editing engine/ (bf16: bf16 autocast
on CPU; no-dropout: residual and embedding dropout off too). Fused AdamW on CPU and attention
dropout off, measured this way first, are now the engine's own (docs/PERFORMANCE.md).

Run: .venv/bin/python bench/train_speed.py [--steps 150] [--repeat 3] [--threads N] [--json]
"""
from __future__ import annotations

import argparse
import contextlib
import copy
import dataclasses
import json
import time
from pathlib import Path

import workspace  # first: sets WENAN_HOME and offline mode before engine/transformers load

TARGET_SPEEDUP = 1.5


def token_blocks(tokenizer, texts: list[str], block: int, keep_tail: bool):
    """Tokenize the texts whole (EOS between samples, as the engine packs them) and cut
    consecutive `block`-token pieces, like TextDataset; the tail is kept only for scoring."""
    import torch

    eos = tokenizer.eos_token
    ids = tokenizer(eos + eos.join(texts) + eos, add_special_tokens=False)["input_ids"]
    blocks = [torch.tensor(ids[i:i + block]) for i in range(0, len(ids) - block + 1, block)]
    if keep_tail and len(ids) % block > 1:
        blocks.append(torch.tensor(ids[len(ids) - len(ids) % block:]))
    return blocks


def heldout_loss(model, blocks) -> float:
    """Mean next-token cross-entropy over every predicted token of every block."""
    import torch
    import torch.nn.functional as F

    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for x in blocks:
            logits = model(input_ids=x[None]).logits[0, :-1].float()
            total += F.cross_entropy(logits, x[1:], reduction="sum").item()
            count += x.numel() - 1
    return total / count


def flops_per_token(config) -> tuple[int, float]:
    """(non-embedding params, training FLOPs per token) for a GPT-2 config."""
    d, L, V, T = config.n_embd, config.n_layer, config.vocab_size, config.n_positions
    per_layer = 12 * d * d + 13 * d  # attention (4·d² + 4·d) + MLP (8·d² + 5·d) + two LayerNorms (4·d)
    non_embedding = L * per_layer + 2 * d  # plus the final LayerNorm
    return non_embedding, 6 * (non_embedding + V * d) + 12 * L * d * T


def build_base(folder, train_texts, all_texts, block: int, seed: int = workspace.SEED, shape: str | None = None,
               vocab: int | None = None):
    """The model the engine would build from scratch for this data, saved as a plain HF folder;
    `shape` ("4x256": layers x width) and `vocab` force another size than the engine's choice."""
    import engine.models.scratch
    from engine.models import ScratchSize, build_scratch_model, train_tokenizer

    tokenizer = workspace.engine_tokenizer(all_texts) if vocab is None else train_tokenizer(all_texts, vocab)
    train_tokens = sum(len(ids) + 1 for ids in tokenizer(train_texts)["input_ids"])
    original = engine.models.scratch.scratch_size
    if shape:
        layers, width = (int(v) for v in shape.lower().split("x"))
        engine.models.scratch.scratch_size = lambda tokens: ScratchSize(layers, max(1, width // 64), width)
    try:
        model = build_scratch_model(tokenizer, train_tokens, block, seed)
    finally:
        engine.models.scratch.scratch_size = original
    return workspace.save_model_folder(folder, model, tokenizer), model.config


def median_step_s(marks: list[tuple[float, int]]) -> float:
    """Median seconds per optimizer step from (time, step) marks; robust to bursts of CPU contention."""
    per_step = [(t1 - t0) / (s1 - s0) for (t0, s0), (t1, s1) in zip(marks, marks[1:]) if s1 > s0]
    return workspace.median_spread(per_step)[0]


@contextlib.contextmanager
def engine_patches(names: set[str]):
    """What-if changes to the engine, applied only around its train() call, to measure a proposal."""
    import torch
    from accelerate.state import AcceleratorState

    import engine.training.loop

    original_choose, original_prepare = engine.training.loop.choose_device, engine.training.loop.prepare_base
    if "bf16" in names:  # bf16 autocast on CPU, as the engine already does on CUDA
        engine.training.loop.choose_device = lambda *a, **k: dataclasses.replace(original_choose(*a, **k), dtype="bf16")
        # accelerate keeps one process-wide state and refuses a second precision without a reset
        AcceleratorState._reset_state(reset_partial_state=True)
    if "no-dropout" in names:  # every dropout off, as nanoGPT trains
        def prepare_without_dropout(*a, **k):
            base = original_prepare(*a, **k)
            for module in base.model.modules():
                if isinstance(module, torch.nn.Dropout):
                    module.p = 0.0
            return base
        engine.training.loop.prepare_base = prepare_without_dropout
    try:
        yield
    finally:
        engine.training.loop.choose_device, engine.training.loop.prepare_base = original_choose, original_prepare
        if "bf16" in names:
            AcceleratorState._reset_state(reset_partial_state=True)


def run_engine(args, folder, run: int, threads_seen: set) -> dict:
    import torch
    from transformers import AutoModelForCausalLM

    from engine.models.card import read_card
    from engine.training import TrainConfig, train

    marks: list[tuple[float, int]] = []

    def on_event(e) -> None:
        threads_seen.add(torch.get_num_threads())
        if e.phase == "training":
            marks.append((time.perf_counter(), e.step))

    cfg = TrainConfig(
        data=str(args.data), name=f"engine-{run}", base=str(folder), method="full",
        max_steps=args.steps, batch_size=args.batch_size, block_size=args.block, lr=args.lr, seed=args.seed,
        # "final": one evaluation at the end, so the weights scored are the last step's, as on the classic side
        eval_every=args.steps if args.engine_eval == "final" else None,
    )
    t0 = time.perf_counter()
    with engine_patches(set(args.engine_patch.split(",")) - {"none"}):
        result = train(cfg, on_event=on_event)
    call_s = time.perf_counter() - t0
    card = read_card(result.path)
    model = AutoModelForCausalLM.from_pretrained(result.path, local_files_only=True)
    tokens = result.step * args.batch_size * args.block
    return {"tokens_per_s": result.tokens_per_s, "loop_s": tokens / result.tokens_per_s, "call_s": call_s,
            "step_tokens_per_s": args.batch_size * args.block / median_step_s(marks),
            "steps": result.step, "best_step": card.metrics.best_step, "model": model}


def run_classic(args, folder, train_texts, run: int, threads_seen: set) -> dict:
    import torch
    from transformers import (AutoModelForCausalLM, AutoTokenizer, DataCollatorForLanguageModeling, Trainer,
                              TrainerCallback, TrainingArguments)
    from transformers.trainer_callback import PrinterCallback

    class LoopClock(TrainerCallback):
        def on_train_begin(self, *a, **k):
            self.start = time.perf_counter()
            self.marks = [(self.start, 0)]

        def on_step_end(self, args, state, control, **k):
            threads_seen.add(torch.get_num_threads())
            self.marks.append((time.perf_counter(), state.global_step))

        def on_train_end(self, *a, **k):
            self.end = time.perf_counter()

    t0 = time.perf_counter()
    model = AutoModelForCausalLM.from_pretrained(folder, local_files_only=True)
    load_s = time.perf_counter() - t0
    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    blocks = token_blocks(tokenizer, train_texts, args.block, keep_tail=False)
    # GPT-2's tokenizer has no pad token; the engine's pads with EOS, which the collator would then
    # drop from the labels. Blocks are all full length, so nothing is padded: unset it, as in the recipe.
    collate_tok = copy.deepcopy(tokenizer)
    collate_tok.pad_token = None
    targs = TrainingArguments(
        output_dir=str(workspace.scratch_dir(f"classic-{run}")), report_to=[], save_strategy="no",
        eval_strategy="no", dataloader_num_workers=0, use_cpu=True, disable_tqdm=True,
        per_device_train_batch_size=args.batch_size, max_steps=args.steps, seed=args.seed,
        dataloader_drop_last=True,  # every step is a full batch, so tokens = steps × batch × block
        # the engine's hyperparameters, on the Trainer's default optimizer
        learning_rate=args.lr, lr_scheduler_type="cosine_with_min_lr", lr_scheduler_kwargs={"min_lr_rate": 0.1},
        warmup_steps=0.05, weight_decay=0.1, adam_beta1=0.9, adam_beta2=0.95, max_grad_norm=1.0,
    )
    clock = LoopClock()
    trainer = Trainer(model=model, args=targs, train_dataset=blocks, callbacks=[clock],
                      data_collator=DataCollatorForLanguageModeling(collate_tok, mlm=False))
    trainer.remove_callback(PrinterCallback)  # it prints the final metrics dict; the table says it all
    trainer.train()
    call_s = time.perf_counter() - t0
    loop_s = clock.end - clock.start
    tokens = trainer.state.global_step * args.batch_size * args.block
    return {"tokens_per_s": tokens / loop_s, "loop_s": loop_s, "call_s": call_s, "load_s": load_s,
            "step_tokens_per_s": args.batch_size * args.block / median_step_s(clock.marks),
            "steps": trainer.state.global_step, "optim": str(targs.optim.value), "model": trainer.model}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=150, help="optimizer steps per side (default 150)")
    parser.add_argument("--batch-size", type=int, default=8, help="blocks per step (default 8)")
    parser.add_argument("--block", type=int, default=128, help="tokens per block (default 128)")
    parser.add_argument("--lr", type=float, default=1e-3, help="peak learning rate (default 1e-3, the scratch default)")
    parser.add_argument("--seed", type=int, default=1337,
                        help="split, initial weights, data order and dropout, for both sides (default 1337, the app's)")
    parser.add_argument("--repeat", type=int, default=2, help="runs per side, alternating which goes first (default 2)")
    parser.add_argument("--threads", type=int, default=None, help="torch threads for both (default: all cores)")
    parser.add_argument("--engine-eval", choices=("final", "default"), default="final",
                        help="final: the engine evaluates once at the end; default: ~10 times, keeping the best")
    parser.add_argument("--engine-patch", default="none",
                        help="what-if engine changes, comma-separated: bf16, no-dropout (default none)")
    parser.add_argument("--wait-quiet", type=float, default=0.0, metavar="S",
                        help="before each timed run, wait up to S seconds for other processes to leave the CPUs idle")
    parser.add_argument("--data", type=Path, default=workspace.SAMPLE, help="the text (default: the bundled sample)")
    parser.add_argument("--shape", help="force the model's LAYERSxWIDTH (e.g. 4x256; default: the engine's choice)")
    parser.add_argument("--vocab", type=int, help="force the tokenizer's vocabulary (needs enough --data)")
    parser.add_argument("--json", action="store_true", help="print one JSON line of results")
    args = parser.parse_args()
    unknown = set(args.engine_patch.split(",")) - {"none", "bf16", "no-dropout"}
    if unknown:
        parser.error(f"unknown --engine-patch {', '.join(sorted(unknown))}: use bf16, no-dropout or none")

    import torch
    import transformers

    threads = workspace.use_threads(args.threads)
    transformers.logging.set_verbosity_error()
    data, train_texts, val_texts = workspace.load_sample(args.data, seed=args.seed)
    all_texts = [s.text for s in data.samples]
    folder, config = build_base(workspace.scratch_dir("base"), train_texts, all_texts, args.block, args.seed,
                                args.shape, args.vocab)
    from transformers import AutoTokenizer
    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    val_blocks = token_blocks(tokenizer, val_texts, args.block, keep_tail=True)
    n_params = sum(p.numel() for p in transformers.AutoModelForCausalLM.from_pretrained(folder).parameters())
    non_emb, fpt = flops_per_token(config)

    runs = {"engine": [], "classic": []}
    threads_seen = {"engine": set(), "classic": set()}
    for r in range(args.repeat):
        order = ("engine", "classic") if r % 2 == 0 else ("classic", "engine")
        for side in order:
            if not args.json:
                print(f"run {r + 1}/{args.repeat}: {side} …", flush=True)
            if args.wait_quiet:
                workspace.wait_for_quiet(args.wait_quiet, workspace.quiet_limit(threads))
            with workspace.CpuWatch() as watch:
                out = (run_engine(args, folder, r, threads_seen[side]) if side == "engine"
                       else run_classic(args, folder, train_texts, r, threads_seen[side]))
            out["others_cpu"] = watch.others
            out["heldout"] = heldout_loss(out.pop("model"), val_blocks)
            runs[side].append(out)
    peak = workspace.matmul_peak(threads)
    workspace.cleanup()

    def med(side: str, key: str) -> float:
        return workspace.median_spread([r[key] for r in runs[side]])[0]

    speedups = [e["tokens_per_s"] / c["tokens_per_s"] for e, c in zip(runs["engine"], runs["classic"])]
    step_speedups = [e["step_tokens_per_s"] / c["step_tokens_per_s"] for e, c in zip(runs["engine"], runs["classic"])]
    results = {
        "bench": "train_speed", "torch": torch.__version__, "transformers": transformers.__version__,
        "threads": threads, "threads_seen": {k: sorted(v) for k, v in threads_seen.items()},
        "model": {"n_layer": config.n_layer, "n_head": config.n_head, "n_embd": config.n_embd,
                  "vocab": config.vocab_size, "params": n_params, "non_embedding_params": non_emb,
                  "flops_per_token": fpt},
        "seed": args.seed, "steps": args.steps, "batch_size": args.batch_size, "block": args.block, "lr": args.lr,
        "tokens_per_run": args.steps * args.batch_size * args.block,
        "heldout_tokens": sum(b.numel() - 1 for b in val_blocks), "engine_eval": args.engine_eval,
        "engine_patch": args.engine_patch,
        "matmul_peak_flops": peak, "engine": runs["engine"], "classic": runs["classic"],
        "speedup_runs": speedups, "speedup_median": workspace.median_spread(speedups)[0],
        "step_speedup_runs": step_speedups, "step_speedup_median": workspace.median_spread(step_speedups)[0],
        "heldout_engine": med("engine", "heldout"), "heldout_classic": med("classic", "heldout"),
    }
    quiet = [i for i, (e, c) in enumerate(zip(runs["engine"], runs["classic"]))
             if not workspace.contended(max(e["others_cpu"], c["others_cpu"]), threads)]
    results["quiet_pairs"] = quiet
    results["quiet_speedup_median"] = workspace.median_spread([speedups[i] for i in quiet])[0] if quiet else None
    results["target_met"] = (results["speedup_median"] >= TARGET_SPEEDUP
                             and results["heldout_engine"] <= results["heldout_classic"])
    if args.json:
        print(json.dumps(results))
        return 0

    m = results["model"]
    print(f"\nModel: GPT-2 {m['n_layer']}L/{m['n_head']}H/{m['n_embd']}d, vocab {m['vocab']}, "
          f"{m['params']:,} params ({m['non_embedding_params']:,} non-embedding); "
          f"{args.steps} steps × {args.batch_size} × {args.block} = {results['tokens_per_run']:,} tokens; "
          f"{threads} torch threads (seen: engine {results['threads_seen']['engine']}, "
          f"classic {results['threads_seen']['classic']}); held-out {results['heldout_tokens']} tokens")
    print(f"fp32 matmul peak: {peak / 1e9:.1f} GFLOP/s; FLOPs/token = 6·(N_nonemb + V·d) + 12·L·d·T = {fpt:,}")
    print(f"Median of {args.repeat} [min–max]:\n")
    header = (f"{'':9}{'tokens/s (loop)':>24}{'tokens/s (median step)':>26}{'loop s':>8}{'call s':>8}"
              f"{'GFLOP/s':>9}{'of peak':>8}{'held-out loss':>26}")
    print(header)
    print("-" * len(header))
    for side in ("engine", "classic"):
        gflops = med(side, "tokens_per_s") * fpt / 1e9
        print(f"{side:9}{workspace.fmt_spread([r['tokens_per_s'] for r in runs[side]]):>24}"
              f"{workspace.fmt_spread([r['step_tokens_per_s'] for r in runs[side]]):>26}"
              f"{med(side, 'loop_s'):>8.1f}{med(side, 'call_s'):>8.1f}{gflops:>9.2f}{gflops * 1e9 / peak:>8.1%}"
              f"{workspace.fmt_spread([r['heldout'] for r in runs[side]], 4):>26}")
    print(f"\nCPU share used by other processes per run: "
          + "; ".join(f"{side} " + ", ".join(f"{r['others_cpu']:.0%}" for r in runs[side]) for side in runs)
          + f" (contended above {workspace.quiet_limit(threads):.0%}: "
            "the cores this run left free, plus 10%)")
    if quiet:
        print(f"engine/classic tokens/s (loop), uncontended pairs only ({len(quiet)} of {args.repeat}): "
              f"{workspace.fmt_spread([speedups[i] for i in quiet], 2)}×")
    print(f"engine/classic tokens/s (loop): {workspace.fmt_spread(speedups, 2)}×  (target ≥ {TARGET_SPEEDUP}×)")
    print(f"engine/classic tokens/s (median step, less sensitive to CPU contention): "
          f"{workspace.fmt_spread(step_speedups, 2)}×")
    print(f"held-out loss: engine {results['heldout_engine']:.4f} vs classic {results['heldout_classic']:.4f} "
          f"(target: engine ≤ classic)")
    print(f"engine best step(s): {[r['best_step'] for r in runs['engine']]} of {args.steps}; engine patches: "
          f"{args.engine_patch}; classic optimizer: {runs['classic'][0]['optim']}")
    print(f"target met: {'yes' if results['target_met'] else 'no'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
