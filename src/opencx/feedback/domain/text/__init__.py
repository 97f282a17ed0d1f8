"""Text analytics of comments: language, sentiment learned from scores, aspects named in every
language, discovered themes, drivers, trends.

Pure computation on numpy/scipy/scikit-learn (like ``modeling``): texts and scores in, values
out; the service reads the answers and writes the ``answer_topics`` read model.
"""

from opencx.feedback.domain.text.aspects import ASPECTS, aspects_in
from opencx.feedback.domain.text.drivers import Driver, Trend, key_drivers, trending
from opencx.feedback.domain.text.language import detect
from opencx.feedback.domain.text.sentiment import SentimentModel, fit, label_from_score
from opencx.feedback.domain.text.themes import Theme, assign, discover

__all__ = [
    "ASPECTS",
    "Driver",
    "SentimentModel",
    "Theme",
    "Trend",
    "aspects_in",
    "assign",
    "detect",
    "discover",
    "fit",
    "key_drivers",
    "label_from_score",
    "trending",
]
