"""Text analytics of comments: language, sentiment learned from scores, themes, drivers, trends.

Pure computation on numpy/scipy/scikit-learn (like ``modeling``): texts and scores in, values
out; the service reads the answers and writes the ``answer_topics`` read model.
"""

from opencx.feedback.domain.text.drivers import Driver, Trend, key_drivers, trending
from opencx.feedback.domain.text.language import detect
from opencx.feedback.domain.text.sentiment import SentimentModel, fit, label_from_score
from opencx.feedback.domain.text.themes import Theme, assign, discover

__all__ = [
    "Driver",
    "SentimentModel",
    "Theme",
    "Trend",
    "assign",
    "detect",
    "discover",
    "fit",
    "key_drivers",
    "label_from_score",
    "trending",
]
