"""A pretrained base on a CPU (issue 11): LoRA training and writing with a Qwen2.5-0.5B stand-in.

The stand-in has the exact published configuration of Qwen2.5-0.5B-Instruct (24 layers, 896 wide,
14 query and 2 key/value heads, MLP 4864, tied embeddings, vocabulary 151,936, bf16 weights) with
random weights, and a byte-level BPE trained on the samples whose vocabulary is padded to the real
size, with Qwen's special-token ids and a ChatML chat template. Speed does not depend on what the
weights say; the logits are 151,936 wide as in the real model. Built once into bench/out/ (git-ignored).

Each measurement runs in its own process, so its peak resident memory (ru_maxrss, model loading
included) is its own. Sides, alternating, in one run:

  engine       engine.training.train / engine.writing.generate from this tree
  before       the same from another commit's engine/ (--before REF, exported with git archive)
  plain-fp32   a plain loop: HF model in fp32 + peft LoRA (r=16, all linear layers), AdamW,
               model(input_ids, labels).loss; naive HF generate for writing
  plain-bf16   the same with bf16 weights and CPU autocast

Training: batch 2 × 128 tokens of resources/samples/shop_pairs.csv as the engine packs it (prompts
masked); tokens/s over the timed steps (the first is a warm-up). The time for 3 epochs is estimated
from the measured tokens/s and the number of blocks the app's defaults give (block 256), not run.
Writing: 3 variants × 120 new tokens (min_new_tokens in the folder's generation config, so no side
stops early), the engine's "balanced" sampling, a chat prompt with a scenario and 3 examples from
shop_pairs.csv; first streamed text, and tokens/s per variant = 120 / wall time of the call. The
engine's timed call is cold (its cache of the last prompt emptied); the first text of the next
request (another product, same scenario), of the same request again, and of the first request after
the Write page's preload read the scenario's system message ahead are given besides.

Run: .venv/bin/python bench/qwen_cpu.py [--only train|write] [--rounds 1] [--before REF] [--json]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tarfile
import io
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
STANDIN = OUT / "qwen2.5-0.5b-standin"
PAIRS = ROOT / "resources" / "samples" / "shop_pairs.csv"
COPY_TEXT = ROOT / "resources" / "samples" / "shop_copy.txt"
PROMPT = "竹纤维毛巾，吸水快，手感软，给年轻家庭"
OTHER_PROMPTS = ("玻璃密封罐，防潮，厨房收纳", "纯棉四件套，亲肤透气，送新婚夫妇")
N_VARIANTS, NEW_TOKENS = 3, 120
BATCH, BLOCK = 2, 128

# Qwen2.5-0.5B-Instruct's published config.json
QWEN_CONFIG = dict(
    architectures=["Qwen2ForCausalLM"], hidden_size=896, intermediate_size=4864, num_hidden_layers=24,
    num_attention_heads=14, num_key_value_heads=2, max_position_embeddings=32768, rope_theta=1000000.0,
    rms_norm_eps=1e-6, tie_word_embeddings=True, vocab_size=151936, hidden_act="silu", sliding_window=32768,
    use_sliding_window=False, max_window_layers=21, attention_dropout=0.0, initializer_range=0.02,
    bos_token_id=151643, eos_token_id=151645, use_cache=True)
N_REGULAR = 151643   # Qwen2.5's regular tokens; <|endoftext|> 151643, <|im_start|> 151644, <|im_end|> 151645
N_TOKENIZER = 151665  # its tokenizer's size (the model's embedding has 151,936 rows)
TRAINED_VOCAB = 4000  # the BPE learnt on the samples; the rest of the regular ids are unreachable padding
CHATML = ("{% for message in messages %}{% if loop.first and message['role'] != 'system' %}"
          "{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{% endif %}"
          "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}{% endfor %}"
          "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")


# ---------------------------------------------------------------- the stand-in

def standin_tokenizer():
    """A byte-level BPE learnt on the samples, its vocabulary padded to Qwen2.5's ids and size."""
    import csv

    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    texts = COPY_TEXT.read_text(encoding="utf-8").splitlines()
    with PAIRS.open(encoding="utf-8") as fh:
        texts += [cell for row in csv.reader(fh) for cell in row]
    learner = Tokenizer(models.BPE())
    learner.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    learner.train_from_iterator(texts, trainers.BpeTrainer(
        vocab_size=TRAINED_VOCAB, min_frequency=2, show_progress=False,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    vocab = learner.get_vocab()
    merges = json.loads(learner.to_str())["model"]["merges"]
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in merges]
    for i in range(len(vocab), N_REGULAR):
        vocab[f"<|pad{i}|>"] = i  # never produced by a merge: only the table's size matters
    tok = Tokenizer(models.BPE(vocab=vocab, merges=merges))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"] + [
        f"<|extra_{i}|>" for i in range(N_TOKENIZER - N_REGULAR - 3)]
    tok.add_special_tokens(specials)  # in order, from id 151643 as in Qwen2.5
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|im_end|>", pad_token="<|endoftext|>",
                                   additional_special_tokens=specials[1:3], model_max_length=32768,
                                   clean_up_tokenization_spaces=False)
    fast.chat_template = CHATML
    assert fast.convert_tokens_to_ids("<|im_end|>") == 151645 and len(fast) == N_TOKENIZER, len(fast)
    return fast


def build_standin(folder: Path = STANDIN) -> Path:
    """Build the stand-in once (about a minute); later runs reuse the folder."""
    if (folder / "model.safetensors").is_file():
        return folder
    import torch
    from transformers import GenerationConfig, Qwen2Config, Qwen2ForCausalLM

    print(f"building the stand-in in {folder} ...", file=sys.stderr)
    tokenizer = standin_tokenizer()
    torch.manual_seed(1337)
    model = Qwen2ForCausalLM(Qwen2Config(**QWEN_CONFIG)).to(torch.bfloat16)
    model.generation_config = GenerationConfig(bos_token_id=151643, eos_token_id=[151645, 151643],
                                               pad_token_id=151643, min_new_tokens=NEW_TOKENS)
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


# ---------------------------------------------------------------- workers (one process each)

def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def training_blocks(folder: Path, block: int):
    """shop_pairs.csv's training split packed as the engine packs it."""
    from engine.data import CleanOptions, load_data
    from engine.models import load_tokenizer
    from engine.models.prompt_style import PromptStyle
    from engine.training.blocks import encode_blocks

    tok = load_tokenizer(folder)
    data = load_data(PAIRS, clean=CleanOptions(mask_pii=True), min_samples=2)
    train, _val = data.split(0.05, seed=1337)
    return encode_blocks(tok, PromptStyle.for_tokenizer(tok), train, block)


def work_train_plain(args) -> dict:
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    dtype = torch.bfloat16 if args.dtype == "bf16" else torch.float32
    model = AutoModelForCausalLM.from_pretrained(STANDIN, dtype=dtype)
    model = get_peft_model(model, LoraConfig(r=16, lora_alpha=32, lora_dropout=0.05, target_modules="all-linear",
                                             task_type="CAUSAL_LM"))
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=2e-4)
    ids, labels = training_blocks(STANDIN, BLOCK)
    model.train()
    times = []
    for step in range(args.steps + 1):
        x, y = ids[step * BATCH:(step + 1) * BATCH], labels[step * BATCH:(step + 1) * BATCH]
        t0 = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.dtype == "bf16"):
            loss = model(input_ids=x, labels=y).loss
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        times.append(time.perf_counter() - t0)
    timed = times[1:]
    # the median step: other engineers' jobs on the shared cores stretch single steps 2-6×
    return {"tokens_per_s": BATCH * BLOCK / median(timed), "best_tokens_per_s": BATCH * BLOCK / min(timed),
            "step_s": timed,
            "peak_rss_mb": peak_rss_mb(), "loss": float(loss)}


def work_train_engine(args) -> dict:
    import threading

    from engine.training import TrainConfig, train

    marks: list[tuple[float, int]] = []

    def on_event(event) -> None:
        if event.phase == "training" and (not marks or event.step > marks[-1][1]):
            marks.append((time.perf_counter(), event.step))

    # the timed steps, and one evaluation of one batch at the end; no checkpoint
    cfg = TrainConfig(data=str(PAIRS), name="bench-qwen", base=str(STANDIN), method="lora", batch_size=BATCH,
                      block_size=BLOCK, max_steps=args.steps + 1, eval_every=10_000, eval_max_batches=1,
                      checkpoint_every_s=1e9, device="cpu")
    result = train(cfg, on_event=on_event, cancel=threading.Event())
    # the median step after the first (warm-up) one, from the event each step reports
    steps = [(t1 - t0) / (s1 - s0) for (t0, s0), (t1, s1) in zip(marks, marks[1:])]
    out = {"tokens_per_s": BATCH * BLOCK / median(steps), "best_tokens_per_s": BATCH * BLOCK / min(steps),
           "step_s": steps,
           "peak_rss_mb": peak_rss_mb(), "loss": result.train_loss, "device": result.device}
    ids, labels = training_blocks(STANDIN, 256)  # the app's default block for a pretrained base
    out["epoch_tokens_256"] = int(ids.numel())
    out["labelled_share_128"] = _labelled_share(BLOCK)
    return out


def _labelled_share(block: int) -> float:
    ids, labels = training_blocks(STANDIN, block)
    return float((labels[:, 1:] != -100).float().mean())


def work_write_engine(args) -> dict:
    """Each timed call is a cold one: the engine keeps the last prompt's keys and values, so the
    warm-up writes for another product and that cache is emptied first. Then, as first text only
    (4 new tokens): the next request, for another product in the same scenario (the system message
    is shared), and writing the same request again."""
    from engine.writing import PRESETS, GenerateConfig, generate
    from engine.writing.generation import load_model

    cfg = dict(n=N_VARIANTS, scenario=args.scenario, examples=str(PAIRS), **PRESETS["balanced"])
    generate(str(STANDIN), GenerateConfig(OTHER_PROMPTS[0], max_new_tokens=2, seed=0, **cfg))  # loads the model
    rss_loaded = peak_rss_mb()
    prompts = getattr(load_model(str(STANDIN)), "prompts", None)  # None in an engine before the prompt cache
    runs = []
    for r in range(args.repeat):
        if prompts is not None:
            prompts.clear()
        t0 = time.perf_counter()
        res = generate(str(STANDIN), GenerateConfig(PROMPT, max_new_tokens=NEW_TOKENS, seed=r + 1, **cfg))
        wall = time.perf_counter() - t0
        nxt = generate(str(STANDIN), GenerateConfig(OTHER_PROMPTS[1], max_new_tokens=4, seed=r + 1, **cfg))
        again = generate(str(STANDIN), GenerateConfig(OTHER_PROMPTS[1], max_new_tokens=4, seed=r + 2, **cfg))
        runs.append({"wall_s": wall, "first_text_s": res.first_text_s,
                     "per_variant_tokens_per_s": NEW_TOKENS / wall,
                     "first_text_next_s": nxt.first_text_s, "first_text_again_s": again.first_text_s})
        if prompts is not None:  # the first request after the Write page's preload read the system message
            from engine.writing import read_ahead

            prompts.clear()
            read_ahead(str(STANDIN), GenerateConfig("", **cfg), "zh")
            first = generate(str(STANDIN), GenerateConfig(PROMPT, max_new_tokens=4, seed=r + 1, **cfg))
            runs[-1]["first_text_ahead_s"] = first.first_text_s
    return {"runs": runs, "peak_rss_mb": peak_rss_mb(), "rss_after_load_mb": rss_loaded,
            "prompt_tokens": _prompt_len(args)}


def _prompt_ids(args) -> list[int]:
    """The ids the engine prompts with (chat template, system message, 3 examples)."""
    from types import SimpleNamespace

    from engine.models import load_tokenizer
    from engine.models.prompt_style import PromptStyle
    from engine.writing import GenerateConfig
    from engine.writing import generation

    tok = load_tokenizer(STANDIN)
    lm = SimpleNamespace(tokenizer=tok, style=PromptStyle.for_tokenizer(tok), text_format=False,
                         folder=str(STANDIN), data_file="")
    cfg = GenerateConfig(PROMPT, n=N_VARIANTS, max_new_tokens=NEW_TOKENS, scenario=args.scenario,
                         examples=str(PAIRS))
    examples, _source = generation._examples(lm, cfg)
    return generation._prompt(lm, cfg, examples, 32768)[0]


def _prompt_len(args) -> int:
    return len(_prompt_ids(args))


def work_write_plain(args) -> dict:
    import torch
    from transformers import AutoModelForCausalLM

    from engine.writing import PRESETS

    dtype = torch.bfloat16 if args.dtype == "bf16" else torch.float32
    model = AutoModelForCausalLM.from_pretrained(STANDIN, dtype=dtype).eval()
    ids = torch.tensor([_prompt_ids(args)] * N_VARIANTS)
    kwargs = dict(do_sample=True, eos_token_id=[151645, 151643], pad_token_id=151643, **PRESETS["balanced"])
    with torch.inference_mode():
        model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=2, min_new_tokens=2,
                       **kwargs)
        rss_loaded = peak_rss_mb()
        runs = []
        for r in range(args.repeat):
            torch.manual_seed(r + 1)
            t0 = time.perf_counter()
            out = model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=NEW_TOKENS,
                                 **kwargs)
            wall = time.perf_counter() - t0
            new = out.shape[1] - ids.shape[1]
            runs.append({"wall_s": wall, "first_text_s": None, "per_variant_tokens_per_s": new / wall})
    return {"runs": runs, "peak_rss_mb": peak_rss_mb(), "rss_after_load_mb": rss_loaded,
            "prompt_tokens": int(ids.shape[1])}


WORKERS = {("train", "engine"): work_train_engine, ("train", "plain"): work_train_plain,
           ("write", "engine"): work_write_engine, ("write", "plain"): work_write_plain}


def worker_main(args) -> int:
    import torch

    import workspace  # noqa: F401  (offline, a temporary WENAN_HOME; puts this tree on sys.path)

    sys.path.insert(0, args.engine_root)  # this tree's engine, or another commit's

    workspace.use_threads(args.threads)
    import engine
    assert Path(engine.__file__).resolve().is_relative_to(Path(args.engine_root).resolve()), engine.__file__
    kind = "engine" if args.side in ("engine", "before") else "plain"
    result = WORKERS[(args.task, kind)](args)
    result.update(threads=torch.get_num_threads())
    print("RESULT " + json.dumps(result))
    return 0


# ---------------------------------------------------------------- the parent: alternate sides, report

def export_engine(ref: str) -> Path:
    """`ref`'s engine/ and resources/ as files under bench/out/ (git archive: nothing in the repository changes)."""
    sha = subprocess.run(["git", "rev-parse", "--short", ref], cwd=ROOT, check=True, capture_output=True,
                         text=True).stdout.strip()
    target = OUT / f"engine-{sha}"
    if not (target / "engine").is_dir():  # the engine finds its resources/ beside it
        blob = subprocess.run(["git", "archive", sha, "engine", "resources"], cwd=ROOT, check=True, capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
            tar.extractall(target, filter="data")
    return target


def run_side(task: str, side: str, args, before_root: Path | None) -> dict:
    root = before_root if side == "before" else ROOT
    dtype = side.split("-")[1] if side.startswith("plain") else "auto"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "--task", task, "--side", side.split("-")[0]
           if side.startswith("plain") else side, "--dtype", dtype, "--engine-root", str(root),
           "--steps", str(args.steps), "--repeat", str(args.repeat), "--threads", str(args.threads),
           "--scenario", args.scenario]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "bench"))
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode or not lines:
        raise SystemExit(f"{task}/{side} failed:\n{proc.stderr[-3000:]}")
    result = json.loads(lines[-1][len("RESULT "):])
    result.update(side=side, task=task, process_s=time.perf_counter() - t0, load_before=load0,
                  load_after=os.getloadavg()[0])
    return result


def median(values):
    values = sorted(v for v in values if v is not None)
    return values[len(values) // 2] if values else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=("train", "write"), help="measure only training or only writing")
    parser.add_argument("--sides", default="engine,plain-fp32,plain-bf16",
                        help="comma-separated: engine, before, plain-fp32, plain-bf16 (default: engine and both plain)")
    parser.add_argument("--before", metavar="REF", help="also run REF's engine (adds the 'before' side)")
    parser.add_argument("--rounds", type=int, default=1, help="alternating rounds of all sides (default 1)")
    parser.add_argument("--steps", type=int, default=4, help="timed training steps per run (default 4, +1 warm-up)")
    parser.add_argument("--repeat", type=int, default=1, help="timed writing calls per run (default 1)")
    parser.add_argument("--threads", type=int, default=2, help="torch threads (default 2)")
    parser.add_argument("--scenario", default="detail", help="writing scenario (default detail)")
    parser.add_argument("--json", action="store_true")
    # worker mode (internal)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--task", help=argparse.SUPPRESS)
    parser.add_argument("--side", help=argparse.SUPPRESS)
    parser.add_argument("--dtype", help=argparse.SUPPRESS)
    parser.add_argument("--engine-root", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker_main(args)

    build_standin()
    sides = args.sides.split(",")
    before_root = None
    if args.before:
        before_root = export_engine(args.before)
        if "before" not in sides:
            sides.insert(1, "before")
    tasks = [t for t in ("train", "write") if args.only in (None, t)]
    results: dict = {(t, s): [] for t in tasks for s in sides}
    for r in range(args.rounds):
        order = sides if r % 2 == 0 else sides[::-1]
        for task in tasks:
            for side in order:
                res = run_side(task, side, args, before_root)
                results[(task, side)].append(res)
                print(f"  {task:5} {side:10} done in {res['process_s']:.0f} s: {json.dumps(res)}", file=sys.stderr)
    summary = {"threads": args.threads, "load_avg_now": os.getloadavg(), "before": args.before, "rows": []}
    for (task, side), runs in results.items():
        row = {"task": task, "side": side, "peak_rss_mb": median([r["peak_rss_mb"] for r in runs]),
               "load": [round(r["load_before"], 1) for r in runs]}
        if task == "train":
            row["tokens_per_s"] = median([r["tokens_per_s"] for r in runs])
            row["best_tokens_per_s"] = max(r.get("best_tokens_per_s", 0) for r in runs)
            if "epoch_tokens_256" in runs[0]:
                row["epoch_tokens_256"] = runs[0]["epoch_tokens_256"]
                row["three_epochs_min_est"] = 3 * runs[0]["epoch_tokens_256"] / row["tokens_per_s"] / 60
                row["labelled_share_128"] = runs[0]["labelled_share_128"]
        else:
            calls = [c for r in runs for c in r["runs"]]
            row["per_variant_tokens_per_s"] = median([c["per_variant_tokens_per_s"] for c in calls])
            row["first_text_s"] = median([c["first_text_s"] for c in calls])
            for key in ("first_text_next_s", "first_text_again_s", "first_text_ahead_s"):
                if all(c.get(key) is not None for c in calls):
                    row[key] = median([c[key] for c in calls])
            row["prompt_tokens"] = runs[0]["prompt_tokens"]
        summary["rows"].append(row)
    if args.json:
        print(json.dumps({"summary": summary, "runs": {f"{t}/{s}": v for (t, s), v in results.items()}}))
        return 0
    print(f"Qwen2.5-0.5B stand-in on {args.threads} torch threads; {args.rounds} round(s); "
          f"load average now {os.getloadavg()[0]:.1f}")
    for task in tasks:
        rows = [row for row in summary["rows"] if row["task"] == task]
        ref = next((row for row in rows if row["side"] == "plain-fp32"), None)
        for row in rows:
            if task == "train":
                ratio = f"  ×{row['tokens_per_s'] / ref['tokens_per_s']:.2f} vs plain-fp32" if ref else ""
                extra = (f"; 3 epochs at block 256 ≈ {row['three_epochs_min_est']:.0f} min "
                         f"({row['epoch_tokens_256']:,} tokens an epoch); labelled {row['labelled_share_128']:.0%}"
                         if "three_epochs_min_est" in row else "")
                print(f"train {row['side']:10} {row['tokens_per_s']:7.1f} tokens/s (best step "
                      f"{row['best_tokens_per_s']:.1f}){ratio}; "
                      f"peak RSS {row['peak_rss_mb'] / 1024:.2f} GiB{extra}; load {row['load']}")
            else:
                ratio = (f"  ×{row['per_variant_tokens_per_s'] / ref['per_variant_tokens_per_s']:.2f} vs plain-fp32"
                         if ref else "")
                first = f"; first text {row['first_text_s']:.2f} s" if row["first_text_s"] is not None else ""
                if "first_text_ahead_s" in row:
                    first += (f" (after the preload read the system message {row['first_text_ahead_s']:.2f} s, "
                              f"the next request {row['first_text_next_s']:.2f} s, the same again "
                              f"{row['first_text_again_s']:.2f} s)")
                print(f"write {row['side']:10} {row['per_variant_tokens_per_s']:6.2f} tokens/s per variant{ratio}"
                      f"{first}; peak RSS {row['peak_rss_mb'] / 1024:.2f} GiB; prompt {row['prompt_tokens']} "
                      f"tokens; load {row['load']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
