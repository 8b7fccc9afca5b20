"""ui.catalogue: every page's URL parameters are read from its source (literal keys only), and the
README lists exactly those."""
import re

import pytest

from tests.support import ROOT
from ui.catalogue import PAGES, page_params


def test_every_page_declares_literal_keys_and_the_readme_lists_them_all():
    readme = (ROOT / "README.md").read_text()
    table = dict(re.findall(r"^\| (\w+) \| (.+) \|$", readme.split("| page | URL parameters |")[1], re.M))
    for page in PAGES:
        listed = set(re.findall(r"`(\w+)`(?: \(|,|$| )", table[page.slug] + " "))
        assert listed == set(page.params), (page.slug, listed ^ set(page.params))


def test_a_computed_key_is_refused(tmp_path):
    bad = tmp_path / "page.py"
    bad.write_text("import ui\nname = 'k'\nui.slider('x', f'{name}_1', 0, 1, 0)\n")
    with pytest.raises(ValueError, match="literal string"):
        page_params(bad)


def test_the_readme_pages_table_leads_to_every_pages_files():
    """The README's table of pages names each page's demos (and, for a package, every module in it)
    and its tests folder, as the catalogue derives them from the slug."""
    readme = (ROOT / "README.md").read_text()
    table = readme.split("| page | its logic:")[1].split("\n\n")[0]
    for page in PAGES:
        row = next(line for line in table.splitlines() if f"({page.file})" in line)
        demos = page.demos.relative_to(ROOT).as_posix() + ("/" if page.demos.is_dir() else "")
        assert f"[{demos}]({demos})" in row, (page.slug, demos)
        if page.demos.is_dir():
            listed = set(re.findall(r"`(\w+)`", row.split("|")[2]))
            assert listed == {m.stem for m in page.demo_modules}, page.slug
        assert f"[tests/{page.slug}/](tests/{page.slug}/)" in row
