"""Pause Python's cyclic garbage collector while building large numbers of small objects.

Building ~a million small models (50,000 identities) trips the cyclic GC again and again,
and every pass walks every live object: measured 3.5 s instead of 0.6 s. Nothing the
analysis builds forms reference cycles, so reference counting frees it all anyway.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic collection inside the block; the previous state comes back after it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
