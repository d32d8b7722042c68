// Document viewer: walk the query's occurrences, show an original page, cite the selected passage.
// Without JavaScript the page still works: "first occurrence" and page links are plain links, the
// passage box of the citing form is filled by hand.
(function () {
  "use strict";
  var text = document.getElementById("doc-text");
  if (!text) { return; }

  // ---- occurrences: previous / next, the current one outlined and announced -------------------------
  var hits = Array.prototype.slice.call(text.querySelectorAll("mark.hit"));
  var bar = document.getElementById("hitbar");
  var prev = document.getElementById("hit-prev");
  var next = document.getElementById("hit-next");
  var pos = document.getElementById("hit-pos");
  var current = -1;
  function show(i) {
    if (!hits.length) { return; }
    if (current >= 0) { hits[current].classList.remove("current"); }
    current = (i + hits.length) % hits.length;
    var el = hits[current];
    el.classList.add("current");
    el.scrollIntoView({ block: "center" });
    el.focus({ preventScroll: true });
    if (pos && bar) {
      pos.textContent = bar.getAttribute("data-position")
        .replace("{i}", String(current + 1)).replace("{n}", String(hits.length));
    }
  }
  if (hits.length && prev && next) {
    prev.hidden = false;
    next.hidden = false;
    prev.addEventListener("click", function () { show(current - 1); });
    next.addEventListener("click", function () { show(current + 1); });
    var first = document.getElementById("hit-first");
    if (first) {
      first.addEventListener("click", function (e) { e.preventDefault(); show(0); });
    }
  }

  // ---- the rendered original page, under its marker ---------------------------------------------------
  text.addEventListener("click", function (e) {
    var link = e.target.closest ? e.target.closest("a.page-link") : null;
    if (!link) { return; }
    e.preventDefault();
    var marker = link.parentNode;
    var shown = marker.querySelector("img.page-image");
    if (shown) { shown.remove(); return; }
    var img = document.createElement("img");
    img.className = "page-image";
    img.alt = link.getAttribute("data-alt") || "";
    img.src = link.getAttribute("href");
    marker.appendChild(document.createElement("br"));
    marker.appendChild(img);
  });

  // ---- cite the selection -----------------------------------------------------------------------------
  var quote = document.getElementById("cite-quote");
  var citeButton = document.getElementById("cite-selection");
  if (!quote || !citeButton) { return; }
  citeButton.hidden = false;
  var lastSelection = "";
  function selectedText() {
    var sel = window.getSelection();
    if (!sel || sel.isCollapsed || !sel.rangeCount) { return ""; }
    var range = sel.getRangeAt(0);
    if (!text.contains(range.commonAncestorContainer)) { return ""; }
    var copy = range.cloneContents();
    Array.prototype.forEach.call(copy.querySelectorAll(".page-marker, #passage"), function (n) { n.remove(); });
    var div = document.createElement("div");
    div.appendChild(copy);
    return div.textContent.replace(/\s+/g, " ").trim();
  }
  var float = document.createElement("button");
  float.type = "button";
  float.className = "cite-float";
  float.textContent = citeButton.textContent;
  float.hidden = true;
  document.body.appendChild(float);
  function cite() {
    var chosen = selectedText() || lastSelection;
    if (!chosen) {
      quote.setCustomValidity(citeButton.getAttribute("data-empty") || "");
      quote.reportValidity();
      quote.setCustomValidity("");
      return;
    }
    quote.value = chosen.slice(0, 5000);
    float.hidden = true;
    quote.scrollIntoView({ block: "center" });
    quote.focus();
  }
  document.addEventListener("selectionchange", function () {
    var chosen = selectedText();
    if (chosen) { lastSelection = chosen; }
  });
  text.addEventListener("mouseup", function () {
    var sel = window.getSelection();
    if (!selectedText() || !sel.rangeCount) { float.hidden = true; return; }
    var rect = sel.getRangeAt(0).getBoundingClientRect();
    float.style.top = (window.scrollY + rect.bottom + 6) + "px";
    float.style.left = (window.scrollX + rect.left) + "px";
    float.hidden = false;
  });
  float.addEventListener("mousedown", function (e) { e.preventDefault(); });  // keep the selection
  float.addEventListener("click", cite);
  citeButton.addEventListener("mousedown", function (e) { e.preventDefault(); });
  citeButton.addEventListener("click", cite);
})();
