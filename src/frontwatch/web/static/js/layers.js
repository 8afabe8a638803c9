// The map and its layers: the offline basemap, place labels by zoom, events (points in
// clusters that expand, approximate locations as areas), control of places, the legend.

import {
  TYPE_COLOURS, actions, controllerColour, countryName, debounce, escapeHtml, eventType,
  finite, getJson, h, isApproximate, state,
} from "./core.js";

export const map = L.map("map", { zoomControl: true, worldCopyJump: true, minZoom: 2,
  maxZoom: 14 }).setView([30, 20], 3);
map.attributionControl.setPrefix("");
const eventRenderer = L.svg({ padding: 0.5 });
for (const [name, z] of [["basemap", 150], ["labels", 380], ["areas", 390]]) {
  map.createPane(name).style.zIndex = String(z);
}
map.getPane("labels").style.pointerEvents = "none";

// Events with exact coordinates, in clusters. A cluster shows its count and the share of each
// type; a click zooms in, or fans the markers out (spiderfy) when they share a spot, so no
// marker stays hidden under a cluster icon. The cluster radius shrinks as the map zooms in.
export const clusters = L.markerClusterGroup({
  maxClusterRadius: (zoom) => (zoom >= 10 ? 20 : zoom >= 7 ? 30 : 40),
  showCoverageOnHover: false,
  spiderfyOnMaxZoom: true,
  // the legs of a fanned-out cluster must not catch the clicks meant for its markers
  spiderLegPolylineOptions: { weight: 1.5, color: "#222", opacity: 0.5, interactive: false },
  chunkedLoading: true,
  iconCreateFunction: clusterIcon,
});
const areaLayer = L.layerGroup();      // approximate locations
const controlLayer = L.layerGroup();   // control of places
const labelLayer = L.layerGroup();     // place names
export const markers = new Map();      // event id -> its point marker or area

function clusterIcon(cluster) {
  const counts = new Map();
  let reviewed = 0;
  for (const marker of cluster.getAllChildMarkers()) {
    const type = marker.options.fwType;
    counts.set(type, (counts.get(type) || 0) + 1);
    if (marker.options.fwReviewed) reviewed += 1;
  }
  const total = cluster.getChildCount();
  let angle = 0;
  const stops = [];
  for (const [type, count] of counts) {
    const next = angle + (count / total) * 360;
    stops.push(`${TYPE_COLOURS[type]} ${angle}deg ${next}deg`);
    angle = next;
  }
  const size = total < 10 ? 32 : total < 100 ? 40 : 48;
  const ring = h("div", { class: "cluster-ring", style: {
    background: `conic-gradient(${stops.join(",")})` } },
  h("span", { text: String(total) }));
  if (reviewed) ring.append(h("b", { class: "cluster-reviewed", title: `${reviewed} reviewed`,
    text: "✓" }));
  return L.divIcon({ html: ring, className: "fw-cluster", iconSize: [size, size] });
}

export async function loadBasemap() {
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
  clusters.addTo(map);
  areaLayer.addTo(map);
  controlLayer.addTo(map);
  labelLayer.addTo(map);
  map.on("moveend", debounce(loadLabels, 150));
  map.on("zoomend", resizeAreas);
  loadLabels();
}

// ---------------------------------------------------------------- place labels

let labelGeneration = 0;

/** The view as a bbox the API accepts (longitudes folded into -180..180). */
function viewBox() {
  const b = map.getBounds();
  let west = b.getWest();
  let east = b.getEast();
  if (east - west >= 360) return [-180, Math.max(-90, b.getSouth()), 180, Math.min(90, b.getNorth())];
  const shift = Math.floor((west + 180) / 360) * 360;
  west -= shift;
  east -= shift;
  if (east > 180) [west, east] = [-180, 180];  // across the antimeridian: the whole band
  return [Math.max(-180, west), Math.max(-90, b.getSouth()), Math.min(180, east),
    Math.min(90, b.getNorth())];
}

export async function loadLabels() {
  const generation = ++labelGeneration;
  const zoom = Math.round(map.getZoom());
  const box = viewBox().map((v) => v.toFixed(4));
  let body = null;
  try {
    body = await getJson("gazetteer/labels", { bbox: box.join(","), zoom, limit: 80 });
  } catch (error) {
    console.warn("place labels not loaded", error);
    return;
  }
  if (generation !== labelGeneration) return;
  labelLayer.clearLayers();
  for (const place of body.items || []) {
    const lat = finite(place.lat);
    const lon = finite(place.lon);
    if (lat === null || lon === null || typeof place.name !== "string") continue;
    const kind = ["country", "capital"].includes(place.kind) ? place.kind : "place";
    const el = h("span", { class: `fw-label-text kind-${kind}`, text: place.name });
    const icon = L.divIcon({ html: el, className: `fw-label kind-${kind}`, iconSize: null,
      iconAnchor: kind === "country" ? [0, 8] : [4, 8] });
    labelLayer.addLayer(L.marker([lat, lon], { icon, pane: "labels", interactive: false,
      keyboard: false }));
  }
  document.getElementById("map").dataset.labels = String(labelLayer.getLayers().length);
}

// ---------------------------------------------------------------- events

function reviewClass(ev) {
  const review = ev.review;
  if (!review) return "";
  const status = String(review.status).replace(/[^a-z]/g, "");
  return ` reviewed review-${status}`;
}

function tooltipHtml(ev) {
  const review = ev.review ? ` · ${escapeHtml(ev.review.status)}` : "";
  return `${escapeHtml(ev.sub || eventType(ev))} · ${escapeHtml(ev.place || "")}`
    + ` · ${escapeHtml(ev.start || "undated")}${review}`;
}

/** Metres a pixel covers at a latitude, at the map's zoom. */
function metresPerPixel(lat) {
  return 40075016.686 * Math.abs(Math.cos((lat * Math.PI) / 180)) / 2 ** (map.getZoom() + 8);
}

/** How far an approximate location may be from its centre, in metres. */
export function areaRadius(ev) {
  if (typeof ev.feature === "string" && /^(PCL|TERR)/.test(ev.feature)) return 300000;
  if (ev.precision === 3) return 120000;
  return 25000;
}

function resizeAreas() {
  for (const layer of areaLayer.getLayers()) {
    const metres = layer.options.fwMetres;
    const px = metres / metresPerPixel(layer.getLatLng().lat);
    layer.setRadius(Math.max(14, Math.min(px, 400)));
  }
}

/** Where each shown event sits: when a redraw keeps it (a review changed a status, say), the
 *  markers are restyled in place instead of rebuilt, so a cluster that is zooming or fanning
 *  out is never torn down under its own animation. */
let drawnLayout = "";

function layoutOf(placed) {
  return placed.map((ev) => `${ev.id}@${ev.lat},${ev.lon},${isApproximate(ev) ? areaRadius(ev) : ""}`)
    .join("|");
}

function markerStyle(ev) {
  return {
    radius: 7 + Math.min(6, Math.sqrt(ev.fatalities)),
    color: ev.review ? "#111111" : "#ffffff",
    weight: ev.review ? 2.5 : 1.5,
    fillColor: TYPE_COLOURS[eventType(ev)],
    fillOpacity: ev.review && ev.review.status === "rejected" ? 0.35 : 0.9,
  };
}

/** What a point marker's class and cluster icon read of its event. */
function markerMarks(ev) {
  return { className: `fw-marker${reviewClass(ev)}`, fwType: eventType(ev),
    fwReviewed: Boolean(ev.review) };
}

/** Restyle the drawn point markers for new review states and types; true when all were found. */
function restyleEvents(placed) {
  for (const ev of placed) {
    if (isApproximate(ev)) continue;
    const marker = markers.get(ev.id);
    if (!marker) return false;
    const marks = markerMarks(ev);
    Object.assign(marker.options, marks);
    marker.setStyle(markerStyle(ev));
    marker.setTooltipContent(tooltipHtml(ev));
    const el = marker.getElement();
    if (el) el.setAttribute("class", `${marks.className} leaflet-interactive`);
  }
  clusters.refreshClusters();
  return true;
}

/** Draw the events: points in clusters, approximate ones as areas grouped by place. */
export function drawEvents(shown) {
  const placed = shown.filter((ev) => ev.lat !== null && ev.lon !== null);
  const layout = layoutOf(placed);
  const restyled = layout === drawnLayout && restyleEvents(placed);
  if (!restyled) {
    drawnLayout = layout;
    clusters.clearLayers();
    markers.clear();
    clusters.addLayers(placed.filter((ev) => !isApproximate(ev)).map(pointMarker));
  }
  drawAreas(placed.filter(isApproximate));
  return placed.length;
}

function pointMarker(ev) {
  const marker = L.circleMarker([ev.lat, ev.lon], {
    renderer: eventRenderer,
    ...markerStyle(ev),
    ...markerMarks(ev),
  });
  marker.bindTooltip(tooltipHtml(ev));
  marker.on("click", () => actions.openEvent(ev.id, { fromMap: true }));
  marker.on("add", () => {
    const el = marker.getElement();
    if (el) {
      el.setAttribute("data-event-id", ev.id);
      el.classList.toggle("selected", ev.id === state.selected);
    }
  });
  markers.set(ev.id, marker);
  return marker;
}

/** Approximate locations, one area per place and precision (never clustered, never animated). */
function drawAreas(approximate) {
  areaLayer.clearLayers();
  const areas = new Map();
  for (const ev of approximate) {
    const key = `${ev.lat.toFixed(3)},${ev.lon.toFixed(3)},${areaRadius(ev)}`;
    if (!areas.has(key)) areas.set(key, []);
    areas.get(key).push(ev);
  }
  for (const group of areas.values()) drawArea(group);
  resizeAreas();
}

function drawArea(group) {
  const first = group[0];
  const counts = new Map();
  for (const ev of group) counts.set(eventType(ev), (counts.get(eventType(ev)) || 0) + 1);
  const main = [...counts].sort((a, b) => b[1] - a[1])[0][0];  // the commonest type's colour
  const colour = TYPE_COLOURS[main];
  const reviewed = group.some((ev) => ev.review);
  const area = L.circleMarker([first.lat, first.lon], {
    renderer: eventRenderer,
    pane: "areas",
    radius: 14,
    color: colour,
    weight: reviewed ? 3 : 2,
    dashArray: "6 4",
    fillColor: colour,
    fillOpacity: 0.12,
    className: `fw-area${reviewClass(reviewed ? group.find((ev) => ev.review) : {})}`,
    fwMetres: areaRadius(first),
  });
  const where = [first.place, countryName(first.country)].filter(Boolean).join(", ");
  area.bindTooltip(group.length === 1 ? `${tooltipHtml(first)} (approximate)`
    : `${group.length} events in ${escapeHtml(where)} (approximate location)`);
  area.on("click", () => {
    if (group.length === 1) actions.openEvent(first.id, { fromMap: true });
    else actions.openList(`${group.length} events in ${where} (approximate location)`,
      group.map((ev) => ev.id));
  });
  area.on("add", () => {
    const el = area.getElement();
    if (el) {
      el.setAttribute("data-event-ids", group.map((ev) => ev.id).join(" "));
      el.setAttribute("data-count", String(group.length));
    }
  });
  for (const ev of group) markers.set(ev.id, area);
  areaLayer.addLayer(area);
}

/** Show an event's marker: zoom in or fan out its cluster when it hides it. */
export function revealEvent(id) {
  const marker = markers.get(id);
  if (!marker) return;
  if (clusters.hasLayer(marker)) {
    clusters.zoomToShowLayer(marker, () => markSelected());
  } else if (!map.getBounds().contains(marker.getLatLng())) {
    map.panTo(marker.getLatLng());
  }
}

export function markSelected() {
  for (const el of document.querySelectorAll("path.fw-marker")) {
    el.classList.toggle("selected", el.getAttribute("data-event-id") === state.selected);
  }
}

/** Zoom to the events of the current filters (points and areas). */
export function fitToEvents(events = state.events, options = {}) {
  const points = events.filter((ev) => ev.lat !== null && ev.lon !== null)
    .map((ev) => [ev.lat, ev.lon]);
  if (!points.length) return;
  const animate = Boolean(options.animate);
  if (points.length === 1) map.setView(points[0], Math.max(map.getZoom(), 7), { animate });
  else map.fitBounds(L.latLngBounds(points).pad(0.3), { maxZoom: 9, animate });
}

// ---------------------------------------------------------------- control

/** Coordinates of a control record: its own, else its evidence events', else its place's. */
function controlLatLng(record) {
  if (finite(record.lat) !== null && finite(record.lon) !== null) return [record.lat, record.lon];
  const ids = Array.isArray(record.evidence) ? record.evidence : [];
  for (const id of ids) {
    const ev = state.byId.get(id);
    if (ev && ev.lat !== null && ev.lon !== null) return [ev.lat, ev.lon];
  }
  for (const ev of state.events) {
    if (ev.lat === null || ev.lon === null) continue;
    if ((record.geonameid && ev.geonameid === record.geonameid)
      || (record.place && ev.place === record.place)) {
      return [ev.lat, ev.lon];
    }
  }
  return null;
}

export function controlStatus(record) {
  const status = String(record.status || "held");
  return ["held", "contested", "lost"].includes(status) ? status : "held";
}

/** Control of places as of the date: an area in the holder's colour and a diamond, both
 * clickable (holder, since when, contested or not, the evidence). */
export function drawControl() {
  controlLayer.clearLayers();
  state.shownControllers.clear();
  const records = (state.situation && state.situation.control) || [];
  for (const record of records) {
    const where = controlLatLng(record);
    if (!where) continue;
    const controller = String(record.controller || "unknown");
    const colour = controllerColour(controller);
    state.shownControllers.add(controller);
    const status = controlStatus(record);
    const open = () => actions.openControl(record);
    const tip = `${escapeHtml(record.place || "")}: ${escapeHtml(status)}, ${
      escapeHtml(controller)}${record.since ? ` since ${escapeHtml(record.since)}` : ""}`;
    const area = L.circleMarker(where, {
      renderer: eventRenderer, pane: "areas", radius: 22, color: colour, weight: 2,
      dashArray: status === "contested" ? "5 4" : null, opacity: status === "lost" ? 0.4 : 0.9,
      fillColor: colour, fillOpacity: status === "held" ? 0.22 : 0.08,
      className: `fw-control-area status-${status}`,
    });
    area.bindTooltip(tip);
    area.on("click", open);
    const diamond = h("span", { style: { borderColor: colour,
      background: status === "held" ? colour : "transparent" } });
    // a diamond on a stem above the place: over the event clusters, not on top of them
    const icon = L.divIcon({ className: `fw-control status-${status}`, html: diamond,
      iconSize: [18, 34], iconAnchor: [9, 34] });
    const marker = L.marker(where, { icon, keyboard: true, zIndexOffset: 1000,
      title: `${record.place || ""}: ${status}, ${controller}` });
    marker.bindTooltip(tip);
    marker.on("click", open);
    marker.on("add", () => {
      const el = marker.getElement();
      if (el) el.setAttribute("data-place", String(record.place || ""));
    });
    controlLayer.addLayer(area);
    controlLayer.addLayer(marker);
  }
  buildLegend();
}

// ---------------------------------------------------------------- legend

export function buildLegend() {
  const legend = document.getElementById("legend");
  const row = (swatch, label) => h("div", { class: "legend-row" }, swatch, label);
  legend.replaceChildren(h("h2", { text: "Event type" }));
  for (const [type, colour] of Object.entries(TYPE_COLOURS)) {
    legend.append(row(h("span", { class: "dot", style: { background: colour } }), type));
  }
  legend.append(h("h2", { text: "Location" }),
    h("div", { class: "legend-key" }, h("span", { class: "ring" }), "approximate (area)"),
    h("div", { class: "legend-key" }, h("span", { class: "dot reviewed-dot" }), "reviewed"));
  if (state.shownControllers.size) {
    legend.append(h("h2", { text: "Control (as of date)" }),
      h("div", { class: "legend-key" }, h("span", { class: "square held" }), "held",
        h("span", { class: "square contested" }), "contested",
        h("span", { class: "square lost" }), "lost"));
    for (const name of [...state.shownControllers].sort()) {
      legend.append(row(h("span", { class: "square", style: {
        background: controllerColour(name) } }), name));
    }
  }
}
