"""The graph-networks page's logic, one module per view (pages/19_graph_networks.py):

- `karate`              Zachary's karate club from networkx: adjacency, factions, labelled members, features, Â
- `node_classification` the hand-written GCN, the MLP without edges, label propagation; the recorded training
- `hero`                the replayed club + embedding, the baselines, the node-feature comparison, captions
- `message_passing`     one layer's aggregation at one member with its numbers, Â as a matrix, receptive fields
- `depth`               GCNs of 1 to 10 layers: Dirichlet energy, accuracy (over-smoothing)
- `readout`             sum, mean or max: pairs of small graphs, the 1-WL test, a graph-level task on the atlas
- `transe`              TransE on a small family-and-places knowledge graph; link prediction ranked
- `lesson`              the lesson's answers, computed
"""
