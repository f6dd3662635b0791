"""Report routes: the campaign summary (JSON, CSV, XLSX) and the daily figures for trends."""
from __future__ import annotations

from typing import Any, Mapping

from flask import Blueprint, Response, g, jsonify

from camera_registry.api.bodies import query_params
from camera_registry.api.openapi import documented, error, json_content
from camera_registry.database import db, utcnow
from camera_registry.errors import BadRequest, field_error
from camera_registry.services import report_files, reports

TAGS = ["reports"]
FORMATS = ("json", "csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUMMARY_PARAMS = {
    "division": "a division code (default: your scope, or the registry's root)",
    "at": "YYYY-MM-DD: the figures at 08:00 (Asia/Shanghai) that day (default: now)",
    "days": "the period of the time-weighted rates, in days up to the report's time (1-31)",
    "lang": "zh (default) or en: the headers of CSV and XLSX files",
}
ROW = {"type": "object", "description": "a division's figures (docs/COVERAGE.md)",
       "properties": {"code": {"type": "string"}, "name": {"type": "string"},
                      "level": {"type": "string"}}, "additionalProperties": True}
SUMMARY = {"type": "object", "properties": {
    "division": ROW, "children": {"type": "array", "items": ROW},
    "held_directly": {"oneOf": [ROW, {"type": "null"}]},
    "date": {"type": "string", "format": "date"}, "as_of": {"type": "string"},
    "source": {"type": "string", "enum": ["live", "reconstructed", "snapshot"]},
    "period": {"type": "object"}, "late_compounds": {"type": "array"},
    "rules": {"type": "string"}}}


def _parameters(extra: Mapping[str, str]) -> list[dict[str, Any]]:
    return [{"name": name, "in": "query", "schema": {"type": "string"}, "description": text}
            for name, text in extra.items()]


def _check_params(params: Mapping[str, str], allowed: set[str]) -> None:
    unknown = set(params) - allowed
    if unknown:
        raise BadRequest(f"unknown query parameter {', '.join(sorted(unknown))}; "
                         f"allowed: {', '.join(sorted(allowed))}")


def summary_report(params: Mapping[str, str]) -> reports.Report:
    now = utcnow()
    return reports.summary(db.session, g.actor, params.get("division") or None, now,
                           reports.parse_day(params.get("at"), now),
                           reports.parse_days(params.get("days")))


def _download(report: reports.Report, fmt: str, lang: str) -> Response:
    name = f"summary-{report.total.code or 'all'}-{report.day.isoformat()}.{fmt}"
    if fmt == "csv":
        response = Response(report_files.to_csv(report, lang), mimetype="text/csv")
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
    else:
        response = Response(report_files.to_xlsx(report, lang), mimetype=XLSX)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def register(bp: Blueprint) -> None:
    @bp.get("/reports/summary")
    @documented({"get": {
        "summary": "Campaign and coverage figures of a division and each of its children",
        "tags": TAGS,
        "parameters": _parameters({**SUMMARY_PARAMS,
                                   "format": "json (default), csv or xlsx"}),
        "responses": {"200": {"description": "the figures", "content": {
            "application/json": {"schema": SUMMARY},
            "text/csv": {"schema": {"type": "string"}},
            XLSX: {"schema": {"type": "string", "format": "binary"}}}},
            "400": error("unknown parameter"),
            "422": error("bad division, date, days, format or language")}}})
    def summary() -> Any:
        params = query_params()
        _check_params(params, set(SUMMARY_PARAMS) | {"format"})
        fmt = params.get("format") or "json"
        if fmt not in FORMATS:
            raise field_error("format", f"must be one of {', '.join(FORMATS)}")
        lang = report_files.check_lang(params.get("lang") or "zh")
        report = summary_report(params)
        if fmt == "json":
            return jsonify(report.to_json())
        return _download(report, fmt, lang)

    def download(fmt: str):
        @documented({"get": {
            "summary": f"The summary table as {fmt.upper()}: one row per division, "
                       f"Chinese headers unless lang=en",
            "tags": TAGS, "parameters": _parameters(SUMMARY_PARAMS),
            "responses": {"200": {"description": fmt.upper(), "content": {
                ("text/csv" if fmt == "csv" else XLSX): {"schema": {"type": "string"}}}},
                "400": error("unknown parameter"),
                "422": error("bad division, date, days or language")}}})
        def view() -> Any:
            params = query_params()
            _check_params(params, set(SUMMARY_PARAMS))
            lang = report_files.check_lang(params.get("lang") or "zh")
            return _download(summary_report(params), fmt, lang)
        bp.add_url_rule(f"/reports/summary.{fmt}", f"reports_summary_{fmt}", view)

    download("csv")
    download("xlsx")

    @bp.get("/reports/daily")
    @documented({"get": {
        "summary": "A division's figures as stored each day at 08:00, oldest first (trends)",
        "tags": TAGS,
        "parameters": _parameters({"division": "a division code (default: your scope, or "
                                               "the registry's root)",
                                   "from": "YYYY-MM-DD, first day", "to": "YYYY-MM-DD, last day"}),
        "responses": {"200": json_content({"type": "object", "properties": {
            "division": {"type": "string"}, "items": {"type": "array", "items": ROW}}}),
            "400": error("unknown parameter"), "422": error("bad division or date")}}})
    def daily() -> Any:
        params = query_params()
        _check_params(params, {"division", "from", "to"})
        now = utcnow()
        start = reports.parse_day(params.get("from"), now, "from", future=True)
        end = reports.parse_day(params.get("to"), now, "to", future=True)
        code, items = reports.daily_series(db.session, g.actor, params.get("division") or None,
                                           start, end)
        return jsonify({"division": code, "items": items})
