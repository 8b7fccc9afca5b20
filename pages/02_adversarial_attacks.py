"""Adversarial attacks: FGSM, BIM, PGD and MI-FGSM on digits and on real photos."""
import streamlit as st

import ui
from demos import images
from demos.adversarial_attacks import attacks, defences, perceptibility, robustness, transfer
from demos.prediction import predict_topk
from models import class_names

page = ui.page_setup(__file__)

# Controls: the key ones in one row (kept on a slide), the rest below (a popover on a slide)
key_row = st.columns([3, 3, 3, 3])
more = ui.more_controls()
with more:
    r = ui.control_columns(7)
    with r[0]:
        family = ui.select("Model family", "family", ["digits", "photos"], widget="radio",
                           format_func={"digits": "Digits", "photos": "Photos"}.get)
    digits = family == "digits"
    with r[1]:
        name = (ui.select("Model", "model", list(attacks.DIGIT_MODELS), format_func=attacks.DIGIT_MODELS.get)
                if digits else "efficientnet_lite0")
with key_row[0]:
    attack = ui.select("Attack", "attack", list(attacks.ATTACKS), default="pgd", format_func=attacks.ATTACKS.get)
iterative, targeted = attack in attacks.ITERATIVE, attack == "fgsm_targeted"
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
if note := attacks.target_note(target, truth, clean[0][0]):
    st.warning(note, icon="🎯")
original, goal = attacks.aim(None, truth, clean[0][0]), labels.index(attacks.aim(target, truth, clean[0][0]))
settings = (name, picked.name, goal, attack, steps, ratio, seed)  # with ε, what identifies an attack
x_adv = ui.cached(attacks.craft, attack, model, x, goal, eps, steps, ratio, seed, key=(*settings, eps),
                  max_entries=64, spinner="Crafting the adversarial example…")
after = predict_topk(model, x_adv, labels)
eps_text = attacks.eps_text(eps, digits)

# Hero: the flip in words, then original | perturbation | adversarial with what the model says
flip = attacks.flip_caption(clean[0], after[0], eps_text, target)
if not ui.is_presenting():
    st.info(flip, icon="⚔️")
cols = st.columns(3)
with cols[0]:
    ui.prediction_panel("Original", x, clean, truth)
with cols[1]:
    if ui.is_presenting():  # a slide: the sentence above the middle chart, the images as tall as they fit
        st.info(flip, icon="⚔️")
    ui.chart(perceptibility.perturbation_figure(x, x_adv, eps, height=190 if ui.is_presenting() else 260),
             perceptibility.perturbation_caption(eps), export="perturbation")
    st.markdown(perceptibility.perceptibility_text(perceptibility.perceptibility(x, x_adv)),
                help="Size of the change: largest pixel change, Euclidean length, and structural "
                     "similarity to the original (1 = identical).")
with cols[2]:
    ui.prediction_panel("Adversarial", x_adv, after, truth)
ui.end_of_hero()
st.download_button("Download the adversarial image (PNG)", images.png_bytes(x_adv), mime="image/png",
                   file_name=attacks.download_name(attack, eps_text))

# Experiments on the held-out digits, one lazy tab each (committed results: they open at once)
view, box = ui.tabs("view", ["Robust accuracy", "Transfer", "Defences"])
with box:
    n = int(ui.select("Held-out digits", "n", ["200", "1000"], widget="segmented"))
    if view == "Robust accuracy":
        table = ui.experiment("Attacking the held-out digits with PGD-10", robustness.robustness_experiment, n)
        ui.chart(robustness.robustness_figure(table, eps, eps_text, digits),
                 robustness.robustness_caption(table, eps, n, digits))
        st.download_button("Sweep (CSV)", table.to_csv(index=False), "robust_accuracy.csv", "text/csv")
        if digits:  # the same image attacked at every budget (the PyTorch FGSM tutorial's figure)
            shots = [ui.cached(attacks.craft, attack, model, x, goal, e, steps, ratio, seed, key=(*settings, e),
                               max_entries=64, spinner="Crafting the adversarial example…")
                     for e in robustness.BUDGETS]
            says = robustness.answers(model, shots, labels)
            ui.chart(robustness.budgets_figure(shots, robustness.BUDGETS, says, attack),
                     robustness.budgets_caption(attack, robustness.BUDGETS, says, original))
    elif view == "Transfer":
        t_eps = ui.slider("ε for transfer", "t_eps", 0.05, 0.3, 0.2, step=0.05)
        mats = ui.experiment("Crafting on each model, testing on every model", transfer.transfer_experiment, n, t_eps)
        for col, (attack_name, mat) in zip(st.columns(3), mats.items()):
            with col:
                ui.chart(transfer.matrix_figure(attack_name, mat), transfer.matrix_caption(attack_name, mat))
        st.info(transfer.transfer_caption(mats, n, t_eps), icon="📊")
    else:
        d_eps = ui.slider("ε", "d_eps", 0.05, 0.3, 0.2, step=0.05)
        bits = ui.slider("Bit depth of the squeezing defence", "bits", 1, 4, 2)
        table = ui.experiment("Attacking the defences", defences.defence_experiment, n, d_eps, bits)
        ui.chart(defences.defence_figure(table), defences.defence_caption(table, bits, d_eps))
        st.dataframe(table, hide_index=True)

ui.key_ideas()
ui.show_code(attacks.fgsm, attacks.pgd, robustness.robust_accuracy, defences.BitDepth, transfer.transfer_caption)
