"""demos/adversarial_attacks/lesson.py: the attack the answers read."""
from demos.adversarial_attacks import lesson


def test_no_budget_no_change():
    clean, after, _ = lesson.before_after({"eps": "0.0"})
    assert clean == after == "7" and lesson.flips({"eps": "0.0"}) == "No"  # the picker's default: held-out 7 no. 0


def test_a_targeted_attack_aims_at_its_target():
    assert lesson.before_after({"attack": "fgsm_targeted", "target_digit": "2"})[2] == "2"
    assert lesson.before_after({})[2] == "7"  # untargeted: away from the true digit
