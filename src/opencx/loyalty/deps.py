"""The loyalty slice's FastAPI dependencies, shared by its routes and pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from opencx.loyalty.service import LoyaltyService
from opencx.web.services import provide

LoyaltyServiceDep = Annotated[LoyaltyService, Depends(provide("loyalty", LoyaltyService))]
"""The application's :class:`LoyaltyService`."""
