"""The one catalogue of pages. Home gallery, sidebar navigation and the page tests all read it,
so a new page is added here and nowhere else. Pure data: no streamlit import.

Each page's URL parameters are read from its source: the literal keys of its `ui.slider`,
`ui.select`, `ui.number`, `ui.toggle`, `ui.text_area` and `ui.tabs` calls, plus the image picker's.
"""
from __future__ import annotations

import ast
import functools
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
THUMBNAIL_SIZE = (480, 270)  # px, 16:9: a crop of the page's hero (scripts/screenshots.py), sharp on a card


@dataclass(frozen=True)
class PageInfo:
    """One page. Everything else about it is found from its slug, one name per concept in every
    folder: `pages/NN_<slug>.py` + `.md` ↔ `demos/<slug>/` (or `demos/<slug>.py` for a small page) ↔
    `tests/<slug>/` ↔ `bench/bench_<slug>.py` ↔ `ui/thumbnails/<slug>.png`."""
    file: str  # path from the repository root, e.g. "pages/01_model_zoo.py"
    title: str
    icon: str
    section: str  # gallery heading and sidebar group
    pitch: str  # one line on the card
    models: tuple[str, ...]  # registry names the page uses

    @property
    def slug(self) -> str:
        """URL path Streamlit gives the file: the name without its number prefix."""
        return Path(self.file).stem.split("_", 1)[1]

    @property
    def demos(self) -> Path:
        """The page's pure logic: its package `demos/<slug>/`, or one module `demos/<slug>.py`."""
        package = ROOT / "demos" / self.slug
        return package if package.is_dir() else package.with_suffix(".py")

    @property
    def demo_modules(self) -> tuple[Path, ...]:
        """Every module of the page's logic (a package's, without `__init__.py`)."""
        if self.demos.is_dir():
            return tuple(sorted(p for p in self.demos.glob("*.py") if p.name != "__init__.py"))
        return (self.demos,)

    @property
    def tests(self) -> Path:
        """`tests/<slug>/`: a `test_<module>.py` per demos module, `test_page.py`, `test_browser.py`."""
        return ROOT / "tests" / self.slug

    @property
    def bench(self) -> Path:
        return ROOT / "bench" / f"bench_{self.slug}.py"

    @property
    def thumbnail(self) -> Path:
        return ROOT / "ui" / "thumbnails" / f"{self.slug}.png"

    @property
    def text_file(self) -> Path:
        """The page's teaching text (intro, Key ideas, questions, corrections), beside the script."""
        return (ROOT / self.file).with_suffix(".md")

    @property
    def params(self) -> tuple[str, ...]:
        """Every URL parameter the page can set, whichever view is open."""
        return page_params(ROOT / self.file)

    @property
    def tabs(self) -> tuple[str, ...]:
        """The labels of the page's `ui.tabs("view", [...])`, first (default) first; () without tabs."""
        return page_tabs(ROOT / self.file)


KEY_ARG = {"slider": 1, "number": 1, "select": 1, "toggle": 1, "text_area": 1, "tabs": 0}  # ui.<fn> -> key's position
PICKER_KEYS = ("source", "digit", "index", "photo")  # the controls of ui.image_picker


@functools.lru_cache(maxsize=None)
def page_params(path: Path) -> tuple[str, ...]:
    """The literal keys of a page's URL-bound controls (both branches of `a if c else b` count).
    A key that is not a literal string is an error: the URL could not be checked against it."""
    keys: set[str] = set()
    for node in ast.walk(ast.parse(Path(path).read_text())):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "ui"):
            continue
        if node.func.attr == "image_picker":
            keys.update(PICKER_KEYS)
        if node.func.attr not in KEY_ARG:
            continue
        position = KEY_ARG[node.func.attr]
        arg = next((k.value for k in node.keywords if k.arg == "key"),
                   node.args[position] if len(node.args) > position else None)
        found = _literal_keys(arg)
        if not found:
            raise ValueError(f"{path}:{node.lineno}: ui.{node.func.attr}'s key must be a literal string")
        keys.update(found)
    return tuple(sorted(keys))


@functools.lru_cache(maxsize=None)
def page_tabs(path: Path) -> tuple[str, ...]:
    """The literal labels of a page's `ui.tabs(key, [labels])` call (a page has at most one)."""
    for node in ast.walk(ast.parse(Path(path).read_text())):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "tabs"
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "ui"):
            return tuple(ast.literal_eval(node.args[1]))
    return ()


def _literal_keys(node: ast.expr | None) -> list[str]:
    """"k" -> ["k"]; "a" if c else "b" -> ["a", "b"]; ("a", "b")[i] -> ["a", "b"]; anything else (f-strings, names) -> []."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _literal_keys(node.body), _literal_keys(node.orelse)
        return body + orelse if body and orelse else []
    if isinstance(node, ast.Subscript) and isinstance(node.value, (ast.Tuple, ast.List)):
        items = [_literal_keys(e) for e in node.value.elts]  # ("a", "b")[i] -> ["a", "b"]
        return [k for keys in items for k in keys] if items and all(items) else []
    return []


# In the order the home shows them; the home packs sections side by side in rows of CARDS_PER_ROW
# cards (see `grid_rows`), so this order and the section sizes (4 = 3 + 1 beside 2, 3, 5 = 3 + 2 beside 1,
# 4 = 3 + 1 beside 2, then 1 + 1) fill every row but the last.
SECTIONS = ("Foundations", "Robustness and interpretability", "Training in practice", "Vision", "Reference",
            "Sequences and attention", "Generative and unsupervised", "Graphs", "Reinforcement learning")
CARDS_PER_ROW = 3

PAGES: tuple[PageInfo, ...] = (
    PageInfo("pages/01_model_zoo.py", "Model zoo", "🧰", "Reference",
             "Every pretrained model in the gallery: its card, its numbers, and a live prediction.",
             ("mnist_cnn", "efficientnet_lite0")),
    PageInfo("pages/02_adversarial_attacks.py", "Adversarial attacks", "⚔️", "Robustness and interpretability",
             "FGSM, PGD and MI-FGSM on digits and photos; robust accuracy, transfer, real defences.",
             ("mnist_cnn", "mnist_cnn_robust", "mnist_mlp", "efficientnet_lite0")),
    PageInfo("pages/03_anomaly_detection.py", "Anomaly detection", "🚨", "Generative and unsupervised",
             "Autoencoders trained on one digit flag what they cannot rebuild; you set the threshold.",
             ("mnist_ae", "mnist_dae", "ecg_dae")),
    PageInfo("pages/04_style_transfer.py", "Style transfer", "🎨", "Vision",
             "Paint a photo in another image's style: watch Gatys' optimisation live, then one pass.",
             ("efficientnet_lite0", "magenta_arbitrary_style")),
    PageInfo("pages/05_attention.py", "Attention maps", "🔦", "Sequences and attention",
             "A Transformer's 72 heads (MiniLM) on your text, a translator's alignment, softmax(QKᵀ/√d)V by hand.",
             ("minilm_l6", "seq2seq_dates", "seq2seq_dates_noattn")),
    PageInfo("pages/06_playground.py", "Neural-network playground", "🧪", "Foundations",
             "Build an MLP, train it live on 2-D data, digits or your CSV, and scrub the replay; the perceptron too.",
             ()),
    PageInfo("pages/07_optimisers.py", "Gradient descent and optimisers", "⛷️", "Foundations",
             "Seven real torch.optim optimisers race on 2-D losses, theory beside measurement; batch size and schedules on digits.",
             ()),
    PageInfo("pages/08_backprop.py", "Backpropagation and gradient flow", "⛓️", "Foundations",
             "The chain rule node by node, checked against autograd; activations, init, vanishing and exploding gradients.",
             ("mnist_mlp",)),
    PageInfo("pages/09_convolutions.py", "Convolutional networks", "🔳", "Vision",
             "Slide a kernel over your image, then look inside two trained CNNs: maps, receptive fields, filters.",
             ("mnist_cnn", "efficientnet_lite0")),
    PageInfo("pages/10_recurrent.py", "Recurrent networks", "🔁", "Sequences and attention",
             "Watch the gradient through time vanish and gates rescue it; LSTM/GRU gates; a char-LSTM writes.",
             ("recall_rnn", "recall_lstm", "recall_gru", "char_lstm")),
    PageInfo("pages/11_generative.py", "Generative models: GANs and VAEs", "🎭", "Generative and unsupervised",
             "Train a GAN in 2-D and rewind it; a digit GAN checked for copying; a VAE's map beside an autoencoder's.",
             ("mnist_cgan", "mnist_ae_2d", "mnist_vae_2d", "mnist_cnn")),
    PageInfo("pages/12_transfer_learning.py", "Transfer, few-shot and zero-shot learning", "♻️", "Vision",
             "How many labels does a new task need? Scratch vs probe vs fine-tuning, forgetting, prototypes, zero-shot.",
             ("mnist_cnn_04", "efficientnet_lite0", "minilm_l6")),
    PageInfo("pages/13_reinforcement_learning.py", "Reinforcement learning", "🕹️", "Reinforcement learning",
             "Q-learning vs SARSA on a gridworld you edit while it learns; the TD update with its numbers; V*.",
             ()),
    PageInfo("pages/14_word_embeddings.py", "Words as numbers: tokens and embeddings", "🔤", "Sequences and attention",
             "Your text as characters, words, BPE and WordPiece; MiniLM's embedding table: neighbours, analogies, t-SNE.",
             ("minilm_l6",)),
    PageInfo("pages/15_vision_tasks.py", "Detection and segmentation", "🎯", "Vision",
             "One scene, three answers: a label, boxes, a mask per pixel. IoU, NMS step by step, anchors, mAP, U-Net skips.",
             ("shape_detector", "shape_unet", "shape_unet_noskip", "shape_unet_dice", "digit_vit", "digit_cnn_small")),
    PageInfo("pages/16_interpretability.py", "Interpretability and sanity checks", "🔍", "Robustness and interpretability",
             "Six attribution methods on one input, checked live: randomise the layers, shuffle the labels, delete pixels.",
             ("mnist_cnn", "mnist_cnn_shuffled", "efficientnet_lite0")),
    PageInfo("pages/17_augmentation.py", "Data augmentation and self-supervised learning", "🎲", "Vision",
             "Seed-locked torchvision v2 draws that move boxes and masks, a 6 turned into a 9, Mixup/CutMix, SimCLR on digits.",
             ("mnist_cnn", "ssl_digits", "ssl_digits_crop")),
    PageInfo("pages/18_compression.py", "Compression: distillation, pruning, quantisation", "🗜️", "Training in practice",
             "The digit CNN made smaller: distilled students, pruned and int8 versions, each measured for bytes, speed, accuracy.",
             ("mnist_cnn", "compression_student_hard", "compression_student_kd", "compression_pruned80",
              "compression_slim50")),
    PageInfo("pages/19_graph_networks.py", "Graph neural networks", "🕸️", "Graphs",
             "A GCN learns the karate club's split from four labels, live; message passing by hand, depth, TransE.",
             ()),
    PageInfo("pages/20_tuning.py", "Tuning and debugging a network", "🎛️", "Training in practice",
             "Grid, random, successive halving, Hyperband and TPE on one budget; a clinic of broken trainings.",
             ()),
    PageInfo("pages/21_distributed_learning.py", "Across machines and with few labels: distributed, federated, active learning",
             "🛰️", "Training in practice",
             "Averaged shard gradients = the big-batch gradient, then 2 real gloo processes; FedAvg; active learning; fusion.",
             ()),
    PageInfo("pages/22_sequence_tasks.py", "Sequences in practice: forecasting, decoding, speech", "📈",
             "Sequences and attention",
             "Forecast Mauna Loa CO₂ with an honest backtest and a leakage trap; teacher forcing, beam search, CTC.",
             ("seq2seq_tf_1", "seq2seq_tf_05", "seq2seq_tf_0", "seq2seq_dates_noattn", "seq2seq_dates", "ctc_digits")),
    PageInfo("pages/23_losses.py", "Softmax, losses and calibration", "🌡️", "Foundations",
             "Drag logits to see p − onehot beside MSE's vanishing push; five losses on imbalanced digits; trust and fix confidence.",
             ("mnist_cnn", "mnist_mlp", "digit_cnn_small", "digit_vit")),
)


def by_section() -> dict[str, list[PageInfo]]:
    return {s: [p for p in PAGES if p.section == s] for s in SECTIONS if any(p.section == s for p in PAGES)}


def grid_rows(sections: dict[str, list[PageInfo]] | None = None,
              per_row: int = CARDS_PER_ROW) -> list[list[tuple[str, list[PageInfo]]]]:
    """The home's card grid: rows of at most `per_row` cards, each row a list of (section, its pages)
    side by side. Sections (default: `by_section()`) keep their order; one that does not fit in what is
    left of a row starts the next, and one with more than `per_row` pages takes rows of its own."""
    rows: list[list[tuple[str, list[PageInfo]]]] = []
    row: list[tuple[str, list[PageInfo]]] = []
    used = 0
    for section, pages in (by_section() if sections is None else sections).items():
        for start in range(0, len(pages), per_row):
            chunk = pages[start:start + per_row]
            if used + len(chunk) > per_row:
                rows.append(row)
                row, used = [], 0
            row.append((section, chunk))
            used += len(chunk)
    return rows + [row] if row else rows


def by_slug(slug: str) -> PageInfo:
    """The entry whose URL path is `slug`."""
    for page in PAGES:
        if page.slug == slug:
            return page
    raise KeyError(f"no page {slug!r} in ui/catalogue.py")


def find(file: str) -> PageInfo:
    """The entry for a page file (accepts an absolute path or one relative to the root)."""
    rel = Path(file).resolve().relative_to(ROOT).as_posix() if Path(file).is_absolute() else file
    for page in PAGES:
        if page.file == rel:
            return page
    raise KeyError(f"{rel} is not in ui/catalogue.py")
