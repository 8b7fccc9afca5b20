"""ui.controls: URL-bound controls fall back to their default, and presets set controls like a visitor."""
import pytest

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.mark.parametrize("widget", ["segmented", "selectbox", "radio"])
def test_a_choice_whose_state_was_emptied_falls_back_to_its_default(widget):
    """An interrupted rerun can leave a segmented control empty (None); the page must get a valid
    option (the adversarial page once did int(None)), and the URL must not learn `n=None`."""
    from streamlit.testing.v1 import AppTest

    def script(widget):
        import streamlit as st

        import ui
        st.write("n = " + ui.select("Digits", "n", ["200", "1000"], widget=widget))

    at = AppTest.from_function(script, default_timeout=30, kwargs={"widget": widget})
    at.session_state["n"] = None
    at.run()
    assert not at.exception
    assert at.markdown[0].value == "n = 200" and "n" not in at.query_params


def test_a_preset_sets_its_controls_and_the_url_and_is_recognised_as_active():
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        import ui
        presets = {"Steep": {"lr": 0.5, "steps": 40}, "Gentle": {"lr": 0.01, "steps": 300}}
        ui.preset_buttons(presets)
        lr = ui.slider("Learning rate", "lr", 0.001, 1.0, 0.1, step=0.001)
        steps = ui.slider("Steps", "steps", 10, 500, 100)
        st.write(f"{lr} {steps} {ui.active_preset(presets)}")

    at = AppTest.from_function(script, default_timeout=30).run()
    assert at.markdown[0].value == "0.1 100 None"
    next(b for b in at.button if b.label == "Steep").click().run()
    assert not at.exception and at.markdown[0].value == "0.5 40 Steep"
    assert at.query_params["lr"] == "0.5" and at.query_params["steps"] == "40"


def test_a_choice_with_presets_brings_its_own_settings_only_when_the_visitor_changes_it():
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        import ui
        surface = ui.select("Surface", "surface", ["bowl", "ridge"], presets={"bowl": {"x0": 1.0}, "ridge": {"x0": -2.0}})
        x0 = ui.slider("Start", "x0", -3.0, 3.0, 1.0, step=0.5)
        st.write(f"{surface} {x0}")

    at = AppTest.from_function(script, default_timeout=30)
    at.query_params["surface"] = "ridge"
    at.query_params["x0"] = "2.5"
    at.run()
    assert at.markdown[0].value == "ridge 2.5", "a URL's own values win over the choice's preset"
    at.selectbox(key="surface").set_value("bowl").run()
    assert at.markdown[0].value == "bowl 1.0"
    at.selectbox(key="surface").set_value("ridge").run()
    assert not at.exception and at.markdown[0].value == "ridge -2.0"


@pytest.mark.parametrize("raw", ["1_0", "\u0661\u0660", "\uff17", "\U0001d7d3"])
def test_digits_python_would_read_get_a_url_notice_not_a_silent_value(raw):
    """float() reads 1_0 as 10, ١٠ (Arabic-Indic) as 10, ７ (full-width) and 𝟓 (mathematical) as 7 and
    5: a URL value in those forms falls back to the default with a notice naming it."""
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        import ui
        st.write(f"steps = {ui.slider('Steps', 'steps', 1, 100, 5)}")

    at = AppTest.from_function(script, default_timeout=30)
    at.query_params["steps"] = raw
    at.run()
    assert not at.exception
    assert at.markdown[0].value == "steps = 5"
    from demos.text import quote
    assert any(f"“steps={quote(raw)}” is not valid" in w.value for w in at.warning), [w.value for w in at.warning]
