"""The review methods of :class:`~frontwatch.store.Store` (docs/store.md, "Reviews").

A mixin: the store's sessions (:meth:`Reviewing._session`) and cluster refresh are the
store's own; this class holds what reviewing adds to them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, cast

import duckdb

from ..errors import Errors
from ..lexicon.events import load_lexicon
from ..records import Document, DocumentResult, Event
from . import reading, reviews
from .access import StoreError
from .reviews import ReviewBook, ReviewEntry, ReviewProblem, ReviewState, Vocabulary
from .writing import rollback

Con = duckdb.DuckDBPyConnection
Pair = tuple[Document, DocumentResult]
MEMORY = ":memory:"


class Reviewing:
    """Accept, reject, correct, merge and split events; the review log and the queue."""

    path: Path | None
    _vocabulary: Vocabulary | None

    def _session(
        self, *, write: bool, wait: float | None = None
    ) -> AbstractContextManager[Con]:  # pragma: no cover - the store's
        raise NotImplementedError

    def _refresh_clusters(self, attempts: int = 3) -> bool:  # pragma: no cover - the store's
        raise NotImplementedError

    def vocabulary(self) -> Vocabulary:
        if self._vocabulary is None:
            lexicon = load_lexicon()
            self._vocabulary = Vocabulary(
                acled_types=lexicon.acled_types,
                acled_categories=lexicon.acled_categories,
                plover_modes=lexicon.plover_modes,
                plover_categories=lexicon.plover_categories,
            )
        return self._vocabulary

    def _book(self, con: Con) -> ReviewBook:
        return reviews.book(con, self.vocabulary())

    def _reviewed(
        self, pairs: Iterable[Pair], book: ReviewBook, *, include_rejected: bool
    ) -> list[Pair]:
        if not book:
            return list(pairs)
        out = []
        for document, result in pairs:
            events = []
            for raw in result.events:
                event, state = book.apply(raw)
                if include_rejected or state is None or not state.rejected:
                    events.append(event)
            out.append((document, result.model_copy(update={"events": events})))
        return out

    def review_states(self) -> dict[str, ReviewState]:
        """Event id -> its review state, for every event with a verdict."""
        return dict(self.review_book().states)

    def review_book(self) -> ReviewBook:
        """The review log, resolved against the events stored now."""
        with self._session(write=False) as con:
            return self._book(con)

    def reviewed_event(self, event_id: str) -> tuple[Event, ReviewState | None]:
        """One event with its reviews applied, and its review state; E305 if unknown."""
        with self._session(write=False) as con:
            found = reading.events_by_id(con, [event_id])
            if not found:
                raise StoreError(Errors.E305, event_id=event_id, path=self.path or MEMORY)
            return self._book(con).apply(found[0])

    def review(
        self,
        event_id: str,
        action: str,
        *,
        changes: Mapping[str, Any] | None = None,
        note: str | None = None,
        by: str,
        refresh: bool = True,
    ) -> tuple[Event, ReviewState | None]:
        """Accept, reject or correct (``changes``: field -> value, :data:`.reviews.FIELDS`)
        an event; returns it as reviewed. E305: no such event; E306: a change that cannot be
        applied. With ``refresh`` the clusters are recomputed before returning."""
        if action not in reviews.VERDICTS:
            raise StoreError(Errors.E306, event_id=event_id, detail=f"unknown action {action!r}")
        if action != reviews.CORRECT and changes:
            raise StoreError(
                Errors.E306,
                event_id=event_id,
                detail=f"'changes' go with 'correct', not {action!r}",
            )
        with self._session(write=True) as con:
            found = reading.events_by_id(con, [event_id])
            if not found:
                raise StoreError(Errors.E305, event_id=event_id, path=self.path or MEMORY)
            raw = found[0]
            book = self._book(con)
            current, state = book.apply(raw)
            if action == reviews.CORRECT:
                try:
                    _, before, after = reviews.apply_changes(
                        current, changes or {}, self.vocabulary()
                    )
                except ReviewProblem as err:
                    raise StoreError(Errors.E306, event_id=event_id, detail=err) from err
            else:
                before = {"review": state.status if state else None}
                after = {"review": reviews.VERDICTS[action]}
            verb = cast(reviews.Action, action)
            self._append(con, book, raw, verb, by=by, before=before, after=after, note=note)
            result = self._book(con).apply(raw)
        if refresh:
            self._refresh_clusters()
        return result

    def merge(
        self, event_ids: Sequence[str], *, note: str | None = None, by: str, refresh: bool = True
    ) -> ReviewEntry:
        """Put events in one situation cluster (their clusters merged)."""
        ids = list(dict.fromkeys(event_ids))
        if len(ids) < 2:
            raise StoreError(
                Errors.E306,
                event_id=",".join(ids) or "-",
                detail="a merge needs two events or more",
            )
        with self._session(write=True) as con:
            found = {e.id: e for e in reading.events_by_id(con, ids)}
            for event_id in ids:
                if event_id not in found:
                    raise StoreError(Errors.E305, event_id=event_id, path=self.path or MEMORY)
            clusters = reading.cluster_of(con, ids)
            entry = self._append(
                con,
                self._book(con),
                found[ids[0]],
                "merge",
                by=by,
                before={"clusters": {i: clusters.get(i) for i in ids}},
                after={"events": ids},
                note=note,
            )
        if refresh:
            self._refresh_clusters()
        return entry

    def split(
        self, event_id: str, *, note: str | None = None, by: str, refresh: bool = True
    ) -> ReviewEntry:
        """Take an event out of its situation cluster (it becomes a cluster of its own)."""
        with self._session(write=True) as con:
            found = reading.events_by_id(con, [event_id])
            if not found:
                raise StoreError(Errors.E305, event_id=event_id, path=self.path or MEMORY)
            cluster = reading.cluster_of(con, [event_id]).get(event_id)
            entry = self._append(
                con,
                self._book(con),
                found[0],
                "split",
                by=by,
                before={"cluster": cluster},
                after=dict(apart=True),
                note=note,
            )
        if refresh:
            self._refresh_clusters()
        return entry

    def _append(
        self,
        con: Con,
        book: ReviewBook,
        event: Event,
        action: reviews.Action,
        *,
        by: str,
        before: Mapping[str, Any] | None,
        after: Mapping[str, Any] | None,
        note: str | None,
    ) -> ReviewEntry:
        """Add an entry to the log, unless it repeats the event's last entry (the same action,
        values, note and reviewer: a command run again, a form sent twice)."""
        history = book.history(event.id)
        if history:
            last = history[-1]
            if (last.action, last.after, last.note, last.by) == (action, after, note, by):
                return last
        con.execute("BEGIN TRANSACTION")
        try:
            entry = reviews.append(
                con, event=event, action=action, by=by, before=before, after=after, note=note
            )
            reading.set_meta(con, "changes", str(reading.changes(con) + 1))
            reading.set_meta(con, "clusters_stale", "1")
            con.execute("COMMIT")
        except BaseException:
            rollback(con)
            raise
        return entry

    def reviewed(self) -> list[tuple[Event, ReviewState]]:
        """Every event with a verdict (rejected ones too), as reviewed, with its review; in the
        order of event ids."""
        with self._session(write=False) as con:
            book = self._book(con)
            raws = reading.events_by_id(con, book.states)
        return [(book.apply(raw)[0], book.states[raw.id]) for raw in raws]

    def review_queue(self, *, limit: int = 50, offset: int = 0) -> tuple[int, list[Event]]:
        """Events without a verdict, least confident first: the total and one page."""
        with self._session(write=False) as con:
            book = self._book(con)
            total, events = reading.queue(con, leave_out=book.states, limit=limit, offset=offset)
            return total, [book.apply(e)[0] for e in events]

    def review_history(
        self, event_id: str | None = None, *, orphaned: bool = False
    ) -> list[ReviewEntry]:
        """The review log, oldest first: all of it, an event's entries (those of its former
        ids included), or the orphaned entries."""
        book = self.review_book()
        if orphaned:
            return book.orphans()
        if event_id is None:
            return list(book.entries)
        return book.log_of(event_id)
