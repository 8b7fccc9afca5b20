"""Every number a lesson's text states about its view is rebuilt here from the view's parameters and
the page's own defaults (never typed twice): the text must contain the computed phrase."""
from __future__ import annotations

import math

import pytest
import torch

from ui import lesson_data as ld


def phrases() -> list[tuple[str, int, str]]:
    """(page, beat number from 1, phrase computed from that beat's view) for every number in the texts."""
    from demos.adversarial_attacks import lesson as adv
    from demos.anomaly_detection import lesson as anomaly
    from demos.attention import lesson as attention
    from demos.backprop import lesson as backprop
    from demos.convolutions import lesson as conv
    from demos.generative import gan_2d
    from demos.generative.targets import REGIONS
    from demos.optimisers import lesson as opt, surfaces
    from demos.recurrent import lesson as rnn
    from demos.transfer_learning import lesson as transfer

    def q(slug, n):
        return ld.page_lesson(slug)[n - 1].query

    out = []
    o = lambda n: opt.DEFAULTS | {k: float(v) if k != "surface" else v for k, v in q("optimisers", n).items()}  # noqa: E731
    out += [("optimisers", 1, f"κ = {o(1)['kappa']:g}"), ("optimisers", 2, f"κ = {o(2)['kappa']:g} instead of {o(1)['kappa']:g}"),
            ("optimisers", 3, f"from 10^{surfaces.PRESETS['quadratic']['lr_sgd']:g} to 10^{o(3)['lr_sgd']:g}"),
            ("optimisers", 4, f"In {o(4)['steps']:g} steps")]
    a = lambda n: adv.DEFAULTS | q("adversarial_attacks", n)  # noqa: E731
    out += [("adversarial_attacks", 1, f"ε = {a(1)['eps']}"), ("adversarial_attacks", 2, f"ε = {a(2)['eps']}"),
            ("adversarial_attacks", 3, f"ε = {a(3)['eps']}"), ("adversarial_attacks", 4, f"ε = {a(4)['eps']}"),
            ("adversarial_attacks", 5, f"ε = {a(5)['eps']}"), ("adversarial_attacks", 5, f"its target, {a(5)['target_digit']}"),
            ("adversarial_attacks", 1, f"on this {a(1)['digit']}")]
    an = lambda n: anomaly.DEFAULTS | q("anomaly_detection", n)  # noqa: E731
    out += [("anomaly_detection", 1, f"{float(an(1)['q']):g}th percentile"), ("anomaly_detection", 1, f"test {an(1)['normal']}s"),
            ("anomaly_detection", 2, f"{float(an(2)['q']):g}th percentile"), ("anomaly_detection", 4, f"With {an(4)['normal']} as")]
    at = lambda n: attention.DEFAULTS | q("attention", n)  # noqa: E731
    out += [(("attention", n, f"layer {at(n)['layer']}, head {at(n)['head']}")) for n in (1, 2, 3, 4)]
    b = lambda n: backprop.DEFAULTS | q("backprop", n)  # noqa: E731
    out += [("backprop", 1, f"η = {float(b(1)['lr']):g}"), ("backprop", 2, f"η = {float(b(2)['lr']):g}"),
            ("backprop", 2, "four times" if float(b(2)["lr"]) / float(b(1)["lr"]) == 4 else "?"),
            ("backprop", 3, f"with {b(3)['values'].replace(' ', ' ')}"), ("backprop", 4, b(4)["values"].replace("-", "−"))]
    c = lambda n: conv.DEFAULTS | q("convolutions", n)  # noqa: E731
    side = lambda n: conv.input_side(q("convolutions", n))  # noqa: E731
    out += [(("convolutions", n, f"{side(n)} × {side(n)}")) for n in (1, 3, 4)]
    out += [("convolutions", 1, f"kernel {c(1)['k']} × {c(1)['k']}, stride {c(1)['stride']}"),
            ("convolutions", 3, f"Stride {c(3)['stride']}"),
            ("convolutions", 4, f"spans {int(c(4)['dilation']) * (int(c(4)['k']) - 1) + 1} × "
                                f"{int(c(4)['dilation']) * (int(c(4)['k']) - 1) + 1}")]
    r = lambda n: rnn.DEFAULTS | q("recurrent", n)  # noqa: E731
    out += [("recurrent", 1, f"{int(r(1)['lag']) + 1} steps back"), ("recurrent", 2, f"ρ = {r(2)['rho']}"),
            ("recurrent", 5, "ten distractors" if r(5)["lag"] == "10" else "?"),
            ("recurrent", 3, f"σ({float(r(3)['bias']):g}) = one half" if float(r(3)["bias"]) == 0 else "?"),
            ("recurrent", 3, f"σ({float(r(1)['bias']):g}) ≈ {1 / (1 + math.exp(-float(r(1)['bias']))):.2f}")]
    g = lambda n: gan_2d.DEFAULTS | q("generative", n)  # noqa: E731
    out += [("generative", 1, f"{g(1)['iters']:,} generator steps"), ("generative", 1, f"all {REGIONS[g(1)['target']]} Gaussians"),
            ("generative", 2, "ten times slower" if float(g(2)["lr_g"]) / float(g(2)["lr_d"]) == 10 else "?"),
            ("generative", 3, "five discriminator steps" if g(3)["d_steps"] == "5" else "?"),
            ("generative", 5, f"all {REGIONS[g(5)['target']]} Gaussians")]
    t = lambda n: transfer.DEFAULTS | q("transfer_learning", n)  # noqa: E731
    out += [("transfer_learning", 1, f"With {t(1)['k']} labelled"), ("transfer_learning", 3, f"reach {float(t(3)['target']):.0%}".replace("%", " %")),
            ("transfer_learning", 4, f"With {t(4)['k']} labels")]
    from demos.interpretability import lesson as interp, methods
    from demos.reinforcement_learning import lesson as rl
    from demos.vision_tasks import lesson as vision, scenes as vscenes, tasks
    r = lambda n: rl.DEFAULTS | q("reinforcement_learning", n)  # noqa: E731
    out += [("reinforcement_learning", 1, f"ε = {float(r(1)['eps']):g}"), ("reinforcement_learning", 1, f"After {r(1)['episodes']} episodes"),
            ("reinforcement_learning", 3, f"From episode {r(3)['from']} on"),
            ("reinforcement_learning", 3, f"costs {float(r(3)['reward']):g}".replace("-", "−")),
            ("reinforcement_learning", 4, f"After {r(4)['episodes']} episodes"),
            ("reinforcement_learning", 4, "neither learner ever takes a random action" if float(r(4)["eps"]) == 0 else "?"),
            ("reinforcement_learning", 2, f"ε = {float(r(2)['eps']):g}"),
            ("reinforcement_learning", 5, f"γ = {float(r(5)['gamma']):g}"),
            ("reinforcement_learning", 5, "less than 0.01" if 10 * float(r(5)["gamma"]) ** 12 < 0.01 else "?"),
            ("reinforcement_learning", 6, f"starts at {float(r(6)['eps']):g}"),
            ("reinforcement_learning", 6, f"multiplied by {float(r(6)['decay']):g}"),
            ("reinforcement_learning", 6, "practically no random action"  # ε at the last 50 episodes' start
             if float(r(6)["eps"]) * float(r(6)["decay"]) ** (int(r(6)["episodes"]) - 50) < 1e-6 else "?")]
    v = lambda n: vision.DEFAULTS | q("vision_tasks", n)  # noqa: E731
    vwords = {1: "one", 2: "two", 3: "three", 4: "four"}
    tri5 = [vscenes.CLASSES[int(x)] for x in vscenes.scene(vscenes.split_seed("test", int(v(5)["scene"]))).labels]
    out += [("vision_tasks", 1, f"held-out scene {v(1)['scene']}"), ("vision_tasks", 1, f"score ≥ {float(v(1)['score']):g}"),
            ("vision_tasks", 2, f"scene {v(2)['scene']} holds {vwords[vision.shapes(v(2))]} shapes"),
            ("vision_tasks", 2, f"scores {float(v(2)['score']):g} or more"), ("vision_tasks", 2, f"score ≥ {float(v(2)['score']):g}"),
            ("vision_tasks", 2, "dotted true boxes still" if v(2)["truth"] == "1" else "?"),
            ("vision_tasks", 3, f"scene {v(3)['scene']} with"), ("vision_tasks", 3, f"scored {float(v(3)['score']):g} or more"),
            ("vision_tasks", 3, f"by more than {float(v(3)['nms']):g}"), ("vision_tasks", 3, f"default threshold of {tasks.NMS_DEFAULT:g}"),
            ("vision_tasks", 4, f"above {float(v(4)['nms']):g}"),
            ("vision_tasks", 4, "The same scene and scores" if (v(4)["scene"], v(4)["score"]) == (v(3)["scene"], v(3)["score"]) else "?"),
            ("vision_tasks", 5, f"scene {v(5)['scene']} holds three triangles" if tri5 == ["triangle"] * 3 else "?"),
            ("vision_tasks", 5, "without their dotted true boxes" if v(5)["truth"] == "0" else "?")]
    i = lambda n: interp.DEFAULTS | q("interpretability", n)  # noqa: E731
    out += [("interpretability", 2, f"only {i(2)['steps']} Gauss–Legendre"),
            ("interpretability", 3, f"{ {'1': '1st', '2': '2nd', '3': '3rd'}[i(3)['rank']] } choice"),
            ("interpretability", 3, f"same {i(3)['digit']}"),
            ("interpretability", 5, "5×5-pixel windows" if "sees 5×5 px" in methods.DIGIT_LAYERS[i(5)["layer"]] else "?"),
            ("interpretability", 5, "second conv layer" if "conv 2" in methods.DIGIT_LAYERS[i(5)["layer"]] else "?")]
    from demos.augmentation import lesson as aug, transforms
    g = lambda n: aug.DEFAULTS | q("augmentation", n)  # noqa: E731
    words = {4: "four", 6: "six"}
    out += [("augmentation", 1, f"up to ±{180 * float(g(1)['m1']):g}°" if g(1)["t1"] == "rotate" else "?"),
            ("augmentation", 1, f"handwritten {g(1)['digit']}"), ("augmentation", 1, f"the {words[transforms.DRAWS]} draws"),
            ("augmentation", 2, f"read a {g(2)['digit']}"),
            ("augmentation", 2, "Every draw is mirrored" if g(2)["t1"] == "flip" and float(g(2)["p1"]) == 1 else "?"),
            ("augmentation", 3, f"{words[transforms.DRAWS]} draws"), ("augmentation", 3, f"read the {g(3)['digit']}"),
            ("augmentation", 4, f"inverted {g(4)['digit']}" if g(4)["t1"] == "invert" else "?")]
    from demos.losses import lesson as losses
    lo = lambda n: losses.DEFAULTS | q("losses", n)  # noqa: E731
    out += [("losses", 5, f"multiplied by {float(lo(5)['scale']):g}"), ("losses", 6, f"class {lo(6)['true']}"),
            ("losses", 6, f"the {words[int(lo(6)['classes'])]} classes" if int(lo(6)["classes"]) in words else "?")]
    from demos.distributed_learning import lesson as dist
    dl = lambda n: {k: int(v) if k != "lr" else float(v) for k, v in (dist.DEFAULTS | q("distributed_learning", n)).items()}  # noqa: E731
    nums = {2: "two", 3: "three", 4: "four", 5: "five", 7: "Seven", 8: "Eight"}
    sizes = lambda n: [len(s) for s in torch.tensor_split(torch.arange(dl(n)["batch"]), dl(n)["workers"])]  # noqa: E731
    out += [("distributed_learning", 1, f"A batch of {dl(1)['batch']} digits is split into {nums[dl(1)['workers']]} shards of "
                                        f"{dl(1)['batch'] // dl(1)['workers']}" if len(set(sizes(1))) == 1 else "?"),
            ("distributed_learning", 2, f"{dl(2)['batch']} digits go to {nums[dl(2)['workers']]} workers"),
            ("distributed_learning", 2, "one shard holds a digit more" if sorted(sizes(2)) == [33, 33, 34] else "?"),
            ("distributed_learning", 3, f"{nums[dl(3)['workers']]} workers share only {dl(3)['batch']} digits"),
            ("distributed_learning", 3, f"{nums[sizes(3).count(3)]} shards get three digits and {nums[sizes(3).count(2)]} get two"),
            ("distributed_learning", 4, f"{nums[dl(4)['workers']]} workers share {dl(4)['batch']} digits: "
                                        f"{nums[sizes(4).count(19)].lower()} shards get 19 digits and {nums[sizes(4).count(18)]} get 18"),
            ("distributed_learning", 5, f"{nums[dl(5)['workers']]} workers"),
            ("distributed_learning", 5, f"learning rate of {dl(5)['lr']:g}")]
    from demos.sequence_tasks import forecasting as fc, lesson as seq
    sq = lambda n: seq.DEFAULTS | q("sequence_tasks", n)  # noqa: E731
    ahead = {1: "a single month ahead", 12: "a year ahead", 24: "two years past its origin"}
    out += [("sequence_tasks", 1, f"{ {3: 'Three'}[len(fc.MODELS)] } forecasters, all fitted before {int(fc.FIT_END[:4]) + 1}"),
            ("sequence_tasks", 1, f"every month of {int(fc.VAL_END[:4]) + 1}–{fc.load_co2().months[-1][:4]}"),
            ("sequence_tasks", 2, ahead[int(sq(2)["horizon"])]), ("sequence_tasks", 5, ahead[int(sq(5)["horizon"])]),
            ("sequence_tasks", 4, f"{fc.QUANTILES[0] * 100:.0f}th and {fc.QUANTILES[1] * 100:.0f}th percentiles"),
            ("sequence_tasks", 4, f"at least {(fc.QUANTILES[1] - fc.QUANTILES[0]) * 100:.0f} %")]
    from demos.compression import frontier
    close = f"within { {1.0: 'one'}[frontier.CLOSE_POINTS] } point of the teacher"
    out += [("compression", 1, close), ("compression", 4, close)]
    from demos.tuning import lesson as tuning, search as tsearch, trial as ttrial

    def tuning_search(n):
        v = tuning.DEFAULTS | q("tuning", n)
        return tsearch.run_search(v["strategy"], int(v["seed"]), ttrial.committed_table(), int(v["budget"]))
    words3 = {2: "half", 3: "third", 4: "quarter"}
    out += [("tuning", 1, f"{ {3: 'three'}[tsearch.GRID_LEVELS] } values of each hyperparameter"),
            ("tuning", 3, f"keeps the best {words3[tsearch.ETA]} at every rung"),
            ("tuning", 3, "many trials for one epoch" if tuning_search(3).rungs[0][1] == 1 else "?"),
            ("tuning", 4, "one-epoch trials so far" if set(tuning_search(4).epochs) == {1} else "?")]
    return out


@pytest.mark.parametrize("slug, n, phrase", phrases(), ids=lambda v: str(v)[:40])
def test_a_number_in_a_beats_text_is_the_views_own(slug, n, phrase):
    beat = ld.page_lesson(slug)[n - 1]
    assert phrase in f"{beat.predict} {beat.say}", (slug, n, phrase)
