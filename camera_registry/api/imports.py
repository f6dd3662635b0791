"""Bulk import and export of cameras (CSV/XLSX) and the import template, under /api/v1/cameras.

The views only read the upload and the query string and shape the answer; the work is in
services/imports.py and services/spreadsheets.py, shared with ``camreg import/export``.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request

from camera_registry.api.bodies import query_params
from camera_registry.api.openapi import documented, error, json_content
from camera_registry.database import db
from camera_registry.errors import BadRequest, ServiceError
from camera_registry.services import imports, spreadsheets
from camera_registry.services.crud import Resource
from camera_registry.services.spreadsheets import FORMATS, LANGUAGES, MIME_TYPES, UnsupportedFile
from camera_registry.services.values import bool_param

# What browsers and HTTP clients send for CSV and Excel files (Windows calls CSV "ms-excel").
UPLOAD_TYPES = {"multipart/form-data", "text/csv", "text/plain", "application/csv",
                "application/vnd.ms-excel", "application/octet-stream", MIME_TYPES["xlsx"]}
FORMAT_PARAM = {"name": "format", "in": "query",
                "schema": {"type": "string", "enum": list(FORMATS), "default": "csv"}}
LANG_PARAM = {"name": "lang", "in": "query", "description": "header language",
              "schema": {"type": "string", "enum": list(LANGUAGES), "default": "zh"}}
FILE_CONTENT = {
    "text/csv": {"schema": {"type": "string", "format": "binary"}},
    MIME_TYPES["xlsx"]: {"schema": {"type": "string", "format": "binary"}},
}
REPORT_SCHEMA = {"type": "object", "properties": {
    "dry_run": {"type": "boolean"}, "applied": {"type": "boolean"},
    "request_id": {"type": "string"}, "message": {"type": "string"},
    "file": {"type": "object"},
    "summary": {"type": "object", "properties": {
        name: {"type": "integer"} for name in ("rows", "created", "updated", "unchanged",
                                               "rejected")}},
    "created": {"type": "array", "items": {"type": "object"}},
    "updated": {"type": "array", "items": {"type": "object"}},
    "unchanged": {"type": "array", "items": {"type": "object"}},
    "errors": {"type": "array", "items": {"type": "object", "properties": {
        "row": {"type": "integer"}, "column": {"type": "string"}, "field": {"type": "string"},
        "message": {"type": "string"}}}},
    "warnings": {"type": "array", "items": {"type": "object"}}}}


class PayloadTooLarge(ServiceError):
    status, error = 413, "payload_too_large"


def register(bp: Blueprint, resources: dict[str, Resource]) -> None:
    """Add the routes; static paths win over /cameras/<key> in Werkzeug's matcher."""
    cameras = resources["cameras"]
    filters = [{"name": name, "in": "query", "schema": {"type": "string"}, "description": text}
               for name, text in {"division": "only cameras in the subtree of this division code",
                                  "q": "text search in name and code",
                                  **cameras.filter_params}.items()]

    @documented({"post": {
        "summary": "Import cameras from a CSV or XLSX file (create, or update by code)",
        "description": "All rows or none: when any row is rejected nothing is written and the "
                       "answer is 422 with the full report. Columns: docs/IMPORT.md.",
        "tags": ["cameras"],
        "parameters": [{"name": "dry_run", "in": "query", "schema": {"type": "boolean"},
                        "description": "check and report, write nothing (200 even with "
                                       "rejected rows)"}],
        "requestBody": {"required": True, "content": {
            "multipart/form-data": {"schema": {"type": "object", "required": ["file"],
                                               "properties": {
                                                   "file": {"type": "string", "format": "binary"},
                                                   "dry_run": {"type": "boolean"}}}},
            **FILE_CONTENT}},
        "responses": {"200": json_content(REPORT_SCHEMA, "Imported, or the dry run's report"),
                      "400": error("empty or damaged file, unknown or missing columns"),
                      "403": error("role not allowed"), "409": error("concurrent change"),
                      "413": error("file too large"),
                      "415": error("not a CSV or XLSX file"),
                      "422": error("rows rejected: nothing imported; the body also has "
                                   "'report'")}}})
    def import_view() -> Any:
        g.actor.require_role(*cameras.write_roles)  # before reading a large upload
        data, filename = _upload()
        dry_run = _dry_run()
        report = imports.import_cameras(db.session, g.actor, cameras, data, filename, dry_run)
        if report.errors and not dry_run:
            # The API's error shape, plus the whole report so that one answer shows it all.
            response = jsonify({"error": "invalid_input", "message": report.message(),
                                "details": [item.to_json() for item in report.errors],
                                "report": report.to_json()})
            response.status_code = 422
            return response
        return jsonify(report.to_json())

    @documented({"get": {
        "summary": "Export cameras as CSV or XLSX, in the import's columns",
        "description": "Same filters as the camera list; passwords are written as ***.",
        "tags": ["cameras"], "parameters": [FORMAT_PARAM, LANG_PARAM] + filters,
        "responses": {"200": {"description": "the file", "content": FILE_CONTENT},
                      "400": error("unknown parameter"), "422": error("bad filter value")}}})
    def export_view() -> Any:
        params = query_params()
        fmt, lang = _format(params.pop("format", None)), _lang(params.pop("lang", None))
        rows = imports.export_rows(db.session, g.actor, cameras, params)
        response = _file(spreadsheets.write_table(rows, fmt, lang),
                         f"cameras-{date.today():%Y%m%d}.{fmt}", fmt)
        response.headers["X-Camera-Count"] = str(len(rows))
        return response

    @documented({"get": {
        "summary": "An empty import template (headers; XLSX adds drop-downs and instructions)",
        "tags": ["cameras"], "parameters": [FORMAT_PARAM, LANG_PARAM],
        "responses": {"200": {"description": "the template", "content": FILE_CONTENT},
                      "400": error("unknown format or language")}}})
    def template_view() -> Any:
        params = query_params()
        unknown = set(params) - {"format", "lang"}
        if unknown:
            raise BadRequest(f"unknown query parameter {', '.join(sorted(unknown))}; "
                             f"allowed: format, lang")
        fmt, lang = _format(params.get("format")), _lang(params.get("lang"))
        return _file(spreadsheets.write_template(fmt, lang),
                     f"camera-import-template-{lang}.{fmt}", fmt)

    bp.add_url_rule("/cameras/import", "cameras_import", import_view, methods=["POST"])
    bp.add_url_rule("/cameras/import/template", "cameras_import_template", template_view)
    bp.add_url_rule("/cameras/export", "cameras_export", export_view)


def _upload() -> tuple[bytes, str]:
    """The file from a multipart form (field "file") or the raw body."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is not None and limit and request.content_length > limit:
        raise PayloadTooLarge(f"the upload is larger than the limit of "
                              f"{current_app.config['MAX_UPLOAD_MB']} MB (CAMREG_MAX_UPLOAD_MB); "
                              f"split the file")
    mimetype = request.mimetype or ""
    if mimetype not in UPLOAD_TYPES:
        raise UnsupportedFile(f"send the spreadsheet as multipart/form-data (field 'file') or "
                              f"as a text/csv or XLSX body, not {mimetype or 'no content type'}")
    if mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise BadRequest("the form has no 'file' field; send the spreadsheet as 'file'")
        return upload.read(), upload.filename or ""
    return request.get_data(cache=False), ""


def _dry_run() -> bool:
    params = query_params()
    if "dry_run" not in params and request.mimetype == "multipart/form-data":
        params = {"dry_run": request.form.get("dry_run", "")}
    return bool_param(params, "dry_run") or False


def _format(value: str | None) -> str:
    fmt = (value or "csv").lower()
    if fmt not in FORMATS:
        raise BadRequest(f"format: csv or xlsx, not {value!r}")
    return fmt


def _lang(value: str | None) -> str:
    lang = (value or "zh").lower()
    if lang not in LANGUAGES:
        raise BadRequest(f"lang: zh or en, not {value!r}")
    return lang


def _file(content: bytes, filename: str, fmt: str) -> Response:
    response = Response(content, content_type=MIME_TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"  # the registry changes; never a stale copy
    return response
