"""Sentiment learned from the company's own scored answers: no downloaded model, any language.

Every comment given beside a score is a labelled example: a low score (NPS 0–6, CSAT/ratings
in the bottom two fifths of the scale) is negative, a high one (NPS 9–10, top two fifths)
positive; the middle is left out of training. The model is a logistic regression on TF-IDF
features of word uni- and bigrams and character 2–5-grams within word boundaries (robust to
inflection, compounds and run-together words, in any script), each feature scaled by its
naive-Bayes log-count ratio (NBSVM: Wang & Manning 2012, "Baselines and Bigrams", ACL, §2.3),
with classes weighted to balance.

Pure computation: texts and labels in, a fitted value out; nothing is read or written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # SciPy's sparse matrices come with scikit-learn, when a model is fitted
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression


NPS_LIKE = frozenset({"nps", "enps"})


def label_from_score(question_type: str, score: int, low: int, high: int) -> int | None:
    """1 (positive), 0 (negative) or None (neutral: not used to learn).

    >>> label_from_score("nps", 6, 0, 10), label_from_score("nps", 8, 0, 10)
    (0, None)
    >>> label_from_score("csat", 4, 1, 5), label_from_score("csat", 3, 1, 5)
    (1, None)
    """
    if question_type in NPS_LIKE:
        return 1 if score >= 9 else (0 if score <= 6 else None)
    span = high - low
    if span <= 0:
        return None
    position = (score - low) / span
    return 1 if position >= 0.6 else (0 if position <= 0.4 else None)


@dataclass(frozen=True)
class SentimentModel:
    """A fitted model: ``score(texts)`` gives −1 (negative) … +1 (positive) per text."""

    words: TfidfVectorizer
    chars: TfidfVectorizer
    ratio: np.ndarray
    classifier: LogisticRegression
    trained_on: int

    def probability(self, texts: Sequence[str]) -> np.ndarray:
        features = _features(self.words, self.chars, texts).multiply(self.ratio).tocsr()
        return np.asarray(self.classifier.predict_proba(features)[:, 1])

    def score(self, texts: Sequence[str]) -> np.ndarray:
        return 2.0 * self.probability(texts) - 1.0

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        return (self.probability(texts) >= 0.5).astype(int)


def _features(
    words: TfidfVectorizer, chars: TfidfVectorizer, texts: Sequence[str]
) -> sparse.csr_matrix:
    from scipy import sparse

    return sparse.hstack([words.transform(texts), chars.transform(texts)]).tocsr()


def _nb_ratio(x: sparse.csr_matrix, y: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """Log-count ratio r = log((p/|p|₁)/(q/|q|₁)) of Wang & Manning (2012), eq. 2."""
    p = np.asarray(x[y == 1].sum(axis=0)).ravel() + alpha
    q = np.asarray(x[y == 0].sum(axis=0)).ravel() + alpha
    return np.log((p / p.sum()) / (q / q.sum()))


def fit(
    texts: Sequence[str], labels: Sequence[int], *, c: float = 4.0, max_features: int = 200_000
) -> SentimentModel:
    """Fit on ``texts`` with binary ``labels`` (1 positive, 0 negative); both classes needed."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    y = np.asarray(labels, dtype=int)
    if len(set(y.tolist())) < 2:
        raise ValueError("sentiment: need both positive and negative examples to learn from")
    words = TfidfVectorizer(
        ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=max_features, lowercase=True
    )
    chars = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 5),
        min_df=2,
        sublinear_tf=True,
        max_features=max_features,
        lowercase=True,
    )
    words.fit(texts)
    chars.fit(texts)
    x = _features(words, chars, texts)
    ratio = _nb_ratio(x, y)
    clf = LogisticRegression(C=c, class_weight="balanced", max_iter=2000, solver="liblinear")
    clf.fit(x.multiply(ratio).tocsr(), y)
    return SentimentModel(words, chars, ratio, clf, len(y))
