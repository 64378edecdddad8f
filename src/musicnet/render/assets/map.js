/* musicnet interactive map. All data text is placed with textContent, never innerHTML. */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("musicnet-data").textContent);
  var byId = new Map();
  DATA.nodes.forEach(function (n) { byId.set(n.id, n); });
  var STAGES = DATA.stages;

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function pretty(s) { return String(s).replace(/_/g, " "); }

  // ---- state ---------------------------------------------------------------------------
  var state = {
    view: "ladder",
    filters: {},          // key -> selected value ("" = all)
    kind: "",
    showLapsed: false,
    showPlanned: false,
    byCluster: false,     // colour organisations by cluster instead of type
    highlights: {},       // flag -> bool
    selected: null,       // selected organisation id
    reach: null           // Map id -> stage index reached (for the selected organisation)
  };

  // ---- adjacency over active (and proposed) routes, for pathways ----------------------
  var out = new Map();
  DATA.edges.forEach(function (e) {
    if (e.status !== "active" && e.status !== "proposed") return;
    if (!out.has(e.from)) out.set(e.from, []);
    out.get(e.from).push(e.to);
  });
  function reachable(start) {
    var seen = new Map([[start, 0]]);
    var queue = [start];
    while (queue.length) {
      var v = queue.shift();
      (out.get(v) || []).forEach(function (w) {
        if (!seen.has(w)) { seen.set(w, seen.get(v) + 1); queue.push(w); }
      });
    }
    return seen;
  }

  // ---- styles -----------------------------------------------------------------------------
  var SHAPE = {majority_cc: "diamond", minority_cc: "dot", general: "square"};
  var FLAG_COLOUR = DATA.flag_colours;
  function nodeStyle(n) {
    var base = DATA.type_colours[n.type] || "#888888";
    if (state.byCluster) {
      base = n.cluster >= 0 ? DATA.clusters[n.cluster].colour : "#dddddd";
    }
    var style = {
      id: n.id, label: n.name, shape: SHAPE[n.remit] || "dot", size: n.size,
      x: state.view === "geo" ? n.gx : n.x, y: state.view === "geo" ? n.gy : n.y,
      borderWidth: n.remit === "majority_cc" ? 3 : 1,
      color: {background: base, border: "#333333",
              highlight: {background: base, border: "#000000"}},
      font: {color: "#222222", size: 12}, opacity: 1
    };
    var ring = null;
    DATA.flag_order.forEach(function (f) {
      if (!ring && state.highlights[f] && n.flags.indexOf(f) >= 0) ring = FLAG_COLOUR[f];
    });
    if (ring) {
      style.borderWidth = 6;
      style.color.border = ring;
      style.color.highlight.border = ring;
    }
    if (n.change) {  // the map of changes
      var cc = DATA.change_colours[n.change];
      style.borderWidth = 6;
      style.color.border = cc;
      style.color.highlight.border = cc;
      if (n.change === "removed") {
        style.shapeProperties = {borderDashes: [5, 4]};
        style.color.background = "#f1f3f5";
        style.font = {color: "#868e96", size: 12};
      }
    }
    if (state.reach) {
      if (state.reach.has(n.id)) {
        var c = DATA.stage_colours[STAGES[n.top]];
        style.color = {background: c, border: n.id === state.selected ? "#000000" : "#333333",
                       highlight: {background: c, border: "#000000"}};
        if (n.id === state.selected) style.borderWidth = 5;
      } else {
        style.color = {background: "#e3e3e3", border: "#cccccc",
                       highlight: {background: "#e3e3e3", border: "#999999"}};
        style.font = {color: "#aaaaaa", size: 12};
      }
    }
    return style;
  }
  var ONE_SIDED = {source: true, target: true};
  function edgeStyle(e, i) {
    var style = {id: i, from: e.from, to: e.to, arrows: "to", width: 1,
                 color: {color: "#8a8a8a", highlight: "#222222", opacity: 0.75}};
    if (e.status === "lapsed") { style.dashes = [2, 6]; style.color = {color: "#bbbbbb"}; }
    if (e.status === "planned") { style.dashes = [8, 6]; style.color = {color: "#3a7bd5"}; }
    if (e.status === "active" && ONE_SIDED[e.evidence]) {  // only one side named it
      style.dashes = [3, 4]; style.color = {color: "#b5651d", highlight: "#222222", opacity: 0.85};
    }
    if (e.status === "proposed") {
      style.dashes = [10, 6]; style.width = 3; style.color = {color: "#1b9e3e"};
    }
    if (e.change) {  // the map of changes
      style.width = 3;
      style.color = {color: DATA.change_colours[e.change], highlight: "#222222"};
      style.dashes = e.change === "removed" ? [8, 6] : false;
    }
    if (state.highlights.bridge && e.bridge) {
      style.width = 4; style.color = {color: FLAG_COLOUR.bridge, highlight: FLAG_COLOUR.bridge};
    }
    if (state.reach) {
      var on = state.reach.has(e.from) && state.reach.has(e.to) &&
        (e.status === "active" || e.status === "proposed");
      if (on) { style.width = Math.max(style.width, 2); style.color = {color: "#222222"}; }
      else style.color = {color: "#e6e6e6", highlight: "#cccccc"};
    }
    return style;
  }

  // ---- filters --------------------------------------------------------------------------
  function nodeVisible(n) {
    var f = state.filters;
    if (f.borough && n.borough !== f.borough) return false;
    if (f.hub_area && n.hub_area !== f.hub_area) return false;
    if (f.type && n.type !== f.type) return false;
    if (f.remit && n.remit !== f.remit) return false;
    if (f.role && n.role !== f.role) return false;
    if (f.target_group && n.target_groups.indexOf(f.target_group) < 0) return false;
    if (f.stage && n.stages.indexOf(f.stage) < 0) return false;
    if (f.genre && n.genres.indexOf(f.genre) < 0) return false;
    return true;
  }
  function edgeVisible(e) {
    if (state.kind && e.kind !== state.kind) return false;
    if (e.status === "lapsed" && !state.showLapsed && !e.change) return false;
    if (e.status === "planned" && !state.showPlanned) return false;
    return true;
  }

  // ---- the network ----------------------------------------------------------------------
  var container = document.getElementById("map");
  var nodes = new vis.DataSet(DATA.nodes.map(nodeStyle));
  var edges = new vis.DataSet(DATA.edges.map(edgeStyle));
  var visibleNodes = new Set();
  var nodeView = new vis.DataView(nodes, {filter: function (item) {
    return visibleNodes.has(item.id);
  }});
  var edgeView = new vis.DataView(edges, {filter: function (item) {
    var e = DATA.edges[item.id];
    return edgeVisible(e) && visibleNodes.has(e.from) && visibleNodes.has(e.to);
  }});
  function computeVisible() {
    visibleNodes = new Set();
    DATA.nodes.forEach(function (n) { if (nodeVisible(n)) visibleNodes.add(n.id); });
  }
  computeVisible();
  var big = DATA.nodes.length > 1500;
  var network = new vis.Network(container, {nodes: nodeView, edges: edgeView}, {
    physics: {enabled: false, stabilization: false,
              solver: "forceAtlas2Based", forceAtlas2Based: {gravitationalConstant: -60}},
    layout: {improvedLayout: false, randomSeed: 1},
    edges: {smooth: false, selectionWidth: 2, arrowStrikethrough: false,
            arrows: {to: {scaleFactor: 0.5}}},
    nodes: {scaling: {label: {drawThreshold: 9}}},
    interaction: {hover: false, tooltipDelay: 0, hideEdgesOnDrag: big, hideEdgesOnZoom: big,
                  keyboard: {enabled: true, bindToWindow: false}, multiselect: false}
  });
  network.on("beforeDrawing", function (ctx) {
    var labels = DATA.view_labels[state.view] || [];
    ctx.save();
    ctx.font = state.view === "geo" ? "bold 22px sans-serif" : "bold 34px sans-serif";
    ctx.fillStyle = "rgba(31, 42, 68, 0.35)";
    ctx.textAlign = "center";
    labels.forEach(function (l) { ctx.fillText(l.text, l.x, l.y); });
    ctx.restore();
  });
  network.once("afterDrawing", function () { document.body.dataset.ready = "true"; });

  // Only items whose style changed are sent to vis (a full update is slow at 10,000+).
  var lastNode = DATA.nodes.map(function (n) { return JSON.stringify(nodeStyle(n)); });
  var lastEdge = DATA.edges.map(function (e, i) { return JSON.stringify(edgeStyle(e, i)); });
  function changed(items, styleOf, last) {
    var out = [];
    items.forEach(function (item, i) {
      var style = styleOf(item, i);
      var key = JSON.stringify(style);
      if (key !== last[i]) { last[i] = key; out.push(style); }
    });
    return out;
  }
  function restyle() {
    var n = changed(DATA.nodes, nodeStyle, lastNode);
    var e = changed(DATA.edges, edgeStyle, lastEdge);
    if (n.length) nodes.update(n);
    if (e.length) edges.update(e);
  }
  function refilter() {
    computeVisible();
    nodeView.refresh();
    edgeView.refresh();
    var msg = "Showing " + nodeView.length + " of " + DATA.nodes.length +
      " organisations and " + edgeView.length + " routes.";
    var status = document.getElementById("visible");
    status.textContent = msg;
    document.body.dataset.visibleNodes = String(nodeView.length);
    document.body.dataset.visibleEdges = String(edgeView.length);
  }

  // ---- controls ---------------------------------------------------------------------------
  var highlightBox = document.getElementById("highlights");
  DATA.flag_order.forEach(function (f) {
    var label = el("label");
    var box = el("input", {type: "checkbox", id: "hl-" + f, "data-flag": f});
    box.addEventListener("change", function () {
      state.highlights[f] = box.checked; restyle();
    });
    var swatch = el("span", {"class": "swatch ring"});
    swatch.style.borderColor = FLAG_COLOUR[f];
    label.appendChild(box);
    label.appendChild(swatch);
    label.appendChild(document.createTextNode(" " + DATA.flag_labels[f] + " (" +
      DATA.counts[f] + ")"));
    highlightBox.appendChild(label);
  });

  var filterBox = document.getElementById("filters");
  DATA.filters.forEach(function (spec) {
    var id = "filter-" + spec.key;
    var label = el("label", {"for": id}, spec.label);
    var select = el("select", {id: id});
    select.appendChild(el("option", {value: ""}, "All"));
    spec.values.forEach(function (v) { select.appendChild(el("option", {value: v}, pretty(v))); });
    select.addEventListener("change", function () {
      state.filters[spec.key] = select.value; refilter();
    });
    filterBox.appendChild(label);
    filterBox.appendChild(select);
  });
  var routeBox = document.getElementById("route-filters");
  var kindSelect = el("select", {id: "filter-kind"});
  kindSelect.appendChild(el("option", {value: ""}, "All kinds"));
  DATA.kinds.forEach(function (k) { kindSelect.appendChild(el("option", {value: k}, k)); });
  kindSelect.addEventListener("change", function () { state.kind = kindSelect.value; refilter(); });
  routeBox.appendChild(el("label", {"for": "filter-kind"}, "Route kind"));
  routeBox.appendChild(kindSelect);
  document.getElementById("show-lapsed").addEventListener("change", function (ev) {
    state.showLapsed = ev.target.checked; refilter();
  });
  document.getElementById("show-planned").addEventListener("change", function (ev) {
    state.showPlanned = ev.target.checked; refilter();
  });

  Array.prototype.forEach.call(document.querySelectorAll("input[name=view]"), function (r) {
    r.addEventListener("change", function () {
      if (!r.checked) return;
      state.view = r.value; restyle(); network.fit({animation: false});
    });
  });
  var relax = document.getElementById("relax");
  relax.addEventListener("click", function () {
    var on = relax.getAttribute("aria-pressed") !== "true";
    relax.setAttribute("aria-pressed", on ? "true" : "false");
    relax.textContent = on ? "Stop relaxing" : "Relax layout";
    network.setOptions({physics: {enabled: on}});
  });
  document.getElementById("fit").addEventListener("click", function () {
    network.fit({animation: false});
  });

  // legend
  var legend = document.getElementById("legend");
  if (DATA.change_colours) {
    legend.appendChild(el("h2", null, "Changes since last time"));
    var clist = el("ul", {"class": "legend", "id": "legend-changes"});
    Object.keys(DATA.change_colours).forEach(function (k) {
      var li = el("li");
      var sw = el("span", {"class": "swatch change-" + k});
      sw.style.border = "3px " + (k === "removed" ? "dashed " : "solid ") +
        DATA.change_colours[k];
      li.appendChild(sw);
      li.appendChild(document.createTextNode(" " + DATA.change_labels[k]));
      clist.appendChild(li);
    });
    legend.appendChild(clist);
  }
  if (DATA.edges.some(function (e) { return e.status === "active" && ONE_SIDED[e.evidence]; })) {
    legend.appendChild(el("h2", null, "Routes from a survey"));
    var elist = el("ul", {"class": "legend", "id": "legend-evidence"});
    var eli = el("li");
    var esw = el("span", {"class": "swatch one-sided"});
    esw.style.border = "2px dotted #b5651d";
    eli.appendChild(esw);
    eli.appendChild(document.createTextNode(" Named by one side only (not confirmed)"));
    elist.appendChild(eli);
    legend.appendChild(elist);
  }
  legend.appendChild(el("h2", null, "Organisation types"));
  var list = el("ul", {"class": "legend"});
  DATA.types_present.forEach(function (t) {
    var li = el("li");
    var sw = el("span", {"class": "swatch"});
    sw.style.background = DATA.type_colours[t];
    li.appendChild(sw);
    li.appendChild(document.createTextNode(" " + pretty(t)));
    list.appendChild(li);
  });
  legend.appendChild(list);
  legend.appendChild(el("h2", null, "Stages (when showing pathways)"));
  var slist = el("ul", {"class": "legend"});
  STAGES.forEach(function (s) {
    var li = el("li");
    var sw = el("span", {"class": "swatch"});
    sw.style.background = DATA.stage_colours[s];
    li.appendChild(sw);
    li.appendChild(document.createTextNode(" " + pretty(s)));
    slist.appendChild(li);
  });
  legend.appendChild(slist);
  var clusterLegend = el("div", {"id": "legend-clusters", "hidden": "hidden"});
  clusterLegend.appendChild(el("h2", null, "Clusters (most connected member)"));
  var kl = el("ul", {"class": "legend"});
  DATA.clusters.forEach(function (c) {
    var li = el("li");
    var sw = el("span", {"class": "swatch"});
    sw.style.background = c.colour;
    li.appendChild(sw);
    li.appendChild(document.createTextNode(" " + c.name + " (" + c.size + ")"));
    kl.appendChild(li);
  });
  clusterLegend.appendChild(kl);
  legend.insertBefore(clusterLegend, legend.firstChild);
  var byCluster = document.getElementById("colour-cluster");
  byCluster.disabled = DATA.clusters.length === 0;
  byCluster.addEventListener("change", function () {
    state.byCluster = byCluster.checked;
    if (state.byCluster) clusterLegend.removeAttribute("hidden");
    else clusterLegend.setAttribute("hidden", "hidden");
    restyle();
  });

  // ---- details panel --------------------------------------------------------------------
  var panel = document.getElementById("panel-body");
  var panelEmpty = document.getElementById("panel-empty");
  function safeUrl(u) {
    try {
      var url = new URL(u);
      return (url.protocol === "http:" || url.protocol === "https:") ? url.href : null;
    } catch (err) { return null; }
  }
  function routeList(title, items) {
    var wrap = el("section");
    wrap.appendChild(el("h3", null, title + " (" + items.length + ")"));
    if (!items.length) { wrap.appendChild(el("p", {"class": "muted"}, "None.")); return wrap; }
    var ul = el("ul", {"class": "routes"});
    items.forEach(function (it) {
      var li = el("li");
      var b = el("button", {type: "button", "class": "link", "data-id": it.id},
                 byId.get(it.id).name);
      b.addEventListener("click", function () { select(it.id, true); });
      li.appendChild(b);
      li.appendChild(el("span", {"class": "muted"}, " " + it.kind +
        (it.status !== "active" ? " (" + it.status + ")" : "") +
        (ONE_SIDED[it.evidence] ? " (one side only)" : "") +
        (it.people !== null && it.people !== undefined ? ", " + it.people + " a year" : "")));
      ul.appendChild(li);
    });
    wrap.appendChild(ul);
    return wrap;
  }
  function showPanel(id) {
    var n = byId.get(id);
    panel.replaceChildren();
    panel.hidden = false;
    panelEmpty.hidden = true;
    panel.appendChild(el("h2", {id: "panel-name"}, n.name));
    var dl = el("dl");
    // vocabulary values are shown with spaces for underscores; free text exactly as given
    function row(k, v, vocab) {
      if (v === null || v === undefined || v === "" || (Array.isArray(v) && !v.length)) return;
      var show = vocab ? pretty : String;
      dl.appendChild(el("dt", null, k));
      dl.appendChild(el("dd", null, Array.isArray(v) ? v.map(show).join(", ") : show(v)));
    }
    row("Id", n.id);
    row("Type", n.type, true);
    row("Remit", DATA.remit_labels[n.remit]);
    row("Pathfinders role", n.role, true);
    row("Stages", n.stages, true);
    row("Target groups", n.target_groups, true);
    row("Genres", n.genres);
    row("Borough", n.borough + (n.hub_area ? " (" + n.hub_area + " hub area)" : ""));
    if (n.age_min !== null || n.age_max !== null) {
      row("Ages", (n.age_min === null ? "?" : n.age_min) + " to " +
        (n.age_max === null ? "?" : n.age_max));
    }
    row("IMD decile", n.imd_decile);
    row("Contact", n.contact_email);
    row("Notes", n.notes);
    panel.appendChild(dl);
    var url = n.website ? safeUrl(n.website) : null;
    if (url) {
      var a = el("a", {href: url, target: "_blank", rel: "noopener noreferrer nofollow",
                       id: "panel-website"}, n.website);
      var p = el("p");
      p.appendChild(a);
      panel.appendChild(p);
    }
    if (n.flags.length) {
      var warn = el("ul", {"class": "flags"});
      n.flags.forEach(function (f) {
        warn.appendChild(el("li", null, DATA.flag_labels[f] +
          (f === "bridge_org" ? ": " + n.cut_off + " cut off if it closed" : "")));
      });
      panel.appendChild(warn);
    }
    var incoming = [], onward = [];
    DATA.edges.forEach(function (e) {
      if (e.to === id) incoming.push({id: e.from, kind: e.kind, status: e.status, people: e.people,
                                      evidence: e.evidence});
      if (e.from === id) onward.push({id: e.to, kind: e.kind, status: e.status, people: e.people,
                                      evidence: e.evidence});
    });
    panel.appendChild(routeList("Comes from", incoming));
    panel.appendChild(routeList("Leads on to", onward));
    var reachedStages = new Set();
    state.reach.forEach(function (d, v) {
      byId.get(v).stages.forEach(function (s) { reachedStages.add(s); });
    });
    var path = el("section", {id: "pathways"});
    path.appendChild(el("h3", null, "Where a young person can go from here"));
    path.appendChild(el("p", null, (state.reach.size - 1) + " organisations reachable."));
    var ul = el("ul", {"class": "stages"});
    STAGES.forEach(function (s) {
      var ok = reachedStages.has(s);
      ul.appendChild(el("li", {"class": ok ? "ok" : "missing"},
        pretty(s) + ": " + (ok ? "reachable" : "not reachable")));
    });
    path.appendChild(ul);
    var clear = el("button", {type: "button", id: "clear-selection"}, "Clear selection");
    clear.addEventListener("click", function () { select(null); });
    path.appendChild(clear);
    panel.appendChild(path);
  }
  function select(id, focus) {
    state.selected = id;
    state.reach = id ? reachable(id) : null;
    restyle();
    if (id) {
      network.selectNodes(visibleNodes.has(id) ? [id] : []);
      if (focus && visibleNodes.has(id)) {
        network.focus(id, {scale: Math.max(network.getScale(), 1), animation: false});
      }
      showPanel(id);
      document.body.dataset.selected = id;
    } else {
      network.unselectAll();
      panel.hidden = true;
      panelEmpty.hidden = false;
      delete document.body.dataset.selected;
    }
  }
  network.on("click", function (params) {
    if (params.nodes.length) select(params.nodes[0], false);
  });

  // ---- search -----------------------------------------------------------------------------
  document.getElementById("search-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var q = document.getElementById("search").value.trim().toLowerCase();
    var status = document.getElementById("search-status");
    if (!q) { status.textContent = ""; return; }
    var hit = byId.get(q) || null;
    if (!hit) {
      DATA.nodes.some(function (n) {
        if (n.id.toLowerCase() === q || n.name.toLowerCase().indexOf(q) >= 0) {
          hit = n; return true;
        }
        return false;
      });
    }
    if (!hit) { status.textContent = "No organisation matches that."; return; }
    if (!visibleNodes.has(hit.id)) {
      state.filters = {};
      Array.prototype.forEach.call(filterBox.querySelectorAll("select"), function (s) {
        s.value = "";
      });
      refilter();
    }
    status.textContent = "Found: " + hit.name;
    select(hit.id, true);
  });

  refilter();
  window.musicnetMap = {network: network, nodes: nodes, edges: edges, nodeView: nodeView,
                        edgeView: edgeView, data: DATA, select: select};
})();
