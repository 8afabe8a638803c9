// The side panel: the events as of the date, the situation (control, casualties, materiel,
// displacement, sources; every row opens its evidence), one event with its evidence
// highlighted in the article, a control record, a list of events.

import {
  TYPE_COLOURS, actions, actorLabel, controllerColour, countryName, eventType, fill, finite,
  getJson, h, isoDay, reviewOf, state, typeColour,
} from "./core.js";
import {
  HIGHLIGHT_FIELDS, eventSpans, highlightHtml, offsetMapper, otherTriggerSpans,
} from "./highlight.js";
import { controlStatus, markSelected, revealEvent } from "./layers.js";
import { reviewBadge, reviewSection } from "./review.js";

const TABS = ["events", "situation", "queue"];

export function showTab(name) {
  state.view = TABS.includes(name) ? name : "events";
  document.getElementById("panel-event").hidden = true;
  for (const tab of TABS) {
    const button = document.getElementById(`tab-${tab}`);
    const box = document.getElementById(tab === "events" ? "panel-summary" : `panel-${tab}`);
    const active = tab === state.view;
    button.setAttribute("aria-selected", String(active));
    button.classList.toggle("active", active);
    box.hidden = !active;
  }
  if (state.view === "queue" && actions.renderQueue) actions.renderQueue();
}

function showDetail() {
  for (const tab of TABS) {
    document.getElementById(tab === "events" ? "panel-summary" : `panel-${tab}`).hidden = true;
  }
  const box = document.getElementById("panel-event");
  box.hidden = false;
  return box;
}

export function closeEvent() {
  state.selected = null;
  markSelected();
  showTab(state.view);
}

function backButton() {
  return h("button", { type: "button", class: "ghost back", onclick: closeEvent },
    "← Back");
}

function eventRow(ev) {
  const review = ev.review;
  return h("li", { class: review ? `reviewed review-${review.status}` : null },
    h("button", { type: "button", class: "event-link", "data-event-id": ev.id,
      onclick: () => openEvent(ev.id) },
    h("span", { class: "dot", style: { background: typeColour(ev) } }),
    h("span", { class: "when", text: ev.start || "undated" }),
    h("span", { class: "what", text: `${ev.sub || eventType(ev)} · ${ev.place || "no place"}${
      ev.actor1 ? ` · ${ev.actor1}` : ""}` }),
    review ? reviewBadge(review) : null));
}

// ---------------------------------------------------------------- the events tab

export function renderSummary(shown) {
  const box = document.getElementById("panel-summary");
  const byType = new Map();
  let dead = 0;
  for (const ev of shown) {
    byType.set(eventType(ev), (byType.get(eventType(ev)) || 0) + 1);
    dead += ev.fatalities;
  }
  const rows = [...byType].sort((a, b) => b[1] - a[1]).map(([type, count]) => h("li", {},
    h("span", { class: "dot", style: { background: TYPE_COLOURS[type] } }), `${type}: ${count}`));
  const list = shown.slice().sort((a, b) => String(b.start || "")
    .localeCompare(String(a.start || ""))).slice(0, 200);
  box.replaceChildren(
    h("h2", { text: state.asOf ? `Events as of ${isoDay(state.asOf)}` : "Events" }),
    h("p", { class: "kpis" },
      h("span", {}, h("strong", { text: String(shown.length) }), " events"),
      h("span", {}, h("strong", { text: String(dead) }), " killed (reported)")),
    h("ul", { class: "type-counts" }, rows),
    h("h3", { text: "Latest" }),
    h("ul", { class: "event-list" }, list.map(eventRow)),
  );
}

// ---------------------------------------------------------------- the situation tab

/** A table whose rows open their evidence (a button in the first cell: keyboard reachable). */
function evidenceTable(title, head, records, cells, evidenceOf, label) {
  if (!records.length) return [];
  const body = records.slice(0, 100).map((record) => {
    const ids = evidenceOf(record);
    const values = cells(record);
    const first = h("button", { type: "button", class: "row-link", disabled: ids.length === 0,
      title: ids.length ? `open the evidence (${ids.length})` : "no evidence",
      onclick: () => openEvidence(label(record), ids) }, String(values[0] ?? ""));
    return h("tr", { class: ids.length ? "clickable" : null,
      onclick: (event) => {
        if (ids.length && event.target.tagName !== "BUTTON") openEvidence(label(record), ids);
      } },
    h("td", {}, first), values.slice(1).map((value) => h("td", { text: value ?? "" })));
  });
  return [h("h3", { text: `${title} (${records.length})` }),
    h("table", { class: "compact", "data-section": title.toLowerCase() },
      h("thead", {}, h("tr", {}, head.map((cell) => h("th", { text: cell })))),
      h("tbody", {}, body))];
}

function count(value) {
  const n = finite(value);
  return n === null ? "" : Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** Event ids of a source: the events of its documents among those loaded. */
function sourceEvents(source) {
  const docs = new Set(Array.isArray(source.documents) ? source.documents : []);
  return state.events.filter((ev) => docs.has(ev.doc_id)).map((ev) => ev.id);
}

export function renderSituation() {
  const box = document.getElementById("panel-situation");
  const sit = state.situation;
  const title = h("h2", { text: state.asOf ? `Situation as of ${isoDay(state.asOf)}`
    : "Situation" });
  if (!sit) {
    box.replaceChildren(title, h("p", { class: "muted", text: "Loading the situation…" }));
    return;
  }
  const ids = (record) => (Array.isArray(record.evidence) ? record.evidence.map(String) : []);
  const parts = [title];
  parts.push(...evidenceTable("Control", ["place", "holder", "status", "since"],
    sit.control || [], (c) => [c.place, c.controller || "unknown", controlStatus(c), c.since],
    ids, (c) => `Control of ${c.place}`));
  parts.push(...evidenceTable("Casualties", ["place", "actor", "killed", "injured"],
    sit.casualties || [], (c) => [c.place || "unknown place", c.actor || "not stated",
      count(c.killed), count(c.injured)], ids,
    (c) => `Casualties at ${c.place || "an unknown place"}`));
  parts.push(...evidenceTable("Materiel", ["item", "actor", "count", "direction"],
    sit.materiel || [], (m) => [m.item, m.actor, count(m.count), m.direction], ids,
    (m) => `Materiel: ${m.item} (${m.actor})`));
  parts.push(...evidenceTable("Displacement", ["place", "people", "range", "from"],
    sit.displacement || [], (d) => [d.place || countryName(d.country) || "unknown place",
      count(d.count), `${count(d.low)}–${count(d.high)}`, d.start || ""], ids,
    (d) => `Displacement from ${d.place || "an unknown place"}`));
  parts.push(...evidenceTable("Sources", ["source", "kind", "documents"],
    sit.sources || [], (s) => [s.name, s.kind, String((s.documents || []).length)],
    sourceEvents, (s) => `Reports of ${s.name}`));
  if (parts.length === 1) parts.push(h("p", { class: "muted", text: "Nothing as of this date." }));
  box.replaceChildren(...parts);
}

function openEvidence(title, ids) {
  if (ids.length === 1) openEvent(ids[0]);
  else openList(title, ids);
}

// ---------------------------------------------------------------- a list, a control record

export function openList(title, ids) {
  const box = showDetail();
  const known = ids.map((id) => state.byId.get(id) || { id, start: null, sub: null,
    type: null, place: `event ${id}`, actor1: null, review: null });
  box.replaceChildren(h("div", { class: "event-head" }, backButton()),
    h("h2", { text: title }), h("ul", { class: "event-list" }, known.map(eventRow)));
}

export function openControl(record) {
  const box = showDetail();
  const status = controlStatus(record);
  const controller = String(record.controller || "unknown");
  const timeline = Array.isArray(record.timeline) ? record.timeline : [];
  const evidence = Array.isArray(record.evidence) ? record.evidence.map(String) : [];
  fill(box,
    h("div", { class: "event-head" }, backButton(),
      h("span", { class: "badge", style: { background: controllerColour(controller) },
        text: controller })),
    h("h2", { id: "control-title", text: `Control of ${record.place || "a place"}` }),
    h("dl", { class: "fields" },
      field("Holder", controller),
      field("Status", status),
      field("Since", record.since ? `${record.since}${record.since_precision
        && record.since_precision !== "day" ? ` (${record.since_precision})` : ""}` : ""),
      field("Country", countryName(record.country))),
    timeline.length ? h("h3", { text: "Changes" }) : null,
    timeline.length ? h("table", { class: "compact", id: "control-timeline" },
      h("tbody", {}, timeline.map((change) => h("tr", {},
        h("td", { text: change.date || "" }),
        h("td", { text: change.controller || "nobody" }),
        h("td", { text: change.status || "" }),
        h("td", { text: change.by ? `by ${change.by}` : "" }),
        h("td", {}, (change.evidence || []).map((id) => h("button", { type: "button",
          class: "link", onclick: () => openEvent(String(id)) }, "evidence"))))))) : null,
    h("h3", { text: `Evidence (${evidence.length})` }),
    h("ul", { class: "event-list" }, evidence.map((id) => eventRow(state.byId.get(id)
      || { id, start: null, sub: null, type: null, place: `event ${id}`, actor1: null }))),
  );
}

// ---------------------------------------------------------------- one event

function field(label, value, attrs = {}) {
  if (value === null || value === undefined || value === "") return null;
  return h("div", { class: "field", ...attrs }, h("dt", { text: label }),
    h("dd", { text: String(value) }));
}

let openGeneration = 0;

export async function openEvent(id, options = {}) {
  const generation = ++openGeneration;
  state.selected = id;
  markSelected();
  if (!options.fromMap) revealEvent(id);
  const box = showDetail();
  box.replaceChildren(h("p", { class: "muted", text: "Loading event…" }));
  let detail = null;
  try {
    detail = await getJson(`events/${encodeURIComponent(id)}`);
  } catch (error) {
    box.replaceChildren(backButton(),
      h("p", { class: "error", text: `Event not found (${error.message})` }));
    return;
  }
  if (generation !== openGeneration) return;
  let doc = null;
  const ev = detail.event || detail;
  try {
    const body = await getJson(`documents/${encodeURIComponent(ev.doc_id)}`);
    doc = body.document || body;
  } catch (error) {
    console.warn("document not loaded", error);
  }
  if (generation !== openGeneration) return;
  renderEvent(detail, doc);
}

function renderEvent(detail, doc) {
  const ev = detail.event || detail;
  const box = document.getElementById("panel-event");
  const type = eventType(ev);
  const spans = eventSpans(ev);
  const loc = ev.location || {};
  const review = reviewOf(detail) || reviewOf(ev);
  const quantities = (ev.quantities || []).map((q) => `${q.kind}: ${q.count ?? [q.low, q.high]
    .filter((x) => x !== null && x !== undefined).join("–")}${q.item ? ` ${q.item}` : ""}`);
  const att = ev.attribution || {};
  const precision = finite(loc.precision);
  const header = h("div", { class: "event-head" }, backButton(),
    h("span", { class: "badge", style: { background: TYPE_COLOURS[type] } },
      ev.acled ? type : String(ev.category || "other").replaceAll("_", " ")),
    ev.acled && ev.acled.sub_event_type ? h("span", { class: "subtype",
      text: ev.acled.sub_event_type }) : null,
    review ? reviewBadge(review) : null);
  const fields = h("dl", { class: "fields", id: "event-fields" },
    field("Date", ev.date ? [ev.date.start, ev.date.end].filter(Boolean)
      .filter((x, i, all) => all.indexOf(x) === i).join(" – ") : ""),
    field("Where", [loc.name || loc.text, loc.admin1, countryName(loc.country)].filter(Boolean)
      .join(", "), { "data-field": "location" }),
    field("Precision", precision ? `${precision}${loc.approximate || precision > 1
      ? " (approximate)" : ""}` : ""),
    field("Actor 1", actorLabel(ev.actor1), { "data-field": "actor1" }),
    field("Actor 2", actorLabel(ev.actor2), { "data-field": "actor2" }),
    field("PLOVER", ev.plover ? [ev.plover.type, ev.plover.mode].filter(Boolean).join(" / ")
      : ""),
    field("Quantities", quantities.join("; ")),
    field("Modality", ev.modality),
    field("Status", ev.status),
    field("According to", [att.speaker, att.source].filter(Boolean).join(", ")),
    field("Sources", finite(detail.sources)),
    field("Confidence", Number.isFinite(ev.confidence) ? ev.confidence.toFixed(2) : ""),
  );
  const legend = h("div", { class: "hl-legend" }, HIGHLIGHT_FIELDS.map(([key, label]) =>
    h("mark", { class: `hl hl-${key}`, text: label })));
  const parts = [header, fields];
  if (state.config.review) parts.push(reviewSection(ev, detail, review));
  parts.push(h("h3", { text: "Evidence" }));
  const evidence = ev.evidence || {};
  const evSpan = Array.isArray(evidence.span) ? evidence.span : null;
  const evidenceBox = h("blockquote", { class: "evidence-sentence", id: "evidence" });
  const inner = (s, e) => spans.filter((sp) => sp.start >= s && sp.end <= e)
    .map((sp) => ({ ...sp, start: sp.start - s, end: sp.end - s }));
  if (doc && typeof doc.text === "string" && evSpan) {
    // the evidence sentence, cut from the document so that the offsets stay exact
    const [s, e] = evSpan;
    const toUnit = offsetMapper(doc.text);
    evidenceBox.innerHTML = highlightHtml(doc.text.slice(toUnit(s), toUnit(e)), inner(s, e));
  } else if (typeof evidence.text === "string" && evSpan) {
    evidenceBox.innerHTML = highlightHtml(evidence.text, inner(evSpan[0], evSpan[1]));
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
  const cluster = detail.cluster;
  if (cluster && Array.isArray(cluster.reports) && cluster.reports.length > 1) {
    parts.push(h("h3", { text: `Reports of the same event (${cluster.reports.length})` }),
      h("ul", { class: "plain" }, cluster.reports.map((report) => h("li", {},
        report.event_id === ev.id ? h("span", { text: `${report.outlet || report.doc_id} (this)` })
          : h("button", { type: "button", class: "link",
            onclick: () => openEvent(String(report.event_id)) },
          `${report.outlet || report.doc_id}${report.published ? `, ${report.published}`
            : ""}`)))));
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
  box.dataset.eventId = ev.id;
  box.scrollTop = 0;
  const first = box.querySelector("#article .evidence");
  if (first) first.scrollIntoView({ block: "nearest" });
}
