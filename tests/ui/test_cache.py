"""ui.cache: the identity of a computation (`cache_key`) and `cached`, quick results kept for everyone."""
import pytest

from tests.support import ROOT
from ui.cache import cache_key

pytestmark = pytest.mark.filterwarnings("ignore")


def test_two_different_lambdas_with_equal_arguments_get_their_own_keys():
    first, second = (lambda n, on_progress: n + 1), (lambda n, on_progress: n * 10)
    assert cache_key(first, (3,)) != cache_key(second, (3,))
    assert cache_key(first, (3,)) == cache_key(first, (3,)) and cache_key(first, (3,)) != cache_key(first, (4,))


def test_same_named_functions_of_two_scripts_run_as_main_get_their_own_keys():
    """Both page scripts run as __main__: the old key (module, qualname, args) collided."""
    code = "def work(n, on_progress):\n    return n {} 1\n"
    spaces = [{"__name__": "__main__"}, {"__name__": "__main__"}]
    exec(compile(code.format("+"), str(ROOT / "pages/a.py"), "exec"), spaces[0])
    exec(compile(code.format("-"), str(ROOT / "pages/b.py"), "exec"), spaces[1])
    a, b = spaces[0]["work"], spaces[1]["work"]
    assert (a.__module__, a.__qualname__) == (b.__module__, b.__qualname__)  # what used to collide
    assert cache_key(a, (5,)) != cache_key(b, (5,))


def test_a_rerun_of_the_same_source_gets_the_same_key():
    """Streamlit recompiles a page on every rerun: a new code object must still hit the cache."""
    code = "f = lambda n, on_progress: n * 2\n"
    keys = []
    for _ in range(2):
        space = {}
        exec(compile(code, str(ROOT / "pages/x.py"), "exec"), space)
        keys.append(cache_key(space["f"], (1,)))
    assert keys[0] == keys[1]


def test_closures_are_part_of_the_key_and_unhashable_ones_are_refused():
    make = lambda k: (lambda on_progress: k)  # noqa: E731
    assert cache_key(make(1), ()) != cache_key(make(2), ())
    with pytest.raises(TypeError, match="hashable"):
        cache_key(make([1]), ())


def test_two_different_lambdas_through_computed_on_one_page_get_their_own_results():
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        import ui
        st.write(str(ui.computed("one", lambda n, on_progress: n + 1, 41)))
        st.write(str(ui.computed("two", lambda n, on_progress: n * 10, 41)))

    at = AppTest.from_function(script, default_timeout=30).run()
    assert not at.exception
    assert [m.value for m in at.markdown] == ["42", "410"]




def test_cached_computes_once_per_distinct_call_and_keeps_the_result_across_reruns():
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        import ui
        st.session_state.setdefault("calls", [])

        def total(values):  # (closes over the streamlit module only: a function's closure is part of its key)
            st.session_state["calls"].append(list(values))
            return sum(values)

        shown = [ui.cached(total, (1, 2)), ui.cached(total, (1, 2)), ui.cached(total, (3, 4))]
        shown.append(ui.cached(total, [5, 6], key="five-six"))  # an unhashable argument, named by key=
        st.write(" ".join(str(v) for v in shown))

    at = AppTest.from_function(script, default_timeout=30).run()
    assert not at.exception and at.markdown[0].value == "3 3 7 11"
    assert at.session_state["calls"] == [[1, 2], [3, 4], [5, 6]]  # the second (1, 2) came from the cache
    at.run()  # a rerun recompiles the script: the same source keeps hitting the cache
    assert at.markdown[0].value == "3 3 7 11" and at.session_state["calls"] == [[1, 2], [3, 4], [5, 6]]


def test_cached_drops_the_least_recently_used_call_past_max_entries():
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        import ui
        st.session_state.setdefault("calls", [])

        def double(n):
            st.session_state["calls"].append(n)
            return 2 * n

        for n in st.session_state.get("order", ()):
            ui.cached(double, n, max_entries=2)

    at = AppTest.from_function(script, default_timeout=30)
    at.session_state["order"] = (1, 2, 1, 3)  # 1 is used again, so 2 is the least recent when 3 arrives
    at.run()
    at.session_state["order"] = (1, 3, 2)  # 1 and 3 kept; 2 was dropped and is computed again
    at.run()
    assert not at.exception
    assert at.session_state["calls"] == [1, 2, 3, 2]
