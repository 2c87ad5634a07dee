"""How fast a run goes: progress events throttled for the UI, and the speed of the training steps
alone (evaluation and saving are paused out of it, so the tokens/s shown is the steps' own)."""
from __future__ import annotations

import contextlib
import statistics
import time
from typing import Callable, Iterator

from ..common.events import TrainEvent

STEP_WINDOW = 50  # recent steps whose median is the step time


class Throttle:
    """Passes on at most ~10 progress events a second; phase changes always go through."""

    def __init__(self, on_event: Callable[[TrainEvent], None], interval: float = 0.1):
        self.on_event, self.interval, self.last, self.phase = on_event, interval, 0.0, None

    def due(self) -> bool:
        return time.monotonic() - self.last >= self.interval

    def __call__(self, event: TrainEvent, force: bool = False) -> None:
        now = time.monotonic()
        if force or event.phase != self.phase or now - self.last >= self.interval:
            self.last, self.phase = now, event.phase
            self.on_event(event)


class Pace:
    """Wall time of this session of the run, and the training steps' own time and throughput.

    A session starts at the beginning and after every checkpoint (which adds the session to the
    run's recorded training time). The step clock stops while `paused()` (evaluation, saving), so
    `tokens_per_s` (over the last ~20 reports) and `step_s` are what the steps alone achieve.
    """

    def __init__(self, step: int):
        self.run_started = time.monotonic()
        self.run_tokens = 0           # for the average the result reports
        self.paused_s = 0.0           # time spent paused since the start
        self.tokens_per_s: float | None = None
        self.steps: list[float] = []  # the step clock's time of the most recent steps
        self.last_step: float | None = None
        self.restart(step)

    def restart(self, step: int) -> None:
        self.started, self.step0, self.tokens = time.monotonic(), step, 0
        self.window = [(self.step_clock(), 0)]

    def step_clock(self) -> float:
        """Seconds of unpaused time."""
        return time.monotonic() - self.paused_s

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
        finally:
            self.paused_s += time.monotonic() - started

    def add_tokens(self, n: int) -> None:
        self.tokens += n
        self.run_tokens += n

    def step_done(self) -> None:
        now = self.step_clock()
        if self.last_step is not None:
            self.steps.append(now - self.last_step)
            del self.steps[:-STEP_WINDOW]
        self.last_step = now

    def step_s(self) -> float | None:
        """The median time of the recent steps (the first of the run not counted: it warms kernels up)."""
        return statistics.median(self.steps) if self.steps else None

    def mark(self) -> None:
        now = self.step_clock()
        self.window.append((now, self.tokens))
        (t0, n0), self.window[:] = self.window[0], self.window[-20:]
        if now > t0:
            self.tokens_per_s = (self.tokens - n0) / (now - t0)

    def session_s(self) -> float:
        return time.monotonic() - self.started

    def average_tokens_per_s(self) -> float:
        """Over the whole run's steps, evaluation and saving not counted."""
        return self.run_tokens / max(time.monotonic() - self.run_started - self.paused_s, 1e-9)
