"""One catalogue of coded errors and warnings.

Every problem frontwatch reports to a user has a code here, so that messages are searchable,
documented (docs/errors.md is checked against this file by the tests) and testable. Library code
raises :class:`FrontwatchError` with a code and keyword arguments for the message template::

    raise FrontwatchError(Errors.E001, name="a.txt")
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Errors(StrEnum):
    """Error codes and message templates: each member is its template (``str.format`` fields)."""

    # -- input documents (E0xx): the document is skipped, the batch goes on
    E001 = "[E001] Document {name} is empty (no text after extraction)."
    E002 = (
        "[E002] Document {name} looks binary ({detail}); "
        "only text, HTML, JSON Lines and feeds are read."
    )
    E003 = "[E003] Document {name} is not valid UTF-8 (byte {position}); re-encode it as UTF-8."
    E004 = (
        "[E004] Document {name} has {size} characters, "
        "over the limit of {limit} (setting max_chars)."
    )
    E005 = (
        "[E005] Document {name} does not look like English ({detail}); only English is supported."
    )
    E006 = "[E006] Line {line} of {name} is not valid JSON: {detail}."
    E007 = "[E007] Line {line} of {name} has no text field (expected 'text' as a string)."
    E008 = "[E008] Input {name} cannot be read: {detail}."
    E009 = "[E009] Date {value!r} is not a valid ISO date (YYYY-MM-DD)."
    E010 = "[E010] Unsupported input {name}: the extension {suffix!r} is not one of {supported}."
    E011 = "[E011] Line {line} of {name}: field {field!r} must be {expected}."
    E012 = "[E012] Line {line} of {name} is over a reader limit: {detail}."
    E013 = (
        "[E013] {where}: field {field!r} is not valid Unicode "
        "(a lone surrogate {escape} at character {position})."
    )
    E014 = "[E014] Document {name} could not be processed and was skipped: {detail}."
    E015 = (
        "[E015] Input {name} gives the document id {doc!r}, already given by {other}; "
        "it was skipped."
    )
    E016 = "[E016] Link {name} was not followed: {detail}."
    # -- data files and settings (E1xx): fatal, nothing is processed
    E101 = "[E101] Data file {path} is invalid: {detail}."
    E102 = "[E102] Settings file {path} is invalid: {detail}."
    E103 = "[E103] The spaCy pipeline {model!r} is not installed; run the project's install step."
    # -- the store (E3xx)
    E301 = (
        "[E301] Database {path} is in use by another process and did not come free within "
        "{wait} s (lock {lock}); {what}."
    )
    E302 = (
        "[E302] Database {path} has schema version {found}; "
        "this frontwatch reads up to {supported}."
    )
    E303 = "[E303] No database at {path}; ingest documents into it first."
    E304 = (
        "[E304] {path} is not a frontwatch database or is damaged ({detail}); it was not changed."
    )
    E305 = "[E305] No event {event_id} in database {path}."
    E306 = "[E306] Review of event {event_id}: {detail}."
    # -- gold data and evaluation (E2xx)
    E201 = "[E201] Gold file {path}, line {line}: {detail}."
    E202 = "[E202] Gold document {doc_id}: evidence {evidence!r} is not a substring of its text."
    E203 = (
        "[E203] Gold file {path} is training data of the learned coder ({model}): a score on "
        "it would be a score on the model's own training data. Quote the cross-validated "
        'figures of {card} instead, or evaluate with settings coder = "off" (the rules) or '
        "a model trained without it."
    )
    # -- warnings (W0xx): reported, processing goes on
    W001 = "[W001] Document {name}: publication date missing; relative dates stay unresolved."
    W002 = "[W002] Document {name}: {count} input lines were skipped; see the errors above."
    W003 = (
        "[W003] Database {path} stayed busy for {wait} s: {count} documents queued in {spool}; "
        "the next process that writes the database stores them."
    )
    W004 = "[W004] Spool file {path} cannot be read ({detail}); it was moved to {bad}."
    W005 = (
        "[W005] Removed the unfinished spool file {path} ({size} bytes) of a process that "
        "stopped while writing it; run that process's command again."
    )
    W006 = (
        "[W006] {count} reviews no longer match an event of database {path} (re-extraction "
        "changed the events); they are kept: frontwatch review history --orphaned."
    )
    W007 = (
        "[W007] Line {line} of {name}: publication date {value!r} not read; the document is "
        "read without it."
    )

    @property
    def code(self) -> str:
        return self.name


class FrontwatchError(Exception):
    """An error with a catalogue code. ``str(err)`` is the formatted message."""

    def __init__(self, error: Errors, **kwargs: Any) -> None:
        self.error = error
        self.details = kwargs
        super().__init__(error.format(**kwargs))

    @property
    def code(self) -> str:
        return self.error.code


class DocumentError(FrontwatchError):
    """A problem with one input document: it is skipped and the batch goes on.

    ``doc_id`` is the id of the document that failed when it was read already (E014), so that
    a caller pairing documents with results can let it go."""

    def __init__(self, error: Errors, *, doc_id: str | None = None, **kwargs: Any) -> None:
        super().__init__(error, **kwargs)
        self.doc_id = doc_id

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled to and from worker processes: rebuilt from the code and the details
        return (_rebuild_document_error, (self.error.name, self.doc_id, self.details))


def _rebuild_document_error(
    code: str, doc_id: str | None, details: dict[str, Any]
) -> DocumentError:
    return DocumentError(Errors[code], doc_id=doc_id, **details)
