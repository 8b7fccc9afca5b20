"""Attention maps: a real transformer's heads, a seq2seq alignment, and the maths step by step."""
import numpy as np
import streamlit as st
import torch

import ui
from demos import attention as att
from demos import plots

page = ui.page_setup(__file__)

# Controls: text, layer and head (kept on a slide); presets and options below
PRESETS = {"coreference": "The animal didn't cross the street because it was too tired.",
           "repetition": "The cat sat on the mat. The cat sat on the mat again.",
           "subwords": "Unbelievably, the transformer tokenizer fragments uncommon wordpieces.",
           "custom": ""}
key_row = st.columns([5, 2, 2, 1])
more = ui.more_controls(key_row[3])
with more:
    o = st.columns(3)
    with o[0]:
        preset = ui.select("Example", "preset", list(PRESETS), widget="radio")
    with o[1]:
        hide = ui.toggle("Hide [CLS] and [SEP]", "hide", False)
with key_row[0]:
    text = (ui.text_area("Your text", "text", PRESETS["coreference"], height=68) if preset == "custom"
            else st.text_input("Text (choose “custom” below to edit)", PRESETS[preset], disabled=True))
with key_row[1]:
    layer = ui.slider("Layer", "layer", 1, 6, 4)
with key_row[2]:
    head = ui.slider("Head", "head", 1, 12, 2)

tokenizer, model = ui.model("minilm_l6")
if not text.strip():
    st.info("Type some text to see its attention (empty text has nothing to attend to).")
    st.stop()


@st.cache_data(max_entries=32, show_spinner="Running MiniLM…")
def maps(text: str) -> att.Attention:
    return att.attention_maps(*ui.model("minilm_l6")[::-1], text)


a = maps(text)
if a.truncated:
    st.warning(f"The text is longer than {att.MAX_TOKENS} tokens; only the first {att.MAX_TOKENS} are shown "
               "(MiniLM itself accepts 512).", icon="✂️")
tokens, weights = att.strip_special(a) if hide else (a.tokens, a.weights)
w = weights[layer - 1, head - 1]

# Hero: one head, token to token
plain = np.array([t not in ("[CLS]", "[SEP]") for t in tokens])
links = np.where(plain[:, None] & plain[None, :] & ~np.eye(len(w), dtype=bool), w, -1.0)
i, j = np.unravel_index(np.argmax(links), w.shape)  # strongest link between two different words
labels = [f"{k}:{t}" for k, t in enumerate(tokens)]
ui.chart(plots.heatmap(w, f"Layer {layer}, head {head}", x=labels, y=labels, square=False,
                       height=430 if ui.is_presenting() else 520,
                       colorbar_title="weight"),
         f"Rows attend to columns and each row sums to 1. Strongest link between two words: “{tokens[i]}” → "
         f"“{tokens[j]}” ({w[i, j]:.0%}).", export="attention")
ui.end_of_hero()

view, box = ui.tabs("view", ["All heads", "Rollout", "Head roles", "Seq2seq alignment", "Step by step"])
with box:
    if view == "All heads":
        grid = np.block([[np.pad(weights[l, h], 1, constant_values=np.nan) for h in range(12)] for l in range(6)])
        ui.chart(plots.heatmap(grid, "All 72 heads: rows = layers 1–6, columns = heads 1–12", height=560),
                 "Many heads in layer 1 attend to neighbours; deeper heads park attention on [SEP] or "
                 "spread it — a head that looks at [SEP] is often a way of doing nothing.")
    elif view == "Rollout":
        r = att.attention_rollout(a.weights)
        ui.chart(plots.heatmap(r, "Attention rollout through all 6 layers", x=a.tokens, y=a.tokens, height=520, square=False),
                 "Rollout multiplies the layers' head-averaged attention (plus the residual path): a rough guide "
                 f"to which inputs reach each position. Rows sum to {r.sum(1).mean():.2f}.")
    elif view == "Head roles":
        roles = att.head_patterns(a.weights, a.tokens)
        role = ui.select("Pattern", "role", list(att.PATTERNS), format_func=att.PATTERNS.get, widget="segmented")
        best = np.unravel_index(np.argmax(roles[role]), roles[role].shape)
        ui.chart(plots.heatmap(roles[role], f"Average attention to: {att.PATTERNS[role]}", x=list(range(1, 13)),
                               y=list(range(1, 7)), text_format=".0%", height=380, square=False),
                 f"The most “{att.PATTERNS[role]}” head is layer {best[0] + 1}, head {best[1] + 1} "
                 f"({roles[role][best]:.0%} of its attention).")
    elif view == "Seq2seq alignment":
        date = st.text_input("One to three dates, in words or numbers", "3 may 1971 and the twenty-first of march, 1998",
                             max_chars=200)
        out, chars, align = att.translate(ui.model("seq2seq_dates"), date)
        plain, _, _ = att.translate(ui.model("seq2seq_dates_noattn"), date)
        st.markdown(f"**With attention:** `{out}` · **without:** `{plain}`")
        ui.chart(plots.heatmap(align, "Where the decoder looked for each output character", x=chars,
                               y=[f"{i}:{c}" for i, c in enumerate(list(out) + ["<eos>"])], height=420, square=False),
                 "Each output row is a softmax over the input characters: each date's year digits look at "
                 "its year, the month at its month name — an alignment nobody programmed.")
        acc = ui.computed("Translating 2,000 fresh dates with both models", lambda on_progress: att.accuracy_by_length(
            {"with attention": ui.model("seq2seq_dates"), "without": ui.model("seq2seq_dates_noattn")}))
        ui.chart(plots.line_chart(acc["bins"], {k: acc[k] for k in ("with attention", "without")},
                                  "Exact match vs input length", "input length", "exact match", y_range=(0, 1.02)),
                 f"Longest inputs: {acc['with attention'][-1]:.0%} with attention, {acc['without'][-1]:.0%} "
                 "without — one fixed-size vector has to carry every date at once.")
    else:
        s = st.columns(3)
        with s[0]:
            tq = ui.slider("Tokens", "t", 2, 8, 4)
        with s[1]:
            d = ui.slider("Dimension d", "d", 2, 16, 4, step=2)
        with s[2]:
            mask = ui.select("Mask", "mask", list(att.MASKS), widget="segmented")
        seed = ui.number("Seed", "seed", 0, 9999, 0)
        q, k, v = torch.randn(3, tq, d, generator=torch.Generator().manual_seed(seed)).round(decimals=1)
        steps = att.scaled_dot_product(q, k, v, mask, valid=max(1, tq - 1))
        cols = st.columns(4)
        for col, (name, m) in zip(cols, (("Q Kᵀ", steps.scores), ("÷ √d", steps.scaled), ("+ mask", steps.masked),
                                         ("softmax", steps.weights))):
            with col:
                ui.chart(plots.heatmap(m.numpy(), name, text_format=".2f", height=260, diverging=name != "softmax"),
                         f"{name}: {tq}×{tq}.")
        st.dataframe(steps.output.numpy().round(3), column_config=None)
        st.caption(f"Output = weights · V ({tq}×{d}); Q, K, V drawn from seed {seed}. Heads: "
                   f"split_heads turns ({tq}, {d}) into (2, {tq}, {d // 2}); merge_heads undoes it.")
        ui.chart(plots.heatmap(att.sinusoidal_encoding(50, 64), "Sinusoidal positional encoding (50 × 64)",
                               diverging=True, height=300, square=False),
                 "Each position gets a unique pattern of sines and cosines of geometric wavelengths; nearby "
                 "positions have similar codes.")

ui.key_ideas()
ui.show_code(att.attention_maps, att.attention_rollout, att.scaled_dot_product)
