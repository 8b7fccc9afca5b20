"""Graph neural networks: the karate GCN's 200 epochs recorded (60 frames) with its baselines, the replay
figure, the feature comparison, the depth sweep, the aggregator race, TransE, and the page's renders."""
from __future__ import annotations

from bench.common import Row, best_of, once, page_rerun, one_thread
from demos.graph_networks import depth, hero, node_classification, readout, transe

PAGE = "pages/19_graph_networks.py"


def run() -> list[Row]:
    return one_thread(_rows)


def _rows() -> list[Row]:
    record = lambda: node_classification.record("one-hot", 200, 0.01, 0)  # noqa: E731
    rows = [Row("graph_networks", "karate GCN: 200 epochs recorded (60 frames) + the MLP + label propagation "
                "(1 thread, as the server)", best_of(record, repeat=3), target="≤ 1 s")]
    rec = record()
    rows.append(Row("graph_networks", "replay figure: 60 frames of the club and the embedding built",
                    best_of(lambda: hero.hero_figure(rec), repeat=3)))
    rows.append(Row("graph_networks", "feature comparison: GCN and MLP × 3 kinds of features, 200 epochs each",
                    best_of(lambda: node_classification.compare_features(200, 0.01, 0), repeat=1)))
    rows.append(Row("graph_networks", "Depth tab: GCNs of 1 to 10 layers × 200 epochs (the sweep)",
                    best_of(lambda: depth.sweep("one-hot", 200, 0.01, 0), repeat=1), target="≤ 2 s"))
    rows.append(Row("graph_networks", "Sum, mean or max tab: 3 aggregators × 100 epochs on 994 atlas graphs",
                    once(lambda: readout.race(readout.TASKS[0], "constant", 0))))
    rows.append(Row("graph_networks", "Knowledge graphs tab: TransE, 300 epochs",
                    best_of(lambda: transe.train(1.0, 300, 0), repeat=3)))
    first, rerun = page_rerun(PAGE, {}, ("selectbox", "features", "random"))
    rows.append(Row("graph_networks", "page first render (server; the committed first view: recording + feature table)",
                    first, target="≤ 2 s"))
    rows.append(Row("graph_networks", "page rerun after a features change (median of 5 alternating reruns; the "
                    "first 2 retrain)", rerun, target="< 1 s"))
    return rows
