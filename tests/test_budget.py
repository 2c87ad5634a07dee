"""Time budgets: the plan fills its time, evaluation keeps to its share, the speed shown is the
steps' own, and a run that stops improving stops early with its best weights."""
from __future__ import annotations

import pytest
import torch
from conftest import SAMPLE

from engine.training import TrainConfig, train
from engine.training import budget, pace
from engine.training.budget import EVAL_SHARE, Costs, fit_evaluation, plan_budget, revise
from engine.training.schedule import Plan


def _plan(**kw) -> Plan:
    values = dict(total_steps=1000, steps_per_epoch=50, blocks_per_step=8, eval_every=100, lr=1e-3,
                  warmup_steps=50, min_lr_frac=0.1, eval_batches=50, budget_s=300.0, patience=3)
    values.update(kw)
    return Plan(**values)


def _evaluations(plan: Plan, step: int) -> int:
    """Evaluations from `step` to the end, the final one included."""
    ends = {s for s in range(step + 1, plan.total_steps + 1) if plan.evaluates_at(s)}
    return len(ends)


def _seconds(plan: Plan, costs: Costs, step: int) -> float:
    train_s = (plan.total_steps - step) * costs.step_s + _evaluations(plan, step) * costs.eval_s(plan)
    return train_s / (1 - costs.save_share)


@pytest.mark.parametrize("costs", [Costs(0.1, 0.03), Costs(0.28, 1.0 / 50), Costs(0.05, 0.5, 0.03),
                                   Costs(2.0, 0.6, 0.01), Costs(0.02, 0.005)])
@pytest.mark.parametrize("minutes", [5, 15, 30])
def test_the_budget_plan_ends_within_5_percent_of_its_time(costs, minutes):
    remaining = minutes * 60 - 4.0  # what the probe and the preparation used
    plan = plan_budget(_plan(budget_s=minutes * 60.0), costs, step=7, remaining_s=remaining, val_batches=200,
                       warmup_frac=0.05)
    assert abs(_seconds(plan, costs, 7) - remaining) <= 0.05 * remaining
    eval_s = _evaluations(plan, 7) * costs.eval_s(plan)
    assert eval_s <= 1.1 * EVAL_SHARE * remaining
    assert plan.eval_batches >= budget.MIN_EVAL_BATCHES
    assert plan.warmup_steps == max(1, int(0.05 * plan.total_steps))
    assert plan.evaluates_at(plan.total_steps)


def test_revising_at_each_evaluation_ends_on_time_when_the_speed_changes():
    budget_s, costs = 300.0, Costs(0.10, 0.02)
    plan = plan_budget(_plan(), costs, step=7, remaining_s=budget_s - 2, val_batches=100, warmup_frac=0.05)
    clock, step = 2.0, 7
    while step < plan.total_steps:
        step_s = 0.10 if clock < 100 else 0.16  # the machine got busy
        clock += step_s
        step += 1
        if plan.evaluates_at(step):
            clock += costs.eval_s(plan)
            if step < plan.total_steps:
                plan = revise(plan, Costs(step_s, costs.eval_batch_s), step, budget_s - clock)
    assert abs(clock - budget_s) <= 0.05 * budget_s


def test_evaluation_is_spaced_to_its_share_when_it_is_dear():
    plan = _plan(total_steps=40, eval_every=4, budget_s=None)
    # the 4x256 GPT-2 with 6,000 tokens: a step 0.28 s, an evaluation of 50 batches ~1 s
    fitted = fit_evaluation(plan, Costs(0.28, 1.0 / 50), run_s=40 * 0.28, evaluations=10, val_batches=100)
    eval_s = _evaluations(fitted, 0) * fitted.eval_batches / 50
    assert eval_s / (40 * 0.28 + eval_s) <= 0.15  # was 10 evaluations of 1 s against 11 s of steps
    assert fitted.eval_batches < 50  # smaller evaluations first...
    dear = fit_evaluation(plan, Costs(0.28, 0.2), run_s=40 * 0.28, evaluations=10, val_batches=100)
    assert dear.eval_batches == budget.MIN_EVAL_BATCHES and dear.eval_every > plan.eval_every  # ...then fewer
    cheap = fit_evaluation(plan, Costs(0.28, 0.001), run_s=40 * 0.28, evaluations=10, val_batches=100)
    assert cheap.eval_every == plan.eval_every and cheap.eval_batches == 50


def test_tokens_per_s_leave_out_evaluation_and_saving(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(pace.time, "monotonic", lambda: now[0])
    p = pace.Pace(0)
    for _ in range(10):
        now[0] += 0.25          # a step of 1,000 tokens
        p.add_tokens(1000)
        p.step_done()
        p.mark()
        with p.paused():        # an evaluation as long as the step
            now[0] += 0.25
    assert p.tokens_per_s == pytest.approx(4000)
    assert p.step_s() == pytest.approx(0.25)
    assert p.average_tokens_per_s() == pytest.approx(4000)
    assert p.session_s() == pytest.approx(5.0)  # the elapsed time still counts everything


@pytest.mark.slow
def test_a_time_budget_run_plans_its_steps_and_ends_near_its_end(wenan_home):
    events = []
    result = train(TrainConfig(data=str(SAMPLE), name="budget", minutes=0.25), on_event=events.append)
    training = [e for e in events if e.phase == "training"]
    assert result.step == result.total_steps != 1000  # the provisional plan was replaced by the budget's
    assert training[-1].eta_s is not None and training[-1].eta_s < 15
    # not a timing test: the run ends by its budget, give or take a busy machine's spread
    assert 0.3 * 15 < training[-1].elapsed_s < 1.5 * 15


def test_early_stopping_keeps_the_best_weights(wenan_home, tmp_path):
    from engine.data import load_data
    from engine.models import load_causal_lm, load_tokenizer
    from engine.models.card import read_card
    from engine.models.prompt_style import PromptStyle
    from engine.training.blocks import encode_blocks

    lines = SAMPLE.read_text(encoding="utf-8").splitlines()[:80]
    small = tmp_path / "small.txt"
    small.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # hundreds of passes over 64 lines overfit; steps rather than a time budget, so the test does not
    # depend on the machine's speed (early stopping works the same in both)
    cfg = TrainConfig(data=str(small), name="early", max_steps=1500, eval_every=10, patience=2, lr=3e-3,
                      val_fraction=0.2)
    result = train(cfg)
    card = read_card(result.path)
    val = [v for _s, _t, v in card.history if v is not None]
    assert card.hyperparameters["stopped_early"] and result.step < 1500
    assert card.metrics.best_step < result.step and val[-1] > min(val)

    # the saved weights are the best ones: their validation loss is the best, not the last
    data = load_data(str(small), min_samples=2)
    _train, held = data.split(cfg.val_fraction, seed=cfg.seed)
    model, tokenizer = load_causal_lm(result.path), load_tokenizer(result.path)
    ids, labels = encode_blocks(tokenizer, PromptStyle.for_tokenizer(tokenizer), held, card.block_size)
    model.eval()
    with torch.no_grad():
        losses = [model(ids[i:i + 8], labels=labels[i:i + 8]).loss for i in range(0, ids.shape[0], 8)]
    recomputed = float(torch.stack(losses).mean())  # in fp32; the run evaluated under bf16 autocast on such CPUs
    assert recomputed == pytest.approx(card.metrics.val_loss, rel=2e-3)
    assert abs(recomputed - card.metrics.val_loss) < abs(recomputed - val[-1])


def test_a_scratch_plan_regularises_more_the_more_passes_it_makes():
    from engine.training.schedule import make_plan

    def plan(scratch=True, **options):
        return make_plan(TrainConfig(data="copy.txt", name="n", **options), n_blocks=800, train_tokens=102_400,
                         world=1, scratch=scratch, method="full")

    assert (plan(epochs=3).dropout, plan(epochs=3).weight_decay) == (0.1, 0.1)
    assert 0.1 < plan(epochs=21).dropout < 0.3 and 0.1 < plan(epochs=21).weight_decay < 0.5
    assert plan(epochs=40).dropout == plan(epochs=400).dropout == 0.3
    assert plan(epochs=40).weight_decay == plan(epochs=400).weight_decay == 0.5
    assert plan(scratch=False, epochs=40).dropout is None  # a pretrained base keeps its own
    assert plan(scratch=False, epochs=40).weight_decay == 0.1
    assert plan(epochs=40, weight_decay=0.2).weight_decay == 0.2  # a chosen weight decay is kept
    # a budget: once fitted to the measured speed, the regularisation follows the passes its steps make
    def fitted(start: Plan, costs: Costs) -> Plan:
        return plan_budget(start, costs, step=7, remaining_s=300.0, val_batches=100,
                           warmup_frac=0.05).with_regularisation()

    quick, dear = Costs(0.01, 0.001), Costs(1.0, 0.1)  # step and evaluation-batch seconds
    fast, slow = (fitted(_plan(dropout=0.1, decay_by_passes=True), costs) for costs in (quick, dear))
    fast_chosen = fitted(_plan(dropout=0.1), quick)  # a weight decay chosen in the config (the plan's 0.1)
    assert fast.epoch(fast.total_steps) > 30 and (fast.dropout, fast.weight_decay) == (0.3, 0.5)
    assert slow.epoch(slow.total_steps) < 15 and (slow.dropout, slow.weight_decay) == (0.1, 0.1)
    assert (fast_chosen.dropout, fast_chosen.weight_decay) == (0.3, 0.1)


def test_set_dropout_changes_the_residual_mlp_and_embedding_dropout_but_not_attention():
    from transformers import GPT2Config, GPT2LMHeadModel

    from engine.training.tuning import set_dropout, tune_for_training

    model = GPT2LMHeadModel(GPT2Config(n_layer=2, n_head=2, n_embd=32, vocab_size=64, n_positions=16,
                                       resid_pdrop=0.1, embd_pdrop=0.1, attn_pdrop=0.1))
    tune_for_training(model, attention_dropout=0.0, device_kind="cpu")
    assert set_dropout(model, 0.3) == 5  # the embeddings', and each layer's attention output and MLP
    rates = {name: module.p for name, module in model.named_modules() if hasattr(module, "p")}
    assert {n: p for n, p in rates.items() if "attn_dropout" not in n} == {
        "transformer.drop": 0.3, "transformer.h.0.attn.resid_dropout": 0.3, "transformer.h.0.mlp.dropout": 0.3,
        "transformer.h.1.attn.resid_dropout": 0.3, "transformer.h.1.mlp.dropout": 0.3}
    assert all(p == 0.0 for n, p in rates.items() if "attn_dropout" in n)
    assert model.config.resid_pdrop == model.config.embd_pdrop == 0.3
