"""``camreg`` commands beyond users, tokens and migrations, one module per concern."""
from camera_registry.commands import demo, health, spreadsheets  # noqa: F401  (they register themselves)
from camera_registry.commands import alerts  # noqa: F401,E402
from camera_registry.commands import report  # noqa: F401,E402
