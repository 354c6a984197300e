// Site-wide behaviour. No inline scripts anywhere, so a strict Content-Security-Policy holds.
"use strict";

// Warn before leaving a form with unsaved changes (forms marked data-warn-unsaved).
document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[data-warn-unsaved]")) {
    let dirty = false;
    form.addEventListener("input", () => { dirty = true; });
    form.addEventListener("change", () => { dirty = true; });
    form.addEventListener("submit", () => { dirty = false; });
    window.addEventListener("beforeunload", (event) => {
      if (dirty) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }
});

// Work that finishes in the background (sealing an approved audit's report, copying answers
// into a re-audit): the page marks it with data-reload-after="<ms>" and reloads itself until the
// work is done, so nobody has to press reload.
document.addEventListener("DOMContentLoaded", () => {
  const pending = document.querySelector("[data-reload-after]");
  if (pending) {
    const delay = Number(pending.dataset.reloadAfter) || 3000;
    window.setTimeout(() => window.location.reload(), delay);
  }
});
