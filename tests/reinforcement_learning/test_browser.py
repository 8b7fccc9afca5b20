"""Real browser: the recorded gridworld training replays (scrub to episode 0, then ▶ Play) in the
browser with no server rerun; a click on a cell picks it for the reward edit. Screenshots go to test-artifacts/browser/."""
from __future__ import annotations

import re

import pytest

from tests.browser_support import HERO, IDLE, SHOTS, count_reruns, new_page, reruns, until_it_shows, wait_rendered

pytestmark = pytest.mark.browser
ARROWS = "() => Array.from(document.querySelector('.js-plotly-plot').data[2].text)"  # Q-learning's arrows
LABEL = "g.slider-group > text.slider-label"  # the "episode N" read-out above the frame slider


def test_the_training_replays_in_the_browser_without_reruns(browser, server):
    from playwright.sync_api import expect
    page = new_page(browser, 1400, 900)
    page.goto(f"{server[0]}/reinforcement_learning?episodes=100")
    wait_rendered(page, "Reinforcement learning")
    chart = page.locator(HERO).first
    chart.wait_for(timeout=90_000)
    label = chart.locator(LABEL)
    expect(label).to_have_text("episode 100", timeout=60_000)  # the recording opens on its last frame
    page.wait_for_selector(IDLE, timeout=60_000)
    count_reruns(page)
    before, at_end = reruns(page), page.evaluate(ARROWS)

    chart.scroll_into_view_if_needed()
    rail = chart.locator("rect.slider-rail-rect").bounding_box()  # scrub to the first frame
    page.mouse.click(rail["x"] + 2, rail["y"] + rail["height"] / 2)
    expect(label).to_have_text("episode 0", timeout=10_000)
    at_start = page.evaluate(ARROWS)
    assert at_start != at_end and set(at_start) <= {"", "·"}  # before any episode every action ties

    until_it_shows(chart.locator("g.updatemenu-button", has_text="Play").click,
                   lambda: page.wait_for_function(f"() => document.querySelector('{LABEL}').textContent "
                                                  "=== 'episode 100'", timeout=60_000))
    assert page.evaluate(ARROWS) == at_end
    page.screenshot(path=SHOTS / "reinforcement_learning-replayed.png")
    assert reruns(page) == before, "scrubbing and playing the recording must not rerun the script"
    page.context.close()


def test_a_click_on_a_cell_picks_it_for_the_reward_edit(browser, server):
    from playwright.sync_api import expect
    page = new_page(browser, 1400, 900)
    page.goto(f"{server[0]}/reinforcement_learning?episodes=50")
    wait_rendered(page, "Reinforcement learning")
    page.locator(HERO).first.wait_for(timeout=90_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    page.wait_for_timeout(2000)
    spot = page.locator(".js-plotly-plot").first.evaluate(  # row 3, col 6 of the Q-learning grid
        "(gd) => { const l = gd._fullLayout, r = gd.getBoundingClientRect();"
        " return [r.left + l.xaxis._offset + l.xaxis.d2p(6), r.top + l.yaxis._offset + l.yaxis.d2p(3)]; }")
    until_it_shows(lambda: page.mouse.click(*spot),  # a chart still settling can swallow the first click
                   lambda: expect(page).to_have_url(re.compile(r"edit=r3c6"), timeout=15_000))
    page.wait_for_selector(IDLE, timeout=60_000)  # the rerun draws the edited cell's frame on both grids
    page.wait_for_function("() => (document.querySelector('.js-plotly-plot').layout.shapes || []).length === 2",
                           timeout=30_000)
    page.context.close()


def test_the_committed_agent_balances_in_the_browser_without_reruns(browser, server):
    from playwright.sync_api import expect
    page = new_page(browser, 1400, 900)
    page.goto(f"{server[0]}/reinforcement_learning?view=DQN%20on%20CartPole&start=1000")
    wait_rendered(page, "Reinforcement learning")
    page.wait_for_selector(IDLE, timeout=90_000)
    chart = page.locator(".js-plotly-plot", has=page.locator("text=The committed agent, greedy")).first
    chart.wait_for(timeout=60_000)
    label = chart.locator(LABEL)
    expect(label).to_have_text("step 0", timeout=30_000)  # the episode opens on its first frame
    count_reruns(page)
    before = reruns(page)
    pole = "(gd) => gd.data[1].x[1]"  # the pole tip's x
    at_start = chart.evaluate(pole)
    chart.scroll_into_view_if_needed()
    rail = chart.locator("rect.slider-rail-rect").bounding_box()  # scrub to the last frame
    page.mouse.click(rail["x"] + rail["width"] - 2, rail["y"] + rail["height"] / 2)
    expect(label).not_to_have_text("step 0", timeout=10_000)
    assert chart.evaluate(pole) != at_start
    page.screenshot(path=SHOTS / "reinforcement_learning-cartpole.png")
    assert reruns(page) == before, "scrubbing the episode must not rerun the script"
    page.context.close()
