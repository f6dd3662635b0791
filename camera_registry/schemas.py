"""Input models for the registry's objects (pydantic): what the API and the importer accept.

Field names are part of the public contract (see the issue tracker and docs/API.md).
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Annotated, Any, Literal, Optional
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, SecretStr, ValidationInfo,
                      field_validator, model_validator)

from camera_registry.choices import (CameraKind, DivisionLevel, KeyPlaceKind, Lifecycle,
                                     NetworkedLevel)
from camera_registry.device_codes import parse_device_code
from camera_registry.geometry import check_polygon

TIMEZONE = ZoneInfo("Asia/Shanghai")


def _to_utc(value: datetime) -> datetime:
    """Naive times are local (Asia/Shanghai), as integrators write them; store naive UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=TIMEZONE)
    return value.astimezone(timezone.utc).replace(tzinfo=None)


UtcDateTime = Annotated[datetime, AfterValidator(_to_utc)]
Polygon = Annotated[dict[str, Any], AfterValidator(check_polygon)]
Name = Annotated[str, Field(min_length=1, max_length=100)]
STREAM_SCHEMES = ("rtsp", "rtsps", "http", "https")


def _literal(choices) -> Any:
    return Literal[tuple(choices.values())]


class InputModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DivisionIn(InputModel):
    code: str = Field(pattern=r"^\d{6}(\d{3}){0,2}$",
                      description="6 digits (county and above), 9 (town/street) or 12 (community)")
    name: Name
    level: _literal(DivisionLevel)
    parent_code: Optional[str] = None

    @model_validator(mode="after")
    def _code_fits_level(self) -> "DivisionIn":
        expected = DivisionLevel.CODE_LENGTH[self.level]
        if len(self.code) != expected:
            raise ValueError(f"code: a {self.level} code has {expected} digits, "
                             f"not {len(self.code)}")
        return self


class CompoundIn(InputModel):
    name: Name
    division_code: str = Field(description="the community (12 digits) the compound belongs to")
    address: str = Field("", max_length=200)
    boundary: Optional[Polygon] = None
    in_campaign: bool = False
    weak: bool = False
    built_target: Optional[date] = None
    networked_target: Optional[date] = None


class BuildingIn(InputModel):
    name: Name
    compound_id: int
    footprint: Optional[Polygon] = None
    floors: Optional[int] = Field(None, ge=1, le=200)


class KeyPlaceIn(InputModel):
    name: Name
    kind: _literal(KeyPlaceKind) = "other"
    polygon: Polygon
    compound_id: Optional[int] = None
    division_code: Optional[str] = Field(None, description="required when there is no compound")
    required_coverage: float = Field(1.0, gt=0, le=1)
    priority: int = Field(3, ge=1, le=5, description="1 is the most important")

    @model_validator(mode="after")
    def _has_owner(self) -> "KeyPlaceIn":
        if self.compound_id is None and self.division_code is None:
            raise ValueError("division_code: give a compound_id or a division_code")
        return self


class MaintenanceWindowIn(InputModel):
    starts_at: UtcDateTime
    ends_at: UtcDateTime
    reason: str = Field("", max_length=200)

    @model_validator(mode="after")
    def _ordered(self) -> "MaintenanceWindowIn":
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class CameraIn(InputModel):
    code: str = Field(description="GB/T 28181 20-digit device code")
    name: Name
    kind: _literal(CameraKind) = "bullet"
    stream_url: str = Field(max_length=500)
    stream_username: Optional[str] = Field(None, max_length=100)
    stream_password: Optional[SecretStr] = Field(None, max_length=200, json_schema_extra={
        "writeOnly": True})  # credentials in stream_url are moved here (CameraResource.prepare)
    lon: float = Field(ge=-180, le=180, description="WGS-84 longitude")
    lat: float = Field(ge=-90, le=90, description="WGS-84 latitude")
    height_m: Optional[float] = Field(None, ge=0, le=300)
    bearing_deg: float = Field(0.0, ge=0, lt=360, description="degrees clockwise from north")
    fov_deg: Optional[float] = Field(None, gt=0, le=360, description="default depends on kind")
    range_m: Optional[float] = Field(None, gt=0, le=2000, description="default depends on kind")
    division_code: Optional[str] = Field(None, description="required when there is no compound")
    compound_id: Optional[int] = None
    building_id: Optional[int] = None
    key_place_ids: list[int] = Field(default_factory=list)
    lifecycle: _literal(Lifecycle) = Lifecycle.INSTALLED
    networked_level: _literal(NetworkedLevel) = NetworkedLevel.NONE
    networked_since: Optional[date] = None
    integrator: str = Field("", max_length=100)
    probe_enabled: bool = True
    probe_interval_s: Optional[int] = Field(None, ge=10, le=86400)
    maintenance_windows: list[MaintenanceWindowIn] = Field(default_factory=list)

    @field_validator("code")
    @classmethod
    def _valid_code(cls, value: str) -> str:
        return parse_device_code(value).code

    @field_validator("stream_url")
    @classmethod
    def _valid_url(cls, value: str, info: ValidationInfo) -> str:
        parts = urlsplit(value)
        allow_file = bool(info.context and info.context.get("allow_file_streams"))
        schemes = STREAM_SCHEMES + (("file",) if allow_file else ())
        if parts.scheme not in schemes:
            hint = "" if allow_file else " (file: only when CAMREG_ALLOW_FILE_STREAMS is on)"
            raise ValueError(f"the scheme must be one of {', '.join(schemes)}{hint}")
        if parts.scheme != "file" and not parts.hostname:
            raise ValueError("the URL has no host")
        if parts.username is not None or parts.password is not None:
            raise ValueError("put the credentials in stream_username and stream_password")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "CameraIn":
        if self.compound_id is None and self.division_code is None:
            raise ValueError("division_code: give a compound_id or a division_code")
        networked = self.networked_level != NetworkedLevel.NONE
        if self.lifecycle == Lifecycle.NETWORKED and not networked:
            raise ValueError("networked_level: a networked camera needs its platform level "
                             "(town, county or city)")
        if networked and self.lifecycle != Lifecycle.NETWORKED:
            raise ValueError(f"lifecycle: a camera networked to the {self.networked_level} "
                             f"platform must have lifecycle networked, not {self.lifecycle}")
        if self.networked_since is not None and not networked:
            raise ValueError("networked_since: only a networked camera has a networked date")
        return self
