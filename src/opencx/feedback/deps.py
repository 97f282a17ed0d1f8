"""The feedback slice's FastAPI dependencies, shared by its routes and pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from opencx.feedback.service import FeedbackService
from opencx.web.services import provide

FeedbackServiceDep = Annotated[FeedbackService, Depends(provide("feedback", FeedbackService))]
"""The application's :class:`FeedbackService`."""
