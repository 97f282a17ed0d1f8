"""What the store already holds: any customers at all, or demo rows."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.db.schema import customers
from opencx.demo.domain.company import SOURCE


def has_customers(conn: Connection) -> bool:
    return conn.execute(sa.select(customers.c.id).limit(1)).first() is not None


def has_demo(conn: Connection) -> bool:
    query = sa.select(customers.c.id).where(customers.c.source == SOURCE).limit(1)
    return conn.execute(query).first() is not None
