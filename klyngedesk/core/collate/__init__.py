"""Collation: from stored values to comparable indicator values per clinic."""
