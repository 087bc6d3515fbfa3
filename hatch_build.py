"""Build hook: validate the built-in knowledge base once, at build time, and ship it as ``lmsrx/_built/kb.pickle``
(see ``lmsrx/build.py``). A wheel carries the artefact, with the encoded parts of options answers; an editable install
writes the validated base alone into the checkout, whose code may change under it."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel":
            return
        inside = os.path.join(self.root, "lmsrx", "_built", "kb.pickle")
        target = inside if version == "editable" else os.path.join(tempfile.mkdtemp(), "kb.pickle")
        env = {**os.environ, "PYTHONPATH": self.root + os.pathsep + os.environ.get("PYTHONPATH", "")}
        encoded = [] if version == "editable" else ["--encoded"]
        subprocess.run([sys.executable, "-m", "lmsrx.build", target, *encoded], cwd=self.root, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        if version != "editable":
            build_data["force_include"][target] = "lmsrx/_built/kb.pickle"
