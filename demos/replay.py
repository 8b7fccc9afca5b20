"""Record, then replay: a live training is computed once (cached per parameter set by the UI layer)
and then played in the browser, so play, pause and scrubbing cost no server rerun.

The recorder contract every live-training page uses:
- `record(step, snapshot, total_steps, n_frames)` runs `step(i)` for i = 1..total_steps (each returns
  that step's scalar metrics, e.g. {"train_loss": ..}) and `snapshot()` at step 0 and at `n_frames`
  evenly spaced steps (each returns small arrays: a 60 × 60 decision grid, a point cloud, weights).
- A `Recording` holds the frames stacked per quantity, every step's curves, and the run's cost.
- `animate(fig, frames, labels)` turns a figure plus per-frame trace updates into a Plotly animation
  with play/pause and a scrubbing slider, all client-side.
- `record` takes `on_progress(fraction)` and returns what it has, marked `stopped`, when a Stop
  raises inside it (`ui.computed(..., stoppable=True)`): a stopped run is still a valid recording.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

FRAME_MS = 120  # default time per frame when playing
PLAYER_PAD = 40  # pixels between the plot area and the player (room for x tick labels and a title)


@dataclass(frozen=True)
class Recording:
    steps: np.ndarray  # (F,) the training step each frame shows (0 = before training)
    frames: dict[str, np.ndarray]  # quantity -> (F, ...) snapshots stacked over frames
    curves: dict[str, np.ndarray]  # metric -> (S,) value after each step 1..S (S = steps run)
    seconds: float  # wall-clock time the recording took
    stopped: bool = False  # stopped before `total_steps`: the frames end at the last step run
    meta: dict[str, Any] = field(default_factory=dict)  # anything the page wants to keep with it

    @property
    def n_frames(self) -> int:
        return len(self.steps)

    def frame(self, i: int) -> dict[str, np.ndarray]:
        """The snapshot of frame `i` (negative counts from the end)."""
        return {k: v[i] for k, v in self.frames.items()}


def frame_steps(total_steps: int, n_frames: int) -> np.ndarray:
    """Up to `n_frames` distinct steps from 0 to `total_steps`, evenly spaced, both ends included."""
    if total_steps < 0 or n_frames < 2:
        raise ValueError("total_steps >= 0 and n_frames >= 2")
    return np.unique(np.round(np.linspace(0, total_steps, n_frames)).astype(int))


def record(step: Callable[[int], Mapping[str, float]], snapshot: Callable[[], Mapping[str, np.ndarray]],
           total_steps: int, n_frames: int = 60, on_progress: Callable[[float], None] | None = None,
           stop_when: Callable[[int, Mapping[str, float]], bool] | None = None,
           meta: dict[str, Any] | None = None) -> Recording:
    """Run a training and keep snapshots of it. `step(i)` does training step i (1-based) and returns
    its metrics; `snapshot()` returns the arrays to replay. `stop_when(i, metrics)` may end the run
    early (e.g. early stopping): the last frame is then the step it ended on. `on_progress(f)` is told
    the fraction done after every frame; any exception it raises (a Stop button) ends the run early,
    and the frames recorded so far are returned with `stopped=True`."""
    start = time.perf_counter()
    wanted = set(frame_steps(total_steps, n_frames).tolist())
    taken_steps, taken = [0], [dict(snapshot())]
    curves: dict[str, list[float]] = {}
    stopped, done = False, 0
    try:
        for i in range(1, total_steps + 1):
            metrics = step(i)
            done = i
            for k, v in metrics.items():
                curves.setdefault(k, []).append(float(v))
            ended = stop_when is not None and stop_when(i, metrics)
            if i in wanted or ended:
                taken_steps.append(i)
                taken.append(dict(snapshot()))
                if on_progress is not None:
                    on_progress(i / total_steps)
            if ended:
                break
    except Exception as err:  # a Stop (or any interruption) keeps what was recorded
        if not _is_stop(err):
            raise
        stopped = True
    if taken_steps[-1] != done:  # stopped between frames: end on the last step run
        taken_steps.append(done)
        taken.append(dict(snapshot()))
    frames = {k: np.stack([np.asarray(s[k]) for s in taken]) for k in taken[0]}
    return Recording(np.array(taken_steps), frames, {k: np.asarray(v) for k, v in curves.items()},
                     time.perf_counter() - start, stopped, dict(meta or {}))


def _is_stop(err: Exception) -> bool:
    """The UI's Stop exception, recognised by name so that demos/ never imports the UI."""
    return type(err).__name__ == "Stopped"


def animate(fig: go.Figure, frames: Sequence[Mapping[int, Mapping[str, Any]]], labels: Sequence[str],
            frame_ms: int = FRAME_MS, prefix: str = "step ", start: int | None = None) -> go.Figure:
    """Make `fig` a client-side player. `frames[f]` maps a trace index of `fig` to the properties
    that change in frame f (e.g. {0: {"z": grid}, 2: {"x": [step], "y": [loss]}}); `labels[f]` names
    the frame on the slider. The figure starts on frame `start` (default: the last)."""
    if len(frames) != len(labels) or not frames:
        raise ValueError("one label per frame, at least one frame")
    start = len(frames) - 1 if start is None else start
    traces = sorted({t for f in frames for t in f})
    kinds = {t: fig.data[t].type for t in traces}  # a frame sends only what changes, per trace
    frame_dicts = [dict(name=str(i), traces=traces, data=[dict(type=kinds[t], **f.get(t, {})) for t in traces])
                   for i, f in enumerate(frames)]
    for t, props in frames[start].items():  # show the chosen frame before anyone presses play
        fig.data[t].update(**props)
    play = dict(frame=dict(duration=frame_ms, redraw=True), transition=dict(duration=0), fromcurrent=True,
                mode="immediate")
    # The player sits below the plot area, clear of the x-axis tick labels and title: offsets in
    # pixels (pad) rather than in paper units, so it keeps its place at any figure height.
    fig.update_layout(
        updatemenus=[dict(type="buttons", direction="left", x=0, y=0, xanchor="left", yanchor="top",
                          pad=dict(t=PLAYER_PAD + 22, r=8), showactive=False,
                          buttons=[dict(label="▶ Play", method="animate", args=[None, play]),
                                   dict(label="⏸ Pause", method="animate",
                                        args=[[None], dict(frame=dict(duration=0, redraw=False), mode="immediate")])])],
        sliders=[dict(active=start, x=0.17, len=0.83, y=0, yanchor="top", pad=dict(t=PLAYER_PAD, b=0),
                      currentvalue=dict(prefix=prefix, visible=True, xanchor="left", offset=4),
                      steps=[dict(label=str(label), method="animate",
                                  args=[[str(i)], dict(frame=dict(duration=0, redraw=True), mode="immediate",
                                                       transition=dict(duration=0))])
                             for i, label in enumerate(labels)])])
    fig.update_layout(margin=dict(b=max(fig.layout.margin.b or 0, PLAYER_PAD + 80)))
    # The frames hold the same kinds of values as the traces they update (validated above, once, on
    # the figure itself): attaching them unvalidated makes a 150-frame player ~3x cheaper to build.
    return go.Figure(data=fig.data, layout=fig.layout, frames=frame_dicts, _validate=False)
