#!/usr/bin/env python
"""Entry point for `cdktf synth` / `cdktf deploy` (see cdktf.json) and for `python main.py`.

Configuration: DR_VARIANT (payments | transactions), ENVIRONMENT_SUFFIX, and the other settings
listed in dr_stack/config.py; DR_MUTATION builds a deliberately broken mutant (tests only).
"""

from __future__ import annotations

import os

from cdktf import App

from dr_stack.config import load_config
from dr_stack.synth import build

CONTEXT_KEYS = ("variant", "environmentSuffix", "domain", "mutation")


def main(outdir: str | None = None) -> None:
    app = App(outdir=outdir) if outdir else App()
    build(app, load_config({key: app.node.try_get_context(key) for key in CONTEXT_KEYS}, os.environ))
    app.synth()


if __name__ == "__main__":  # pragma: no cover
    main()
