"""Weight-only int8 (torchao) against bf16 for writing with the Qwen2.5-0.5B stand-in on a CPU.

Speed: 3 variants × N new tokens with the engine's writing loop (engine.writing.decoding, the prompt
computed afresh each call), alternating bf16 and int8 in one process, median of --repeat calls each.
Quality: random weights make the text meaningless, so the check is numeric: the next-token logits
of int8 against bf16 (and bf16 against fp32, for scale) on the engine's chat prompt, as the
relative error ||a - b|| / ||b|| and whether the top token agrees, over the prompt's positions.

Needs torchao (not a dependency unless it wins): .venv/bin/pip install torchao
Run: .venv/bin/python bench/qwen_int8.py [--new-tokens 48] [--repeat 3]
"""
from __future__ import annotations

import argparse
import copy
import os
import statistics
import threading
import time

import workspace  # noqa: F401  (offline, a temporary WENAN_HOME)
import qwen_cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--new-tokens", type=int, default=48)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    import torch
    from torchao.quantization import Int8WeightOnlyConfig, quantize_
    from transformers import AutoModelForCausalLM

    from engine.writing import PRESETS
    from engine.writing.decoding import Sampling, decode

    workspace.use_threads(args.threads)
    folder = qwen_cpu.build_standin()
    bf16 = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.bfloat16).eval()
    int8 = copy.deepcopy(bf16)
    quantize_(int8, Int8WeightOnlyConfig())  # every nn.Linear, the tied output layer included
    prompt = qwen_cpu._prompt_ids(argparse.Namespace(scenario="detail"))
    ids = torch.tensor([prompt] * qwen_cpu.N_VARIANTS)

    # ---- quality: logits against bf16 ----
    with torch.inference_mode():
        x = ids[:1, :256]
        ref = bf16(input_ids=x).logits.float()
        q = int8(input_ids=x).logits.float()
        fp32 = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32).eval()
        full = fp32(input_ids=x).logits.float()
        del fp32
    def rel(a, b):
        return float((a - b).norm() / b.norm())
    print(f"logits relative error: int8 vs bf16 {rel(q, ref):.4f}; bf16 vs fp32 {rel(ref, full):.4f}")
    print(f"top token agrees: int8 vs bf16 {float((q.argmax(-1) == ref.argmax(-1)).float().mean()):.1%}; "
          f"bf16 vs fp32 {float((ref.argmax(-1) == full.argmax(-1)).float().mean()):.1%}")

    # ---- speed ----
    sampling = Sampling(**PRESETS["balanced"], min_new_tokens=args.new_tokens)

    def write(model, new_tokens: int, seed: int) -> None:  # the engine's loop, its prompt computed afresh
        decode(model, prompt, qwen_cpu.N_VARIANTS, new_tokens, sampling, stop_ids=(151643, 151645),
               on_tokens=lambda rows, tokens: None, cancel=threading.Event(), seed=seed)

    times = {"bf16": [], "int8": []}
    for model in (bf16, int8):  # warm-up
        write(model, 2, 0)
    for r in range(args.repeat):
        for name in (("bf16", "int8") if r % 2 == 0 else ("int8", "bf16")):
            model = bf16 if name == "bf16" else int8
            t0 = time.perf_counter()
            write(model, args.new_tokens, r + 1)
            times[name].append(time.perf_counter() - t0)
    for name, values in times.items():
        print(f"{name}: {args.new_tokens / statistics.median(values):.2f} tokens/s per variant "
              f"(calls {', '.join(f'{v:.1f}' for v in values)} s; prompt {len(prompt)} tokens)")
    print(f"int8/bf16 speed: {statistics.median(times['bf16']) / statistics.median(times['int8']):.2f}×; "
          f"load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
