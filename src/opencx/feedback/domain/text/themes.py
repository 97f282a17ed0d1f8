"""Themes: discovered from the comments themselves, named by people, assigned transparently.

Discovery factorises the TF-IDF matrix of the comments (word uni- and bigrams) with
non-negative matrix factorisation (Lee & Seung 1999, *Nature* 401:788) into ``k`` themes; each
theme keeps its top terms with their weights and a provisional label (its three strongest terms),
which the user may rename ("delivery", "price"). Giving two themes the same name merges them,
which is how a Dutch and a Danish "delivery" theme become one.

Assignment needs no fitted object: a comment belongs to a theme when the summed weight of the
theme's terms found in it reaches ``threshold`` of the theme's top term weight, so anyone can
see why a comment was tagged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from opencx.feedback.domain.text.language import STOP_WORDS

_TOKEN = re.compile(r"[^\W\d_]{2,}", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Theme:
    key: str
    label: str  # the provisional label: its strongest terms
    terms: Mapping[str, float]  # term → weight (the top terms)
    name: str | None = None  # what the user called it

    @property
    def title(self) -> str:
        return self.name or self.label


def tokens(text: str) -> list[str]:
    """Content words (stop words dropped) and the bigrams of neighbouring content words."""
    words = [w for w in (x.casefold() for x in _TOKEN.findall(text)) if w not in STOP_WORDS]
    return words + [f"{a} {b}" for a, b in pairwise(words)]


def discover(texts: Sequence[str], k: int = 8, top: int = 15, seed: int = 7) -> list[Theme]:
    """``k`` themes from ``texts`` (at least ``2 k`` comments), strongest terms first."""
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len(texts) < 2 * k:
        raise ValueError(f"themes: need at least {2 * k} comments to find {k} themes")
    vec = TfidfVectorizer(
        token_pattern=None,
        tokenizer=tokens,
        lowercase=False,
        min_df=3,
        max_df=0.3,
        sublinear_tf=True,
    )
    x = vec.fit_transform(texts)
    model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=400)
    model.fit(x)
    vocab = np.asarray(vec.get_feature_names_out())
    themes = []
    for i, row in enumerate(model.components_):
        best = np.argsort(row)[::-1][:top]
        terms = {str(vocab[j]): round(float(row[j]), 4) for j in best if row[j] > 0}
        label = ", ".join(list(terms)[:3])
        themes.append(Theme(f"t{i + 1}", label, terms))
    return themes


def assign(text: str, themes: Sequence[Theme], threshold: float = 0.5) -> list[str]:
    """Titles of the themes ``text`` belongs to (each title once)."""
    present = set(tokens(text))
    found: list[str] = []
    for theme in themes:
        if not theme.terms:
            continue
        top = max(theme.terms.values())
        weight = sum(w for term, w in theme.terms.items() if term in present)
        if weight >= threshold * top and theme.title not in found:
            found.append(theme.title)
    return found
