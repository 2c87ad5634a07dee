"""Models: scratch models sized to the data, local Hugging Face folders checked and loaded,
the library of trained models, how each is prompted, and the device they run on.

Everything loads from local folders only (`local_files_only=True`, `trust_remote_code=False`,
safetensors weights). Importing this package does not import torch.
"""
from .device import DeviceChoice, available_memory, choose_device, configure_threads, cpu_name, cpu_threads
from .library import ModelInfo
from .loading import check_model_folder, count_parameters, load_causal_lm, load_tokenizer, max_positions
from .prompt_style import PromptStyle
from .scratch import (
           COPY,
           EOS,
           PROMPT,
           ScratchSize,
           build_scratch_model,
           scratch_size,
           scratch_vocab_size,
           train_tokenizer,
)

__all__ = ["COPY", "DeviceChoice", "EOS", "ModelInfo", "PROMPT", "PromptStyle", "ScratchSize", "available_memory",
           "build_scratch_model", "check_model_folder", "choose_device", "configure_threads", "count_parameters",
           "cpu_name", "cpu_threads", "load_causal_lm", "load_tokenizer", "max_positions", "scratch_size",
           "scratch_vocab_size", "train_tokenizer"]
