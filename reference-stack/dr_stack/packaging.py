"""Lambda packaging that depends on the handler code alone.

cdktf hashes an asset directory by file contents, so a stray `__pycache__` or test file would
change the synthesized configuration. The package's top-level `*.py` files and the shared helpers
(`lambda/shared`) are copied into a clean staging directory first; the asset (and so
`cdk.tf.json`) changes only when they do.
"""

from __future__ import annotations

import shutil
from pathlib import Path

REFERENCE_ROOT = Path(__file__).resolve().parent.parent
LAMBDA_ROOT = REFERENCE_ROOT / "lambda"
BUILD_ROOT = REFERENCE_ROOT / "build" / "lambda"
SHARED = "shared"


def _sources(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.py") if not p.name.startswith("test_"))


def stage_lambda_source(name: str, source_root: Path = LAMBDA_ROOT, build_root: Path = BUILD_ROOT) -> Path:
    own = _sources(source_root / name)
    if not own:
        raise FileNotFoundError(f"no handler sources in {source_root / name}")
    target = build_root / name
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for path in [*_sources(source_root / SHARED), *own]:
        shutil.copyfile(path, target / path.name)
    return target
