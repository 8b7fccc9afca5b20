"""The playground's shared test runs, each computed once: a small recording for every module's tests, and the
overfitting set-up of the "With vs without" tab (a unit test and the page test both need it)."""
import pytest

from demos.playground import network, training

SMALL = network.Config(n_points=120, epochs=25, n_frames=6)  # a quick run for tests


@pytest.fixture(scope="session")
def small():
    """(data, recording) of SMALL: a 3 × 8 tanh MLP on 120 circle points, 25 epochs, 6 frames."""
    data = training.load_data(SMALL)
    return data, training.train(SMALL, data)


# compare.OVERFIT's controls as a configuration: noisy XOR, a 4 × 16 ReLU net, 300 epochs
OVERFIT = network.Config(dataset="xor", noise=0.8, n_points=80, train_share=0.5, layers=4, width=16, activation="relu",
                         lr=0.01, batch_size=10, epochs=300)


@pytest.fixture(scope="session")
def overfit_plain():
    """The overfitting set-up trained as it is (no regulariser)."""
    return training.train(OVERFIT)


@pytest.fixture(scope="session")
def overfit(overfit_plain):
    """The overfitting set-up trained without and with L2 (λ₂ = 0.1): (plain, regularised)."""
    from demos.playground import compare

    return overfit_plain, training.train(compare.with_regulariser(OVERFIT, "l2", 0.1))
