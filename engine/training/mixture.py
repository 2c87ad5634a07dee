"""A scratch model's n-gram partner: counted from the training blocks when training ends, its order
and mixture weight chosen on the validation blocks (engine.models.token_ngram)."""
from __future__ import annotations

import numpy as np

from ..models.token_ngram import LAMBDAS, TokenKneserNey

ORDERS = (2, 3, 4)
MAX_VAL_TOKENS = 200_000  # enough positions to choose a weight; caps the time it takes


def model_probs(model, ids, batch_size: int, device) -> np.ndarray:
    """P(each block's token t | its tokens before t), for t ≥ 1 of every row of `ids`."""
    import torch

    out = []
    model.eval()
    with torch.no_grad():
        for start in range(0, ids.shape[0], batch_size):
            x = ids[start:start + batch_size].to(device)
            logp = torch.log_softmax(model(x).logits[:, :-1].float(), dim=-1)
            out.append(logp.gather(-1, x[:, 1:, None])[..., 0].exp().cpu().numpy())
    model.train()
    return np.concatenate(out).reshape(-1)


def fit_mixture(model, train_ids, val_ids, vocab: int, batch_size: int, device) -> tuple[TokenKneserNey, dict]:
    """The n-gram (order and weight chosen on validation) and what each choice scored (nats a token)."""
    rows = max(1, MAX_VAL_TOKENS // max(1, val_ids.shape[1]))
    val_ids = val_ids[:rows]
    p_model = model_probs(model, val_ids, batch_size, device)
    stream = train_ids.reshape(-1).numpy()
    best, report = None, {"model": float(-np.mean(np.log(p_model)))}
    for order in ORDERS:
        ngram = TokenKneserNey.count(stream, vocab, order)
        scored = [ngram.sequence_probs(row, evidence=True) for row in val_ids.numpy()]
        p_ngram, buckets = np.concatenate([p for p, _ in scored]), np.concatenate([b for _, b in scored])
        weight = ngram.choose_weight(p_model, p_ngram)
        single = float(-np.mean(np.log(ngram.mix(p_model, p_ngram))))
        ngram.choose_weight(p_model, p_ngram, buckets)
        loss = float(-np.mean(np.log(ngram.mix(p_model, p_ngram, buckets))))
        report[f"order{order}"] = {"ngram": float(-np.mean(np.log(p_ngram))), "one_weight": single, "weight": weight,
                                   "mixture": loss}
        if best is None or loss < best[0]:
            best = (loss, ngram)
    report["chosen"] = {"order": best[1].order, "weight": best[1].weight, "mixture": best[0],
                        "weights": best[1].weights}
    return best[1], report


__all__ = ["LAMBDAS", "fit_mixture", "model_probs"]
