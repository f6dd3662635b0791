"""Spreadsheets and places shared by the import and export tests (files built in memory)."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

import openpyxl
import pytest

from camera_registry.services.spreadsheets import COLUMNS
from tests.conftest import SQUARE, City

PASSWORD = "Pa55-w0rd-Xyzzy"


def code(n: int, county: str = "371302") -> str:
    """A valid 20-digit network-camera code in a county (industry 01, type 132)."""
    return f"{county}00011320{n:06d}"


def row(n: int, city: City, **cells: Any) -> dict[str, Any]:
    """A valid row for a new camera in 银雀山社区 / 阳光花园, by column key; override any cell."""
    values = {"code": code(n), "name": f"东门{n}", "kind": "枪机",
              "stream_url": f"rtsp://127.0.0.1:8554/cam{n}", "lon": "118.351",
              "lat": "35.051", "division_code": city.community_a1, "compound": "阳光花园"}
    values.update(cells)
    return values


def headers(lang: str = "zh", keys: list[str] | None = None) -> list[str]:
    chosen = [column for column in COLUMNS if keys is None or column.key in keys]
    return [column.zh if lang == "zh" else column.en for column in chosen]


def table(rows: list[dict[str, Any]], lang: str = "zh") -> list[list[Any]]:
    """A header row and the rows, with every column of the template."""
    return [headers(lang)] + [[values.get(column.key, "") for column in COLUMNS]
                              for values in rows]


def csv_bytes(rows: list[list[Any]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[Any]], title: str = "Sheet1") -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for values in rows:
        sheet.append([None if value == "" else value for value in values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@dataclass
class Places:
    building: int
    gate: int  # 东门, a key place of 阳光花园
    square: int  # 银雀山广场, a key place of the community 银雀山社区
    market: int  # 金雀山市场, a key place of the street 金雀山街道


@pytest.fixture
def places(admin, city) -> Places:
    """A building and key places of the compound, the community and the street."""
    def post(path: str, body: dict[str, Any]) -> int:
        response = admin.post(path, json=body)
        assert response.status_code == 201, response.json
        return response.json["id"]

    return Places(
        building=post("/buildings", {"name": "3号楼", "compound_id": city.compound_a1}),
        gate=post("/key-places", {"name": "东门", "kind": "gate", "polygon": SQUARE,
                                  "compound_id": city.compound_a1}),
        square=post("/key-places", {"name": "银雀山广场", "kind": "square", "polygon": SQUARE,
                                    "division_code": city.community_a1}),
        market=post("/key-places", {"name": "金雀山市场", "kind": "market", "polygon": SQUARE,
                                    "division_code": city.street_a}))
