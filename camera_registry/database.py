"""SQLAlchemy plumbing shared by the web app, the command line and the health-check workers.

Plain SQLAlchemy 2.0 (no Flask extension) so that code outside Flask, such as the scheduler,
can open sessions on the same models.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker

# Deterministic constraint names, so Alembic migrations can name what they alter on any backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


class Database:
    """Engine and a request-scoped session for a Flask app (``db.session``)."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.url: str | None = None
        self.session_factory = sessionmaker(expire_on_commit=False)
        self.session = scoped_session(self.session_factory)

    def init_app(self, app) -> None:
        self.configure(app.config["DATABASE_URL"])
        app.teardown_appcontext(lambda _exc: self.session.remove())

    def configure(self, url: str) -> None:
        if self.engine is not None and self.url == url:
            return
        if self.engine is not None:
            self.session.remove()
            self.engine.dispose()
        self.engine = make_engine(url)
        self.url = url
        self.session_factory.configure(bind=self.engine)

    def new_session(self) -> Session:
        """A session outside the request scope (workers, long jobs)."""
        return self.session_factory()


db = Database()
