"""Reusable widgets of the explorer: the virtual table, the header bar, prompts, flash line."""
