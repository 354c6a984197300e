// Fairness run page: poll the run's progress endpoint every second and move the bar; reload when done.
// The endpoint's URL is in the section's data-run-progress attribute (no inline script).
"use strict";
(function () {
  const section = document.querySelector("[data-run-progress]");
  if (!section || !window.fetch) {
    return;
  }
  const url = section.getAttribute("data-run-progress");
  const bar = section.querySelector("[data-progress-bar]");
  const fill = bar ? bar.querySelector(".progress-bar") : null;
  const label = section.querySelector("[data-progress-label]");
  let delay = 1000;

  function show(data) {
    const percent = Math.round(100 * (data.progress || 0));
    if (bar && fill) {
      bar.setAttribute("aria-valuenow", String(percent));
      fill.style.width = percent + "%";
    }
    if (label && data.label) {
      label.textContent = data.label;
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (data.done) {
          window.location.assign(data.url || window.location.href);
          return;
        }
        delay = 1000;
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        // A network hiccup or a restart: keep trying, less often, and say so.
        if (label) {
          label.textContent = "Lost contact with the server; trying again…";
        }
        delay = Math.min(delay * 2, 15000);
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
})();
