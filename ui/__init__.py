"""The shared UI layer, the only shared code that imports streamlit. Pages write `ui.<name>(...)`;
this file only re-exports. Where things live:

- `ui.controls`  URL-bound controls and tabs (slider, select, number, toggle, text_area, tabs) and
                 presets (preset_buttons, active_preset; `select(..., presets=)`)
- `ui.state`     how a control is bound to the URL, notices, page flags, `apply_preset` (the one way a
                 page sets its own controls), the view's parameters
- `ui.page`      page setup, embed/presenter modes, navigation, the page's text (intro, sections,
                 Key ideas from `pages/NN_<slug>.md`), Show the code
- `ui.cache`     shared models and data; `cached`: quick results kept for everyone
- `ui.warmup`    once per server, after the first page is drawn: shared models and data loaded in the
                 background
- `ui.jobs`      `computed`: long computations as shared background jobs (progress, Stop, abandoned
                 once nobody waits), keyed like `cached`; `experiment`: committed results first
- `ui.blocks`    chart with caption, prediction panel, the one image picker, the safe uploaders (images,
                 data files)
- `ui.share`     permalink, embed/present links, manifest download and validated restore
- `ui.catalogue` the one list of pages (pure data); `ui.primer` the home's path and glossary (pure);
                 `ui.texts` the text-file parser (pure)
- `ui.lessons`   lessons on stage and for students; `ui.lesson_editor` a teacher's own (Share menu);
                 `ui.lesson_data`, `ui.lesson_files` their pure side
"""
# pandas is imported here, once, on the script's thread, before any page runs: plotly imports it lazily
# on first use, and if the warm-up thread (ui.warmup) and a page's first chart both reached that import
# at once, one of them got a partially initialised module and the first view of a fresh server failed
import pandas  # noqa: F401

from ui.blocks import (Picked, chart, download_json, file_upload, image_picker, image_upload, image_uploads,
                       prediction_panel)
from ui.cache import cached, mnist, model, photo
from ui.jobs import Stopped, computed, experiment, is_done
from ui.page import (control_columns, control_groups, end_of_hero, home_done, home_setup, key_ideas, more_controls, page_setup, page_text, prose,
                     section, show_code, sidebar_navigation)
from ui.share import MANIFEST, manifest, permalink
from ui.controls import active_preset, number, preset_buttons, select, slider, tabs, text_area, toggle
from ui.state import (PRESENT_KEY, apply_preset, check_unknown_params, is_embedded, is_presenting, stage_scale,
                      url_params)

__all__ = ["MANIFEST", "PRESENT_KEY", "Picked", "Stopped", "active_preset", "apply_preset", "cached", "chart",
           "check_unknown_params", "computed", "control_columns", "control_groups", "preset_buttons",
           "download_json", "end_of_hero", "file_upload", "home_done", "experiment", "home_setup", "image_picker", "image_upload", "image_uploads", "is_done", "is_embedded",
           "is_presenting", "key_ideas", "manifest", "mnist", "model", "more_controls", "number",
           "page_setup", "permalink", "photo", "prediction_panel", "prose", "section", "select",
           "page_text", "show_code", "sidebar_navigation", "slider", "stage_scale", "tabs", "text_area", "toggle", "url_params"]
