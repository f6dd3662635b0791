"""Email text: plain and HTML from Jinja2 templates (templates/emails/), in zh-CN or en.

The views built here carry only what a reader needs (names, codes, places, states, faults,
times in the centre's timezone, links); stream URLs and credentials never reach a template.
"""
from __future__ import annotations

from dataclasses import asdict, is_dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from camera_registry.choices import (CameraState, Fault, IncidentEventKind, IncidentKind,
                                     IncidentStatus, Language)
from camera_registry.models import Incident

if TYPE_CHECKING:
    from camera_registry.services.notifications import AlertPolicy

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "emails"

TEXTS: dict[str, dict[str, str]] = {
    Language.ZH: {
        "brand": "雪亮工程", "alerts": "告警", "more": "等 {n} 项",
        "intro": "以下为您订阅范围内的告警（{window} 分钟内合并为一封邮件）。",
        "camera": "探头", "code": "编码", "place": "位置", "state": "状态", "faults": "图像故障",
        "since": "开始时间", "cause": "可能原因", "cameras": "涉及探头", "duration": "持续时长",
        "acknowledged": "已签收", "link": "详情", "resolution": "恢复情况", "opened": "发现时间",
        "footer": "此邮件由 camera_registry 自动发送；签收请在平台上操作。",
        "digest": "每日通报", "online_rate": "在线率", "intact_rate": "完好率",
        "yesterday": "昨日", "managed": "在管探头", "incidents_opened": "24 小时内新增告警",
        "incidents_open": "未处置告警", "incidents_resolved": "24 小时内恢复",
        "uncovered": "失去覆盖的重点部位", "worst": "在线率最低的小区", "none": "无",
        "compound": "小区", "online": "在线", "coverage_note":
            "部分重点部位的覆盖率尚未计算，其中仅列出已上报失去覆盖的部位。",
    },
    Language.EN: {
        "brand": "Sharp Eyes", "alerts": "alerts", "more": "and {n} more",
        "intro": "Alerts in your subscriptions (what happens within {window} min comes in one "
                 "email).",
        "camera": "Camera", "code": "Code", "place": "Place", "state": "State",
        "faults": "Picture faults", "since": "Since", "cause": "Likely cause",
        "cameras": "Cameras", "duration": "Lasted", "acknowledged": "Acknowledged",
        "link": "Details", "resolution": "Resolution", "opened": "Opened",
        "footer": "Sent by camera_registry; acknowledge incidents on the platform.",
        "digest": "Daily digest", "online_rate": "Online rate", "intact_rate": "Intact rate",
        "yesterday": "yesterday", "managed": "Managed cameras",
        "incidents_opened": "Incidents opened (24 h)", "incidents_open": "Incidents open",
        "incidents_resolved": "Incidents resolved (24 h)",
        "uncovered": "Key places without coverage", "worst": "Compounds with the lowest "
                                                             "online rate",
        "none": "none", "compound": "Compound", "online": "online", "coverage_note":
            "The coverage of some key places is not computed yet; of those, only the ones "
            "reported uncovered are listed.",
    },
}

EVENT_TITLES = {
    Language.ZH: {IncidentEventKind.OPENED: "新告警", IncidentEventKind.UNFOLDED: "新告警",
                  IncidentEventKind.CHANGED: "状态变化", IncidentEventKind.ESCALATED: "分级转办",
                  IncidentEventKind.REMINDED: "仍未处置", IncidentEventKind.RESOLVED: "已恢复"},
    Language.EN: {IncidentEventKind.OPENED: "new", IncidentEventKind.UNFOLDED: "new",
                  IncidentEventKind.CHANGED: "changed", IncidentEventKind.ESCALATED: "escalated",
                  IncidentEventKind.REMINDED: "still open", IncidentEventKind.RESOLVED: "resolved"},
}

CAUSES = {
    Language.ZH: {"stream_host": "共用录像机(NVR)或上联链路故障：{detail}",
                  "building": "楼栋供电或交换机故障：{detail}",
                  "whole_compound": "小区供电或出口链路中断",
                  "shared_equipment": "共用录像机、交换机或链路故障"},
    Language.EN: {"stream_host": "a shared recorder (NVR) or uplink: {detail}",
                  "building": "power or the network switch of building {detail}",
                  "whole_compound": "the compound's power or uplink",
                  "shared_equipment": "a shared recorder, switch or uplink"},
}


def label(choices, value: str, language: str) -> str:
    if language == Language.ZH and value in choices.LABELS_ZH:
        return choices.LABELS_ZH[value]
    return value.replace("_", " ")


def local_time(value: datetime | None, policy: "AlertPolicy") -> str:
    if value is None:
        return ""
    return value.replace(tzinfo=timezone.utc).astimezone(policy.zone).strftime("%Y-%m-%d %H:%M")


def duration(seconds: float, language: str) -> str:
    minutes = int(seconds // 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if language == Language.ZH:
        parts = [(days, "天"), (hours, "小时"), (minutes, "分钟")]
        return "".join(f"{n}{unit}" for n, unit in parts if n) or "不到1分钟"
    parts = [(days, "d"), (hours, "h"), (minutes, "min")]
    return " ".join(f"{n} {unit}" for n, unit in parts if n) or "under a minute"


def link(policy: "AlertPolicy", path: str) -> str:
    return f"{policy.base_url.rstrip('/')}/{path}"


def camera_place(camera) -> str:
    parts = [camera.division.name, camera.compound.name if camera.compound else "",
             camera.building.name if camera.building else ""]
    return " / ".join(part for part in parts if part)


def incident_view(incident: Incident, events: list[str], language: str,
                  policy: "AlertPolicy") -> dict[str, Any]:
    t = TEXTS[language]
    fields: list[tuple[str, str]] = []
    camera = incident.camera
    if camera is not None:
        fields += [(t["camera"], camera.name), (t["code"], camera.code),
                   (t["place"], camera_place(camera))]
    elif incident.compound is not None:
        fields.append((t["place"], f"{incident.division.name} / {incident.compound.name}"))
    else:
        fields.append((t["place"], incident.division.name))
    if incident.state:
        fields.append((t["state"], label(CameraState, incident.state, language)))
    if incident.faults:
        fields.append((t["faults"], "、".join(label(Fault, f, language) for f in incident.faults)
                       if language == Language.ZH else
                       ", ".join(label(Fault, f, language) for f in incident.faults)))
    if incident.cause:
        fields.append((t["cause"], CAUSES[language][incident.cause].format(
            detail=incident.cause_detail)))
    fields.append((t["since"], local_time(incident.since, policy)))
    if incident.status == IncidentStatus.RESOLVED:
        fields.append((t["duration"], duration(incident.resolve_seconds or 0, language)))
        fields.append((t["resolution"], incident.resolution))
    if incident.acknowledged_by:
        fields.append((t["acknowledged"], f"{incident.acknowledged_by} "
                                          f"{local_time(incident.acknowledged_at, policy)} "
                                          f"{incident.acknowledge_comment}".strip()))
    # Dashboard pages: the camera's own page, else the cameras of the compound, else the
    # division's overview.
    target = (f"cameras/{camera.id}" if camera is not None else
              f"cameras?compound={incident.compound_id}" if incident.compound_id else
              f"?division={incident.division.code}")
    return {
        "id": incident.id, "kind": label(IncidentKind, incident.kind, language),
        "subject": incident.subject, "resolved": incident.status == IncidentStatus.RESOLVED,
        "status": label(IncidentStatus, incident.status, language),
        "events": [EVENT_TITLES[language].get(e, e) for e in events],
        "fields": fields, "link": link(policy, target),
        "cameras": [_member(child, language, policy) for child in incident.children],
    }


def _member(child: Incident, language: str, policy: "AlertPolicy") -> dict[str, str]:
    camera = child.camera
    state = (camera.health.state if camera is not None and camera.health else child.state)
    return {"name": camera.name if camera else child.subject, "code": camera.code if camera
            else "", "state": label(CameraState, state, language),
            "since": local_time(child.since, policy),
            "link": link(policy, f"cameras/{camera.id}") if camera else ""}


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                       autoescape=select_autoescape(enabled_extensions=("html",),
                                                    default_for_string=False),
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render(name: str, context: dict[str, Any]) -> tuple[str, str]:
    env = environment()
    return (env.get_template(f"{name}.txt").render(context),
            env.get_template(f"{name}.html").render(context))


def render_incidents(language: str, entries: list[tuple[Incident, list[str]]],
                     policy: "AlertPolicy") -> tuple[str, str, str]:
    """One email for everything one address is told in a batch: subject, text, HTML."""
    language = language if language in TEXTS else Language.ZH
    t = TEXTS[language]
    items = [incident_view(incident, events, language, policy) for incident, events in entries]
    first = items[0]
    title = f"{first['kind']}: {first['subject']}" if language == Language.EN else (
        f"{first['kind']}：{first['subject']}")
    if first["resolved"]:
        title += f" ({first['status']})" if language == Language.EN else f"（{first['status']}）"
    if len(items) > 1:
        title += " " + t["more"].format(n=len(items) - 1)
    subject = f"[{t['brand']}] {title}"
    context = {"t": t, "items": items, "subject": subject, "language": language,
               "window": max(1, policy.batch_window_s // 60)}
    text, html = render("incidents", context)
    return subject, text, html


def render_digest(language: str, digest: Any, policy: "AlertPolicy") -> tuple[str, str, str]:
    language = language if language in TEXTS else Language.ZH
    t = TEXTS[language]
    data = asdict(digest) if is_dataclass(digest) else dict(digest)
    subject = f"[{t['brand']}] {t['digest']} {data['date']} {data['scope_name']}"
    context = {"t": t, "d": data, "subject": subject, "language": language,
               "pct": _percent, "delta": _delta}
    text, html = render("digest", context)
    return subject, text, html


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _delta(today: float | None, yesterday: float | None) -> str:
    if today is None or yesterday is None:
        return ""
    change = (today - yesterday) * 100
    return f"{'+' if change >= 0 else ''}{change:.1f}"
