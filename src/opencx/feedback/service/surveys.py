"""Survey use cases: create from a template or a definition, edit into a new version, read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy.engine import Connection

from opencx.core.errors import Conflict, NotFound
from opencx.feedback.domain.strings import SUPPORTED
from opencx.feedback.domain.surveys import Survey, check_edit, template, unchanged, validate
from opencx.feedback.store import surveys as store


def create_survey(conn: Connection, survey: Survey) -> Survey:
    """Store version 1 of a new survey; :class:`Conflict` when the key is taken."""
    validate(survey)
    if store.latest(conn, survey.key) is not None:
        raise Conflict(f"survey {survey.key!r} exists: edit it to make a new version")
    survey = replace(survey, version=1)
    return replace(survey, id=store.insert_version(conn, survey))


def create_from_template(
    conn: Connection, kind: str, key: str, name: str, languages: Sequence[str] = SUPPORTED
) -> Survey:
    return create_survey(conn, template(kind, key, name, languages))


def get_survey(conn: Connection, key: str) -> Survey:
    found = store.latest(conn, key)
    if found is None:
        raise NotFound(f"survey {key!r} not found")
    return found


def edit_survey(conn: Connection, key: str, new: Survey) -> Survey:
    """Store ``new`` as the next version of ``key``; answered question keys keep their meaning.
    A ``new`` that changes nothing stores nothing: the latest version is returned as it is."""
    old = get_survey(conn, key)
    nxt = check_edit(old, new, store.answered_keys(conn, key))
    if unchanged(old, nxt):
        return old
    return replace(nxt, id=store.insert_version(conn, nxt))


def list_surveys(conn: Connection) -> list[dict[str, Any]]:
    return store.listing(conn)
