"""The helpdesk slice's FastAPI dependencies, shared by its routes and pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from opencx.helpdesk.service import HelpdeskService
from opencx.web.services import provide

HelpdeskServiceDep = Annotated[HelpdeskService, Depends(provide("helpdesk", HelpdeskService))]
"""The application's :class:`HelpdeskService`."""
