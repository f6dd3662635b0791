"""Who is asking, and which part of the world they may see and change."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional
from uuid import uuid4

from sqlalchemy import Select

from camera_registry.choices import Role
from camera_registry.errors import Forbidden
from camera_registry.models import Division


@dataclass
class Actor:
    """A user acting through one request (or the command line)."""

    username: str
    role: str
    scope: Optional[Division] = None  # None: the whole registry
    user_id: Optional[int] = None
    request_id: str = field(default_factory=lambda: uuid4().hex)
    request: str = ""

    @classmethod
    def system(cls, request: str = "camreg") -> "Actor":
        return cls(username="system", role=Role.ADMIN, request=request)

    def can_see(self, division: Division) -> bool:
        return self.scope is None or self.scope.contains(division)

    def restrict(self, query: Select, division_column=Division.code) -> Select:
        """Limit a query (already joined to divisions) to this actor's subtree."""
        if self.scope is None:
            return query
        return query.where(division_column.startswith(self.scope.subtree_prefix, autoescape=True))

    def require_role(self, *roles: str) -> None:
        if self.role not in roles:
            allowed = " or ".join(roles)
            raise Forbidden(f"this action needs the role {allowed}; you are {self.role}")
