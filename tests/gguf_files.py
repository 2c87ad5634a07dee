"""Tiny GGUF files for tests, written with the `gguf` package's writer the way llama.cpp's
`convert_hf_to_gguf.py` writes them: its tensor names (gguf.TensorNameMap), its metadata keys,
Llama's q/k rows permuted for its rotary layout, and a byte-level BPE ("gpt2") vocabulary.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

LLAMA_FILE_TYPES = {"F32": 0, "F16": 1, "Q8_0": 7, "Q4_0": 2}


def _permute(weights: np.ndarray, n_head: int, n_head_kv: int | None) -> np.ndarray:
    """llama.cpp's LlamaModel.permute: HF's rotary halves become interleaved pairs."""
    if n_head_kv is not None and n_head != n_head_kv:
        n_head = n_head_kv
    return (weights.reshape(n_head, 2, weights.shape[0] // n_head // 2, *weights.shape[1:])
            .swapaxes(1, 2).reshape(weights.shape))


def _vocabulary(folder: Path) -> tuple[list[str], list[int], list[str], dict]:
    """Tokens by id, their types (1 normal, 3 control), the merges and the special ids."""
    tok = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))
    vocab = dict(tok["model"]["vocab"])
    special = {}
    for added in tok.get("added_tokens", []):
        vocab[added["content"]] = added["id"]
        if added.get("special"):
            special[added["content"]] = added["id"]
    tokens = [""] * (max(vocab.values()) + 1)
    for text, index in vocab.items():
        tokens[index] = text
    types = [3 if text in special else 1 for text in tokens]
    merges = [m if isinstance(m, str) else " ".join(m) for m in tok["model"]["merges"]]
    return tokens, types, merges, special


def write_gguf(hf_folder: Path, out: Path, *, arch: str | None = None, qtype: str = "F32",
               chat_template: str | None = None, license: str | None = None, name: str = "tiny") -> Path:
    """The HF folder's model and tokenizer as one GGUF file; `arch` overrides the architecture
    written (a name transformers can't read makes a file it must refuse)."""
    import gguf
    from safetensors.numpy import load_file

    config = json.loads((hf_folder / "config.json").read_text(encoding="utf-8"))
    model_type = config["model_type"]
    arch = arch or model_type
    n_layers = config["num_hidden_layers"]
    n_head, n_kv = config["num_attention_heads"], config.get("num_key_value_heads")
    writer = gguf.GGUFWriter(str(out), arch)
    writer.add_type("model")
    writer.add_name(name)
    if license:
        writer.add_license(license)
    writer.add_context_length(config["max_position_embeddings"])
    writer.add_embedding_length(config["hidden_size"])
    writer.add_block_count(n_layers)
    writer.add_feed_forward_length(config["intermediate_size"])
    writer.add_head_count(n_head)
    writer.add_head_count_kv(n_kv)
    writer.add_rope_freq_base(float(config.get("rope_theta") or (config.get("rope_parameters") or {}).get(
        "rope_theta", 10000.0)))
    writer.add_layer_norm_rms_eps(config["rms_norm_eps"])
    writer.add_file_type(LLAMA_FILE_TYPES[qtype])
    if model_type == "llama":
        writer.add_rope_dimension_count(config["hidden_size"] // n_head)

    tokens, types, merges, special = _vocabulary(hf_folder)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("default")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_merges(merges)
    eos = config.get("eos_token_id")
    eos = eos[0] if isinstance(eos, list) else eos
    if eos is not None:
        writer.add_eos_token_id(eos)
        writer.add_bos_token_id(config.get("bos_token_id") if config.get("bos_token_id") is not None else eos)
        writer.add_pad_token_id(eos)
    if chat_template:
        writer.add_chat_template(chat_template)
    writer.add_quantization_version(gguf.GGML_QUANT_VERSION)

    # The names llama.cpp gives each tensor; Qwen2 has no separate lm_head when embeddings are tied.
    name_map = gguf.get_tensor_name_map(gguf.MODEL_ARCH[model_type.upper()], n_layers)
    tensors = load_file(str(hf_folder / "model.safetensors"))
    for key, value in tensors.items():
        data = value.astype(np.float32)
        if model_type == "llama" and key.endswith("q_proj.weight"):
            data = _permute(data, n_head, n_head)
        elif model_type == "llama" and key.endswith("k_proj.weight"):
            data = _permute(data, n_head, n_kv)
        new_name = name_map.get_name(key, try_suffixes=(".weight", ".bias"))
        assert new_name, key
        kind = gguf.GGMLQuantizationType[qtype]
        if data.ndim == 1 or kind == gguf.GGMLQuantizationType.F32:  # norms and biases stay F32
            writer.add_tensor(new_name, data)
        elif kind == gguf.GGMLQuantizationType.F16:
            writer.add_tensor(new_name, data.astype(np.float16))
        else:
            writer.add_tensor(new_name, gguf.quants.quantize(data, kind), raw_dtype=kind)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return out
