"""web: the page shell, templates and static files shared by every page, and access control.

Slices use :func:`render` for pages, :func:`plotly_figure` for charts, and the dependencies
:func:`require_scope` (API), :func:`require_page_user` / :func:`require_page_scope` (pages) and
:func:`require_csrf` (page forms); :func:`provide` makes a slice's typed service dependency.
"""

from opencx.web.auth import (
    Principal,
    require_csrf,
    require_page_scope,
    require_page_user,
    require_scope,
)
from opencx.web.errors import ERROR_STATUS
from opencx.web.render import plotly_figure, render
from opencx.web.services import provide

__all__ = [
    "ERROR_STATUS",
    "Principal",
    "plotly_figure",
    "provide",
    "render",
    "require_csrf",
    "require_page_scope",
    "require_page_user",
    "require_scope",
]
