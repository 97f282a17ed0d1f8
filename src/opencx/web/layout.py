"""The page shell's navigation: one entry per slice, in the order a CX team works."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NavItem:
    label: str
    href: str
    blurb: str  # what the page will show; used by the "coming soon" page
    scope: str | None = None  # what the page needs; the entry is shown only to who has it


NAV: tuple[NavItem, ...] = (
    NavItem("Data", "/data", "rows, date ranges and imports of every canonical table"),
    NavItem(
        "Customers", "/customers", "search customers and open their 360° profile", "customers:read"
    ),
    NavItem(
        "Feedback", "/feedback", "surveys, responses, themes and the closed loop", "feedback:read"
    ),
    NavItem(
        "Metrics",
        "/metrics",
        "NPS, CSAT, CES and retention with breakdowns and targets",
        "metrics:read",
    ),
    NavItem(
        "Models", "/models", "customer lifetime value, churn risk, RFM and personas", "models:read"
    ),
    NavItem("Loyalty", "/loyalty", "programs, points ledger, tiers and rewards", "loyalty:read"),
    NavItem(
        "Helpdesk",
        "/helpdesk",
        "cases, queues, SLA clocks, live chat and agent quality",
        "helpdesk:read",
    ),
    NavItem(
        "Journeys", "/journeys", "touchpoint paths, friction points, experiments", "journeys:read"
    ),
    NavItem("Admin", "/admin/users", "users, roles, API keys, sessions and jobs", "users:admin"),
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


ICON_SHAPES: dict[str, str] = {
    # 24×24 outline shapes drawn for OpenCX, stroked in the text colour
    "cart": '<path d="M3 4h2l2 11h11l2-8H6"/><circle cx="9" cy="19" r="1.5"/>'
    '<circle cx="17" cy="19" r="1.5"/>',
    "ticket": '<path d="M3 7h18v3a2 2 0 0 0 0 4v3H3v-3a2 2 0 0 0 0-4z"/>',
    "message": '<path d="M4 5h16v11H9l-5 4z"/>',
    "star": '<path d="M12 3l2.8 5.7 6.2.9-4.5 4.4 1 6.2L12 17.3 6.5 20.2l1-6.2L3 9.6l6.2-.9z"/>',
    "globe": '<circle cx="12" cy="12" r="9"/>'
    '<path d="M3 12h18M12 3c3 3.5 3 14.5 0 18M12 3c-3 3.5-3 14.5 0 18"/>',
    "mobile": '<rect x="7" y="2" width="10" height="20" rx="2"/><path d="M11 18h2"/>',
    "store": '<path d="M3 9l2-5h14l2 5M4 9v11h16V9M3 9h18M9 20v-6h6v6"/>',
    "mail": '<rect x="3" y="5" width="18" height="14" rx="2"/><path d="M3 7l9 6 9-6"/>',
    "phone": '<path d="M5 3h4l2 5-2.5 1.5a11 11 0 0 0 6 6L16 13l5 2v4a2 2 0 0 1-2 2'
    'A17 17 0 0 1 3 5a2 2 0 0 1 2-2z"/>',
    "users": '<circle cx="9" cy="8" r="3"/><path d="M3 20c0-3.5 2.5-6 6-6s6 2.5 6 6"/>'
    '<circle cx="17" cy="9" r="2.5"/><path d="M17 14c2.5 0 4 2 4 5"/>',
    "send": '<path d="M3 11l18-8-8 18-2-8z"/>',
    "award": '<circle cx="12" cy="9" r="6"/><path d="M8.5 14L7 22l5-3 5 3-1.5-8"/>',
    "paperclip": '<path d="M20 11l-8.5 8.5a5 5 0 0 1-7-7L13 4a3.5 3.5 0 0 1 5 5l-8.5 8.5'
    'a2 2 0 0 1-3-3L14 7"/>',
    "check": '<path d="M4 12l5 5L20 6"/>',
    "dot": '<circle cx="12" cy="12" r="3"/>',
}
"""Icons as inline SVG (``icon`` in every template): they render without an emoji font."""


def icon_svg(name: str, label: str | None = None) -> str:
    """An inline SVG icon (unknown names get a dot); with a label it is an image to screen
    readers, without one it is decoration. ``label`` must be escaped by the caller."""
    shape = ICON_SHAPES.get(name, ICON_SHAPES["dot"])
    a11y = f'role="img" aria-label="{label}"' if label else 'aria-hidden="true"'
    return (
        f'<svg class="icon icon-{name}" viewBox="0 0 24 24" width="1.1em" height="1.1em" '
        f'fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" '
        f'stroke-linejoin="round" focusable="false" {a11y}>{shape}</svg>'
    )
