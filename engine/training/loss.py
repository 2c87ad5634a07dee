"""The training loss of a pretrained base, computed only where it counts.

A pretrained base has a large vocabulary (Qwen2.5: 151,936 tokens), so its logits are the largest
tensor of a step: 2 × 256 positions are 311 MB in fp32, and the usual path keeps several such
tensors (the logits, their fp32 copy, the log-softmax, its gradient). Pairs mask the prompt, and
padding carries no label either, so many positions need no logits at all. Here the decoder's
hidden states are taken at the labelled positions only, and the output layer and cross-entropy
run over them a chunk at a time, computing the chunk's gradient right away (as Liger-Kernel's fused
linear cross-entropy does): no more than one chunk of logits exists at once, and no logits are
kept for the backward pass. The result equals `model(input_ids, labels=labels).loss`.
"""
from __future__ import annotations

IGNORE = -100            # label value that carries no loss (blocks.IGNORE)
CHUNK_ELEMENTS = 1 << 25  # logits computed at once: 128 MB in fp32, 220 positions of a 151,936 vocabulary

# Causal LMs whose logits are exactly `lm_head(last hidden state)`: no soft-capping (Gemma 2/3),
# no logit scale (Cohere, Granite), no auxiliary loss (mixtures of experts).
PLAIN_HEAD_TYPES = frozenset({"qwen2", "qwen3", "llama", "mistral", "phi3", "gemma", "gpt2", "smollm3"})


def selective_loss_model(model):
    """The Hugging Face causal LM inside `model` (a peft wrapper is looked through) when its loss can be
    computed selectively; None otherwise (then the model's own loss is used)."""
    inner = model.get_base_model() if hasattr(model, "get_base_model") else model
    config = getattr(inner, "config", None)
    head = inner.get_output_embeddings() if hasattr(inner, "get_output_embeddings") else None
    decoder = getattr(inner, getattr(inner, "base_model_prefix", ""), None)
    if (config is None or config.model_type not in PLAIN_HEAD_TYPES or head is None or decoder is None
            or getattr(head, "bias", None) is not None):
        return None
    return inner


def causal_lm_loss(model, input_ids, labels, inner=None):
    """Mean cross-entropy of next-token prediction over the labelled positions, as
    `model(input_ids=input_ids, labels=labels).loss`; `inner` is `selective_loss_model(model)`."""
    if inner is None:
        return model(input_ids=input_ids, labels=labels).loss
    decoder = getattr(inner, inner.base_model_prefix)
    hidden = decoder(input_ids=input_ids, use_cache=False).last_hidden_state
    targets = labels[:, 1:]
    keep = targets != IGNORE
    weight = inner.get_output_embeddings().weight
    return linear_cross_entropy(hidden[:, :-1][keep], weight, targets[keep])


def linear_cross_entropy(hidden, weight, targets, chunk: int | None = None):
    """Mean of cross_entropy(hidden @ weight.T, targets), a chunk of rows at a time.

    Under autocast the products run in its precision, as the output layer would; the
    softmax and the loss are in fp32."""
    import torch

    if hidden.shape[0] == 0:  # nothing labelled in this batch: no loss, but keep the graph
        return hidden.sum() * 0.0
    device_type = hidden.device.type
    if torch.is_autocast_enabled(device_type):
        dtype = torch.get_autocast_dtype(device_type)
    else:
        dtype = weight.dtype
    chunk = chunk or max(1, CHUNK_ELEMENTS // weight.shape[0])
    return _LinearCrossEntropy.apply(hidden, weight, targets, chunk, dtype)


def _function():
    import torch

    class LinearCrossEntropy(torch.autograd.Function):
        @staticmethod
        def forward(ctx, hidden, weight, targets, chunk, dtype):
            n = hidden.shape[0]
            want_h, want_w = ctx.needs_input_grad[0], ctx.needs_input_grad[1]
            with torch.autocast(hidden.device.type, enabled=False):
                w = weight.to(dtype)
                total = torch.zeros((), dtype=torch.float32, device=hidden.device)
                grad_h = torch.empty_like(hidden) if want_h else None
                grad_w = torch.zeros(weight.shape, dtype=torch.float32, device=weight.device) if want_w else None
                for start in range(0, n, chunk):
                    h = hidden[start:start + chunk].to(dtype)
                    t = targets[start:start + chunk]
                    logits = (h @ w.T).float()  # (chunk, vocab): the only logits alive
                    lse = torch.logsumexp(logits, dim=-1)
                    total += (lse - logits.gather(1, t[:, None]).squeeze(1)).sum()
                    if want_h or want_w:
                        probs = logits.sub_(lse[:, None]).exp_()  # softmax, in place
                        probs[torch.arange(len(t), device=t.device), t] -= 1.0  # d(loss)/d(logits), unscaled
                        g = probs.to(dtype)
                        del logits, probs
                        if want_h:
                            grad_h[start:start + chunk] = g @ w
                        if want_w:
                            grad_w += (g.T @ h).float()
            ctx.save_for_backward(*(g for g in (grad_h, grad_w) if g is not None))
            ctx.n, ctx.want, ctx.weight_dtype = n, (want_h, want_w), weight.dtype
            return total / n

        @staticmethod
        def backward(ctx, grad_out):
            saved = list(ctx.saved_tensors)
            want_h, want_w = ctx.want
            scale = grad_out / ctx.n  # a 0-d tensor: the products keep the saved gradients' dtype
            grad_h = saved.pop(0) * scale if want_h else None
            grad_w = (saved.pop(0) * scale).to(ctx.weight_dtype) if want_w else None
            return grad_h, grad_w, None, None, None

    return LinearCrossEntropy


class _Lazy:
    """Defines the autograd function on first use, so importing this module does not import torch."""
    fn = None

    @classmethod
    def apply(cls, *args):
        if cls.fn is None:
            cls.fn = _function()
        return cls.fn.apply(*args)


_LinearCrossEntropy = _Lazy
