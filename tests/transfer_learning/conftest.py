"""Fixtures of the transfer-learning tests: the 0-4 backbone, the new task's data, the committed sweep."""
import pytest

from demos.transfer_learning import results, task


@pytest.fixture(scope="session")
def backbone(pretrained):
    return pretrained("mnist_cnn_04")


@pytest.fixture(scope="session")
def data():
    return task.new_task()


@pytest.fixture(scope="session")
def committed():
    table = results.precomputed("sweep", 1e-3, 3)
    assert table is not None, "the committed sweep matches today's recipe (rerun train.transfer_precompute)"
    return table
