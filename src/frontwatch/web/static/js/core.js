// Shared state, DOM and HTTP helpers of the web map.
//
// Security: every text that comes from the API is untrusted. Plain values go into the page as
// text nodes (textContent); HTML is only built by escapeHtml'ing every piece first. Styles are
// set through element.style (allowed by a strict Content-Security-Policy), never as an
// attribute string, and no handler is ever given as a string.

export const API = new URL(document.body.dataset.api || "api/", document.baseURI);
export const DAY = 86400000;
export const TOKEN_KEY = "frontwatch.review-token";
export const REVIEWER_KEY = "frontwatch.reviewer";

// Okabe & Ito's colour-blind-safe palette, one colour per ACLED event type; dark grey for
// others (a mid grey is too close to the green and the purple for deuteranopes).
export const TYPE_COLOURS = {
  "Battles": "#D55E00",
  "Explosions/Remote violence": "#E69F00",
  "Violence against civilians": "#CC79A7",
  "Protests": "#0072B2",
  "Riots": "#56B4E9",
  "Strategic developments": "#009E73",
  "Other": "#555555",
};
// Paul Tol's "muted" scheme (colour-blind safe) for who controls a place.
export const CONTROLLER_PALETTE = ["#332288", "#117733", "#44AA99", "#88CCEE", "#DDCC77",
  "#CC6677", "#AA4499", "#882255", "#999933"];

export const state = {
  events: [],          // summaries of the events of the current filters (see summarise)
  byId: new Map(),
  truncated: false,
  domain: null,        // the timeline's range: {first, last, before, after, full}
  expanded: false,     // timeline over every date (outliers included)
  days: [],            // Date (UTC midnight) of each slider step
  asOf: null,
  window: 0,
  selected: null,      // id of the open event
  view: "events",      // the side panel's tab: events, situation, queue
  controllers: new Map(),
  shownControllers: new Set(),
  situation: null,
  countries: new Map(),   // ISO code -> name (gazetteer)
  taxonomy: null,
  config: { tiles: "", review: false },
};

// Functions that modules call on each other, installed by app.js (avoids import cycles).
export const actions = {};

/** Escape a string for HTML text and attribute contexts. */
export function escapeHtml(value) {
  return String(value)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/**
 * Create an element. attrs: class, text, style (an object of CSS properties), on<event>
 * (functions), anything else as an attribute; children are nodes or strings (text nodes).
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key === "style") Object.assign(el.style, value);
    else if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else el.setAttribute(key, String(value));
  }
  for (const child of children.flat(3)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replace the children of `el`; null, undefined and false children are left out. */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat(3).filter((c) => c !== null && c !== undefined
    && c !== false));
  return el;
}

export function parseDay(value) {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}/.test(value)) return null;
  const day = new Date(value.slice(0, 10) + "T00:00:00Z");
  return Number.isNaN(day.getTime()) ? null : day;
}

export function isoDay(day) {
  return day ? day.toISOString().slice(0, 10) : "";
}

export function finite(value) {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** The ACLED type of a summary (or of a full event), "Other" when it has none. */
export function eventType(item) {
  const type = item.type ?? (item.acled && item.acled.event_type);
  return type && type in TYPE_COLOURS ? type : "Other";
}

export function typeColour(item) {
  return TYPE_COLOURS[eventType(item)];
}

export function controllerColour(name) {
  if (!state.controllers.has(name)) {
    state.controllers.set(name, CONTROLLER_PALETTE[state.controllers.size
      % CONTROLLER_PALETTE.length]);
  }
  return state.controllers.get(name);
}

let displayNames = null;
/** A country's name from its ISO code: the gazetteer's, else the browser's, else the code. */
export function countryName(code) {
  if (typeof code !== "string" || !code) return "";
  const known = state.countries.get(code.toUpperCase());
  if (known) return known;
  try {
    displayNames = displayNames || new Intl.DisplayNames(["en"], { type: "region" });
    const name = displayNames.of(code.toUpperCase());
    if (name && name !== code.toUpperCase()) return name;
  } catch {
    // an unknown code or no Intl support: the code itself
  }
  return code;
}

export function actorLabel(actor) {
  if (!actor) return "";
  if (typeof actor === "string") return actor;
  return actor.name || actor.text || "";
}

function sumKind(ev, kind) {
  let total = 0;
  for (const q of ev.quantities || []) {
    if (q.kind === kind) total += Number(q.count ?? q.high ?? q.low ?? 0) || 0;
  }
  return total;
}

/** The review of an event object (summary, full record or detail), or null. */
export function reviewOf(item) {
  if (!item) return null;
  const review = item.review ?? (item.event && item.event.review);
  return review && typeof review === "object" && typeof review.status === "string"
    ? review : null;
}

/**
 * What the map needs of one event. /api/events gives flat summaries (EventSummary); a full
 * Event record (with trigger, location, ...) is accepted too.
 */
export function summarise(item) {
  const review = reviewOf(item);
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
      precision: finite(loc.precision), approximate: Boolean(loc.approximate),
      feature: loc.feature || null,
      actor1: actorLabel(item.actor1) || null, actor2: actorLabel(item.actor2) || null,
      fatalities: sumKind(item, "killed"), injured: sumKind(item, "injured"),
      modality: item.modality, sources: finite(item.sources),
      confidence: finite(item.confidence),
      evidence: item.evidence ? item.evidence.text : "", review,
    };
  }
  return {
    id: String(item.id), doc_id: String(item.doc_id),
    type: item.event_type ?? null, sub: item.sub_event_type ?? null,
    start: item.date_start ?? null, end: item.date_end ?? null,
    lat: finite(item.lat), lon: finite(item.lon), place: item.place ?? null,
    country: item.country ?? null, geonameid: item.geonameid ?? null,
    precision: finite(item.geo_precision), approximate: Boolean(item.approximate),
    feature: item.feature ?? null,
    actor1: item.actor1 ?? null, actor2: item.actor2 ?? null,
    fatalities: finite(item.fatalities) || 0, injured: finite(item.injured) || 0,
    modality: item.modality, sources: finite(item.sources),
    confidence: finite(item.confidence),
    evidence: typeof item.evidence === "string" ? item.evidence : "", review,
  };
}

/** An approximate location: drawn as an area sized by its precision, not as a point. */
export function isApproximate(ev) {
  return ev.approximate || (ev.precision !== null && ev.precision >= 2);
}

// ---------------------------------------------------------------- HTTP

function apiUrl(path, params = {}) {
  const url = path instanceof URL ? new URL(path) : new URL(path, API);
  for (const [key, value] of Object.entries(params)) {
    if (value !== "" && value !== null && value !== undefined) url.searchParams.set(key, value);
  }
  return url;
}

async function parse(response) {
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
    err.code = error.code;
    throw err;
  }
  return body;
}

export async function getJson(path, params = {}) {
  const response = await fetch(apiUrl(path, params), { headers: { Accept: "application/json" } });
  return parse(response);
}

export function reviewToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) || "";
  } catch {
    return "";
  }
}

/** POST JSON with the review token (Authorization: Bearer). */
export async function postJson(path, body) {
  const headers = { Accept: "application/json", "Content-Type": "application/json" };
  const token = reviewToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(apiUrl(path), {
    method: "POST", headers, body: JSON.stringify(body), credentials: "same-origin",
  });
  return parse(response);
}

export function setStatus(message, isError = false) {
  const el = document.getElementById("status");
  el.textContent = message;
  el.classList.toggle("error", isError);
}

export function debounce(fn, wait) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), wait);
  };
}
