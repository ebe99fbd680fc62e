"""The explorer's screens: the views (lists, an identity, the overview), help and raw JSON."""
