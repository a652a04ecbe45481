// Live progress of a run: server-sent events from /api/v1/runs/ID/events. The page works
// without it; it only spares the reader a reload.
(function () {
  var el = document.getElementById("live");
  if (!el || !window.EventSource) return;
  var run = el.getAttribute("data-run");
  var source = new EventSource("/api/v1/runs/" + encodeURIComponent(run) + "/events");
  function show(data) {
    var d = JSON.parse(data);
    document.getElementById("state").textContent = d.state;
    if (d.progress) {
      document.getElementById("done").textContent = d.progress.done;
      document.getElementById("total").textContent = d.progress.total;
      var list = document.getElementById("finished");
      list.textContent = "";
      (d.progress.testcases || []).forEach(function (tc) {
        var li = document.createElement("li");
        var v = document.createElement("span");
        v.className = tc.verdict;
        v.textContent = tc.verdict;
        li.appendChild(document.createTextNode(tc.id + " "));
        li.appendChild(v);
        list.appendChild(li);
      });
    }
  }
  source.addEventListener("progress", function (e) { show(e.data); });
  source.addEventListener("end", function (e) {
    show(e.data);
    source.close();
    window.location.reload();
  });
})();
