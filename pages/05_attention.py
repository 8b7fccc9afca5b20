"""Attention maps: a real transformer's heads, a seq2seq alignment, and the maths step by step."""
import streamlit as st

import ui
from demos.attention import by_hand, heads, roles, rollout, seq2seq

page = ui.page_setup(__file__)

# Controls: the text (always editable; examples fill it), layer and head (kept on a slide)
key_row = st.columns([5, 2, 2])
more = ui.more_controls()
with more:
    o = ui.control_columns(2)
    with o[0]:
        preset = ui.select("Example", "preset", list(heads.EXAMPLES), widget="segmented", presets=heads.PRESETS)
    with o[1]:
        hide = ui.toggle("Hide [CLS] and [SEP]", "hide", False)
with key_row[0]:
    text = ui.text_area("Your text (edit it, or pick an example)", "text", heads.example_text(preset), height=68,
                        max_chars=heads.MAX_CHARS, on_change=lambda: ui.apply_preset({"preset": "custom"}))
with key_row[1]:
    layer = ui.slider("Layer", "layer", 1, 6, 4)
with key_row[2]:
    head = ui.slider("Head", "head", 1, 12, 2)

if not text.strip():
    st.info("Type some text to see its attention (empty text has nothing to attend to).")
    st.stop()

# MiniLM's attention on the text: every layer and head at once
tokenizer, minilm = ui.model("minilm_l6")
a = ui.cached(heads.attention_maps, minilm, tokenizer, text, key=text, spinner="Running MiniLM…")
if a.truncated:
    st.warning(heads.TRUNCATED_NOTE, icon="✂️")
shown = heads.shown(a, hide)
if shown.note:
    st.info(shown.note, icon="ℹ️")

# Hero: one head, token to token (labelled by position, so a repeated word keeps its own row)
ui.chart(heads.head_figure(shown, layer, head, 450 if ui.is_presenting() else 520),
         heads.head_caption(shown, layer, head) + heads.showcase_note(a, text, preset, layer, head), export="attention")
ui.end_of_hero()
if shown.hidden_share is not None:
    ui.section("Hide")

view, box = ui.tabs("view", ["All heads", "Rollout", "Head roles", "Seq2seq alignment", "Step by step"])
with box:
    if view == "All heads":
        counts = roles.head_roles(roles.head_patterns(a.weights, a.tokens))
        ui.chart(roles.head_grid(shown.weights), roles.head_roles_caption(counts))
    elif view == "Rollout":
        r = rollout.attention_rollout(a.weights)
        ui.chart(rollout.rollout_figure(r, a.tokens, len(a.weights)), rollout.rollout_caption(r))
    elif view == "Head roles":
        patterns = roles.head_patterns(a.weights, a.tokens)
        role = ui.select("Pattern", "role", list(roles.PATTERNS), format_func=roles.PATTERNS.get, widget="segmented")
        ui.chart(roles.role_figure(patterns, role), roles.role_caption(patterns, role))
    elif view == "Seq2seq alignment":
        date = st.text_input("One to three dates, in words or numbers", seq2seq.DEFAULT_DATES,
                             max_chars=seq2seq.MAX_DATE_CHARS)
        out, chars, align = seq2seq.translate(ui.model("seq2seq_dates"), date)
        plain_out, _, _ = seq2seq.translate(ui.model("seq2seq_dates_noattn"), date)
        st.markdown(seq2seq.translations_text(out, plain_out))
        ui.chart(seq2seq.alignment_figure(out, chars, align), seq2seq.alignment_caption(align))
        acc = ui.experiment("Translating 2,000 fresh dates with both models", seq2seq.accuracy_by_length)
        ui.chart(seq2seq.accuracy_figure(acc), seq2seq.accuracy_caption(acc))
    else:
        s = st.columns(4)
        with s[0]:
            tq = ui.slider("Tokens", "t", 2, 8, 4)
        with s[1]:
            d = ui.slider("Dimension d", "d", 2, 16, 4, step=2)
        with s[2]:
            mask = ui.select("Mask", "mask", list(by_hand.MASKS), widget="segmented")
        with s[3]:
            seed = ui.number("Seed", "seed", 0, 9999, 0)
        q, k, v = by_hand.random_qkv(tq, d, seed)
        steps = by_hand.scaled_dot_product(q, k, v, mask, valid=by_hand.padding_valid(tq))
        for col, (fig, caption) in zip(st.columns(4), by_hand.step_figures(steps)):
            with col:
                ui.chart(fig, caption)
        st.dataframe(steps.output.numpy().round(3), column_config=None)
        st.caption(by_hand.output_caption(tq, d, seed))
        ui.chart(by_hand.encoding_figure(), by_hand.ENCODING_CAPTION)

ui.key_ideas()
ui.show_code(heads.attention_maps, rollout.attention_rollout, by_hand.scaled_dot_product)
