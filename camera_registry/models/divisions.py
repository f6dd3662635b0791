from __future__ import annotations

from typing import Optional

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from camera_registry.choices import DivisionLevel
from camera_registry.database import Base


class Division(Base):
    """An administrative unit (行政区划), from province down to community/village."""

    __tablename__ = "divisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("divisions.id"), index=True)

    parent: Mapped[Optional["Division"]] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Division"]] = relationship(back_populates="parent")

    @property
    def subtree_prefix(self) -> str:
        """Leading digits shared by this division and everything below it."""
        return self.code[: DivisionLevel.PREFIX_LENGTH[self.level]]

    def contains(self, other: "Division") -> bool:
        return other.code.startswith(self.subtree_prefix) and (
            DivisionLevel.rank(other.level) >= DivisionLevel.rank(self.level))

    def __repr__(self) -> str:
        return f"<Division {self.code} {self.name}>"
