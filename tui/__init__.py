"""wlx's terminal UI and command line. The only package that imports Textual."""

__version__ = "0.1.0"
