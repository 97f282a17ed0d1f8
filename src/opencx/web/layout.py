"""The page shell's navigation: one entry per slice, in the order a CX team works."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NavItem:
    label: str
    href: str
    blurb: str  # what the page will show; used by the "coming soon" page


NAV: tuple[NavItem, ...] = (
    NavItem("Data", "/data", "rows, date ranges and imports of every canonical table"),
    NavItem("Customers", "/customers", "search customers and open their 360° profile"),
    NavItem("Feedback", "/feedback", "surveys, responses, themes and the closed loop"),
    NavItem("Metrics", "/metrics", "NPS, CSAT, CES and retention with breakdowns and targets"),
    NavItem("Models", "/models", "customer lifetime value, churn risk, RFM and personas"),
    NavItem("Loyalty", "/loyalty", "programs, points ledger, tiers and rewards"),
    NavItem("Service", "/service", "cases, queues, SLA clocks and agent quality"),
    NavItem("Journeys", "/journeys", "touchpoint paths, friction points and experiments"),
)


def active_href(path: str) -> str | None:
    """The nav entry a request path belongs to (longest matching prefix)."""
    best: str | None = None
    for item in NAV:
        if (path == item.href or path.startswith(item.href + "/")) and (
            best is None or len(item.href) > len(best)
        ):
            best = item.href
    return best
