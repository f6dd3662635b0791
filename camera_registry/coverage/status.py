"""How covered a key place is, in three words: full, partial, uncovered."""
from __future__ import annotations

from camera_registry.choices import Choices

# Below this working coverage a key place counts as uncovered: a sliver at the edge of a
# camera's sector (a corner of a perimeter strip, a few per cent of a gate) watches nothing.
UNCOVERED_BELOW = 0.05
# Unions of polygons carry rounding errors of about 1e-12; a place drawn exactly inside a
# sector must still count as fully covered.
TOLERANCE = 1e-6


class CoverageStatus(Choices):
    FULL, PARTIAL, UNCOVERED = "full", "partial", "uncovered"
    LABELS_ZH = {FULL: "全覆盖", PARTIAL: "部分覆盖", UNCOVERED: "未覆盖"}


def classify(coverage: float, required: float) -> str:
    """full: coverage >= required; uncovered: below UNCOVERED_BELOW; partial: in between.

    The first rule wins, so a place that requires only 3% and has 4% is full.
    """
    if coverage >= required - TOLERANCE:
        return CoverageStatus.FULL
    if coverage < UNCOVERED_BELOW:
        return CoverageStatus.UNCOVERED
    return CoverageStatus.PARTIAL
