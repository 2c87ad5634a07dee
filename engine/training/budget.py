"""Fitting a run to time, from its own measured speed.

After the first few steps (`PROBE_STEPS`) the run knows what a step and a validation batch cost.
`fit_evaluation` then sizes and spaces the evaluations so they take at most `EVAL_SHARE` of the
run; with a time budget, `plan_budget` turns the time left into steps (warm-up and cosine fitted
to them), and `revise` corrects the step count at every evaluation as the measured speed moves,
so the run ends at its budget.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

from .schedule import EVALUATIONS_PER_RUN, Plan

PROBE_STEPS = 6          # steps timed before the plan is fitted (the run's first is not counted)
EVAL_SHARE = 0.10        # evaluations take at most this share of a run's time
MIN_EVAL_BATCHES = 4     # fewer would make the validation loss too noisy to keep the best weights by
MAX_BUDGET_EVALUATIONS = 40


@dataclass(frozen=True)
class Costs:
    """What the run has measured."""
    step_s: float            # one optimizer step (median of the recent ones)
    eval_batch_s: float      # one validation batch
    save_share: float = 0.0  # the share of the time checkpoints take

    def eval_s(self, plan: Plan) -> float:
        return plan.eval_batches * self.eval_batch_s


def budget_evaluations(budget_s: float) -> int:
    """About one evaluation every 30 s (10 for 5 minutes, 30 for 15), so early stopping sees the curve."""
    return max(EVALUATIONS_PER_RUN, min(MAX_BUDGET_EVALUATIONS, round(budget_s / 30)))


def fit_evaluation(plan: Plan, costs: Costs, run_s: float, evaluations: int, val_batches: int,
                   fixed_every: bool = False) -> Plan:
    """`plan` with its evaluation sized to `run_s` and, unless `fixed_every`, spaced so that
    `evaluations` of them take at most EVAL_SHARE of it (fewer, further apart, when even the
    smallest would cost more)."""
    most = max(1, min(plan.eval_batches, val_batches))
    per_eval = EVAL_SHARE * run_s / max(1, evaluations)
    batches = max(min(MIN_EVAL_BATCHES, most), min(most, int(per_eval / max(costs.eval_batch_s, 1e-9))))
    plan = replace(plan, eval_batches=batches)
    if fixed_every:
        return plan
    # k steps then one evaluation: eval_s / (k * step_s + eval_s) <= EVAL_SHARE
    least_every = math.ceil(costs.eval_s(plan) * (1 - EVAL_SHARE) / EVAL_SHARE / max(costs.step_s, 1e-9))
    return replace(plan, eval_every=max(1, plan.eval_every, least_every))


def steps_for(costs: Costs, plan: Plan, seconds: float, evaluations: int) -> int:
    """How many steps fit in `seconds` next to `evaluations` evaluations and the checkpoints."""
    train_s = seconds * (1 - costs.save_share) - evaluations * costs.eval_s(plan)
    return max(1, int(train_s / max(costs.step_s, 1e-9)))


def plan_budget(plan: Plan, costs: Costs, step: int, remaining_s: float, val_batches: int,
                warmup_frac: float) -> Plan:
    """The budget's plan from step `step` on, with `remaining_s` seconds left for steps and evaluations."""
    evaluations = budget_evaluations(plan.budget_s or remaining_s)
    sized = fit_evaluation(replace(plan, eval_every=1), costs, remaining_s, evaluations, val_batches)
    steps = steps_for(costs, sized, remaining_s, evaluations)
    # as many evaluations as asked for, unless that spacing would make them cost more than their share
    every = max(sized.eval_every, steps // evaluations)
    steps = steps_for(costs, sized, remaining_s, max(1, steps // every))
    return replace(sized, eval_every=max(1, min(every, steps))).with_steps(step + steps, warmup_frac)


def revise(plan: Plan, costs: Costs, step: int, remaining_s: float) -> Plan:
    """The step count that ends the run when its `remaining_s` seconds are up, at the speed measured now."""
    evaluations = max(1, math.ceil((plan.total_steps - step) / plan.eval_every))
    return plan.with_steps(step + steps_for(costs, plan, remaining_s, evaluations) if remaining_s > 0 else step)
