// The queue refreshes itself: every few seconds it asks for the same list again and swaps it in.
(function () {
  var box = document.getElementById("queue");
  var seconds = box ? parseInt(box.dataset.poll, 10) : 0;
  if (!box || !seconds) return;
  function refresh() {
    var url = new URL(window.location.href);
    url.searchParams.set("partial", "1");
    fetch(url, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null && html !== box.innerHTML) box.innerHTML = html; })
      .catch(function () {})
      .then(function () { setTimeout(refresh, seconds * 1000); });
  }
  setTimeout(refresh, seconds * 1000);
})();
