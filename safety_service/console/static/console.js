// The queue refreshes itself: every few seconds it asks for the same list again and swaps it in.
// Rows that arrived since the officer last looked stay highlighted until clicked or marked seen (kept in
// the browser per queue); the tabs show their counts; a new major hazard raises a banner and the title.
(function () {
  var box = document.getElementById("queue");
  if (!box) return;
  var seconds = parseInt(box.dataset.poll, 10) || 0;
  var key = "console-seen:" + box.dataset.queue;
  var title = document.title;
  var stored = null;
  try { stored = JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { stored = null; }
  var first = !Array.isArray(stored);
  var seen = new Set(first ? [] : stored);

  function save() {
    try { window.localStorage.setItem(key, JSON.stringify(Array.from(seen).slice(-1000))); } catch (e) {}
  }
  function rows() { return Array.prototype.slice.call(box.querySelectorAll("tr[data-ref]")); }
  function show(id, on) { var el = document.getElementById(id); if (el) el.hidden = !on; }

  function counts() {
    var found = document.getElementById("tab-counts");
    if (!found) return;
    Object.keys(found.dataset).forEach(function (name) {
      var tab = document.getElementById("count-" + name);
      if (tab) tab.textContent = found.dataset[name];
    });
  }

  function mark() {
    if (first) { rows().forEach(function (r) { seen.add(r.dataset.ref); }); first = false; save(); }
    var fresh = rows().filter(function (r) { return !seen.has(r.dataset.ref); });
    rows().forEach(function (r) { r.classList.toggle("fresh", !seen.has(r.dataset.ref)); });
    var alarms = fresh.filter(function (r) { return r.dataset.alarm; }).map(function (r) { return r.dataset.alarm; });
    var alarm = document.getElementById("alarm");
    if (alarm) {
      document.getElementById("alarm-text").textContent = alarm.dataset.text.replace("{items}", alarms.join("、"));
      alarm.hidden = alarms.length === 0;
    }
    show("fresh-note", fresh.length > 0);
    document.title = (alarms.length ? "‼ " : "") + (fresh.length ? "(" + fresh.length + ") " : "") + title;
    counts();
  }

  function seeAll() { rows().forEach(function (r) { seen.add(r.dataset.ref); }); save(); mark(); }
  box.addEventListener("click", function (event) {
    var row = event.target.closest("tr[data-ref]");
    if (row) { seen.add(row.dataset.ref); save(); mark(); }
  });
  ["seen-all", "alarm-seen"].forEach(function (id) {
    var button = document.getElementById(id);
    if (button) button.addEventListener("click", seeAll);
  });

  function refresh() {
    var url = new URL(window.location.href);
    url.searchParams.set("partial", "1");
    fetch(url, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null && html !== box.innerHTML) { box.innerHTML = html; mark(); } })
      .catch(function () {})
      .then(function () { setTimeout(refresh, seconds * 1000); });
  }
  mark();
  if (seconds) setTimeout(refresh, seconds * 1000);
})();
// The filters are folded on a phone; a wider screen opens them (the summary line is hidden there).
(function () {
  var fold = document.getElementById("filter-fold");
  if (fold && window.matchMedia("(min-width: 701px)").matches) fold.open = true;
})();
