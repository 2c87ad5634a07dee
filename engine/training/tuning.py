"""Getting a model ready to train fast: the same function with cheaper kernels."""
from __future__ import annotations


def tune_for_training(model, attention_dropout: float | None, device_kind: str = "cpu") -> None:
    """Set the dropout on attention probabilities and swap in cheaper kernels for the same function.

    Attention dropout makes PyTorch's SDPA fall back from its fused kernel to the math path,
    which on a CPU costs more than a third of a small GPT-2's step; dropout on the residual
    stream and embeddings, kept as the model has it, regularises as well (PERFORMANCE.md).
    None keeps the model's rate. GPT-2's tanh GELU is written as eight element-wise ops, each
    a pass over the MLP activations forward and again backward; PyTorch computes the same
    function in one kernel (differences ~1e-7). On CPUs where PyTorch draws dropout masks one
    element at a time, dropout draws them four at a time instead (engine/dropout.py).
    """
    import torch
    from transformers.activations import NewGELUActivation

    for parent in model.modules():
        if attention_dropout is not None and isinstance(getattr(parent, "attention_dropout", None), float):
            parent.attention_dropout = attention_dropout  # Llama/Qwen-style attention keeps a plain rate
        for name, child in parent.named_children():
            if isinstance(child, NewGELUActivation):
                setattr(parent, name, torch.nn.GELU(approximate="tanh"))
            elif attention_dropout is not None and name == "attn_dropout" and isinstance(child, torch.nn.Dropout):
                child.p = attention_dropout  # GPT-2 passes this module's rate to SDPA
    if device_kind == "cpu":
        from .dropout import scalar_bernoulli, use_cpu_dropout

        if scalar_bernoulli():
            use_cpu_dropout(model)


def set_dropout(model, p: float) -> int:
    """Set the dropout on a GPT-2's residual stream, MLP and embeddings to `p` (attention dropout is
    left as `tune_for_training` set it); the config says so too. Returns how many modules changed."""
    changed = 0
    for name, module in model.named_modules():
        if hasattr(module, "p") and name.rsplit(".", 1)[-1] in ("drop", "resid_dropout", "dropout"):
            module.p = p  # torch.nn.Dropout and CpuDropout both read it at every call
            changed += 1
    model.config.resid_pdrop = model.config.embd_pdrop = p
    return changed
