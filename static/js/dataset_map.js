// Mapping page of a predictions file: show only the fieldsets the chosen task uses (without JS,
// "Choose task" re-renders the page for it), and refresh
// the warnings, the positive-label choices and the "Get the SQL" query from the server
// (data-mapping-check: the same code that renders them without JavaScript).
"use strict";
(function () {
  const form = document.querySelector("[data-mapping-check]");
  if (!form) {
    return;
  }
  const url = form.getAttribute("data-mapping-check");
  const warnings = form.querySelector("[data-mapping-warnings]");
  const sql = document.querySelector("[data-sql]");
  const sqlProblem = document.querySelector("[data-sql-problem]");
  // Removed, not hidden: Enter in a field must submit with the run button, not "Choose task".
  document.querySelectorAll("[data-no-js]").forEach(function (element) {
    element.remove();
  });

  function chosenTask() {
    const checked = form.querySelector("input[name=task]:checked");
    return checked ? checked.value : form.getAttribute("data-task");
  }

  function showTask() {
    // The stylesheet hides the fieldsets whose data-tasks do not name the form's data-task.
    form.setAttribute("data-task", chosenTask());
  }

  function showWarnings(list) {
    warnings.textContent = "";
    if (!list.length) {
      return;
    }
    const box = document.createElement("div");
    box.className = "alert alert-warning small";
    box.setAttribute("role", "status");
    const title = document.createElement("strong");
    title.textContent = "Before you run:";
    const items = document.createElement("ul");
    items.className = "mb-0";
    list.forEach(function (text) {
      const item = document.createElement("li");
      item.textContent = text;
      items.appendChild(item);
    });
    box.appendChild(title);
    box.appendChild(items);
    warnings.appendChild(box);
  }

  function option(value, label, selected) {
    const element = document.createElement("option");
    element.value = value;
    element.textContent = label;
    element.selected = value === selected;
    return element;
  }

  function showPosLabels(choices) {
    const select = form.querySelector("select[name=pos_label]");
    if (!select) {
      return;
    }
    const selected = select.value;
    select.textContent = "";
    choices.forEach(function (choice) {
      if (Array.isArray(choice[1])) {
        const group = document.createElement("optgroup");
        group.label = choice[0];
        choice[1].forEach(function (inner) {
          group.appendChild(option(inner[0], inner[1], selected));
        });
        select.appendChild(group);
      } else {
        select.appendChild(option(choice[0], choice[1], selected));
      }
    });
  }

  function refresh() {
    const data = new FormData(form);
    data.delete("csrfmiddlewaretoken");
    const query = new URLSearchParams(data).toString();
    fetch(url + "?" + query, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (payload) {
        showWarnings(payload.warnings || []);
        showPosLabels(payload.pos_label_choices || []);
        if (sql) {
          sql.textContent = payload.sql || "";
        }
        if (sqlProblem) {
          sqlProblem.textContent = payload.sql_problem || "";
        }
      })
      .catch(function () {
        // The page still works: the server checks everything when the form is sent.
      });
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "task") {
      showTask();
    }
    refresh();
  });
  document.querySelectorAll("#id_sql_table, #id_sql_dialect").forEach(function (element) {
    element.addEventListener("change", refresh);
  });
  showTask();
})();
