"""Graph neural networks: a GCN trained live on the karate club from four labels, message passing by hand,
over-smoothing, sum/mean/max aggregation, and TransE knowledge-graph embeddings."""
import streamlit as st

import ui
from demos.graph_networks import depth, hero, karate, message_passing, node_classification, readout, transe

page = ui.page_setup(__file__)

# Controls: the node features, the training's length and step size, the seed
row = st.columns([3, 3, 3, 2])
with row[0]:
    features = ui.select("Node features", "features", karate.FEATURES,
                         help="one-hot: each member is its own feature; degree: the number of friends only; "
                              "random: Gaussian noise (seeded)")
with row[1]:
    epochs = ui.slider("Epochs", "epochs", *node_classification.EPOCHS_RANGE, 200, step=10)
with row[2]:
    lr = ui.slider("Learning rate (Adam)", "lr", *node_classification.LR_RANGE, 0.01, step=0.005, format="%.3f")
with row[3]:
    seed = ui.number("Seed", "seed", 0, 9999, 0)

# Hero: the club coloured by the GCN's prediction beside its 2-D embedding, replayed epoch by epoch
rec = ui.experiment("Training the GCN", node_classification.record, features, epochs, lr, seed,
                    stored=node_classification.committed_record, command=node_classification.COMMAND, stoppable=True)
height = round(480 * ui.stage_scale()) if ui.is_presenting() else 460
fig = ui.cached(hero.hero_figure, rec, height, key=(features, epochs, lr, seed, height, int(rec.steps[-1])))
ui.chart(fig, hero.hero_caption(rec), key="hero")
ui.prose(hero.cost_text(rec))
ui.end_of_hero()
ui.chart(hero.baselines_figure(rec), hero.baselines_caption(rec), export="baselines")
ui.chart(hero.curves_figure(rec), hero.curves_caption(rec), export="accuracy_curves")
table = (node_classification.committed_features(epochs, lr, seed)
         or ui.computed("GCN and MLP with each kind of node feature", node_classification.compare_features, epochs, lr,
                        seed))
ui.chart(hero.features_figure(table, rec.meta["lp_accuracy"]), hero.features_caption(table, rec.meta["lp_accuracy"]),
         export="features")

# Secondary views, one lazy tab each
view, box = ui.tabs("view", ["Message passing by hand", "Depth and over-smoothing", "Sum, mean or max",
                             "Knowledge graphs"])
with box:
    if view == "Depth and over-smoothing":
        layers = ui.slider("Layers shown", "depth", depth.DEPTHS[0], depth.DEPTHS[-1], 2)
        sweep = ui.experiment("Training GCNs of 1 to 10 layers", depth.sweep, features, epochs, lr, seed,
                              stored=depth.committed_sweep, command="python -m train.graph_networks_precompute")
        ui.chart(depth.sweep_figure(sweep, layers), depth.sweep_caption(sweep), export="depth_sweep")
        ui.chart(depth.output_figure(sweep, layers), depth.output_caption(sweep, layers), key="depth_output")
        ui.section("Depth and over-smoothing")
    elif view == "Sum, mean or max":
        c = ui.control_columns([4, 2, 3])
        with c[0]:
            pair = ui.select("Pair of graphs", "pair", list(readout.PAIRS))
        with c[1]:
            node_feat = ui.select("Their node features", "node_feat", readout.NODE_FEATURES)
        with c[2]:
            task = ui.select("Graph-level task", "task", readout.TASKS)
        ui.chart(readout.pair_figure(pair), readout.pair_caption(pair, node_feat), key="pair_chart")
        st.dataframe([{"method": k, "tells them apart": "yes" if v else "no"}
                      for k, v in readout.verdicts(pair, node_feat).items()], hide_index=True)
        race = ui.computed("Training sum, mean and max GNNs on the atlas graphs", readout.race, task, node_feat, seed)
        ui.chart(readout.race_figure(race), readout.race_caption(race), export="aggregators")
        ui.section("Sum, mean or max")
    elif view == "Knowledge graphs":
        k = ui.control_columns(4)
        with k[0]:
            head = ui.select("Head entity", "head", transe.ENTITIES, default="Gus")
        with k[1]:
            relation = ui.select("Relation", "relation", transe.RELATIONS, default="citizen of")
        with k[2]:
            margin = ui.slider("Margin γ", "margin", *transe.MARGIN_RANGE, 1.0, step=0.1)
        with k[3]:
            kg_epochs = ui.slider("Epochs", "kg_epochs", *transe.EPOCHS_RANGE, 300, step=50)
        emb = ui.computed("Training TransE", transe.train, margin, kg_epochs, seed)
        ui.chart(transe.embedding_figure(emb, head, relation), transe.query_caption(emb, head, relation), key="transe_chart")
        st.dataframe([{"rank": i + 1, "tail": n, "‖h + r − t‖": round(d, 3)}
                      for i, (n, d) in enumerate(transe.rank_tails(emb, head, relation)[:8])], hide_index=True)
        st.caption(transe.held_out_caption(emb))
        ui.section("Knowledge graphs")
    else:
        m = ui.control_columns([3, 3])
        with m[0]:
            member = int(ui.select("Member", "member", [str(i) for i in range(karate.adjacency().shape[0])]))
        with m[1]:
            hops = ui.slider("GCN layers (receptive field)", "hops", *message_passing.LAYERS_RANGE, 1)

        def pick(point: dict) -> None:  # a click on a member picks it (the select follows)
            clicked = message_passing.clicked_member(point)
            if clicked is not None:
                ui.apply_preset({"member": str(clicked)})

        ui.chart(message_passing.neighbourhood_figure(member, hops), message_passing.neighbourhood_caption(member, hops),
                 key="neighbourhood", on_click=pick)
        st.dataframe([{"j": j, "deg j": d, "Â_ij": round(w, 4), "x_j = deg j": x, "Â_ij · x_j": round(p, 4)}
                      for j, d, w, x, p in message_passing.aggregation_terms(member)], hide_index=True)
        st.latex(message_passing.aggregation_formula(member))
        ui.chart(message_passing.adjacency_figure(member), message_passing.adjacency_caption(member), key="a_hat")
        ui.section("Message passing by hand")

ui.key_ideas()
ui.show_code(node_classification.gcn_layer, karate.normalised_adjacency, node_classification.logits,
             node_classification.label_propagation, depth.dirichlet_energy, readout.aggregate, readout.readout,
             transe.distance, transe.margin_loss, transe.corrupt)
