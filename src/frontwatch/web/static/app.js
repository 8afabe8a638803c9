// frontwatch web map: events from /api/events on an offline basemap, a timeline, filters, an
// event panel with every extracted field highlighted in the article text, and small SVG charts.
//
// Security: every text that comes from the API is untrusted. Plain values go into the page as
// text nodes (textContent); the article text is HTML-escaped segment by segment before <mark>
// elements are inserted at the span offsets. Nothing from the API is ever put into innerHTML
// unescaped, into an attribute unescaped, or into a URL other than encodeURIComponent'ed.

const API = new URL(document.body.dataset.api || "api/", document.baseURI);
// page size of /api/events (the API's maximum); ?page_size=N overrides it (tests page with it)
const PAGE_SIZE = Math.min(500, Math.max(1, Number(new URLSearchParams(window.location.search)
  .get("page_size")) || 500));
const MAX_EVENTS = 20000;
const DAY = 86400000;

// ACLED event types and their colours (and a fallback for events without an ACLED code).
export const TYPE_COLOURS = {
  "Battles": "#c0392b",
  "Explosions/Remote violence": "#e67e22",
  "Violence against civilians": "#8e44ad",
  "Protests": "#2980b9",
  "Riots": "#16a085",
  "Strategic developments": "#27ae60",
  "Other": "#7f8c8d",
};
const HIGHLIGHT_FIELDS = [
  ["trigger", "trigger"],
  ["actor1", "actor 1"],
  ["actor2", "actor 2"],
  ["location", "location"],
  ["date", "date"],
  ["quantity", "quantity"],
  ["attribution", "attribution"],
];
const CONTROLLER_PALETTE = ["#1abc9c", "#f39c12", "#e84393", "#0984e3", "#6c5ce7", "#d35400",
  "#00b894", "#b33939"];

const state = {
  events: [],          // every event returned by the API for the current filters
  sources: new Map(),  // event id -> independent sources, when the API gives them
  truncated: false,
  days: [],            // timeline domain: Date (UTC midnight) of each slider step
  asOf: null,          // Date or null (no dated events)
  window: 0,
  selected: null,
  controllers: new Map(),       // controller name -> colour, stable across dates
  shownControllers: new Set(),  // controllers of the control markers drawn now
  situation: null,
  config: { tiles: "" },
};

// ---------------------------------------------------------------- helpers

/** Escape a string for HTML text and attribute contexts. */
export function escapeHtml(value) {
  return String(value)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** Create an element; children are nodes or strings (strings become text nodes). */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

function parseDay(value) {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}/.test(value)) return null;
  const day = new Date(value.slice(0, 10) + "T00:00:00Z");
  return Number.isNaN(day.getTime()) ? null : day;
}

function isoDay(day) {
  return day ? day.toISOString().slice(0, 10) : "";
}

/** The ACLED type of a summary (or of a full event), "Other" when it has none. */
function eventType(item) {
  const type = item.type ?? (item.acled && item.acled.event_type);
  return type && type in TYPE_COLOURS ? type : "Other";
}

function eventStart(item) {
  return parseDay(item.start);
}

function eventEnd(item) {
  return parseDay(item.end || item.start);
}

/** Sum of the counts of one quantity kind of a full event. */
function killed(ev, kind = "killed") {
  let total = 0;
  for (const q of ev.quantities || []) {
    if (q.kind === kind) total += Number(q.count ?? q.high ?? q.low ?? 0) || 0;
  }
  return total;
}

function actorLabel(actor) {
  if (!actor) return "";
  return actor.name || actor.text || "";
}

function finite(value) {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/**
 * What the map needs of one event. /api/events gives flat summaries (EventSummary); a full
 * Event record (with trigger, location, ...) is accepted too.
 */
export function summarise(item) {
  if (item.trigger && typeof item.trigger === "object") {
    const loc = item.location || {};
    const date = item.date || {};
    return {
      id: String(item.id), doc_id: String(item.doc_id),
      type: item.acled ? item.acled.event_type : null,
      sub: item.acled ? item.acled.sub_event_type : null,
      start: date.start || null, end: date.end || null,
      lat: finite(loc.lat), lon: finite(loc.lon), place: loc.name || loc.text || null,
      country: loc.country || null, geonameid: loc.geonameid ?? null,
      actor1: actorLabel(item.actor1) || null, actor2: actorLabel(item.actor2) || null,
      fatalities: killed(item), injured: killed(item, "injured"),
      modality: item.modality, sources: finite(item.sources),
      evidence: item.evidence ? item.evidence.text : "", trigger: item.trigger.text,
    };
  }
  return {
    id: String(item.id), doc_id: String(item.doc_id),
    type: item.event_type ?? null, sub: item.sub_event_type ?? null,
    start: item.date_start ?? null, end: item.date_end ?? null,
    lat: finite(item.lat), lon: finite(item.lon), place: item.place ?? null,
    country: item.country ?? null, geonameid: item.geonameid ?? null,
    actor1: item.actor1 ?? null, actor2: item.actor2 ?? null,
    fatalities: finite(item.fatalities) || 0, injured: finite(item.injured) || 0,
    modality: item.modality, sources: finite(item.sources),
    evidence: typeof item.evidence === "string" ? item.evidence : "", trigger: null,
  };
}

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
function otherTriggerSpans(doc, eventId) {
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

async function getJson(path, params = {}) {
  const url = path instanceof URL ? path : new URL(path, API);
  for (const [key, value] of Object.entries(params)) {
    if (value !== "" && value !== null && value !== undefined) url.searchParams.set(key, value);
  }
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    const error = body && body.error ? body.error : { code: String(response.status), message: "" };
    const err = new Error(`${error.code}: ${error.message}`);
    err.status = response.status;
    throw err;
  }
  return body;
}

function setStatus(message, isError = false) {
  const el = document.getElementById("status");
  el.textContent = message;
  el.classList.toggle("error", isError);
}

// ---------------------------------------------------------------- map

const map = L.map("map", { zoomControl: true, worldCopyJump: true, minZoom: 2, maxZoom: 14 })
  .setView([30, 20], 3);
map.attributionControl.setPrefix("");
const eventRenderer = L.svg({ padding: 0.5 });

const clusters = L.markerClusterGroup({
  maxClusterRadius: 36,
  showCoverageOnHover: false,
  spiderfyOnMaxZoom: true,
  chunkedLoading: true,
  iconCreateFunction: clusterIcon,
});
const controlLayer = L.layerGroup();

function clusterIcon(cluster) {
  const counts = new Map();
  for (const marker of cluster.getAllChildMarkers()) {
    const type = marker.options.fwType;
    counts.set(type, (counts.get(type) || 0) + 1);
  }
  const total = cluster.getChildCount();
  let angle = 0;
  const stops = [];
  for (const [type, count] of counts) {
    const next = angle + (count / total) * 360;
    stops.push(`${TYPE_COLOURS[type]} ${angle}deg ${next}deg`);
    angle = next;
  }
  const size = total < 10 ? 30 : total < 100 ? 38 : 46;
  return L.divIcon({
    html: `<div class="cluster-ring" style="background:conic-gradient(${stops.join(",")})">`
      + `<span>${total}</span></div>`,
    className: "fw-cluster",
    iconSize: [size, size],
  });
}

async function loadBasemap() {
  const pane = map.createPane("basemap");
  pane.style.zIndex = 150;
  try {
    const response = await fetch("data/countries-50m.geojson");
    const countries = await response.json();
    L.geoJSON(countries, {
      pane: "basemap",
      renderer: L.canvas({ pane: "basemap", padding: 0.2 }),
      interactive: false,
      style: { color: "#9aa5b1", weight: 0.7, fillColor: "#f4f1ea", fillOpacity: 1 },
    }).addTo(map);
    map.attributionControl.addAttribution("Boundaries: Natural Earth via world-atlas");
  } catch (error) {
    console.warn("basemap not loaded", error);
  }
  const tiles = state.config.tiles;
  if (tiles && /^https?:\/\/[^\s"'<>]+\{z\}[^\s"'<>]*$/.test(tiles)) {
    L.tileLayer(tiles, { maxZoom: 18, attribution: "Tiles: configured server" }).addTo(map);
  }
}

function buildLegend() {
  const legend = document.getElementById("legend");
  legend.replaceChildren(h("h2", { text: "Event type" }));
  for (const [type, colour] of Object.entries(TYPE_COLOURS)) {
    legend.append(h("div", { class: "legend-row" },
      h("span", { class: "dot", style: `background:${colour}` }), type));
  }
  if (state.shownControllers.size) {
    legend.append(h("h2", { text: "Control (as of date)" }));
    for (const name of [...state.shownControllers].sort()) {
      const colour = controllerColour(name);
      legend.append(h("div", { class: "legend-row" },
        h("span", { class: "square", style: `background:${colour}` }), name));
    }
  }
}

function controllerColour(name) {
  if (!state.controllers.has(name)) {
    state.controllers.set(name, CONTROLLER_PALETTE[state.controllers.size
      % CONTROLLER_PALETTE.length]);
  }
  return state.controllers.get(name);
}

// ---------------------------------------------------------------- data

function filterParams() {
  const form = document.getElementById("filters");
  const data = new FormData(form);
  const params = {};
  for (const [key, value] of data.entries()) {
    const text = String(value).trim();
    if (text) params[key] = text;
  }
  return params;
}

let loadGeneration = 0;

async function loadEvents() {
  const generation = ++loadGeneration;  // a newer load (filters changed) wins over this one
  setStatus("Loading events…");
  const params = { ...filterParams(), limit: PAGE_SIZE };
  const events = [];
  const sources = new Map();
  let url = new URL("events", API);
  let query = params;
  let truncated = false;
  for (;;) {
    const page = await getJson(url, query);
    if (generation !== loadGeneration) return;
    for (const item of page.items || []) {
      if (!item || item.id === undefined || item.id === null) continue;
      const ev = summarise(item);
      events.push(ev);
      if (ev.sources !== null) sources.set(ev.id, ev.sources);
    }
    const next = page.next;
    if (next === null || next === undefined || next === "" || !(page.items || []).length) break;
    if (events.length >= MAX_EVENTS) {
      truncated = true;
      break;
    }
    if (typeof next === "number") {
      query = { ...params, offset: next };
    } else if (/^(\/|\?|https?:)/.test(String(next))) {
      url = new URL(String(next), API);
      query = {};
    } else {
      query = { ...params, cursor: next };
    }
  }
  state.events = events;
  state.sources = sources;
  state.truncated = truncated;
  buildTimeline();
  fillChoices();
  redraw();
}

function fillChoices() {
  const typeSelect = document.getElementById("f-type");
  if (typeSelect.options.length === 1) {
    for (const type of Object.keys(TYPE_COLOURS)) {
      if (type !== "Other") typeSelect.append(h("option", { value: type, text: type }));
    }
  }
  const countrySelect = document.getElementById("f-country");
  const known = new Set([...countrySelect.options].map((option) => option.value));
  const countries = new Set(state.events.map((ev) => ev.country)
    .filter((code) => typeof code === "string" && /^[A-Z]{2}$/.test(code)));
  for (const code of [...countries].sort()) {
    if (!known.has(code)) countrySelect.append(h("option", { value: code, text: code }));
  }
  const actors = new Set();
  for (const ev of state.events) {
    for (const label of [ev.actor1, ev.actor2]) {
      if (label) actors.add(String(label));
    }
  }
  const list = document.getElementById("actor-list");
  list.replaceChildren(...[...actors].sort().slice(0, 300).map((name) => h("option",
    { value: name })));
}

function buildTimeline() {
  let first = null;
  let last = null;
  for (const ev of state.events) {
    const start = eventStart(ev);
    const end = eventEnd(ev);
    if (start && (!first || start < first)) first = start;
    if (end && (!last || end > last)) last = end;
    if (start && (!last || start > last)) last = start;
  }
  const slider = document.getElementById("asof");
  state.days = [];
  if (first && last) {
    for (let t = first.getTime(); t <= last.getTime(); t += DAY) state.days.push(new Date(t));
  }
  slider.max = String(Math.max(0, state.days.length - 1));
  slider.value = slider.max;
  slider.disabled = state.days.length < 2;
  state.asOf = state.days.length ? state.days[state.days.length - 1] : null;
  document.getElementById("asof-label").textContent = state.asOf ? isoDay(state.asOf) : "–";
}

/** The events shown as of the timeline date: started by then (and within the window). */
function visibleEvents() {
  if (!state.asOf) return state.events;
  const from = state.window ? new Date(state.asOf.getTime() - (state.window - 1) * DAY) : null;
  return state.events.filter((ev) => {
    const start = eventStart(ev);
    if (!start) return true;
    if (start > state.asOf) return false;
    return !from || (eventEnd(ev) || start) >= from;
  });
}

function redraw() {
  const shown = visibleEvents();
  clusters.clearLayers();
  const markers = [];
  let placed = 0;
  for (const ev of shown) {
    if (ev.lat === null || ev.lon === null) continue;
    const type = eventType(ev);
    const marker = L.circleMarker([ev.lat, ev.lon], {
      renderer: eventRenderer,
      radius: 7 + Math.min(6, Math.sqrt(ev.fatalities)),
      color: "#ffffff",
      weight: 1.5,
      fillColor: TYPE_COLOURS[type],
      fillOpacity: 0.9,
      className: "fw-marker",
      fwType: type,
      fwId: ev.id,
    });
    marker.bindTooltip(`${escapeHtml(ev.sub || type)} · ${escapeHtml(ev.place || "")}`
      + ` · ${escapeHtml(ev.start || "undated")}`);
    marker.on("click", () => openEvent(ev.id));
    marker.on("add", () => {
      const el = marker.getElement();
      if (el) {
        el.setAttribute("data-event-id", ev.id);
        el.classList.toggle("selected", ev.id === state.selected);
      }
    });
    markers.push(marker);
    placed += 1;
  }
  clusters.addLayers(markers);
  const mapEl = document.getElementById("map");
  mapEl.dataset.visibleEvents = String(placed);
  const unplaced = shown.length - placed;
  let message = `${placed} event${placed === 1 ? "" : "s"} on the map`;
  if (unplaced) message += `, ${unplaced} without coordinates`;
  message += ` · ${state.events.length} loaded`;
  if (state.truncated) message += ` (first ${MAX_EVENTS}; narrow the filters)`;
  setStatus(message);
  renderSummary(shown);
  drawCharts();
  scheduleSituation();
}

let situationTimer = null;
function scheduleSituation() {
  clearTimeout(situationTimer);
  situationTimer = setTimeout(loadSituation, 250);
}

async function loadSituation() {
  const params = {};
  if (state.asOf) params.as_of = isoDay(state.asOf);
  const country = document.getElementById("f-country").value;
  if (country) params.country = country;
  try {
    state.situation = await getJson("situation", params);
  } catch (error) {
    console.warn("situation not loaded", error);
    state.situation = null;
  }
  drawControl();
  renderSummary(visibleEvents());
}

/** Coordinates of a control record: from its evidence events, else an event at the same place. */
function controlLatLng(record) {
  const byId = new Map(state.events.map((ev) => [ev.id, ev]));
  const ids = record.evidence || record.evidence_event_ids || record.events || [];
  for (const id of Array.isArray(ids) ? ids : []) {
    const ev = byId.get(id);
    if (ev && ev.lat !== null && ev.lon !== null) return [ev.lat, ev.lon];
  }
  if (finite(record.lat) !== null && finite(record.lon) !== null) return [record.lat, record.lon];
  for (const ev of state.events) {
    if (ev.lat === null || ev.lon === null) continue;
    if ((record.geonameid && ev.geonameid === record.geonameid)
      || (record.place && ev.place === record.place)) {
      return [ev.lat, ev.lon];
    }
  }
  return null;
}

function drawControl() {
  controlLayer.clearLayers();
  state.shownControllers.clear();
  const records = (state.situation && state.situation.control) || [];
  for (const record of records) {
    const where = controlLatLng(record);
    if (!where) continue;
    const controller = String(record.controller || "unknown");
    const colour = controllerColour(controller);
    state.shownControllers.add(controller);
    const status = String(record.status || "held");
    const icon = L.divIcon({
      className: `fw-control status-${status.replace(/[^a-z]/g, "")}`,
      html: `<span style="border-color:${colour};background:${
        status === "held" ? colour : "transparent"}"></span>`,
      iconSize: [18, 18],
    });
    const marker = L.marker(where, { icon, keyboard: false, zIndexOffset: -100 });
    marker.bindTooltip(`${escapeHtml(record.place || "")}: ${escapeHtml(status)} by ${
      escapeHtml(controller)}${record.since ? ` since ${escapeHtml(record.since)}` : ""}`);
    controlLayer.addLayer(marker);
  }
  buildLegend();
}

// ---------------------------------------------------------------- panel

function renderSummary(shown) {
  const box = document.getElementById("panel-summary");
  const byType = new Map();
  let dead = 0;
  for (const ev of shown) {
    byType.set(eventType(ev), (byType.get(eventType(ev)) || 0) + 1);
    dead += ev.fatalities;
  }
  const rows = [...byType].sort((a, b) => b[1] - a[1]).map(([type, count]) => h("li", {},
    h("span", { class: "dot", style: `background:${TYPE_COLOURS[type]}` }), `${type}: ${count}`));
  const list = shown.slice().sort((a, b) => String(b.start || "")
    .localeCompare(String(a.start || ""))).slice(0, 200);
  const items = list.map((ev) => h("li", {},
    h("button", { type: "button", class: "event-link", "data-event-id": ev.id,
      onclick: () => openEvent(ev.id) },
    h("span", { class: "dot", style: `background:${TYPE_COLOURS[eventType(ev)]}` }),
    h("span", { class: "when", text: ev.start || "undated" }),
    h("span", { class: "what", text: `${ev.sub || eventType(ev)} · ${ev.place || "no place"}${
      ev.actor1 ? ` · ${ev.actor1}` : ""}` }))));
  const situation = renderSituation();
  box.replaceChildren(
    h("h2", { text: state.asOf ? `Situation as of ${isoDay(state.asOf)}` : "Situation" }),
    h("p", { class: "kpis" },
      h("span", {}, h("strong", { text: String(shown.length) }), " events"),
      h("span", {}, h("strong", { text: String(dead) }), " killed (reported)")),
    h("ul", { class: "type-counts" }, rows),
    situation,
    h("h3", { text: "Events" }),
    h("ul", { class: "event-list" }, items),
  );
}

function renderSituation() {
  const sit = state.situation;
  if (!sit) return null;
  const parts = [];
  const control = sit.control || [];
  if (control.length) {
    parts.push(h("h3", { text: "Control" }), h("table", { class: "compact" },
      h("tbody", {}, control.slice(0, 50).map((c) => h("tr", {},
        h("td", { text: c.place || "" }), h("td", { text: c.controller || "" }),
        h("td", { text: c.status || "" }), h("td", { text: c.since || "" }))))));
  }
  const materiel = sit.materiel || [];
  if (materiel.length) {
    parts.push(h("h3", { text: "Materiel" }), h("table", { class: "compact" },
      h("tbody", {}, materiel.slice(0, 50).map((m) => h("tr", {},
        h("td", { text: m.actor || "" }), h("td", { text: m.item || "" }),
        h("td", { text: m.count ?? "" }), h("td", { text: m.direction || "" }))))));
  }
  const displacement = sit.displacement || [];
  if (Array.isArray(displacement) && displacement.length) {
    parts.push(h("h3", { text: "Displacement" }), h("ul", { class: "plain" },
      displacement.slice(0, 20).map((d) => h("li", {
        text: [d.place || "", d.count ?? "", d.start || ""]
          .filter((x) => x !== "").join(" · "),
      }))));
  }
  return parts.length ? h("div", { class: "situation" }, parts) : null;
}

function field(label, value) {
  if (value === null || value === undefined || value === "") return null;
  return h("div", { class: "field" }, h("dt", { text: label }), h("dd", { text: String(value) }));
}

function closeEvent() {
  state.selected = null;
  markSelected();
  document.getElementById("panel-event").hidden = true;
  document.getElementById("panel-summary").hidden = false;
}

function markSelected() {
  for (const el of document.querySelectorAll("path.fw-marker")) {
    el.classList.toggle("selected", el.getAttribute("data-event-id") === state.selected);
  }
}

async function openEvent(id) {
  state.selected = id;
  markSelected();
  const box = document.getElementById("panel-event");
  document.getElementById("panel-summary").hidden = true;
  box.hidden = false;
  box.replaceChildren(h("p", { class: "muted", text: "Loading event…" }));
  let ev = null;
  try {
    const detail = await getJson(`events/${encodeURIComponent(id)}`);
    ev = detail.event || detail;
    if (finite(detail.sources) !== null) state.sources.set(id, detail.sources);
  } catch (error) {
    box.replaceChildren(h("p", { class: "error", text: `Event not found (${error.message})` }));
    return;
  }
  if (state.selected !== id) return;
  let doc = null;
  try {
    const body = await getJson(`documents/${encodeURIComponent(ev.doc_id)}`);
    doc = body.document || body;
  } catch (error) {
    console.warn("document not loaded", error);
  }
  if (state.selected !== id) return;
  renderEvent(ev, doc);
}

function renderEvent(ev, doc) {
  const box = document.getElementById("panel-event");
  const type = eventType(ev);
  const spans = eventSpans(ev);
  const loc = ev.location || {};
  const quantities = (ev.quantities || []).map((q) => `${q.kind}: ${q.count ?? [q.low, q.high]
    .filter((x) => x !== null && x !== undefined).join("–")}${q.item ? ` ${q.item}` : ""}`);
  const att = ev.attribution || {};
  const header = h("div", { class: "event-head" },
    h("button", { type: "button", class: "ghost back", onclick: closeEvent }, "← All events"),
    h("span", { class: "badge", style: `background:${TYPE_COLOURS[type]}` },
      ev.acled ? type : String(ev.category || "other").replaceAll("_", " ")),
    ev.acled && ev.acled.sub_event_type ? h("span", { class: "subtype",
      text: ev.acled.sub_event_type }) : null);
  const fields = h("dl", { class: "fields" },
    field("Date", ev.date ? [ev.date.start, ev.date.end].filter(Boolean)
      .filter((x, i, all) => all.indexOf(x) === i).join(" – ") : ""),
    field("Where", [loc.name || loc.text, loc.admin1, loc.country].filter(Boolean).join(", ")),
    field("Actor 1", actorLabel(ev.actor1)),
    field("Actor 2", actorLabel(ev.actor2)),
    field("PLOVER", ev.plover ? [ev.plover.type, ev.plover.mode].filter(Boolean).join(" / ") : ""),
    field("Quantities", quantities.join("; ")),
    field("Modality", ev.modality),
    field("Status", ev.status),
    field("According to", [att.speaker, att.source].filter(Boolean).join(", ")),
    field("Sources", state.sources.get(ev.id)),
    field("Confidence", Number.isFinite(ev.confidence) ? ev.confidence.toFixed(2) : ""),
  );
  const legend = h("div", { class: "hl-legend" }, HIGHLIGHT_FIELDS.map(([key, label]) =>
    h("mark", { class: `hl hl-${key}`, text: label })));
  const parts = [header, fields, h("h3", { text: "Evidence" })];
  const evidence = ev.evidence || {};
  const evSpan = Array.isArray(evidence.span) ? evidence.span : null;
  const evidenceBox = h("blockquote", { class: "evidence-sentence", id: "evidence" });
  if (doc && typeof doc.text === "string" && evSpan) {
    // the evidence sentence, cut from the document so that the offsets stay exact
    const [s, e] = evSpan;
    const toUnit = offsetMapper(doc.text);
    const sentence = doc.text.slice(toUnit(s), toUnit(e));
    const inner = spans.filter((sp) => sp.start >= s && sp.end <= e)
      .map((sp) => ({ ...sp, start: sp.start - s, end: sp.end - s }));
    evidenceBox.innerHTML = highlightHtml(sentence, inner);
  } else if (typeof evidence.text === "string" && evSpan) {
    const [s, e] = evSpan;
    const inner = spans.filter((sp) => sp.start >= s && sp.end <= e)
      .map((sp) => ({ ...sp, start: sp.start - s, end: sp.end - s }));
    evidenceBox.innerHTML = highlightHtml(evidence.text, inner);
  } else {
    evidenceBox.textContent = evidence.text || "";
  }
  parts.push(evidenceBox, legend);
  const others = [...new Set((ev.mentions || []).map((m) => m.evidence && m.evidence.text)
    .filter((text) => typeof text === "string" && text && text !== evidence.text))];
  if (others.length) {
    parts.push(h("h3", { text: `Other mentions (${others.length})` }), h("ul", { class: "plain" },
      others.map((text) => h("li", { text }))));
  }
  if (doc && typeof doc.text === "string") {
    const meta = [doc.title, doc.outlet, doc.published].filter(Boolean).join(" · ");
    const article = h("div", { class: "article", id: "article" });
    article.innerHTML = highlightHtml(doc.text, spans.concat(otherTriggerSpans(doc, ev.id)), evSpan
      ? { start: evSpan[0], end: evSpan[1] } : null);
    parts.push(h("h3", { text: "Article" }), h("p", { class: "muted", text: meta }));
    if (typeof doc.url === "string" && /^https?:\/\//.test(doc.url)) {
      parts.push(h("p", {}, h("a", { href: doc.url, rel: "noopener noreferrer nofollow",
        target: "_blank", text: doc.url })));
    }
    parts.push(article);
  } else {
    parts.push(h("p", { class: "muted", text: "Article text not available." }));
  }
  box.replaceChildren(...parts.filter(Boolean));
  box.scrollTop = 0;
  const first = box.querySelector("#article .evidence");
  if (first) first.scrollIntoView({ block: "nearest" });
}

// ---------------------------------------------------------------- charts

function bucketOf(days) {
  if (days <= 120) return { size: 1, label: "day" };
  if (days <= 730) return { size: 7, label: "week" };
  return { size: 30, label: "30 days" };
}

function drawCharts() {
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
    const i = Math.min(n - 1, Math.floor((start.getTime() - first) / DAY / bucket.size));
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

// ---------------------------------------------------------------- wiring

function debounce(fn, wait) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), wait);
  };
}

function onSlider() {
  const slider = document.getElementById("asof");
  state.asOf = state.days[Number(slider.value)] || null;
  document.getElementById("asof-label").textContent = state.asOf ? isoDay(state.asOf) : "–";
  redraw();
}

let playing = null;
function togglePlay() {
  const slider = document.getElementById("asof");
  const button = document.getElementById("play");
  if (playing) {
    clearInterval(playing);
    playing = null;
    button.textContent = "▶";
    return;
  }
  if (Number(slider.value) >= Number(slider.max)) slider.value = "0";
  button.textContent = "❚❚";
  const step = Math.max(1, Math.round(state.days.length / 60));
  playing = setInterval(() => {
    const next = Math.min(Number(slider.max), Number(slider.value) + step);
    slider.value = String(next);
    onSlider();
    if (next >= Number(slider.max)) togglePlay();
  }, 400);
}

function fitToEvents() {
  const points = state.events.filter((ev) => ev.lat !== null && ev.lon !== null)
    .map((ev) => [ev.lat, ev.lon]);
  if (points.length) map.fitBounds(L.latLngBounds(points).pad(0.3), { maxZoom: 8 });
}

async function readConfig() {
  const params = new URLSearchParams(window.location.search);
  state.config.tiles = params.get("tiles") || document.body.dataset.tiles || "";
  try {
    const health = await getJson("health");
    if (health && typeof health.tiles_url === "string" && health.tiles_url) {
      state.config.tiles = health.tiles_url;
    }
  } catch {
    // health not reachable: keep the page or query setting
  }
}

async function main() {
  await readConfig();
  await loadBasemap();
  clusters.addTo(map);
  controlLayer.addTo(map);
  buildLegend();
  const reload = debounce(() => loadEvents().catch((error) => setStatus(
    `Could not load events: ${error.message}`, true)), 300);
  const form = document.getElementById("filters");
  form.addEventListener("input", reload);
  form.addEventListener("change", reload);
  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("reset", () => setTimeout(reload, 0));
  document.getElementById("asof").addEventListener("input", onSlider);
  document.getElementById("window").addEventListener("change", (event) => {
    state.window = Number(event.target.value) || 0;
    redraw();
  });
  document.getElementById("play").addEventListener("click", togglePlay);
  window.addEventListener("resize", debounce(drawCharts, 200));
  try {
    await loadEvents();
    fitToEvents();
  } catch (error) {
    setStatus(`Could not load events: ${error.message}`, true);
  }
  document.body.dataset.ready = "true";
}

window.frontwatch = { openEvent, state, map };
main();
