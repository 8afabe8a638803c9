// frontwatch web map: events from /api/events on an offline basemap with place labels, a
// timeline over where the data are, filters, the situation (control areas, casualties,
// materiel, displacement, sources), an event panel with every extracted field highlighted in
// the article, and, on a server started with review enabled, the review of events.
//
// Modules (js/): core (state, helpers, HTTP), highlight (evidence marks), timeline (range,
// slider, charts), layers (map layers, legend), panels (side panel), review (review and queue).
// Security: see core.js; nothing from the API is put into the page as HTML unescaped.

import {
  API, actions, countryName, debounce, getJson, h, isoDay, setStatus, state, summarise,
} from "./js/core.js";
import {
  buildLegend, drawControl, drawEvents, fitToEvents, loadBasemap, map, markSelected,
} from "./js/layers.js";
import {
  closeEvent, openControl, openEvent, openList, renderSituation, renderSummary, showTab,
} from "./js/panels.js";
import { loadQueue, markQueued, onKey, renderQueue, takeToken } from "./js/review.js";
import { buildTimeline, computeDomain, drawCharts, visibleEvents } from "./js/timeline.js";

export { CONTROLLER_PALETTE, escapeHtml, summarise, TYPE_COLOURS } from "./js/core.js";
export { eventSpans, highlightHtml, offsetMapper } from "./js/highlight.js";
export { coreRange } from "./js/timeline.js";

takeToken();  // first: the token leaves the address bar before anything else runs

// page size of /api/events (the API's maximum); ?page_size=N overrides it (tests page with it)
const PAGE_SIZE = Math.min(500, Math.max(1, Number(new URLSearchParams(window.location.search)
  .get("page_size")) || 500));
const MAX_EVENTS = 20000;

// ---------------------------------------------------------------- filters

/** The API filters of the form: a sub-type, when chosen, narrows the type. */
function filterParams() {
  const value = (id) => String(document.getElementById(id).value || "").trim();
  const params = {
    type: value("f-subtype") || value("f-type"),
    actor: value("f-actor"),
    country: value("f-country"),
    modality: value("f-modality"),
    min_sources: value("f-sources"),
    start: value("f-start"),
    end: value("f-end"),
  };
  if (state.config.review && document.getElementById("f-rejected").checked) {
    params.include_rejected = "true";
  }
  for (const key of Object.keys(params)) if (!params[key]) delete params[key];
  return params;
}

function updateExportLinks() {
  for (const [id, format] of [["export-csv", "acled-csv"], ["export-geojson", "geojson"]]) {
    const url = new URL("export", API);
    url.searchParams.set("format", format);
    for (const [key, value] of Object.entries(filterParams())) url.searchParams.set(key, value);
    document.getElementById(id).href = url.href;
  }
}

function fillSubtypes() {
  const type = document.getElementById("f-type").value;
  const sub = document.getElementById("f-subtype");
  const previous = sub.value;
  const acled = (state.taxonomy && state.taxonomy.acled) || [];
  const options = acled.filter((t) => !type || t.event_type === type)
    .flatMap((t) => t.sub_event_types.map((s) => ({ value: s, group: t.event_type })));
  sub.replaceChildren(h("option", { value: "", text: "All sub-types" }),
    ...options.map((o) => h("option", { value: o.value, text: type ? o.value
      : `${o.value} (${o.group})` })));
  sub.value = options.some((o) => o.value === previous) ? previous : "";
}

function fillChoices() {
  const typeSelect = document.getElementById("f-type");
  if (typeSelect.options.length === 1) {
    const acled = (state.taxonomy && state.taxonomy.acled) || [];
    for (const t of acled) typeSelect.append(h("option", { value: t.event_type,
      text: t.event_type }));
    fillSubtypes();
  }
  const countrySelect = document.getElementById("f-country");
  const known = new Set([...countrySelect.options].map((option) => option.value));
  const codes = new Set(state.events.map((ev) => ev.country)
    .filter((code) => typeof code === "string" && /^[A-Z]{2}$/.test(code) && !known.has(code)));
  if (codes.size) {
    const chosen = countrySelect.value;
    const options = [...countrySelect.options].slice(1).map((o) => [o.value, o.textContent]);
    for (const code of codes) options.push([code, countryName(code)]);
    options.sort((a, b) => a[1].localeCompare(b[1]));
    countrySelect.replaceChildren(countrySelect.options[0],
      ...options.map(([code, name]) => h("option", { value: code, text: name })));
    countrySelect.value = chosen;
  }
  const actors = new Set();
  for (const ev of state.events) {
    for (const label of [ev.actor1, ev.actor2]) if (label) actors.add(String(label));
  }
  document.getElementById("actor-list").replaceChildren(...[...actors].sort().slice(0, 300)
    .map((name) => h("option", { value: name })));
}

// ---------------------------------------------------------------- data

let loadGeneration = 0;

/** Load the events of the filters. The timeline keeps its date unless `resetTimeline`. */
async function loadEvents({ resetTimeline = false, fit = false } = {}) {
  const generation = ++loadGeneration;  // a newer load (filters changed) wins over this one
  setStatus("Loading events…");
  updateExportLinks();
  const params = { ...filterParams(), limit: PAGE_SIZE };
  const events = [];
  let url = new URL("events", API);
  let query = params;
  let truncated = false;
  for (;;) {
    const page = await getJson(url, query);
    if (generation !== loadGeneration) return;
    for (const item of page.items || []) {
      if (item && item.id !== undefined && item.id !== null) events.push(summarise(item));
    }
    const next = page.next;
    if (next === null || next === undefined || next === "" || !(page.items || []).length) break;
    if (events.length >= MAX_EVENTS) {
      truncated = true;
      break;
    }
    if (typeof next === "number") query = { ...params, offset: next };
    else if (/^(\/|\?|https?:)/.test(String(next))) {
      url = new URL(String(next), API);
      query = {};
    } else query = { ...params, cursor: next };
  }
  state.events = events;
  state.byId = new Map(events.map((ev) => [ev.id, ev]));
  state.truncated = truncated;
  if (resetTimeline || !state.domain) state.domain = computeDomain(events);
  buildTimeline(!resetTimeline);
  fillChoices();
  redraw();
  if (fit) fitToEvents(state.events, { animate: !resetTimeline });
}

function redraw() {
  const shown = visibleEvents();
  const placed = drawEvents(shown);
  const mapEl = document.getElementById("map");
  mapEl.dataset.visibleEvents = String(placed);
  const unplaced = shown.length - placed;
  let message = `${placed} event${placed === 1 ? "" : "s"} on the map`;
  if (unplaced) message += `, ${unplaced} without coordinates`;
  message += ` · ${state.events.length} loaded`;
  if (state.truncated) message += ` (first ${MAX_EVENTS}; narrow the filters)`;
  setStatus(message);
  markSelected();
  renderSummary(shown);
  drawCharts();
  scheduleSituation();
}

let situationTimer = null;
function scheduleSituation() {
  clearTimeout(situationTimer);
  situationTimer = setTimeout(loadSituation, 250);
}

let situationGeneration = 0;
async function loadSituation() {
  const generation = ++situationGeneration;
  const params = {};
  if (state.asOf) params.as_of = isoDay(state.asOf);
  const country = document.getElementById("f-country").value;
  if (country) params.country = country;
  if (filterParams().include_rejected) params.include_rejected = "true";
  let situation = null;
  try {
    situation = await getJson("situation", params);
  } catch (error) {
    console.warn("situation not loaded", error);
  }
  if (generation !== situationGeneration) return;
  state.situation = situation;
  drawControl();
  renderSituation();
  document.body.dataset.situation = state.asOf ? isoDay(state.asOf) : "all";
}

// ---------------------------------------------------------------- review

actions.openEvent = openEvent;
actions.openList = openList;
actions.openControl = openControl;
actions.status = setStatus;
actions.renderQueue = renderQueue;
actions.afterReview = async (id, updated) => {
  markQueued(id, updated);
  await loadEvents();
  const detailOpen = !document.getElementById("panel-event").hidden;
  if (state.view === "queue" && !detailOpen) renderQueue();
  if (state.selected === id && detailOpen) await openEvent(id, { fromMap: true });
  const review = updated && (updated.review || (updated.event && updated.event.review));
  setStatus(review ? `Event ${id}: ${review.status}` : `Event ${id}: saved`);
};

let picking = null;
actions.pickOnMap = (callback) => {
  picking = callback;
  document.getElementById("map").classList.toggle("picking", Boolean(callback));
};
map.on("click", (event) => {
  if (!picking) return;
  const callback = picking;
  actions.pickOnMap(null);
  callback(event.latlng.lat, L.Util.wrapNum(event.latlng.lng, [-180, 180], true));
});

// ---------------------------------------------------------------- wiring

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

async function readConfig() {
  const params = new URLSearchParams(window.location.search);
  state.config.tiles = params.get("tiles") || document.body.dataset.tiles || "";
  try {
    const health = await getJson("health");
    if (health && typeof health.tiles_url === "string" && health.tiles_url) {
      state.config.tiles = health.tiles_url;
    }
    state.config.review = Boolean(health && health.review === true);
  } catch {
    // health not reachable: keep the page or query setting, read-only
  }
  const [countries, taxonomy] = await Promise.allSettled([getJson("gazetteer/countries"),
    getJson("taxonomy")]);
  if (countries.status === "fulfilled") {
    for (const item of countries.value.items || []) {
      if (typeof item.code === "string" && typeof item.name === "string") {
        state.countries.set(item.code, item.name);
      }
    }
  }
  if (taxonomy.status === "fulfilled") state.taxonomy = taxonomy.value;
}

function wire() {
  const reload = debounce(() => loadEvents({ fit: true }).catch((error) => setStatus(
    `Could not load events: ${error.message}`, true)), 300);
  const form = document.getElementById("filters");
  form.addEventListener("input", (event) => {
    if (event.target.id === "f-type") fillSubtypes();
    reload();
  });
  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("reset", () => setTimeout(() => {
    fillSubtypes();
    reload();
  }, 0));
  document.getElementById("fit").addEventListener("click", () => fitToEvents(visibleEvents(),
    { animate: true }));
  document.getElementById("asof").addEventListener("input", onSlider);
  document.getElementById("window").addEventListener("change", (event) => {
    state.window = Number(event.target.value) || 0;
    redraw();
  });
  document.getElementById("range-expand").addEventListener("click", () => {
    state.expanded = !state.expanded;
    buildTimeline(true);
    redraw();
  });
  document.getElementById("play").addEventListener("click", togglePlay);
  for (const tab of ["events", "situation", "queue"]) {
    document.getElementById(`tab-${tab}`).addEventListener("click", () => {
      closeEvent();
      showTab(tab);
      if (tab === "queue") loadQueue(0);
    });
  }
  document.addEventListener("keydown", onKey);
  window.addEventListener("resize", debounce(drawCharts, 200));
}

async function main() {
  await readConfig();
  document.body.classList.toggle("review-mode", state.config.review);
  document.getElementById("tab-queue").hidden = !state.config.review;
  document.getElementById("f-rejected-label").hidden = !state.config.review;
  await loadBasemap();
  buildLegend();
  wire();
  showTab("events");
  try {
    await loadEvents({ resetTimeline: true, fit: true });
  } catch (error) {
    setStatus(`Could not load events: ${error.message}`, true);
  }
  document.body.dataset.ready = "true";
}

window.frontwatch = { openEvent, state, map };
main();
