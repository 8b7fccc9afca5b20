"""Train `cartpole_dqn`, the reinforcement-learning page's DQN agent on CartPole (demos.reinforcement_learning.dqn,
replay + target network), watching 5 greedy validation episodes every 500 steps and keeping the best
network; then measure 20 held-out greedy episodes (other start seeds) once. With --band it also runs
5 seeds × {replay + target, no replay, no target} and stores their return curves in
models/results/reinforcement_learning_dqn.json (the DQN tab's band).

    python -m train.cartpole_dqn                 # the agent, ~2 min on 2 busy cores
    python -m train.cartpole_dqn --band          # the 15 committed runs, ~6 min
    python -m train.cartpole_dqn --dry-run       # 600 steps, nothing saved
"""
from __future__ import annotations

import argparse
import json
from dataclasses import asdict

import numpy as np

from demos.reinforcement_learning import cartpole, dqn
from models.registry import WEIGHTS_DIR
from train.common import command_line, save_pretrained, seed_everything

VALIDATION_SEEDS = range(100, 105)  # start states watched during training
HELD_OUT_SEEDS = range(1000, 1020)  # start states measured once, at the end
RETURN_BAR = 200.0  # mean held-out greedy return the tests demand of the committed agent


def greedy_returns(agent: dqn.Agent, seeds) -> list[int]:
    return [len(cartpole.rollout(agent.greedy, s)[1]) for s in seeds]


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--steps", type=int, default=20_000)
    p.add_argument("--validate-every", type=int, default=500)
    p.add_argument("--band", action="store_true", help="also run the 15 committed return curves")
    p.add_argument("--dry-run", action="store_true", help="600 steps, nothing saved")
    p.add_argument("--out", default=str(WEIGHTS_DIR))
    args = p.parse_args(argv)
    seed_everything(args.seed)
    steps = 600 if args.dry_run else args.steps
    agent, best, history = dqn.Agent(args.seed), (-1.0, None), []
    for i in range(1, steps + 1):
        agent.act_and_learn()
        if i % args.validate_every == 0 or i == steps:
            mean = float(np.mean(greedy_returns(agent, VALIDATION_SEEDS)))
            history.append({"step": i, "validation_return": mean})
            print(f"step {i}: validation greedy return {mean:.1f}", flush=True)
            if mean > best[0]:
                best = (mean, {k: v.clone() for k, v in agent.q.state_dict().items()})
    agent.q.load_state_dict(best[1])
    held_out = greedy_returns(agent, HELD_OUT_SEEDS)
    metrics = {"validation_return": best[0], "held_out_mean_return": float(np.mean(held_out)),
               "held_out_min_return": int(min(held_out)), "held_out_episodes": len(held_out)}
    print(metrics, flush=True)
    if not args.dry_run:
        save_pretrained(agent.q, "cartpole_dqn", args.out, {
            "architecture": "QNetwork: MLP 4 → 64 → 64 → 2 (ReLU)",
            "task": "CartPole-v1 (hand-written dynamics, demos.reinforcement_learning.cartpole), DQN",
            "input": "(B, 4) states x, ẋ, θ, θ̇ -> (B, 2) action values; act greedily",
            "data": {"environment": "CartPole-v1 equations (Barto, Sutton & Anderson 1983)",
                     "validation": f"greedy episodes from start seeds {VALIDATION_SEEDS.start}-{VALIDATION_SEEDS.stop - 1}",
                     "held_out": f"greedy episodes from start seeds {HELD_OUT_SEEDS.start}-{HELD_OUT_SEEDS.stop - 1}"},
            "seed": args.seed, "recipe": {**asdict(dqn.SETTINGS), "steps": steps, "validate_every": args.validate_every,
                                           "kept": "best validation"},
            "history": history, "metrics": metrics, "metric_bar": {"held_out_mean_return": RETURN_BAR},
            "command": command_line("train.cartpole_dqn", argv),
        })
    if args.band and not args.dry_run:
        band = dqn.seed_band()
        dqn.COMMITTED.write_text(json.dumps({"command": "python -m train.cartpole_dqn --band",
                                             "function": "demos.reinforcement_learning.dqn.seed_band()",
                                             "settings": asdict(dqn.SETTINGS), "band": band}) + "\n")
    return metrics


if __name__ == "__main__":
    main()
