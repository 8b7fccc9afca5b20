"""The page's own corpus: short English sentences written from templates by this project, so the
relations in it are known (families: king/queen, man/woman; capitals: paris/france; plurals:
cat/cats; tenses: walk/walked). Word2vec and the BPE tokenizer train on it; nothing is downloaded."""
from __future__ import annotations

import numpy as np

# Pairs whose second word differs from the first by one relation: (a, b) means a → b
FAMILY = (("king", "queen"), ("man", "woman"), ("boy", "girl"), ("brother", "sister"), ("father", "mother"),
          ("son", "daughter"), ("prince", "princess"), ("uncle", "aunt"))
CAPITALS = (("france", "paris"), ("italy", "rome"), ("spain", "madrid"), ("germany", "berlin"),
            ("japan", "tokyo"), ("egypt", "cairo"), ("greece", "athens"), ("russia", "moscow"))
PLURALS = (("cat", "cats"), ("dog", "dogs"), ("horse", "horses"), ("bird", "birds"), ("apple", "apples"),
           ("house", "houses"), ("tree", "trees"), ("car", "cars"))
TENSES = (("walk", "walked"), ("jump", "jumped"), ("play", "played"), ("cook", "cooked"), ("paint", "painted"),
          ("climb", "climbed"), ("watch", "watched"), ("visit", "visited"))
RELATIONS = {"family": FAMILY, "capitals": CAPITALS, "plurals": PLURALS, "tenses": TENSES}

ROYAL = {"king", "queen", "prince", "princess"}
PLACES = ("the river", "the market", "the garden", "the harbour", "the old bridge", "the museum")
TIMES = ("today", "yesterday", "every morning", "in the evening", "at noon", "after the rain")
FOODS = ("bread", "cheese", "soup", "rice", "fish", "cake")


def _family(rng: np.random.Generator) -> str:
    male, female = FAMILY[rng.integers(len(FAMILY))]
    word, he = (male, "he") if rng.random() < 0.5 else (female, "she")
    royal = word in ROYAL
    pick = rng.integers(5)
    if pick == 0:
        return f"the {word} said that {he} was tired"
    if pick == 1:
        return f"{he} is a {word} and {he} lives in the {'palace' if royal else 'village'}"
    if pick == 2:
        return f"the {word} rode to {PLACES[rng.integers(len(PLACES))]} {TIMES[rng.integers(len(TIMES))]}"
    if pick == 3:
        return f"the {'royal' if royal else 'young'} {word} smiled because {he} was happy"
    return f"the {word} wore {'a crown' if royal else 'a coat'} and {he} waved"


def _capital(rng: np.random.Generator) -> str:
    country, city = CAPITALS[rng.integers(len(CAPITALS))]
    pick = rng.integers(4)
    if pick == 0:
        return f"{city} is the capital of {country}"
    if pick == 1:
        return f"the capital city of {country} is {city}"
    if pick == 2:
        return f"we flew to {city} in {country} {TIMES[rng.integers(len(TIMES))]}"
    return f"{country} is a country and {city} is a city"


def _plural(rng: np.random.Generator) -> str:
    one, many = PLURALS[rng.integers(len(PLURALS))]
    n = ("two", "three", "many", "some")[rng.integers(4)]
    pick = rng.integers(3)
    if pick == 0:
        return f"i saw one {one} and then {n} {many}"
    if pick == 1:
        return f"{'an' if one[0] in 'aeiou' else 'a'} {one} is here but the {many} are {PLACES[rng.integers(len(PLACES))].replace('the ', 'by the ')}"
    return f"this {one} was alone while those {many} were together"


def _tense(rng: np.random.Generator) -> str:
    now, past = TENSES[rng.integers(len(TENSES))]
    pick = rng.integers(3)
    if pick == 0:
        return f"today we {now} and yesterday we {past}"
    if pick == 1:
        return f"they {now} every day and last week they {past} too"
    return f"i will {now} tomorrow because i {past} {TIMES[rng.integers(len(TIMES))]}"


def _filler(rng: np.random.Generator) -> str:
    return f"we ate {FOODS[rng.integers(len(FOODS))]} near {PLACES[rng.integers(len(PLACES))]}"


WRITERS = (_family, _capital, _plural, _tense, _filler)
WEIGHTS = np.array([0.34, 0.22, 0.17, 0.17, 0.10])


def sentences(n: int = 2400, seed: int = 0) -> list[str]:
    """`n` sentences drawn from the templates (lower case, no punctuation), the same for the same seed."""
    rng = np.random.default_rng(seed)
    kinds = rng.choice(len(WRITERS), size=n, p=WEIGHTS)
    return [WRITERS[k](rng) for k in kinds]


def analogies() -> list[tuple[str, str, str, str]]:
    """Every a : b :: c : d question the corpus supports (same relation, two different pairs)."""
    out = []
    for pairs in RELATIONS.values():
        for a, b in pairs:
            for c, d in pairs:
                if a != c:
                    out.append((a, b, c, d))
    return out


def relation_words() -> tuple[list[str], list[str]]:
    """The 64 words of the four relations and the relation each belongs to (for colours)."""
    words, groups = [], []
    for group, pairs in RELATIONS.items():
        for pair in pairs:
            words += list(pair)
            groups += [group, group]
    return words, groups


def analogy_name(a: str, b: str, c: str, d: str) -> str:
    return f"{a}:{b}:{c}:{d}"


ANALOGIES = tuple(analogy_name(*q) for q in analogies())
ANALOGY_DEFAULT = "man:woman:king:queen"  # woman − man + king ≈ queen
