"""The clinic: every recorded case shows its symptom (and the healthy run shows none of the symptoms
that could be mistaken for health), the recordings are reproduced by the recorder, and the reveal
judges the guess."""
import math

import numpy as np
import pytest
import torch

from demos.tuning import clinic

RUNS = clinic.committed()


@pytest.fixture(scope="module")
def data():
    torch.set_num_threads(1)
    return clinic.digits()


@pytest.mark.parametrize("case", list(clinic.CASES))
def test_every_case_reproduces_its_symptom(case):
    assert clinic.symptom(case, RUNS) is not None, case


def test_the_symptoms_in_numbers():
    ln10 = math.log(10)
    assert RUNS["lr_high"]["train_loss"][-1] > RUNS["lr_high"]["train_loss"].min() + 0.3  # it diverged
    assert np.all(np.abs(RUNS["zero_init"]["train_loss"] - ln10) < 0.01)
    # cross-entropy of softmax outputs p ∈ [0, 1]: at best the true class gets e¹ against e⁰ for the other 9,
    # so the loss cannot drop below ln(1 + 9/e) ≈ 1.46
    assert RUNS["wrong_loss"]["train_loss"].min() > math.log(1 + 9 / math.e)
    assert RUNS["shuffled_labels"]["val_acc"][-1] < 0.2 and RUNS["healthy"]["val_acc"][-1] > 0.9
    assert RUNS["leakage"]["val_acc"][-1] > RUNS["leakage"]["test_acc"][-1] + 0.02
    assert np.array_equal(RUNS["healthy"]["val_acc"], RUNS["healthy"]["val_acc_again"])  # eval mode: same twice
    assert not np.array_equal(RUNS["eval_mode"]["val_acc"], RUNS["eval_mode"]["val_acc_again"])


def test_the_recorder_reproduces_the_committed_first_epoch(data):
    for case in ("healthy", "zero_init"):
        again = clinic.record(case, data, epochs=1)
        for k, v in again.items():
            assert v[0] == pytest.approx(RUNS[case][k][0], abs=1e-5), (case, k)


def test_the_reveal_judges_the_guess_and_the_patients_hide_every_case_once():
    assert sorted(clinic.PATIENTS.values()) == sorted(clinic.CASES)
    patient = next(p for p, c in clinic.PATIENTS.items() if c == "zero_init")
    right = clinic.reveal_caption(patient, clinic.CASES["zero_init"][0], RUNS)
    assert right.startswith("Right.") and "ln 10" in right
    wrong = clinic.reveal_caption(patient, clinic.CASES["lr_low"][0], RUNS)
    assert wrong.startswith("Not quite") and "all weights initialised to zero" in wrong
    fig = clinic.symptom_figure("zero_init", RUNS, reveal=False)
    assert "held-out test accuracy" not in {d.name for d in fig.data}
    assert "held-out test accuracy" in {d.name for d in clinic.symptom_figure("zero_init", RUNS, reveal=True).data}
