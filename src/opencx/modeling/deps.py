"""The modeling slice's FastAPI dependencies, shared by its routes and pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from opencx.modeling.service import ModelingService
from opencx.web.services import provide

ModelingServiceDep = Annotated[ModelingService, Depends(provide("modeling", ModelingService))]
"""The application's :class:`ModelingService`."""
