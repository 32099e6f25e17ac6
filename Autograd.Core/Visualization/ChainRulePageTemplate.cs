namespace Autograd.Visualization;

/// <summary>
/// The page <see cref="ChainRulePage"/> fills in: {{TITLE}} and {{DATA}} (the graph, its layout and the steps as
/// JSON). Everything is inline and nothing is fetched, so the page works from a file with no network; the script only
/// ever sets text, never HTML, so names and numbers cannot inject markup.
/// </summary>
internal static class ChainRulePageTemplate
{
    public const string Html = """
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{{TITLE}} · chain rule, step by step</title>
<style>
:root { --ink: #1d2330; --muted: #667085; --line: #b8c0cc; --node: #ffffff; --known: #f3f6fb; --hot: #e8590c; --grad: #c2255c; --fwd: #1c7ed6; }
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #fafbfc; }
body { display: grid; grid-template-rows: auto minmax(0, 1fr) auto; grid-template-columns: minmax(0, 1fr); overflow: hidden; }
header { min-width: 0; display: flex; flex-wrap: wrap; align-items: center; gap: 8px 18px; padding: 10px 16px; border-bottom: 1px solid #e3e7ee; background: #fff; }
header h1 { flex: 1 1 20em; min-width: 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; font-size: 17px; margin: 0; font-weight: 600; font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.controls { display: flex; align-items: center; gap: 6px; margin-left: auto; }
button { font: inherit; font-size: 14px; padding: 4px 12px; border: 1px solid #c9d0da; border-radius: 6px; background: #fff; cursor: pointer; }
button:hover { background: #eef2f7; }
button:focus-visible { outline: 2px solid var(--fwd); outline-offset: 1px; }
#counter { min-width: 8.5em; text-align: right; color: var(--muted); font-variant-numeric: tabular-nums; }
main { display: grid; grid-template-columns: minmax(0, 1fr) 440px; min-height: 0; }
#graph-pane { position: relative; min-height: 0; overflow: hidden; background: #fff; border-right: 1px solid #e3e7ee; }
#graph { width: 100%; height: 100%; display: block; cursor: grab; user-select: none; }
#graph.dragging { cursor: grabbing; }
.zoom { position: absolute; right: 10px; bottom: 10px; display: flex; gap: 4px; }
.zoom button { padding: 2px 10px; }
.node rect { fill: var(--node); stroke: var(--line); stroke-width: 1.2; rx: 7; }
.node.known rect { fill: var(--known); }
.node.constant rect { stroke-dasharray: 4 3; }
.node.input rect { stroke: #7f8ea3; }
.node.output rect { stroke: #5c6b80; stroke-width: 2; }
.node.current rect { stroke: var(--hot); stroke-width: 3; fill: #fff4e6; }
.node text { font: 12px ui-monospace, "DejaVu Sans Mono", monospace; fill: var(--ink); }
.node .label { font-weight: 700; }
.node .value { fill: var(--fwd); }
.node .grad { fill: var(--grad); }
.edge { fill: none; stroke: var(--line); stroke-width: 1.4; marker-end: url(#arrow); }
.edge.back { stroke: #f1a7bf; }
.edge.active { stroke: var(--hot); stroke-width: 3.4; marker-end: url(#arrow-hot); }
aside { display: flex; flex-direction: column; min-height: 0; overflow: auto; padding: 14px 18px; background: #fafbfc; }
#phase { text-transform: uppercase; letter-spacing: .06em; font-size: 12px; font-weight: 700; color: var(--fwd); }
#phase.backward { color: var(--grad); }
#phase.done { color: #2b8a3e; }
#step-title { font-size: 19px; margin: 2px 0 10px; font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
#step-lines { margin: 0; display: grid; grid-template-columns: auto 1fr; gap: 6px 12px; }
#step-lines dt { color: var(--muted); font-size: 13px; padding-top: 2px; white-space: nowrap; }
#step-lines dd { margin: 0; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 14px; white-space: pre-wrap; overflow-wrap: anywhere; }
#step-lines dd.product, #step-lines dd.sum, #step-lines dd.vjp { font-weight: 700; color: var(--grad); }
#step-lines dd.note { font-family: inherit; font-size: 13.5px; color: #364152; }
.explain { margin-top: 14px; font-size: 12.5px; color: var(--muted); }
#step-explain { margin: 4px 0 0; padding: 8px 10px; background: #fff; border: 1px solid #e3e7ee; border-radius: 6px; white-space: pre-wrap; overflow-wrap: anywhere; font-size: 12.5px; }
#step-explain:empty, .explain:has(+ #step-explain:empty) { display: none; }
details { margin-top: 16px; }
summary { cursor: pointer; color: var(--muted); font-size: 13px; }
#step-list { position: relative; max-height: 38vh; overflow: auto; margin: 6px 0 0; padding-left: 4.2em; font-size: 13px; font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
#step-list a { color: inherit; text-decoration: none; }
#step-list li.current { background: #fff4e6; font-weight: 700; }
#step-list li.forward::marker { color: var(--fwd); }
#step-list li.backward::marker { color: var(--grad); }
footer { padding: 6px 16px; font-size: 12.5px; color: var(--muted); border-top: 1px solid #e3e7ee; background: #fff; }
kbd { font: 12px ui-monospace, monospace; border: 1px solid #c9d0da; border-radius: 4px; padding: 0 4px; background: #fff; }
</style>
</head>
<body>
<header>
  <h1 id="title"></h1>
  <div class="controls">
    <button id="reset" title="Back to the first step (Home)">« Reset</button>
    <button id="prev" title="Previous step (←)">◀ Prev</button>
    <button id="play" title="Play or pause (space)">▶ Play</button>
    <button id="next" title="Next step (→)">Next ▶</button>
    <span id="counter"></span>
  </div>
</header>
<main>
  <section id="graph-pane">
    <svg id="graph" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="computation graph">
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#b8c0cc"/></marker>
        <marker id="arrow-hot" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="3.5" markerHeight="3.5" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#e8590c"/></marker>
      </defs>
      <g id="edges"></g>
      <g id="nodes"></g>
    </svg>
    <div class="zoom"><button id="zoom-in" title="Zoom in (+)">+</button><button id="zoom-out" title="Zoom out (−)">−</button><button id="fit" title="Show the whole graph (0)">Fit</button></div>
  </section>
  <aside>
    <div id="phase"></div>
    <h2 id="step-title"></h2>
    <dl id="step-lines"></dl>
    <div class="explain">as <code>autograd grad --explain</code> prints it:</div>
    <pre id="step-explain"></pre>
    <details open><summary>All steps</summary><ol id="step-list"></ol></details>
  </aside>
</main>
<footer><kbd>→</kbd> next · <kbd>←</kbd> previous · <kbd>space</kbd> play · <kbd>Home</kbd> reset · <kbd>End</kbd> last · drag to pan, wheel or <kbd>+</kbd>/<kbd>−</kbd> to zoom, <kbd>0</kbd> to fit · link to a step with <code>#step-N</code></footer>
<script type="application/json" id="page-data">{{DATA}}</script>
<script>
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("page-data").textContent);
  const SVG = "http://www.w3.org/2000/svg";
  const steps = data.steps, nodes = data.nodes, edges = data.edges, H = data.boxHeight;
  const roles = { forward: "computed", seed: "seed", note: "why", upstream: "upstream", local: "local derivative",
    product: data.mode === "tensor" ? "contribution" : "upstream · local", vjp: "vector-Jacobian product",
    broadcast: "broadcast", numbers: "numbers", sum: "sum over uses", gradient: "gradient" };
  const $ = id => document.getElementById(id);
  $("title").textContent = data.title;

  function el(name, attrs, parent) {
    const e = document.createElementNS(SVG, name);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    parent.appendChild(e);
    return e;
  }

  const edgeEls = edges.map(([a, b]) => {
    const from = nodes[a], to = nodes[b];
    const x1 = from.x + from.w, y1 = from.y + H / 2, x2 = to.x - 2, y2 = to.y + H / 2, dx = Math.max(24, (x2 - x1) / 2);
    const path = el("path", { class: "edge", d: `M${x1},${y1} C${x1 + dx},${y1} ${x2 - dx},${y2} ${x2},${y2}` }, $("edges"));
    path.dataset.from = from.name;
    path.dataset.to = to.name;
    return { path, active: false, back: false };
  });
  const nodeEls = nodes.map((n, i) => {
    const g = el("g", { class: "node " + n.kind, transform: `translate(${n.x},${n.y})` }, $("nodes"));
    g.dataset.name = n.name;
    g.dataset.index = i;
    el("rect", { width: n.w, height: H }, g);
    const label = el("text", { class: "label", x: 10, y: 16 }, g);
    label.textContent = n.label;
    const value = el("text", { class: "value", x: 10, y: 32 }, g);
    const grad = el("text", { class: "grad", x: 10, y: 47 }, g);
    const title = el("title", {}, g);
    title.textContent = n.definition + " = " + n.value;
    return { g, value, grad, known: null, hasGrad: null, current: null };
  });

  const list = $("step-list");
  const items = steps.map((s, i) => {
    const li = document.createElement("li");
    li.className = s.phase;
    const a = document.createElement("a");
    a.href = "#step-" + (i + 1);
    a.textContent = s.title;
    li.appendChild(a);
    list.appendChild(li);
    return li;
  });

  // The graph's view: a viewBox panned by dragging and zoomed by the wheel, so large graphs stay usable.
  const svg = $("graph");
  let view = { x: 0, y: 0, w: data.width, h: data.height };
  function applyView() { svg.setAttribute("viewBox", `${view.x} ${view.y} ${view.w} ${view.h}`); }
  function paneSize() { const r = svg.getBoundingClientRect(); return { w: Math.max(r.width, 1), h: Math.max(r.height, 1) }; }
  // The whole graph, but never magnified past 1.3×, where a small graph's boxes would look bloated.
  function fit() {
    const p = paneSize(), scale = Math.min(p.w / data.width, p.h / data.height, 1.3);
    const w = p.w / scale, h = p.h / scale;
    view = { x: (data.width - w) / 2, y: (data.height - h) / 2, w, h };
    applyView();
  }
  function zoom(factor, cx, cy) {
    const p = paneSize(), scale = Math.min(p.w / view.w, p.h / view.h);
    if (factor > 1 && scale * factor > 4 || factor < 1 && view.w > data.width * 4 && view.h > data.height * 4) return;
    if (cx === undefined) { cx = view.x + view.w / 2; cy = view.y + view.h / 2; }
    view = { x: cx - (cx - view.x) / factor, y: cy - (cy - view.y) / factor, w: view.w / factor, h: view.h / factor };
    applyView();
  }
  function showNode(i) {
    const n = nodes[i], p = paneSize();
    const inside = n.x >= view.x && n.x + n.w <= view.x + view.w && n.y >= view.y && n.y + H <= view.y + view.h;
    const readable = Math.min(p.w / view.w, p.h / view.h) >= 0.55;
    if (inside && readable) return;
    const w = readable ? view.w : p.w, h = readable ? view.h : p.h;
    view = { x: n.x + n.w / 2 - w / 2, y: n.y + H / 2 - h / 2, w, h };
    applyView();
  }
  function toSvg(evt) {
    const r = svg.getBoundingClientRect(), s = Math.max(view.w / r.width, view.h / r.height);
    const ox = (r.width * s - view.w) / 2, oy = (r.height * s - view.h) / 2;
    return { x: view.x - ox + (evt.clientX - r.left) * s, y: view.y - oy + (evt.clientY - r.top) * s, s };
  }
  svg.addEventListener("wheel", evt => { evt.preventDefault(); const p = toSvg(evt); zoom(evt.deltaY < 0 ? 1.15 : 1 / 1.15, p.x, p.y); }, { passive: false });
  let drag = null;
  svg.addEventListener("pointerdown", evt => { drag = { x: evt.clientX, y: evt.clientY, view: { ...view }, s: toSvg(evt).s }; svg.classList.add("dragging"); });
  window.addEventListener("pointermove", evt => {
    if (!drag) return;
    view = { ...drag.view, x: drag.view.x - (evt.clientX - drag.x) * drag.s, y: drag.view.y - (evt.clientY - drag.y) * drag.s };
    applyView();
  });
  window.addEventListener("pointerup", () => { drag = null; svg.classList.remove("dragging"); });
  $("zoom-in").addEventListener("click", () => zoom(1.25));
  $("zoom-out").addEventListener("click", () => zoom(1 / 1.25));
  $("fit").addEventListener("click", fit);

  let current = -1, timer = null;
  function go(k) {
    k = Math.max(0, Math.min(steps.length - 1, k));
    const known = new Set(), grads = new Map(), back = new Set();
    nodes.forEach((n, i) => { if (n.kind === "constant") known.add(i); });
    for (let i = 0; i <= k; i++) {
      const s = steps[i];
      if (s.value !== undefined) known.add(s.value);
      if (s.grad) grads.set(s.grad.node, s.grad.text);
      if (i < k && s.phase === "backward") s.edges.forEach(e => back.add(e));
    }
    if (steps[k].phase !== "forward") nodes.forEach((n, i) => known.add(i));
    const s = steps[k], active = new Set(s.edges);
    // Only what changed is written to the page, so a step costs little even with thousands of nodes.
    nodeEls.forEach((e, i) => {
      const isKnown = known.has(i), grad = grads.has(i), isCurrent = i === s.node;
      if (e.known !== isKnown) { e.known = isKnown; e.g.classList.toggle("known", isKnown); e.value.textContent = isKnown ? nodes[i].valueShort : ""; }
      if (e.hasGrad !== grad) { e.hasGrad = grad; e.grad.textContent = grad ? nodes[i].gradShort : ""; }
      if (e.current !== isCurrent) { e.current = isCurrent; e.g.classList.toggle("current", isCurrent); }
    });
    edgeEls.forEach((e, i) => {
      const on = active.has(i), wasBack = back.has(i);
      if (e.active !== on) { e.active = on; e.path.classList.toggle("active", on); if (on) e.path.parentNode.appendChild(e.path); }
      if (e.back !== wasBack) { e.back = wasBack; e.path.classList.toggle("back", wasBack); }
    });

    const phase = $("phase");
    phase.className = s.phase;
    phase.textContent = s.phase === "forward" ? "Forward pass" : s.phase === "backward" ? "Backward pass" : "Done";
    $("step-title").textContent = s.title;
    const dl = $("step-lines");
    dl.replaceChildren();
    for (const [role, text] of s.lines) {
      const dt = document.createElement("dt");
      dt.textContent = roles[role] || role;
      const dd = document.createElement("dd");
      dd.className = role;
      dd.dataset.role = role;
      dd.textContent = text;
      dl.append(dt, dd);
    }
    $("step-explain").textContent = s.explain;
    $("counter").textContent = `Step ${k + 1} of ${steps.length}`;
    if (current >= 0) items[current].classList.remove("current");
    items[k].classList.add("current");
    // Scroll the list alone, so the step's text stays in view.
    const item = items[k];
    if (item.offsetTop < list.scrollTop || item.offsetTop + item.offsetHeight > list.scrollTop + list.clientHeight)
      list.scrollTop = item.offsetTop - list.clientHeight / 2;
    current = k;
    document.body.dataset.step = String(k + 1);
    if (location.hash !== "#step-" + (k + 1)) {
      try { history.replaceState(null, "", "#step-" + (k + 1)); } catch (e) { /* a browser that refuses it keeps the old hash */ }
    }
    showNode(s.node);
  }
  function stop() { if (timer !== null) { clearInterval(timer); timer = null; } $("play").textContent = "▶ Play"; }
  function play() {
    if (timer !== null) { stop(); return; }
    if (current === steps.length - 1) go(0);
    $("play").textContent = "⏸ Pause";
    timer = setInterval(() => { if (current >= steps.length - 1) stop(); else go(current + 1); }, 1100);
  }
  function fromHash() {
    const m = /^#step-(\d+)$/.exec(location.hash);
    return m ? parseInt(m[1], 10) - 1 : null;
  }

  $("next").addEventListener("click", () => { stop(); go(current + 1); });
  $("prev").addEventListener("click", () => { stop(); go(current - 1); });
  $("reset").addEventListener("click", () => { stop(); go(0); });
  $("play").addEventListener("click", play);
  window.addEventListener("hashchange", () => { const k = fromHash(); if (k !== null && k !== current) { stop(); go(k); } });
  document.addEventListener("keydown", evt => {
    if (evt.altKey || evt.ctrlKey || evt.metaKey) return;
    const keys = { ArrowRight: () => go(current + 1), ArrowDown: () => go(current + 1), ArrowLeft: () => go(current - 1),
      ArrowUp: () => go(current - 1), Home: () => go(0), End: () => go(steps.length - 1), "+": () => zoom(1.25),
      "=": () => zoom(1.25), "-": () => zoom(1 / 1.25), "0": fit };
    if (evt.key === " ") { evt.preventDefault(); play(); return; }
    const action = keys[evt.key];
    if (!action) return;
    evt.preventDefault();
    if (evt.key.startsWith("Arrow") || evt.key === "Home" || evt.key === "End") stop();
    action();
  });

  // A small graph starts whole; a large one at a readable scale around the current step.
  const p = paneSize();
  if (Math.min(p.w / data.width, p.h / data.height) >= 0.55) fit();
  else { view = { x: 0, y: 0, w: p.w, h: p.h }; applyView(); }
  const start = fromHash();
  go(start === null ? 0 : start);
})();
</script>
</body>
</html>
""";
}
