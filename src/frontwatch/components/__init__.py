"""The spaCy components of frontwatch, one stage each: ``fw_actors``, ``fw_places``,
``fw_time``, ``fw_quantities``, ``fw_attribution``, ``fw_events``.

Each stage reads the parse and the entities, and writes what it finds on the Doc
(``doc._.fw_*``); importing a stage registers its factory. Event records are made from what
they write in :mod:`frontwatch.assembly`. docs/architecture.md has the component contract.
"""
