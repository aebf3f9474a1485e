"use strict";
// The kiosk's touch screen. Talks only to its own 127.0.0.1 server; every text comes from messages.json.
(() => {
  const $ = (id) => document.getElementById(id);
  const MAX_PHOTOS = 3, MAX_SIDE = 1600, MAX_PHOTO_BYTES = 1024 * 1024;
  const SUGGEST_URGENT = new Set(["gas", "fire", "water", "roof"]);  // categories that often mean immediate danger
  let messages = {}, lang = "zh", state = { categories: [], locations: [], bulletins: [] };
  const BEHAVIOUR_TIMES = [0, 60, 120, 240, 480, 1440];  // minutes ago a worker may pick with a glove
  const BEHAVIOUR_KINDS = ["kind_command", "kind_work", "kind_discipline"];  // 三违
  let behaviour = emptyBehaviour(), libraryTimer = null, libraryAsked = "", libraryShown = [];
  let draft = emptyDraft(), lastTouch = Date.now(), slide = 0, slideAt = Date.now(), watching = null, reading = null;

  function emptyDraft() {
    return { report_id: crypto.randomUUID(), location_code: null, risk_point: null, category: null, description: "",
      photos: [], employee_no: "", anonymous: false, urgent: false, library_item: null, library_category: null,
      library_title: null };
  }

  function emptyBehaviour() {
    return { kind: "behaviour", report_id: crypto.randomUUID(), location_code: null, description: "", minutes: null,
      behaviour_at: null, behaviour_person: "", employee_no: "" };
  }

  function t(key, fields = {}) {
    const text = (messages[lang] || {})[key] || messages.zh[key];
    return text.replace(/\{(\w+)\}/g, (_, name) => fields[name] ?? "");
  }

  async function api(method, path, body) {
    const options = { method, headers: {} };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(path, options);
    const value = await response.json();
    if (!response.ok) throw new Error(value.field ? `${value.field}: ${value.error}` : value.error);
    return value;
  }

  function show(name) {
    document.querySelectorAll(".screen").forEach((s) => { s.hidden = s.id !== `screen-${name}`; });
    if (name !== "result") watching = null;
  }

  function button(text, className, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = className;
    b.textContent = text;
    b.addEventListener("click", onClick);
    return b;
  }

  function translate() {
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    document.title = t("title");
    document.querySelectorAll("[data-t]").forEach((el) => label(el, t(el.dataset.t)));
    $("lang").textContent = t("lang_switch");
    $("description").placeholder = t("description_hint");
    $("mine-query").placeholder = t("mine_hint");
    renderStatus();
    renderForm();
    renderBehaviour();
    renderCarousel();
    document.dispatchEvent(new CustomEvent("kiosk:translated", { detail: { t, api, show, lang } }));  // rating.js
  }

  function renderStatus() {
    $("net").textContent = state.connected ? t("online") : t("offline");
    $("net").className = `net ${state.connected ? "on" : "off"}`;
    $("pending").textContent = state.pending ? t("pending_count", { n: state.pending }) : "";
    if (state.phone) withNumber($("phone"), "phone", state.phone);
    else $("phone").textContent = "";
  }

  // A text with the dispatch room's number, the number kept whole (0632- / 5851110 on two lines reads as two numbers).
  function withNumber(element, key, phone) {
    const [before, after = ""] = t(key, { phone: "\u0000" }).split("\u0000");
    element.replaceChildren(before, whole(phone), after);
  }

  // A text whose closing note in brackets is kept whole (举报不安全行为（三 / 违） read wrong); one span holds both, as
  // a flex button would lay out two children side by side.
  function label(element, text) {
    const note = /（[^（）]+）$/.exec(text);
    if (!note) {
      element.textContent = text;
      return;
    }
    const line = document.createElement("span");
    line.append(text.slice(0, note.index), whole(note[0]));
    element.replaceChildren(line);
  }

  function whole(text) {
    const span = document.createElement("span");
    span.className = "whole";
    span.textContent = text;
    return span;
  }

  function choiceButton(text, pressed, onClick) {
    const b = button(text, "choice", onClick);
    b.setAttribute("aria-pressed", String(pressed));
    return b;
  }

  function renderForm() {
    const locations = [{ code: null, name: t("this_station") }, ...state.locations];
    $("locations").replaceChildren(...locations.map((l) => choiceButton(l.name, draft.location_code === l.code,
      () => { draft.location_code = l.code; draft.risk_point = null; changed(); })));
    renderRiskPoints();
    $("categories").replaceChildren(...state.categories.map((c) => choiceButton(lang === "zh" ? c.zh : c.en,
      draft.category === c.code, () => { draft.category = c.code; changed(); })));
    renderUrgent();
    renderLibrary();
    const phrases = (messages.phrases || {})[draft.category] || [];
    $("phrases").replaceChildren(...phrases.map((p) => button(lang === "zh" ? p[0] : p[1], "phrase", () => {
      const text = lang === "zh" ? p[0] : p[1];
      draft.description = draft.description ? `${draft.description}，${text}` : text;
      $("description").value = draft.description;
      changed();
    })));
    if ($("description").value !== draft.description) $("description").value = draft.description;
    $("thumbs").replaceChildren(...draft.photos.map((data, index) => {
      const box = document.createElement("div");
      box.className = "thumb";
      const img = document.createElement("img");
      img.src = URL.createObjectURL(new Blob([base64Bytes(data)], { type: "image/jpeg" }));
      img.alt = "";
      box.append(img, button(t("remove"), "", () => { draft.photos.splice(index, 1); changed(); }));
      return box;
    }));
    $("photo-label").hidden = draft.photos.length >= MAX_PHOTOS;
    $("named").setAttribute("aria-pressed", String(!draft.anonymous));
    $("anonymous").setAttribute("aria-pressed", String(draft.anonymous));
    $("employee").hidden = $("keypad").hidden = draft.anonymous;
    if ($("employee").value !== draft.employee_no) $("employee").value = draft.employee_no;
  }

  function levelTag(level) {
    return element("span", t(`level_${level}`), `level level-${level}`);
  }

  function renderRiskPoints() {  // the risk points (风险点) of the chosen place, from the area boards (board/2)
    const place = draft.location_code || state.home_location;
    const points = (state.risk_points || []).filter((p) => place && p.locations.includes(place));
    $("risk-point-box").hidden = !points.length;
    const none = choiceButton(t("risk_point_none"), !draft.risk_point, () => { draft.risk_point = null; changed(); });
    $("risk-points").replaceChildren(...points.map((p) => {
      const b = choiceButton("", draft.risk_point === p.code, () => { draft.risk_point = p.code; changed(); });
      b.replaceChildren(levelTag(p.level), document.createTextNode(p.name));
      b.dataset.code = p.code;
      return b;
    }), none);
  }

  function renderUrgent() {  // a category may suggest urgent; only the worker decides
    const suggested = !draft.urgent && SUGGEST_URGENT.has(draft.category);
    $("urgent-yes").setAttribute("aria-pressed", String(draft.urgent));
    $("urgent-no").setAttribute("aria-pressed", String(!draft.urgent));
    $("urgent-yes").classList.toggle("suggested", suggested);
    $("urgent-note").textContent = t(suggested ? "urgent_hint" : "urgent_explain");
    $("urgent-note").classList.toggle("warn", suggested);
  }

  // The standard hazard library (隐患标准库): as the worker types, the nearest standard descriptions from the copy the
  // kiosk keeps on disk (so offline too); a tap puts the standard wording first, picks its category when none is
  // picked, and sends the item with the report.
  function askLibrary() {
    clearTimeout(libraryTimer);
    libraryTimer = setTimeout(async () => {
      const words = draft.description.trim().slice(0, 200), query = `${words}|${draft.category || ""}`;
      if (query === libraryAsked) return;
      libraryAsked = query;
      const found = words.length < 2 ? [] : await api("GET", `/api/library?text=${encodeURIComponent(words)}` +
        (draft.category ? `&category=${encodeURIComponent(draft.category)}` : "")).catch(() => []);
      if (libraryAsked === query) { libraryShown = found; renderLibrary(); }
    }, 300);
  }

  function useLibrary(item) {
    if (!draft.description.includes(item.title)) {
      draft.description = draft.description.trim() ? `${item.title}：${draft.description.trim()}` : item.title;
    }
    if (!draft.category) draft.category = item.category;
    [draft.library_item, draft.library_category, draft.library_title] = [item.id, item.category, item.title];
    changed();
  }

  function renderLibrary() {
    if (draft.library_item && draft.category && draft.library_category !== draft.category) {
      draft.library_item = draft.library_category = draft.library_title = null;  // another category: no longer a match
    }
    const shown = libraryShown.filter((item) => item.id !== draft.library_item);
    const chosen = draft.library_item ? [{ id: draft.library_item, title: draft.library_title }] : [];
    $("library-matches").replaceChildren(...chosen.map((item) => choiceButton(item.title, true, () => {
      draft.library_item = draft.library_category = draft.library_title = null;
      changed();
    })), ...shown.map((item) => {
      const b = choiceButton(item.title, false, () => useLibrary(item));
      b.dataset.item = item.id;
      return b;
    }));
    $("library-box").hidden = !chosen.length && !shown.length;
  }

  // The unsafe-behaviour report (人的不安全行为 / 三违): what, where, when, the person's name if known.
  function renderBehaviour() {
    $("behaviour-kinds").replaceChildren(...BEHAVIOUR_KINDS.map((key) => button(t(key), "phrase", () => {
      const kind = t(key);
      if (!behaviour.description.startsWith(kind)) {
        behaviour.description = behaviour.description ? `${kind}：${behaviour.description}` : `${kind}：`;
      }
      behaviourChanged();
    })));
    if ($("behaviour-what").value !== behaviour.description) $("behaviour-what").value = behaviour.description;
    const places = [{ code: null, name: t("this_station") }, ...state.locations];
    $("behaviour-places").replaceChildren(...places.map((l) => choiceButton(l.name, behaviour.location_code === l.code,
      () => { behaviour.location_code = l.code; behaviourChanged(); })));
    $("behaviour-times").replaceChildren(...BEHAVIOUR_TIMES.map((minutes) => choiceButton(t(`when_${minutes}`),
      behaviour.minutes === minutes, () => {
        behaviour.minutes = minutes;
        behaviour.behaviour_at = new Date(Date.now() - minutes * 60000).toISOString();
        behaviourChanged();
      })));
    $("behaviour-at").textContent = behaviour.behaviour_at ? t("behaviour_about", { time:
      new Date(behaviour.behaviour_at).toLocaleString(lang === "zh" ? "zh-CN" : "en-GB", { dateStyle: "medium", timeStyle: "short" }) }) : "";
    if ($("behaviour-person").value !== behaviour.behaviour_person) $("behaviour-person").value = behaviour.behaviour_person;
    if ($("behaviour-employee").value !== behaviour.employee_no) $("behaviour-employee").value = behaviour.employee_no;
    $("behaviour-person").placeholder = t("behaviour_person_hint");
    $("behaviour-employee").placeholder = t("behaviour_reporter_hint");
    $("behaviour-what").placeholder = t("behaviour_what_hint");
  }

  function behaviourChanged() {
    renderBehaviour();
    $("behaviour-error").textContent = "";
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => api("PUT", "/api/draft", behaviour).catch(() => {}), 300);
  }

  async function submitBehaviour() {
    if (!behaviour.description.trim()) { $("behaviour-error").textContent = t("need_what"); return; }
    if (!behaviour.behaviour_at) { $("behaviour-error").textContent = t("need_when"); return; }
    clearTimeout(saveTimer);
    $("behaviour-submit").disabled = true;
    $("behaviour-error").textContent = t("sending");
    const body = { report_id: behaviour.report_id, description: behaviour.description.trim(),
      location_code: behaviour.location_code, behaviour_at: behaviour.behaviour_at,
      behaviour_person: behaviour.behaviour_person.trim() || null, employee_no: behaviour.employee_no || null };
    try {
      const answer = await api("POST", "/api/reports", body);
      behaviour = emptyBehaviour();
      $("behaviour-error").textContent = "";
      showResult(answer);
    } catch (error) {
      $("behaviour-error").textContent = t("error", { error: error.message });
    } finally {
      $("behaviour-submit").disabled = false;
    }
  }

  function renderAwards(lines) {  // the public list of awards (奖励公示): a name only with the reporter's consent
    const day = (iso) => new Date(iso).toLocaleDateString(lang === "zh" ? "zh-CN" : "en-GB");
    const list = element("ul", "", "list awards");
    list.replaceChildren(...lines.slice(0, 6).map((a) => {
      const li = element("li", "");
      li.append(element("span", a.name || t("awards_no_name"), "award-name"),
        element("span", `${day(a.decided_at)}  ${a.location}  ${t(`awards_grade_${a.grade}`)}  ${t(`awards_type_${a.report_type}`)}`),
        element("strong", t("awards_amount", { amount: a.amount }), "award-amount"));
      return li;
    }));
    $("carousel").replaceChildren(element("p", t("awards_tag"), "awards-tag"), element("h1", t("awards_title")),
      element("p", t("awards_help"), "awards-help"), list);
  }

  function base64Bytes(data) {
    return Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  }

  let saveTimer = null;
  let photoWork = Promise.resolve();  // the photos being shrunk, in the order they were picked
  let photosWaiting = 0;
  function changed() {
    renderForm();
    askLibrary();
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => api("PUT", "/api/draft", draft).catch(() => {}), 300);
  }

  function keypad(target, input) {
    const keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", t("clear"), "0", "⌫"];
    target.replaceChildren(...keys.map((key, i) => button(key, "", () => {
      if (i === 9) input.value = "";
      else if (i === 11) input.value = input.value.slice(0, -1);
      else input.value += key;
      input.dispatchEvent(new Event("input"));
    })));
  }

  async function shrink(file) {
    const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    for (const quality of [0.85, 0.7, 0.5, 0.35]) {
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", quality));
      if (blob.size <= MAX_PHOTO_BYTES) {
        const bytes = new Uint8Array(await blob.arrayBuffer());
        let text = "";
        for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        return btoa(text);
      }
    }
    throw new Error("photo");
  }

  async function submit() {
    if (!draft.description.trim()) { $("report-error").textContent = t("need_description"); return; }
    $("submit").disabled = true;
    $("report-error").textContent = t("sending");
    await photoWork;  // a photo still shrinking goes with the report, not after it
    clearTimeout(saveTimer);  // a draft saved after the report was sent would come back after a reboot
    const body = { ...draft, employee_no: draft.anonymous ? null : draft.employee_no || null };
    try {
      const answer = await api("POST", "/api/reports", body);
      draft = emptyDraft();
      libraryShown = [];
      libraryAsked = "";
      $("report-error").textContent = "";
      showNotices(body.employee_no);
      showResult(answer);
    } catch (error) {
      $("report-error").textContent = t("error", { error: error.message });
    } finally {
      $("submit").disabled = false;
    }
  }

  async function showNotices(employee) {  // what became of this worker's earlier reports, now they identified
    $("result-notices").replaceChildren();
    $("result-notices-title").hidden = true;
    if (!employee) return;
    const found = await api("POST", "/api/mine", { employee_no: employee }).catch(() => ({ notices: [] }));
    const items = found.notices.map((n) => listItem([n.hazard_ref, n.title[lang] || n.title.zh, n.body[lang] || n.body.zh], t("notices")));
    $("result-notices").replaceChildren(...items);
    $("result-notices-title").hidden = !items.length;
  }

  async function showResult(answer) {
    show("result");
    watching = answer.report_id;
    renderResult(answer);
    while (watching === answer.report_id && answer.state === "pending") {  // the server holds it until the ack
      try {
        answer = await api("GET", `/api/reports/${answer.report_id}?wait=15`);
      } catch (error) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      if (watching === answer.report_id) renderResult(answer);
    }
  }

  function renderResult(answer) {
    const done = answer.state !== "pending";
    $("result-codes").hidden = !(done && answer.hazard_ref);
    $("result-ref").textContent = answer.hazard_ref || "";
    $("result-code").textContent = answer.tracking_code || "";
    if (!done) $("result-title").textContent = t("saved_offline");
    else if (answer.outcome === "rejected") $("result-title").textContent = t("rejected", { error: (answer.error || {}).message || "" });
    else $("result-title").textContent = t(answer.outcome === "duplicate" ? "duplicate" : "accepted");
    $("result-note").textContent = done && answer.tracking_code ? t("keep_code") : "";
    const alerted = done && answer.outcome !== "rejected";
    $("result-urgent").hidden = !answer.urgent;
    if (alerted || !state.phone) $("result-urgent").textContent = t(alerted ? "urgent_alerted" : "urgent_call_nophone");
    else withNumber($("result-urgent"), "urgent_call", state.phone);
    $("result-title").dataset.state = answer.state;
  }

  function stateText(report) {
    return t(report.state === "pending" ? "state_pending" : report.state === "rejected" ? "state_rejected" : "state_acked");
  }

  function listItem(parts, stateLabel) {
    const li = document.createElement("li");
    const label = document.createElement("span");
    label.className = "state";
    label.textContent = stateLabel;
    li.append(label, parts.filter(Boolean).join("  "));
    return li;
  }

  async function searchMine() {
    const query = $("mine-query").value.trim();
    const body = /^\d+$/.test(query) ? { employee_no: query } : { tracking_code: query };
    try {
      const found = await api("POST", "/api/mine", body);
      const items = found.reports.map((r) => listItem([r.hazard_ref, r.tracking_code, r.description], stateText(r)));
      items.push(...found.notices.map((n) => listItem([n.hazard_ref, n.title[lang] || n.title.zh, n.body[lang] || n.body.zh], t("notices"))));
      $("mine-list").replaceChildren(...(items.length ? items : [listItem([t("no_reports")], "")]));
    } catch (error) {
      $("mine-list").replaceChildren(listItem([t("error", { error: error.message })], ""));
    }
  }

  async function openPending() {
    try {
      const waiting = await api("POST", "/api/pending", { pin: $("pin").value });
      $("pin-error").textContent = "";
      const items = waiting.map((r) => listItem([new Date(r.created_at).toLocaleString(lang === "zh" ? "zh-CN" : "en-GB"), r.description,
        t("sent_times", { n: r.sent_count })], t("state_pending")));
      $("pending-list").replaceChildren(...(items.length ? items : [listItem([t("nothing_pending")], "")]));
    } catch (error) {
      $("pin-error").textContent = t("wrong_pin");
    }
  }

  function element(tag, text, className) {
    const el = document.createElement(tag);
    el.textContent = text;
    if (className) el.className = className;
    return el;
  }

  function renderBoard(board) {
    const local = (iso) => iso ? new Date(iso).toLocaleDateString(lang === "zh" ? "zh-CN" : "en-GB") : "—";
    const major = board.major.map((h) => element("li", [h.ref, h.location, h.description,
      t("board_owner", { owner: h.owner || "—" }), t("board_deadline", { deadline: local(h.deadline) })].join("  ")));
    const top = board.top_reporters.map((r) => element("li", `${r.name || t("board_tail", { tail: r.employee_no_tail })}  ${t("board_points", { points: r.points })}`));
    const parts = [element("h1", t("board", { area: board.area_name[lang] || board.area_name.zh })),
      element("p", t("board_counts", board)), element("h2", t("board_major"))];
    const majorList = element("ul", "", "list");
    majorList.replaceChildren(...(major.length ? major : [element("li", t("board_none"))]));
    parts.push(majorList);
    if ((board.risk_points || []).length) parts.push(element("h2", t("board_map")), riskMap(board.risk_points));
    if (top.length) {
      const topList = element("ul", "", "list");
      topList.replaceChildren(...top);
      parts.push(element("h2", t("board_top")), topList);
    }
    $("carousel").replaceChildren(...parts);
  }

  function riskMap(points) {  // the area's four-colour risk map (四色分布), a cell per risk point
    const map = element("div", "", "riskmap");
    map.replaceChildren(...points.map((p) => {
      const cell = element("div", "", `cell level-${p.level}${p.flagged ? " flagged" : ""}`);
      cell.append(element("strong", p.name), element("span", t(`level_${p.level}`)),
        element("span", p.flagged ? t("board_flagged") : t("board_point_hazards", { n: p.open_hazards })));
      return cell;
    }));
    return map;
  }

  function renderAlert(alert) {
    $("carousel").replaceChildren(element("p", t("alert"), "alert-tag"), element("h1", alert.title[lang] || alert.title.zh),
      element("p", alert.body[lang] || alert.body.zh, "alert-body"));
  }

  function renderFamily(message) {
    const parts = [element("p", t("family_tag"), "family-tag"), element("p", message.text, "family-text"),
      element("p", "—— " + message.signature, "family-signature")];
    if (message.photo) {
      const photo = document.createElement("img");
      photo.src = "data:image/jpeg;base64," + message.photo;
      photo.alt = "";
      photo.className = "family-photo";
      parts.splice(1, 0, photo);
    }
    $("carousel").replaceChildren(...parts);
  }

  function renderCarousel() {
    const items = [...(state.alerts || []).map((alert) => ({ alert })), ...(state.bulletins || []),
      ...(state.boards || []).map((board) => ({ board })),
      ...(state.family_messages || []).map((family) => ({ family })),
      ...((state.awards || []).length ? [{ awards: state.awards }] : [])];
    if (!items.length) {
      const title = document.createElement("h1");
      title.textContent = t("no_bulletins");
      $("carousel").replaceChildren(title);
      return;
    }
    const item = items[slide % items.length];
    if (item.board) { renderBoard(item.board); return; }
    if (item.alert) { renderAlert(item.alert); return; }
    if (item.family) { renderFamily(item.family); return; }
    if (item.awards) { renderAwards(item.awards); return; }
    const title = document.createElement("h1");
    title.textContent = item.title[lang] || item.title.zh;
    const body = document.createElement("p");
    body.textContent = item.body[lang] || item.body.zh;
    const read = button(t("read_it"), "big read", () => startRead(item));
    $("carousel").replaceChildren(title, body, read);
  }

  function startRead(item) {
    reading = item;
    $("read-title").textContent = item.title[lang] || item.title.zh;
    $("read-employee").value = "";
    $("read-note").textContent = "";
    show("read");
    $("read-employee").focus();
  }

  async function confirmRead() {
    const employee = $("read-employee").value.trim();
    if (!employee || !reading) return;
    try {
      await api("POST", "/api/read", { bulletin_id: reading.id, employee_no: employee });
      $("read-note").textContent = t("read_done");
      $("read-employee").value = "";
    } catch (error) {
      $("read-note").textContent = t("error", { error: error.message });
    }
  }

  async function refresh() {
    try {
      const shown = JSON.stringify([state.alerts, state.bulletins, state.boards, state.family_messages, state.awards]);
      const buttons = JSON.stringify(state.categories);
      state = await api("GET", "/api/state");
      renderStatus();
      if (JSON.stringify(state.categories) !== buttons) renderForm();  // the service published a new list
      if (JSON.stringify([state.alerts, state.bulletins, state.boards, state.family_messages, state.awards]) !== shown) {
        renderCarousel();
      }
      if (watching) renderResult(await api("GET", `/api/reports/${watching}`));
    } catch (error) {
      state.connected = false;
      renderStatus();
    }
  }

  function resetIdle() {
    draft = emptyDraft();
    behaviour = emptyBehaviour();
    libraryShown = [];
    libraryAsked = "";
    reading = null;
    ["mine-query", "pin", "read-employee", "employee", "behaviour-person", "behaviour-employee"].forEach((id) => { $(id).value = ""; });
    ["mine-list", "pending-list", "result-notices"].forEach((id) => $(id).replaceChildren());
    ["report-error", "pin-error", "behaviour-error"].forEach((id) => { $(id).textContent = ""; });
    api("DELETE", "/api/draft").catch(() => {});
    renderForm();
    renderBehaviour();
    show("home");
  }

  function wire() {
    $("lang").addEventListener("click", () => { lang = lang === "zh" ? "en" : "zh"; translate(); });
    $("go-report").addEventListener("click", () => { show("report"); renderForm(); });
    $("go-mine").addEventListener("click", () => show("mine"));
    $("go-attendant").addEventListener("click", () => show("attendant"));
    document.querySelectorAll(".go-home").forEach((b) => b.addEventListener("click", () => show("home")));
    $("again").addEventListener("click", () => { show("report"); renderForm(); });
    $("description").addEventListener("input", (e) => { draft.description = e.target.value; changed(); });
    $("go-behaviour").addEventListener("click", () => { show("behaviour"); renderBehaviour(); });
    $("behaviour-what").addEventListener("input", (e) => { behaviour.description = e.target.value; behaviourChanged(); });
    $("behaviour-person").addEventListener("input", (e) => { behaviour.behaviour_person = e.target.value; behaviourChanged(); });
    $("behaviour-employee").addEventListener("input", (e) => { behaviour.employee_no = e.target.value.replace(/\s/g, ""); behaviourChanged(); });
    $("behaviour-submit").addEventListener("click", submitBehaviour);
    keypad($("behaviour-keypad"), $("behaviour-employee"));
    $("employee").addEventListener("input", (e) => { draft.employee_no = e.target.value.replace(/\s/g, ""); changed(); });
    $("urgent-yes").addEventListener("click", () => { draft.urgent = true; changed(); });
    $("urgent-no").addEventListener("click", () => { draft.urgent = false; changed(); });
    $("named").addEventListener("click", () => { draft.anonymous = false; changed(); });
    $("anonymous").addEventListener("click", () => { draft.anonymous = true; draft.employee_no = ""; changed(); });
    $("photo").addEventListener("change", (e) => {
      // One pick at a time: a second pick while the first is still shrinking waits its turn, so the count holds.
      const files = [...e.target.files];
      e.target.value = "";
      photosWaiting += 1;
      $("photo-busy").hidden = false;
      photoWork = photoWork.then(async () => {
        for (const file of files) {
          if (draft.photos.length >= MAX_PHOTOS) break;
          try { draft.photos.push(await shrink(file)); } catch (error) { $("report-error").textContent = t("error", { error: file.name }); }
        }
        photosWaiting -= 1;
        $("photo-busy").hidden = photosWaiting === 0;
        changed();
      });
    });
    $("submit").addEventListener("click", submit);
    $("mine-search").addEventListener("click", searchMine);
    $("mine-query").addEventListener("keydown", (e) => { if (e.key === "Enter") searchMine(); });
    $("pin-open").addEventListener("click", openPending);
    $("read-ok").addEventListener("click", confirmRead);
    $("read-employee").addEventListener("keydown", (e) => { if (e.key === "Enter") confirmRead(); });
    keypad($("keypad"), $("employee"));
    keypad($("read-keypad"), $("read-employee"));
    document.addEventListener("keydown", (e) => {  // a card reader typing like a keyboard, nothing focused
      const typing = ["INPUT", "TEXTAREA"].includes(document.activeElement.tagName);
      if (!typing && !$("screen-report").hidden && /^\d$/.test(e.key)) {
        draft.anonymous = false;
        draft.employee_no += e.key;
        changed();
      }
    });
    ["pointerdown", "keydown", "input"].forEach((kind) => document.addEventListener(kind, () => { lastTouch = Date.now(); }, true));
  }

  async function start() {
    messages = await (await fetch("/static/messages.json")).json();
    wire();
    await refresh();
    const saved = await api("GET", "/api/draft").catch(() => ({}));
    if (saved.report_id && saved.kind === "behaviour") {
      behaviour = { ...emptyBehaviour(), ...saved };
      show("behaviour");
    } else if (saved.report_id) {
      draft = { ...emptyDraft(), ...saved };
      show("report");
    }
    translate();
    setInterval(refresh, 1000);
    setInterval(() => {
      const home = !$("screen-home").hidden;
      if (!home && Date.now() - lastTouch > (state.idle_seconds || 90) * 1000) resetIdle();
      if (home && Date.now() - slideAt > 8000) { slide += 1; slideAt = Date.now(); renderCarousel(); }
    }, 1000);
  }

  start();
})();
