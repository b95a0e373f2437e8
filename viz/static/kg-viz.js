/*
 * kg viz page script: draws the graph embedded in #kg-data with vis-network and adds search, legend
 * filters, neighbourhood highlight, hover cards, the paper panel and the label layer.
 *
 * Labels: vis-network draws none. The page draws them itself after each frame, at a fixed screen size
 * whatever the zoom or node size, walking nodes in the order computed in Python (kg.rank: focus, its
 * neighbours, then PageRank) and skipping any label that would overlap one already drawn or leave the
 * window. At overview zoom only the first meta.label_policy.overview nodes may be labelled; zooming in admits
 * more (the budget grows with the square of the zoom). Hovered and highlighted nodes are labelled first.
 * Once the layout has settled the view is fitted to the window with room for the labels.
 *
 * Safety rule: graph data (names, titles, evidence) is only ever put into the page as text
 * (textContent / createTextNode); innerHTML is never used. Links are made only from http(s) URLs.
 *
 * For tests and benchmarks the page exposes window.kgView (view counts, drawn counts, readiness and
 * timings) and window.kg (the network, its DataSets and the search/select functions).
 */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var stats = data.stats;
  var meta = data.meta;
  var layout = meta.layout || { kind: "force", labelSide: "below" };
  var labelPolicy = meta.label_policy || { overview: 20, all: false };
  var sectionTitles = meta.sections || {};
  var cards = data.cards || {};

  var view = {
    nodes: stats.nodes,
    edges: stats.edges,
    dataNodes: data.nodes.length,
    dataEdges: data.edges.length,
    drawnNodes: null,
    drawnEdges: null,
    visibleNodes: data.nodes.length,
    visibleEdges: data.edges.length,
    ready: false,
    readyMs: null,
    stabilizationMs: null,
    iterations: null,
    highlighted: null,
    animating: false,
    layout: layout.kind,
    fitScale: null,
    labels: []
  };
  window.kgView = view;

  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });
  var edgeById = {};
  data.edges.forEach(function (e) { edgeById[e.id] = e; });
  var labelStyle = {};
  meta.labels.forEach(function (l) { labelStyle[l.name] = l; });
  var relStyle = {}, relOrder = {};
  meta.relations.forEach(function (r, i) { relStyle[r.name] = r; relOrder[r.name] = i; });

  // ---- DOM helpers (text only) --------------------------------------------------------------
  function el(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === "text") { node.textContent = attrs[k]; }
        else if (k === "className") { node.className = attrs[k]; }
        else { node.setAttribute(k, attrs[k]); }
      });
    }
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined) { continue; }
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) { node.removeChild(node.firstChild); }
  }

  function svgEl(tag, attrs) {
    var node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    return node;
  }

  function shapeSwatch(shape, fill, stroke) {
    var svg = svgEl("svg", { width: 14, height: 14, viewBox: "0 0 14 14", "aria-hidden": "true" });
    var common = { fill: fill, stroke: stroke, "stroke-width": 1 };
    var s;
    if (shape === "square") { s = svgEl("rect", Object.assign({ x: 2, y: 2, width: 10, height: 10 }, common)); }
    else if (shape === "diamond") { s = svgEl("polygon", Object.assign({ points: "7,1 13,7 7,13 1,7" }, common)); }
    else if (shape === "triangle") { s = svgEl("polygon", Object.assign({ points: "7,1 13,12 1,12" }, common)); }
    else { s = svgEl("circle", Object.assign({ cx: 7, cy: 7, r: 5.5 }, common)); }
    svg.appendChild(s);
    return svg;
  }

  function lineSwatch(color, dashes, width) {
    var svg = svgEl("svg", { width: 26, height: 10, viewBox: "0 0 26 10", "aria-hidden": "true" });
    var line = svgEl("line", { x1: 1, y1: 5, x2: 19, y2: 5, stroke: color, "stroke-width": Math.max(1.5, width * 1.3) });
    if (dashes) { line.setAttribute("stroke-dasharray", "3 2"); }
    svg.appendChild(line);
    svg.appendChild(svgEl("polygon", { points: "19,1 25,5 19,9", fill: color }));
    return svg;
  }

  function fold(text) {
    return String(text).normalize("NFKC").toLowerCase().split(/\s+/).filter(Boolean).join(" ");
  }

  function safeUrl(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
  }

  function nodeName(id) {
    var n = byId[id];
    return n ? (n.kg.title || n.kg.name) : String(id);
  }

  // ---- cards ------------------------------------------------------------------------------
  function badge(text, color) {
    var b = el("span", { className: "kg-badge", text: text });
    b.style.background = color;
    return b;
  }

  function fields(rows) {
    var dl = el("dl");
    rows.forEach(function (row) {
      if (row[1] === null || row[1] === undefined || row[1] === "") { return; }
      dl.appendChild(el("dt", { text: row[0] }));
      dl.appendChild(typeof row[1] === "string" ? el("dd", { text: row[1] }) : el("dd", null, row[1]));
    });
    return dl;
  }

  function nodeCard(id) {
    var kg = byId[id].kg;
    var style = labelStyle[kg.label] || { color: "#888" };
    var card = el("div", { className: "kg-card", "data-kind": "node", "data-id": id });
    card.appendChild(badge(kg.label, style.border || style.color));
    if (kg.label === "Paper") {
      card.appendChild(el("h3", { text: kg.title }));
      var authors = kg.authors && kg.authors.length ? kg.authors.slice(0, 6).join(", ") + (kg.authors.length > 6 ? ", et al." : "") : null;
      var url = safeUrl(kg.url);
      card.appendChild(fields([
        ["Date", kg.date],
        ["Sources", kg.sources && kg.sources.length ? kg.sources.join(", ") : null],
        ["Authors", authors],
        ["arXiv", kg.arxiv_id],
        ["Link", url ? el("a", { href: url, rel: "noopener noreferrer", target: "_blank", text: url }) : (kg.url || null)],
        ["Edges here", String(kg.degree)]
      ]));
    } else {
      card.appendChild(el("h3", { text: kg.name }));
      card.appendChild(fields([
        ["Aliases", kg.aliases && kg.aliases.length ? kg.aliases.join(", ") : "none"],
        ["Papers", kg.paper_count === null || kg.paper_count === undefined ? null : String(kg.paper_count)],
        ["Edges here", String(kg.degree)]
      ]));
    }
    return card;
  }

  function edgeCard(id) {
    var e = edgeById[id];
    var kg = e.kg;
    var style = relStyle[kg.type] || { color: "#888" };
    var card = el("div", { className: "kg-card", "data-kind": "edge", "data-id": id });
    card.appendChild(badge(kg.type, style.color));
    card.appendChild(el("h3", { text: nodeName(e.from) + " \u2192 " + nodeName(e.to) }));
    if (kg.evidence) { card.appendChild(el("blockquote", { className: "kg-evidence", text: kg.evidence })); }
    card.appendChild(fields([
      ["Paper", kg.paper_title || kg.paper],
      ["Rule", kg.rule],
      ["Confidence", typeof kg.confidence === "number" ? kg.confidence.toFixed(2) : null]
    ]));
    return card;
  }

  function connectionsList(id) {
    var ids = network.getConnectedEdges(id);
    if (!ids.length) { return null; }
    // Claims first, in the contract's order (INTRODUCES, USES, OUTPERFORMS, EXTENDS), MENTIONS last.
    ids.sort(function (a, b) {
      var ra = relOrder[edgeById[a].kg.type], rb = relOrder[edgeById[b].kg.type];
      var na = nodeName(edgeById[a].from === id ? edgeById[a].to : edgeById[a].from);
      var nb = nodeName(edgeById[b].from === id ? edgeById[b].to : edgeById[b].from);
      return ra - rb || (na < nb ? -1 : na > nb ? 1 : 0);
    });
    var list = el("ol", { className: "kg-connections", "aria-label": "Connections" });
    ids.slice(0, 60).forEach(function (eid) {
      var e = edgeById[eid];
      var outgoing = e.from === id;
      var other = outgoing ? e.to : e.from;
      var button = el("button", { type: "button" },
        el("span", { className: "kg-result-why", text: (outgoing ? e.kg.type + " \u2192 " : "\u2190 " + e.kg.type + " ") }),
        el("span", { className: "kg-result-name", text: nodeName(other) }));
      button.addEventListener("click", function () { selectNode(other); });
      list.appendChild(el("li", null, button));
    });
    if (ids.length > 60) { list.appendChild(el("li", { className: "kg-muted", text: "\u2026 and " + (ids.length - 60) + " more" })); }
    return list;
  }

  var details = document.getElementById("kg-details");
  var panel = document.getElementById("kg-panel");
  function showDetails(card, extra) {
    clear(details);
    details.appendChild(card);
    if (extra) { details.appendChild(extra); }
    panel.hidden = false;
    panel.scrollTop = 0;
  }
  function hideDetails() { panel.hidden = true; clear(details); }
  document.getElementById("kg-panel-close").addEventListener("click", function () { hideDetails(); unhighlight(); });

  /** A node name in the panel: a button that selects the node when it is drawn, plain text otherwise. */
  function nodeRef(id, name) {
    if (!byId[id] || nodeHidden[id]) { return el("span", { className: "kg-ref-off", text: name }); }
    var b = el("button", { type: "button", className: "kg-ref", "data-id": id, text: name });
    b.addEventListener("click", function () { selectNode(id); });
    return b;
  }

  function claimItem(r, relation) {
    var head = el("div", { className: "kg-claim-head" });
    if (r.paper_title) { head.appendChild(el("span", { className: "kg-muted", text: r.paper_title + ": " })); }
    if (r.subject) { head.appendChild(el("span", { text: r.subject + " " })); }
    if (relation) { head.appendChild(el("span", { className: "kg-muted", text: relation + " " })); }
    else if (r.subject) { head.appendChild(el("span", { className: "kg-muted", text: "\u2192 " })); }
    head.appendChild(nodeRef(r.object_id, r.object));
    var extra = r.object_label + (typeof r.confidence === "number" ? " \u00b7 confidence " + r.confidence.toFixed(2) : "");
    head.appendChild(el("span", { className: "kg-muted", text: " (" + extra + ")" }));
    return el("li", null, head, r.evidence ? el("blockquote", { className: "kg-evidence", text: r.evidence }) : null);
  }

  /** The paper's card: what it introduces, uses, beats and extends, each with its evidence sentence,
   *  the entities it mentions, and what later papers say about what it introduced. */
  function paperPanel(id) {
    var card = cards[id];
    if (!card) { return null; }
    var box = el("div", { className: "kg-paper-panel", "data-id": id });
    // The page's JSON has sorted keys: the order of the sections comes from meta.section_order.
    (meta.section_order || Object.keys(card.sections)).forEach(function (type) {
      var rows = card.sections[type] || [];
      box.appendChild(el("h4", { "data-section": type, text: (sectionTitles[type] || type) + " (" + rows.length + ")" }));
      if (!rows.length) { box.appendChild(el("p", { className: "kg-muted kg-note", text: "none" })); return; }
      if (type === "MENTIONS") {
        var p = el("p", { className: "kg-mentions" });
        rows.forEach(function (r, i) { if (i) { p.appendChild(document.createTextNode(", ")); } p.appendChild(nodeRef(r.object_id, r.object)); });
        box.appendChild(p);
        return;
      }
      var list = el("ul", { className: "kg-claims" });
      rows.forEach(function (r) { list.appendChild(claimItem(r, null)); });
      box.appendChild(list);
    });
    box.appendChild(el("h4", { "data-section": "later", text: (sectionTitles.later || "Later work") + " (" + card.later.length + ")" }));
    if (card.later.length) {
      var later = el("ul", { className: "kg-claims" });
      card.later.forEach(function (r) { later.appendChild(claimItem(r, r.relation)); });
      box.appendChild(later);
    } else {
      box.appendChild(el("p", { className: "kg-muted kg-note", text: "none" }));
    }
    return box;
  }

  function nodeDetails(id) {
    var extra = cards[id] ? paperPanel(id) : connectionsList(id);
    if (cards[id]) {
      var wrapBox = el("div");
      wrapBox.appendChild(extra);
      var conns = connectionsList(id);
      if (conns) { wrapBox.appendChild(el("h4", { className: "kg-section-title", text: "In this view" })); wrapBox.appendChild(conns); }
      extra = wrapBox;
    }
    showDetails(nodeCard(id), extra);
  }

  // ---- the network ------------------------------------------------------------------------
  // Filter state; relations in meta.hidden (MENTIONS) start hidden, which leaves the layout unchanged
  // (vis-network keeps hidden edges in its physics) and halves what is drawn.
  var hiddenLabels = new Set(), hiddenRelations = new Set(meta.hidden || []);
  var nodeHidden = {}, edgeHidden = {};
  data.edges.forEach(function (e) {
    if (hiddenRelations.has(e.kg.type)) { e.hidden = true; edgeHidden[e.id] = true; view.visibleEdges--; }
  });
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var container = document.getElementById("kg-network");
  var wrap = document.getElementById("kg-canvas-wrap");
  var loading = document.getElementById("kg-loading");
  var fill = document.getElementById("kg-loading-fill");
  var started = performance.now();
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);

  function finish(iterations) {
    if (view.ready) { return; }
    network.setOptions({ physics: { enabled: false } });
    fitView();
    view.stabilizationMs = Math.round(performance.now() - started);
    view.iterations = iterations;
    view.drawnNodes = network.body.nodeIndices.length;
    view.drawnEdges = network.body.edgeIndices.length;
    loading.classList.add("kg-done");
    window.requestAnimationFrame(function () {
      view.readyMs = Math.round(performance.now());
      view.ready = true;
    });
  }

  var lastIteration = 0;
  network.on("stabilizationProgress", function (p) {
    lastIteration = p.iterations;
    fill.style.width = Math.round(100 * p.iterations / p.total) + "%";
  });
  network.once("stabilizationIterationsDone", function () { finish(lastIteration); });
  network.once("stabilized", function (p) { finish(p && p.iterations); });
  if (data.nodes.length === 0 || layout.kind !== "force") { finish(0); }

  // ---- hover cards ------------------------------------------------------------------------
  var hovercard = document.getElementById("kg-hovercard");
  function showHover(card, pointer) {
    clear(hovercard);
    hovercard.appendChild(card);
    hovercard.hidden = false;
    var x = pointer.x + 16, y = pointer.y + 16;
    var w = hovercard.offsetWidth, h = hovercard.offsetHeight;
    if (x + w > wrap.clientWidth - 4) { x = Math.max(4, pointer.x - w - 16); }
    if (y + h > wrap.clientHeight - 4) { y = Math.max(4, pointer.y - h - 16); }
    hovercard.style.left = x + "px";
    hovercard.style.top = y + "px";
  }
  function hideHover() { hovercard.hidden = true; clear(hovercard); }
  // The hovered node is labelled first; "_requestRedraw" batches the redraw into vis-network's next frame.
  network.on("hoverNode", function (p) {
    hovered = p.node;
    network.body.emitter.emit("_requestRedraw");
    showHover(nodeCard(p.node), p.pointer.DOM);
  });
  network.on("blurNode", function () { hovered = null; network.body.emitter.emit("_requestRedraw"); });
  network.on("hoverEdge", function (p) { if (edgeById[p.edge]) { showHover(edgeCard(p.edge), p.pointer.DOM); } });
  network.on("blurNode", hideHover);
  network.on("blurEdge", hideHover);
  network.on("dragStart", hideHover);
  network.on("zoom", hideHover);
  // Until the reader moves the view, a resized window is fitted again.
  var userMoved = false;
  network.on("dragStart", function () { userMoved = true; });
  network.on("zoom", function () { userMoved = true; });
  network.on("resize", function () { if (view.ready && !userMoved && !spotlight) { fitView(); } });
  network.on("animationFinished", function () { view.animating = false; });

  // ---- neighbourhood highlight ------------------------------------------------------------
  // Drawn on top of the network in "afterDrawing": a translucent veil over the whole view, then the
  // neighbourhood redrawn crisp above it. This costs one redraw whatever the graph size, whereas
  // restyling every node/edge through the DataSets costs seconds at a few thousand nodes.
  var spotlight = null;  // {nodes: [ids], edges: [ids]} or null
  function highlight(nodeIds, edgeIds) {
    spotlight = { nodes: nodeIds, edges: edgeIds };
    network.redraw();
  }
  function unhighlight() {
    if (!spotlight) { return; }
    spotlight = null;
    view.highlighted = null;
    network.unselectAll();
    network.redraw();
  }
  /** The node and its neighbours through shown edges (a neighbour by a hidden MENTIONS edge stays veiled). */
  function neighbourhood(id) {
    var ids = [id], seen = {};
    seen[id] = true;
    network.getConnectedEdges(id).forEach(function (eid) {
      if (edgeHidden[eid]) { return; }
      var e = edgeById[eid], other = e.from === id ? e.to : e.from;
      if (!seen[other] && !nodeHidden[other]) { seen[other] = true; ids.push(other); }
    });
    return ids;
  }
  function highlightNode(id) {
    highlight(neighbourhood(id), network.getConnectedEdges(id));
  }

  function drawShape(ctx, shape, x, y, r) {
    ctx.beginPath();
    if (shape === "square") { ctx.rect(x - r, y - r, 2 * r, 2 * r); }
    else if (shape === "diamond") { ctx.moveTo(x, y - r); ctx.lineTo(x + r, y); ctx.lineTo(x, y + r); ctx.lineTo(x - r, y); ctx.closePath(); }
    else if (shape === "triangle") { ctx.moveTo(x, y - r); ctx.lineTo(x + r, y + r * 0.8); ctx.lineTo(x - r, y + r * 0.8); ctx.closePath(); }
    else { ctx.arc(x, y, r, 0, 2 * Math.PI); }
  }

  function drawSpotlight(ctx) {
    var shown = {
      nodes: spotlight.nodes.filter(function (id) { return !nodeHidden[id]; }),
      edges: spotlight.edges.filter(function (id) { return !edgeHidden[id]; })
    };
    view.highlighted = { nodes: shown.nodes.length, edges: shown.edges.length };
    var scale = network.getScale();
    var topLeft = network.DOMtoCanvas({ x: 0, y: 0 });
    var bottomRight = network.DOMtoCanvas({ x: container.clientWidth, y: container.clientHeight });
    var pos = network.getPositions(shown.nodes);
    var radius = {};
    shown.nodes.forEach(function (id) {
      var box = network.getBoundingBox(id);
      radius[id] = Math.max(4, pos[id].y - box.top);
    });
    ctx.save();
    ctx.fillStyle = "rgba(251,252,253,0.9)";
    ctx.fillRect(topLeft.x, topLeft.y, bottomRight.x - topLeft.x, bottomRight.y - topLeft.y);
    shown.edges.forEach(function (eid) {
      var e = edgeById[eid], a = pos[e.from], b = pos[e.to];
      if (!a || !b) { return; }
      var dx = b.x - a.x, dy = b.y - a.y, len = Math.sqrt(dx * dx + dy * dy) || 1;
      var ux = dx / len, uy = dy / len, end = len - radius[e.to] - 2;
      ctx.strokeStyle = e.color.color;
      ctx.fillStyle = e.color.color;
      ctx.lineWidth = Math.max(1.5, e.width * 1.6) / Math.min(1, scale);
      ctx.setLineDash(e.dashes ? [6 / scale, 4 / scale] : []);
      ctx.beginPath(); ctx.moveTo(a.x, a.y); ctx.lineTo(a.x + ux * end, a.y + uy * end); ctx.stroke();
      var head = 9 / Math.min(1, scale), tipX = a.x + ux * end, tipY = a.y + uy * end;
      ctx.setLineDash([]);
      ctx.beginPath();
      ctx.moveTo(tipX, tipY);
      ctx.lineTo(tipX - ux * head - uy * head * 0.5, tipY - uy * head + ux * head * 0.5);
      ctx.lineTo(tipX - ux * head + uy * head * 0.5, tipY - uy * head - ux * head * 0.5);
      ctx.closePath(); ctx.fill();
    });
    shown.nodes.forEach(function (id) {
      var n = byId[id], p = pos[id], r = radius[id];
      var style = labelStyle[n.kg.label] || { color: "#ddd", border: "#888", shape: "dot" };
      drawShape(ctx, style.shape, p.x, p.y, r);
      ctx.fillStyle = style.color; ctx.fill();
      ctx.lineWidth = 2 / scale; ctx.strokeStyle = "#111"; ctx.stroke();
    });
    ctx.restore();
    return shown.nodes;
  }

  // ---- label layer ----------------------------------------------------------------------------
  var LABEL_FONT = 12, FOCUS_FONT = 13, LABEL_GAP = 3, CELL = 64;
  var FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  var labelOrder = data.nodes.slice().sort(function (a, b) { return a.kg.rank - b.kg.rank; })
    .map(function (n) { return n.id; });
  var labelWidth = {};
  var hovered = null;

  /** Focus in bold, papers in italics (a paper and the model it introduces often share a name). */
  function labelFont(id) {
    if (id === meta.focus) { return "600 " + FOCUS_FONT + "px " + FONT_FAMILY; }
    return (byId[id].kg.label === "Paper" ? "italic " : "") + LABEL_FONT + "px " + FONT_FAMILY;
  }

  function drawLabels(ctx, only) {
    var ratio = (network.canvas && network.canvas.pixelRatio) || window.devicePixelRatio || 1;
    var W = container.clientWidth, H = container.clientHeight;
    var scale = network.getScale();
    var zoom = view.fitScale ? Math.max(1, scale / view.fitScale) : 1;
    var budget = labelPolicy.all ? Infinity : Math.ceil(labelPolicy.overview * zoom * zoom);
    var first = [];
    if (hovered && byId[hovered]) { first.push(hovered); }
    if (only) { first = first.concat(only.slice().sort(function (a, b) { return byId[a].kg.rank - byId[b].kg.rank; })); }
    var grid = {}, placed = [], seen = {};
    function collides(b) {
      for (var gx = Math.floor(b.x / CELL); gx <= Math.floor((b.x + b.w) / CELL); gx++) {
        for (var gy = Math.floor(b.y / CELL); gy <= Math.floor((b.y + b.h) / CELL); gy++) {
          var cell = grid[gx + "," + gy];
          if (!cell) { continue; }
          for (var i = 0; i < cell.length; i++) {
            var o = cell[i];
            if (b.x < o.x + o.w + 1 && o.x < b.x + b.w + 1 && b.y < o.y + o.h && o.y < b.y + b.h) { return true; }
          }
        }
      }
      return false;
    }
    function remember(b) {
      for (var gx = Math.floor(b.x / CELL); gx <= Math.floor((b.x + b.w) / CELL); gx++) {
        for (var gy = Math.floor(b.y / CELL); gy <= Math.floor((b.y + b.h) / CELL); gy++) {
          (grid[gx + "," + gy] = grid[gx + "," + gy] || []).push(b);
        }
      }
    }
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    ctx.lineJoin = "round";
    ctx.lineWidth = 3;
    ctx.strokeStyle = "rgba(255,255,255,0.92)";
    ctx.fillStyle = "#1f2933";
    function tryLabel(id, forced) {
      if (seen[id] || nodeHidden[id]) { return; }
      seen[id] = true;
      var body = network.body.nodes[id];
      if (!body) { return; }
      var p = network.canvasToDOM({ x: body.x, y: body.y });
      if (!forced && (p.x < -400 || p.x > W + 400 || p.y < -40 || p.y > H + 40)) { return; }  // far off screen
      var font = labelFont(id);
      ctx.font = font;
      var text = byId[id].kg.short;
      var key = font + "\u0000" + id;
      var w = labelWidth[key];
      if (w === undefined) { w = labelWidth[key] = Math.ceil(ctx.measureText(text).width); }
      var fontPx = id === meta.focus ? FOCUS_FONT : LABEL_FONT;
      var h = Math.ceil(fontPx * 1.3);
      var r = (body.options.size || 8) * scale;
      var side = byId[id].kg.side || layout.labelSide;
      var b = side === "right" ? { x: p.x + r + LABEL_GAP, y: p.y - h / 2, w: w, h: h }
        : side === "left" ? { x: p.x - r - LABEL_GAP - w, y: p.y - h / 2, w: w, h: h }
        : { x: p.x - w / 2, y: p.y + r + LABEL_GAP, w: w, h: h };
      if (b.x < 0 || b.y < 0 || b.x + w > W || b.y + h > H) {
        if (!forced) { return; }
        b.x = Math.min(Math.max(0, b.x), W - w);
        b.y = Math.min(Math.max(0, b.y), H - h);
      }
      if (collides(b)) { return; }
      remember(b);
      ctx.strokeText(text, b.x, b.y + h / 2);
      ctx.fillText(text, b.x, b.y + h / 2);
      placed.push({ id: id, text: text, x: b.x, y: b.y, w: w, h: h, font: fontPx });
    }
    first.forEach(function (id) { tryLabel(id, true); });
    if (!only) {
      for (var i = 0; i < labelOrder.length && i < budget; i++) { tryLabel(labelOrder[i], false); }
    }
    ctx.restore();
    view.labels = placed;
  }

  network.on("afterDrawing", function (ctx) {
    var only = spotlight ? drawSpotlight(ctx) : null;
    drawLabels(ctx, only);
  });

  /**
   * Frame the nodes `ids` in the window with room for their labels (and, when given, `extraRight`
   * pixels covered on the right, e.g. by the panel), zooming in no further than `maxScale`.
   * Returns the scale; animates when `animate`.
   */
  function frame(ids, extraRight, maxScale, animate) {
    if (!ids.length) { return network.getScale(); }
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    ids.forEach(function (id) {
      var b = network.body.nodes[id], r = b.options.size || 8;
      minX = Math.min(minX, b.x - r); maxX = Math.max(maxX, b.x + r);
      minY = Math.min(minY, b.y - r); maxY = Math.max(maxY, b.y + r);
    });
    var W = container.clientWidth, H = container.clientHeight;
    var right = layout.labelSide === "right";
    var left = ids.some(function (id) { return byId[id].kg.side === "left"; });
    var padL = left ? 170 : right ? 16 : 70, padR = (right ? 170 : 70) + extraRight, padT = 16, padB = right ? 16 : 30;
    var availW = Math.max(50, W - padL - padR), availH = Math.max(50, H - padT - padB);
    var scale = Math.min(availW / Math.max(1, maxX - minX), availH / Math.max(1, maxY - minY), maxScale);
    var cx = (minX + maxX) / 2 - (padL + availW / 2 - W / 2) / scale;
    var cy = (minY + maxY) / 2 - (padT + availH / 2 - H / 2) / scale;
    network.moveTo({ position: { x: cx, y: cy }, scale: scale,
                     animation: animate ? { duration: 350, easingFunction: "easeInOutQuad" } : false });
    return scale;
  }

  /** Fit every visible node in the window once the layout has settled; labels count from this zoom. */
  function fitView() {
    var ids = data.nodes.filter(function (n) { return !nodeHidden[n.id]; }).map(function (n) { return n.id; });
    view.fitScale = frame(ids, 0, 1.6, false);
  }

  /** Frame the neighbourhood of `id` beside the panel (no closer than 1.5x); with `onlyIfHidden`, only
   *  when part of it is behind the panel or outside the window, so a click does not move a view that
   *  already shows everything. */
  function frameNeighbourhood(id, onlyIfHidden) {
    var near = neighbourhood(id);
    var covered = panel.hidden ? 0 : panel.offsetWidth + 16;
    if (onlyIfHidden) {
      var W = container.clientWidth - covered, H = container.clientHeight;
      var pos = network.getPositions(near);
      var hidden = near.some(function (n) {
        var d = network.canvasToDOM(pos[n]);
        return d.x < 0 || d.y < 0 || d.x > W || d.y > H;
      });
      if (!hidden) { return; }
    }
    view.animating = true;
    frame(near, covered, Math.max(1.5, view.fitScale || 0), true);
  }

  function selectNode(id) {
    if (!byId[id]) { return false; }
    if (nodes.get(id).hidden) { return false; }
    network.selectNodes([id]);
    highlightNode(id);
    nodeDetails(id);
    frameNeighbourhood(id, false);
    return true;
  }

  network.on("click", function (p) {
    if (p.nodes.length) {
      highlightNode(p.nodes[0]);
      nodeDetails(p.nodes[0]);
      frameNeighbourhood(p.nodes[0], true);
    } else if (p.edges.length && edgeById[p.edges[0]]) {
      var e = edgeById[p.edges[0]];
      highlight([e.from, e.to], [e.id]);
      showDetails(edgeCard(e.id));
    } else {
      unhighlight();
      hideDetails();
    }
  });

  // ---- legend and filters -----------------------------------------------------------------
  function applyFilters() {
    // Only items whose visibility changes are sent to the DataSets (updates cost ~0.1 ms each).
    var nodeChanges = [], edgeChanges = [], visibleNodes = 0, visibleEdges = 0;
    data.nodes.forEach(function (n) {
      var hidden = hiddenLabels.has(n.kg.label);
      if (hidden !== !!nodeHidden[n.id]) { nodeChanges.push({ id: n.id, hidden: hidden }); }
      nodeHidden[n.id] = hidden;
      if (!hidden) { visibleNodes++; }
    });
    data.edges.forEach(function (e) {
      var hidden = hiddenRelations.has(e.kg.type) || nodeHidden[e.from] || nodeHidden[e.to];
      if (hidden !== !!edgeHidden[e.id]) { edgeChanges.push({ id: e.id, hidden: hidden }); }
      edgeHidden[e.id] = hidden;
      if (!hidden) { visibleEdges++; }
    });
    if (nodeChanges.length) { nodes.update(nodeChanges); }
    if (edgeChanges.length) { edges.update(edgeChanges); }
    view.visibleNodes = visibleNodes;
    view.visibleEdges = visibleEdges;
    network.redraw();
  }

  function legendRow(swatch, name, count, hiddenSet, kind) {
    var box = el("input", { type: "checkbox", "data-filter": kind, value: name });
    box.checked = !hiddenSet.has(name);
    box.disabled = count === 0;
    box.addEventListener("change", function () {
      if (box.checked) { hiddenSet.delete(name); } else { hiddenSet.add(name); }
      applyFilters();
      showHiddenLabel();
    });
    var row = el("label", { className: "kg-legend-row" + (count === 0 ? " kg-muted" : "") }, box, swatch,
      el("span", { text: name }), el("span", { className: "kg-count", text: count.toLocaleString("en") }));
    return row;
  }

  var labelBox = document.getElementById("kg-legend-labels");
  meta.labels.forEach(function (l) {
    labelBox.appendChild(legendRow(shapeSwatch(l.shape, l.color, l.border), l.name, l.count, hiddenLabels, "label"));
  });
  var relBox = document.getElementById("kg-legend-relations");
  meta.relations.forEach(function (r) {
    relBox.appendChild(legendRow(lineSwatch(r.color, r.dashes, r.width), r.name, r.count, hiddenRelations, "relation"));
  });

  // One click shows (or hides again) the relations hidden by default (MENTIONS).
  var quiet = meta.hidden || [];
  var showHidden = document.getElementById("kg-show-hidden");
  function quietCount() {
    return meta.relations.filter(function (r) { return quiet.indexOf(r.name) >= 0; })
      .reduce(function (sum, r) { return sum + r.count; }, 0);
  }
  function showHiddenLabel() {
    if (!showHidden) { return; }
    var anyHidden = quiet.some(function (r) { return hiddenRelations.has(r); });
    showHidden.textContent = (anyHidden ? "Show " : "Hide ") + quiet.join(", ") + " edges (" +
      quietCount().toLocaleString("en") + ")";
    showHidden.setAttribute("aria-pressed", anyHidden ? "false" : "true");
  }
  if (showHidden) {
    showHidden.hidden = quietCount() === 0;
    showHidden.addEventListener("click", function () {
      var anyHidden = quiet.some(function (r) { return hiddenRelations.has(r); });
      quiet.forEach(function (r) {
        if (anyHidden) { hiddenRelations.delete(r); } else { hiddenRelations.add(r); }
        var box = relBox.querySelector("input[value='" + r + "']");
        if (box) { box.checked = anyHidden; }
      });
      applyFilters();
      showHiddenLabel();
    });
    showHiddenLabel();
  }

  // ---- search -----------------------------------------------------------------------------
  var index = data.nodes.map(function (n) {
    var kg = n.kg, keys = [[fold(kg.name), "name", kg.name]];
    (kg.aliases || []).forEach(function (a) { keys.push([fold(a), "alias", a]); });
    if (kg.title) { keys.push([fold(kg.title), "title", kg.title]); }
    if (kg.arxiv_id) { keys.push([fold(kg.arxiv_id), "arXiv", kg.arxiv_id]); }
    keys.push([fold(n.id), "id", n.id]);
    return { id: n.id, keys: keys, degree: kg.degree, name: kg.title || kg.name };
  });

  function search(query) {
    var q = fold(query);
    if (!q) { return []; }
    var found = [];
    index.forEach(function (entry) {
      var best = null;
      entry.keys.forEach(function (k) {
        var pos = k[0].indexOf(q);
        if (pos < 0) { return; }
        var rank = k[0] === q ? 0 : pos === 0 ? 1 : 2;
        if (best === null || rank < best.rank) { best = { rank: rank, kind: k[1], text: k[2] }; }
      });
      if (best && !nodes.get(entry.id).hidden) {
        found.push({ id: entry.id, rank: best.rank, kind: best.kind, text: best.text, degree: entry.degree, name: entry.name });
      }
    });
    found.sort(function (a, b) {
      return a.rank - b.rank || b.degree - a.degree || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    });
    return found;
  }

  var input = document.getElementById("kg-search");
  var results = document.getElementById("kg-results");
  function renderResults() {
    clear(results);
    var found = search(input.value);
    found.slice(0, 30).forEach(function (r) {
      var why = byId[r.id].kg.label + (r.kind === "alias" || r.kind === "arXiv" || r.kind === "id" ? " \u00b7 " + r.kind + ": " + r.text : "");
      var button = el("button", { type: "button", "data-id": r.id },
        el("span", { className: "kg-result-name", text: r.name }),
        el("span", { className: "kg-result-why", text: why }));
      button.addEventListener("click", function () { selectNode(r.id); });
      results.appendChild(el("li", null, button));
    });
    if (input.value.trim() && !found.length) { results.appendChild(el("li", { className: "kg-muted", text: "No match." })); }
    if (found.length > 30) { results.appendChild(el("li", { className: "kg-muted", text: "\u2026 " + (found.length - 30) + " more; type more of the name." })); }
  }
  input.addEventListener("input", renderResults);
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      var found = search(input.value);
      if (found.length) { selectNode(found[0].id); }
    }
  });

  window.kg = {
    network: network,
    nodes: nodes,
    edges: edges,
    search: function (q) { return search(q).map(function (r) { return r.id; }); },
    selectNode: selectNode,
    /** Page coordinates of a node's centre, for driving the mouse in tests. */
    nodePagePosition: function (id) {
      var p = network.getPositions([id])[id];
      var d = network.canvasToDOM(p);
      var r = container.getBoundingClientRect();
      return { x: r.left + d.x, y: r.top + d.y };
    }
  };
})();
