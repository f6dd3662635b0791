from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from camera_registry.database import Base, utcnow
from camera_registry.models.divisions import Division


class User(Base):
    """A person or system account; its scope is one division subtree (none: everywhere)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[Optional[str]] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))
    scope_id: Mapped[Optional[int]] = mapped_column(ForeignKey("divisions.id"))
    email: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    scope: Mapped[Optional[Division]] = relationship()
    tokens: Mapped[list["ApiToken"]] = relationship(back_populates="user",
                                                   cascade="all, delete-orphan")


class ApiToken(Base):
    """An API token; only its SHA-256 digest is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # shown to people to tell tokens apart
    description: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[Optional[datetime]]
    last_used_at: Mapped[Optional[datetime]]

    user: Mapped[User] = relationship(back_populates="tokens")
