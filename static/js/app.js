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
