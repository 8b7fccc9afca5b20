"""The home's guide for a newcomer, pure data (no streamlit import): the path of pages to read first
and the glossary of overview terms an interview opens with, each term linked to the page that shows
it. The pages themselves are in `ui.catalogue`; the tests check every slug named here is one of them."""
from __future__ import annotations

from dataclasses import dataclass


# A newcomer's path, most conceptual first: (page slug, why this page comes at this step).
START_PATH: tuple[tuple[str, str], ...] = (
    ("playground", "What a neural network is: neurons, layers and activations, trained in front of you."),
    ("backprop", "How it learns: the chain rule carries the loss's gradient back to every weight."),
    ("optimisers", "What a training step does with that gradient: gradient descent, momentum, Adam."),
    ("convolutions", "A network built for images: one small kernel of weights slid over the whole picture."),
    ("recurrent", "Networks with a memory for sequences, and why their gradients vanish over long gaps."),
    ("attention", "What largely replaced recurrence: each token weighs every token of the sequence directly."),
)


@dataclass(frozen=True)
class Term:
    """A glossary entry on the home: one of the overview questions an interview opens with."""
    term: str
    topic: str  # one of OVERVIEW_TOPICS
    definition: str  # one or two sentences
    slug: str | None  # the page that shows it; None where no page does (the definition says so)


OVERVIEW_TOPICS = ("Deep learning and machine learning", "Ways of learning", "Types of networks",
                   "Where deep learning is used")

GLOSSARY: tuple[Term, ...] = (
    Term("Deep learning vs machine learning", OVERVIEW_TOPICS[0],
         "Machine learning fits a model's parameters to examples instead of hand-writing rules. Deep learning "
         "is machine learning with neural networks of many layers, which learn their own features from raw "
         "inputs such as pixels; classic methods usually work on features a person designed.", "playground"),
    Term("Supervised learning", OVERVIEW_TOPICS[1],
         "Learning from inputs paired with the right answers (labels), such as digit images with their digit; "
         "the loss measures how far the predictions are from the labels.", "transfer_learning"),
    Term("Unsupervised learning", OVERVIEW_TOPICS[1],
         "Learning the structure of data without labels: an autoencoder learns to rebuild its input, and "
         "a large rebuilding error flags an input unlike those it was trained on.", "anomaly_detection"),
    Term("Reinforcement learning", OVERVIEW_TOPICS[1],
         "An agent learns by acting in an environment and receiving rewards, with no labelled answers; "
         "deep reinforcement learning uses a neural network for the policy or the value estimates.",
         "reinforcement_learning"),
    Term("Multilayer perceptron (MLP)", OVERVIEW_TOPICS[2],
         "Layers of neurons, each a weighted sum of all the previous layer's outputs plus a bias, passed "
         "through a non-linear activation.", "playground"),
    Term("Convolutional network (CNN)", OVERVIEW_TOPICS[2],
         "Slides small learned kernels over an image, so the same weights look for the same pattern "
         "everywhere; long the standard network for images.", "convolutions"),
    Term("Recurrent network (RNN, LSTM, GRU)", OVERVIEW_TOPICS[2],
         "Reads a sequence one step at a time with the same weights, carrying a state from step to step; "
         "the LSTM's and GRU's gates keep gradients alive over long gaps.", "recurrent"),
    Term("Transformer and attention", OVERVIEW_TOPICS[2],
         "Attention lets every token take a weighted average of all the tokens; a Transformer stacks "
         "attention layers and small feed-forward layers, and underlies today's large language models.", "attention"),
    Term("Generative models (GANs, VAEs)", OVERVIEW_TOPICS[2],
         "Networks that learn to produce new samples like their training data, from random noise (a GAN's "
         "generator) or from points of a learned latent space (a VAE's decoder).", "generative"),
    Term("Applications", OVERVIEW_TOPICS[3],
         "Mostly where there is plenty of raw data: images (photo classification, medical scans), language "
         "(translation, search, assistants), speech, recommendation, and generating images and text. "
         "The Model zoo runs a real photo classifier trained on ImageNet's 1,000 classes.", "model_zoo"),
)
