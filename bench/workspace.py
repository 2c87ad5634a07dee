"""What every benchmark sets up first: an isolated data dir, no network, a fixed
thread count, and model folders built from the bundled sample.

Import this module before `engine`, `torch` or `transformers`: it sets the
environment they read at import time.
"""
from __future__ import annotations

import atexit
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "resources" / "samples" / "shop_copy.txt"
PAIRS = ROOT / "resources" / "samples" / "shop_pairs.csv"
SEED = 1337  # TrainConfig's default seed, so the split matches what the app does
QUIET = 0.10  # a run during which other processes used more of the CPUs than this was contended

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("WENAN_LANG", "en")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# The engine writes models and checkpoints under $WENAN_HOME; never the user's real library.
HOME = Path(tempfile.mkdtemp(prefix="wenan-bench-"))
os.environ["WENAN_HOME"] = str(HOME / "home")
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def cleanup() -> None:
    shutil.rmtree(HOME, ignore_errors=True)


atexit.register(cleanup)  # also when a benchmark fails or is interrupted


def scratch_dir(name: str) -> Path:
    path = HOME / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def use_threads(n: int | None) -> int:
    """Pin torch's intra-op threads for both sides, including inside the engine.

    The engine's CPU device choice sets `os.cpu_count()` threads; patching its
    `cpu_threads` makes it pick `n` instead, so both sides really run on `n`.
    """
    import torch

    import engine.models.device

    n = n or os.cpu_count() or 1
    torch.set_num_threads(n)
    engine.models.device.cpu_threads = lambda reserve_for_gui=False: n
    return n


def load_sample(path: Path = SAMPLE, seed: int = SEED):
    """The sample as the engine reads it (cleaned, PII masked), and its train/validation split."""
    from engine.data import CleanOptions, load_data

    data = load_data(path, clean=CleanOptions(mask_pii=True), min_samples=2)
    train, val = data.split(0.05, seed=seed)
    return data, [s.text for s in train], [s.text for s in val]


def engine_tokenizer(texts: list[str]):
    """The byte-level BPE the engine trains for a scratch model on these texts."""
    from engine.models import scratch_vocab_size, train_tokenizer

    return train_tokenizer(texts, scratch_vocab_size(sum(map(len, texts))))


def save_model_folder(folder: Path, model, tokenizer) -> Path:
    """A plain Hugging Face folder (config, safetensors, tokenizer) that both sides load."""
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def median_spread(values: list[float]) -> tuple[float, float, float]:
    return statistics.median(values), min(values), max(values)


def fmt_spread(values: list[float], digits: int = 0) -> str:
    med, lo, hi = median_spread(values)
    if len(values) == 1:
        return f"{med:,.{digits}f}"
    return f"{med:,.{digits}f} [{lo:,.{digits}f}–{hi:,.{digits}f}]"


class CpuWatch:
    """How busy the other processes kept the CPUs while a measurement ran.

    `others` is the share of all cores' time spent outside this process (from
    /proc/stat and getrusage, steal time included), 0.0-1.0. Above QUIET the timings are contended: on a
    2-core machine another torch job makes both slow down by far more than its share.
    """

    def __enter__(self) -> "CpuWatch":
        self.start = self._sample()
        return self

    def __exit__(self, *exc) -> None:
        (w0, b0, o0), (w1, b1, o1) = self.start, self._sample()
        capacity = (w1 - w0) * (os.cpu_count() or 1)
        self.others = max(0.0, ((b1 - b0) - (o1 - o0)) / capacity) if capacity > 0 else 0.0

    @staticmethod
    def _sample() -> tuple[float, float, float]:
        import resource
        import time

        busy = 0.0
        try:
            with open("/proc/stat", encoding="ascii") as fh:
                fields = [int(v) for v in fh.readline().split()[1:]]
            # user nice system idle iowait irq softirq steal: busy = all but idle and iowait
            busy = (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            pass  # not Linux: report no contention rather than fail
        own = resource.getrusage(resource.RUSAGE_SELF)  # all of this process's threads
        return time.perf_counter(), busy, own.ru_utime + own.ru_stime


def quiet_limit(threads: int) -> float:
    """The CPU share other processes may use without slowing a run on `threads` threads:
    the cores it leaves free, plus QUIET."""
    cores = os.cpu_count() or 1
    return QUIET + max(0, cores - threads) / cores


def contended(others: float, threads: int) -> bool:
    return others > quiet_limit(threads)


def wait_for_quiet(max_wait_s: float, threshold: float = QUIET, sample_s: float = 2.0) -> float:
    """Wait (up to max_wait_s) until other processes use under `threshold` of the CPUs; returns the last share."""
    import time

    deadline = time.monotonic() + max_wait_s
    while True:
        with CpuWatch() as watch:
            time.sleep(sample_s)
        if watch.others < threshold or time.monotonic() >= deadline:
            return watch.others


def wait_for_low_load(max_wait_s: float, threshold: float) -> float:
    """Wait (up to max_wait_s) until the 1-minute load average is at most `threshold`; returns it.
    For the desktop-app benchmarks, whose runs are too long to watch with CpuWatch."""
    import time

    deadline = time.monotonic() + max_wait_s
    while os.getloadavg()[0] > threshold and time.monotonic() < deadline:
        time.sleep(5)
    return os.getloadavg()[0]


def matmul_peak(threads: int, sizes: tuple[int, ...] = (1024, 2048), tries: int = 5) -> float:
    """Best fp32 FLOP/s of torch.mm on square matrices: 2·n³ / time, best of `tries`."""
    import time

    import torch

    torch.set_num_threads(threads)
    best = 0.0
    for n in sizes:
        a, b = torch.randn(n, n), torch.randn(n, n)
        torch.mm(a, b)  # warm-up: the first call allocates and picks kernels
        for _ in range(tries):
            t0 = time.perf_counter()
            torch.mm(a, b)
            best = max(best, 2 * n**3 / (time.perf_counter() - t0))
    return best
