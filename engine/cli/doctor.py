"""doctor and demo: what this computer runs on, and a first model from the bundled sample."""
from __future__ import annotations

import sys
import time
from argparse import Namespace

from ..common.errors import message
from .output import EXIT_OK, pad
from .train import run_training

def cmd_doctor(args: Namespace) -> int:
    import platform

    import torch
    import transformers

    from .. import __version__
    from ..common import paths
    from ..models.device import choose_device

    choice = choose_device("auto")
    rows = [
        ("Wenan Studio", __version__),
        ("Python", platform.python_version()),
        (message("cli_doctor_os"), platform.platform()),
        ("torch", torch.__version__),
        ("transformers", transformers.__version__),
        (message("cli_doctor_device"), f"{choice.kind} ({choice.dtype})"),
        (message("cli_doctor_gpu"), choice.name if choice.kind != "cpu" else message("cli_doctor_none")),
        (message("cli_doctor_data"), str(paths.data_dir())),
        (message("cli_doctor_offline"), "HF_HUB_OFFLINE=" + __import__("os").environ.get("HF_HUB_OFFLINE", "")),
    ]
    for pkg in ("peft", "accelerate", "tokenizers", "safetensors"):
        rows.insert(5, (pkg, __import__(pkg).__version__))
    for key, value in rows:
        print(f"{pad(key, 14)} {value}")
    return EXIT_OK


def cmd_demo(args: Namespace) -> int:
    from ..common import paths
    from ..models import library
    from ..training.config import TrainConfig
    from ..writing.generation import GenerateConfig, generate

    name = "sample-demo"
    if library.exists(name):
        library.delete_model(name)
    cfg = TrainConfig(data=str(paths.sample_file()), name=name, max_steps=args.max_steps)
    print(message("cli_demo_training", name=name, file=paths.sample_file().name, steps=args.max_steps), file=sys.stderr)
    code = run_training(cfg, resume=False, as_json=False)
    if code != EXIT_OK:
        return code
    for opening in ("这款保温杯", "青禾小铺", "Our bamboo towel"):
        started = time.perf_counter()
        result = generate(name, GenerateConfig(prompt=opening, n=3, max_new_tokens=80, seed=7))
        print("\n" + message("cli_demo_heading", opening=opening, seconds=f"{time.perf_counter() - started:.1f}"))
        for number, text in enumerate(result.variants, 1):
            print(f"[{number}] {text}")
    return EXIT_OK
