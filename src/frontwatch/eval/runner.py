"""Plug the real extractor into :func:`frontwatch.eval.report.run_eval`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from ..errors import DocumentError
from ..pipeline import Extractor
from ..records import Document, DocumentResult
from .gold import GoldDocument
from .report import EvalReport, run_eval
from .situation import situation_for_eval

logger = logging.getLogger(__name__)


def predictor(extractor: Extractor) -> Callable[[GoldDocument], DocumentResult]:
    """Extraction with each gold document's own text and ``published`` date."""

    def predict(gold: GoldDocument) -> DocumentResult:
        document = Document(id=gold.doc_id, text=gold.text, published=gold.published)
        try:
            return extractor.extract(document)
        except DocumentError as err:
            logger.warning("%s", err)
            return DocumentResult(doc_id=gold.doc_id)

    return predict


def evaluate_extractor(
    extractor: Extractor,
    gold_path: str | Path,
    *,
    predictions_out: str | Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> EvalReport:
    return run_eval(
        gold_path,
        predictor(extractor),
        predictions_out=predictions_out,
        progress=progress,
        situation=situation_for_eval,
    )
