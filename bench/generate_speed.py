"""Drafting speed: the engine's streamed generate() against a plain transformers pipeline.

Both sides sample 5 variants × 64 new tokens from the same ~10M-parameter GPT-2
folder (random weights, the engine's byte-level tokenizer trained on the sample;
speed does not depend on what the weights say), with the same prompt ids and the
engine's "balanced" sampling (temperature 0.8, top-p 0.95, top-k 50, repetition
penalty 1.1), on the same number of torch threads, after one warm-up call each
(model loaded and cached).

Engine: `engine.writing.generation.generate(folder, GenerateConfig(n=5, max_new_tokens=64))`
with an `on_text` callback that collects the streamed deltas.
Baseline: `transformers.pipeline("text-generation", model=folder, tokenizer=folder)
(prompt, num_return_sequences=5, max_new_tokens=64, min_new_tokens=64, do_sample=True, ...)`,
not streamed.

GenerateConfig has no min_new_tokens, so the folder's generation_config.json sets
min_new_tokens=64; transformers' generate() applies it on both sides, and both
then produce exactly 64 tokens per variant. The script counts the tokens each
side's model.generate actually returned and reports tokens/s from that count.

Measured, median over --repeat calls: tokens/s = new tokens / wall time of the
call; the engine's time to first streamed text, both as GenerateResult.first_text_s
and as our own clock from the call to the first on_text with a non-blank delta.

Run: .venv/bin/python bench/generate_speed.py [--repeat 5] [--json]
"""
from __future__ import annotations

import argparse
import json
import time

import workspace

TARGET_RATIO = 1.0
TARGET_FIRST_TEXT_S = 0.100
PROMPT = "竹纤维毛巾，吸水快，手感软，给年轻家庭"


def build_folder(folder, n_layer: int, n_embd: int, n_head: int, new_tokens: int):
    """A GPT-2 with the scratch model's settings at the requested size, saved with its tokenizer."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    from engine.training import SCRATCH_BLOCK

    data, _train, _val = workspace.load_sample()
    tokenizer = workspace.engine_tokenizer([s.text for s in data.samples])
    config = GPT2Config(vocab_size=len(tokenizer), n_positions=SCRATCH_BLOCK, n_layer=n_layer, n_head=n_head,
                        n_embd=n_embd, bos_token_id=tokenizer.eos_token_id, eos_token_id=tokenizer.eos_token_id,
                        pad_token_id=tokenizer.pad_token_id, tie_word_embeddings=True)
    torch.manual_seed(workspace.SEED)
    model = GPT2LMHeadModel(config)
    model.generation_config.min_new_tokens = new_tokens  # no early EOS on either side
    return workspace.save_model_folder(folder, model, tokenizer), model.num_parameters()


class GenerateCounter:
    """Wraps a model's generate() to record prompt length and new tokens per call."""

    def __init__(self, model):
        self.inner, self.calls = model.generate, []
        model.generate = self

    def __call__(self, *args, **kwargs):
        ids = kwargs.get("input_ids", args[0] if args else None)
        out = self.inner(*args, **kwargs)
        seq = out.sequences if hasattr(out, "sequences") else out
        self.calls.append({"prompt": ids[0].tolist(), "rows": seq.shape[0], "new": seq.shape[1] - ids.shape[1]})
        return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=5, help="variants per call (default 5)")
    parser.add_argument("--new-tokens", type=int, default=64, help="new tokens per variant (default 64)")
    parser.add_argument("--repeat", type=int, default=5, help="timed calls per side (default 5)")
    parser.add_argument("--layers", type=int, default=8, help="model layers (default 8)")
    parser.add_argument("--embd", type=int, default=320, help="model width (default 320: ~10M params with 8 layers)")
    parser.add_argument("--heads", type=int, default=5, help="attention heads (default 5)")
    parser.add_argument("--threads", type=int, default=None, help="torch threads for both (default: all cores)")
    parser.add_argument("--wait-quiet", type=float, default=0.0, metavar="S",
                        help="before each timed run, wait up to S seconds for other processes to leave the CPUs idle")
    parser.add_argument("--json", action="store_true", help="print one JSON line of results")
    args = parser.parse_args()

    import torch
    import transformers
    from transformers import pipeline

    from engine.models import COPY
    from engine.models import PROMPT as PROMPT_TOKEN
    from engine.writing import PRESETS, GenerateConfig, generate, load_model

    threads = workspace.use_threads(args.threads)
    transformers.logging.set_verbosity_error()
    folder, n_params = build_folder(workspace.scratch_dir("gen-model"), args.layers, args.embd, args.heads,
                                    args.new_tokens)
    sampling = PRESETS["balanced"]

    # ---- warm-up: load and cache both, one untimed call each ----
    generate(str(folder), GenerateConfig(PROMPT, n=args.n, max_new_tokens=args.new_tokens, seed=0, **sampling))
    engine_count = GenerateCounter(load_model(str(folder)).model)
    pipe = pipeline("text-generation", model=str(folder), tokenizer=str(folder), device="cpu")
    pipe_count = GenerateCounter(pipe.model)
    pipe_kwargs = dict(num_return_sequences=args.n, max_new_tokens=args.new_tokens, min_new_tokens=args.new_tokens,
                       do_sample=True, **sampling)
    pipe_prompt = PROMPT_TOKEN + PROMPT + COPY  # the engine's prompt layout for a scratch-style tokenizer
    pipe(pipe_prompt, **pipe_kwargs)
    torch.set_num_threads(threads)  # the engine's device choice set it too; keep both sides equal

    def run_engine(seed: int) -> dict:
        first: list[float] = []
        deltas: list[str] = []

        def on_text(event) -> None:
            deltas.append(event.delta)
            if not first and event.delta.strip():
                first.append(time.perf_counter() - t0)

        t0 = time.perf_counter()
        result = generate(str(folder), GenerateConfig(PROMPT, n=args.n, max_new_tokens=args.new_tokens, seed=seed,
                                                      **sampling), on_text=on_text)
        wall = time.perf_counter() - t0
        call = engine_count.calls[-1]
        return {"wall_s": wall, "tokens": call["rows"] * call["new"], "first_text_s": result.first_text_s,
                "first_text_own_s": first[0] if first else None, "deltas": len(deltas),
                "threads": torch.get_num_threads()}

    def run_pipeline(seed: int) -> dict:
        torch.manual_seed(seed)
        t0 = time.perf_counter()
        pipe(pipe_prompt, **pipe_kwargs)
        wall = time.perf_counter() - t0
        call = pipe_count.calls[-1]
        return {"wall_s": wall, "tokens": call["rows"] * call["new"], "threads": torch.get_num_threads()}

    runs = {"engine": [], "pipeline": []}
    for r in range(args.repeat):
        for side in (("engine", "pipeline") if r % 2 == 0 else ("pipeline", "engine")):
            if args.wait_quiet:
                workspace.wait_for_quiet(args.wait_quiet, workspace.quiet_limit(threads))
            with workspace.CpuWatch() as watch:
                out = run_engine(r) if side == "engine" else run_pipeline(r)
            out["tokens_per_s"] = out["tokens"] / out["wall_s"]
            out["others_cpu"] = watch.others
            runs[side].append(out)
    same_prompt = engine_count.calls[-1]["prompt"] == pipe_count.calls[-1]["prompt"]
    workspace.cleanup()

    def med(side: str, key: str) -> float:
        return workspace.median_spread([r[key] for r in runs[side]])[0]

    ratios = [e["tokens_per_s"] / p["tokens_per_s"] for e, p in zip(runs["engine"], runs["pipeline"])]
    results = {
        "bench": "generate_speed", "torch": torch.__version__, "transformers": transformers.__version__,
        "threads": threads, "params": n_params, "n": args.n, "new_tokens": args.new_tokens,
        "same_prompt_ids": same_prompt, "engine": runs["engine"], "pipeline": runs["pipeline"],
        "ratio_runs": ratios, "ratio_median": workspace.median_spread(ratios)[0],
        "first_text_s_median": med("engine", "first_text_s"),
        "first_text_own_s_median": med("engine", "first_text_own_s"),
    }
    quiet = [i for i, (e, p) in enumerate(zip(runs["engine"], runs["pipeline"]))
             if not workspace.contended(max(e["others_cpu"], p["others_cpu"]), threads)]
    results["quiet_pairs"] = quiet
    results["quiet_ratio_median"] = workspace.median_spread([ratios[i] for i in quiet])[0] if quiet else None
    results["target_met"] = (results["ratio_median"] >= TARGET_RATIO
                             and results["first_text_own_s_median"] <= TARGET_FIRST_TEXT_S)
    if args.json:
        print(json.dumps(results))
        return 0

    print(f"Model: GPT-2 {args.layers}L/{args.heads}H/{args.embd}d, {n_params:,} params; {args.n} variants × "
          f"{args.new_tokens} new tokens; {threads} torch threads; same prompt ids on both sides: {same_prompt}")
    print(f"Median of {args.repeat} [min–max]:\n")
    header = f"{'':10}{'tokens/call':>13}{'wall s':>24}{'tokens/s':>22}{'first text ms':>22}"
    print(header)
    print("-" * len(header))
    for side in ("engine", "pipeline"):
        first = (workspace.fmt_spread([r["first_text_own_s"] * 1e3 for r in runs[side]])
                 if side == "engine" else "— (not streamed)")
        print(f"{side:10}{med(side, 'tokens'):>13.0f}{workspace.fmt_spread([r['wall_s'] for r in runs[side]], 3):>24}"
              f"{workspace.fmt_spread([r['tokens_per_s'] for r in runs[side]]):>22}{first:>22}")
    print(f"\nengine/pipeline tokens/s: {workspace.fmt_spread(ratios, 2)}×  (target ≥ {TARGET_RATIO}×)")
    print(f"engine first streamed text: {results['first_text_own_s_median'] * 1e3:.0f} ms by our clock, "
          f"{results['first_text_s_median'] * 1e3:.0f} ms by GenerateResult.first_text_s "
          f"(target ≤ {TARGET_FIRST_TEXT_S * 1e3:.0f} ms)")
    print("CPU share used by other processes per call: "
          + "; ".join(f"{side} " + ", ".join(f"{r['others_cpu']:.0%}" for r in runs[side]) for side in runs)
          + f" (contended above {workspace.quiet_limit(threads):.0%}: "
            "the cores this run left free, plus 10%)")
    if quiet:
        print(f"engine/pipeline tokens/s, uncontended pairs only ({len(quiet)} of {args.repeat}): "
              f"{workspace.fmt_spread([ratios[i] for i in quiet], 2)}×")
    print(f"target met: {'yes' if results['target_met'] else 'no'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
