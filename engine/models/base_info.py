"""What a found base is, read from its headers and config files, never by loading weights:
format, architecture, size, context, chat template, licence, and whether this app can use it.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from ..common.errors import ModelLoadError
from .loading import PICKLE_SUFFIXES, max_positions
from .stores import Found

TOKENIZER_FILES = ("tokenizer.json", "tokenizer.model", "vocab.json", "tokenizer_config.json")
# GGUF architecture names whose transformers model type is spelt differently (as transformers'
# GGUF loader renames them), and architectures it reads that are not text generators.
GGUF_RENAMES = {"qwen2moe": "qwen2_moe", "qwen3moe": "qwen3_moe", "gpt-oss": "gpt_oss", "minimax-m2": "minimax_m2",
                "gemma3": "gemma3_text", "gemma4": "gemma4_text"}
GGUF_NOT_CAUSAL = {"t5", "t5encoder", "umt5", "general", "tokenizer"}


@dataclass(frozen=True)
class Support:
    """What the installed transformers reads; looked up once per transformers version."""
    causal_types: frozenset          # model types AutoModelForCausalLM builds
    gguf_archs: frozenset            # GGUF architectures its GGUF loader reads
    gguf_types: frozenset            # GGML tensor types the gguf package dequantizes

    @classmethod
    def detect(cls) -> "Support":
        import gguf
        from transformers.models.auto.modeling_auto import MODEL_FOR_CAUSAL_LM_MAPPING_NAMES

        archs: set[str] = set()
        try:
            from transformers.modeling_gguf_pytorch_utils import GGUF_SUPPORTED_ARCHITECTURES
            archs |= set(GGUF_SUPPORTED_ARCHITECTURES)
        except ImportError:
            pass
        try:  # the newer loader, which reads some architectures the older one can't
            from transformers.integrations.gguf import GGUF_ARCHS
            archs |= set(GGUF_ARCHS)
        except ImportError:
            pass
        archs |= {gguf_arch for gguf_arch, model_type in GGUF_RENAMES.items() if model_type in archs}
        archs -= GGUF_NOT_CAUSAL
        quant = set(getattr(gguf.quants, "_type_traits", {})) | {gguf.GGMLQuantizationType.F32,
                                                                gguf.GGMLQuantizationType.F16}
        return cls(frozenset(MODEL_FOR_CAUSAL_LM_MAPPING_NAMES), frozenset(archs), frozenset(int(t) for t in quant))

    def to_dict(self) -> dict:
        return {k: sorted(v) for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, d: dict) -> "Support":
        return cls(frozenset(d["causal_types"]), frozenset(d["gguf_archs"]), frozenset(d["gguf_types"]))


@dataclass(frozen=True)
class BaseFacts:
    """What the files say. Cached by (path, size, mtime), so it holds no machine-dependent figure."""
    format: str                      # "safetensors" | "gguf"
    architecture: str | None         # the transformers model type, e.g. "qwen2"
    parameters: int | None
    context_length: int | None
    size_bytes: int
    chat: bool                       # it has a chat template
    license: str | None
    quantization: str | None = None  # GGUF: e.g. "Q4_K_M"; safetensors: None
    bits: float | None = None        # bits per weight of the matrices, GGUF only
    problem: str | None = None       # the message key saying why it can't be used
    params: dict = field(default_factory=dict)
    display_name: str | None = None  # the name the files give the model (GGUF general.name)

    @property
    def usable(self) -> bool:
        return self.problem is None


def describe(found: Found, support: Support) -> BaseFacts:
    """Read the facts of one found model; a broken one is described, never raised."""
    if found.problem:
        return BaseFacts("gguf" if found.kind == "gguf" else "safetensors", None, None, None, 0, False,
                         found.license, problem=found.problem, params=found.params)
    try:
        facts = _gguf(found.path, support) if found.kind == "gguf" else _folder(found.path, support)
    except ModelLoadError as err:
        facts = BaseFacts("gguf" if found.kind == "gguf" else "safetensors", None, None, None, _size(found.path),
                          False, None, problem=err.key, params=err.params)
    if facts.license is None and found.license:
        facts = replace(facts, license=found.license)
    return facts


# ---- safetensors folders ----

def _folder(folder: Path, support: Support) -> BaseFacts:
    path = str(folder)
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise ModelLoadError("model_no_config", path=path) from err
    except (OSError, ValueError) as err:
        raise ModelLoadError("model_broken", path=path, reason=f"config.json: {err}") from err
    if not isinstance(config, dict) or not config.get("model_type"):
        raise ModelLoadError("model_broken", path=path, reason="config.json has no model_type")
    model_type = str(config["model_type"])
    names = {e.name for e in folder.iterdir()}
    weights = sorted(n for n in names if n.endswith(".safetensors"))
    facts = BaseFacts("safetensors", model_type, None, max_positions(config), _size(folder), _folder_chat(folder),
                      _folder_license(folder))
    if not weights:
        key = "model_pickle_only" if any(n.endswith(PICKLE_SUFFIXES) for n in names) else "model_no_weights"
        return replace(facts, problem=key, params={"path": path})
    missing = _missing_shards(folder, weights)
    if missing:
        return replace(facts, problem="model_incomplete", params={"path": path, "missing": missing})
    facts = replace(facts, parameters=_safetensors_parameters(folder, weights))
    if model_type not in support.causal_types:
        if config.get("auto_map"):
            return replace(facts, problem="model_remote_code", params={"path": path})
        arch = ",".join(config.get("architectures") or [model_type])
        return replace(facts, problem="model_not_causal", params={"path": path, "arch": arch})
    quant = config.get("quantization_config")
    if isinstance(quant, dict):
        return replace(facts, problem="model_quantized",
                       params={"path": path, "method": str(quant.get("quant_method", "?"))})
    if not names & set(TOKENIZER_FILES):
        return replace(facts, problem="model_broken", params={"path": path, "reason": "no tokenizer files"})
    return facts


def _missing_shards(folder: Path, weights: list[str]) -> str | None:
    """The first shard the index names that isn't there (an interrupted download), or a dangling link."""
    index = folder / "model.safetensors.index.json"
    names = list(weights)
    if index.exists():
        try:
            names = sorted(set(json.loads(index.read_text(encoding="utf-8"))["weight_map"].values()))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return index.name
    return next((n for n in names if not (folder / n).is_file()), None)  # is_file follows HF's symlinks


def _safetensors_parameters(folder: Path, weights: list[str]) -> int:
    from safetensors import safe_open

    total = 0
    for name in weights:
        try:
            with safe_open(str(folder / name), framework="numpy") as f:
                total += sum(math.prod(f.get_slice(key).get_shape()) for key in f.keys())
        except Exception as err:  # a truncated or corrupt file: safetensors checks sizes against the header
            raise ModelLoadError("model_broken", path=str(folder), reason=f"{name}: {_short(err)}") from err
    return total


def _folder_chat(folder: Path) -> bool:
    if (folder / "chat_template.jinja").is_file() or (folder / "chat_template.json").is_file():
        return True
    try:
        config = json.loads((folder / "tokenizer_config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(config, dict) and bool(config.get("chat_template"))


_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---", re.S)


def _folder_license(folder: Path) -> str | None:
    """The model card's `license:` (and `license_name:` for "other"), else a LICENSE file's title."""
    try:
        card = (folder / "README.md").read_text(encoding="utf-8", errors="replace")[:20000]
    except OSError:
        card = ""
    match = _FRONT_MATTER.match(card)
    if match:
        fields = dict(re.findall(r"^(license(?:_name)?)\s*:\s*['\"]?([^'\"\n]+)", match.group(1), re.M))
        if fields.get("license"):
            name = fields.get("license_name") if fields["license"].strip() == "other" else None
            return (name or fields["license"]).strip()
    for name in ("LICENSE", "LICENSE.txt", "LICENSE.md", "LICENCE"):
        try:
            text = (folder / name).read_text(encoding="utf-8", errors="replace")[:4000]
        except OSError:
            continue
        line = next((ln.strip() for ln in text.splitlines() if ln.strip()), None)
        if line:
            return line[:120]
    return None


def _size(path: Path) -> int:
    try:
        if path.is_file():
            return path.stat().st_size
        return sum(p.stat().st_size for p in path.iterdir() if p.is_file())
    except OSError:
        return 0


# ---- GGUF files ----

def _gguf(path: Path, support: Support) -> BaseFacts:
    from .gguf_header import GgufFormatError, read_header

    try:
        header = read_header(path)
    except GgufFormatError as err:
        raise ModelLoadError("gguf_broken", path=str(path), reason=str(err)) from err
    except OSError as err:
        raise ModelLoadError("gguf_broken", path=str(path), reason=err.strerror or type(err).__name__) from err
    meta, arch = header.metadata, header.architecture
    context = header.arch_value("context_length")
    label, bits = quantization(header)
    licence = meta.get("general.license.name") or meta.get("general.license")
    facts = BaseFacts("gguf", GGUF_RENAMES.get(arch, arch) or None, header.parameters or None,
                      context if isinstance(context, int) else None, header.file_size,
                      bool(meta.get("tokenizer.chat_template")), str(licence)[:120] if licence else None,
                      quantization=label, bits=bits,
                      display_name=str(meta["general.name"]) if meta.get("general.name") else None)
    p = str(path)
    if header.data_end > header.file_size:
        return replace(facts, problem="gguf_broken", params={"path": p, "reason": (
            f"it is cut short: {header.file_size:,} of {header.data_end:,} bytes")})
    if meta.get("general.type") == "adapter":
        return replace(facts, problem="gguf_adapter", params={"path": p})
    if arch not in support.gguf_archs:
        return replace(facts, problem="gguf_arch_unsupported", params={"path": p, "arch": arch or "?"})
    unreadable = sorted({_type_name(t.type) for t in header.tensors if t.type not in support.gguf_types})
    if unreadable:
        return replace(facts, problem="gguf_quant_unsupported", params={"path": p, "qtype": ", ".join(unreadable)})
    if not header.array_lengths.get("tokenizer.ggml.tokens"):
        return replace(facts, problem="gguf_broken", params={"path": p, "reason": "it holds no tokenizer"})
    return facts


def _type_name(kind: int) -> str:
    from gguf import GGMLQuantizationType

    try:
        return GGMLQuantizationType(kind).name
    except ValueError:
        return f"type {kind}"


def quantization(header) -> tuple[str | None, float | None]:
    """("Q4_K_M", 4.9): the file type llama.cpp recorded, and the bits per weight of the matrices."""
    from gguf import GGML_QUANT_SIZES, LlamaFileType

    counts = header.weight_types()
    total = sum(counts.values())
    bits = None
    if total:
        bits = sum(n * GGML_QUANT_SIZES[t][1] * 8 / GGML_QUANT_SIZES[t][0]
                   for t, n in counts.items() if t in GGML_QUANT_SIZES) / total
    file_type = header.metadata.get("general.file_type")
    try:
        label = LlamaFileType(file_type).name.removeprefix("MOSTLY_").replace("ALL_F32", "F32")
    except (ValueError, TypeError):
        label = _type_name(max(counts, key=counts.get)) if counts else None
    return label, round(bits, 2) if bits else None


def _short(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return (text[0] if text else type(err).__name__)[:200]
