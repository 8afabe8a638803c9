"""Build the spaCy pipeline: the English model plus frontwatch's components."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import spacy
from spacy.language import Language

from ..errors import Errors, FrontwatchError
from ..settings import Settings

if TYPE_CHECKING:
    from ..gazetteer.index import Gazetteer

logger = logging.getLogger(__name__)

COMPONENTS = ("fw_actors", "fw_places", "fw_time", "fw_quantities", "fw_attribution", "fw_events")


def build_nlp(settings: Settings, *, gazetteer: Gazetteer | None = None) -> Language:
    """The English pipeline with ``fw_segment`` before the parser, the model's attribute ruler
    applied by ``fw_attributes`` (same output, a fraction of the time), and our stages after NER.

    ``gazetteer`` is passed in by tests (a small slice); by default the index is opened lazily.
    """
    # importing the modules registers their factories
    from ..components import actors, attribution, events, places, quantities, time  # noqa: F401
    from ..nlp import segment  # noqa: F401
    from ..nlp.attributes import replace_attribute_ruler

    try:
        nlp = spacy.load(settings.model)
    except OSError as err:
        raise FrontwatchError(Errors.E103, model=settings.model) from err
    replace_attribute_ruler(nlp)  # the same patterns, applied without the general Matcher
    nlp.add_pipe("fw_segment", before="parser")
    nlp.add_pipe("fw_actors", config={"paths": list(settings.actor_files)})
    if gazetteer is None and settings.gazetteer:
        from ..gazetteer.index import Gazetteer

        gazetteer = Gazetteer.open(Path(settings.gazetteer))
    places.add_places(nlp, gazetteer)
    nlp.add_pipe("fw_time")
    nlp.add_pipe("fw_quantities")
    nlp.add_pipe("fw_attribution")
    nlp.add_pipe("fw_events")
    logger.debug("pipeline: %s", nlp.pipe_names)
    return nlp
