"""Models: scratch models sized to the data, local Hugging Face folders checked and loaded,
the library of trained models, how each is prompted, the device they run on, and the bases
found on this computer (Ollama, LM Studio, GPT4All, Jan, the Hugging Face and ModelScope
caches, built-in and added ones), a GGUF file among them converted once into the data folder.

Everything loads from local folders only (`local_files_only=True`, `trust_remote_code=False`,
safetensors weights). Importing this package does not import torch.
"""
from .added_bases import add_path as add_base_path
from .added_bases import added_paths as added_base_paths
from .added_bases import remove_path as remove_base_path
from .card import CARD_FILE, BaseRecord, ModelCard, read_card, write_card
from .device import DeviceChoice, available_memory, choose_device, configure_threads, cpu_name, cpu_threads, load_dtype
from .discovery import BaseEntry, MemoryNeeds, base_folder, check_fits, device_profile, find_bases
from .discovery import lookup as lookup_base
from .library import ModelInfo, ModelRef, resolve_model
from .loading import check_model_folder, count_parameters, load_adapter, load_causal_lm, load_tokenizer, max_positions
from .prompt_style import PromptStyle
from .scratch import (COPY, EOS, PROMPT, ScratchSize, build_scratch_model, scratch_size, scratch_vocab_size,
                      train_tokenizer)

__all__ = ["BaseEntry", "BaseRecord", "CARD_FILE", "COPY", "DeviceChoice", "EOS", "MemoryNeeds", "ModelCard",
           "ModelInfo", "ModelRef", "PROMPT", "PromptStyle", "ScratchSize", "add_base_path", "added_base_paths",
           "available_memory", "base_folder", "build_scratch_model", "check_fits", "check_model_folder",
           "choose_device", "configure_threads", "count_parameters", "cpu_name", "cpu_threads", "device_profile",
           "find_bases", "load_adapter", "load_causal_lm", "load_dtype", "load_tokenizer", "lookup_base",
           "max_positions", "read_card", "remove_base_path", "resolve_model", "scratch_size", "scratch_vocab_size",
           "train_tokenizer", "write_card"]
