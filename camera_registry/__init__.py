"""camera_registry: the Flask app for Sharp Eyes (雪亮工程) community video networks.

Importing the package does not import Flask, so that workers (health_checks) can use the models
and services alone; ``create_app`` builds the web app.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: Mapping[str, Any] | None = None) -> "Flask":
    from camera_registry.app import create_app as build

    return build(test_config)
