// Review: accept, reject or correct an event, merge or split reports, with a note; the review
// queue (least confident first) with keyboard navigation. Only shown when the server runs
// with review enabled (GET /api/health says "review": true).
//
// The token comes in the address's fragment (#token=...), printed by `frontwatch serve
// --review`: it is kept in sessionStorage (this tab only) and removed from the address bar.
// Writes send it as a bearer token, with Content-Type: application/json.

import {
  REVIEWER_KEY, TOKEN_KEY, actions, actorLabel, countryName, debounce, eventType, fill,
  finite, getJson, h, postJson, reviewToken, state, summarise, typeColour,
} from "./core.js";

const LABELS = { accepted: "accepted", rejected: "rejected", corrected: "corrected" };
const MARKS = { accepted: "✓", rejected: "✗", corrected: "✎" };

/** Take the token out of the address (#token=...) into this tab's sessionStorage. */
export function takeToken() {
  const hash = window.location.hash || "";
  const match = /(?:^#|&)token=([^&]+)/.exec(hash);
  if (!match) return;
  try {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
  } catch {
    // storage refused (private mode): the token only lives in this page
  }
  const rest = hash.replace(/(^#|&)token=[^&]+/, "$1").replace(/^#&?$/, "");
  history.replaceState(null, "", window.location.pathname + window.location.search + rest);
}

export function reviewBadge(review) {
  const status = LABELS[review.status] ? review.status : "reviewed";
  const title = [review.by, review.at, review.note].filter(Boolean).join(" · ");
  return h("span", { class: `review-badge status-${status}`, title: title || null,
    text: `${MARKS[status] || "•"} ${LABELS[status] || "reviewed"}` });
}

function reviewer() {
  try {
    return localStorage.getItem(REVIEWER_KEY) || "";
  } catch {
    return "";
  }
}

function setMessage(text, isError = false) {
  const el = document.getElementById("review-message");
  if (!el) return;
  el.textContent = text;
  el.classList.toggle("error", isError);
}

function failure(error) {
  if (error.status === 401 || error.status === 403) {
    return `Refused (${error.code}): open the address that \`frontwatch serve --review\` printed,`
      + " with its #token=…";
  }
  return `Not saved: ${error.message}`;
}

/** POST a review of one event; returns the updated event or null. */
export async function review(id, action, changes = null, note = "") {
  const body = { action, note: note || null, by: reviewer() || null };
  if (changes) body.changes = changes;
  try {
    const updated = await postJson(`events/${encodeURIComponent(id)}/review`, body);
    await actions.afterReview(id, updated);
    return updated;
  } catch (error) {
    setMessage(failure(error), true);
    actions.status(failure(error), true);
    return null;
  }
}

// ---------------------------------------------------------------- the event panel's section

function noteValue() {
  const el = document.getElementById("review-note");
  return el ? el.value.trim() : "";
}

export function reviewSection(ev, detail, current) {
  const section = h("section", { class: "review-box", id: "review", "aria-label": "Review" });
  const by = h("input", { id: "review-by", type: "text", maxlength: "100",
    placeholder: "your name", value: reviewer(),
    onchange: (event) => {
      try {
        localStorage.setItem(REVIEWER_KEY, event.target.value.trim());
      } catch {
        // not kept: asked again next time
      }
    } });
  const note = h("input", { id: "review-note", type: "text", maxlength: "2000",
    placeholder: "why (optional)" });
  const cluster = detail.cluster;
  const canSplit = cluster && Array.isArray(cluster.reports) && cluster.reports.length > 1;
  fill(section,
    h("h3", { text: "Review" }),
    current ? h("p", { class: "muted", id: "review-current" }, reviewBadge(current),
      ` ${[current.by, current.at].filter(Boolean).join(", ")}`,
      current.note ? ` — ${current.note}` : "") : null,
    h("div", { class: "review-actions" },
      h("button", { type: "button", id: "review-accept", class: "accept",
        onclick: () => review(ev.id, "accept", null, noteValue()) }, "Accept ", h("kbd", {}, "a")),
      h("button", { type: "button", id: "review-reject", class: "reject",
        onclick: () => review(ev.id, "reject", null, noteValue()) }, "Reject ", h("kbd", {}, "r")),
      h("button", { type: "button", id: "review-edit",
        onclick: () => openForm(ev) }, "Correct… ", h("kbd", {}, "e")),
      h("button", { type: "button", id: "review-merge", onclick: () => openMerge(ev, detail) },
        "Merge…"),
      canSplit ? h("button", { type: "button", id: "review-split",
        onclick: () => split(ev) }, "Split from its cluster") : null),
    h("div", { class: "review-who" }, h("label", {}, "Note ", note),
      h("label", {}, "Reviewer ", by)),
    h("p", { id: "review-message", class: "review-message", role: "status",
      "aria-live": "polite" }),
    h("div", { id: "review-form", hidden: "" }),
    h("div", { id: "review-history" }),
  );
  loadHistory(ev.id);
  return section;
}

function show(value) {
  if (value === null || value === undefined) return "—";
  if (typeof value === "object") {
    if ("name" in value || "lat" in value) {
      return [value.name, countryName(value.country), finite(value.lat) !== null
        ? `${value.lat}, ${value.lon}` : null].filter(Boolean).join(" · ");
    }
    return JSON.stringify(value);
  }
  return String(value);
}

async function loadHistory(id) {
  let body = null;
  try {
    body = await getJson(`events/${encodeURIComponent(id)}/reviews`);
  } catch {
    return;
  }
  const box = document.getElementById("review-history");
  const items = body && Array.isArray(body.reviews) ? body.reviews : [];
  if (!box || !items.length || state.selected !== id) return;
  box.replaceChildren(h("h4", { text: `History (${items.length})` }),
    h("ol", { class: "plain history" }, items.map((item) => {
      const before = item.before && typeof item.before === "object" ? item.before : {};
      const after = item.after && typeof item.after === "object" ? item.after : {};
      const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
      return h("li", {},
        h("span", { class: "when", text: String(item.at || "") }), " ",
        h("strong", { text: String(item.action || "") }),
        item.by ? ` by ${item.by}` : "",
        item.note ? h("div", { class: "muted", text: String(item.note) }) : null,
        keys.length ? h("ul", { class: "changes" }, keys.map((key) => h("li", {
          text: `${key}: ${show(before[key])} → ${show(after[key])}` }))) : null);
    })));
}

// ---------------------------------------------------------------- the correction form

function select(id, options, value, { blank = true } = {}) {
  const el = h("select", { id });
  if (blank) el.append(h("option", { value: "", text: "—" }));
  for (const option of options) el.append(h("option", { value: option, text: option }));
  if (value && !options.includes(value)) el.append(h("option", { value, text: value }));
  el.value = value || "";
  return el;
}

function row(label, ...inputs) {
  return h("label", { class: "form-row" }, h("span", { text: label }), ...inputs);
}

async function taxonomy() {
  if (!state.taxonomy) {
    try {
      state.taxonomy = await getJson("taxonomy");
    } catch {
      state.taxonomy = { acled: [], plover: [], modalities: [], statuses: [],
        quantity_kinds: [] };
    }
  }
  return state.taxonomy;
}

/** The location object of an event, as the review API takes it. */
function locationOf(loc) {
  if (!loc) return null;
  return { name: loc.name || loc.text || null, country: loc.country || null,
    geonameid: loc.geonameid ?? null, lat: finite(loc.lat), lon: finite(loc.lon),
    precision: finite(loc.precision) };
}

export async function openForm(ev) {
  const box = document.getElementById("review-form");
  if (!box) return;
  const tax = await taxonomy();
  const acled = Object.fromEntries(tax.acled.map((t) => [t.event_type, t.sub_event_types]));
  const plover = Object.fromEntries(tax.plover.map((t) => [t.type, t.modes]));
  const initial = {
    "acled.event_type": ev.acled ? ev.acled.event_type : null,
    "acled.sub_event_type": ev.acled ? ev.acled.sub_event_type : null,
    "plover.type": ev.plover ? ev.plover.type : null,
    "plover.mode": ev.plover ? ev.plover.mode : null,
    "actor1.name": actorLabel(ev.actor1) || null,
    "actor2.name": actorLabel(ev.actor2) || null,
    location: locationOf(ev.location),
    "date.start": ev.date ? ev.date.start : null,
    "date.end": ev.date ? ev.date.end : null,
    quantities: (ev.quantities || []).map((q) => ({ ...q })),
    modality: ev.modality || null,
    status: ev.status || null,
  };
  const type = select("fix-acled-type", Object.keys(acled), initial["acled.event_type"]);
  const sub = select("fix-acled-sub", acled[type.value] || [], initial["acled.sub_event_type"]);
  type.addEventListener("change", () => {
    sub.replaceChildren(h("option", { value: "", text: "—" }),
      ...(acled[type.value] || []).map((s) => h("option", { value: s, text: s })));
  });
  const ptype = select("fix-plover-type", Object.keys(plover), initial["plover.type"]);
  const pmode = select("fix-plover-mode", plover[ptype.value] || [], initial["plover.mode"]);
  ptype.addEventListener("change", () => {
    pmode.replaceChildren(h("option", { value: "", text: "—" }),
      ...(plover[ptype.value] || []).map((m) => h("option", { value: m, text: m })));
  });
  const actor1 = h("input", { id: "fix-actor1", type: "text", maxlength: "300",
    value: initial["actor1.name"] || "" });
  const actor2 = h("input", { id: "fix-actor2", type: "text", maxlength: "300",
    value: initial["actor2.name"] || "" });
  const start = h("input", { id: "fix-date-start", type: "date",
    value: initial["date.start"] || "" });
  const end = h("input", { id: "fix-date-end", type: "date", value: initial["date.end"] || "" });
  const modality = select("fix-modality", tax.modalities, initial.modality, { blank: false });
  const status = select("fix-status", tax.statuses, initial.status);
  const place = placeEditor(initial.location);
  const quantities = quantityEditor(initial.quantities, tax.quantity_kinds);
  const save = h("button", { type: "submit", id: "fix-save", class: "accept" }, "Save correction");
  const form = h("form", { class: "review-form", id: "fix-form" },
    row("ACLED type", type), row("Sub-type", sub),
    row("PLOVER type", ptype), row("Mode", pmode),
    row("Actor 1", actor1), row("Actor 2", actor2),
    place.element,
    row("From", start), row("To", end),
    quantities.element,
    row("Modality", modality), row("Status", status),
    h("div", { class: "review-actions" }, save,
      h("button", { type: "button", class: "ghost", onclick: () => {
        place.stop();
        box.hidden = true;
        box.replaceChildren();
      } }, "Cancel")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const now = {
      "acled.event_type": type.value || null,
      "acled.sub_event_type": sub.value || null,
      "plover.type": ptype.value || null,
      "plover.mode": pmode.value || null,
      "actor1.name": actor1.value.trim() || null,
      "actor2.name": actor2.value.trim() || null,
      location: place.value(),
      "date.start": start.value || null,
      "date.end": end.value || null,
      quantities: quantities.value(),
      modality: modality.value || null,
      status: status.value || null,
    };
    const changes = {};
    for (const [key, value] of Object.entries(now)) {
      if (JSON.stringify(value) !== JSON.stringify(initial[key])) changes[key] = value;
    }
    if (!Object.keys(changes).length) {
      setMessage("Nothing changed.", true);
      return;
    }
    place.stop();
    await review(ev.id, "correct", changes, noteValue());
  });
  box.replaceChildren(form);
  box.hidden = false;
  type.focus();
}

/** The place of an event: typed (gazetteer search) or clicked on the map. */
function placeEditor(initial) {
  let current = initial ? { ...initial } : null;
  const summary = h("output", { id: "fix-place-current" });
  const precision = select("fix-place-precision", ["1", "2", "3"],
    current && current.precision ? String(current.precision) : "", { blank: true });
  const query = h("input", { id: "fix-place", type: "search", maxlength: "100",
    placeholder: "type a place name", autocomplete: "off" });
  const suggestions = h("ul", { class: "suggestions", id: "place-suggestions" });
  const pick = h("button", { type: "button", id: "fix-place-pick", class: "ghost" },
    "Pick on the map");
  const describe = () => {
    summary.textContent = current ? [current.name, countryName(current.country),
      current.lat !== null && current.lat !== undefined ? `${current.lat}, ${current.lon}` : "",
    ].filter(Boolean).join(" · ") : "no place";
  };
  const choose = (place) => {
    current = { name: place.name, country: place.country || null,
      geonameid: place.geonameid ?? null, lat: finite(place.lat), lon: finite(place.lon),
      precision: finite(place.precision) };
    precision.value = current.precision ? String(current.precision) : "";
    suggestions.replaceChildren();
    query.value = "";
    describe();
  };
  const search = debounce(async () => {
    const text = query.value.trim();
    if (text.length < 2) {
      suggestions.replaceChildren();
      return;
    }
    let body = null;
    try {
      body = await getJson("gazetteer/search", { q: text, limit: 8 });
    } catch (error) {
      suggestions.replaceChildren(h("li", { class: "error", text: error.message }));
      return;
    }
    if (query.value.trim() !== text) return;
    suggestions.replaceChildren(...(body.items || []).map((place) => h("li", {},
      h("button", { type: "button", class: "suggestion", "data-geonameid": place.geonameid,
        onclick: () => choose(place) },
      h("strong", { text: place.name }),
      ` ${[place.admin1_name, countryName(place.country), place.feature].filter(Boolean)
        .join(", ")}`))));
  }, 200);
  query.addEventListener("input", search);
  query.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      const first = suggestions.querySelector("button");
      if (first) first.click();
    }
  });
  const stopPicking = () => {
    actions.pickOnMap(null);
    pick.classList.remove("active");
  };
  pick.addEventListener("click", () => {
    if (pick.classList.contains("active")) {
      stopPicking();
      return;
    }
    pick.classList.add("active");
    setMessage("Click the map where the event happened.");
    actions.pickOnMap(async (lat, lon) => {
      stopPicking();
      let near = null;
      try {
        near = await getJson("gazetteer/nearest", { lat: lat.toFixed(5), lon: lon.toFixed(5) });
      } catch {
        near = null;
      }
      if (near && near.place) {
        const close = near.distance_km <= 5;
        choose({ ...near.place, lat: close ? near.place.lat : Number(lat.toFixed(5)),
          lon: close ? near.place.lon : Number(lon.toFixed(5)), precision: close ? 1 : 2 });
        setMessage(`${near.place.name}, ${near.distance_km} km from the point.`);
      } else {
        choose({ name: `${lat.toFixed(4)}, ${lon.toFixed(4)}`, lat: Number(lat.toFixed(5)),
          lon: Number(lon.toFixed(5)), precision: 2 });
        setMessage("No named place within 50 km: the point itself.");
      }
    });
  });
  describe();
  const element = h("fieldset", { class: "place-editor" }, h("legend", { text: "Place" }),
    h("p", {}, summary), h("div", { class: "form-row" }, query, pick), suggestions,
    row("Precision", precision));
  return {
    element,
    stop: stopPicking,
    value: () => (current ? { ...current, precision: precision.value ? Number(precision.value)
      : current.precision } : null),
  };
}

function quantityEditor(initial, kinds) {
  const rows = h("div", { class: "quantities", id: "fix-quantities" });
  const add = (q) => {
    const kind = select("", kinds, q.kind, { blank: false });
    kind.className = "fix-quantity-kind";
    const count = h("input", { type: "number", min: "0", step: "1", class: "fix-quantity-count",
      value: q.count ?? "" });
    const line = h("div", { class: "quantity-row" }, kind, count,
      h("span", { class: "muted", text: q.text ? `“${q.text}”` : "new" }),
      h("button", { type: "button", class: "ghost", title: "remove",
        onclick: () => line.remove() }, "×"));
    line.fwQuantity = q;
    rows.append(line);
  };
  for (const q of initial) add(q);
  const element = h("fieldset", { class: "quantity-editor" }, h("legend", { text: "Counts" }),
    rows, h("button", { type: "button", class: "ghost", id: "fix-quantity-add",
      onclick: () => add({ kind: kinds[0] || "killed", count: null }) }, "+ count"));
  return {
    element,
    value: () => [...rows.children].map((line) => {
      const kind = line.querySelector(".fix-quantity-kind").value;
      const raw = line.querySelector(".fix-quantity-count").value;
      const count = raw === "" ? null : Number(raw);
      const base = line.fwQuantity || {};
      return base.kind === kind && (base.count ?? null) === count ? base
        : { ...base, kind, count };
    }),
  };
}

// ---------------------------------------------------------------- merge and split

function distanceKm(a, b) {
  const rad = Math.PI / 180;
  const x = Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 + Math.cos(a.lat * rad)
    * Math.cos(b.lat * rad) * Math.sin(((b.lon - a.lon) * rad) / 2) ** 2;
  return 12742 * Math.asin(Math.sqrt(Math.min(1, x)));
}

/** Events that may report the same thing: its cluster's, and those near it in place and time. */
function mergeCandidates(ev, detail) {
  const self = state.byId.get(ev.id) || summarise(ev);
  const ids = new Set();
  const cluster = detail.cluster;
  for (const report of (cluster && cluster.reports) || []) ids.add(String(report.event_id));
  const start = self.start ? Date.parse(self.start) : null;
  for (const other of state.events) {
    if (other.id === ev.id || ids.size >= 30) continue;
    const near = self.lat !== null && other.lat !== null && distanceKm(self, other) <= 50;
    const same = self.place && other.place === self.place;
    const when = start !== null && other.start
      ? Math.abs(Date.parse(other.start) - start) <= 3 * 86400000 : false;
    if ((near || same) && when) ids.add(other.id);
  }
  ids.delete(ev.id);
  return [...ids];
}

function openMerge(ev, detail) {
  const box = document.getElementById("review-form");
  if (!box) return;
  const candidates = mergeCandidates(ev, detail);
  if (!candidates.length) {
    setMessage("No other event near this one in place and time.");
    return;
  }
  const boxes = candidates.map((id) => {
    const other = state.byId.get(id) || { id, sub: null, type: null, place: id, start: "" };
    return h("label", { class: "merge-option" },
      h("input", { type: "checkbox", value: id, class: "merge-choice" }),
      h("span", { class: "dot", style: { background: typeColour(other) } }),
      `${other.start || "undated"} · ${other.sub || eventType(other)} · ${other.place || ""}`);
  });
  const form = h("form", { class: "review-form", id: "merge-form" },
    h("p", { text: "Merge this event with the same event reported here:" }), boxes,
    h("div", { class: "review-actions" },
      h("button", { type: "submit", id: "merge-save" }, "Merge"),
      h("button", { type: "button", class: "ghost",
        onclick: () => { box.hidden = true; box.replaceChildren(); } }, "Cancel")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = [...form.querySelectorAll(".merge-choice:checked")].map((el) => el.value);
    if (!chosen.length) {
      setMessage("Choose at least one event.", true);
      return;
    }
    try {
      await postJson("review/merge", { events: [ev.id, ...chosen], note: noteValue() || null,
        by: reviewer() || null });
      await actions.afterReview(ev.id, null);
    } catch (error) {
      setMessage(failure(error), true);
    }
  });
  box.replaceChildren(form);
  box.hidden = false;
}

async function split(ev) {
  try {
    await postJson("review/split", { event: ev.id, note: noteValue() || null,
      by: reviewer() || null });
    await actions.afterReview(ev.id, null);
  } catch (error) {
    setMessage(failure(error), true);
  }
}

// ---------------------------------------------------------------- the queue

const queue = { items: [], total: 0, offset: 0, focus: 0, limit: 50 };

export async function loadQueue(offset = queue.offset) {
  const box = document.getElementById("panel-queue");
  let body = null;
  try {
    body = await getJson("review/queue", { limit: queue.limit, offset });
  } catch (error) {
    box.replaceChildren(keyHelp(), h("p", { class: "error",
      text: `Queue not loaded: ${error.message}` }));
    return;
  }
  queue.items = (Array.isArray(body.events) ? body.events : []).map(summarise);
  queue.total = finite(body.total) ?? queue.items.length;
  queue.offset = offset;
  queue.focus = Math.min(queue.focus, Math.max(0, queue.items.length - 1));
  renderQueue();
}

function keyHelp() {
  const keys = [["j", "↓"], ["k", "↑"], ["a"], ["r"], ["e"], ["Enter"]];
  const words = ["next", "previous", "accept", "reject", "correct", "open"];
  return h("div", { class: "key-help", id: "key-help", "aria-label": "Keyboard" },
    keys.map((combo, i) => h("span", {}, combo.map((k) => h("kbd", { text: k })),
      ` ${words[i]}`)));
}

/** Draw the queue as it is in memory (reviewed rows stay, marked, until it is reloaded). */
export function renderQueue() {
  const box = document.getElementById("panel-queue");
  const token = reviewToken();
  const list = h("ol", { class: "queue", id: "queue-list", role: "listbox",
    "aria-label": "Events to review, least confident first", tabindex: "0" });
  queue.items.forEach((ev, i) => {
    const review = ev.review;
    list.append(h("li", { class: `queue-item${review ? ` reviewed review-${review.status}` : ""}`,
      role: "option", id: `queue-${i}`, "data-event-id": ev.id, "aria-selected": "false",
      onclick: () => { focusQueue(i); actions.openEvent(ev.id); } },
    h("span", { class: "confidence", title: "confidence",
      text: ev.confidence === null ? "–" : ev.confidence.toFixed(2) }),
    h("span", { class: "dot", style: { background: typeColour(ev) } }),
    h("span", { class: "what" },
      h("strong", { text: ev.sub || eventType(ev) }),
      ` · ${[ev.place, countryName(ev.country)].filter(Boolean).join(", ") || "no place"}`
      + ` · ${ev.start || "undated"}`,
      h("span", { class: "evidence-line", text: ev.evidence || "" })),
    review ? reviewBadge(review) : null));
  });
  const pages = h("div", { class: "queue-pages" },
    h("button", { type: "button", class: "ghost", disabled: queue.offset === 0,
      onclick: () => loadQueue(Math.max(0, queue.offset - queue.limit)) }, "← Previous"),
    h("span", { class: "muted", text: queue.total ? `${queue.offset + 1}–${
      queue.offset + queue.items.length} of ${queue.total}` : "nothing to review" }),
    h("button", { type: "button", class: "ghost",
      disabled: queue.offset + queue.items.length >= queue.total,
      onclick: () => loadQueue(queue.offset + queue.limit) }, "Next →"));
  fill(box,
    h("h2", { text: "Review queue" }),
    h("p", { class: "muted", text: "Unreviewed events, least confident first." }),
    token ? null : h("p", { class: "error", id: "no-token",
      text: "No review token in this tab: open the address that `frontwatch serve --review`"
        + " printed (it ends with #token=…)." }),
    keyHelp(), pages, list);
  focusQueue(queue.focus, false);
}

function focusQueue(i, scroll = true) {
  if (!queue.items.length) return;
  queue.focus = Math.max(0, Math.min(queue.items.length - 1, i));
  const list = document.getElementById("queue-list");
  if (!list) return;
  for (const item of list.children) {
    item.classList.remove("focused");
    item.setAttribute("aria-selected", "false");
  }
  const item = document.getElementById(`queue-${queue.focus}`);
  if (item) {
    item.classList.add("focused");
    item.setAttribute("aria-selected", "true");
    list.setAttribute("aria-activedescendant", item.id);
    if (scroll) item.scrollIntoView({ block: "nearest" });
  }
}

export function markQueued(id, updated) {
  const i = queue.items.findIndex((ev) => ev.id === id);
  if (i < 0 || !updated) return;
  queue.items[i] = { ...queue.items[i], review: summarise(updated).review
    || { status: "reviewed" } };
}

/** Keys: j/k or arrows move, a accept, r reject, e correct, Enter open (queue); a/r/e act on
 * the open event too. Not while typing in a field. */
export function onKey(event) {
  if (!state.config.review || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"]
    .includes(target.tagName))) return;
  const detailOpen = !document.getElementById("panel-event").hidden;
  const inQueue = state.view === "queue" && !detailOpen;
  const key = event.key;
  if (inQueue && (key === "j" || key === "ArrowDown")) {
    focusQueue(queue.focus + 1);
  } else if (inQueue && (key === "k" || key === "ArrowUp")) {
    focusQueue(queue.focus - 1);
  } else if (inQueue && key === "Enter") {
    const ev = queue.items[queue.focus];
    if (ev) actions.openEvent(ev.id);
  } else if (key === "a" || key === "r") {
    const id = inQueue ? (queue.items[queue.focus] || {}).id : detailOpen ? state.selected : null;
    if (!id) return;
    const action = key === "a" ? "accept" : "reject";
    review(id, action, null, detailOpen ? noteValue() : "").then((updated) => {
      if (updated && inQueue) focusQueue(queue.focus + 1);
    });
  } else if (key === "e") {
    const id = inQueue ? (queue.items[queue.focus] || {}).id : detailOpen ? state.selected : null;
    if (!id) return;
    actions.openEvent(id).then(() => {
      const button = document.getElementById("review-edit");
      if (button) button.click();
    });
  } else {
    return;
  }
  event.preventDefault();
}
