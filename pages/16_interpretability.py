"""Interpretability: six attribution methods side by side, and the sanity checks that catch them lying."""
import streamlit as st

import ui
from demos.interpretability import adversarial, committed, faithfulness, hero, methods, sanity, similarity
from demos.prediction import predict_topk
from models import class_names

page = ui.page_setup(__file__)

# Controls: the key ones in one row (kept on a slide), each method's settings below (a popover on a slide)
top = st.columns([3, 3, 3, 3])
more = ui.more_controls()
with more:
    r = ui.control_columns(8)
with top[0]:
    family = ui.select("Model", "family", ["digits", "photos"], widget="segmented",
                       format_func={"digits": "Digit CNN", "photos": "EfficientNet"}.get,
                       help="The digit CNN (28×28 digits) or EfficientNet-Lite0 (224-px photos, ImageNet)")
digits = family == "digits"
name = "mnist_cnn" if digits else "efficientnet_lite0"
picked = ui.image_picker(digits, {"source": r[0], "digit": top[1], "photo": top[1], "index": r[1]},
                         "Upload a picture to explain the model's answer (for digits it becomes 28×28).")
x = picked.x
with top[2]:
    rank = ui.select("Explain the model's", "rank", list(hero.RANKS), widget="segmented",
                     format_func={"1": "1st", "2": "2nd", "3": "3rd"}.get, help="Which of its top-3 classes")
with top[3]:
    base = ui.select("IG baseline x′", "baseline", list(methods.BASELINES), format_func=methods.BASELINES.get)
layers = methods.DIGIT_LAYERS if digits else methods.PHOTO_LAYERS
lo, hi, patch_default = hero.PATCH[family]
d = hero.DEFAULTS[family]  # photos: cheaper defaults, under their own URL keys
with more:
    with r[2]:
        n = ui.slider("SmoothGrad samples n", "n" if digits else "n_photo", *hero.SMOOTH_N_RANGE, d["n"])
    with r[3]:
        sigma = ui.slider("SmoothGrad noise σ", "sigma", *hero.SIGMA_RANGE, 0.15, step=0.05)
    with r[4]:
        steps = ui.slider("IG steps", "steps" if digits else "steps_photo", *hero.STEPS_RANGE, d["steps"])
    with r[5]:
        layer = ui.select("Grad-CAM layer", "layer" if digits else "layer_photo", list(layers),
                          format_func=lambda k: layers[k].split(":")[0].split(" (")[0])
    with r[6]:
        patch = ui.slider("Occlusion patch (px)", "patch" if digits else "patch_px", lo, hi, patch_default)
    with r[7]:
        stride_pct = ui.slider("Stride (% of patch)", "stride" if digits else "stride_photo", hero.STRIDE_PCT[family],
                               100, d["stride"], step=25)
        seed = ui.number("Seed", "seed", 0, 9999, 0, help="SmoothGrad's noise and the noise baseline")
settings = hero.Settings(n, sigma, base, steps, layer, patch, max(1, round(patch * stride_pct / 100)), seed)

# The model's top-3 and the class being explained
model, labels = ui.model(name), class_names(name)
top3 = predict_topk(model, x, labels, k=3)
label, probability = top3[int(rank) - 1]
target = labels.index(label)
key = (name, picked.name, target, settings)
height = 436 if ui.is_presenting() else 430
streaming = st.empty()  # a photo's maps appear as soon as each is computed (they take seconds), cheap first


frames = iter(range(10**6))  # a key per frame drawn in this run (a restarted job draws its frames again)


def partial(p: hero.Explained) -> None:
    with streaming.container():
        st.plotly_chart(hero.hero_figure(x, p, label, height), key=f"hero_so_far_{next(frames)}")
        st.caption(hero.progress_text(p))


result = ui.computed("Computing six explanations", hero.attribute_all, model, x, target, settings, key=key,
                     show=None if digits else partial)  # a digit's six take ~0.2 s: drawn once, whole
streaming.empty()

# Hero: the input, IG's baseline and the six maps
ui.chart(hero.hero_figure(x, result, label, height), hero.hero_caption(result, label, probability), export="maps")
st.markdown(hero.completeness_text(result, steps))
ui.prose(f"**Grad-CAM layer:** {layers[layer]}. " + hero.cost_text(result, settings, x.shape[-1]))
ui.end_of_hero()

# Secondary views, one lazy tab each: the sanity checks, faithfulness curves, an adversarial example explained
view, box = ui.tabs("view", ["Sanity checks", "Faithfulness", "Adversarial link"])
with box:
    if view == "Sanity checks":
        ui.section("Cascading randomisation")
        chain = sanity.cascade(digits)
        c = st.columns([3, 2])
        with c[0]:
            k = ui.slider("Randomise the top k layers", "k", 0, len(chain), len(chain) // 2 + 1)
        with c[1]:
            measure = ui.select("Similarity", "measure", ["spearman", "ssim"], widget="segmented",
                                format_func={"spearman": "Rank correlation", "ssim": "SSIM"}.get)
        twin = ui.model("mnist_cnn_shuffled") if digits else None  # the model trained on shuffled labels
        run = committed.load(picked.name, x, target, settings) if digits else None  # the default digit's
        if run is None:  # anything else: seven runs of the six methods, live
            run = ui.computed("Randomising the layers one by one, then the shuffled-label twin",
                              sanity.sanity_checks, model, twin, x, target, settings, digits, key=key + (digits,))
        elif not ui.is_presenting():
            st.caption(f"Precomputed by `{committed.COMMAND}` with these exact weights, for this digit at the "
                       "default settings; any other digit or setting runs live.")
        ui.chart(sanity.cascade_figure(run, measure, k), sanity.cascade_caption(run, k), export="cascade")
        ui.chart(hero.hero_figure(x, hero.from_maps(run["maps"][k], result.reference), label, 400),
                 f"The six maps of the model with its top {k} layers randomised.")
        ui.section("Shuffled labels and the edge detector")
        real = hero.flat_maps(result)
        scores = {"vs the edge detector": sanity.edge_scores(real, sanity.edge_map(x))}
        said = sanity.edge_caption(scores["vs the edge detector"])
        if digits:
            scores = {"vs the shuffled-label model": sanity.twin_scores(real, run["twin"])} | scores
            said = sanity.twin_caption(scores["vs the shuffled-label model"]) + " " + said
        ui.chart(sanity.scores_figure(scores), said, export="checks")
        if not digits:
            st.info("The shuffled-label twin is a digit CNN: switch the model to the digit CNN to compare with it.",
                    icon="🔀")
    elif view == "Faithfulness":
        ui.section("Deletion and insertion")
        curves = ui.computed("Deleting and inserting pixels in each map's order", faithfulness.deletion_insertion,
                             model, x, target, hero.flat_maps(result), methods.baseline(x, "blur"), seed, key=key)
        ui.chart(faithfulness.curves_figure(curves), faithfulness.curves_caption(curves), export="curves")
        st.dataframe(faithfulness.auc_table(curves), hide_index=True)
    else:
        lo_eps, hi_eps, eps_default = adversarial.EPS_DIGITS if digits else adversarial.EPS_255
        eps = (ui.slider("FGSM ε (max change per pixel)", "eps", lo_eps, hi_eps, eps_default, step=0.01) if digits
               else ui.slider("FGSM ε (in 1/255)", "eps255", lo_eps, hi_eps, eps_default) / 255)
        ui.section("Adversarial link")
        answer = labels.index(top3[0][0])  # the attack pushes away from the model's answer; maps explain answers
        clean = result if answer == target else ui.computed(
            "Explaining the model's answer", hero.attribute_all, model, x, answer, settings,
            key=(name, picked.name, answer, settings))
        x_adv = ui.cached(adversarial.fgsm, model, x, answer, eps, key=(name, picked.name, answer, eps))
        after_label, after_p = predict_topk(model, x_adv, labels, k=1)[0]
        attacked = ui.computed("Explaining the attacked image", hero.attribute_all, model, x_adv,
                               labels.index(after_label), settings, key=(name, picked.name, answer, settings, eps))
        eps_text = f"{eps:g}" if digits else f"{round(eps * 255)}/255"
        ui.chart(hero.hero_figure(x_adv, attacked, after_label, 430),
                 adversarial.adversarial_caption(top3[0][0], after_label, after_p, eps_text,
                                                 adversarial.map_changes(clean, attacked)), export="adversarial")

ui.key_ideas()
ui.show_code(methods.integrated_gradients, methods.smoothgrad, methods.gradcam_layer, methods.LayerTap,
             methods.occlusion, sanity.randomised, similarity.spearman, faithfulness.curve, adversarial.fgsm)
