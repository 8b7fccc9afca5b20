"""Attention maps: a real transformer's heads, a seq2seq alignment, and the maths step by step."""
import numpy as np
import streamlit as st
import torch

import ui
from demos import attention as att
from demos import plots

page = ui.page_setup(__file__)

# Controls: the text (always editable; examples fill it), layer and head (kept on a slide)
PRESETS = {"coreference": "The animal didn't cross the street because it was too tired.",
           "repetition": "The cat sat on the mat. The cat sat on the mat again.",
           "subwords": "Unbelievably, the transformer tokenizer fragments uncommon wordpieces.",
           "custom": ""}
MAX_CHARS = 1500  # about 3× what 128 tokens need; keeps every permalink a URL servers accept


def fill_text() -> None:
    if st.session_state.get("preset", "coreference") != "custom":
        st.session_state["text"] = PRESETS[st.session_state["preset"]]


key_row = st.columns([5, 2, 2, 1])
more = ui.more_controls(key_row[3])
with more:
    o = st.columns(2)
    with o[0]:
        preset = ui.select("Example", "preset", list(PRESETS), widget="segmented", on_change=fill_text)
    with o[1]:
        hide = ui.toggle("Hide [CLS] and [SEP]", "hide", False)
with key_row[0]:
    text = ui.text_area("Your text (edit it, or pick an example)", "text",
                        PRESETS[preset] or PRESETS["coreference"], height=68, max_chars=MAX_CHARS,
                        on_change=lambda: st.session_state.update(preset="custom"))
with key_row[1]:
    layer = ui.slider("Layer", "layer", 1, 6, 4)
with key_row[2]:
    head = ui.slider("Head", "head", 1, 12, 2)

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
tokens, weights, removed = a.tokens, a.weights, None
if hide:
    try:
        tokens, weights, removed = att.strip_special(a)
    except ValueError as err:
        st.info(f"Nothing to hide: {err}. Showing them.", icon="ℹ️")
w = weights[layer - 1, head - 1]

# Hero: one head, token to token (labelled by position, so a repeated word keeps its own row)
plain = np.array([t not in ("[CLS]", "[SEP]") for t in tokens])
links = np.where(plain[:, None] & plain[None, :] & ~np.eye(len(w), dtype=bool), w, -1.0)
labels = [f"{k}:{t}" for k, t in enumerate(tokens)]
if links.max() >= 0:
    i, j = np.unravel_index(np.argmax(links), w.shape)  # strongest link between two different words
    strongest = f" Strongest link between two words: “{tokens[i]}” → “{tokens[j]}” ({w[i, j]:.0%})."
else:
    strongest = ""
hidden = (f" [CLS]/[SEP] hidden: rows renormalised over the rest (they held {removed[layer - 1, head - 1]:.0%} of "
          "this head's attention)." if removed is not None else "")
ui.chart(plots.heatmap(w, f"Layer {layer}, head {head}", x=labels, y=labels, square=False,
                       height=430 if ui.is_presenting() else 520, colorbar_title="weight"),
         f"Rows attend to columns and each row sums to 1.{strongest}{hidden}", export="attention")
ui.end_of_hero()
if hide and removed is not None:
    ui.section("Hide")

view, box = ui.tabs("view", ["All heads", "Rollout", "Head roles", "Seq2seq alignment", "Step by step"])
with box:
    if view == "All heads":
        counts = att.head_roles(att.head_patterns(a.weights, a.tokens))
        ui.chart(att.head_grid(weights), att.head_roles_sentence(counts))
    elif view == "Rollout":
        r = att.attention_rollout(a.weights)
        every = [f"{k}:{t}" for k, t in enumerate(a.tokens)]
        ui.chart(plots.heatmap(r, "Attention rollout through all 6 layers", x=every, y=every, height=520, square=False),
                 "Rollout multiplies the layers' head-averaged attention (plus the residual path): a rough guide "
                 f"to which inputs reach each position. Rows sum to {r.sum(1).mean():.2f}.")
    elif view == "Head roles":
        roles = att.head_patterns(a.weights, a.tokens)
        role = ui.select("Pattern", "role", list(att.PATTERNS), format_func=att.PATTERNS.get, widget="segmented")
        best = np.unravel_index(np.argmax(roles[role]), roles[role].shape)
        ui.chart(plots.heatmap(roles[role], f"Average attention to: {att.PATTERNS[role]}",
                               x=[f"H{h}" for h in range(1, 13)], y=[f"L{l}" for l in range(1, 7)],
                               text_format=".0%", height=380, square=False),
                 f"The most “{att.PATTERNS[role]}” head is layer {best[0] + 1}, head {best[1] + 1} "
                 f"({roles[role][best]:.0%} of its attention).")
    elif view == "Seq2seq alignment":
        date = st.text_input("One to three dates, in words or numbers", "3 may 1971 and the twenty-first of march, 1998",
                             max_chars=200)
        out, chars, align = att.translate(ui.model("seq2seq_dates"), date)
        plain_out, _, _ = att.translate(ui.model("seq2seq_dates_noattn"), date)
        st.markdown(f"**With attention:** `{out}` · **without:** `{plain_out}`")
        ui.chart(plots.heatmap(align, "Where the decoder looked for each output character",
                               x=[f"{i}:{c}" for i, c in enumerate(chars)],
                               y=[f"{i}:{c}" for i, c in enumerate(list(out) + ["<eos>"])], height=420, square=False),
                 f"{align.shape[0]} output steps × {align.shape[1]} input characters; each row is a softmax over the "
                 "input. Bright cells show where the decoder read each output character from: no alignment was "
                 "given in training, it was learned.")
        acc = ui.computed("Translating 2,000 fresh dates with both models", att.accuracy_by_length,
                          ("seq2seq_dates", "seq2seq_dates_noattn"))
        ui.chart(plots.line_chart(acc["bins"], {k: acc[k] for k in ("with attention", "without")},
                                  "Exact match vs input length", "input length", "exact match", y_range=(0, 1.02)),
                 f"Shortest inputs: {acc['with attention'][0]:.0%} with attention, {acc['without'][0]:.0%} without; "
                 f"longest: {acc['with attention'][-1]:.0%} and {acc['without'][-1]:.0%} — the model without attention "
                 "has one fixed-size vector to carry every date at once.")
    else:
        s = st.columns(4)
        with s[0]:
            tq = ui.slider("Tokens", "t", 2, 8, 4)
        with s[1]:
            d = ui.slider("Dimension d", "d", 2, 16, 4, step=2)
        with s[2]:
            mask = ui.select("Mask", "mask", list(att.MASKS), widget="segmented")
        with s[3]:
            seed = ui.number("Seed", "seed", 0, 9999, 0)
        q, k, v = torch.randn(3, tq, d, generator=torch.Generator().manual_seed(seed)).round(decimals=1)
        steps = att.scaled_dot_product(q, k, v, mask, valid=max(1, tq - 1))
        for col, (name, m) in zip(st.columns(4), (("1. Q Kᵀ", steps.scores), ("2. ÷ √d", steps.scaled),
                                                  ("3. add the mask", steps.masked), ("4. softmax", steps.weights))):
            with col:
                ui.chart(plots.heatmap(m.numpy(), name, text_format=".1f" if tq <= 6 else None, height=280,
                                       diverging="softmax" not in name),
                         f"Step {name}: a {tq}×{tq} matrix (rows: queries, columns: keys).")
        st.dataframe(steps.output.numpy().round(3), column_config=None)
        st.caption(f"Output = weights · V ({tq}×{d}): one head, with Q, K, V drawn from seed {seed}. A multi-head "
                   f"layer runs h of these side by side, each on its own projections X·W_Q, X·W_K, X·W_V, then "
                   f"concatenates the h outputs and multiplies by W_O.")
        ui.chart(plots.heatmap(att.sinusoidal_encoding(50, 64), "Sinusoidal positional encoding (50 × 64)",
                               diverging=True, height=300, square=False),
                 "Each position gets a unique pattern of sines and cosines of geometric wavelengths; nearby "
                 "positions have similar codes.")

ui.key_ideas()
ui.show_code(att.attention_maps, att.attention_rollout, att.scaled_dot_product)
