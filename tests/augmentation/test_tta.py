"""demos/augmentation/tta.py: one copy is the plain prediction; the average is of the copies drawn."""
import torch

from demos.augmentation import tta


def test_one_copy_is_the_plain_accuracy_and_the_caption_reads_the_result(mnist, mnist_cnn):
    result = tta.tta_experiment(mnist_cnn, 3, 0)
    x, y = mnist.balanced_test(tta.TEST_DIGITS)
    with torch.no_grad():
        plain = float((mnist_cnn(x).argmax(1) == y).float().mean())
    assert result["copies"] == [1, 2, 3] and result["clean"][0] == plain
    assert tta.tta_experiment(mnist_cnn, 3, 0) == result  # seeded
    assert f"{result['clean'][0]:.1%} → {result['clean'][-1]:.1%}" in tta.tta_caption(result)
