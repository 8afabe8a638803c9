"""Shared setup of the atheris targets: settings with a small size limit, a temp folder."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: The tests folder, for the hand-built API store of tests/test_api.py.
sys.path.insert(0, str(HERE.parent))

#: Small enough that a fuzzed input cannot make a reader hold much memory.
MAX_CHARS = 20_000
#: Scratch folder of the inputs written to disk: under FW_FUZZ_TMP if set (the CI runs set it
#: to the test's temporary folder), else the system's.
WORKDIR = Path(tempfile.mkdtemp(prefix="fw-fuzz-", dir=os.environ.get("FW_FUZZ_TMP")))
