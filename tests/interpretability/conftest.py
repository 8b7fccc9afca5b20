"""The interpretability page's shared test data: the picker's default digit (a held-out 7, example 0)
and the hero's default explanation of it, computed once for every module's tests."""
import pytest

from demos.interpretability import hero


@pytest.fixture(scope="package")
def digit(mnist):
    row = int((mnist.test_labels == 7).nonzero()[0])
    return mnist.test_images[row:row + 1]


@pytest.fixture(scope="package")
def explained(mnist_cnn, digit):
    return hero.attribute_all(mnist_cnn, digit, 7, hero.Settings())


@pytest.fixture(scope="package")
def checks(mnist_cnn, pretrained, digit):
    """The Sanity-checks tab's default view computed live (the page shows the committed copy)."""
    from demos.interpretability import sanity

    return sanity.sanity_checks(mnist_cnn, pretrained("mnist_cnn_shuffled"), digit, 7, hero.Settings(), True)
