"""The PySide6 desktop layer: a thin adapter over the core."""
