"""The standard checks on a training set-up, before training it (Karpathy's recipe, in miniature): the loss
at initialisation against ln C, whether the set-up can memorise one small batch, and the gradient norm of
each weight matrix at initialisation."""
from __future__ import annotations

import plotly.graph_objects as go
import torch
from torch import nn

from demos.plots import OKABE_ITO, layout
from demos.tuning.clinic import LN_C, SEED, Data, training_set, loss_fn, network, recipe_of


def checks(case: str, data: Data, steps: int = 150, seed: int = SEED) -> dict[str, object]:
    """Loss at initialisation (on the validation digits), the loss after `steps` steps on one batch of 32
    training digits, and every weight matrix's gradient norm at initialisation."""
    recipe = recipe_of(case)
    net = network(recipe, seed)
    x, y = training_set(recipe, seed, data)
    pick = torch.randperm(len(x), generator=torch.Generator().manual_seed(seed))[:32]  # (the fit set is sorted)
    xb, yb = x[pick], y[pick]
    net.eval()
    with torch.no_grad():
        init_loss = float(loss_fn(recipe, net(data["val"][0] / recipe.scale), data["val"][1]))
    net.train()
    loss_fn(recipe, net(xb), yb).backward()
    norms = {f"layer {i + 1}": float(m.weight.grad.norm()) for i, m in
             enumerate(m for m in net if isinstance(m, nn.Linear))}
    net.zero_grad()
    net.eval()  # overfit without dropout's noise: the question is whether the set-up can fit at all
    opt = torch.optim.SGD(net.parameters(), lr=recipe.lr, momentum=0.9)
    for _ in range(steps):
        loss = loss_fn(recipe, net(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return {"init_loss": init_loss, "one_batch_loss": loss.item(), "grad_norms": norms, "steps": steps}


# -- figure and caption ---------------------------------------------------------------------------------------
def checks_figure(result: dict[str, object], height: int = 260) -> go.Figure:
    norms = result["grad_norms"]
    fig = go.Figure(go.Bar(x=list(norms), y=list(norms.values()), marker_color=OKABE_ITO[2],
                           text=[f"{v:.2g}" for v in norms.values()], textposition="outside"))
    fig.update_yaxes(title_text="‖∂L/∂W‖ at init")
    return layout(fig, "Gradient norm of each weight matrix at initialisation", height)


def checks_caption(case: str, result: dict[str, object]) -> str:
    norms = result["grad_norms"]
    dead = [k for k, v in norms.items() if v == 0]
    ratio = max(norms.values()) / max(min(norms.values()), 1e-12)
    return (f"Loss at initialisation {result['init_loss']:.3g} against ln 10 = {LN_C:.3f} "
            f"({'close' if abs(result['init_loss'] - LN_C) < 0.25 else 'far off'}); after {result['steps']} steps "
            f"on one batch of 32 the loss is {result['one_batch_loss']:.3g} "
            f"({'it can memorise a batch' if result['one_batch_loss'] < 0.1 else 'it cannot even memorise one batch'}); "
            + (f"zero gradient in {', '.join(dead)}." if dead else
               f"the largest layer gradient is {ratio:.3g}× the smallest."))
