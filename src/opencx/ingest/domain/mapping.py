"""How the columns of one file become canonical fields: a mapping, from a TOML file or a bundled
name (read by :mod:`opencx.ingest.store.mapping_files`), overridden by command-line flags.

A mapping file may hold::

    kind = "orders"
    source = "shop"
    date_format = "%d/%m/%Y %H:%M"   # strptime; omitted: detected per column
    timezone = "Europe/Amsterdam"    # naive local times are converted to UTC
    decimal = ","
    delimiter = ";"                  # or whitespace = true; header = false + names = [...]
    [columns]     # canonical field = source column (``_line`` = the record number)
    order_id = "Bestelnummer"
    [constants]
    currency = "EUR"
    [computed]
    unit_price = "amount / qty"
    [joined]      # the values of several columns joined with "|", to transform together
    kind = "incoming|private"        # "true|false" ...
    [transforms.country]
    "Nederland" = "NL"

Bundled mappings live in ``opencx/ingest/mappings/<name>.toml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

from opencx.core.errors import InvalidInput

AnonymousPolicy = Literal["orders", "reject"]


DuplicatePolicy = Literal["reject", "skip", "keep"]


@dataclass(frozen=True, slots=True)
class Advice:
    """What a rule that refuses a value tells the user to change, in the words of the edge the
    data came from: the options of ``opencx import`` (:data:`COMMAND_ADVICE`), the fields of an
    event of ``POST /api/events`` (:data:`EVENT_ADVICE`), whose caller has no option to pass,
    the form fields of ``POST /api/imports`` (:data:`UPLOAD_ADVICE`) or the import page's
    (:data:`PAGE_ADVICE`). ``amount`` is formatted with the mapping's ``decimal``, ``map_line``
    with the line refused (``item``)."""

    amount: str  # after "not a number"
    unknown_column: str
    missing_column: str
    unknown_customer: str
    map_line: str  # a column mapping line that is not FIELD=COLUMN
    anonymous: str  # an order without a customer where the mapping refuses anonymous rows
    date_format: str  # the date format the mapping gives, named in "not a date in ..."
    encoding: str  # what to do when the file's bytes are not of the encoding read


COMMAND_ADVICE = Advice(
    amount="not a number (decimal separator {decimal!r}; use --decimal to change it)",
    unknown_column="unknown column (map it with --map FIELD=COLUMN or pass --ignore-unknown)",
    missing_column="missing required column",
    unknown_customer="unknown customer (import customers first or pass --create-missing-customers)",
    map_line="--map {item!r}: expected FIELD=COLUMN, e.g. order_id=InvoiceNo",
    anonymous="no customer given (use --anonymous orders to load anonymous rows)",
    date_format="the --date-format",
    encoding="give the file's encoding with --encoding, e.g. cp1252",
)
EVENT_ADVICE = Advice(
    amount=(
        "not a number (send a JSON number, or a string of digits with '.' before the decimals"
        ' and no exponent, such as "7.50")'
    ),
    unknown_column="unknown field (the fields of {kind}: {fields})",
    missing_column="required field is missing",
    unknown_customer=(
        "unknown customer (send a customer event for it first, or set"
        " create_missing_customers: true)"
    ),
    map_line="{item!r}: expected FIELD=COLUMN",  # an event maps no column
    anonymous="no customer given",  # an event's order may be anonymous
    date_format="the date format",  # an event's times are ISO 8601
    encoding="send UTF-8",  # JSON text is UTF-8
)
_UPLOAD_AMOUNT = (
    "not a number (write amounts with {decimal!r} before the decimals and no thousands"
    " separator, such as 7{decimal}50)"
)
_UPLOAD_ANONYMOUS = "no customer given (an upload loads no order without one)"
_UPLOAD_ENCODING = "convert the file to UTF-8, e.g. iconv -f cp1252 -t utf-8"
UPLOAD_ADVICE = Advice(
    amount=_UPLOAD_AMOUNT,
    unknown_column=(
        "unknown column (map it to a field with a FIELD=Column line in columns, or leave it"
        " out of the file)"
    ),
    missing_column="missing required column (name it in columns: a FIELD=Column line)",
    unknown_customer=(
        "unknown customer (import customers first, or set create_missing_customers=true)"
    ),
    map_line="columns: line {item!r}: expected FIELD=Column, e.g. order_id=InvoiceNo",
    anonymous=_UPLOAD_ANONYMOUS,
    date_format="the mapping's date format",
    encoding=_UPLOAD_ENCODING,
)
PAGE_ADVICE = Advice(
    amount=_UPLOAD_AMOUNT,
    unknown_column=(
        "unknown column (map it to a field with a line FIELD=Column under 'Column mapping',"
        " or leave it out of the file)"
    ),
    missing_column="missing required column (map it with a line FIELD=Column under 'Column"
    " mapping')",
    unknown_customer=(
        "unknown customer (import customers first, or tick 'Create customers the rows refer to')"
    ),
    map_line="Column mapping: line {item!r}: expected FIELD=Column, e.g. order_id=InvoiceNo",
    anonymous=_UPLOAD_ANONYMOUS,
    date_format="the mapping's date format",
    encoding=_UPLOAD_ENCODING,
)


@dataclass(frozen=True, slots=True)
class Mapping:
    """How the columns of one file become canonical fields, and how its values are read.

    ``columns`` maps canonical field → source column (``_line`` is the record number);
    ``constants`` fills a field with one value; ``computed`` holds ``"a / b"`` quotients of
    two source columns; ``joined`` holds ``"a|b"``: the texts of several columns joined with
    ``|`` (an empty cell as nothing), for a transform that reads them together;
    ``transforms`` replace exact source values per canonical field.
    """

    columns: dict[str, str] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    computed: dict[str, str] = field(default_factory=dict)
    joined: dict[str, str] = field(default_factory=dict)
    transforms: dict[str, dict[str, str]] = field(default_factory=dict)
    kind: str | None = None
    source: str | None = None
    date_format: str | None = None
    timezone: str = "UTC"
    decimal: str = "."
    delimiter: str | None = None
    whitespace: bool = False
    header: bool = True
    skip_after_header: int = 0  # rows after the header that are not records (Qualtrics: 2)
    names: tuple[str, ...] = ()
    encoding: str | None = None
    anonymous: AnonymousPolicy = "reject"
    create_missing_customers: bool = False
    duplicates: DuplicatePolicy = "reject"
    return_prefix: str | None = None  # order ids starting with this mark return orders
    link_returns: Literal["customer_sku"] | None = None
    non_merchandise: frozenset[str] = frozenset()
    non_merchandise_prefixes: tuple[str, ...] = ()
    survey: str | None = None
    advice: Advice = COMMAND_ADVICE  # not a setting of a mapping file: the edge's words

    def is_non_merchandise(self, sku: str) -> bool:
        return sku in self.non_merchandise or sku.startswith(self.non_merchandise_prefixes)


_SCALARS = (
    "kind",
    "source",
    "date_format",
    "timezone",
    "decimal",
    "delimiter",
    "encoding",
    "anonymous",
    "duplicates",
    "return_prefix",
    "link_returns",
    "survey",
)


_FLAGS = ("whitespace", "header", "create_missing_customers")


def mapping_from_dict(data: dict[str, Any], *, where: str = "mapping") -> Mapping:
    known = {
        *_SCALARS,
        *_FLAGS,
        "columns",
        "constants",
        "computed",
        "joined",
        "transforms",
        "names",
        "non_merchandise",
        "non_merchandise_prefixes",
        "skip_after_header",
    }
    unknown = sorted(set(data) - known)
    if unknown:
        raise InvalidInput(f"{where}: unknown setting(s) {unknown}; known: {sorted(known)}")
    values: dict[str, Any] = {k: data[k] for k in (*_SCALARS, *_FLAGS) if k in data}
    for table in ("columns", "constants", "computed", "joined"):
        values[table] = {str(k): str(v) for k, v in data.get(table, {}).items()}
    values["transforms"] = {
        str(k): {str(a): str(b) for a, b in v.items()}
        for k, v in data.get("transforms", {}).items()
    }
    values["names"] = tuple(data.get("names", ()))
    skip = data.get("skip_after_header", 0)
    if not isinstance(skip, int) or isinstance(skip, bool) or not 0 <= skip <= 100:
        raise InvalidInput(f"{where}: skip_after_header must be a whole number 0..100")
    values["skip_after_header"] = skip
    values["non_merchandise"] = frozenset(data.get("non_merchandise", ()))
    values["non_merchandise_prefixes"] = tuple(data.get("non_merchandise_prefixes", ()))
    mapping = Mapping(**values)
    _check(mapping, where)
    return mapping


def _check(mapping: Mapping, where: str) -> None:
    if mapping.decimal not in (".", ","):
        raise InvalidInput(f"{where}: decimal must be '.' or ',', not {mapping.decimal!r}")
    if mapping.anonymous not in ("orders", "reject"):
        raise InvalidInput(f"{where}: anonymous must be 'orders' or 'reject'")
    if mapping.duplicates not in ("reject", "skip", "keep"):
        raise InvalidInput(f"{where}: duplicates must be 'reject', 'skip' or 'keep'")
    for target, expr in mapping.computed.items():
        if expr.count("/") != 1:
            raise InvalidInput(f"{where}: computed {target} = {expr!r}: only 'a / b' is supported")
    for target, expr in mapping.joined.items():
        if len(joined_columns(expr)) < 2:
            raise InvalidInput(
                f"{where}: joined {target} = {expr!r}: name two or more columns, 'a|b'"
            )


def joined_columns(expr: str) -> list[str]:
    """The source columns of a ``joined`` field: ``"incoming|private"`` → both names."""
    return [part.strip() for part in expr.split("|") if part.strip()]


def with_flags(mapping: Mapping, *, maps: list[str], **overrides: Any) -> Mapping:
    """Apply ``--map canonical=Source`` flags (an upload's column lines) and the other flags
    that were given; a malformed line is refused in the words of ``mapping.advice``."""
    columns = dict(mapping.columns)
    for item in maps:
        target, sep, source = item.partition("=")
        if not sep or not target.strip() or not source.strip():
            raise InvalidInput(mapping.advice.map_line.format(item=item))
        columns[target.strip()] = source.strip()
    given = {k: v for k, v in overrides.items() if v is not None}
    result = replace(mapping, columns=columns, **given)
    _check(result, "flags")
    return result
