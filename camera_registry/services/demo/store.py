"""Database side of the demo: is it there, wipe everything, and bulk-write the rows.

Rows are written with SQLAlchemy 2.0 bulk inserts (``session.execute(insert(Model), rows)``,
an executemany per table) inside the caller's transaction: no per-row statements.
"""
from __future__ import annotations

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from camera_registry.database import Base
from camera_registry.models import (Building, Camera, Compound, Division, KeyPlace,
                                    camera_key_places)
from camera_registry.services.demo import names
from camera_registry.services.demo.rows import Rows

MODELS = {"divisions": Division, "compounds": Compound, "buildings": Building,
          "key_places": KeyPlace, "cameras": Camera}


def demo_present(session: Session) -> bool:
    """The demo city is there when its province and city are (nothing else makes both)."""
    codes = (names.PROVINCE[0], names.CITY[0])
    return session.scalar(select(func.count()).where(Division.code.in_(codes))) == len(codes)


def registry_counts(session: Session) -> dict[str, int]:
    return {table: session.scalar(select(func.count()).select_from(model)) or 0
            for table, model in MODELS.items()}


def reset_database(session: Session) -> None:
    """Delete every row of every table (users, tokens and the change log too), children first."""
    for table in reversed(Base.metadata.sorted_tables):
        session.execute(table.delete())
    session.commit()


def first_ids(session: Session) -> dict[str, int]:
    return {table: (session.scalar(select(func.max(model.id))) or 0) + 1
            for table, model in MODELS.items()}


def write_rows(session: Session, rows: Rows) -> None:
    """Insert parents before children; the caller commits."""
    for table, model in MODELS.items():
        batch = getattr(rows, table)
        if batch:
            session.execute(insert(model), batch)
    if rows.camera_key_places:
        session.execute(insert(camera_key_places), rows.camera_key_places)
    if session.get_bind().dialect.name == "postgresql":
        _advance_sequences(session)


def _advance_sequences(session: Session) -> None:
    """Explicit ids do not move PostgreSQL's id sequences; move them past the new rows."""
    for table in MODELS:
        session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"))
