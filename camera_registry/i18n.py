"""Message catalogues: keep the Chinese catalogue in step with the source (``make translations``).

The dashboard is written with English message ids and shown in Chinese by default.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "camera_registry" / "translations"
CATALOGUE = TRANSLATIONS / "zh" / "LC_MESSAGES" / "messages.po"


def extract(template: Path) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    str(ROOT / "babel.cfg"), "-k", "_", "-k", "gettext", "-k", "lazy_gettext",
                    "--no-location", "--omit-header", "-o", str(template), str(ROOT)],
                   check=True, capture_output=True)


def update_and_compile(template: Path) -> None:
    run = [sys.executable, "-m", "babel.messages.frontend"]
    if CATALOGUE.exists():
        subprocess.run(run + ["update", "-i", str(template), "-d", str(TRANSLATIONS),
                              "-l", "zh", "--no-fuzzy-matching"], check=True,
                       capture_output=True)
    else:
        subprocess.run(run + ["init", "-i", str(template), "-d", str(TRANSLATIONS),
                              "-l", "zh"], check=True, capture_output=True)
    subprocess.run(run + ["compile", "-d", str(TRANSLATIONS)], check=True, capture_output=True)


if __name__ == "__main__":
    pot = TRANSLATIONS / "messages.pot"
    extract(pot)
    update_and_compile(pot)
    print(f"updated {CATALOGUE}; translate the empty entries, then run this again")
