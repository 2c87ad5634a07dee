"""Models: scratch models sized to the data, local Hugging Face folders checked and loaded,
the library of trained models, how each is prompted, and the device they run on.

Everything loads from local folders only (`local_files_only=True`, `trust_remote_code=False`,
safetensors weights). Importing this package does not import torch.
"""
from .card import CARD_FILE, BaseRecord, ModelCard, read_card, write_card
from .device import DeviceChoice, available_memory, choose_device, configure_threads, cpu_name, cpu_threads, load_dtype
from .library import ModelInfo, ModelRef, resolve_model
from .loading import check_model_folder, count_parameters, load_adapter, load_causal_lm, load_tokenizer, max_positions
from .prompt_style import PromptStyle
from .scratch import (COPY, EOS, PROMPT, ScratchSize, build_scratch_model, scratch_size, scratch_vocab_size,
                      train_tokenizer)

__all__ = ["BaseRecord", "CARD_FILE", "COPY", "DeviceChoice", "EOS", "ModelCard", "ModelInfo", "ModelRef", "PROMPT",
           "PromptStyle", "ScratchSize", "available_memory", "build_scratch_model", "check_model_folder",
           "choose_device", "configure_threads", "count_parameters", "cpu_name", "cpu_threads", "load_adapter",
           "load_causal_lm", "load_dtype", "load_tokenizer", "max_positions", "read_card", "resolve_model",
           "scratch_size", "scratch_vocab_size", "train_tokenizer", "write_card"]
