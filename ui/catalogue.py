"""The one catalogue of pages. Home gallery, sidebar navigation and the page tests all read it,
so a new page is added here and nowhere else. Pure data: no streamlit import."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class PageInfo:
    file: str  # path from the repository root, e.g. "pages/01_model_zoo.py"
    title: str
    icon: str
    section: str  # gallery heading and sidebar group
    pitch: str  # one line on the card
    demo: str  # the pure module behind the page
    models: tuple[str, ...]  # registry names the page uses
    test: str  # the test file that covers it

    @property
    def slug(self) -> str:
        """URL path Streamlit gives the file: the name without its number prefix."""
        return Path(self.file).stem.split("_", 1)[1]

    @property
    def thumbnail(self) -> Path:
        return ROOT / "ui" / "thumbnails" / f"{self.slug}.png"


SECTIONS = ("Start here", "Vision", "Sequences and attention", "Robustness", "Unsupervised learning")

PAGES: tuple[PageInfo, ...] = (
    PageInfo("pages/01_model_zoo.py", "Model zoo", "🧰", "Start here",
             "Every pretrained model in the gallery: its card, its numbers, and a live prediction.",
             "demos/model_zoo.py", ("mnist_cnn", "efficientnet_lite0"), "tests/test_model_zoo.py"),
    PageInfo("pages/02_adversarial_attacks.py", "Adversarial attacks", "⚔️", "Robustness",
             "FGSM, PGD and MI-FGSM on digits and photos; robust accuracy, transfer, real defences.",
             "demos/adversarial.py", ("mnist_cnn", "mnist_cnn_robust", "mnist_mlp", "efficientnet_lite0"),
             "tests/test_adversarial.py"),
    PageInfo("pages/03_anomaly_detection.py", "Anomaly detection", "🚨", "Unsupervised learning",
             "Autoencoders trained on one digit flag what they cannot rebuild; you set the threshold.",
             "demos/anomaly.py", ("mnist_ae", "mnist_dae", "ecg_dae"), "tests/test_anomaly.py"),
    PageInfo("pages/04_style_transfer.py", "Style transfer", "🎨", "Vision",
             "Paint a photo in another image's style: watch Gatys' optimisation live, then one pass.",
             "demos/style_transfer.py", ("efficientnet_lite0", "magenta_arbitrary_style"),
             "tests/test_style_transfer.py"),
    PageInfo("pages/05_attention.py", "Attention maps", "🔦", "Sequences and attention",
             "MiniLM's 72 heads on your text, a translator's alignment, and softmax(QKᵀ/√d)V by hand.",
             "demos/attention.py", ("minilm_l6", "seq2seq_dates", "seq2seq_dates_noattn"),
             "tests/test_attention.py"),
)


def by_section() -> dict[str, list[PageInfo]]:
    return {s: [p for p in PAGES if p.section == s] for s in SECTIONS if any(p.section == s for p in PAGES)}


def find(file: str) -> PageInfo:
    """The entry for a page file (accepts an absolute path or one relative to the root)."""
    rel = Path(file).resolve().relative_to(ROOT).as_posix() if Path(file).is_absolute() else file
    for page in PAGES:
        if page.file == rel:
            return page
    raise KeyError(f"{rel} is not in ui/catalogue.py")
