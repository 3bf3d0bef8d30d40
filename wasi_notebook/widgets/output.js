// A guest's output as it comes. While the guest runs, Python sends the new text in "append"
// messages; when the run ends, the whole text arrives in the `chunks` trait. No imports: base.py
// puts dom.js in front.

// Kept with the model rather than a view, from the moment the model exists: a view drawn after
// the first messages still shows them. The appended pieces go into the array the `chunks` trait
// holds; a new value of the trait (at the end of the run) replaces them all.
function initialize({ model }) {
  const onAppend = (msg) => {
    if (msg?.type !== "append") return;
    const chunks = model.get("chunks");
    if (msg.seq !== (chunks.wnNext ?? 0)) chunks.wnGap = true;
    chunks.wnNext = msg.seq + 1;
    chunks.push(...msg.chunks);
  };
  model.on("msg:custom", onAppend);
  return () => model.off("msg:custom", onAppend);
}

function render({ model, el }) {
  const pre = h("pre", { class: "wn-out-text", tabindex: "0", "aria-label": "Guest output" });
  const foot = h("div", { class: "wn-out-foot", role: "status", "aria-live": "polite" });
  const root = h("div", { class: "wn-output" }, pre, foot);
  el.replaceChildren(root);
  let drawn = 0;
  let drawnFrom = null; // the array drawn from: a new one means start again

  function draw() {
    const chunks = model.get("chunks") || [];
    if (chunks !== drawnFrom) {
      pre.replaceChildren();
      drawn = 0;
      drawnFrom = chunks;
    }
    const follow = pre.scrollHeight - pre.scrollTop - pre.clientHeight < 24;
    for (; drawn < chunks.length; drawn += 1) {
      const [stream, text] = chunks[drawn];
      const last = pre.lastElementChild;
      if (last && last.dataset.stream === stream) last.append(text);
      else pre.append(h("span", { class: `wn-out-${stream}`, "data-stream": stream }, text));
    }
    if (follow) pre.scrollTop = pre.scrollHeight;
    const notes = [];
    if (model.get("running")) notes.push("running…");
    if (chunks.wnGap && model.get("running")) notes.push("(the first lines show when the run ends)");
    if (model.get("cut")) notes.push(`${Number(model.get("cut")).toLocaleString()} more characters not shown`);
    foot.textContent = notes.join("  ");
    root.classList.toggle("wn-out-empty", !chunks.length);
  }

  const onMessage = (msg) => msg?.type === "append" && draw();
  draw();
  model.on("msg:custom", onMessage);
  model.on("change:chunks change:running change:cut", draw);
  return () => {
    model.off("msg:custom", onMessage);
    model.off("change:chunks change:running change:cut", draw);
  };
}

export default { initialize, render };
