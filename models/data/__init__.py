"""Data files shipped with the models (the tier table and its licence)."""
