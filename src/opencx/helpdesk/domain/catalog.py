"""Self-service catalog: items with a form, optional approvals and an automated action.

A customer fills an item's form (request an invoice copy, report a lost card, change a delivery
address, reset a password). A run is ``pending_approval`` until the configured number of
distinct approvers said yes (or one said no: ``rejected``); then its action runs and the run is
``completed``, or ``failed`` and a case is opened for a person. Every step is audited.

Actions: ``email`` (a message to the customer from a template with ``{{field}}`` placeholders)
and ``webhook`` (a signed POST of the form to the company's own system, e.g. the card platform,
through the outbox).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from opencx.core.errors import Conflict, InvalidInput
from opencx.helpdesk.domain.documents import Document

ACTIONS = ("email", "webhook")
KINDS = ("text", "email", "choice")  # what a form field may be
MOST_APPROVALS = 20
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)  # {{invoice}}, {{ card-no }}
TEMPLATED = ("subject", "template")  # the settings of an email item that name fields


@dataclass(frozen=True, slots=True)
class FormField:
    name: str
    label: str
    required: bool = True
    kind: str = "text"  # text, email, choice
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CatalogItem:
    key: str
    title: str
    fields: tuple[FormField, ...]
    action: str
    settings: Mapping[str, str]  # email: subject, template; webhook: url
    approvals: int = 0
    queue: str | None = None  # where a failed run's case goes

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise InvalidInput(f"catalog item {self.key!r}: action must be one of {ACTIONS}")
        if self.approvals < 0:
            raise InvalidInput(f"catalog item {self.key!r}: approvals must not be negative")


def check_form(item: CatalogItem, values: Mapping[str, Any]) -> dict[str, str]:
    """The form's values as text; errors name the field and the rule."""
    known = {f.name for f in item.fields}
    unknown = sorted(set(values) - known)
    if unknown:
        raise InvalidInput(f"{item.title}: unknown field(s) {unknown}")
    out: dict[str, str] = {}
    for f in item.fields:
        value = str(values.get(f.name) or "").strip()
        if not value:
            if f.required:
                raise InvalidInput(f"{item.title}: {f.label} is required")
            continue
        if f.kind == "email" and not EMAIL.match(value):
            raise InvalidInput(f"{item.title}: {f.label} {value!r} is not an email address")
        if f.kind == "choice" and value not in f.choices:
            raise InvalidInput(f"{item.title}: {f.label} must be one of {list(f.choices)}")
        out[f.name] = value[:2000]
    return out


def after_approval(item: CatalogItem, approvers: set[str], approver: str, status: str) -> str:
    """The status once ``approver`` approved: still pending, or ready to run."""
    if status != "pending_approval":
        raise Conflict(f"this request is {status}; it takes no approvals")
    return "running" if len(approvers | {approver}) >= item.approvals else "pending_approval"


def checked_item(data: object) -> CatalogItem:
    """An item as an admin defines it (the API's body, the page's editor), every value checked
    and a wrong one named by its path; :func:`item_from_dict` reads one stored."""
    doc = Document("catalog item", data)
    doc.only(("key", "title", "action", "settings", "approvals", "queue", "fields"))
    key, title = doc.key("key"), doc.text("title")
    action = doc.text("action")
    if action not in ACTIONS:
        doc.refuse("action", f"{action[:40]!r} is not one of {', '.join(ACTIONS)}")
    settings = doc.text_map("settings")
    if action == "webhook" and not re.match(r"^https?://[^/\s]+", settings.get("url", "")):
        doc.refuse("settings.url", "a webhook needs an absolute http:// or https:// URL")
    fields = tuple(_checked_field(f) for f in doc.objects("fields"))
    names = [f.name for f in fields]
    if len(set(names)) != len(names):
        doc.refuse("fields", f"each field needs its own name ({', '.join(names)})")
    for setting, problem in _placeholder_faults(action, settings, names):
        doc.refuse(setting, problem)
    return CatalogItem(
        key=key,
        title=title,
        fields=fields,
        action=action,
        settings=settings,
        approvals=doc.whole("approvals", 0, 0, MOST_APPROVALS),
        queue=doc.optional_key("queue"),
    )


def _checked_field(doc: Document) -> FormField:
    doc.only(("name", "label", "required", "kind", "choices"))
    name, label = doc.key("name"), doc.text("label")
    kind = doc.text("kind", "text") or "text"
    if kind not in KINDS:
        doc.refuse("kind", f"{kind[:40]!r} is not one of {', '.join(KINDS)}")
    choices = tuple(doc.texts("choices"))
    if (kind == "choice") != bool(choices):
        doc.refuse("choices", "a choice field lists its choices; other kinds have none")
    return FormField(name, label, doc.flag("required", True), kind, choices)


def _placeholder_faults(
    action: str, settings: Mapping[str, str], names: Sequence[str]
) -> Iterator[tuple[str, str]]:
    """Each setting of an email item whose template names a ``{{placeholder}}`` that is not
    one of ``names`` (its fields), with the first such name: (``settings.template``, why)."""
    if action != "email":
        return
    for setting in TEMPLATED:
        unknown = [p for p in placeholders(settings.get(setting, "")) if p not in names]
        if unknown:
            yield (
                f"settings.{setting}",
                f"{{{{{unknown[0][:60]}}}}} is not one of the item's fields"
                f" ({', '.join(names) or 'it has none'})",
            )


def render_faults(item: CatalogItem) -> tuple[str, ...]:
    """Why a stored ``item``'s email will not render, in the words a save is refused with
    ('settings.template: {{city}} is not one of the item's fields (street)'): an item saved
    before :func:`checked_item` checked its placeholders (21dfe7b), each request for which
    fails into a case. Empty when it renders; the catalog's pages show them to an admin.

    >>> item = CatalogItem("c", "C", (FormField("street", "Street"),), "email",
    ...                    {"template": "{{ city }}"})
    >>> render_faults(item)
    ("settings.template: {{city}} is not one of the item's fields (street)",)
    """
    names = [f.name for f in item.fields]
    return tuple(f"{s}: {why}" for s, why in _placeholder_faults(item.action, item.settings, names))


def placeholders(template: str) -> list[str]:
    """The names a template's ``{{...}}`` placeholders give, in order, once each."""
    return list(dict.fromkeys(m.strip() for m in PLACEHOLDER.findall(template)))


def fill(item: CatalogItem, template: str, form: Mapping[str, str]) -> str:
    """``template`` with each ``{{field}}`` replaced by the form's value ('' for an optional
    field left empty); a placeholder naming no field (an item stored before they were checked)
    is an error naming it.

    >>> item = CatalogItem("copy", "Copy", (FormField("invoice", "Invoice"),), "email", {})
    >>> fill(item, "Invoice {{ invoice }}", {"invoice": "F-1"})
    'Invoice F-1'
    """
    names = {f.name for f in item.fields}
    unknown = [p for p in placeholders(template) if p not in names]
    if unknown:
        raise InvalidInput(
            f"catalog item {item.key!r}: {{{{{unknown[0][:60]}}}}} is not one of its fields"
        )
    return PLACEHOLDER.sub(lambda m: form.get(m.group(1).strip(), ""), template)


def item_from_dict(data: Mapping[str, Any]) -> CatalogItem:
    try:
        return CatalogItem(
            key=str(data["key"]),
            title=str(data["title"]),
            fields=tuple(
                FormField(**{**f, "choices": tuple(f.get("choices", ()))}) for f in data["fields"]
            ),
            action=str(data["action"]),
            settings={str(k): str(v) for k, v in data.get("settings", {}).items()},
            approvals=int(data.get("approvals", 0)),
            queue=data.get("queue"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(f"catalog item definition is incomplete or malformed: {exc}") from None


def item_to_dict(item: CatalogItem) -> dict[str, Any]:
    return {
        "key": item.key,
        "title": item.title,
        "action": item.action,
        "settings": dict(item.settings),
        "approvals": item.approvals,
        "queue": item.queue,
        "fields": [
            {
                "name": f.name,
                "label": f.label,
                "required": f.required,
                "kind": f.kind,
                "choices": list(f.choices),
            }
            for f in item.fields
        ],
    }
