"""Cameras (探头/点位): validation against the registry, credentials, JSON form."""
from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import unquote, urlsplit, urlunsplit

from sqlalchemy import Select, String, cast, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from camera_registry.choices import CameraKind, CameraState, Fault, Lifecycle, NetworkedLevel
from camera_registry.device_codes import DeviceCode
from camera_registry.errors import Conflict, field_error
from camera_registry.models import (Camera, CameraHealth, Division, MaintenanceWindow,
                                    camera_key_places)
from camera_registry.schemas import CameraIn
from camera_registry.services.credentials import REDACTED, CredentialBox
from camera_registry.services.crud import Resource
from camera_registry.services.resolver import Resolver
from camera_registry.services.values import bool_param, id_param, iso


class CameraResource(Resource):
    name = "cameras"
    object_type = "camera"
    model = Camera
    schema = CameraIn
    search_columns = (Camera.name, Camera.code)
    sort_columns = {"code": Camera.code, "name": Camera.name, "lifecycle": Camera.lifecycle,
                    "networked_level": Camera.networked_level, "updated_at": Camera.updated_at,
                    "id": Camera.id}
    filter_params = {
        "compound": "only the cameras of this compound id",
        "building": "only the cameras of this building id",
        "key_place": "only the cameras meant to watch this key place id",
        "lifecycle": "planned, installed, networked or retired",
        "networked_level": "none, town, county or city",
        "kind": "bullet, dome, ptz, fisheye or other",
        "code": "the exact 20-digit national code",
        "probe_enabled": "true/false",
        "state": "unknown, online, degraded, offline or maintenance (comma-separated)",
        "fault": "a picture fault, e.g. frozen, blurred, occluded",
    }

    def __init__(self, box: CredentialBox, allow_file_streams: bool = False) -> None:
        self.box = box
        self.allow_file_streams = allow_file_streams

    def query(self) -> Select:
        return select(Camera).join(Division, Camera.division_id == Division.id)

    def load_options(self) -> tuple:
        return (joinedload(Camera.division), selectinload(Camera.key_places),
                selectinload(Camera.maintenance_windows), selectinload(Camera.health))

    def validation_context(self, session: Session) -> dict[str, Any]:
        return {"allow_file_streams": self.allow_file_streams}

    def prepare(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Integrators paste rtsp://user:pass@host/...; keep the URL clean, the secret apart."""
        url = payload.get("stream_url")
        if not isinstance(url, str):
            return payload
        parts = urlsplit(url.strip())
        try:
            username, password, port = parts.username, parts.password, parts.port
        except ValueError:
            return payload  # a malformed port: the schema reports the URL
        if username is None and password is None:
            return payload
        host = parts.hostname or ""
        netloc = (f"[{host}]" if ":" in host else host) + (f":{port}" if port else "")
        payload = {**payload, "stream_url": urlunsplit(parts._replace(netloc=netloc))}
        payload.setdefault("stream_username", unquote(username or ""))
        if password is not None:
            payload.setdefault("stream_password", unquote(password))
        return payload

    def division_of(self, obj: Camera) -> Division:
        return obj.division

    def describe(self, obj: Camera) -> str:
        return f"{obj.code} {obj.name}"

    def to_json(self, obj: Camera) -> dict[str, Any]:
        data = self.to_input(obj)
        data["division_code"] = obj.division.code
        return {"id": obj.id, **data,
                "stream_username": self.box.decrypt(obj.stream_username_enc),
                "has_stream_password": obj.stream_password_enc is not None,
                "state": obj.health.state if obj.health else CameraState.UNKNOWN,
                "faults": list(obj.health.faults) if obj.health else [],
                "code_info": DeviceCode(obj.code).describe(),
                "created_at": iso(obj.created_at), "updated_at": iso(obj.updated_at)}

    def to_input(self, obj: Camera) -> dict[str, Any]:
        # Credentials are left out: a PATCH that does not send them keeps them.
        return {
            "code": obj.code, "name": obj.name, "kind": obj.kind, "stream_url": obj.stream_url,
            "lon": obj.lon, "lat": obj.lat, "height_m": obj.height_m,
            "bearing_deg": obj.bearing_deg, "fov_deg": obj.fov_deg, "range_m": obj.range_m,
            "division_code": obj.division.code if obj.compound_id is None else None,
            "compound_id": obj.compound_id, "building_id": obj.building_id,
            "key_place_ids": [place.id for place in obj.key_places],
            "lifecycle": obj.lifecycle, "networked_level": obj.networked_level,
            "networked_since": iso(obj.networked_since), "integrator": obj.integrator,
            "probe_enabled": obj.probe_enabled, "probe_interval_s": obj.probe_interval_s,
            "maintenance_windows": [
                {"starts_at": iso(w.starts_at), "ends_at": iso(w.ends_at), "reason": w.reason}
                for w in obj.maintenance_windows],
        }

    def snapshot(self, obj: Camera) -> dict[str, Any]:
        data = self.to_json(obj)
        for derived in ("code_info", "created_at", "updated_at", "state", "faults"):
            del data[derived]
        data["stream_password"] = REDACTED if obj.stream_password_enc else None
        return data

    def filter(self, query: Select, params: Mapping[str, str], resolver: Resolver) -> Select:
        for name, column in (("compound", Camera.compound_id), ("building", Camera.building_id)):
            ident = id_param(params, name)
            if ident is not None:
                query = query.where(column == ident)
        key_place = id_param(params, "key_place")
        if key_place is not None:
            query = query.where(Camera.id.in_(select(camera_key_places.c.camera_id).where(
                camera_key_places.c.key_place_id == key_place)))
        for name, column, choices in (("lifecycle", Camera.lifecycle, Lifecycle),
                                      ("networked_level", Camera.networked_level, NetworkedLevel),
                                      ("kind", Camera.kind, CameraKind)):
            if params.get(name):
                values = params[name].split(",")
                bad = [value for value in values if value not in choices.values()]
                if bad:
                    raise field_error(name, f"{', '.join(bad)} is not one of "
                                            f"{', '.join(choices.values())}")
                query = query.where(column.in_(values))
        if params.get("code"):
            query = query.where(Camera.code == params["code"].strip())
        query = self._filter_health(query, params)
        probe_enabled = bool_param(params, "probe_enabled")
        if probe_enabled is not None:
            query = query.where(Camera.probe_enabled == probe_enabled)
        return query

    def _filter_health(self, query: Select, params: Mapping[str, str]) -> Select:
        if not params.get("state") and not params.get("fault"):
            return query
        query = query.outerjoin(CameraHealth, CameraHealth.camera_id == Camera.id)
        if params.get("state"):
            states = params["state"].split(",")
            bad = [state for state in states if state not in CameraState.values()]
            if bad:
                raise field_error("state", f"{', '.join(bad)} is not one of "
                                           f"{', '.join(CameraState.values())}")
            query = query.where(func.coalesce(CameraHealth.state, CameraState.UNKNOWN)
                                .in_(states))
        if params.get("fault"):
            fault = params["fault"]
            if fault not in Fault.values():
                raise field_error("fault", f"must be one of {', '.join(Fault.values())}")
            # faults is a JSON list; its text form contains the quoted name on every backend.
            query = query.where(cast(CameraHealth.faults, String).like(f'%"{fault}"%'))
        return query

    def apply(self, resolver: Resolver, obj: Camera, data: CameraIn, creating: bool) -> None:
        if data.code != obj.code and resolver.camera_by_code(data.code) is not None:
            raise Conflict(f"a camera with code {data.code} exists already",
                           [{"field": "code", "message": "taken"}])
        compound = resolver.compound(data.compound_id) if data.compound_id is not None else None
        if compound is not None:
            division = compound.division
            if data.division_code not in (None, division.code):
                raise field_error("division_code", f"compound {compound.id} is in "
                                                   f"{division.code}, not {data.division_code}")
        else:
            division = resolver.division(data.division_code)
        if data.code[:6] != division.code[:6]:
            raise field_error("code", f"digits 1-6 ({data.code[:6]}) must be the county of the "
                                      f"camera's division {division.code} ({division.code[:6]})")
        building = None
        if data.building_id is not None:
            building = resolver.building(data.building_id)
            if compound is None or building.compound_id != compound.id:
                raise field_error("building_id", f"building {building.id} is not in the "
                                                 f"camera's compound")
        places = [resolver.key_place(ident) for ident in dict.fromkeys(data.key_place_ids)]
        for place in places:
            if place.division.code[:6] != division.code[:6]:
                raise field_error("key_place_ids", f"key place {place.id} is in another county")

        obj.division, obj.compound, obj.building, obj.key_places = (
            division, compound, building, places)
        for field in ("code", "name", "kind", "stream_url", "lon", "lat", "height_m",
                      "bearing_deg", "lifecycle", "networked_level", "networked_since",
                      "integrator", "probe_enabled", "probe_interval_s"):
            setattr(obj, field, getattr(data, field))
        obj.fov_deg = data.fov_deg or CameraKind.DEFAULT_FOV[data.kind]
        obj.range_m = data.range_m or CameraKind.DEFAULT_RANGE[data.kind]
        if creating or "stream_username" in data.model_fields_set:
            obj.stream_username_enc = self.box.encrypt(data.stream_username)
        if creating or "stream_password" in data.model_fields_set:
            secret = data.stream_password
            obj.stream_password_enc = self.box.encrypt(secret.get_secret_value() if secret else None)
        windows = [(w.starts_at, w.ends_at, w.reason) for w in data.maintenance_windows]
        if windows != [(w.starts_at, w.ends_at, w.reason) for w in obj.maintenance_windows]:
            obj.maintenance_windows = [MaintenanceWindow(starts_at=s, ends_at=e, reason=r)
                                       for s, e, r in windows]


def stream_credentials(box: CredentialBox, camera: Camera) -> tuple[str | None, str | None]:
    """The clear-text username and password, for opening the stream only."""
    return box.decrypt(camera.stream_username_enc), box.decrypt(camera.stream_password_enc)
