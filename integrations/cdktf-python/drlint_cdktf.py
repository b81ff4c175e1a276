"""Record, in a CDKTF Python program's synthesized `cdk.tf.json`, the source line of each resource.

A `cdk.tf.json` is generated and usually not committed, so GitHub code scanning cannot show a
drlint alert on it. With this module the program writes, beside cdktf's own metadata in every
resource's `"//"` (comment) key, the file and line of the program that created the resource:

    "//": {"drlint": {"source": "dr_stack/constructs/storage.py", "line": 42},
           "metadata": {"path": "...", "uniqueId": "..."}}

drlint reads it (see docs/cdktf-source-locations.md in the drlint repository). Terraform ignores
`"//"` keys in JSON configuration, so plans and applies are unchanged.

Opt in once, before the stack is built:

    import drlint_cdktf
    drlint_cdktf.record_source_locations()
    app = App()
    MyStack(app, "prod")
    app.synth()

`source` is relative to the root of the git checkout holding the file (SARIF wants
repository-relative paths), or to `root=` when given, or -- outside a git checkout -- to the
current directory. It is never absolute: a file outside that root gets no entry.

No dependencies beyond cdktf itself; copy this file into a project or put its directory on
`sys.path`. CPython 3.9+ (it reads the caller's frame).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any, Callable, Optional, Sequence, Union

__all__ = [
    "DEFAULT_SKIPPED_MODULES",
    "KEY",
    "find_git_root",
    "is_recording",
    "record_source_locations",
    "stop_recording_source_locations",
]

#: The key under a resource's `"//"` object; drlint reads `//.drlint.source` and `//.drlint.line`.
KEY = "drlint"

#: Frames of these packages (and their submodules) are never "the program": the location is the
#: first frame outside them. `cdktf_cdktf_provider_` covers every prebuilt provider package.
DEFAULT_SKIPPED_MODULES: tuple[str, ...] = (
    "cdktf",
    "cdktf_cdktf_provider_",
    "constructs",
    "jsii",
    "typeguard",
)

PathLike = Union[str, "os.PathLike[str]"]


@dataclass
class _Settings:
    root: Optional[Path]
    skipped: tuple[str, ...]


_settings: Optional[_Settings] = None
_original_call: Optional[Callable[..., Any]] = None
_git_roots: dict[str, Optional[Path]] = {}


def record_source_locations(
    root: Optional[PathLike] = None,
    skip_modules: Sequence[str] = (),
) -> None:
    """From now on, every cdktf resource records where the program created it.

    `root`: make `source` relative to this directory instead of the file's git checkout (use it
    when the output must not depend on whether the program runs inside a checkout). Files
    outside the root get no entry. `skip_modules`: more module-name prefixes whose frames are
    library code (a construct library of your own, say), on top of DEFAULT_SKIPPED_MODULES.

    Calling it again replaces the settings; stop_recording_source_locations() undoes it.
    """
    global _settings, _original_call
    from jsii._runtime import JSIIMeta

    _settings = _Settings(
        root=Path(os.path.realpath(root)) if root is not None else None,
        skipped=DEFAULT_SKIPPED_MODULES + tuple(skip_modules),
    )
    if _original_call is None:
        _original_call = JSIIMeta.__call__
        JSIIMeta.__call__ = _recording_call  # type: ignore[method-assign]


def stop_recording_source_locations() -> None:
    """Resources created from now on record nothing (those already created keep their entry)."""
    global _settings, _original_call
    from jsii._runtime import JSIIMeta

    if _original_call is not None:
        JSIIMeta.__call__ = _original_call  # type: ignore[method-assign]
    _original_call = None
    _settings = None


def is_recording() -> bool:
    return _original_call is not None


def _recording_call(cls: type, *args: Any, **kwargs: Any) -> Any:
    assert _original_call is not None and _settings is not None
    instance = _original_call(cls, *args, **kwargs)
    from cdktf import TerraformResource

    if isinstance(instance, TerraformResource):
        location = _caller_location(sys._getframe(1), _settings)
        if location is not None:
            source, line = location
            instance.add_override(f"//.{KEY}", {"source": source, "line": line})
    return instance


def _caller_location(frame: Optional[FrameType], settings: _Settings) -> Optional[tuple[str, int]]:
    """The first program frame at or above `frame`, as (root-relative path, line)."""
    while frame is not None:
        if not _is_library(frame, settings.skipped):
            path = _relative(frame.f_code.co_filename, settings.root)
            if path is not None:
                return path, frame.f_lineno
        frame = frame.f_back
    return None


def _is_library(frame: FrameType, skipped: tuple[str, ...]) -> bool:
    module = frame.f_globals.get("__name__", "")
    if module == __name__:
        return True
    if any(module == p or module.startswith(p if p.endswith("_") else p + ".") for p in skipped):
        return True
    parts = Path(frame.f_code.co_filename).parts
    return "site-packages" in parts or "dist-packages" in parts


def _relative(filename: str, root: Optional[Path]) -> Optional[str]:
    """`filename` relative to `root` (else its git checkout, else the current directory), with
    `/` separators; None for code that is not in a file or lies outside that root."""
    if filename.startswith("<"):  # <string>, <frozen ...>, <stdin>: no file to point at
        return None
    path = Path(os.path.realpath(filename))
    base = root or find_git_root(path.parent) or Path(os.path.realpath(os.getcwd()))
    try:
        relative = path.relative_to(base)
    except ValueError:
        return None
    return relative.as_posix()


def find_git_root(directory: Path) -> Optional[Path]:
    """The nearest directory at or above `directory` holding `.git` (a directory, or a file in a
    worktree or submodule), or None. Cached per directory."""
    key = str(directory)
    if key not in _git_roots:
        found = next((d for d in (directory, *directory.parents) if (d / ".git").exists()), None)
        _git_roots[key] = found
    return _git_roots[key]
