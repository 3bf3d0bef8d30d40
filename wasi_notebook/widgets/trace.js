// The trace table. Python sends one page of rows in the `rows` trait; the filters and the page
// number are traits this view sets. No imports, no build step: base.py puts dom.js in front.

const fmt = (n) => Number(n).toLocaleString();

function render({ model, el }) {
  const mine = new Set(); // ids of the exports this view asked for
  const downloads = new Map();
  let focusedSeq = null;
  const opened = new Set(); // seqs whose arguments are shown in full

  const set = (changes) => {
    for (const [key, value] of Object.entries(changes)) model.set(key, value);
    model.save_changes();
    busy(true);
  };

  // -- controls ------------------------------------------------------------------------------
  const fnSelect = h("select", { class: "wn-tr-input", "aria-label": "Function",
    onchange: () => set({ function: fnSelect.value }) });
  const errnoSelect = h("select", { class: "wn-tr-input", "aria-label": "Errno",
    onchange: () => set({ errno: errnoSelect.value }) });
  let pathTimer = null;
  const pathInput = h("input", { type: "search", class: "wn-tr-input wn-tr-path", placeholder: "path glob, e.g. *.txt",
    "aria-label": "Path glob", spellcheck: "false" });
  const commitPath = () => {
    clearTimeout(pathTimer);
    if (pathInput.value !== model.get("path")) set({ path: pathInput.value });
  };
  pathInput.addEventListener("input", () => {
    clearTimeout(pathTimer);
    pathTimer = setTimeout(commitPath, 400);
  });
  pathInput.addEventListener("keydown", (event) => {
    event.stopPropagation();
    if (event.key === "Enter") commitPath();
  });
  const failedBox = h("input", { type: "checkbox", onchange: () => set({ failed_only: failedBox.checked }) });
  const clearButton = h("button", { type: "button", class: "wn-tr-btn",
    onclick: () => { pathInput.value = ""; set({ function: "", errno: "", path: "", failed_only: false }); } }, "Clear filters");
  const exportButton = (format, label) => h("button", { type: "button", class: "wn-tr-btn",
    title: `Download the ${format === "txt" ? "strace-like text" : "JSON Lines"} of the calls (the filtered ones when a filter is on)`,
    onclick: () => {
      commitPath();
      const id = newId();
      mine.add(id);
      const filters = Object.fromEntries(["function", "errno", "path", "failed_only"].map((k) => [k, model.get(k)]));
      model.send({ type: "export", format, filtered: true, filters, id });
      say("preparing the download…");
    } }, label);

  const filters = h("div", { class: "wn-tr-bar", role: "search", "aria-label": "Trace filters" },
    h("label", {}, "function ", fnSelect), h("label", {}, "errno ", errnoSelect), pathInput,
    h("label", { class: "wn-tr-check" }, failedBox, " failed only"), clearButton,
    h("span", { class: "wn-tr-spacer" }), h("span", { class: "wn-tr-export" },
      h("span", { class: "wn-tr-label" }, "export"), exportButton("txt", ".txt"), exportButton("jsonl", ".jsonl")));

  const info = h("span", { class: "wn-tr-info", "aria-live": "polite" });
  const pageButton = (label, title, target) => h("button", { type: "button", class: "wn-tr-btn", title, "aria-label": title,
    onclick: () => set({ page: target() }) }, label);
  const pages = () => Math.max(1, Math.ceil(model.get("matched") / model.get("page_size")));
  const pager = {
    first: pageButton("«", "First page", () => 0),
    prev: pageButton("‹", "Previous page", () => Math.max(0, model.get("page") - 1)),
    next: pageButton("›", "Next page", () => Math.min(pages() - 1, model.get("page") + 1)),
    last: pageButton("»", "Last page", () => pages() - 1),
  };
  const pageLabel = h("span", { class: "wn-tr-page" });
  const nav = h("div", { class: "wn-tr-nav" }, info, h("span", { class: "wn-tr-spacer" }),
    pager.first, pager.prev, pageLabel, pager.next, pager.last);

  const head = h("thead", {}, h("tr", {}, ["#", "function", "arguments", "result", "errno", "µs"].map(
    (title, i) => h("th", { scope: "col", class: i === 0 || i === 5 ? "wn-tr-num" : null }, title))));
  const body = h("tbody");
  const table = h("table", { class: "wn-tr-table", "aria-label": "Calls" }, head, body);
  const scroller = h("div", { class: "wn-tr-scroll" }, table);
  const status = h("div", { class: "wn-tr-status", role: "status", "aria-live": "polite" });
  const root = h("div", { class: "wn-trace", "data-lm-suppress-shortcuts": "true" }, filters, nav, scroller, status);
  el.replaceChildren(root);

  let statusTimer = null;
  function say(message, level = "info") {
    status.textContent = message;
    status.classList.toggle("wn-tr-error", level === "error");
    clearTimeout(statusTimer);
    if (level !== "error") statusTimer = setTimeout(() => (status.textContent = model.get("error") || ""), 6000);
  }
  // From a change made here until Python answers with new rows (or for 5 s, if the rows it
  // sends are the ones shown and so change nothing).
  let busyTimer = null;
  function busy(on) {
    root.classList.toggle("wn-tr-busy", on);
    root.setAttribute("aria-busy", String(on));
    clearTimeout(busyTimer);
    if (on) busyTimer = setTimeout(() => busy(false), 5000);
  }

  // -- drawing -------------------------------------------------------------------------------
  function options(select, values, current, allLabel) {
    const list = values.includes(current) || !current ? values : [current, ...values];
    select.replaceChildren(h("option", { value: "" }, allLabel), ...list.map((v) => h("option", { value: v }, v)));
    select.value = current;
  }

  // A component's functions: one group per interface, each function by its short name (as the
  // rows show it), the full name as the value and the tooltip.
  function functionOptions(select, values, labels, current) {
    if (!Object.keys(labels).length) return options(select, values, current, "all");
    const groups = new Map();
    for (const name of values) {
      const interfaceName = name.slice(0, name.lastIndexOf("#"));
      if (!groups.has(interfaceName)) groups.set(interfaceName, []);
      groups.get(interfaceName).push(h("option", { value: name, title: name }, labels[name] || name));
    }
    const extra = current && !values.includes(current) ? [h("option", { value: current }, current)] : [];
    select.replaceChildren(h("option", { value: "" }, "all"), ...extra,
      ...[...groups].map(([label, items]) => h("optgroup", { label }, items)));
    select.value = current;
    select.title = current;
  }

  function drawControls() {
    functionOptions(fnSelect, model.get("functions"), model.get("labels") || {}, model.get("function"));
    options(errnoSelect, model.get("errnos"), model.get("errno"), "any"); // the success label first
    if (document.activeElement !== pathInput) pathInput.value = model.get("path");
    failedBox.checked = model.get("failed_only");
    const filtered = model.get("function") || model.get("errno") || model.get("path") || model.get("failed_only");
    clearButton.disabled = !filtered;
  }

  function drawInfo() {
    const matched = model.get("matched");
    const total = model.get("total");
    const size = model.get("page_size");
    const page = model.get("page");
    const first = matched ? page * size + 1 : 0;
    const last = Math.min(matched, (page + 1) * size);
    const filtered = matched !== total || model.get("function") || model.get("errno") || model.get("path") || model.get("failed_only");
    let text = matched ? `calls ${fmt(first)}–${fmt(last)} of ${fmt(matched)}` : "no calls";
    if (filtered) text += ` matching (${fmt(total)} in all)`;
    if (model.get("dropped")) text += `; ${fmt(model.get("dropped"))} more past the record limit (counted, not kept)`;
    info.textContent = text;
    pageLabel.textContent = `page ${fmt(page + 1)} of ${fmt(pages())}`;
    pager.first.disabled = pager.prev.disabled = page <= 0;
    pager.next.disabled = pager.last.disabled = page >= pages() - 1;
  }

  function drawRows() {
    const rows = model.get("rows");
    const items = rows.map((row) => {
      const args = row.args.map(([name, value], i) => [i ? ", " : "", h("span", { class: "wn-tr-arg" }, `${name}=`), value]);
      const tr = h("tr", {
        class: [row.failed ? "wn-tr-failed" : "", row.injected ? "wn-tr-injected" : "", opened.has(row.seq) ? "wn-tr-open" : ""].join(" ").trim() || null,
        tabindex: "-1", "data-seq": row.seq, "aria-expanded": String(opened.has(row.seq)),
      },
      h("td", { class: "wn-tr-num" }, String(row.seq)),
      h("td", { class: "wn-tr-fn", title: row.name || null }, row.function),
      h("td", { class: "wn-tr-args" }, args),
      h("td", { class: "wn-tr-result" }, row.result),
      h("td", { class: "wn-tr-errno" + (row.end ? " wn-tr-end" : ""),
        title: row.errno_text || (row.end ? "the normal end (of a stream): no failure" : null) }, row.errno, row.injected ? h("span", { class: "wn-tr-tag" }, " injected") : ""),
      h("td", { class: "wn-tr-num" }, row.us.toLocaleString(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 })));
      return tr;
    });
    if (!items.length) {
      const why = model.get("error") || (model.get("total") ? "No call matches these filters." : "The trace is empty.");
      items.push(h("tr", {}, h("td", { colspan: "6", class: "wn-tr-empty" }, why)));
    }
    body.replaceChildren(...items);
    const focusRow = body.querySelector(`tr[data-seq="${focusedSeq}"]`) || body.querySelector("tr[data-seq]");
    if (focusRow) focusRow.tabIndex = 0;
  }

  // One update from Python changes several traits at once: draw once for all of them.
  let scheduled = false;
  function draw() {
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      drawControls();
      drawInfo();
      drawRows();
      if (model.get("error")) say(model.get("error"), "error");
    });
  }
  const answered = () => busy(false);

  // -- rows: click and keys ------------------------------------------------------------------
  function toggleRow(tr) {
    const seq = Number(tr.dataset.seq);
    if (opened.has(seq)) opened.delete(seq);
    else opened.add(seq);
    tr.classList.toggle("wn-tr-open", opened.has(seq));
    tr.setAttribute("aria-expanded", String(opened.has(seq)));
  }
  function focusRow(tr) {
    if (!tr || !tr.dataset.seq) return;
    for (const other of body.querySelectorAll("tr[tabindex='0']")) other.tabIndex = -1;
    tr.tabIndex = 0;
    tr.focus();
    focusedSeq = tr.dataset.seq;
  }
  body.addEventListener("click", (event) => {
    const tr = event.target.closest("tr[data-seq]");
    if (!tr || window.getSelection()?.toString()) return; // let people select text
    focusRow(tr);
    toggleRow(tr);
  });
  body.addEventListener("keydown", (event) => {
    const tr = event.target.closest("tr[data-seq]");
    if (!tr) return;
    const moves = { ArrowDown: tr.nextElementSibling, ArrowUp: tr.previousElementSibling,
      Home: body.firstElementChild, End: body.lastElementChild };
    if (event.key in moves) focusRow(moves[event.key]);
    else if (event.key === "Enter" || event.key === " ") toggleRow(tr);
    else if (event.key === "PageDown" && !pager.next.disabled) pager.next.click();
    else if (event.key === "PageUp" && !pager.prev.disabled) pager.prev.click();
    else return;
    event.preventDefault();
    event.stopPropagation();
  });

  // -- downloads -----------------------------------------------------------------------------
  function onMessage(msg, buffers) {
    if (!mine.has(msg.id)) return;
    if (msg.type === "status") say(msg.message, msg.level);
    if (msg.type !== "download") return;
    const parts = downloads.get(msg.download) || [];
    parts.push(bytesOf(buffers?.[0]).slice());
    downloads.set(msg.download, parts);
    if (msg.final) {
      downloads.delete(msg.download);
      saveBlob(msg.name, parts, msg.mime);
      say(`downloaded ${msg.name}`);
    }
  }

  draw();
  const events = "change:rows change:matched change:total change:functions change:labels change:errnos change:function change:errno change:path change:failed_only change:page change:error change:dropped";
  const answers = "change:rows change:matched change:error";
  model.on(events, draw);
  model.on(answers, answered);
  model.on("msg:custom", onMessage);
  return () => {
    model.off(events, draw);
    model.off(answers, answered);
    clearTimeout(busyTimer);
    model.off("msg:custom", onMessage);
    clearTimeout(pathTimer);
    clearTimeout(statusTimer);
  };
}

export default { render };
