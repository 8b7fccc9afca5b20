"""demos/backprop/lesson.py: the lesson's answers against derivatives by hand."""
from demos.backprop import lesson


def test_a_variable_used_twice_or_three_times_collects_every_use():
    assert lesson.gradient_of_a({"graph": "expression", "expr": "a * a", "values": "a = 3"}) == "6"  # 2a
    assert lesson.gradient_of_a({"graph": "expression", "expr": "a * a * a", "values": "a = 2"}) == "12"  # 3a²


def test_the_largest_gradient_of_a_product_is_the_other_factor():
    # out = a·b at a = 1, b = 5: ∂/∂a = b = 5, ∂/∂b = a = 1
    assert lesson.largest_gradient({"graph": "expression", "expr": "a * b", "values": "a = 1, b = 5"}) == "a"


def test_a_tiny_step_against_the_gradient_lowers_the_loss():
    assert lesson.loss_after_step({"lr": "0.01"}) == "Down"
