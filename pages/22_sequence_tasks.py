"""Sequences in practice: forecasting a real series, teacher forcing, beam search, speech and CTC."""
import streamlit as st

import ui
from demos.sequence_tasks import (beam_search, beam_views, ctc, ctc_views, forecast_views, forecasting, spectrogram,
                                  teacher_forcing)
from models.ctc_digits import load_clips

page = ui.page_setup(__file__)

# Controls: how far ahead, from when, and the leakage trap (kept on a slide); the rest below
row = st.columns([3, 3, 2, 2])
with row[0]:
    horizon = ui.slider("Horizon H (months ahead)", "horizon", *forecasting.HORIZON_RANGE, 12)
with row[1]:
    year = ui.slider("Forecast from December of", "origin", *forecast_views.ORIGIN_YEARS, 1996)
with row[2]:
    leak = ui.toggle("Leakage trap", "leak", False,
                     help="Normalise each window with a level that includes the 24 months it predicts (the future)")
with row[3]:
    band_model = ui.select("80 % interval of", "band", list(forecasting.MODELS), default="MLP")
more = ui.more_controls()
with more:
    m = ui.control_columns(2)
    with m[0]:
        window = ui.slider("Window p (months the models read)", "window", *forecasting.WINDOW_RANGE, 24, step=12)
    with m[1]:
        seed = ui.number("Seed", "seed", 0, 9999, 0, help="The MLP's initial weights")

# Hero: the measured series and three forecasts from the chosen origin, with an 80 % interval
series = ui.cached(forecasting.load_co2)
curve = st.empty()
fits = {leak: ui.experiment(f"Training the MLP ({'with' if leak else 'without'} leakage)", forecasting.fit_co2, window,
                            leak, seed, stored=forecasting.committed_fit, command="python -m train.sequence_tasks_fits",
                            stoppable=True,
                            show=lambda c: curve.plotly_chart(forecast_views.training_figure(c, forecasting.STEPS)))}
other = ui.cached(forecasting.committed_fit, window, not leak, seed)  # for the caption's comparison
fits[not leak] = other if other is not None else ui.computed(
    f"Training the MLP ({'without' if leak else 'with'} leakage) for comparison", forecasting.fit_co2, window,
    not leak, seed, stoppable=True)
curve.empty()
ev = {flag: ui.cached(forecasting.evaluate, series, fits[flag], horizon, key=(window, flag, seed, horizon,
                                                                              fits[flag].stopped)) for flag in fits}
origin = forecast_views.origin_index(series, year, horizon)
height = round(462 * ui.stage_scale()) if ui.is_presenting() else 420
ui.chart(forecast_views.forecast_figure(series, ev[leak], origin, band_model, height),
         forecast_views.forecast_caption(series, ev[leak], origin, band_model), key="hero", export="forecasts")
ui.end_of_hero()
ui.chart(forecast_views.error_figure(ev[leak], ev[not leak], "with leakage" if not leak else "without leakage"),
         forecast_views.error_caption(ev[leak], ev[False], ev[True], leak), export="error_by_horizon")
ui.chart(forecast_views.training_figure(fits[leak].curves, forecasting.STEPS),
         forecast_views.training_caption(fits[leak]), export="mlp_training")
ui.section("Backtesting")

# Secondary views, one lazy tab each
view, box = ui.tabs("view", ["Teacher forcing", "Beam search", "Spectrograms", "CTC"])
with box:
    if view == "Teacher forcing":
        ratio = ui.select("Teacher-forcing ratio in training", "ratio", teacher_forcing.RATIOS, default="1",
                          widget="segmented", help="Chance that each step is fed the true previous character")
        pairs = teacher_forcing.test_pairs()
        errs = {r: ui.cached(teacher_forcing.position_errors, ui.model(teacher_forcing.model_name(r)), pairs, key=r)
                for r in teacher_forcing.RATIOS}
        ui.chart(teacher_forcing.errors_figure(errs[ratio], ratio), teacher_forcing.errors_caption(errs[ratio], ratio),
                 export="exposure_bias")
        ui.chart(teacher_forcing.summary_figure(errs), teacher_forcing.summary_caption(errs), export="ratios")
        ui.section("Teacher forcing")
    elif view == "Beam search":
        b = ui.control_columns([4, 2, 2, 2])
        with b[0]:
            text = ui.text_area("Dates to translate", "text", beam_views.DEFAULT_TEXT, height=68, max_chars=120)
        with b[1]:
            name = ui.select("Translator", "translator", list(beam_views.MODEL_NAMES),
                             format_func=beam_views.MODEL_NAMES.get)
        with b[2]:
            width = ui.slider("Beam width", "width", *beam_search.WIDTH_RANGE, 3)
        with b[3]:
            alpha = ui.slider("Length penalty α", "alpha", *beam_search.ALPHA_RANGE, 0.0, step=0.1)
        if not text.strip():
            st.info("Type a date to translate; showing the default.", icon="📅")
            text = beam_views.DEFAULT_TEXT
        tree = ui.cached(beam_views.search, ui.model(name), text, width, alpha, key=(name, text, width, alpha))
        ui.chart(beam_views.tree_figure(*tree[:2]), beam_views.tree_caption(*tree, width, alpha), export="beam_tree")
        sweep = ui.experiment("Greedy vs beam on 150 dates", beam_views.live_sweep, stored=beam_views.committed_sweep,
                              command="python -m train.sequence_tasks_beam", stoppable=True)
        ui.chart(beam_views.sweep_figure(sweep), beam_views.sweep_caption(sweep), export="beam_accuracy")
        ui.section("Beam search")
    elif view == "Spectrograms":
        clips = ui.cached(load_clips)
        s = ui.control_columns([3, 3, 2, 2, 2])
        with s[0]:
            typed = ui.text_area("Digits to speak", "digits", "4 0 7", height=68, max_chars=40)
        with s[1]:
            voice = ui.select("Voice (espeak-ng)", "voice", list(clips.voice_names))
        with s[2]:
            win_ms = ui.slider("Window (ms)", "win", *spectrogram.WINDOW_MS_RANGE, 32)
        with s[3]:
            hop_ms = ui.slider("Hop (ms)", "hop", *spectrogram.HOP_MS_RANGE, 10)
        with s[4]:
            n_mels = ui.slider("Mel bins", "mels", *spectrogram.MELS_RANGE, 40)
        digits, note = spectrogram.parse_digits(typed)
        if note:
            st.info(note, icon="🔢")
        audio = spectrogram.utterance(clips, digits, clips.voice_names.index(voice))
        st.audio(audio, sample_rate=spectrogram.RATE)
        spec = ui.cached(spectrogram.spectrogram, audio, win_ms, hop_ms, n_mels, key=(tuple(digits), voice, win_ms, hop_ms, n_mels))
        ui.chart(spectrogram.spectrogram_figure(audio, spec), spectrogram.spectrogram_caption(spec), export="spectrogram")
        ui.section("Spectrograms")
    else:
        path = ui.text_area("Type a frame-level path (– or - is the blank)", "path", ctc_views.DEFAULT_PATH, height=68,
                            max_chars=80)
        path = path.replace("–", "-").strip() or ctc_views.DEFAULT_PATH
        merged, final = ctc.collapse_steps(path)
        st.markdown(f"`{path}` → merge repeats → `{merged}` → drop blanks → **`{final or '(nothing)'}`**")
        st.caption(ctc_views.collapse_caption(path))
        clips = ui.cached(load_clips)
        c = ui.control_columns([3, 3, 2])
        with c[0]:
            typed = ui.text_area("Digits to speak", "ctc_digits", "4 0 7", height=68, max_chars=40)
        with c[1]:
            voice = ui.select("Voice (espeak-ng; the last three never heard in training)", "ctc_voice",
                              list(clips.voice_names))
        with c[2]:
            beam = ui.slider("Prefix beam width", "beam", *ctc_views.BEAM_RANGE, 4)
        digits, note = spectrogram.parse_digits(typed)
        if note:
            st.info(note, icon="🔢")
        audio = spectrogram.utterance(clips, digits, clips.voice_names.index(voice))
        st.audio(audio, sample_rate=spectrogram.RATE)
        d = ui.cached(ctc_views.decode, ui.model("ctc_digits"), audio, digits, beam, key=(tuple(digits), voice, beam))
        ui.chart(ctc_views.lattice_figure(d), ctc_views.lattice_caption(d), export="ctc_lattice")
        st.dataframe(ctc_views.decoding_table(d), hide_index=True)
        st.caption(ctc_views.decoding_caption(d, beam))
        st.caption(ctc_views.card_caption())
        ui.section("CTC")

ui.key_ideas()
ui.show_code(forecasting.seasonal_naive, forecasting.level, forecasting.fit_linear, forecasting.fit_models,
             forecasting.backtest, forecasting.evaluate, teacher_forcing.scheduled_sampling_loss,
             teacher_forcing.position_errors, beam_search.beam_search, beam_search.length_penalty, spectrogram.stft,
             spectrogram.spectrogram, ctc.collapse, ctc.ctc_forward, ctc.greedy_decode, ctc.prefix_beam_search)
