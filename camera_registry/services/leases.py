"""Database leases: at most one holder at a time, on SQLite and PostgreSQL alike."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from camera_registry.models import Lease


def acquire(session: Session, name: str, holder: str, now: datetime, ttl_s: float) -> bool:
    """Take or renew the lease; False while another holder's lease is still valid."""
    expires = now + timedelta(seconds=ttl_s)
    # One conditional UPDATE is atomic on every backend: no read-then-write race.
    result = session.execute(
        update(Lease).where(Lease.name == name,
                            or_(Lease.holder == holder, Lease.expires_at <= now))
        .values(holder=holder, expires_at=expires))
    if result.rowcount:
        session.commit()
        return True
    try:
        session.add(Lease(name=name, holder=holder, expires_at=expires))
        session.commit()
        return True
    except IntegrityError:  # the row exists and someone else holds it
        session.rollback()
        return False


def release(session: Session, name: str, holder: str) -> None:
    session.execute(update(Lease).where(Lease.name == name, Lease.holder == holder)
                    .values(expires_at=datetime(1970, 1, 1)))
    session.commit()
