// The MemFs tree browser. The messages it exchanges with Python are listed in tree.py.
// No imports, no build step: base.py puts dom.js in front.

// 16x16 outline icons drawn in the text colour: they need no icon font and follow the theme.
const ICONS = {
  dir: "M1.5 3.5h4.5l1.5 1.5h7v7.5h-13z",
  open: "M1.5 12.5v-9h4.5l1.5 1.5h5.5v2 M1.5 12.5l2.2-5.5h11l-2.2 5.5z",
  file: "M3.5 1.5h6l3 3v10h-9z M9.5 1.5v3h3",
  symlink: "M3.5 1.5h6l3 3v10h-9z M9.5 1.5v3h3 M5.5 11.5l4-4 M6.5 7.5h3v3",
  deleted: "M4 4l8 8 M12 4l-8 8",
};
const CHANGE_WORDS = { created: "created", modified: "modified", moved: "moved", metadata: "metadata", deleted: "deleted" };

function icon(kind) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 16 16");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", `wn-icon wn-icon-${kind}`);
  const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("d", ICONS[kind]);
  svg.append(path);
  return svg;
}
const CHUNK = 2 << 20; // bytes per upload message, as base.CHUNK

const join = (dir, name) => (dir === "/" ? "/" : dir + "/") + name;
const parentOf = (path) => {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
};
const baseName = (path) => path.slice(path.lastIndexOf("/") + 1) || "/";
const within = (path, dir) => path === dir || path.startsWith(dir === "/" ? "/" : dir + "/");

function humanSize(n) {
  const units = ["B", "KiB", "MiB", "GiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i += 1;
  }
  return i === 0 ? `${n} B` : `${n.toFixed(1)} ${units[i]}`;
}

function hexdump(bytes, base) {
  const lines = [];
  for (let i = 0; i < bytes.length; i += 16) {
    const row = bytes.subarray(i, i + 16);
    let hex = "";
    let text = "";
    for (let j = 0; j < 16; j += 1) {
      if (j < row.length) {
        hex += row[j].toString(16).padStart(2, "0") + " ";
        text += row[j] >= 0x20 && row[j] < 0x7f ? String.fromCharCode(row[j]) : ".";
      } else {
        hex += "   ";
      }
      if (j === 7) hex += " ";
    }
    lines.push(`${(base + i).toString(16).padStart(8, "0")}  ${hex} ${text}`);
  }
  return lines.join("\n") + (lines.length ? "\n" : "");
}

function render({ model, el }) {
  const mine = new Map(); // request id -> request, for the requests this view sent
  const waiting = new Map(); // request id -> resolve(answer), for uploads
  const downloads = new Map(); // download id -> chunks received
  const nodes = new Map(); // path -> {path, entry, depth, row, group, children, next, more}
  const expanded = new Set();
  let active = null;
  let preview = null; // {path, before, id, kind, text, next, meta, editing}
  let focusWhenListed = null;
  let statusTimer = null;

  const send = (content, buffers, id = newId()) => {
    mine.set(id, content);
    if (mine.size > 1000) mine.delete(mine.keys().next().value); // forget the oldest
    model.send({ ...content, id }, undefined, buffers);
    return id;
  };

  // -- the frame -----------------------------------------------------------------------------
  const button = (label, onclick, title) => h("button", { type: "button", class: "wn-btn", title, onclick }, label);
  const buttons = {
    mkdir: button("New folder", () => newFolder(), "Make a folder in the selected folder"),
    upload: button("Upload…", () => fileInput.click(), "Upload files from your computer into the selected folder"),
    rename: button("Rename", () => rename(), "Rename the selected entry (F2)"),
    remove: button("Delete", () => remove(), "Delete the selected entry (Delete)"),
    download: button("Download", () => download(active, false), "Download the selected file, or a folder as .tar"),
    refresh: button("Refresh", () => send({ type: "refresh" }), "Read the tree again"),
  };
  const fileInput = h("input", { type: "file", multiple: true, hidden: true, tabindex: "-1", onchange: onFiles });
  const legend = h("span", { class: "wn-legend" });
  const bar = h("div", { class: "wn-bar", role: "toolbar", "aria-label": "File actions" },
    legend, h("span", { class: "wn-spacer" }), Object.values(buttons), fileInput);
  const prompt = h("form", { class: "wn-prompt", hidden: true });
  const list = h("div", { class: "wn-list", role: "tree", "aria-label": "MemFs files" });
  const pane = h("div", { class: "wn-preview", "aria-label": "Preview" });
  const status = h("div", { class: "wn-status", role: "status", "aria-live": "polite" });
  const root = h("div", { class: "wn-tree", "data-lm-suppress-shortcuts": "true" },
    bar, prompt, h("div", { class: "wn-body" }, list, pane), status);
  el.replaceChildren(root);

  function say(message, level = "info") {
    status.textContent = message || "";
    status.classList.toggle("wn-error", level === "error");
    clearTimeout(statusTimer);
    if (level !== "error" && message) statusTimer = setTimeout(() => (status.textContent = ""), 8000);
  }

  function drawLegend() {
    const counts = model.get("legend") || [];
    legend.replaceChildren(...counts.map(([kind, n]) =>
      h("span", { class: `wn-chip wn-${kind}` }, `${n} ${CHANGE_WORDS[kind] || kind}`)));
    if (!counts.length) legend.append(h("span", { class: "wn-dim" }, model.get("root")));
  }

  // -- rows ----------------------------------------------------------------------------------
  const expandable = (entry) => entry.kind === "dir" && (!entry.deleted || entry.inside);

  function fillRow(node) {
    const { entry, row, path } = node;
    const isRoot = node.depth === 1;
    const isOpen = expanded.has(path);
    row.className = "wn-row" + (entry.change ? ` wn-${entry.change}` : "") + (entry.deleted ? " wn-deleted" : "");
    const parts = [
      h("span", { class: "wn-twisty", "aria-hidden": "true" }, expandable(entry) ? (isOpen ? "▾" : "▸") : ""),
      icon(entry.deleted ? "deleted" : entry.kind === "dir" && isOpen ? "open" : entry.kind),
      h("span", { class: "wn-name" }, isRoot ? path : entry.name),
    ];
    const notes = [];
    if (entry.kind === "symlink") notes.push(`→ ${entry.target}${entry.dangling ? " (dangling)" : ""}`);
    if (entry.change === "moved" && entry.from) notes.push(`moved from ${entry.from}`);
    if (entry.change) parts.push(h("span", { class: `wn-badge wn-${entry.change}` }, CHANGE_WORDS[entry.change]));
    if (notes.length) parts.push(h("span", { class: "wn-note", title: notes.join("\n") }, notes.join("  ")));
    if (entry.inside && !entry.change) parts.push(h("span", { class: "wn-inside", title: "changes inside" }, "•"));
    const links = entry.kind !== "dir" && entry.nlink > 1 ? `${entry.nlink} links` : "";
    row.replaceChildren(
      h("span", { class: "wn-main" }, parts),
      h("span", { class: "wn-links", title: links ? "hard links to this file" : null }, links),
      h("span", { class: "wn-size" }, entry.size_text || ""),
      h("span", { class: "wn-mtime", title: "modified (UTC)" }, entry.mtime || ""),
    );
    const words = [isRoot ? path : entry.name, entry.deleted ? "deleted" : entry.kind === "dir" ? "folder" : entry.kind,
      entry.size_text, links, entry.change && !entry.deleted ? CHANGE_WORDS[entry.change] : "", notes.join(", ")];
    row.setAttribute("aria-label", words.filter(Boolean).join(", "));
    if (expandable(entry)) row.setAttribute("aria-expanded", String(isOpen));
    else row.removeAttribute("aria-expanded");
  }

  function makeNode(path, entry, depth) {
    const row = h("div", { role: "treeitem", tabindex: "-1", "aria-level": depth, "data-path": path });
    row.style.setProperty("--depth", String(depth - 1));
    const node = { path, entry, depth, row, group: null, children: [], next: null, more: null };
    nodes.set(path, node);
    fillRow(node);
    if (expanded.has(path) && expandable(entry)) {
      ensureGroup(node);
      send({ type: "list", path, cursor: null });
    }
    return node;
  }

  function ensureGroup(node) {
    if (!node.group) {
      node.group = h("div", { role: "group", class: "wn-group" }, h("div", { class: "wn-placeholder" }, "Loading…"));
      node.row.after(node.group);
    }
    return node.group;
  }

  function dropNode(node) {
    for (const child of node.children) {
      const sub = nodes.get(child);
      if (sub) dropNode(sub);
    }
    nodes.delete(node.path);
    node.row.remove();
    node.group?.remove();
    if (active === node) active = null;
  }

  function placeChildren(node) {
    const group = ensureGroup(node);
    const items = [];
    for (const path of node.children) {
      const child = nodes.get(path);
      items.push(child.row);
      if (child.group) items.push(child.group);
    }
    if (!node.children.length) items.push(h("div", { class: "wn-placeholder" }, "(empty)"));
    if (node.next) {
      node.more = h("button", { type: "button", class: "wn-btn wn-more", onclick: () => showMore(node) },
        `Show ${model.get("page_size")} more…`);
      node.more.style.setProperty("--depth", String(node.depth));
      items.push(node.more);
    }
    group.replaceChildren(...items);
    group.hidden = !expanded.has(node.path);
  }

  function applyListing(listing) {
    if (!listing || !listing.path) return;
    const node = nodes.get(listing.path);
    if (!node || !expanded.has(listing.path)) return;
    const fresh = [];
    const previous = new Set(listing.start ? node.children : []);
    for (const entry of listing.entries) {
      const path = join(listing.path, entry.name);
      let child = nodes.get(path);
      if (child && (child.entry.kind !== entry.kind || !!child.entry.deleted !== !!entry.deleted)) {
        dropNode(child);
        child = null;
      }
      if (child) {
        child.entry = entry;
        fillRow(child);
      } else {
        child = makeNode(path, entry, node.depth + 1);
      }
      previous.delete(path);
      fresh.push(path);
    }
    for (const gone of previous) {
      const child = nodes.get(gone);
      if (child) dropNode(child);
    }
    node.children = listing.start ? fresh : node.children.concat(fresh.filter((p) => !node.children.includes(p)));
    node.next = listing.next;
    placeChildren(node);
    if (!active || !nodes.has(active.path)) activate(node, false, false);
    if (focusWhenListed && nodes.has(focusWhenListed)) {
      activate(nodes.get(focusWhenListed), true, false);
      focusWhenListed = null;
    }
  }

  function showMore(node) {
    if (!node.next) return;
    node.more.disabled = true;
    node.more.textContent = "Loading…";
    send({ type: "list", path: node.path, cursor: node.next });
  }

  function toggle(node, open = !expanded.has(node.path)) {
    if (!expandable(node.entry) || open === expanded.has(node.path)) return;
    if (open) {
      expanded.add(node.path);
      ensureGroup(node).hidden = false;
      send({ type: "list", path: node.path, cursor: null });
    } else {
      expanded.delete(node.path);
      if (node.group) node.group.hidden = true;
      send({ type: "collapse", path: node.path });
    }
    fillRow(node);
  }

  // -- focus, selection, keys ----------------------------------------------------------------
  let selectTimer = null;
  function activate(node, focus = true, sync = true) {
    if (active && active !== node) {
      active.row.tabIndex = -1;
      active.row.removeAttribute("aria-selected");
    }
    active = node;
    node.row.tabIndex = 0;
    node.row.setAttribute("aria-selected", "true");
    if (focus) node.row.focus({ preventScroll: false });
    updateButtons();
    if (sync) {
      clearTimeout(selectTimer);
      selectTimer = setTimeout(() => {
        model.set("selected", node.path);
        model.save_changes();
      }, 150);
    }
  }

  function open(node) {
    if (expandable(node.entry) && node.entry.kind === "dir") toggle(node);
    else if (node.entry.kind !== "dir") showPreview(node.path, !!node.entry.deleted);
  }

  const visibleRows = () => [...list.querySelectorAll(".wn-row")].filter((row) => !row.closest("[hidden]"));
  const nodeOf = (row) => row && nodes.get(row.dataset.path);

  list.addEventListener("click", (event) => {
    const node = nodeOf(event.target.closest(".wn-row"));
    if (!node) return;
    activate(node);
    open(node);
  });

  list.addEventListener("keydown", (event) => {
    const node = nodeOf(event.target.closest(".wn-row"));
    if (!node) return;
    const rows = visibleRows();
    const at = rows.indexOf(node.row);
    const go = (i) => {
      const target = nodeOf(rows[Math.max(0, Math.min(rows.length - 1, i))]);
      if (target) activate(target);
    };
    switch (event.key) {
      case "ArrowDown": go(at + 1); break;
      case "ArrowUp": go(at - 1); break;
      case "Home": go(0); break;
      case "End": go(rows.length - 1); break;
      case "ArrowRight":
        if (expandable(node.entry) && !expanded.has(node.path)) toggle(node, true);
        else if (expanded.has(node.path) && node.children.length) activate(nodes.get(node.children[0]));
        break;
      case "ArrowLeft":
        if (expanded.has(node.path) && node.depth > 1) toggle(node, false);
        else if (nodes.has(parentOf(node.path)) && node.depth > 1) activate(nodes.get(parentOf(node.path)));
        break;
      case "Enter":
      case " ": open(node); break;
      case "F2": rename(); break;
      case "Delete": remove(); break;
      default: return;
    }
    event.preventDefault();
    event.stopPropagation();
  });

  function updateButtons() {
    const entry = active?.entry;
    const isRoot = !active || active.depth === 1;
    buttons.rename.disabled = isRoot || !!entry?.deleted;
    buttons.remove.disabled = isRoot || !!entry?.deleted;
    buttons.download.disabled = !active || (entry?.deleted && entry.kind !== "file");
    const dir = targetDir();
    buttons.mkdir.title = `Make a folder in ${dir}`;
    buttons.upload.title = `Upload files from your computer into ${dir}`;
  }

  function targetDir() {
    if (!active) return model.get("root");
    if (active.entry.kind === "dir" && !active.entry.deleted) return active.path;
    return parentOf(active.path);
  }

  // -- the prompt bar (names and confirmations) ----------------------------------------------
  // One question at a time: a label, an optional text field, OK and Cancel. A new question
  // cancels the one before.
  let cancelAsk = null;
  function ask({ label, value = null, ok, danger = false, onOk, onCancel = () => {} }) {
    cancelAsk?.();
    const input = value === null ? null : h("input", { type: "text", class: "wn-input", value, "aria-label": label, spellcheck: "false" });
    const close = () => {
      cancelAsk = null;
      prompt.hidden = true;
      prompt.replaceChildren();
      prompt.onsubmit = null;
      if (active) active.row.focus();
    };
    const cancel = () => {
      close();
      onCancel();
    };
    cancelAsk = () => {
      cancelAsk = null;
      onCancel();
    };
    prompt.onsubmit = (event) => {
      event.preventDefault();
      const answer = input ? input.value.trim() : true;
      if (input && !answer) return;
      close();
      onOk(answer);
    };
    prompt.onkeydown = (event) => {
      event.stopPropagation();
      if (event.key === "Escape") {
        event.preventDefault();
        cancel();
      }
    };
    prompt.replaceChildren(
      h("span", { class: "wn-prompt-label" }, label), input || "",
      h("button", { type: "submit", class: "wn-btn" + (danger ? " wn-danger" : " wn-primary") }, ok),
      h("button", { type: "button", class: "wn-btn", onclick: cancel }, "Cancel"));
    prompt.hidden = false;
    if (input) {
      input.focus();
      const dot = value.lastIndexOf(".");
      input.setSelectionRange(0, dot > 0 ? dot : value.length);
    } else {
      prompt.querySelector("button").focus();
    }
  }

  function newFolder() {
    const dir = targetDir();
    ask({ label: `New folder in ${dir}:`, value: "", ok: "Create", onOk: (name) => {
      if (nodes.has(dir)) toggle(nodes.get(dir), true);
      send({ type: "mkdir", dir, name });
    } });
  }

  function rename() {
    if (!active || buttons.rename.disabled) return;
    const { path } = active;
    ask({ label: `Rename ${path} to:`, value: baseName(path), ok: "Rename",
      onOk: (name) => send({ type: "rename", path, name }) });
  }

  function remove() {
    if (!active || buttons.remove.disabled) return;
    const { path, entry } = active;
    const what = entry.kind === "dir" ? `the folder ${path} and everything in it` : path;
    ask({ label: `Delete ${what}? This cannot be undone.`, ok: "Delete", danger: true,
      onOk: () => send({ type: "delete", path }) });
  }

  function download(node, before) {
    if (!node) return;
    send({ type: "download", path: node.path, before: before || !!node.entry.deleted });
    say(`preparing ${baseName(node.path)}…`);
  }

  async function onFiles() {
    const files = [...fileInput.files];
    fileInput.value = "";
    const dir = targetDir();
    if (nodes.has(dir)) toggle(nodes.get(dir), true);
    for (const file of files) await upload(file, dir, false);
  }

  async function upload(file, dir, overwrite) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const id = newId();
    let offset = 0;
    for (;;) {
      const chunk = bytes.slice(offset, offset + CHUNK);
      const final = offset + chunk.length >= bytes.length;
      const answer = await new Promise((resolve) => {
        waiting.set(id, resolve);
        send({ type: "upload", upload: id, dir, name: file.name, offset, final, overwrite }, [chunk.buffer], id);
      });
      waiting.delete(id);
      if (answer.type === "exists") {
        const replace = await new Promise((resolve) => ask({
          label: `${answer.path} exists. Replace it?`, ok: "Replace", danger: true,
          onOk: () => resolve(true), onCancel: () => resolve(false),
        }));
        if (replace) return upload(file, dir, true);
        say(`kept the existing ${answer.path}`);
        return;
      }
      if (answer.type !== "ack") return; // done or an error, both already shown
      offset += chunk.length;
      say(`uploading ${file.name}: ${Math.round((100 * offset) / Math.max(bytes.length, 1))}%`);
    }
  }

  // -- preview -------------------------------------------------------------------------------
  function showPreview(path, before) {
    const id = send({ type: "preview", path, offset: 0, before });
    preview = { path, before, id, kind: null, text: "", next: null, meta: null, editing: false };
    pane.replaceChildren(h("div", { class: "wn-placeholder" }, `Loading ${path}…`));
  }

  function previewMore() {
    if (!preview?.next) return;
    preview.id = send({ type: "preview", path: preview.path, offset: preview.next, before: preview.before, mode: preview.kind });
  }

  function receivePreview(msg, buffers) {
    const bytes = bytesOf(buffers?.[0]);
    if (msg.offset === 0) {
      preview.kind = msg.kind;
      preview.meta = msg;
      preview.text = "";
    }
    if (msg.kind === "text") preview.text += new TextDecoder().decode(bytes);
    else if (msg.kind === "binary") preview.text += hexdump(bytes, msg.offset);
    preview.next = msg.next;
    preview.loaded = msg.next ?? msg.size;
    drawPreview();
  }

  function drawPreview() {
    if (!preview) {
      pane.replaceChildren(h("div", { class: "wn-placeholder" }, "Select a file to see what it holds."));
      return;
    }
    const { meta, path, before } = preview;
    const node = nodes.get(path);
    const change = node?.entry.change;
    const actions = [];
    if (change === "modified") {
      actions.push(h("button", { type: "button", class: "wn-btn", "aria-pressed": String(before),
        onclick: () => showPreview(path, !before), title: "Switch between the content before the run and now" },
      before ? "Show now" : "Show before"));
    }
    if (preview.kind === "text" && meta.writable && preview.next === null && !preview.editing) {
      actions.push(button("Edit", () => { preview.editing = true; drawPreview(); }, "Edit this text file"));
    }
    if (meta.kind === "text" || meta.kind === "binary") {
      actions.push(button("Download", () => send({ type: "download", path, before }), "Download this file"));
    }
    actions.push(button("Close", () => { preview = null; drawPreview(); }, "Close the preview"));
    const facts = [meta.size_text, meta.mtime && `modified ${meta.mtime} UTC`, before && "before the run"];
    const head = h("div", { class: "wn-phead" },
      h("div", { class: "wn-ptitle" }, h("strong", {}, path), h("span", { class: "wn-dim" }, facts.filter(Boolean).join(" · "))),
      h("div", { class: "wn-pactions" }, actions));
    let body;
    if (meta.kind === "symlink") body = h("pre", { class: "wn-pbody" }, `symbolic link → ${meta.target}`);
    else if (meta.kind === "dir") body = h("pre", { class: "wn-pbody" }, "a folder");
    else if (preview.editing) {
      const area = h("textarea", { class: "wn-editor", spellcheck: "false", "aria-label": `Content of ${path}` });
      area.value = preview.text;
      const save = () => send({ type: "save", path }, [new TextEncoder().encode(area.value).buffer]);
      area.addEventListener("keydown", (event) => {
        event.stopPropagation();
        if ((event.ctrlKey || event.metaKey) && event.key === "s") {
          event.preventDefault();
          save();
        }
      });
      body = h("div", { class: "wn-edit" }, area, h("div", { class: "wn-pactions" },
        h("button", { type: "button", class: "wn-btn wn-primary", onclick: save }, "Save"),
        button("Cancel", () => { preview.editing = false; drawPreview(); }, "Discard the edits"),
        h("span", { class: "wn-dim" }, "Ctrl+S saves")));
      setTimeout(() => area.focus(), 0);
    } else {
      body = h("pre", { class: "wn-pbody" + (meta.kind === "binary" ? " wn-hex" : ""), tabindex: "0" },
        preview.text || (meta.size === 0 ? "(empty file)" : ""));
    }
    const parts = [head, body];
    if (preview.next !== null && !preview.editing) {
      parts.push(h("div", { class: "wn-pfoot" },
        h("span", { class: "wn-dim" }, `showing ${humanSize(preview.loaded)} of ${meta.size_text}`),
        button(`Show the next ${humanSize(model.get("preview_bytes"))}`, previewMore, "Load more of this file")));
    }
    pane.replaceChildren(...parts);
  }

  // -- answers from Python -------------------------------------------------------------------
  function afterDone(msg, request) {
    const path = msg.path;
    if (msg.action === "delete" && preview && within(preview.path, path)) {
      preview = null;
      drawPreview();
    }
    if (msg.action === "rename" && preview && within(preview.path, request.path)) {
      showPreview(path + preview.path.slice(request.path.length), false);
    }
    if (msg.action === "save" && preview?.path === path) {
      showPreview(path, false);
    }
    if (path && ["mkdir", "upload", "rename"].includes(msg.action)) {
      if (nodes.has(path)) activate(nodes.get(path));
      else focusWhenListed = path;
    }
    if (msg.action === "delete" && nodes.has(parentOf(path))) activate(nodes.get(parentOf(path)));
  }

  function onMessage(msg, buffers) {
    const ours = msg.id !== undefined && mine.has(msg.id);
    if (ours && waiting.has(msg.id) && ["ack", "exists", "done", "status"].includes(msg.type)) {
      waiting.get(msg.id)(msg);
    }
    switch (msg.type) {
      case "listing":
        applyListing(msg);
        break;
      case "preview":
        if (preview && msg.id === preview.id) receivePreview(msg, buffers);
        break;
      case "download": {
        if (!ours) break;
        const parts = downloads.get(msg.download) || [];
        parts.push(bytesOf(buffers?.[0]).slice());
        downloads.set(msg.download, parts);
        if (msg.final) {
          downloads.delete(msg.download);
          saveBlob(msg.name, parts, msg.mime);
          say(`downloaded ${msg.name} (${humanSize(msg.size)})`);
        } else {
          say(`downloading ${msg.name}: ${Math.round((100 * (msg.offset + CHUNK)) / msg.size)}%`);
        }
        break;
      }
      case "done":
        if (!ours) break;
        say(msg.message);
        afterDone(msg, mine.get(msg.id));
        break;
      case "status":
        if (msg.id === undefined || ours) say(msg.message, msg.level);
        if (ours && preview && msg.id === preview.id) {
          pane.replaceChildren(h("div", { class: "wn-placeholder wn-error" }, msg.message));
        }
        break;
      default:
        break;
    }
  }

  // -- start ---------------------------------------------------------------------------------
  const rootPath = model.get("root");
  const rootNode = makeNode(rootPath, { name: rootPath, kind: "dir" }, 1);
  list.append(rootNode.row);
  expanded.add(rootPath);
  ensureGroup(rootNode);
  fillRow(rootNode);
  activate(rootNode, false, false);
  applyListing(model.get("_root_listing"));
  drawLegend();
  drawPreview();

  const onRootListing = () => applyListing(model.get("_root_listing"));
  model.on("change:_root_listing", onRootListing);
  model.on("change:legend", drawLegend);
  model.on("msg:custom", onMessage);
  return () => {
    model.off("change:_root_listing", onRootListing);
    model.off("change:legend", drawLegend);
    model.off("msg:custom", onMessage);
    clearTimeout(statusTimer);
    clearTimeout(selectTimer);
  };
}

export default { render };
