// The coverage grid: preview1's functions by group, or a component's by interface (each by its
// short name, the full one in the tooltip and in `data-name`). Everything it shows comes in traits
// (see coverage.py); a click sets `selected_function`. No imports, no build step: base.py puts
// dom.js in front.

const STATUS_CLASS = {
  "not imported": "wn-st-none",
  imported: "wn-st-imported",
  called: "wn-st-called",
  "called with errors": "wn-st-errors",
};
const STATUS_HINT = {
  "not imported": "not imported by the guest",
  imported: "imported, never called",
  called: "called",
  "called with errors": "called, some calls failed",
};

const plural = (n, word) => `${n.toLocaleString()} ${word}${n === 1 ? "" : "s"}`;
const counted = (pairs) => pairs.map(([label, n]) => `${label}×${n}`).join(", ");

// The tooltip: the full name (a component's cell shows its short name), how it went, every
// outcome ("answered ok×3, closed×1": a normal end is named there, never among the errors).
function describe(cell) {
  const parts = [`${cell.name}: ${STATUS_HINT[cell.status]}`];
  if (cell.calls) parts.push(plural(cell.calls, "call"));
  if (cell.answers?.length) parts.push(`answered ${counted(cell.answers)}`);
  if (cell.errors.length) parts.push(`errors ${counted(cell.errors)}`);
  return parts.join("; ");
}

function render({ model, el }) {
  const root = h("div", { class: "wn-coverage", "data-lm-suppress-shortcuts": "true" });
  el.replaceChildren(root);
  let cells = new Map(); // function name -> button

  function draw() {
    const selected = model.get("selected_function");
    const counts = model.get("counts") || {};
    const legend = h("div", { class: "wn-cov-legend" },
      Object.keys(STATUS_CLASS).map((status) => h("span", { class: `wn-cov-key ${STATUS_CLASS[status]}` },
        h("span", { class: "wn-cov-swatch", "aria-hidden": "true" }), `${status} ${counts[status] ?? 0}`)));
    const head = h("div", { class: "wn-cov-head" },
      h("strong", {}, `${model.get("interface")}: ${model.get("summary")}`), legend);
    cells = new Map();
    const groups = (model.get("groups") || []).map((group) => {
      const called = group.functions.filter((f) => f.calls).length;
      const buttons = group.functions.map((cell) => {
        const label = [h("span", { class: "wn-cov-name" }, cell.label || cell.name)];
        if (cell.calls) label.push(h("span", { class: "wn-cov-count" }, cell.calls.toLocaleString()));
        if (cell.errors.length) label.push(h("span", { class: "wn-cov-bang", "aria-hidden": "true" }, "!"));
        const button = h("button", {
          type: "button", class: `wn-cov-cell ${STATUS_CLASS[cell.status]}`, title: describe(cell),
          "aria-label": describe(cell), "aria-pressed": String(cell.name === selected), tabindex: "-1",
          "data-name": cell.name,
        }, label);
        cells.set(cell.name, button);
        return button;
      });
      return h("section", { class: "wn-cov-group", "aria-label": group.name },
        h("div", { class: "wn-cov-gname" }, group.name,
          h("span", { class: "wn-cov-dim", title: `${called} of ${group.functions.length} called` }, ` ${called}/${group.functions.length}`)),
        h("div", { class: "wn-cov-cells", role: "group", "aria-label": `${group.name} functions` }, buttons));
    });
    const focusable = cells.get(selected) || cells.values().next().value;
    if (focusable) focusable.tabIndex = 0;
    root.replaceChildren(head, h("div", { class: "wn-cov-grid" }, groups), details(selected));
  }

  function details(selected) {
    const box = h("div", { class: "wn-cov-details", role: "status", "aria-live": "polite" });
    const cell = (model.get("groups") || []).flatMap((g) => g.functions).find((f) => f.name === selected);
    if (!cell) {
      box.append(h("span", { class: "wn-cov-dim" }, "Click a function to see its errors and filter the trace to its calls."));
      return box;
    }
    box.append(h("strong", {}, cell.name.replace("#", " ")), ` — ${STATUS_HINT[cell.status]}`);
    if (cell.calls) box.append(`, ${plural(cell.calls, "call")}`);
    if (cell.answers?.length) box.append(", answered ", h("span", { class: "wn-cov-answers" }, counted(cell.answers)));
    if (cell.errors.length) {
      box.append(", failed with ", h("span", { class: "wn-cov-errors" }, counted(cell.errors)));
    }
    box.append(" ", h("button", { type: "button", class: "wn-cov-clear", onclick: () => choose("") }, "Clear"));
    return box;
  }

  function choose(name) {
    model.set("selected_function", name);
    model.save_changes();
  }

  root.addEventListener("click", (event) => {
    const button = event.target.closest(".wn-cov-cell");
    if (!button) return;
    const name = button.dataset.name;
    choose(model.get("selected_function") === name ? "" : name);
  });

  root.addEventListener("keydown", (event) => {
    const button = event.target.closest(".wn-cov-cell");
    if (!button) return;
    const all = [...cells.values()];
    const at = all.indexOf(button);
    const moves = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1, Home: -at, End: all.length - 1 - at };
    if (!(event.key in moves)) return;
    event.preventDefault();
    event.stopPropagation();
    const next = all[Math.max(0, Math.min(all.length - 1, at + moves[event.key]))];
    button.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  });

  const redraw = () => {
    const focused = root.contains(document.activeElement) ? document.activeElement.dataset?.name : null;
    draw();
    if (focused && cells.has(focused)) {
      for (const b of cells.values()) b.tabIndex = -1;
      cells.get(focused).tabIndex = 0;
      cells.get(focused).focus();
    }
  };
  draw();
  const events = "change:groups change:summary change:counts change:selected_function change:interface";
  model.on(events, redraw);
  return () => model.off(events, redraw);
}

export default { render };
