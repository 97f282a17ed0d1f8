"""The demo's phrase bank in Dutch, Danish, Greek and English: survey comments by theme and
polarity (``comments``), support case subjects, messages and agents (``cases``), and survey
question texts (``questions``)."""

from opencx.demo.domain.text.cases import AGENTS, CASE_CATEGORIES, CASE_MESSAGES, CASE_SUBJECTS
from opencx.demo.domain.text.comments import COMMENTS, LANGUAGES, THEMES, comment_themes
from opencx.demo.domain.text.questions import QUESTIONS

__all__ = [
    "AGENTS",
    "CASE_CATEGORIES",
    "CASE_MESSAGES",
    "CASE_SUBJECTS",
    "COMMENTS",
    "LANGUAGES",
    "QUESTIONS",
    "THEMES",
    "comment_themes",
]
