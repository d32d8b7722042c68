// Drag and drop with per-file progress: each file is its own POST /api/documents, then its job is polled.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form) { return; }
  var zone = document.getElementById("dropzone");
  var input = document.getElementById("files");
  var list = document.getElementById("upload-progress");
  var csrf = form.getAttribute("data-csrf");
  // the words to show, in the page's language, rendered by the server (upload.html, data-labels)
  var labels = { status: {}, error: {}, other: {} };
  try { labels = JSON.parse(list.getAttribute("data-labels") || "{}"); } catch (e) { /* keep the codes */ }

  function show(ui, job) {
    ui.status.setAttribute("data-status", job.status);  // the code, for scripts; the words, for people
    ui.status.textContent = statusText(job);
  }

  function statusText(job) {
    var words = (labels.status && labels.status[job.status]) || job.status;
    if (job.error) { words += " — " + ((labels.error && labels.error[job.error]) || job.error); }
    return words;
  }

  function row(name) {
    var li = document.createElement("li");
    var label = document.createElement("span");
    label.textContent = name;  // text only: a file name is never markup
    var bar = document.createElement("progress");
    bar.max = 100; bar.value = 0;
    bar.setAttribute("aria-label", name);  // the progress bar says which file it is for
    var status = document.createElement("span");
    status.className = "upload-status";
    li.appendChild(label); li.appendChild(document.createTextNode(" "));
    li.appendChild(bar); li.appendChild(document.createTextNode(" "));
    li.appendChild(status);
    list.appendChild(li);
    return { bar: bar, status: status };
  }

  function poll(jobId, ui) {
    fetch("/api/jobs/" + jobId, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        show(ui, job);
        if (job.status === "queued" || job.status === "extracting" || job.status === "indexing") {
          setTimeout(function () { poll(jobId, ui); }, 1500);
        }
      })
      .catch(function () { ui.status.textContent = (labels.other && labels.other.network_error) || "network error"; });
  }

  function send(file) {
    var ui = row(file.name);
    var data = new FormData();
    data.append("files", file, file.name);
    ["kind", "countries", "doc_type", "ocr_languages", "title", "source", "published", "url"].forEach(function (name) {
      var field = form.elements[name];
      if (field && field.value) { data.append(name, field.value); }
    });
    if (form.elements.nlp && form.elements.nlp.checked) { data.append("nlp", "false"); }
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/documents");
    xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.upload.onprogress = function (e) { if (e.lengthComputable) { ui.bar.value = 100 * e.loaded / e.total; } };
    xhr.onload = function () {
      ui.bar.value = 100;
      if (xhr.status === 202) {
        var job = JSON.parse(xhr.responseText).jobs[0];
        show(ui, job);
        poll(job.id, ui);
      } else {
        var err = {};
        try { err = JSON.parse(xhr.responseText).error || {}; } catch (e) { err = {}; }
        ui.status.textContent = (err.message || ("HTTP " + xhr.status));
      }
    };
    xhr.onerror = function () { ui.status.textContent = (labels.other && labels.other.network_error) || "network error"; };
    xhr.send(data);
  }

  function sendAll(files) { for (var i = 0; i < files.length; i++) { send(files[i]); } }

  form.addEventListener("submit", function (e) { e.preventDefault(); sendAll(input.files); input.value = ""; });
  zone.addEventListener("dragover", function (e) { e.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", function () { zone.classList.remove("over"); });
  zone.addEventListener("drop", function (e) { e.preventDefault(); zone.classList.remove("over"); sendAll(e.dataTransfer.files); });
})();
