"""The customers slice's FastAPI dependencies, shared by its routes and pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from opencx.customers.service import CustomerService
from opencx.web.services import provide

CustomerServiceDep = Annotated[CustomerService, Depends(provide("customers", CustomerService))]
"""The application's :class:`CustomerService`."""
