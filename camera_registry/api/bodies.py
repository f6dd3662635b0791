"""Reading request bodies and query strings with clear errors."""
from __future__ import annotations

import json
from typing import Any

from flask import request

from camera_registry.errors import BadRequest


def json_body() -> Any:
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise BadRequest("the request has no body; send a JSON object")
    try:
        return json.loads(raw)
    except UnicodeDecodeError:
        raise BadRequest("the body is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise BadRequest(f"the body is not valid JSON: {exc.msg} at line {exc.lineno} "
                         f"column {exc.colno}") from None


def query_params() -> dict[str, str]:
    return {key: value for key, value in request.args.items()}
