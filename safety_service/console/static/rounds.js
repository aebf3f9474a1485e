// Inspection rounds on the phone: a round sent without network stays in this phone (localStorage)
// and is sent when the network is back; the service worker keeps these pages for a reload offline.
(function () {
  "use strict";
  var KEY = "safety-pending-rounds";
  var status = document.getElementById("round-status");

  function pending() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function keep(list) { localStorage.setItem(KEY, JSON.stringify(list)); }
  function say(key, count) {
    if (status) { status.textContent = status.dataset[key].replace("{count}", String(count)); status.hidden = false; }
  }

  // The page's own CSRF token replaces the queued one: a round kept across a new sign-in still goes.
  function send(entry) {
    var body = new URLSearchParams(entry.body);
    var current = document.querySelector("input[name=csrf_token]");
    if (current && current.value) { body.set("csrf_token", current.value); }
    return fetch(entry.action, {
      method: "POST", body: body.toString(), credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" }
    });
  }

  // Stored: the answer is the round's own page. Refused for good (422, 404): nothing to resend.
  // Anything else (signed out, a server error) keeps the round in the phone for the next try.
  function stored(response) {
    return response.ok && /^\/console\/rounds\/\d+$/.test(new URL(response.url).pathname);
  }
  function refused(response) { return response.status === 422 || response.status === 404; }

  function drop(id) { keep(pending().filter(function (e) { return e.id !== id; })); }

  function flush() {
    var list = pending();
    if (!list.length || !navigator.onLine) { return Promise.resolve(0); }
    var sent = 0;
    return list.reduce(function (chain, entry) {
      return chain.then(function () {
        return send(entry).then(function (response) {
          if (stored(response)) { drop(entry.id); sent += 1; } else if (refused(response)) { drop(entry.id); }
        }, function () { /* still offline */ });
      });
    }, Promise.resolve()).then(function () {
      if (sent) { say("sent", sent); }
      return sent;
    });
  }

  // A photo of a not-OK item is shrunk here to a JPEG and kept as text in the form, so a round saved
  // without network keeps its photos in the phone too.
  var MAX_SIDE = 1280;
  function shrink(file) {
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return canvas.toDataURL("image/jpeg", 0.8);
    });
  }
  document.querySelectorAll("form.round-form input[type=file][data-control]").forEach(function (input) {
    input.addEventListener("change", function () {
      var kept = input.form.elements["photo_" + input.dataset.control];
      if (!input.files.length) { kept.value = ""; return; }
      shrink(input.files[0]).then(function (data) { kept.value = data; }, function () { kept.value = ""; });
    });
  });
  function fields(form) {  // the form without its file inputs (their photos are in the hidden fields)
    var body = new URLSearchParams();
    new FormData(form).forEach(function (value, name) { if (typeof value === "string") { body.append(name, value); } });
    return body.toString();
  }

  document.querySelectorAll("form.round-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      form.elements.checked_at.value = new Date().toISOString();
      var entry = { id: form.elements.client_round_id.value, action: form.action, body: fields(form) };
      keep(pending().filter(function (e) { return e.id !== entry.id; }).concat([entry]));
      say("sending", 1);
      send(entry).then(function (response) {
        if (stored(response) || refused(response)) { drop(entry.id); }
        if (response.redirected) { window.location.assign(response.url); return; }
        return response.text().then(function (html) { document.open(); document.write(html); document.close(); });
      }, function () {
        form.querySelectorAll("input, textarea, button").forEach(function (el) { el.disabled = true; });
        form.classList.add("saved");
        say("saved", pending().length);
      });
    });
  });

  window.addEventListener("online", flush);
  flush();
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/console/rounds/sw.js", { scope: "/console/rounds/" }).catch(function () {});
  }
}());
