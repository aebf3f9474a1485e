// A form marked data-once is sent once: its button is disabled as it is submitted (a photo uploading slowly
// underground invites a second tap).
document.querySelectorAll("form[data-once]").forEach(function (form) {
  form.addEventListener("submit", function () { form.querySelector("button").disabled = true; });
});
// Gas, fire, water and roof reports suggest the urgent choice (紧急/立即危险): the hint shows, the reporter decides.
document.querySelectorAll("input[name=category]").forEach(function (input) {
  input.addEventListener("change", function () {
    var hint = document.getElementById("urgent-hint");
    if (hint) { hint.hidden = !input.hasAttribute("data-urgent"); }
  });
});
// As the reporter types, the nearest standard descriptions (隐患标准库) are offered; a tap puts the standard
// wording before what was typed, picks its category when none is picked and sends the item's id (library_item),
// which is forgotten when the wording leaves the text or another category is picked. Without script the form
// works alike, without an item.
(function () {
  var text = document.getElementById("description"), box = document.getElementById("library");
  var chosen = document.getElementById("library_item");
  if (!text || !box || !chosen || !window.fetch) { return; }
  var list = document.getElementById("library-items"), timer = null, asked = "", item = null;
  function category() {
    var picked = document.querySelector("input[name=category]:checked");
    return picked ? picked.value : "";
  }
  function still() {
    if (item && (text.value.indexOf(item.title) < 0 || (category() && category() !== item.category))) {
      item = null; chosen.value = "";
    }
  }
  function use(picked) {
    if (text.value.indexOf(picked.title) < 0) { text.value = picked.title + (text.value ? "：" + text.value : ""); }
    var radio = document.querySelector("input[name=category][value='" + picked.category + "']");
    item = picked; chosen.value = String(picked.id);
    if (radio && !category()) { radio.checked = true; radio.dispatchEvent(new Event("change")); }
    asked = text.value.trim().slice(0, 200) + "|" + category();  // the wording chosen needs no new offer
    box.hidden = true;
  }
  function show(items) {
    list.textContent = "";
    items.forEach(function (item) {
      var pick = document.createElement("button");
      pick.type = "button"; pick.className = "pick"; pick.textContent = item.title;
      pick.addEventListener("click", function () { use(item); });
      list.appendChild(pick);
    });
    box.hidden = items.length === 0;
  }
  function ask() {
    var words = text.value.trim().slice(0, 200), query = words + "|" + category();
    if (words.length < 2 || query === asked) { if (words.length < 2) { show([]); } return; }
    asked = query;
    var url = "/api/v1/hazard-library/matches?limit=4&text=" + encodeURIComponent(words) +
      (category() ? "&category=" + encodeURIComponent(category()) : "");
    fetch(url, {credentials: "omit"}).then(function (answer) { return answer.ok ? answer.json() : []; })
      .then(function (items) { if (asked === query) { show(items); } }, function () { show([]); });
  }
  function soon() { still(); clearTimeout(timer); timer = setTimeout(ask, 300); }
  text.addEventListener("input", soon);
  document.querySelectorAll("input[name=category]").forEach(function (input) { input.addEventListener("change", soon); });
})();
