"""Check the demo tenant's beta paths against msgraph-beta-sdk's models (run by hand).

The test suite checks every object against msgraph-sdk's v1.0 models plus a commented
allowlist of beta-only properties (tests/oracle.py). The beta SDK itself is 400+ MB
installed, too much for every CI run, so this stronger check is a manual one:

    .venv/bin/pip install msgraph-beta-sdk
    .venv/bin/python tools/oracle_beta.py
"""

import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import oracle  # noqa: E402

from graph.demo import generate_demo  # noqa: E402

problems = oracle.check_recording(generate_demo(300, 7, now=datetime(2026, 11, 20, tzinfo=UTC)),
                                  package=oracle.BETA)
print("\n".join(problems[:50]) or "no problems")
sys.exit(1 if problems else 0)
