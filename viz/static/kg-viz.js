/*
 * kg viz page script: draws the graph embedded in #kg-data with vis-network and adds search, legend
 * filters, neighbourhood highlight and hover cards.
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
  var FADED = { background: "#eef1f4", border: "#dde3e9", highlight: { background: "#eef1f4", border: "#dde3e9" }, hover: { background: "#eef1f4", border: "#dde3e9" } };
  var FADED_EDGE = { color: "rgba(200,205,210,0.25)", highlight: "rgba(200,205,210,0.25)", hover: "rgba(200,205,210,0.25)", inherit: false };
  var FONT_COLOR = "#1f2933";
  var FADED_FONT = "rgba(31,41,51,0.15)";

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
    iterations: null
  };
  window.kgView = view;

  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });
  var edgeById = {};
  data.edges.forEach(function (e) { edgeById[e.id] = e; });
  var labelStyle = {};
  meta.labels.forEach(function (l) { labelStyle[l.name] = l; });
  var relStyle = {};
  meta.relations.forEach(function (r) { relStyle[r.name] = r; });

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
    ids.sort(function (a, b) {
      var ea = edgeById[a], eb = edgeById[b];
      return ea.kg.type < eb.kg.type ? -1 : ea.kg.type > eb.kg.type ? 1 : (a < b ? -1 : a > b ? 1 : 0);
    });
    var list = el("ol", { className: "kg-connections" });
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
  function showDetails(card, extra) {
    clear(details);
    details.appendChild(card);
    if (extra) { details.appendChild(extra); }
  }

  // ---- the network ------------------------------------------------------------------------
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
  if (data.nodes.length === 0) { finish(0); }

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
  network.on("hoverNode", function (p) { showHover(nodeCard(p.node), p.pointer.DOM); });
  network.on("hoverEdge", function (p) { if (edgeById[p.edge]) { showHover(edgeCard(p.edge), p.pointer.DOM); } });
  network.on("blurNode", hideHover);
  network.on("blurEdge", hideHover);
  network.on("dragStart", hideHover);
  network.on("zoom", hideHover);

  // ---- neighbourhood highlight ------------------------------------------------------------
  var highlighted = false;
  function highlight(nodeIds, edgeIds) {
    var keepN = new Set(nodeIds), keepE = new Set(edgeIds);
    nodes.update(data.nodes.map(function (n) {
      return keepN.has(n.id) ? { id: n.id, color: n.color, font: { color: FONT_COLOR } } : { id: n.id, color: FADED, font: { color: FADED_FONT } };
    }));
    edges.update(data.edges.map(function (e) {
      return keepE.has(e.id) ? { id: e.id, color: e.color } : { id: e.id, color: FADED_EDGE };
    }));
    highlighted = true;
  }
  function unhighlight() {
    if (!highlighted) { return; }
    nodes.update(data.nodes.map(function (n) { return { id: n.id, color: n.color, font: { color: FONT_COLOR } }; }));
    edges.update(data.edges.map(function (e) { return { id: e.id, color: e.color }; }));
    highlighted = false;
  }
  function highlightNode(id) {
    highlight([id].concat(network.getConnectedNodes(id)), network.getConnectedEdges(id));
  }

  function selectNode(id) {
    if (!byId[id]) { return false; }
    if (nodes.get(id).hidden) { return false; }
    network.selectNodes([id]);
    highlightNode(id);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: { duration: 350, easingFunction: "easeInOutQuad" } });
    showDetails(nodeCard(id), connectionsList(id));
    return true;
  }

  network.on("click", function (p) {
    if (p.nodes.length) {
      highlightNode(p.nodes[0]);
      showDetails(nodeCard(p.nodes[0]), connectionsList(p.nodes[0]));
    } else if (p.edges.length && edgeById[p.edges[0]]) {
      var e = edgeById[p.edges[0]];
      highlight([e.from, e.to], [e.id]);
      showDetails(edgeCard(e.id));
    } else {
      unhighlight();
    }
  });

  // ---- legend and filters -----------------------------------------------------------------
  var hiddenLabels = new Set(), hiddenRelations = new Set();
  function applyFilters() {
    var nodeHidden = {};
    var visibleNodes = 0, visibleEdges = 0;
    nodes.update(data.nodes.map(function (n) {
      var hidden = hiddenLabels.has(n.kg.label);
      nodeHidden[n.id] = hidden;
      if (!hidden) { visibleNodes++; }
      return { id: n.id, hidden: hidden };
    }));
    edges.update(data.edges.map(function (e) {
      var hidden = hiddenRelations.has(e.kg.type) || nodeHidden[e.from] || nodeHidden[e.to];
      if (!hidden) { visibleEdges++; }
      return { id: e.id, hidden: hidden };
    }));
    view.visibleNodes = visibleNodes;
    view.visibleEdges = visibleEdges;
  }

  function legendRow(swatch, name, count, hiddenSet, kind) {
    var box = el("input", { type: "checkbox", "data-filter": kind, value: name });
    box.checked = true;
    box.disabled = count === 0;
    box.addEventListener("change", function () {
      if (box.checked) { hiddenSet.delete(name); } else { hiddenSet.add(name); }
      applyFilters();
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
