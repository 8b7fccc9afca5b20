"""Sequences in practice: the live forecaster's retrain (first streamed frame and whole run), a width-5
beam-search tree on the date translator, the CTC model on an utterance, the spectrogram, and the page's
first render of the hero and of every tab."""
from __future__ import annotations

from bench.common import Row, best_of, page_rerun, one_thread
from demos.sequence_tasks import beam_views, ctc_views, forecasting, spectrogram

PAGE = "pages/22_sequence_tasks.py"


class Stopped(Exception):
    """Named like the UI's Stop: the fit ends and keeps what it has."""


def rows_one_thread() -> list[Row]:
    from models import load_pretrained
    from models.ctc_digits import load_clips

    def first_frame() -> None:
        def stop(fraction, partial):
            raise Stopped
        forecasting.fit_co2(24, False, 1, on_progress=stop)

    series = forecasting.load_co2()
    fit = forecasting.fit_co2(24, False, 0)
    rows = [Row("sequence_tasks", "hero: live MLP retrain, first streamed curve (step 1)", best_of(first_frame, repeat=3),
                target="≤ 300 ms"),
            Row("sequence_tasks", f"hero: live MLP retrain, whole run ({forecasting.STEPS} Adam steps) + linear AR",
                best_of(lambda: forecasting.fit_co2(24, False, 2), repeat=3), target="≤ 5 s"),
            Row("sequence_tasks", "hero: backtest of 3 models at H = 12 (test + validation origins, intervals)",
                best_of(lambda: forecasting.evaluate(series, fit, 12), repeat=3), target="< 1 s")]
    noattn = load_pretrained("seq2seq_dates_noattn")
    rows.append(Row("sequence_tasks", "Beam search tab: width-5 tree on the default input (+ greedy)",
                    best_of(lambda: beam_views.search(noattn, beam_views.DEFAULT_TEXT, 5, 0.0), repeat=3),
                    target="≤ 100 ms"))
    clips = load_clips()
    audio = spectrogram.utterance(clips, [4, 0, 7], 0)
    rows.append(Row("sequence_tasks", "Spectrograms tab: STFT (32 ms, hop 10 ms) + 40 mel bins + figure",
                    best_of(lambda: spectrogram.spectrogram_figure(audio, spectrogram.spectrogram(audio, 32, 10, 40)),
                            repeat=3)))
    ctc_model = load_pretrained("ctc_digits")
    rows.append(Row("sequence_tasks", "CTC tab: model + α lattice + prefix beam (width 4) on “4 0 7”",
                    best_of(lambda: ctc_views.decode(ctc_model, audio, [4, 0, 7], 4), repeat=3)))
    return rows


def run() -> list[Row]:
    rows = one_thread(rows_one_thread)
    first, rerun = page_rerun(PAGE, {}, ("slider", "horizon", 6))
    window_first, _ = page_rerun(PAGE, {"window": "36"}, ("slider", "horizon", 6), repeat=1)
    rows.append(Row("sequence_tasks", "page first render (server; the default fits committed)", first,
                    target="≤ 2 s"))
    rows.append(Row("sequence_tasks", "page rerun after a horizon change (fits cached)", rerun, target="< 1 s"))
    rows.append(Row("sequence_tasks", "page opened at window 36: two MLPs trained live, then drawn", window_first))
    for tab in ("Teacher forcing", "Beam search", "Spectrograms", "CTC"):
        first, _ = page_rerun(PAGE, {"view": tab}, ("slider", "horizon", 6), repeat=1)
        rows.append(Row("sequence_tasks", f"{tab} tab opened from the URL: first render", first, target="≤ 2 s"))
    return rows


if __name__ == "__main__":
    for row in run():
        print(row.cells())
