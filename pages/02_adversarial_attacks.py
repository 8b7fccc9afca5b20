"""Adversarial attacks: FGSM, BIM, PGD and MI-FGSM on digits and on real photos."""
import numpy as np
import streamlit as st
import torch

import ui
from demos import adversarial as adv
from demos import robustness as rob
from demos import images, plots
from demos.model_zoo import predict_topk
from models import class_names

page = ui.page_setup(__file__)

# Controls: the key ones in one row (kept on a slide), the rest below (a popover on a slide)
key_row = st.columns([3, 3, 3, 3, 1])
more = ui.more_controls(key_row[4])
with more:
    r = st.columns(7)
    with r[0]:
        family = ui.select("Model family", "family", ["digits", "photos"], widget="radio",
                           format_func={"digits": "Digits", "photos": "Photos"}.get)
    digits = family == "digits"
    with r[1]:
        name = (ui.select("Model", "model", list(adv.DIGIT_MODELS), format_func=adv.DIGIT_MODELS.get)
                if digits else "efficientnet_lite0")
with key_row[0]:
    attack = ui.select("Attack", "attack", list(adv.ATTACKS), default="pgd", format_func=adv.ATTACKS.get)
iterative, targeted = attack in ("bim", "pgd", "mifgsm"), attack == "fgsm_targeted"
with key_row[1]:
    eps = (ui.slider("ε (max change per pixel)", "eps", 0.0, 0.3, 0.1, step=0.01) if digits
           else ui.slider("ε (in 1/255)", "eps255", 0, 16, 2) / 255)
picked = ui.image_picker(digits, {"source": r[2], "digit": key_row[2], "photo": key_row[2], "index": r[3]},
                         "Upload a picture to attack it (any size or format; for digits it becomes 28×28).",
                         sample_label="Bundled")
x, truth = picked.x, picked.truth
labels = class_names(name)
with key_row[3]:
    target = ui.select("Target class", "target_digit" if digits else "target_class", labels,
                       default="3" if digits else "toaster") if targeted else None
with more:
    with r[4]:
        steps = ui.slider("Steps", "steps", 1, 40, 10) if iterative else 1
    with r[5]:
        ratio = ui.slider("Step α (× ε/steps)", "alpha", 0.5, 4.0, 2.5, step=0.25) if iterative else 1.0
    with r[6]:
        seed = ui.number("Seed", "seed", 0, 9999, 0, help="PGD's random start")

# The image under attack, and the attack (cached per parameter set)
model = ui.model(name)
clean = predict_topk(model, x, labels)
if targeted and target == (truth or clean[0][0]):
    st.warning(f"The target “{target}” is already the model's answer: a targeted attack has nothing "
               "to do. Pick another target class.", icon="🎯")


@st.cache_data(max_entries=64, show_spinner="Crafting the adversarial example…")
def craft(name: str, pixels: np.ndarray, label: int, attack: str, eps: float, steps: int,
          ratio: float, seed: int) -> np.ndarray:
    x, y = torch.from_numpy(pixels), torch.tensor([label])
    return adv.attack(attack, ui.model(name), x, y, eps, ratio * eps / steps, steps, seed).numpy()


goal = labels.index(target if targeted else (truth or clean[0][0]))
x_adv = torch.from_numpy(craft(name, x.numpy(), goal, attack, eps, steps, ratio, seed))
after = predict_topk(model, x_adv, labels)
eps_text = f"{eps:.2f}" if digits else f"{round(eps * 255)}/255"

# Hero: the flip in words, then original | perturbation | adversarial with what the model says
st.info(adv.flip_sentence(clean[0], after[0], eps_text, target), icon="⚔️")
cols = st.columns(3)
with cols[0]:
    ui.prediction_panel("Original", x, clean, truth)
with cols[1]:
    gain = 0.5 / eps if eps else 1.0
    ui.chart(plots.heatmap((x_adv - x)[0].mean(0).numpy(), f"Perturbation (×{gain:.0f})", diverging=True,
                           bound=eps or 1.0, height=190 if ui.is_presenting() else 260),
             f"Blue darkens a pixel, red brightens it; the colour range is ±ε, so the change is shown {gain:.0f}× "
             "larger than it is (averaged over colour channels).", export="perturbation")
    seen = adv.perceptibility(x, x_adv)
    st.markdown(f"**L∞** {seen['linf']:.3f} · **L2** {seen['l2']:.2f} · **SSIM** {seen['ssim']:.3f}",
                help="Size of the change: largest pixel change, Euclidean length, and structural "
                     "similarity to the original (1 = identical).")
with cols[2]:
    ui.prediction_panel("Adversarial", x_adv, after, truth)
ui.end_of_hero()
st.download_button("Download the adversarial image (PNG)", images.png_bytes(x_adv), mime="image/png",
                   file_name=f"adversarial_{attack}_eps_{eps_text.replace('/', '-')}.png")

# Experiments on the held-out digits, one lazy tab each (committed results: they open at once)
view, box = ui.tabs("view", ["Robust accuracy", "Transfer", "Defences"])
with box:
    n = int(ui.select("Held-out digits", "n", ["200", "1000"], widget="segmented"))
    if view == "Robust accuracy":
        table = ui.experiment("Attacking the held-out digits with PGD-10", rob.robustness_experiment, n)
        series = {adv.DIGIT_MODELS[m]: table[m] for m in adv.DIGIT_MODELS}
        here = table.iloc[(table["eps"] - eps).abs().argmin()] if digits else table.set_index("eps").loc[0.1]
        ui.chart(plots.line_chart(table["eps"], series, "Accuracy under PGD-10 vs ε", "ε (L∞)", "accuracy",
                                  y_range=(0, 1), mark_x=eps if digits else None, mark_label=f"your ε {eps_text}"),
                 f"At ε = {here['eps']:.2f} the standard CNN keeps {here['mnist_cnn']:.0%} of {n} digits, the "
                 f"adversarially trained CNN {here['mnist_cnn_robust']:.0%}, the MLP {here['mnist_mlp']:.0%}; "
                 f"robustness costs {table['mnist_cnn'][0] - table['mnist_cnn_robust'][0]:+.1%} clean accuracy.")
        st.download_button("Sweep (CSV)", table.to_csv(index=False), "robust_accuracy.csv", "text/csv")
        if digits:  # the same image attacked at every budget (the PyTorch FGSM tutorial's figure)
            budgets = [e for e in adv.SWEEP_EPS if e > 0]
            shots = [torch.from_numpy(craft(name, x.numpy(), goal, attack, e, steps, ratio, seed)) for e in budgets]
            says = [predict_topk(model, s, labels)[0][0] for s in shots]
            original = truth or clean[0][0]
            flip = next((e for e, c in zip(budgets, says) if c != original), None)
            ui.chart(plots.image_rows([[s[0, 0].numpy() for s in shots]], [f"ε {e:.2f}: “{c}”" for e, c in zip(budgets, says)],
                                      [adv.ATTACKS[attack]], 150, error_last=False),
                     f"{adv.ATTACKS[attack]} on this digit at every budget, with the model's answer above each: "
                     + (f"it first leaves “{original}” at ε = {flip:.2f}." if flip is not None
                        else f"it stays “{original}” up to ε = {budgets[-1]:.2f}."))
    elif view == "Transfer":
        t_eps = ui.slider("ε for transfer", "t_eps", 0.05, 0.3, 0.2, step=0.05)
        mats = ui.experiment("Crafting on each model, testing on every model", rob.transfer_experiment, n, t_eps)
        names = [rob.SHORT[m] for m in adv.DIGIT_MODELS]
        for col, (attack_name, mat) in zip(st.columns(3), mats.items()):
            with col:
                off = mat.values[~np.eye(len(mat), dtype=bool)].mean()
                ui.chart(plots.heatmap(mat.values, adv.ATTACKS[attack_name], x=names, y=names,
                                       text_format=".0%", height=320, square=False, show_scale=False),
                         f"{adv.ATTACKS[attack_name]}: {off:.0%} average success on the other models "
                         "(rows: crafted on, columns: tested on).")
        st.info(rob.transfer_sentence(mats, n, t_eps), icon="📊")
    else:
        d_eps = ui.slider("ε", "d_eps", 0.05, 0.3, 0.2, step=0.05)
        bits = ui.slider("Bit depth of the squeezing defence", "bits", 1, 4, 2)
        table = ui.experiment("Attacking the defences", rob.defence_experiment, n, d_eps, bits)
        ui.chart(plots.bar_chart(table["setting"], table["accuracy"], "Accuracy under attack"),
                 rob.defence_sentence(table, bits, d_eps))
        st.dataframe(table, hide_index=True)

ui.key_ideas()
ui.show_code(adv.fgsm, adv.pgd, adv.robust_accuracy, adv.BitDepth, rob.transfer_sentence)
