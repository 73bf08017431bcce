"""Rules the numbers obey everywhere (JSON, screen, PDF): when there are too few clinics to conclude."""

from __future__ import annotations

FEW_CLINICS = 25   # below this many clinics with a value, an indicator is "too few to conclude"


def too_few_clinics(n: int) -> bool:
    """True when `n` clinics with a value are too few to conclude from the order or spread of clinics:
    the one rule behind the "few_clinics" quality flag, the screen's caption and the handout's words."""
    return 0 < n < FEW_CLINICS
