// Evidence highlighting: the span of every extracted field, marked in the article text.
//
// Spans are offsets in Unicode code points (Python string indices); offsetMapper maps them to
// JavaScript's UTF-16 indices. The text is HTML-escaped segment by segment between span
// boundaries, and only then wrapped in <mark> elements built from fixed class names.

import { escapeHtml } from "./core.js";

export const HIGHLIGHT_FIELDS = [
  ["trigger", "trigger"],
  ["actor1", "actor 1"],
  ["actor2", "actor 2"],
  ["location", "location"],
  ["date", "date"],
  ["quantity", "quantity"],
  ["attribution", "attribution"],
];

/**
 * Map code-point offsets (Python str indices, as in every span) to UTF-16 indices of a JS string.
 * Returns the identity when the text has no astral characters.
 */
export function offsetMapper(text) {
  if (!/[\uD800-\uDFFF]/.test(text)) return (offset) => offset;
  const units = [];
  let unit = 0;
  for (const ch of text) {
    units.push(unit);
    unit += ch.length;
  }
  units.push(unit);
  return (offset) => units[Math.max(0, Math.min(offset, units.length - 1))];
}

/**
 * HTML for `text` with highlight marks. `spans` are {start, end, field, label} in code points of
 * `text`. The text is escaped per segment between span boundaries, then wrapped in <mark>; the
 * innermost (shortest) span of a segment names its colour, every covering field is listed.
 */
export function highlightHtml(text, spans, evidence = null) {
  const toUnit = offsetMapper(text);
  const length = text.length;
  const items = [];
  for (const span of spans) {
    const start = toUnit(span.start);
    const end = toUnit(span.end);
    if (!(Number.isInteger(start) && Number.isInteger(end)) || start >= end || end > length) {
      continue;
    }
    items.push({ ...span, start, end });
  }
  let ev = null;
  if (evidence && evidence.end > evidence.start) {
    ev = { start: toUnit(evidence.start), end: toUnit(evidence.end) };
  }
  const cuts = new Set([0, length]);
  for (const item of items) {
    cuts.add(item.start);
    cuts.add(item.end);
  }
  if (ev) {
    cuts.add(Math.min(ev.start, length));
    cuts.add(Math.min(ev.end, length));
  }
  const bounds = [...cuts].sort((a, b) => a - b);
  let html = "";
  for (let i = 0; i + 1 < bounds.length; i += 1) {
    const a = bounds[i];
    const b = bounds[i + 1];
    let piece = escapeHtml(text.slice(a, b));
    const active = items.filter((item) => item.start <= a && item.end >= b);
    if (active.length) {
      active.sort((x, y) => (x.end - x.start) - (y.end - y.start));
      const fields = [...new Set(active.map((item) => item.field))];
      const title = [...new Set(active.map((item) => item.label || item.field))].join(", ");
      piece = `<mark class="hl hl-${escapeHtml(active[0].field)}" data-fields="${
        escapeHtml(fields.join(" "))}" title="${escapeHtml(title)}">${piece}</mark>`;
    }
    if (ev && ev.start <= a && ev.end >= b) piece = `<span class="evidence">${piece}</span>`;
    html += piece;
  }
  return html;
}

/** Every span of an event's fields, as {start, end, field, label}. */
export function eventSpans(ev) {
  const spans = [];
  const add = (span, field, label) => {
    if (Array.isArray(span) && span.length === 2) {
      spans.push({ start: span[0], end: span[1], field, label });
    }
  };
  add(ev.trigger && ev.trigger.span, "trigger", "trigger");
  for (const mention of ev.mentions || []) {
    add(mention.trigger && mention.trigger.span, "trigger", "trigger (other mention)");
  }
  for (const key of ["actor1", "actor2"]) {
    const actor = ev[key];
    if (!actor) continue;
    add(actor.span, key, key === "actor1" ? "actor 1" : "actor 2");
    for (const member of actor.members || []) add(member.span, key, "actor member");
    for (const qualifier of actor.qualifiers || []) add(qualifier.span, key, "actor qualifier");
  }
  if (ev.location) add(ev.location.span, "location", "location");
  if (ev.date) add(ev.date.span, "date", "date");
  for (const q of ev.quantities || []) add(q.span, "quantity", `quantity (${q.kind})`);
  if (ev.attribution) {
    const at = ev.attribution;
    add(at.span, "attribution", "attribution");
    add(at.source_span, "attribution", "source");
    add(at.speaker_span, "attribution", "speaker");
  }
  return spans;
}

/** The triggers of the document's other events (from GET /api/documents/{id} highlights). */
export function otherTriggerSpans(doc, eventId) {
  const raw = Array.isArray(doc.highlights) ? doc.highlights : [];
  const spans = [];
  for (const item of raw) {
    if (!item || item.field !== "trigger" || item.event_id === eventId) continue;
    if (Number.isInteger(item.start) && Number.isInteger(item.end)) {
      spans.push({ start: item.start, end: item.end, field: "other", label: "another event" });
    }
  }
  return spans;
}
