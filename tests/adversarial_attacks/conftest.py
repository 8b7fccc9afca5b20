"""The adversarial page's shared test data: 200 class-balanced held-out digits and the adversarially
trained CNN, loaded once for every module's tests."""
import pytest


@pytest.fixture(scope="package")
def digits(mnist):
    return mnist.balanced_test(200)


@pytest.fixture(scope="package")
def robust(pretrained):
    return pretrained("mnist_cnn_robust")
