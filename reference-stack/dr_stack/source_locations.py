"""The stack records, for each resource, the line of this repository that created it.

drlint's CDKTF integration (`integrations/cdktf-python/drlint_cdktf.py`, the one copy in the
repository) writes it under the resource's `"//"` key, and drlint shows findings on that line
(docs/cdktf-source-locations.md). Paths are relative to the repository root, given explicitly so
the synthesized fixtures are the same with or without a git checkout.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
INTEGRATION = REPO / "integrations" / "cdktf-python"
sys.path.insert(0, str(INTEGRATION))

import drlint_cdktf  # noqa: E402


def record() -> None:
    """Idempotent: every resource created from now on records its source line."""
    drlint_cdktf.record_source_locations(root=REPO)
