"""The ``frontwatch`` command: a thin layer over the library, and the only place that defines
commands (one module per command group, options shared through :mod:`.options`).

=================  ===================================================
module             commands
=================  ===================================================
:mod:`.extract`    ``extract``, ``geoparse``, ``schema``
:mod:`.eval`       ``eval``
:mod:`.gazetteer`  ``gazetteer build``
:mod:`.store`      ``ingest``, ``reprocess``, ``query``
:mod:`.situation`  ``situation``
:mod:`.export`     ``export``
:mod:`.watch`      ``watch``
:mod:`.serve`      ``serve``
:mod:`.review`     ``review queue``, ``show``, ``accept``, ``reject``, ``correct``, ``merge``,
                   ``split``, ``history``, ``export``
=================  ===================================================

Exit codes: 0 success; 1 some inputs were skipped (each reported with its error code);
2 usage or fatal error (bad option, invalid settings or data file). The reference,
docs/cli.md, is generated from these commands (``scripts/cli_reference.py``).
"""

from __future__ import annotations

from .group import cli, main
from .options import EXIT_FATAL, EXIT_SKIPPED

__all__ = ["EXIT_FATAL", "EXIT_SKIPPED", "cli", "main"]
