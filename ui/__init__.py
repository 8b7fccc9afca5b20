"""The shared UI layer, the only shared code that imports streamlit. Pages write `ui.<name>(...)`;
this file only re-exports. Where things live:

- `ui.state`     URL-bound controls and tabs (slider, select, number, toggle, text_area, tabs), flags
- `ui.page`      page setup, embed/presenter modes, navigation, the page's text (intro, sections,
                 Key ideas from `pages/NN_<slug>.md`), Show the code
- `ui.compute`   cached models and data, long computations as shared background jobs
- `ui.blocks`    chart with caption, prediction panel, the one image picker, the safe uploader
- `ui.share`     permalink, embed/present links, manifest download and validated restore
- `ui.catalogue` the one list of pages (pure data); `ui.texts` the text-file parser (pure)
"""
from ui.blocks import Picked, chart, download_json, image_picker, image_upload, prediction_panel
from ui.compute import Stopped, computed, experiment, is_done, mnist, model, photo
from ui.page import (end_of_hero, home_setup, key_ideas, more_controls, page_setup, page_text, prose,
                     section, show_code, sidebar_navigation)
from ui.share import MANIFEST, manifest, permalink
from ui.state import (PRESENT_KEY, check_unknown_params, is_embedded, is_presenting, number, select,
                      slider, tabs, text_area, toggle, url_params)

__all__ = ["MANIFEST", "PRESENT_KEY", "Picked", "Stopped", "chart", "check_unknown_params", "computed",
           "download_json", "end_of_hero", "experiment", "home_setup", "image_picker", "image_upload", "is_done", "is_embedded",
           "is_presenting", "key_ideas", "manifest", "mnist", "model", "more_controls", "number",
           "page_setup", "permalink", "photo", "prediction_panel", "prose", "section", "select",
           "page_text", "show_code", "sidebar_navigation", "slider", "tabs", "text_area", "toggle", "url_params"]
