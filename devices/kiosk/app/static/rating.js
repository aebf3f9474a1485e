"use strict";
// The reporter's rating of a closed report made at this kiosk (满意/基本满意/不满意): a home button while any
// is waiting, and a screen with one big button per answer. It uses app.js's texts and API through the
// "kiosk:translated" event, sent once the texts are loaded and again on every language switch.
(() => {
  const $ = (id) => document.getElementById(id);
  const CHOICES = ["satisfied", "basic", "dissatisfied"];
  let kiosk = null, offered = [], answers = {};

  function words(rating) {
    const t = kiosk.t;
    return { satisfied: t("rate_satisfied"), basic: t("rate_basic"), dissatisfied: t("rate_dissatisfied") }[rating];
  }

  function text(value) {
    return (value && (value[kiosk.lang] || value.zh)) || "";
  }

  function element(tag, content, className) {
    const el = document.createElement(tag);
    el.textContent = content;
    if (className) el.className = className;
    return el;
  }

  function renderButton() {
    const waiting = offered.filter((item) => !answers[item.hazard_ref]).length;
    $("go-rate").hidden = !waiting;
    $("go-rate").textContent = kiosk.t("rate_go", { n: waiting });
  }

  function answerText(answer) {
    const fields = { rating: words(answer.rating), error: (answer.error || {}).message || "" };
    if (answer.state === "pending") return kiosk.t("rate_saved_offline", fields);
    if (answer.outcome === "rejected") return kiosk.t("rate_rejected", fields);
    return kiosk.t(answer.outcome === "duplicate" ? "rate_duplicate" : "rate_thanks", fields);
  }

  function card(item) {
    const li = element("li", "", "rate-card");
    li.dataset.ref = item.hazard_ref;
    const closed = new Date(item.closed_at).toLocaleDateString(kiosk.lang === "zh" ? "zh-CN" : "en-GB");
    li.append(element("p", `${item.hazard_ref}  ·  ${kiosk.t("rate_closed_on", { date: closed })}`, "rate-ref"));
    if (item.description) li.append(element("p", item.description, "rate-description"));
    li.append(element("p", text(item.body), "rate-note"));
    const answer = answers[item.hazard_ref];
    if (answer) {
      const kind = answer.state === "pending" ? "pending" : answer.outcome === "rejected" ? "error" : "";
      li.append(element("p", answerText(answer), `rate-answer ${kind}`));
      return li;
    }
    const row = element("div", "", "rate-choices");
    row.append(...CHOICES.map((rating) => {
      const b = element("button", words(rating), `rate-choice rate-${rating}`);
      b.type = "button";
      b.addEventListener("click", () => give(item, rating, row));
      return b;
    }));
    li.append(row);
    return li;
  }

  function render() {
    renderButton();
    const items = offered.filter((item) => !answers[item.hazard_ref]).concat(
      Object.values(answers).map((answer) => answer.item));
    $("rate-list").replaceChildren(...(items.length ? items.map(card) : [element("li", kiosk.t("rate_none"), "rate-card")]));
  }

  async function give(item, rating, row) {
    row.querySelectorAll("button").forEach((b) => { b.disabled = true; });
    try {
      let answer = await kiosk.api("POST", "/api/ratings", { hazard_ref: item.hazard_ref, rating });
      answers[item.hazard_ref] = { ...answer, item };
      render();
      if (answer.state === "pending") answer = await kiosk.api("GET", `/api/ratings/${answer.rating_id}?wait=5`);
      answers[item.hazard_ref] = { ...answer, item };
    } catch (error) {
      answers[item.hazard_ref] = { state: "done", outcome: "rejected", rating, error: { message: error.message }, item };
    }
    render();
  }

  async function refresh() {
    try {
      const found = await kiosk.api("GET", "/api/ratings");
      if (JSON.stringify(found) === JSON.stringify(offered)) return;
      offered = found;
    } catch (error) {
      return;
    }
    if ($("screen-rate").hidden) answers = {};  // what was answered stays on screen only while it is open
    render();
  }

  document.addEventListener("kiosk:translated", (event) => {
    const first = kiosk === null;
    kiosk = event.detail;
    render();
    if (!first) return;
    $("go-rate").addEventListener("click", () => { answers = {}; render(); kiosk.show("rate"); });
    refresh();
    setInterval(refresh, 2000);
  });
})();
