"""Values made storable in a JSONField: the engine's documents hold NaN and numpy scalars."""

import math
from typing import Any


def json_safe(value: Any) -> Any:
    """The value with NaN and infinities as null and numpy scalars as Python numbers (valid JSON)."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
