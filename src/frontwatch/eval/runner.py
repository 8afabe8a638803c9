"""Plug the real extractor into :func:`frontwatch.eval.report.run_eval`."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path

from ..coder import MODEL_DIR
from ..errors import DocumentError, Errors, FrontwatchError
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


def check_not_trained_on(extractor: Extractor, gold_path: str | Path) -> None:
    """E203 when the extractor's learned coder was trained on the gold file (by name or by
    sha256): its score there would be a score on training data."""
    coder = extractor.coder
    if coder is None:
        return
    path = Path(gold_path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if coder.trained_on(path.name, digest):
        folder = extractor.settings.coder or str(MODEL_DIR)
        raise FrontwatchError(
            Errors.E203, path=path, model=folder, card=Path(folder) / "MODEL_CARD.md"
        )


def evaluate_extractor(
    extractor: Extractor,
    gold_path: str | Path,
    *,
    predictions_out: str | Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> EvalReport:
    """Score ``extractor`` on a gold file; E203 when its learned coder was trained on it."""
    check_not_trained_on(extractor, gold_path)
    return run_eval(
        gold_path,
        predictor(extractor),
        predictions_out=predictions_out,
        progress=progress,
        situation=situation_for_eval,
    )
