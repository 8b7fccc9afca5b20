"""demos.transfer_learning.forgetting: the committed experiment shows forgetting growing with the
rate, a sample recomputes, the charts draw the table and their captions come from its numbers."""
import pytest

from demos.transfer_learning import fine_tune, forgetting, results, task

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture(scope="module")
def table():
    committed = results.precomputed("forgetting")
    assert committed is not None
    return committed


def test_forgetting_grows_with_the_learning_rate(table):
    old = table.pivot(index="lr", columns="strategy", values="old_accuracy")
    assert old["full"].iloc[-1] < 0.6 < old["probe"].iloc[-1]  # measured: high rate -> collapse
    assert old["full"].iloc[0] > old["full"].iloc[-1] + 0.3
    assert (old["discriminative"] >= old["full"] - 0.02).all()  # lower rates below the head forget less
    assert old["probe"].nunique() == 1


def test_a_sample_of_the_committed_forgetting_recomputes(backbone, data, table):
    forget = table.set_index(["lr", "strategy"])
    idx = task.shots(data["pool_y"], forgetting.FORGET_K, 0)
    net = fine_tune.fine_tune(backbone, data["pool_x"][idx], data["pool_y"][idx], 0, 3e-2, seed=0)
    assert fine_tune.old_task_accuracy(net, backbone, data["old_x"], data["old_y"]) == pytest.approx(
        forget.loc[(3e-2, "full"), "old_accuracy"], abs=0.03)


def test_the_charts_draw_the_table(table):
    fig = forgetting.figure(table, "old_accuracy")
    assert [t.name for t in fig.data] == list(forgetting.FORGET_NAMES.values())
    full = table.loc[table["strategy"] == "full", "old_accuracy"]
    assert list(fig.data[0].y) == pytest.approx(list(full)) and list(fig.data[0].x) == list(fine_tune.LR_OPTIONS)
    assert fig.layout.xaxis.type == "log" and fig.layout.title.text == forgetting.TITLES["old_accuracy"]


def test_captions_come_from_the_numbers(table):
    text = forgetting.old_task_caption(table)
    at = table[table["lr"] == 3e-2].set_index("strategy")["old_accuracy"]
    assert text.startswith("At lr 0.03, the old digits 0-4 keep ")
    assert f"keep {at['full']:.0%} after fine-tuning everything" in text and f"{at['probe']:.0%} with the frozen probe" in text
    new = forgetting.new_task_caption(table)
    full = table[table["strategy"] == "full"].set_index("lr")["new_accuracy"]
    assert f"at lr {full.idxmax():g} ({full.max():.0%})" in new and f"reaches {full.iloc[-1]:.0%} at lr 0.03" in new
    moved = table.copy()
    moved.loc[(moved["strategy"] == "full") & (moved["lr"] == 1e-4), "new_accuracy"] = 1.0
    assert "at lr 0.0001 (100%)" in forgetting.new_task_caption(moved)
