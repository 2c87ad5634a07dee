"""Training: options checked, a base prepared, samples packed into blocks, then one resumable
loop that checkpoints atomically and saves the finished model into the library.

`train(cfg, on_event=..., cancel=...)` is the entry point. Importing this package does not
import torch; `dropout` does, and is loaded only when a CPU run uses it.
"""
from .bases import Base, choose_method, prepare_base, resolve_base
from .config import MIN_BLOCK, PRETRAINED_BLOCK, SCRATCH_BLOCK, TrainConfig, TrainResult, check_options
from .loop import train
from .schedule import UNTIL_PLATEAU_MINUTES

__all__ = ["Base", "MIN_BLOCK", "PRETRAINED_BLOCK", "SCRATCH_BLOCK", "TrainConfig", "TrainResult", "UNTIL_PLATEAU_MINUTES",
           "check_options", "choose_method", "prepare_base", "resolve_base", "train"]
