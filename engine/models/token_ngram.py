"""An interpolated Kneser–Ney n-gram over a scratch model's own tokens, mixed with the model.

On small data a counting model and a neural one make different mistakes, so the mixture
λ·p_model + (1 − λ)·p_ngram predicts held-out text better than either (docs/PERFORMANCE.md). The
n-gram is counted from the training token stream with numpy (no Python loop over tokens), kept
beside the model as `ngram.npz` (plain arrays, no pickle), and its weight λ is chosen on the
validation blocks when training ends. Writing then samples from the mixture (`MixLogits`).

Each order's n-grams are packed 16 bits a token into one uint64 (so order ≤ 4 and ids < 65,536),
sorted, so one context's continuations lie side by side and are found by binary search.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

NGRAM_FILE = "ngram.npz"
MAX_ORDER = 4
BITS = 16
LAMBDAS = tuple(round(0.05 * i, 2) for i in range(1, 20))  # the mixture weights tried on validation
MIN_BUCKET = 300  # validation positions a context class needs to get a weight of its own


def evidence_bucket(order_seen, total):
    """How much the n-gram knows of a context: the longest context seen, and how often (3 classes)."""
    return order_seen * 3 + np.searchsorted(np.array([4, 32]), total, side="right")


class _Order:
    """The n-grams of one order: packed keys (sorted), their (continuation) counts, and per context
    its key, where its continuations start, how many there are and their total count."""

    def __init__(self, keys: np.ndarray, counts: np.ndarray):
        self.keys, self.counts = keys, counts.astype(np.float64)
        contexts = keys >> np.uint64(BITS)
        self.ctx, self.start, self.types = np.unique(contexts, return_index=True, return_counts=True)
        self.totals = np.add.reduceat(self.counts, self.start) if len(keys) else np.zeros(0)
        n1, n2 = int(np.sum(counts == 1)), int(np.sum(counts == 2))
        self.discount = n1 / (n1 + 2 * n2) if n1 and n2 else 0.75

    def find(self, contexts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(index into the context table, whether the context was seen) for each packed context."""
        i = np.minimum(np.searchsorted(self.ctx, contexts), max(len(self.ctx) - 1, 0))
        return i, (self.ctx[i] == contexts) if len(self.ctx) else np.zeros(len(contexts), bool)

    def count(self, keys: np.ndarray) -> np.ndarray:
        i = np.minimum(np.searchsorted(self.keys, keys), max(len(self.keys) - 1, 0))
        return np.where(self.keys[i] == keys, self.counts[i], 0.0) if len(self.keys) else np.zeros(len(keys))


def _pack(ids: np.ndarray, order: int) -> np.ndarray:
    """The packed key of every window of `order` tokens in `ids`."""
    n = len(ids) - order + 1
    key = np.zeros(max(n, 0), dtype=np.uint64)
    for j in range(order):
        key = (key << np.uint64(BITS)) | ids[j:j + n].astype(np.uint64)
    return key


class TokenKneserNey:
    """Interpolated Kneser–Ney over token ids, order ≤ 4, for a vocabulary of `vocab` tokens."""

    def __init__(self, orders: list[_Order], vocab: int, weight: float = 0.5, weights: list | None = None):
        self.orders, self.vocab, self.weight = orders, vocab, weight  # weight: λ, the model's share
        # λ by how much the n-gram knows of the context (evidence_bucket); `weight` where a class had too few
        self.weights = list(weights) if weights else [weight] * self.buckets

    @property
    def buckets(self) -> int:
        return (len(self.orders) + 1) * 3

    @classmethod
    def count(cls, ids: np.ndarray, vocab: int, order: int = 3) -> TokenKneserNey:
        """Count the n-grams of the token stream `ids` (samples joined by EOS, as training packs them)."""
        if not 1 <= order <= MAX_ORDER or vocab > 1 << BITS:
            raise ValueError("order 1-4 and a vocabulary below 65,536 tokens")
        ids = np.asarray(ids, dtype=np.uint64)
        keys, counts = np.unique(_pack(ids, order), return_counts=True)
        orders = [_Order(keys, counts)]
        for _k in range(order - 1, 0, -1):  # lower orders: how many distinct tokens precede each n-gram
            mask = np.uint64((1 << (BITS * _k)) - 1)
            keys, counts = np.unique(orders[0].keys & mask, return_counts=True)
            orders.insert(0, _Order(keys, counts))
        return cls(orders, vocab)

    @property
    def order(self) -> int:
        return len(self.orders)

    # ---- probabilities ----

    def sequence_probs(self, ids: np.ndarray, evidence: bool = False):
        """P(ids[t] | the tokens before it) for every t ≥ 1 (a vectorised `next_probs` per position);
        with `evidence`, also each position's evidence bucket."""
        ids = np.asarray(ids, dtype=np.uint64)
        n = len(ids) - 1
        p = np.full(n, 1.0 / self.vocab)
        seen_order, seen_total = np.zeros(n, np.int64), np.zeros(n)
        for k, level in enumerate(self.orders, start=1):
            full = np.zeros(n, np.uint64)
            valid = np.arange(1, n + 1) >= k - 1  # fewer than k-1 tokens before: the lower order stands
            for j in range(k):  # key of (ids[t-k+1..t]) for target t = 1..n
                shift = k - 1 - j
                src = np.arange(1, n + 1) - shift
                full = (full << np.uint64(BITS)) | ids[np.maximum(src, 0)]
            i, seen = level.find(full >> np.uint64(BITS))
            seen &= valid
            total = np.where(seen, level.totals[i], 1.0)
            d = level.discount
            c = level.count(full)
            mixed = (np.maximum(c - d, 0.0) + d * level.types[i] * p) / total
            p = np.where(seen, mixed, p)
            seen_order, seen_total = np.where(seen, k, seen_order), np.where(seen, total, seen_total)
        return (p, evidence_bucket(seen_order, seen_total)) if evidence else p

    def next_probs(self, context: list[int], evidence: bool = False):
        """P(every token of the vocabulary | `context`), summing to 1; with `evidence`, also the context's
        evidence bucket."""
        p = np.full(self.vocab, 1.0 / self.vocab)
        seen_order, seen_total = 0, 0.0
        for k, level in enumerate(self.orders, start=1):
            if len(context) < k - 1:
                break
            ctx = np.uint64(0)
            for t in context[len(context) - (k - 1):] if k > 1 else []:
                ctx = (ctx << np.uint64(BITS)) | np.uint64(t)
            i, seen = level.find(np.array([ctx], np.uint64))
            if not seen[0]:
                continue
            i = int(i[0])
            lo, m, total, d = int(level.start[i]), int(level.types[i]), level.totals[i], level.discount
            ids = (level.keys[lo:lo + m] & np.uint64((1 << BITS) - 1)).astype(np.int64)
            p *= d * m / total
            p[ids] += (level.counts[lo:lo + m] - d) / total
            seen_order, seen_total = k, total
        return (p, int(evidence_bucket(seen_order, seen_total))) if evidence else p

    def choose_weight(self, model_probs: np.ndarray, ngram_probs: np.ndarray, buckets=None) -> float:
        """The λ among LAMBDAS that gives the lowest mean loss on held-out positions; with each
        position's evidence bucket, also one λ per bucket that has MIN_BUCKET positions."""
        def best(pm, pn) -> float:
            losses = [-np.mean(np.log(w * pm + (1 - w) * pn)) for w in LAMBDAS]
            return LAMBDAS[int(np.argmin(losses))]

        self.weight = best(model_probs, ngram_probs)
        self.weights = [self.weight] * self.buckets
        if buckets is not None:
            for b in range(self.buckets):
                where = buckets == b
                if where.sum() >= MIN_BUCKET:
                    self.weights[b] = best(model_probs[where], ngram_probs[where])
        return self.weight

    def mix(self, model_probs: np.ndarray, ngram_probs: np.ndarray, buckets=None) -> np.ndarray:
        """λ·p_model + (1 − λ)·p_ngram, λ by bucket when given."""
        w = self.weight if buckets is None else np.asarray(self.weights)[buckets]
        return w * model_probs + (1 - w) * ngram_probs

    # ---- files ----

    def save(self, folder: Path) -> None:
        arrays = {}
        for k, level in enumerate(self.orders, start=1):
            arrays[f"keys{k}"], arrays[f"counts{k}"] = level.keys, level.counts.astype(np.uint32)
        meta = json.dumps({"vocab": self.vocab, "order": self.order, "weight": self.weight, "weights": self.weights})
        np.savez_compressed(Path(folder) / NGRAM_FILE, meta=np.frombuffer(meta.encode(), np.uint8), **arrays)

    @classmethod
    def load(cls, folder: Path) -> TokenKneserNey | None:
        path = Path(folder) / NGRAM_FILE
        if not path.is_file():
            return None
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(bytes(z["meta"]).decode())
            orders = [_Order(z[f"keys{k}"], z[f"counts{k}"]) for k in range(1, meta["order"] + 1)]
        return cls(orders, meta["vocab"], meta["weight"], meta.get("weights"))


def mix_processor(ngram: TokenKneserNey):
    """A transformers logits processor that samples from λ·p_model + (1 − λ)·p_ngram.

    It runs before temperature, top-k and top-p (engine.writing.decoding.Sampling), so those shape
    the mixture as they would the model's own distribution.
    """
    import torch
    from transformers import LogitsProcessor

    class MixLogits(LogitsProcessor):
        def __call__(self, input_ids, scores):
            context = input_ids[:, input_ids.shape[1] - (ngram.order - 1):] if ngram.order > 1 else input_ids[:, :0]
            rows = [ngram.next_probs(row, evidence=True) for row in context.tolist()]
            mixed = torch.zeros(scores.shape, dtype=torch.float32, device=scores.device)
            width = min(scores.shape[-1], ngram.vocab)
            mixed[:, :width] = torch.from_numpy(np.stack([p for p, _ in rows])[:, :width]).to(mixed.device)
            w = torch.tensor([ngram.weights[b] for _, b in rows], dtype=torch.float32, device=scores.device)[:, None]
            mixed = w * torch.softmax(scores.float(), dim=-1) + (1 - w) * mixed
            return torch.log(mixed).to(scores.dtype)

    return MixLogits()
