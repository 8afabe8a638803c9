// The timeline: a slider over the days where the data are, the "as of" date, the window, the
// charts under it.
//
// The range is robust to outliers: a few events (at most 5 %, at least one) at either end are
// left out of it when a gap longer than the span of the rest (and at least 30 days) separates
// them, so one report of a 2003 event does not stretch a 2024 timeline over twenty years. The
// status line says how many events fall outside, and "Show all dates" expands the range.

import { DAY, TYPE_COLOURS, eventType, isoDay, parseDay, state } from "./core.js";

const MIN_GAP_DAYS = 30;
const TAIL_SHARE = 0.05;

/**
 * The core range of sorted day numbers (days since the epoch, ascending, duplicates allowed):
 * {first, last, before, after}, where before/after count the values left out at each end.
 */
export function coreRange(days) {
  const n = days.length;
  if (!n) return null;
  const out = { first: days[0], last: days[n - 1], before: 0, after: 0 };
  if (n < 3) return out;
  const maxDrop = Math.max(1, Math.floor(TAIL_SHARE * n));
  const inner = days[n - 1 - maxDrop] - days[maxDrop];
  const gap = Math.max(MIN_GAP_DAYS, inner);
  for (let i = maxDrop - 1; i >= 0; i -= 1) {
    if (days[i + 1] - days[i] > gap) {
      out.before = i + 1;
      out.first = days[i + 1];
      break;
    }
  }
  for (let i = maxDrop - 1; i >= 0; i -= 1) {
    const j = n - 1 - i;
    if (days[j] - days[j - 1] > gap) {
      out.after = i + 1;
      out.last = days[j - 1];
      break;
    }
  }
  return out;
}

export function eventStart(item) {
  return parseDay(item.start);
}

export function eventEnd(item) {
  return parseDay(item.end || item.start);
}

/** The timeline's range for the loaded events: {first, last, before, after, full} (Dates). */
export function computeDomain(events) {
  const days = [];
  let last = null;
  for (const ev of events) {
    const start = eventStart(ev);
    if (!start) continue;
    days.push(Math.round(start.getTime() / DAY));
    const end = eventEnd(ev);
    if (end && (!last || end > last)) last = end;
  }
  if (!days.length) return null;
  days.sort((a, b) => a - b);
  const core = coreRange(days);
  const toDate = (n) => new Date(n * DAY);
  const fullLast = last && last.getTime() / DAY > days[days.length - 1] ? last
    : toDate(days[days.length - 1]);
  // a core range ends at the last start it keeps, or at the end of the data when none is cut
  const coreLast = core.after ? toDate(core.last) : fullLast;
  return {
    first: toDate(core.first),
    last: coreLast,
    before: core.before,
    after: core.after,
    full: { first: toDate(days[0]), last: fullLast },
  };
}

/** Lay the slider over the domain, keeping the as-of date where it was when it still fits. */
export function buildTimeline(keepAsOf) {
  const slider = document.getElementById("asof");
  const domain = state.domain;
  const range = !domain ? null : state.expanded ? domain.full : domain;
  const previous = state.asOf;
  state.days = [];
  if (range) {
    for (let t = range.first.getTime(); t <= range.last.getTime(); t += DAY) {
      state.days.push(new Date(t));
    }
  }
  slider.max = String(Math.max(0, state.days.length - 1));
  let index = state.days.length - 1;
  if (keepAsOf && previous && state.days.length) {
    const at = Math.round((previous.getTime() - state.days[0].getTime()) / DAY);
    index = Math.max(0, Math.min(state.days.length - 1, at));
  }
  slider.value = String(Math.max(0, index));
  slider.disabled = state.days.length < 2;
  state.asOf = state.days.length ? state.days[Math.max(0, index)] : null;
  document.getElementById("asof-label").textContent = state.asOf ? isoDay(state.asOf) : "–";
  renderRangeNote();
}

function renderRangeNote() {
  const note = document.getElementById("range-note");
  const button = document.getElementById("range-expand");
  const domain = state.domain;
  const outside = domain ? domain.before + domain.after : 0;
  if (!outside) {
    note.textContent = "";
    button.hidden = true;
    return;
  }
  button.hidden = false;
  if (state.expanded) {
    note.textContent = `All dates, ${isoDay(domain.full.first)} to ${isoDay(domain.full.last)}`;
    button.textContent = "Focus on the data";
  } else {
    const parts = [];
    if (domain.before) parts.push(`${domain.before} earlier (from ${isoDay(domain.full.first)})`);
    if (domain.after) parts.push(`${domain.after} later (to ${isoDay(domain.full.last)})`);
    note.textContent = `${outside} event${outside === 1 ? "" : "s"} outside the timeline: ${
      parts.join(", ")}`;
    button.textContent = "Show all dates";
  }
}

/** The events shown as of the timeline date: started by then (and within the window). */
export function visibleEvents() {
  if (!state.asOf) return state.events;
  const from = state.window ? new Date(state.asOf.getTime() - (state.window - 1) * DAY) : null;
  const lastDay = state.days.length ? state.days[state.days.length - 1] : null;
  return state.events.filter((ev) => {
    const start = eventStart(ev);
    if (!start) return true;
    // at the end of the slider every event shows, later outliers included
    if (start > state.asOf && !(lastDay && state.asOf >= lastDay)) return false;
    return !from || (eventEnd(ev) || start) >= from;
  });
}

// ---------------------------------------------------------------- charts

function bucketOf(days) {
  if (days <= 120) return { size: 1, label: "day" };
  if (days <= 730) return { size: 7, label: "week" };
  return { size: 30, label: "30 days" };
}

export function drawCharts() {
  const eventsSvg = document.getElementById("chart-events");
  const casualtiesSvg = document.getElementById("chart-casualties");
  if (!state.days.length) {
    eventsSvg.replaceChildren();
    casualtiesSvg.replaceChildren();
    return;
  }
  const first = state.days[0].getTime();
  const bucket = bucketOf(state.days.length);
  const n = Math.ceil(state.days.length / bucket.size);
  const types = Object.keys(TYPE_COLOURS);
  const counts = Array.from({ length: n }, () => Object.fromEntries(types.map((t) => [t, 0])));
  const killedSeries = new Array(n).fill(0);
  const injuredSeries = new Array(n).fill(0);
  for (const ev of state.events) {
    const start = eventStart(ev);
    if (!start) continue;
    const i = Math.floor((start.getTime() - first) / DAY / bucket.size);
    if (i < 0 || i >= n) continue;  // outside the timeline's range
    counts[i][eventType(ev)] += 1;
    killedSeries[i] += ev.fatalities;
    injuredSeries[i] += ev.injured;
  }
  const asOfIndex = state.asOf ? Math.floor((state.asOf.getTime() - first) / DAY / bucket.size)
    : n - 1;
  drawStacked(eventsSvg, counts, types, asOfIndex, bucket.label);
  drawStacked(casualtiesSvg, killedSeries.map((k, i) => ({ killed: k,
    injured: injuredSeries[i] })), ["killed", "injured"], asOfIndex, bucket.label,
  { killed: "#2d3436", injured: "#b2bec3" });
}

const SVG_NS = "http://www.w3.org/2000/svg";
function s(tag, attrs = {}, text = null) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  if (text !== null) el.textContent = text;
  return el;
}

function drawStacked(svg, rows, keys, asOfIndex, unit, colours = TYPE_COLOURS) {
  const width = svg.clientWidth || 400;
  const height = svg.clientHeight || 110;
  const pad = { left: 30, right: 6, top: 6, bottom: 18 };
  const innerW = Math.max(10, width - pad.left - pad.right);
  const innerH = Math.max(10, height - pad.top - pad.bottom);
  const totals = rows.map((row) => keys.reduce((sum, key) => sum + row[key], 0));
  const max = Math.max(1, ...totals);
  const barW = innerW / rows.length;
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  const nodes = [];
  nodes.push(s("line", { x1: pad.left, x2: width - pad.right, y1: pad.top + innerH,
    y2: pad.top + innerH, class: "axis" }));
  nodes.push(s("text", { x: pad.left - 4, y: pad.top + 8, "text-anchor": "end",
    class: "tick" }, String(max)));
  nodes.push(s("text", { x: pad.left - 4, y: pad.top + innerH, "text-anchor": "end",
    class: "tick" }, "0"));
  rows.forEach((row, i) => {
    let y = pad.top + innerH;
    for (const key of keys) {
      if (!row[key]) continue;
      const barH = (row[key] / max) * innerH;
      y -= barH;
      nodes.push(s("rect", { x: pad.left + i * barW + barW * 0.1, y, width: Math.max(1,
        barW * 0.8), height: barH, fill: colours[key], opacity: i > asOfIndex ? 0.3 : 1 },
      null));
    }
  });
  const x = pad.left + Math.min(rows.length, asOfIndex + 1) * barW;
  nodes.push(s("line", { x1: x, x2: x, y1: pad.top, y2: pad.top + innerH, class: "asof-line" }));
  nodes.push(s("text", { x: pad.left, y: height - 4, class: "tick" }, isoDay(state.days[0])));
  nodes.push(s("text", { x: width - pad.right, y: height - 4, "text-anchor": "end",
    class: "tick" }, `${isoDay(state.days[state.days.length - 1])} (per ${unit})`));
  svg.replaceChildren(...nodes);
}
