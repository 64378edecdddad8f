/* musicnet interactive map. All data text is placed with textContent (or drawn on the
   canvas), never innerHTML. Organisations are known by their position in the data (an
   integer); their ids are only ever keys of Map objects, so ids such as "__proto__" or
   "constructor" are plain strings here. */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("musicnet-data").textContent);
  var N = DATA.nodes.id, V = DATA.vocab, ND = DATA.nodes, ED = DATA.edges;
  // positions in whole map units, as vis-network keeps them (it parses x and y as
  // integers): an organisation is drawn in the same place before and after vis holds it
  function whole(a) { return a.map(function (v) { return v === null ? v : Math.round(v); }); }
  DATA.ladders.forEach(function (l) { l.x = whole(l.x); l.y = whole(l.y); });
  ND.gx = whole(ND.gx); ND.gy = whole(ND.gy);
  var n = N.length, m = ED.s.length;
  var byId = new Map();
  N.forEach(function (id, i) { byId.set(id, i); });
  var STAGES = V.stage;
  var FLAG_BIT = new Map();
  DATA.flag_order.forEach(function (f, i) { FLAG_BIT.set(f, 1 << i); });
  function sparse(obj, i) {
    var k = String(i);
    return Object.prototype.hasOwnProperty.call(obj, k) ? obj[k] : null;
  }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function pretty(s) { return String(s).replace(/_/g, " "); }
  function typeName(t) {
    return Object.prototype.hasOwnProperty.call(DATA.type_names, t) ? DATA.type_names[t] : pretty(t);
  }
  function fromBits(b, vocab) {
    var out = [];
    if (Array.isArray(b)) return b.map(function (k) { return vocab[k]; });
    for (var k = 0; k < vocab.length; k++) if (b & (1 << k)) out.push(vocab[k]);
    return out;
  }
  function hasFlag(i, f) { return (ND.flags[i] & FLAG_BIT.get(f)) !== 0; }
  function hubArea(i) { return DATA.hub_of_borough[V.borough[ND.borough[i]]]; }
  var org = {  // readable views of one organisation
    name: function (i) { return ND.name[i]; },
    type: function (i) { return V.type[ND.type[i]]; },
    remit: function (i) { return V.remit[ND.remit[i]]; },
    role: function (i) { return V.role[ND.role[i]]; },
    borough: function (i) { return V.borough[ND.borough[i]]; },
    stages: function (i) { return fromBits(ND.stages[i], STAGES); },
    groups: function (i) { return fromBits(ND.groups[i], V.group); },
    genres: function (i) { return fromBits(ND.genres[i], V.genre); }
  };
  var edgeCls = new Map(), edgePeople = new Map(), bridgeEdge = new Set(ED.bridge);
  Object.keys(ED.cls).forEach(function (k) { edgeCls.set(+k, ED.cls[k]); });
  Object.keys(ED.people).forEach(function (k) { edgePeople.set(+k, ED.people[k]); });
  function edgeStatus(j) { return V.status[ED.status[j]]; }
  // borough outlines come as encoded polylines (see musicnet.render.map.polyline)
  function decodePolyline(str) {
    var out = [], i = 0, prev = [0, 0], axis = 0;
    while (i < str.length) {
      var result = 0, shift = 0, b;
      do { b = str.charCodeAt(i++) - 63; result |= (b & 0x1f) << shift; shift += 5; } while (b >= 0x20);
      prev[axis] += (result & 1) ? ~(result >> 1) : (result >> 1);
      out.push(prev[axis]);
      axis = 1 - axis;
    }
    return out;
  }
  DATA.geo.boroughs.forEach(function (b) { b.rings = b.rings.map(decodePolyline); });

  // ---- state ------------------------------------------------------------------------------
  var narrow = window.matchMedia("(max-width: 900px)").matches;
  var state = {
    view: "ladder", colourBy: "role", filters: {}, kind: "", showLapsed: false,
    showPlanned: false, showSuggested: false, highlights: {}, selected: null, reach: null,
    hits: [], suggestion: null
  };
  // the findings ringed when the map opens (the rest are a tick away)
  DATA.highlights_on.forEach(function (f) { state.highlights[f] = true; });

  // ---- routes a young person can take: active and proposed, as adjacency lists -------------
  var outAdj = [], inAdj = [];
  for (var i0 = 0; i0 < n; i0++) { outAdj.push([]); inAdj.push([]); }
  for (var j0 = 0; j0 < m; j0++) {
    var st0 = edgeStatus(j0);
    if (st0 === "active" || edgeCls.get(j0) === "proposed") {
      outAdj[ED.s[j0]].push(ED.t[j0]); inAdj[ED.t[j0]].push(ED.s[j0]);
    }
  }
  function reachable(start) {
    var seen = new Map([[start, 0]]), queue = [start], head = 0;
    while (head < queue.length) {
      var v = queue[head++];
      outAdj[v].forEach(function (w) {
        if (!seen.has(w)) { seen.set(w, seen.get(v) + 1); queue.push(w); }
      });
    }
    return seen;
  }

  // ---- filters ----------------------------------------------------------------------------
  var visible = new Uint8Array(n).fill(1);  // no filter at the start
  function nodeVisible(i) {
    var f = state.filters;
    if (f.borough && org.borough(i) !== f.borough) return false;
    if (f.hub_area && hubArea(i) !== f.hub_area) return false;
    if (f.type && org.type(i) !== f.type) return false;
    if (f.remit && org.remit(i) !== f.remit) return false;
    if (f.role && org.role(i) !== f.role) return false;
    if (f.target_group && org.groups(i).indexOf(f.target_group) < 0) return false;
    if (f.stage && org.stages(i).indexOf(f.stage) < 0) return false;
    if (f.genre && org.genres(i).indexOf(f.genre) < 0) return false;
    return true;
  }
  function edgeShown(j) {
    if (!visible[ED.s[j]] || !visible[ED.t[j]]) return false;
    if (state.kind && V.kind[ED.kind[j]] !== state.kind) return false;
    var s = edgeStatus(j);
    if (edgeCls.has(j)) return true;  // routes marked by a feature (proposed, changes)
    if (s === "lapsed" && !state.showLapsed) return false;
    if (s === "planned" && !state.showPlanned) return false;
    return true;
  }

  // ---- node styles --------------------------------------------------------------------------
  var SHAPE = {majority_cc: "diamond", minority_cc: "dot", general: "square"};
  function colourValue(i) {
    var by = state.colourBy;
    if (by === "role") return org.role(i);
    if (by === "type") return org.type(i);
    if (by === "remit") return org.remit(i);
    if (by === "hub_area") return hubArea(i);
    if (by === "cluster") {
      var c = ND.cluster ? ND.cluster[i] : -1;
      return c >= 0 ? DATA.colour_schemes.cluster.names[c] : "";
    }
    return STAGES[ND.top[i]];
  }
  function fillOf(i) {
    var c = DATA.colour_schemes[state.colourBy].colours[colourValue(i)];
    return c || "#999999";
  }
  var GREY = {background: "#E6E6E6", border: "#C8C8C8"};
  // an organisation's look as drawn now: [fill, border colour, border width]
  function nodeLook(i) {
    var bg = fillOf(i), border = "#333333", bw = 1;
    if (state.reach) {
      if (state.reach.has(i)) bg = DATA.colour_schemes.top.colours[STAGES[ND.top[i]]];
      else if (sendsHere(i)) { bg = GREY.background; border = FROM_BORDER; bw = 2; }
      else { bg = GREY.background; border = GREY.border; }
      if (i === state.selected) { border = "#000000"; bw = 3; }
    }
    return [bg, border, bw];
  }
  function nodeAt(i) { return state.view === "geo" ? pos.geo[i] : pos.ladder[i]; }
  // with an organisation selected: those that send young people to it along a running
  // route, and cannot be reached from it (the panel's "Comes from")
  var FROM_BORDER = "#222222";
  function sendsHere(i) {
    return state.selected !== null && !state.reach.has(i) && inAdj[state.selected].indexOf(i) >= 0;
  }

  // ---- positions: computed layout, plus what the user dragged (kept in localStorage) ------
  var pos = {ladder: [], geo: []};
  // of the ladder's shapes (tall, square-ish, wide), the one that draws organisations
  // biggest in this window
  var LADDER = (function () {
    var box = document.getElementById("map-wrap"), lg = document.getElementById("legend");
    var W = box.clientWidth - 112 - 122, H = box.clientHeight - 56 - (lg ? lg.offsetHeight : 0);
    var best = DATA.ladders[DATA.ladders.length - 1], bestScale = -1;
    DATA.ladders.forEach(function (l) {
      var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
      for (var i = 0; i < l.x.length; i++) {
        x0 = Math.min(x0, l.x[i]); x1 = Math.max(x1, l.x[i]);
        y0 = Math.min(y0, l.y[i]); y1 = Math.max(y1, l.y[i]);
      }
      var sc = Math.min(W / Math.max(x1 - x0, 1), H / Math.max(y1 - y0, 1));
      if (sc > bestScale * 1.02) { best = l; bestScale = sc; }
    });
    return best;
  })();
  var STORE, moved;
  function loadMoved() {  // positions the user dragged, kept per data and ladder shape
    STORE = "musicnet-positions:" + DATA.key + ":" + LADDER.aspect;
    moved = {ladder: new Map(), geo: new Map()};
    try {
      var saved = JSON.parse(window.localStorage.getItem(STORE) || "null");
      if (saved) ["ladder", "geo"].forEach(function (v) {
        (saved[v] || []).forEach(function (t) {
          if (byId.has(t[0]) && isFinite(t[1]) && isFinite(t[2])) {
            moved[v].set(t[0], [Math.round(t[1]), Math.round(t[2])]);
          }
        });
      });
    } catch (err) { /* storage unavailable or unreadable: start from the layout */ }
  }
  loadMoved();
  function layoutPositions() {
    for (var i = 0; i < n; i++) {
      pos.ladder[i] = [LADDER.x[i], LADDER.y[i]];
      pos.geo[i] = [ND.gx[i], ND.gy[i]];
    }
    ["ladder", "geo"].forEach(function (v) {
      moved[v].forEach(function (p, id) { pos[v][byId.get(id)] = p.slice(); });
    });
  }
  layoutPositions();
  function persist() {
    try {
      var out = {};
      ["ladder", "geo"].forEach(function (v) {
        out[v] = [];
        moved[v].forEach(function (p, id) { out[v].push([id, p[0], p[1]]); });
      });
      window.localStorage.setItem(STORE, JSON.stringify(out));
    } catch (err) { /* private browsing: positions are kept for this visit only */ }
  }

  // ---- vis-network: organisations (and the suggested links, which can be clicked) --------
  var container = document.getElementById("map");
  // The page draws every organisation itself (looks[i]: its fill, border and width) and
  // vis-network is the camera and the pointer: it pans, zooms, hovers, selects and drags.
  // vis is handed an organisation (its position, shape and size) only when it needs it:
  // when the pointer comes over it, when it is selected or is the end of a suggested
  // link, and all of them for "Relax layout". Making a vis node costs about a tenth of a
  // millisecond, a third of the time to open a 2,000-organisation map when all were made.
  var looks = [], lastAt = [], shapeOf = [], inVis = new Uint8Array(n);
  for (var i1 = 0; i1 < n; i1++) {
    var p1 = nodeAt(i1);
    shapeOf.push(SHAPE[org.remit(i1)] || "dot");
    looks.push(nodeLook(i1));
    lastAt.push(p1[0] + "," + p1[1]);
  }
  var nodes = new vis.DataSet([]);
  var layer = new Map();  // organisation -> the rank of its look's path in the last frame
  function setBox(node, x, y, r) {  // the organisation's box for clicks and hover, as vis sets it
    var sh = node.shape, bb = sh.boundingBox;
    sh.width = sh.height = 2 * r; sh.radius = r; sh.left = x - r; sh.top = y - r;
    bb.left = x - r; bb.top = y - r; bb.right = x + r; bb.bottom = y + r;
  }
  function toVis(list) {  // hand organisations to vis, each once, where the page draws them
    var add = [];
    list.forEach(function (i) {
      if (inVis[i]) return;
      inVis[i] = 1;
      var p = nodeAt(i);
      add.push({id: i, x: p[0], y: p[1], shape: shapeOf[i], size: ND.size[i]});
    });
    if (!add.length) return;
    nodes.add(add);
    add.forEach(function (it) {
      var b = network.body.nodes[it.id];
      if (b) setBox(b, it.x, it.y, it.size);
    });
  }
  var edges = new vis.DataSet(DATA.suggestions.map(function (sg, k) {
    var ls = DATA.line_styles.suggested;
    return {id: "s" + k, from: sg.s, to: sg.t, arrows: "to", width: ls.width,
            dashes: ls.dash, color: {color: ls.colour, highlight: "#000000", hover: "#000000"},
            hoverWidth: 1.5, selectionWidth: 2, physics: false, suggestion: k};
  }));
  var nodeView = new vis.DataView(nodes, {filter: function (item) { return visible[item.id] === 1; }});
  var edgeView = new vis.DataView(edges, {filter: function (item) {
    if (item.suggestion !== undefined) {
      return state.showSuggested && visible[item.from] === 1 && visible[item.to] === 1;
    }
    return visible[item.from] === 1 && visible[item.to] === 1;  // relax springs (hidden)
  }});
  var big = n > 1500;
  var network = new vis.Network(container, {nodes: nodeView, edges: edgeView}, {
    autoResize: true,
    physics: {enabled: false, stabilization: false, solver: "forceAtlas2Based",
              forceAtlas2Based: {gravitationalConstant: -40, springLength: 60}},
    layout: {improvedLayout: false, randomSeed: 1},
    nodes: {label: undefined, font: {size: 0}, chosen: true},
    edges: {smooth: false, arrowStrikethrough: false, arrows: {to: {scaleFactor: 0.6}}},
    interaction: {hover: true, tooltipDelay: 3600000, hideEdgesOnDrag: false,
                  hideEdgesOnZoom: false, keyboard: {enabled: true, bindToWindow: false},
                  multiselect: false, selectConnectedEdges: false}
  });
  var view = network.body.view;
  // vis-network draws each organisation on its own (a save, fill, stroke and restore each),
  // which at thousands of organisations is most of a frame: the page draws the plain ones
  // itself, one path per colour, and leaves hovered and selected ones to vis. Each
  // organisation's box for clicks and hover is set as vis sets it (its shape's size).
  var renderer = network.renderer, visDrawNodes = renderer._drawNodes;
  renderer._drawNodes = function (ctx, always) {
    if (always) return visDrawNodes.call(renderer, ctx, always);
    var all = network.body.nodes, s = view.scale;
    var W = container.clientWidth, H = container.clientHeight, pad = 20;
    var x0 = (-pad - view.translation.x) / s, y0 = (-pad - view.translation.y) / s;
    var x1 = (W + pad - view.translation.x) / s, y1 = (H + pad - view.translation.y) / s;
    var paths = new Map(), late = [];
    layer.clear();
    for (var i = 0; i < n; i++) {
      if (!visible[i]) continue;
      var node = inVis[i] ? all[i] : undefined, r = ND.size[i], x, y;
      if (node) {  // vis holds it: vis may be moving it (dragging, relaxing)
        if (node.hover || node.selected) { late.push(node); continue; }
        x = node.x; y = node.y;
        setBox(node, x, y, r);
      } else {
        var q = nodeAt(i);
        x = q[0]; y = q[1];
      }
      // one path per look, drawn in the order the looks first appear (on screen or not,
      // so what is drawn on top of what does not change as you pan)
      var lk = looks[i], key = lk[0] + "|" + lk[1] + "|" + lk[2];
      var p = paths.get(key);
      if (!p) {
        p = {path: new Path2D(), fill: lk[0], stroke: lk[1], bw: lk[2], r: r, rank: paths.size};
        paths.set(key, p);
      }
      layer.set(i, p.rank);
      if (x + r < x0 || x - r > x1 || y + r < y0 || y - r > y1) continue;
      p.r = Math.min(p.r, r);
      var P = p.path;
      if (shapeOf[i] === "square") P.rect(x - r, y - r, 2 * r, 2 * r);
      else if (shapeOf[i] === "diamond") {
        P.moveTo(x, y + r); P.lineTo(x + r, y); P.lineTo(x, y - r); P.lineTo(x - r, y); P.lineTo(x, y + r);
      } else { P.moveTo(x + r, y); P.arc(x, y, r, 0, 2 * Math.PI); }
    }
    ctx.save();
    ctx.lineJoin = "miter";
    paths.forEach(function (p) {
      ctx.fillStyle = p.fill;
      ctx.fill(p.path);
      if (p.bw > 0) {
        ctx.strokeStyle = p.stroke;
        ctx.lineWidth = Math.min(2 * p.r, p.bw / s);
        ctx.stroke(p.path);
      }
    });
    ctx.restore();
    late.forEach(function (node) { visLook(node); node.draw(ctx); });
    return {drawExternalLabels: null};
  };
  function visLook(node) {  // the organisation's look, as vis reads it when drawing
    var lk = looks[node.id], o = node.options;
    o.color = {background: lk[0], border: lk[1], highlight: {background: lk[0], border: "#000000"},
               hover: {background: lk[0], border: "#000000"}};
    o.borderWidth = lk[2];
    o.borderWidthSelected = 3;
  }
  // nothing is drawn until the page is set up (vis would otherwise draw every organisation
  // once per setup step); the first frame is the opening view, names and all
  var booting = true;
  network.body.emitter.emit("_blockRedraw");
  // the suggested links are vis edges, and vis draws an edge only between nodes it holds
  toVis(DATA.suggestions.reduce(function (acc, sg) { return acc.concat([sg.s, sg.t]); }, []));
  function toDom(x, y) { return [x * view.scale + view.translation.x, y * view.scale + view.translation.y]; }
  function nodeXY(i) {
    var b = network.body.nodes[i];
    return b ? [b.x, b.y] : (state.view === "geo" ? pos.geo[i] : pos.ladder[i]);
  }

  // ---- obstacles the names must avoid: the key and the details panel -------------------
  var legendBox = document.getElementById("legend");
  var panelBox = document.getElementById("panel");
  var wrap = document.getElementById("map-wrap");
  function rectIn(elm) {
    if (!elm || elm.hidden) return null;
    var r = elm.getBoundingClientRect(), w = wrap.getBoundingClientRect();
    if (!r.width || !r.height) return null;
    return [r.left - w.left, r.top - w.top, r.width, r.height];
  }

  // ---- drawing: background and routes before vis draws the nodes ------------------------
  // the naming rule (musicnet.render.labels.LABEL_RULE, shared with the static picture)
  var LR = DATA.labels;
  var FONT = LR.font_px + "px system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif";
  var LINE_H = LR.line_h, LABEL_W = LR.wraps[0];
  function dash(ctx, d, scaleBy) {
    ctx.setLineDash((d || []).map(function (x) { return x / scaleBy; }));
  }
  function drawBackground(ctx) {
    var s = view.scale;
    ctx.save();
    if (state.view === "ladder") {
      var bands = LADDER.bands, groups = LADDER.groups;
      if (bands.length && groups.length) {
        var x0 = bands[0].x0 - 20, x1 = bands[bands.length - 1].x1;
        groups.forEach(function (g, k) {
          ctx.fillStyle = k % 2 ? "rgba(31,42,68,0.035)" : "rgba(31,42,68,0.075)";
          ctx.fillRect(x0, g.y0 - 16, x1 - x0, g.y1 - g.y0 + 2);
        });
        ctx.strokeStyle = "rgba(31,42,68,0.18)";
        ctx.lineWidth = 1 / s;
        bands.forEach(function (b, k) {
          if (!k) return;
          var x = b.x0 - 22;
          ctx.beginPath(); ctx.moveTo(x, groups[0].y0 - 40); ctx.lineTo(x, groups[groups.length - 1].y1);
          ctx.stroke();
        });
      }
    } else {
      DATA.geo.boroughs.forEach(function (b) {
        ctx.beginPath();
        b.rings.forEach(function (r) {
          ctx.moveTo(r[0], r[1]);
          for (var k = 2; k < r.length; k += 2) ctx.lineTo(r[k], r[k + 1]);
          ctx.closePath();
        });
        ctx.fillStyle = DATA.area_tints[b.area] || "#eeeeee";
        ctx.fill("evenodd");
        ctx.strokeStyle = "#8c8c8c";
        ctx.lineWidth = 1 / s;
        ctx.stroke();
      });
      DATA.geo.strip.forEach(function (b) {
        if (!b.count) return;  // an empty box says nothing
        // at least as wide as its name (which keeps its size in pixels as the map shrinks)
        measureCtx.font = BOLD;
        var named = b.x0 + (measureCtx.measureText(b.name + " (" + b.count + ")").width + 14) / s;
        measureCtx.font = FONT;
        var bx1 = Math.max(b.x1, named);
        // its name in a band of STRIP_HEAD pixels on top of the box, above the organisations
        // (inside the box, a name that keeps its size covered them when zoomed out)
        var top = b.y0 - STRIP_HEAD / s;
        ctx.fillStyle = "#f1f1f1";
        ctx.strokeStyle = "#8c8c8c";
        ctx.lineWidth = 1 / s;
        ctx.fillRect(b.x0, top, bx1 - b.x0, b.y1 - top);
        ctx.strokeRect(b.x0, top, bx1 - b.x0, b.y1 - top);
      });
    }
    ctx.restore();
  }
  function edgeStyleKey(j) {
    var cls = edgeCls.get(j);
    if (state.reach) {
      var on = state.reach.has(ED.s[j]) && state.reach.has(ED.t[j]) &&
        (edgeStatus(j) === "active" || cls === "proposed");
      if (on) return "pathway";
      if (ED.t[j] === state.selected && (edgeStatus(j) === "active" || cls === "proposed")) return "incoming";
      return "faded";
    }
    if (cls) return "cls:" + cls;
    if (state.highlights.bridge && bridgeEdge.has(j)) return "bridge";
    return edgeStatus(j);
  }
  function styleFor(key) {
    if (key === "faded") return {colour: "#E4E4E4", width: 1, dash: []};
    if (key.indexOf("cls:") === 0) {
      return DATA.class_styles[key.slice(4)] || DATA.line_styles.active;
    }
    return DATA.line_styles[key] || DATA.line_styles.active;
  }
  var ORDER = ["faded", "lapsed", "planned", "active", "bridge", "incoming", "pathway"];

  // ---- routes bent around the organisations they would pass over ----------------------
  // The rule and its steps are musicnet.render.bends (BEND_RULE, bend_routes), shared with
  // the static picture: a route whose straight line comes within an organisation's radius
  // plus BR.clear of one it neither starts nor ends at is drawn as a quadratic curve, with
  // the first of BR.bows that is clear (straight if none is). Worked out again
  // only when what is shown or where it is changes (a drag, "Relax layout", the view).
  var STRIP_HEAD = 22;  // px: the band holding a London-wide / Outside London box's name
  var BR = DATA.bends, bendSig = "", bent = new Map();
  function bendRoutes() {  // route -> its curve's control point [x, y]
    var pts = new Array(n), count = 0;
    for (var i = 0; i < n; i++) if (visible[i]) { pts[i] = nodeXY(i); count++; }
    if (count > BR.max_orgs || count < 3 || !m) {
      if (bent.size) bent = new Map();
      bendSig = "";
      return bent;
    }
    var sig = state.view + ":" + pts.join(";");
    if (sig === bendSig) return bent;
    bendSig = sig;
    bent = new Map();
    var reach = new Float64Array(n), cell = 1, grid = new Map();
    for (i = 0; i < n; i++) if (pts[i]) { reach[i] = ND.size[i] + BR.clear; cell = Math.max(cell, 2 * reach[i]); }
    for (i = 0; i < n; i++) {
      if (!pts[i]) continue;
      var x = pts[i][0], y = pts[i][1], r = reach[i];
      for (var gx = Math.floor((x - r) / cell); gx <= Math.floor((x + r) / cell); gx++) {
        for (var gy = Math.floor((y - r) / cell); gy <= Math.floor((y + r) / cell); gy++) {
          var gk = gx + "," + gy, list = grid.get(gk);
          if (list) list.push(i); else grid.set(gk, [i]);
        }
      }
    }
    function segDist2(px, py, a, b) {
      var dx = b[0] - a[0], dy = b[1] - a[1], dd = dx * dx + dy * dy;
      var t = dd === 0 ? 0 : Math.max(0, Math.min(1, ((px - a[0]) * dx + (py - a[1]) * dy) / dd));
      var qx = a[0] + t * dx - px, qy = a[1] + t * dy - py;
      return qx * qx + qy * qy;
    }
    function hits(path, s, t) {  // does the polyline pass over an organisation but s and t?
      var near = new Set();
      for (var q0 = 0; q0 + 1 < path.length; q0++) {
        // the cells along each piece, cut into lengths of at most a cell (the box of a
        // long diagonal line would hold most of the map)
        var X0 = path[q0][0], Y0 = path[q0][1], X1 = path[q0 + 1][0], Y1 = path[q0 + 1][1];
        var steps = Math.max(1, Math.ceil(Math.sqrt((X1 - X0) * (X1 - X0) + (Y1 - Y0) * (Y1 - Y0)) / cell));
        for (var k0 = 0; k0 < steps; k0++) {
          var ax = X0 + (X1 - X0) * k0 / steps, ay = Y0 + (Y1 - Y0) * k0 / steps;
          var bx = X0 + (X1 - X0) * (k0 + 1) / steps, by = Y0 + (Y1 - Y0) * (k0 + 1) / steps;
          for (var gx2 = Math.floor(Math.min(ax, bx) / cell); gx2 <= Math.floor(Math.max(ax, bx) / cell); gx2++) {
            for (var gy2 = Math.floor(Math.min(ay, by) / cell); gy2 <= Math.floor(Math.max(ay, by) / cell); gy2++) {
              var hit = grid.get(gx2 + "," + gy2);
              if (hit) for (var h = 0; h < hit.length; h++) near.add(hit[h]);
            }
          }
        }
      }
      near.delete(s); near.delete(t);
      for (var k of near) {
        var p = pts[k], r2 = reach[k] * reach[k];
        for (var q = 0; q + 1 < path.length; q++) {
          if (segDist2(p[0], p[1], path[q], path[q + 1]) < r2) return true;
        }
      }
      return false;
    }
    function curve(a, c, b) {
      var out = [];
      for (var k = 0; k <= BR.samples; k++) {
        var t = k / BR.samples, u = 1 - t;
        out.push([u * u * a[0] + 2 * u * t * c[0] + t * t * b[0], u * u * a[1] + 2 * u * t * c[1] + t * t * b[1]]);
      }
      return out;
    }
    var nBows = count <= BR.few_orgs ? BR.bows.length : BR.bows_when_many;
    for (var j = 0; j < m; j++) {
      var s = ED.s[j], t = ED.t[j], a = pts[s], b = pts[t];
      if (!a || !b || s === t || (a[0] === b[0] && a[1] === b[1]) || !hits([a, b], s, t)) continue;
      var dx = b[0] - a[0], dy = b[1] - a[1], mx = (a[0] + b[0]) / 2, my = (a[1] + b[1]) / 2;
      var sign = dy > 0 || (dy === 0 && dx < 0) ? -1 : 1;
      var len = Math.sqrt(dx * dx + dy * dy);
      for (var q = 0; q < nBows; q++) {
        if (Math.abs(BR.bows[q]) * len / 2 > BR.max_bow) continue;  // no swooping arcs
        var k = BR.bows[q], c = [mx + sign * k * dy, my - sign * k * dx];
        if (!hits(curve(a, c, b), s, t)) { bent.set(j, c); break; }
      }
    }
    return bent;
  }

  function drawEdges(ctx) {
    var s = view.scale, W = container.clientWidth, H = container.clientHeight;
    var vx0 = -view.translation.x / s, vy0 = -view.translation.y / s;
    var vx1 = vx0 + W / s, vy1 = vy0 + H / s;
    var buckets = new Map();
    var shown = 0;
    for (var j = 0; j < m; j++) {
      if (!edgeShown(j)) continue;
      shown++;
      var a = nodeXY(ED.s[j]), b = nodeXY(ED.t[j]);
      if ((a[0] < vx0 && b[0] < vx0) || (a[0] > vx1 && b[0] > vx1) ||
          (a[1] < vy0 && b[1] < vy0) || (a[1] > vy1 && b[1] > vy1)) continue;
      var key = edgeStyleKey(j);
      if (!buckets.has(key)) buckets.set(key, []);
      buckets.get(key).push(j);
    }
    var keys = Array.from(buckets.keys()).sort(function (p, q) {
      var a = ORDER.indexOf(p), b = ORDER.indexOf(q);
      return (a < 0 ? 10 : a) - (b < 0 ? 10 : b);
    });
    var arrowsOn = s > 0.35, curved = bendRoutes();
    ctx.save();
    keys.forEach(function (key) {
      var st = styleFor(key), list = buckets.get(key);
      ctx.strokeStyle = st.colour; ctx.fillStyle = st.colour;
      ctx.globalAlpha = key === "active" ? 0.8 : 1;
      ctx.lineWidth = st.width / Math.max(s, 0.6);
      dash(ctx, st.dash, Math.max(s, 0.6));
      ctx.beginPath();
      list.forEach(function (j) {
        var a = nodeXY(ED.s[j]), b = nodeXY(ED.t[j]), c = curved.get(j);
        ctx.moveTo(a[0], a[1]);
        if (c) ctx.quadraticCurveTo(c[0], c[1], b[0], b[1]); else ctx.lineTo(b[0], b[1]);
      });
      ctx.stroke();
      if (arrowsOn) {
        ctx.setLineDash([]);
        ctx.beginPath();
        var len = (6 + st.width * 1.2) / Math.max(s, 0.6);
        list.forEach(function (j) {
          var a = curved.get(j) || nodeXY(ED.s[j]), b = nodeXY(ED.t[j]);  // along the curve's end
          var dx = b[0] - a[0], dy = b[1] - a[1], d = Math.sqrt(dx * dx + dy * dy);
          if (d < 1) return;
          var ux = dx / d, uy = dy / d, r = ND.size[ED.t[j]] + 1;
          var tx = b[0] - ux * r, ty = b[1] - uy * r;
          ctx.moveTo(tx, ty);
          ctx.lineTo(tx - ux * len - uy * len * 0.45, ty - uy * len + ux * len * 0.45);
          ctx.lineTo(tx - ux * len + uy * len * 0.45, ty - uy * len - ux * len * 0.45);
          // no closePath: fill() closes each triangle, and closePath on a path of
          // thousands of triangles costs time growing with the path's length
        });
        ctx.fill();
      }
    });
    ctx.restore();
    return shown;
  }
  network.on("beforeDrawing", function (ctx) {
    if (booting) return;
    if (network.physics.options.enabled) changed();  // "Relax layout" moves organisations
    drawBackground(ctx);
    drawEdges(ctx);
  });

  // ---- drawing after the nodes: highlight rings, then names placed without overlap ------
  function ringsOf(i) {
    var out = [];
    ["dead_end", "gap", "bridge_org", "isolated"].forEach(function (f) {
      if (state.highlights[f] && hasFlag(i, f)) out.push(f);
    });
    var cls = sparse(ND.cls, i);
    if (cls && DATA.class_styles[cls]) out.push("cls:" + cls);
    return out;
  }
  // the selected organisation: a wide translucent navy halo edged in black (no category
  // colour: yellow is first access when colouring by stage), outside any rings, so
  // the one everything on screen is about is found at a glance (a funder missed it)
  function drawHalo(ctx) {
    var i = state.selected;
    if (i === null || i === undefined || !visible[i]) return;
    var s = view.scale, p = nodeXY(i), rings = ringsOf(i).length;
    var r = ND.size[i] + (4 + 7 * rings) / s;
    ctx.save();
    ctx.setLineDash([]);
    ctx.strokeStyle = "rgba(31, 42, 68, 0.3)";
    ctx.lineWidth = 7 / s;
    ctx.beginPath(); ctx.arc(p[0], p[1], r + 3.5 / s, 0, 2 * Math.PI); ctx.stroke();
    ctx.strokeStyle = "#1d1d1d";
    ctx.lineWidth = 1.2 / s;
    ctx.beginPath(); ctx.arc(p[0], p[1], r + 7.5 / s, 0, 2 * Math.PI); ctx.stroke();
    ctx.restore();
  }
  function drawRings(ctx) {
    var s = view.scale;
    drawHalo(ctx);
    var any = Object.keys(state.highlights).some(function (k) { return state.highlights[k]; }) ||
      Object.keys(ND.cls).length > 0;
    if (!any) return;
    ctx.save();
    for (var i = 0; i < n; i++) {
      if (!visible[i]) continue;
      var rings = ringsOf(i);
      if (!rings.length) continue;
      var p = nodeXY(i), r = ND.size[i] + 3 / s;
      rings.forEach(function (f) {
        var st = f.indexOf("cls:") === 0 ? DATA.class_styles[f.slice(4)] : DATA.flag_styles[f];
        ctx.strokeStyle = st.colour;
        ctx.lineWidth = st.width / s;
        dash(ctx, st.dash || [], s);
        ctx.beginPath(); ctx.arc(p[0], p[1], r + st.width / s / 2, 0, 2 * Math.PI); ctx.stroke();
        if (st.double) {
          ctx.beginPath(); ctx.arc(p[0], p[1], r + 2.5 * st.width / s, 0, 2 * Math.PI); ctx.stroke();
        }
        r += (st.double ? 4 : 1.5) * st.width / s + 1 / s;
      });
    }
    ctx.restore();
  }

  // ---- names ---------------------------------------------------------------------------
  // Each name is measured once and offered in a few shapes (wrapped at several widths, and
  // whole on one line), never cut short. Around its node a name may sit right, left, below,
  // above or at a corner; the most important organisations are placed first, then names
  // that did not fit try to make room by moving one or two already placed names elsewhere.
  var measureCtx = document.createElement("canvas").getContext("2d");
  measureCtx.font = FONT;
  var WRAPS = LR.wraps;  // 0: the whole name on one line
  var shapeCache = new Array(n), wordWidth = new Map(), SPACE_W = measureCtx.measureText(" ").width;
  function widthOf(word) {  // each distinct word measured once
    var w = wordWidth.get(word);
    if (w === undefined) { w = measureCtx.measureText(word).width; wordWidth.set(word, w); }
    return w;
  }
  function wrapAt(words, width) {  // lines, and the widest line's width
    var lines = [], cur = "", curW = 0, widest = 0;
    words.forEach(function (w) {
      var ww = widthOf(w);
      if (cur && curW + SPACE_W + ww > width) { lines.push(cur); widest = Math.max(widest, curW); cur = ""; }
      if (cur) { cur += " " + w; curW += SPACE_W + ww; } else { cur = w; curW = ww; }
    });
    if (cur) { lines.push(cur); widest = Math.max(widest, curW); }
    return {lines: lines, w: widest};
  }
  function shapesOf(i) {
    if (shapeCache[i]) return shapeCache[i];
    var words = String(ND.name[i]).split(/\s+/).filter(Boolean);
    if (!words.length) words = [String(N[i])];
    var out = [], seen = new Set();
    WRAPS.forEach(function (width) {
      var wr = wrapAt(words, width || Infinity), lines = wr.lines;
      var key = lines.join("\n");
      if (seen.has(key) || (lines.length > LR.max_lines && out.length)) return;
      seen.add(key);
      out.push({lines: lines, w: Math.ceil(wr.w) + LR.pad_w, h: lines.length * LINE_H + LR.pad_h});
    });
    shapeCache[i] = out;
    return out;
  }
  // the top-left corner of a name of shape L at position k around a node at (x, y) whose
  // drawn radius plus a gap is rr: the rule's sixteen positions (right, left, at the first
  // or last line's level, below, above, starting or ending at the node, the four corners),
  // then the same sixteen again further out (LR.rings), tied to the node by a leader line
  var N_POS = LR.positions.length;
  function corner(k, x, y, rr, L) {
    rr += LR.rings[Math.floor(k / N_POS)];
    var c = LR.positions[k % N_POS], d = rr * LR.diag, mid = LINE_H / 2 + 1;
    return [x + c[0] * rr + c[1] * d + c[2] * L.w, y + c[3] * rr + c[4] * d + c[5] * L.h + c[6] * mid];
  }
  // (position, shape) pairs, best first (near positions and the first shapes first); p[2]
  // is the pair's index
  var PAIRS = LR.pairs.map(function (p, k) { return [p[0], p[1], k]; });
  var NEAR_PAIRS = PAIRS.filter(function (p) { return p[0] < N_POS && p[1] < LR.near_shapes; });

  // the order names are placed in: selected and its neighbours, search hits, then the
  // data's own priority (single points of failure, dead ends, hubs, gaps, busiest)
  var baseOrder = [];
  for (var i2 = 0; i2 < n; i2++) baseOrder.push(i2);
  baseOrder.sort(function (a, b) { return ND.label_rank[a] - ND.label_rank[b]; });
  var order = baseOrder;
  function reorder() {
    var first = [], seen = new Set();
    function add(i) { if (i !== null && i !== undefined && !seen.has(i)) { seen.add(i); first.push(i); } }
    if (state.selected !== null) {
      add(state.selected);
      outAdj[state.selected].forEach(add);
      inAdj[state.selected].forEach(add);
    }
    if (state.suggestion !== null) {
      add(DATA.suggestions[state.suggestion].s); add(DATA.suggestions[state.suggestion].t);
    }
    state.hits.forEach(add);
    order = first.length ? first.concat(baseOrder.filter(function (i) { return !seen.has(i); })) : baseOrder;
    changed();
  }

  // names side by side keep LR.sep apart (lines 3 px apart read across as one name)
  function apart(b) { return [b[0] - LR.sep, b[1], b[2] + 2 * LR.sep, b[3]]; }
  // boxes [x, y, w, h] in buckets, to ask "does anything overlap this box?" quickly
  function Grid(cell) { this.cell = cell; this.map = new Map(); }
  Grid.prototype.keys = function (b, fn) {
    var c = this.cell;
    var i0 = Math.floor(b[0] / c), i1 = Math.floor((b[0] + b[2]) / c);
    var j0 = Math.floor(b[1] / c), j1 = Math.floor((b[1] + b[3]) / c);
    for (var p = i0; p <= i1; p++) for (var q = j0; q <= j1; q++) {
      if (fn(p * 65536 + q) === false) return false;
    }
    return true;
  };
  Grid.prototype.add = function (b, owner) {
    var self = this, item = {b: b, o: owner, dead: false};
    this.keys(b, function (k) {
      var list = self.map.get(k);
      if (!list) self.map.set(k, [item]); else list.push(item);
    });
    return item;
  };
  function meets(a, b) {
    return a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];
  }
  Grid.prototype.hits = function (b, owner) {  // anything but owner's overlaps b
    // (asked thousands of times while names are placed: the cells are walked here rather
    // than through keys(), which makes a function per question)
    var c = this.cell, map = this.map;
    var i0 = Math.floor(b[0] / c), i1 = Math.floor((b[0] + b[2]) / c);
    var j0 = Math.floor(b[1] / c), j1 = Math.floor((b[1] + b[3]) / c);
    for (var p = i0; p <= i1; p++) for (var q = j0; q <= j1; q++) {
      var list = map.get(p * 65536 + q);
      if (!list) continue;
      for (var t = 0; t < list.length; t++) {
        var o = list[t];
        if (o.o !== owner && !o.dead && meets(b, o.b)) return true;
      }
    }
    return false;
  };
  Grid.prototype.owners = function (b, limit) {  // owners of what overlaps b (up to limit + 1)
    var self = this, out = [];
    this.keys(b, function (k) {
      var list = self.map.get(k);
      if (!list) return true;
      for (var t = 0; t < list.length; t++) {
        var o = list[t];
        if (!o.dead && out.indexOf(o.o) < 0 && meets(b, o.b)) {
          out.push(o.o);
          if (out.length > limit) return false;
        }
      }
      return true;
    });
    return out;
  };

  // With hundreds of organisations on screen, "does this box cover an organisation?" is
  // asked tens of thousands of times: a W x H grid of cell-pixel squares counts what covers
  // each (a summed-area table), so each answer is four look-ups. Boxes are rounded out to
  // whole cells (at most a cell's margin too many).
  function Occupancy(W, H, cell) {
    this.c = cell; this.w = Math.ceil(W / cell) + 2; this.h = Math.ceil(H / cell) + 2;
    this.W1 = this.w + 2;
    this.diff = new Int32Array(this.W1 * (this.h + 2));  // boxes as corner marks
    this.sum = new Int32Array(this.W1 * (this.h + 2));
    this.own = new Int32Array(4 * n).fill(-1);
    this.r = [0, 0, 0, 0];
  }
  Occupancy.prototype.cells = function (b) {  // the box's cells (shared array)
    var c = this.c, w = this.w - 1, h = this.h - 1, r = this.r;
    r[0] = Math.max(0, Math.min(w, Math.floor(b[0] / c)));
    r[1] = Math.max(0, Math.min(h, Math.floor(b[1] / c)));
    r[2] = Math.max(0, Math.min(w, Math.floor((b[0] + b[2]) / c)));
    r[3] = Math.max(0, Math.min(h, Math.floor((b[1] + b[3]) / c)));
    return r;
  };
  Occupancy.prototype.add = function (b, owner) {
    var r = this.cells(b), W1 = this.W1, d = this.diff;
    if (owner >= 0) { for (var k = 0; k < 4; k++) this.own[4 * owner + k] = r[k]; }
    d[(r[1] + 1) * W1 + r[0] + 1]++; d[(r[1] + 1) * W1 + r[2] + 2]--;
    d[(r[3] + 2) * W1 + r[0] + 1]--; d[(r[3] + 2) * W1 + r[2] + 2]++;
  };
  Occupancy.prototype.seal = function () {  // corner marks to counts per cell, to sums
    var d = this.diff, s = this.sum, W1 = this.W1, w = this.w, h = this.h, x, y, i;
    for (y = 1; y <= h; y++) for (x = 1, i = y * W1 + 1; x <= w; x++, i++) d[i] += d[i - 1] + d[i - W1] - d[i - W1 - 1];
    for (y = 1; y <= h; y++) for (x = 1, i = y * W1 + 1; x <= w; x++, i++) s[i] = d[i] + s[i - 1] + s[i - W1] - s[i - W1 - 1];
  };
  Occupancy.prototype.hits = function (b, owner) {  // anything but owner's covers b
    var r = this.cells(b), s = this.sum, W1 = this.W1;
    var total = s[(r[3] + 1) * W1 + r[2] + 1] - s[r[1] * W1 + r[2] + 1] - s[(r[3] + 1) * W1 + r[0]] + s[r[1] * W1 + r[0]];
    var o = this.own, k = 4 * owner;
    if (owner >= 0 && o[k] >= 0) {  // less the owner's own cells inside b
      var dx = Math.min(o[k + 2], r[2]) - Math.max(o[k], r[0]) + 1, dy = Math.min(o[k + 3], r[3]) - Math.max(o[k + 1], r[1]) + 1;
      if (dx > 0 && dy > 0) total -= dx * dy;
    }
    return total > 0;
  };

  // Names for nodes at screen points pts[i] = [x, y, radius] (undefined: not on screen),
  // in order ord, inside a W x H canvas, clear of the blocked boxes and of every node.
  // Returns [{i, dx, dy, w, h, lines}] (dx, dy: the box's corner from the node's centre).
  var MAX_TRIES = LR.max_tries, MAX_BOXES = LR.max_boxes, REPAIR_WORK = LR.repair_work;
  function placeNames(pts, ord, W, H, blocked, repair, repairWork) {
    var labels = new Grid(48), onScreen = 0;
    for (var i = 0; i < n; i++) if (pts[i]) onScreen++;
    var crowded = onScreen > LADDER_TRY_MAX, maxR = 0;
    var obstacles = crowded ? new Occupancy(W, H, 3) : new Grid(24);
    blocked.forEach(function (b) { obstacles.add(b, -1); });
    for (var j = 0; j < n; j++) {
      var p = pts[j];
      if (p) { obstacles.add([p[0] - p[2], p[1] - p[2], 2 * p[2], 2 * p[2]], j); maxR = Math.max(maxR, p[2]); }
    }
    if (obstacles.seal) obstacles.seal();
    var at = new Map();  // organisation -> {item, b, lines}
    var spots = new Array(n);  // per organisation, per (position, shape) pair: its box or null
    var spotsLoose = new Array(n);  // the same for a name making room (see boxAt)
    function boxAt(v, pair, loose) {  // loose: a leader-line name may sit near other nodes
      var all = loose ? spotsLoose : spots;
      var mine = all[v] || (all[v] = new Array(PAIRS.length)), got = mine[pair[2]];
      if (got !== undefined) return got;
      boxes++;
      got = null;
      var shapes = shapesOf(v);
      if (pair[1] < shapes.length) {
        var L = shapes[pair[1]], p = pts[v], c = corner(pair[0], p[0], p[1], p[2] + LR.gap, L);
        var b = [c[0], c[1], L.w, L.h];
        if (b[0] >= 0 && b[1] >= 0 && b[0] + b[2] <= W && b[1] + b[3] <= H && !obstacles.hits(b, v) &&
            (crowded || (pair[0] >= N_POS ? loose || clearOfOthers(v, b) : ownName(v, b)))) {
          got = {b: b, lines: L.lines};
        }
      }
      mine[pair[2]] = got;
      return got;
    }
    // a name beside its node (no leader line) must read as that node's: of the sides of
    // the name that face the node (where a reader looks for the name's owner), every other
    // node's centre is LR.assoc times as far as the node's own centre, and its edge is no
    // nearer than the node's own edge; and no other node's centre is nearer any side of the
    // name than the node's own centre is
    function sideDist(p, x0, y0, x1, y1) {  // from p's centre to the segment (x0, y0)-(x1, y1)
      var dx = Math.max(x0 - p[0], 0, p[0] - x1), dy = Math.max(y0 - p[1], 0, p[1] - y1);
      return Math.sqrt(dx * dx + dy * dy);
    }
    function facingDist(own, p, b) {
      var x0 = b[0], y0 = b[1], x1 = b[0] + b[2], y1 = b[1] + b[3], d = Infinity;
      if (own[0] <= x0) d = Math.min(d, sideDist(p, x0, y0, x0, y1));
      if (own[0] >= x1) d = Math.min(d, sideDist(p, x1, y0, x1, y1));
      if (own[1] <= y0) d = Math.min(d, sideDist(p, x0, y0, x1, y0));
      if (own[1] >= y1) d = Math.min(d, sideDist(p, x0, y1, x1, y1));
      return d === Infinity ? sideDist(p, x0, y0, x1, y1) : d;
    }
    function ownName(v, b) {
      var own = pts[v], mine = facingDist(own, own, b), far = mine * LR.assoc, edge = mine - own[2];
      var pad = far + maxR;
      var near = obstacles.owners([b[0] - pad, b[1] - pad, b[2] + 2 * pad, b[3] + 2 * pad], n);
      for (var t = 0; t < near.length; t++) {
        var u = near[t];
        if (u < 0 || u === v) continue;
        var d = facingDist(own, pts[u], b);
        if (d < far || d - pts[u][2] < edge - 0.5) return false;
        if (sideDist(pts[u], b[0], b[1], b[0] + b[2], b[1] + b[3]) < mine) return false;
      }
      return true;
    }
    // a name further out, tied to its node by a leader line, must not sit beside another
    // node either (a reader takes a name for the nearest shape): every other node's edge
    // at least LR.lead_clear from it
    function clearOfOthers(v, b) {
      var pad = LR.lead_clear + maxR;
      var near = obstacles.owners([b[0] - pad, b[1] - pad, b[2] + 2 * pad, b[3] + 2 * pad], n);
      for (var t = 0; t < near.length; t++) {
        var u = near[t];
        if (u < 0 || u === v) continue;
        if (sideDist(pts[u], b[0], b[1], b[0] + b[2], b[1] + b[3]) - pts[u][2] < LR.lead_clear) return false;
      }
      return true;
    }
    function put(v, c) { at.set(v, {item: labels.add(c.b, v), b: c.b, lines: c.lines}); }
    function lift(v) { var a = at.get(v); a.item.dead = true; at.delete(v); return a; }
    var boxes = 0, work = 0, pairs = PAIRS;
    function tryPlace(v, avoid) {
      for (var k = 0; k < pairs.length; k++) {
        var c = boxAt(v, pairs[k]);
        work++;
        if (c && !labels.hits(apart(c.b), -2) && !(avoid && meets(c.b, avoid))) { put(v, c); return true; }
      }
      return false;
    }
    // the selected organisation is always named where there is room at all: if no spot
    // passes the rule, the first spot (a leader line ties it further out) that covers only
    // organisations greyed out as out of its reach (they stay visible around it)
    function tryPlaceLoose(v) {
      var shapes = shapesOf(v), p = pts[v];
      for (var k = 0; k < PAIRS.length; k++) {
        var pair = PAIRS[k];
        if (pair[1] >= shapes.length) continue;
        var L = shapes[pair[1]], c = corner(pair[0], p[0], p[1], p[2] + LR.gap, L);
        var b = [c[0], c[1], L.w, L.h];
        work++;
        if (b[0] < 0 || b[1] < 0 || b[0] + b[2] > W || b[1] + b[3] > H) continue;
        if (labels.hits(apart(b), -2)) continue;
        var ok = !obstacles.hits(b, v);
        if (!ok && obstacles.owners && state.reach) {
          var who = obstacles.owners(b, 64);
          ok = who.length <= 64 && who.every(function (u) {
            return u >= 0 && u !== v && !state.reach.has(u) && !sendsHere(u);
          });
        }
        if (ok) { put(v, {b: b, lines: L.lines}); return true; }
      }
      return false;
    }
    // with hundreds on screen most names cannot fit: only the nearest spots and the first
    // two shapes are tried, and the search stops after MAX_BOXES boxes in all
    var tries = 0, left = [], cut = false;
    if (crowded) pairs = NEAR_PAIRS;
    for (var k = 0; k < ord.length; k++) {
      var v = ord[k];
      if (!pts[v]) continue;
      if (++tries > MAX_TRIES || (crowded && boxes > MAX_BOXES)) { cut = true; break; }
      if (!tryPlace(v, null) && !(v === state.selected && tryPlaceLoose(v))) left.push(v);
    }
    pairs = PAIRS;
    // make room (within a budget of REPAIR_WORK spots tried): a name that did not fit takes a
    // spot held by one or two others, if those can move to another free spot
    var budget = work + (repairWork || REPAIR_WORK);
    for (var pass = 0; repair && !crowded && left.length && pass < LR.repair_passes && work < budget; pass++) {
      var still = [];
      left.forEach(function (u) {
        for (var k = 0; k < PAIRS.length && work < budget; k++) {
          var c = boxAt(u, PAIRS[k], true);
          work++;
          if (!c) continue;
          var who = labels.owners(apart(c.b), LR.repair_moves);
          if (who.length > LR.repair_moves) continue;
          var old = who.map(lift);
          put(u, c);
          var moved = [], ok = true;
          for (var w = 0; w < who.length && ok; w++) {
            if (tryPlace(who[w], null)) moved.push(who[w]); else ok = false;
          }
          if (ok) return;
          lift(u);
          moved.forEach(lift);
          who.forEach(function (w, t) { put(w, {b: old[t].b, lines: old[t].lines}); });
        }
        still.push(u);
      });
      if (still.length === left.length) break;
      left = still;
    }
    var out = [];
    out.complete = !cut && !left.length;  // every organisation on screen named
    ord.forEach(function (v) {
      var a = at.get(v);
      if (a) out.push({i: v, dx: a.b[0] - pts[v][0], dy: a.b[1] - pts[v][1], w: a.b[2], h: a.b[3],
                       lines: a.lines});
    });
    return out;
  }
  // the names of the last placement, moved with their nodes; those now overlapping
  // something are left out (cheap: no new spots are tried)
  function keepNames(prev, pts, W, H, blocked) {
    var labels = new Grid(48), obstacles = new Grid(48);
    blocked.forEach(function (b) { obstacles.add(b, -1); });
    for (var i = 0; i < n; i++) {
      var p = pts[i];
      if (p) obstacles.add([p[0] - p[2], p[1] - p[2], 2 * p[2], 2 * p[2]], i);
    }
    var out = [];
    prev.forEach(function (q) {
      var p = pts[q.i];
      if (!p) return;
      var b = [p[0] + q.dx, p[1] + q.dy, q.w, q.h];
      if (b[0] < 0 || b[1] < 0 || b[0] + b[2] > W || b[1] + b[3] > H) return;
      if (obstacles.hits(b, q.i) || labels.hits(apart(b), -2)) return;
      labels.add(b, q.i);
      out.push(q);
    });
    return out;
  }

  // ---- where things are on the screen: a camera is {scale, tx, ty} -------------------------
  function camera() { return {scale: view.scale, tx: view.translation.x, ty: view.translation.y}; }
  function toDomC(cam, x, y) { return [x * cam.scale + cam.tx, y * cam.scale + cam.ty]; }
  function screenPoints(cam, xy, W, H) {
    var pts = new Array(n), s = cam.scale;
    for (var i = 0; i < n; i++) {
      if (!visible[i]) continue;
      var p = xy(i), x = p[0] * s + cam.tx, y = p[1] * s + cam.ty;
      if (x < -50 || y < -50 || x > W + 50 || y > H + 50) continue;
      pts[i] = [x, y, ND.size[i] * s + 1];
    }
    return pts;
  }
  var exporting = false;  // drawing the picture to download: the key and panel are not on it
  function blockedBoxes(fixed) {
    return (exporting ? [] : [rectIn(legendBox), rectIn(panelBox)]).filter(Boolean).concat(
      // headings and row names kept LR.sep clear at the sides, as names are of each other
      // (a name just beside a row name read as one: "Zephyr Academy East")
      fixed.map(function (r) { return apart(r.b); }));
  }

  // Names are placed afresh whenever the view or anything on it changed. When a placement
  // takes long (thousands of organisations on screen), frames drawn while panning,
  // zooming or dragging move the last placement's names with their nodes instead, and the
  // names are placed afresh once the motion pauses.
  var placed = [];   // the names drawn in the last frame: {i, b, lines}
  var kept = [];     // the last full placement (offsets from the nodes)
  var dirty = 0, placedSig = "", placeMs = 0, settleTimer = null, settleNow = false;
  var FRAME_BUDGET_MS = 6, SETTLE_MS = 120;
  function changed() { dirty++; }
  function signature(W, H) {
    var c = camera();
    return [c.scale, c.tx, c.ty, W, H, dirty, state.view].join("|");
  }
  function settle() {
    settleTimer = null;
    settleNow = true;
    network.redraw();
  }
  function drawLabels(ctx) {
    var W = container.clientWidth, H = container.clientHeight, cam = camera();
    reserved = fixedLabels(cam, LADDER);
    var sig = signature(W, H);
    if (sig !== placedSig) {
      var pts = screenPoints(cam, nodeXY, W, H), blocked = blockedBoxes(reserved), now = kept;
      var final = settleNow;
      if (settleNow || placeMs <= FRAME_BUDGET_MS || visibleCount <= LADDER_TRY_MAX ||
          (window.musicnetMap && window.musicnetMap.placeEveryFrame)) {
        // placed afresh; names that do not fit make room only when the view rests
        var t0 = performance.now();
        now = kept = placeNames(pts, order, W, H, blocked, settleNow);
        if (!settleNow) placeMs = performance.now() - t0;
        final = settleNow || kept.complete;
      } else {
        now = keepNames(kept, pts, W, H, blocked);
      }
      settleNow = false;
      if (settleTimer !== null) { window.clearTimeout(settleTimer); settleTimer = null; }
      if (final) placedSig = sig;
      else { placedSig = ""; settleTimer = window.setTimeout(settle, SETTLE_MS); }
      placed = now.map(function (q) {
        var p = pts[q.i], b = [p[0] + q.dx, p[1] + q.dy, q.w, q.h];
        // a name set further out is tied to its node by a thin leader line
        var nx = Math.max(b[0], Math.min(p[0], b[0] + b[2])), ny = Math.max(b[1], Math.min(p[1], b[1] + b[3]));
        var dx = nx - p[0], dy = ny - p[1], d = Math.sqrt(dx * dx + dy * dy);
        var lead = d > p[2] + LR.leader_from ? [p[0] + dx / d * (p[2] + 1), p[1] + dy / d * (p[2] + 1), nx, ny] : null;
        return {i: q.i, b: b, lines: q.lines, lead: lead};
      });
      document.body.dataset.labels = placedSig ? "placed" : "moving";
    }
    var pr = network.canvas.pixelRatio || 1;
    ctx.save();
    ctx.setTransform(pr, 0, 0, pr, 0, 0);
    ctx.font = FONT;
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    ctx.lineWidth = 1.2;
    ctx.strokeStyle = "#333333";
    ctx.beginPath();
    placed.forEach(function (p) {
      if (p.lead) { ctx.moveTo(p.lead[0], p.lead[1]); ctx.lineTo(p.lead[2], p.lead[3]); }
    });
    ctx.stroke();
    // a faint white ground under each name (as in the picture), so the routes behind it,
    // the thick ones of a selected organisation's pathways too, do not cut it up
    ctx.fillStyle = "rgba(255,255,255,0.72)";
    placed.forEach(function (p) { ctx.fillRect(p.b[0], p.b[1], p.b[2], p.b[3]); });
    ctx.lineWidth = 3;
    ctx.strokeStyle = "rgba(255,255,255,0.92)";
    placed.forEach(function (p) {
      p.lines.forEach(function (line, k) { ctx.strokeText(line, p.b[0] + 2, p.b[1] + 1 + k * LINE_H); });
    });
    placed.forEach(function (p) {
      var faded = state.reach && !state.reach.has(p.i);
      ctx.fillStyle = faded ? "#8a8a8a" : (p.i === state.selected ? "#000000" : "#1d1d1d");
      p.lines.forEach(function (line, k) { ctx.fillText(line, p.b[0] + 2, p.b[1] + 1 + k * LINE_H); });
    });
    drawViewLabels(ctx);
    ctx.restore();
  }
  // stage names above the columns, hub areas beside the rows, borough names on the map
  var BOLD = "600 13px system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif";
  var viewLabelBoxes = [];
  var BOROUGH_FONT = "italic 12px system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif";
  // stage and hub-area names (ladder); the strip's boxes and borough names (geo): their
  // boxes are kept free of organisations' names
  function fixedLabels(cam, ladder, which) {
    var out = [];
    function add(text, x, y, align, colour, font) {
      measureCtx.font = font || BOLD;
      var w = measureCtx.measureText(text).width + 4, h = font ? 15 : 16;
      var bx = align === "center" ? x - w / 2 : align === "right" ? x - w : x;
      out.push({text: text, x: x, y: y, align: align, colour: colour, font: font || BOLD,
                b: [bx, y - h / 2, w, h]});
    }
    if ((which || state.view) === "ladder") {
      var bands = ladder.bands, groups = ladder.groups;
      if (!groups.length) return out;
      var top = toDomC(cam, 0, groups[0].y0 - 16)[1] - 12;
      bands.forEach(function (b, k) {
        var d = toDomC(cam, (b.x0 + b.x1) / 2 - 10, 0);
        add(pretty(b.stage).replace(/^./, function (c) { return c.toUpperCase(); }) +
            " (" + b.count + ")", d[0], Math.max(10, top), "center", "#1f2a44");
        var prev = k ? out[out.length - 2] : null, me = out[out.length - 1];
        if (prev && meets(prev.b, me.b) && prev.y === me.y) {
          // a narrow column: its name a line higher (the fit makes room for it at the top)
          me.y -= 16; me.b[1] -= 16;
        }
      });
      groups.forEach(function (g) {
        var d = toDomC(cam, bands[0].x0 - 26, g.y0);
        add(g.name, d[0], d[1], "right", "#46506a");
      });
    } else {
      DATA.geo.strip.forEach(function (b) {
        if (!b.count) return;
        var d = toDomC(cam, b.x0, b.y0);
        add(b.name + " (" + b.count + ")", d[0] + 6, d[1] - STRIP_HEAD / 2, "left", "#333333");
        out[out.length - 1].b[2] += 8;  // and the box drawn around it (drawBackground)
      });
      var W = container.clientWidth, H = container.clientHeight, fixed = out.length;
      var key = rectIn(legendBox);
      DATA.geo.boroughs.forEach(function (bo) {
        var d = toDomC(cam, bo.label[0], bo.label[1]);
        // the borough's own point first, then a little above or below it
        [[0, 0], [0, -16], [0, 16], [0, -30], [0, 30], [-30, 0], [30, 0]].some(function (o) {
          add(bo.name, d[0] + o[0], d[1] + o[1], "center", "#3d3d3d", BOROUGH_FONT);
          var b = out[out.length - 1].b;
          var ok = b[0] >= 0 && b[1] >= 0 && b[0] + b[2] <= W && b[1] + b[3] <= H &&
            !(key && meets(b, key));
          for (var k = 0; ok && k < out.length - 1; k++) if (meets(b, out[k].b)) ok = false;
          if (!ok) out.pop();
          return ok;
        });
      });
      if (fixed > out.length) out.length = fixed;
    }
    measureCtx.font = FONT;
    return out;
  }
  var reserved = [];
  function drawViewLabels(ctx) {
    viewLabelBoxes = [];
    var taken = new Grid(48);
    placed.forEach(function (p) { taken.add(p.b, p.i); });
    var W = container.clientWidth, H = container.clientHeight;
    function draw(t) {
      ctx.font = t.font;
      viewLabelBoxes.push({text: t.text, x: t.b[0], y: t.b[1], w: t.b[2], h: t.b[3]});
      ctx.textAlign = t.align; ctx.textBaseline = "middle";
      ctx.lineWidth = 3; ctx.strokeStyle = "rgba(255,255,255,0.9)";
      ctx.strokeText(t.text, t.x, t.y);
      ctx.fillStyle = t.colour;
      ctx.fillText(t.text, t.x, t.y);
    }
    reserved.forEach(function (t) {
      var b = t.b;
      // (a name cut at the canvas's side reads as another word: "ation (31)")
      if (b[0] < 0 || b[0] + b[2] > W || b[1] + b[3] < 0 || b[1] > H) return;
      if (taken.hits(b, -9)) {  // a narrow column: its name a line higher, or shorter
        var up = [b[0], b[1] - 15, b[2], b[3]];
        if (up[1] >= 0 && !taken.hits(up, -9)) {
          b = up;
          t = {text: t.text, x: t.x, y: t.y - 15, align: t.align, colour: t.colour, font: t.font, b: b};
        } else {
          var short = t.text.replace(/ \(\d+\)$/, "");
          if (short === t.text) return;
          ctx.font = t.font;
          var w = ctx.measureText(short).width + 4;
          b = [t.align === "center" ? t.x - w / 2 : t.b[0], b[1], w, b[3]];
          if (taken.hits(b, -9)) return;
          t = {text: short, x: t.x, y: t.y, align: t.align, colour: t.colour, font: t.font, b: b};
        }
      }
      taken.add(b, -3);
      draw(t);
    });
  }
  var frames = [];
  network.on("afterDrawing", function (ctx) {
    if (booting) return;
    drawRings(ctx);
    drawLabels(ctx);
    frames.push(performance.now());
    if (frames.length > 400) frames.splice(0, 200);
  });

  // ---- restyling only what changed (a full update is slow at 10,000+) --------------------
  function restyle() {
    var upd = [];
    for (var i = 0; i < n; i++) {
      looks[i] = nodeLook(i);
      var p = nodeAt(i), k = p[0] + "," + p[1];
      if (k !== lastAt[i]) { lastAt[i] = k; if (inVis[i]) upd.push({id: i, x: p[0], y: p[1]}); }
    }
    if (upd.length) nodes.update(upd);
    reorder();
    network.redraw();
    renderLegend();
  }
  var shownEdges = 0, visibleCount = n;
  function refilter() {
    var count = 0;
    for (var i = 0; i < n; i++) { visible[i] = nodeVisible(i) ? 1 : 0; count += visible[i]; }
    shownEdges = 0;
    for (var j = 0; j < m; j++) if (edgeShown(j)) shownEdges++;
    nodeView.refresh();
    edgeView.refresh();
    var hovered = document.body.dataset.hover;
    if (hovered !== undefined && !visible[byId.get(hovered)]) hideTip();
    document.getElementById("visible").textContent = "Showing " + count + " of " + n +
      " organisations and " + shownEdges + " routes.";
    document.body.dataset.visibleNodes = String(count);
    visibleCount = count;
    document.body.dataset.visibleEdges = String(shownEdges);
    changed();
    network.redraw();
    if (!listView.hidden) renderTable();
  }

  // ---- fitting the view to the canvas, clear of the key ---------------------------------
  // the camera that shows every visible organisation (and the view's background) in the
  // free part of the canvas: clear of the key, with room for stage and hub-area names
  function fitCamera(which, ladder, xy) {
    var xs0 = Infinity, ys0 = Infinity, xs1 = -Infinity, ys1 = -Infinity, low = -Infinity;
    for (var i = 0; i < n; i++) {
      if (!visible[i]) continue;
      var p = xy(i);
      xs0 = Math.min(xs0, p[0]); ys0 = Math.min(ys0, p[1]);
      xs1 = Math.max(xs1, p[0]); ys1 = Math.max(ys1, p[1]);
      low = Math.max(low, p[1] + ND.size[i]);  // the lowest organisation's lower edge
    }
    if (!isFinite(xs0)) return null;
    var W = container.clientWidth, H = container.clientHeight;
    var lg = rectIn(legendBox), bottom = (lg ? H - lg[1] : 0) + 22;
    var left = 14, right = 14, top = 14;
    if (which === "ladder") {
      left = 112; top = 46; right = LABEL_W + 16;
      xs0 = Math.min(xs0, ladder.bands.length ? ladder.bands[0].x0 : xs0);
    } else {
      // London's outline, or where the organisations are when they sit in a small part of
      // it (with a margin of a quarter of their spread, and at least a tenth of London's,
      // so the boroughs around them show): a network in three boroughs is drawn big
      var L = [Infinity, Infinity, -Infinity, -Infinity];
      DATA.geo.boroughs.forEach(function (b) {
        b.rings.forEach(function (r) {
          for (var k = 0; k < r.length; k += 2) {
            L[0] = Math.min(L[0], r[k]); L[2] = Math.max(L[2], r[k]);
            L[1] = Math.min(L[1], r[k + 1]); L[3] = Math.max(L[3], r[k + 1]);
          }
        });
      });
      var O = [Infinity, Infinity, -Infinity, -Infinity];
      for (var q = 0; q < n; q++) {
        if (!visible[q]) continue;
        var g = xy(q);
        if (g[0] < L[0] || g[0] > L[2] || g[1] < L[1] || g[1] > L[3]) continue;  // the strip
        O[0] = Math.min(O[0], g[0]); O[2] = Math.max(O[2], g[0]);
        O[1] = Math.min(O[1], g[1]); O[3] = Math.max(O[3], g[1]);
      }
      if (isFinite(O[0])) {
        var mx = Math.max((O[2] - O[0]) / 4, (L[2] - L[0]) / 10);
        var my = Math.max((O[3] - O[1]) / 4, (L[3] - L[1]) / 10);
        L = [Math.max(L[0], O[0] - mx), Math.max(L[1], O[1] - my),
             Math.min(L[2], O[2] + mx), Math.min(L[3], O[3] + my)];
      }
      xs0 = Math.min(xs0, L[0]); ys0 = Math.min(ys0, L[1]);
      xs1 = Math.max(xs1, L[2]); ys1 = Math.max(ys1, L[3]);
      DATA.geo.strip.forEach(function (b) {  // drawn and named when it holds anyone
        if (!b.count) return;
        xs0 = Math.min(xs0, b.x0); xs1 = Math.max(xs1, b.x1);
        ys0 = Math.min(ys0, b.y0); ys1 = Math.max(ys1, b.y1);
        low = Math.max(low, b.y1);
      });
      top = 24;
    }
    // the geography view keeps every organisation clear of the key, but London's outline
    // may reach down behind it (to the canvas's foot): the map is drawn bigger
    var under = which === "geo" && lg ? bottom - 14 : 0;
    var bw = Math.max(xs1 - xs0, 1), bh = Math.max(ys1 - ys0, 1);
    var cam = null;
    // the stage, hub-area and strip names keep their size in pixels while the drawing
    // shrinks: where one would stick out of the canvas, that side's inset grows by as much
    for (var round = 0; round < 6; round++) {
      var scale = Math.min((W - left - right) / bw, (H - top - bottom + under) / bh);
      if (under) scale = Math.min(scale, (H - top - bottom) / Math.max(low - ys0, 1));
      scale = Math.max(0.02, Math.min(scale, 2));
      var cx = (xs0 + xs1) / 2, cy = (ys0 + ys1) / 2;
      // the box's centre sits at the middle of the free area (between the insets)
      var sx = left + (W - left - right) / 2, sy = top + (H - top - bottom) / 2;
      var ty = sy - cy * scale;
      if (under) {  // as near that as the outline's foot and the organisations allow
        ty = Math.max(top - ys0 * scale, Math.min(ty, H - 14 - ys1 * scale, H - bottom - low * scale));
      }
      cam = {scale: scale, tx: sx - cx * scale, ty: ty};
      var out = {l: 0, r: 0, t: 0};
      // (in the geography view kept 8 px in from the edge: the strip's boxes have borders)
      var inset = which === "geo" ? 8 : 0;
      fixedLabels(cam, ladder, which).forEach(function (t) {
        out.l = Math.max(out.l, inset - t.b[0]);
        out.r = Math.max(out.r, t.b[0] + t.b[2] - (W - inset));
        out.t = Math.max(out.t, inset / 2 - t.b[1]);
      });
      if (out.l <= 0 && out.r <= 0 && out.t <= 0) break;
      left += Math.max(0, out.l) + 1; right += Math.max(0, out.r) + 1; top += Math.max(0, out.t) + 1;
    }
    return cam;
  }
  var atFit = false;  // the camera is where fit() put it (the user has not moved it since)
  var autoMoved = false;  // a selection moved the camera from there (the user has not since)
  function fit() {
    var cam = fitCamera(state.view, LADDER, function (i) {
      return state.view === "geo" ? pos.geo[i] : pos.ladder[i];
    });
    if (!cam) return;
    var W = container.clientWidth, H = container.clientHeight;
    network.moveTo({position: {x: (W / 2 - cam.tx) / cam.scale, y: (H / 2 - cam.ty) / cam.scale},
                    scale: cam.scale, animation: false});
    atFit = true;
  }
  // The selected organisation and the organisations it leads to, clear of the details
  // panel and the key: where any of them (or the room for its name) is under one or off
  // the canvas, the view moves (zooming out only as far as needed) to centre them in the
  // free part of the map. Nothing moves when they are all in view already.
  function reveal(list) {
    if (!list.length) return;
    var W = container.clientWidth, H = container.clientHeight, pad = 16;
    // (on the ladder, room at the top for the stage names)
    var fx0 = pad, fy0 = pad + (state.view === "ladder" ? 34 : 0), fx1 = W - pad, fy1 = H - pad;
    var pr = rectIn(panelBox), lg = rectIn(legendBox);
    if (pr && pr[0] - pad - fx0 >= 160) fx1 = Math.min(fx1, pr[0] - pad);  // panel on the right
    else if (pr && pr[1] + pr[3] + pad < fy1 - 160) fy0 = Math.max(fy0, pr[1] + pr[3] + pad);
    if (lg && lg[1] - pad - fy0 >= 120) fy1 = Math.min(fy1, lg[1] - pad);
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity, r = 0;
    list.forEach(function (i) {
      var q = nodeXY(i);
      x0 = Math.min(x0, q[0]); x1 = Math.max(x1, q[0]);
      y0 = Math.min(y0, q[1]); y1 = Math.max(y1, q[1]);
      r = Math.max(r, ND.size[i]);
    });
    var s = view.scale, a = toDom(x0, y0), b = toDom(x1, y1), m = r * s + 4;
    var room = Math.min(LABEL_W * 0.6, 70);  // a name beside the rightmost one
    if (a[0] - m >= fx0 && b[0] + m + room <= fx1 && a[1] - m >= fy0 && b[1] + m <= fy1) return;
    var fw = Math.max(fx1 - fx0 - room, 40), fh = Math.max(fy1 - fy0, 40);
    var scale = Math.min(s, (fw - 2 * r * s - 8) / Math.max(x1 - x0, 1),
                         (fh - 2 * r * s - 8) / Math.max(y1 - y0, 1));
    scale = Math.max(0.02, scale);
    var cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    var dx = fx0 + (fx1 - room - fx0) / 2, dy = (fy0 + fy1) / 2;  // where the centre goes
    network.moveTo({position: {x: cx + (W / 2 - dx) / scale, y: cy + (H / 2 - dy) / scale},
                    scale: scale, animation: false});
    atFit = false;
    changed();
  }
  // the key grows or shrinks (a highlight or layer switched on, the key folded): if the
  // view is still the fitted one, fit again so the key never covers an organisation
  if (window.ResizeObserver) {
    var keyH = -1;
    new ResizeObserver(function () {
      var h = legendBox.offsetHeight;
      if (h === keyH) return;
      panelRoom();
      var first = keyH < 0;
      keyH = h;
      if (!first && atFit && !booting) { fit(); changed(); network.redraw(); }
    }).observe(legendBox);
  }
  // For up to LADDER_TRY_MAX organisations, of the ladder's shapes (tall, square-ish,
  // wide) take the one whose opening view names the most organisations (then the one that
  // draws them biggest).
  var LADDER_TRY_MAX = LR.crowded, chooseMs = 0;
  function chooseLadder() {
    if (n > LADDER_TRY_MAX || DATA.ladders.length < 2) return;
    var t0 = performance.now();
    var W = container.clientWidth, H = container.clientHeight;
    // every shape placed quickly (no making room), then those close to the best placed in
    // full (up to six), stopping at the first that names everyone
    var trials = [];
    DATA.ladders.forEach(function (l, k) {
      var xy = function (i) { return [l.x[i], l.y[i]]; };
      var cam = fitCamera("ladder", l, xy);
      if (!cam) return;
      var args = [screenPoints(cam, xy, W, H), order, W, H,
                  blockedBoxes(fixedLabels(cam, l, "ladder"))];
      var got = placeNames.apply(null, args.concat([false]));
      trials.push({l: l, k: k, scale: cam.scale, args: args, quick: got.length, done: got.complete});
    });
    trials.sort(function (a, b) { return b.quick - a.quick || b.scale - a.scale || a.k - b.k; });
    var best = null, bestCount = -1, bestScale = 0, everyone = false;
    trials.filter(function (t) { return t.quick >= trials[0].quick - 8; }).slice(0, 6).forEach(function (t) {
      if (everyone) return;
      var res = t.done ? null : placeNames.apply(null, t.args.concat([true, REPAIR_WORK / 3]));
      var got = res ? res.length : t.quick;
      everyone = res ? res.complete : t.done;
      if (got > bestCount || (got === bestCount && t.scale > bestScale * 1.02)) {
        best = t.l; bestCount = got; bestScale = t.scale;
      }
    });
    chooseMs = performance.now() - t0;
    if (!best || best === LADDER) return;
    LADDER = best;
    loadMoved();
    layoutPositions();
    if (state.view === "ladder") {
      var upd = [];
      for (var i = 0; i < n; i++) if (inVis[i]) upd.push({id: i, x: pos.ladder[i][0], y: pos.ladder[i][1]});
      nodes.update(upd);
      lastAt = lastAt.map(function () { return ""; });
    }
    changed();
  }

  // ---- colour-by, highlights, layers, filters --------------------------------------------
  var colourSelect = document.getElementById("colour-by");
  Object.keys(DATA.colour_schemes).forEach(function (k) {
    colourSelect.appendChild(el("option", {value: k}, DATA.colour_schemes[k].label));
  });
  colourSelect.value = state.colourBy;
  colourSelect.addEventListener("change", function () { state.colourBy = colourSelect.value; restyle(); });

  var highlightBox = document.getElementById("highlights");
  function sampleRing(st) {
    var sw = el("span", {"class": "ring", "aria-hidden": "true"});
    sw.style.border = st.width + "px " + (st.dash && st.dash.length ? (st.dash[0] <= 2 ? "dotted" : "dashed") : (st.double ? "double" : "solid")) + " " + st.colour;
    if (st.double) sw.style.borderWidth = "4px";
    return sw;
  }
  function sampleLine(st) {
    var sw = el("span", {"class": "line", "aria-hidden": "true"});
    var d = st.dash && st.dash.length ? (st.dash[0] <= 2 ? "dotted" : "dashed") : "solid";
    sw.style.borderTop = Math.max(1, Math.min(st.width, 6)) + "px " + d + " " + st.colour;
    return sw;
  }
  DATA.flag_order.forEach(function (f) {
    var label = el("label");
    var box = el("input", {type: "checkbox", id: "hl-" + f, "data-flag": f});
    box.checked = !!state.highlights[f];
    box.addEventListener("change", function () { state.highlights[f] = box.checked; restyle(); });
    label.appendChild(box);
    label.appendChild(document.createTextNode(" "));
    label.appendChild(f === "bridge" ? sampleLine(DATA.line_styles.bridge) : sampleRing(DATA.flag_styles[f]));
    label.appendChild(document.createTextNode(" " + DATA.flag_labels[f] + " (" + DATA.counts[f] + ")"));
    highlightBox.appendChild(label);
  });
  document.getElementById("suggested-label").textContent =
    "Suggested new links (" + DATA.suggestions.length + ")";
  var sugBox = document.getElementById("show-suggested");
  if (!DATA.suggestions.length) sugBox.disabled = true;
  sugBox.addEventListener("change", function () {
    state.showSuggested = sugBox.checked; edgeView.refresh(); network.redraw(); renderLegend();
  });
  document.getElementById("show-lapsed").addEventListener("change", function (ev) {
    state.showLapsed = ev.target.checked; refilter(); renderLegend();
  });
  document.getElementById("show-planned").addEventListener("change", function (ev) {
    state.showPlanned = ev.target.checked; refilter(); renderLegend();
  });
  var routeBox = document.getElementById("route-filters");
  var kindSelect = el("select", {id: "filter-kind"});
  kindSelect.appendChild(el("option", {value: ""}, "All kinds"));
  V.kind.forEach(function (k) { kindSelect.appendChild(el("option", {value: k}, k)); });
  kindSelect.addEventListener("change", function () { state.kind = kindSelect.value; refilter(); });
  routeBox.appendChild(el("label", {"for": "filter-kind"}, "Route kind"));
  routeBox.appendChild(kindSelect);

  var filterBox = document.getElementById("filters");
  DATA.filters.forEach(function (spec) {
    var id = "filter-" + spec.key;
    var select = el("select", {id: id});
    select.appendChild(el("option", {value: ""}, "All"));
    spec.values.forEach(function (v) {
      var name = spec.names && Object.prototype.hasOwnProperty.call(spec.names, v) ? spec.names[v] : pretty(v);
      select.appendChild(el("option", {value: v}, name));
    });
    select.addEventListener("change", function () { state.filters[spec.key] = select.value; refilter(); });
    filterBox.appendChild(el("label", {"for": id}, spec.label));
    filterBox.appendChild(select);
  });

  Array.prototype.forEach.call(document.querySelectorAll("input[name=view]"), function (r) {
    r.addEventListener("change", function () {
      if (!r.checked) return;
      state.view = r.value;
      document.getElementById("map-attribution").hidden = state.view !== "geo";
      restyle(); fit();
      network.redraw();
    });
  });
  var relax = document.getElementById("relax");
  var springs = false;
  relax.addEventListener("click", function () {
    var on = relax.getAttribute("aria-pressed") !== "true";
    relax.setAttribute("aria-pressed", on ? "true" : "false");
    relax.textContent = on ? "Stop relaxing" : "Relax layout";
    if (on && !springs) {  // springs for the physics: the active routes, never drawn by vis
      springs = true;
      var everyone = [];
      for (var i = 0; i < n; i++) everyone.push(i);
      toVis(everyone);
      var add = [];
      for (var j = 0; j < m; j++) {
        if (edgeStatus(j) === "active") add.push({id: "r" + j, from: ED.s[j], to: ED.t[j], hidden: true});
      }
      edges.add(add);
    }
    network.setOptions({physics: {enabled: on}});
    if (!on) {  // where relaxing left them is the layout now ("Show all" fits it)
      var held = [];
      for (var i = 0; i < n; i++) if (inVis[i]) held.push(i);
      keepPositions(held);
      changed();
      network.redraw();
    }
  });
  document.getElementById("fit").addEventListener("click", fit);
  network.on("dragEnd", function (params) {
    if (!params.nodes.length) { atFit = autoMoved = false; return; }  // the view was dragged
    keepPositions(params.nodes);
  });
  network.on("zoom", function () { atFit = autoMoved = false; });
  // positions vis moved (a drag, or relaxing) become the page's own and are kept; the
  // data set vis rebuilds a node from (when a filter shows it again) gets them too
  function keepPositions(list) {
    var p = network.getPositions(list), upd = [];
    list.forEach(function (i) {
      if (!p[i]) return;
      var q = [Math.round(p[i].x), Math.round(p[i].y)];
      pos[state.view][i] = q;
      moved[state.view].set(N[i], q);
      lastAt[i] = q[0] + "," + q[1];
      upd.push({id: i, x: q[0], y: q[1]});
    });
    nodes.update(upd);
    persist();
  }
  document.getElementById("reset-layout").addEventListener("click", function () {
    moved = {ladder: new Map(), geo: new Map()};
    try { window.localStorage.removeItem(STORE); } catch (err) { /* nothing kept */ }
    if (relax.getAttribute("aria-pressed") === "true") relax.click();
    layoutPositions();
    var upd = [];
    for (var i = 0; i < n; i++) {
      var p = state.view === "geo" ? pos.geo[i] : pos.ladder[i];
      if (inVis[i]) upd.push({id: i, x: p[0], y: p[1]});
    }
    nodes.update(upd);
    lastAt = lastAt.map(function () { return ""; });
    restyle(); fit();
  });

  // ---- the key: colour, shape, size and every line and ring in use ---------------------
  var legendBody = document.getElementById("legend-body");
  function legendSection(title, items) {
    var sec = el("section");
    sec.appendChild(el("h2", null, title));
    var ul = el("ul");
    items.forEach(function (it) {
      var li = el("li");
      li.appendChild(it[0]);
      li.appendChild(document.createTextNode(" " + it[1]));
      if (it[2]) li.title = it[2];
      ul.appendChild(li);
    });
    sec.appendChild(ul);
    legendBody.appendChild(sec);
  }
  function swatch(colour) {
    var sw = el("span", {"class": "swatch", "aria-hidden": "true"});
    sw.style.background = colour;
    return sw;
  }
  function fromSwatch() {  // grey with the dark border of an organisation that sends here
    var sw = swatch(GREY.background);
    sw.style.border = "2px solid " + FROM_BORDER;
    return sw;
  }
  function shapeIcon(kind, size) {
    var sw = el("span", {"class": "swatch", "aria-hidden": "true"});
    sw.style.background = "#bbbbbb";
    sw.style.width = sw.style.height = (size || 0.8) + "rem";
    if (kind === "dot") sw.style.borderRadius = "50%";
    if (kind === "diamond") sw.style.transform = "rotate(45deg) scale(0.85)";
    if (kind === "square") sw.style.borderRadius = "0";
    return sw;
  }
  function renderLegend() {
    legendBody.replaceChildren();
    if (state.reach) {
      legendSection("Colour: highest stage (on the selected organisation's pathways)",
        STAGES.map(function (s) { return [swatch(DATA.colour_schemes.top.colours[s]), pretty(s)]; })
          .concat(inAdj[state.selected].some(sendsHere) ? [[fromSwatch(), "sends young people to it"]] : [])
          .concat([[swatch(GREY.background), "not reachable from it"]]));
    } else {
      var scheme = DATA.colour_schemes[state.colourBy], present = new Set();
      for (var i = 0; i < n; i++) if (visible[i]) present.add(colourValue(i));
      legendSection("Colour: " + scheme.label.toLowerCase(), Object.keys(scheme.colours)
        .filter(function (k) { return present.has(k); })
        .map(function (k) {
          var names = scheme.value_names;
          return [swatch(scheme.colours[k]),
                  names && Object.prototype.hasOwnProperty.call(names, k) ? names[k] : pretty(k)];
        }));
    }
    legendSection("Shape: remit", [[shapeIcon("diamond"), "majority challenging circumstances"],
      [shapeIcon("dot"), "minority challenging circumstances"], [shapeIcon("square"), "general"]]);
    legendSection("Size", [[shapeIcon("dot", 0.5), "few routes"], [shapeIcon("dot", 1), "many routes"]]);
    if (state.view === "geo") {  // the pale borough tints under the organisations
      legendSection("Boroughs: hub area", Object.keys(DATA.area_tints).map(function (a) {
        return [swatch(DATA.area_tints[a]), a];
      }));
      legendBody.lastChild.querySelector("ul").id = "legend-boroughs";
    }
    var lines = [[sampleLine(DATA.line_styles.active), "route (arrow: where young people go)"]];
    if (state.showLapsed) lines.push([sampleLine(DATA.line_styles.lapsed), "lapsed"]);
    if (state.showPlanned) lines.push([sampleLine(DATA.line_styles.planned), "planned"]);
    if (state.highlights.bridge) lines.push([sampleLine(DATA.line_styles.bridge), "fragile route (the only link)"]);
    if (state.showSuggested) lines.push([sampleLine(DATA.line_styles.suggested), "suggested new link (click it)"]);
    if (state.reach) lines.push([sampleLine(DATA.line_styles.pathway), "on the pathways"]);
    if (state.reach && inAdj[state.selected].some(sendsHere)) {
      lines.push([sampleLine(DATA.line_styles.incoming), "route into it"]);
    }
    var usedCls = new Set(), sections = new Map();
    edgeCls.forEach(function (c) { usedCls.add(c); });
    Object.keys(ND.cls).forEach(function (k) { usedCls.add(ND.cls[k]); });
    // classes set by other features: in their own section of the key when they name one
    // (all of its classes listed), else with the lines
    DATA.class_order.forEach(function (c) {
      var st = DATA.class_styles[c];
      if (st.section && usedCls.has(c)) sections.set(st.section, []);
    });
    var routeCls = new Set();
    edgeCls.forEach(function (c) { routeCls.add(c); });
    DATA.class_order.forEach(function (c) {
      var st = DATA.class_styles[c];
      // a class only organisations have is a ring around them, shown as one
      var sample = usedCls.has(c) && !routeCls.has(c) ? sampleRing(st) : sampleLine(st);
      if (st.section && sections.has(st.section)) sections.get(st.section).push([sample, st.label]);
      else if (!st.section && usedCls.has(c)) lines.push([sample, st.label]);
    });
    sections.forEach(function (items, title) {
      legendSection(title, items);
      legendBody.lastChild.querySelector("ul").id = "legend-" + title.split(" ")[0].toLowerCase();
    });
    legendSection("Lines", lines);
    var rings = [];
    ["dead_end", "gap", "bridge_org", "isolated"].forEach(function (f) {
      // the finding's name (its meaning on hover and under "How to read this map"): the
      // key stays one row high at 1280 pixels wide with the opening rings in it
      if (state.highlights[f]) rings.push([sampleRing(DATA.flag_styles[f]), DATA.flag_singular[f], DATA.flag_styles[f].what]);
    });
    if (rings.length) {
      legendSection("Rings", rings);
      legendBody.lastChild.id = "legend-rings";
    }
    ringsAcross();
  }
  // On a narrow screen the key wraps onto a second line; the rings then run across it
  // rather than down, so that line is no taller than the lines column beside it.
  function ringsAcross() {
    var sec = document.getElementById("legend-rings");
    if (!sec) return;
    sec.classList.remove("across");
    if (sec.offsetTop > legendBody.firstChild.offsetTop) sec.classList.add("across");
  }

  // ---- details panel ------------------------------------------------------------------------
  var panel = document.getElementById("panel-body");
  function safeUrl(u) {
    try {
      var url = new URL(u);
      return (url.protocol === "http:" || url.protocol === "https:") ? url.href : null;
    } catch (err) { return null; }
  }
  // the routes running now (the ones every finding is about), then any planned or lapsed
  // ones apart: a dead end's "leads on to" must not read as if a route left it
  function routeList(title, items) {
    var box = el("section", {"class": "route-list"});
    var now = items.filter(function (it) { return edgeStatus(it.j) === "active"; });
    var other = items.filter(function (it) { return edgeStatus(it.j) !== "active"; });
    box.appendChild(el("h3", null, title + " (" + now.length + ")"));
    if (!now.length) box.appendChild(el("p", {"class": "muted"}, "None running now."));
    else box.appendChild(routeItems(now));
    if (other.length) {
      box.appendChild(el("p", {"class": "muted not-running"}, "Not running now (planned or " +
        "lapsed; not counted in the findings):"));
      box.appendChild(routeItems(other));
    }
    return box;
  }
  function routeItems(items) {
    var ul = el("ul", {"class": "routes"});
    items.forEach(function (it) {
      var li = el("li");
      var b = el("button", {type: "button", "class": "link", "data-id": N[it.i]}, ND.name[it.i]);
      b.addEventListener("click", function () { select(N[it.i], true); });
      li.appendChild(b);
      var st = edgeStatus(it.j), people = edgePeople.get(it.j), cls = edgeCls.get(it.j);
      li.appendChild(el("span", {"class": "muted"}, " " + V.kind[ED.kind[it.j]] +
        (st !== "active" ? " (" + st + ")" : "") + (cls ? " (" + cls + ")" : "") +
        (people !== undefined ? ", " + people + " a year" : "")));
      ul.appendChild(li);
    });
    return ul;
  }
  // a tap that opens the panel is followed by the browser's click at the same spot, which
  // would press whatever the panel now shows there (a route's link, the website)
  panelBox.addEventListener("click", function (ev) {
    if (ev.pointerType === "touch" && performance.now() - tappedAt < 700) {
      ev.preventDefault();
      ev.stopPropagation();
    }
  }, true);
  // the details panel stops above the key, so it never hides part of it (unless the map
  // is too short to leave the panel 160 px: then the panel may reach over the key)
  function panelRoom() {
    var lg = rectIn(legendBox);
    if (!lg) { panelBox.style.maxHeight = ""; return; }
    var top = panelBox.offsetTop || 6;
    panelBox.style.maxHeight = Math.max(160, lg[1] - top - 8) + "px";
  }
  function openPanel() {
    panelRoom();
    panelBox.hidden = false;
    changed();
    network.redraw();
  }
  function showOrg(i) {
    panel.replaceChildren();
    panel.appendChild(el("h2", {id: "panel-name"}, ND.name[i]));
    var dl = el("dl");
    function row(k, v, vocab) {
      if (v === null || v === undefined || v === "" || (Array.isArray(v) && !v.length)) return;
      var show = vocab ? pretty : String;
      dl.appendChild(el("dt", null, k));
      dl.appendChild(el("dd", null, Array.isArray(v) ? v.map(show).join(", ") : show(v)));
    }
    row("Id", N[i]);
    row("Type", typeName(org.type(i)));
    row("Remit", DATA.remit_labels[org.remit(i)]);
    row("Pathfinders role", org.role(i), true);
    row("Stages", org.stages(i), true);
    row("Target groups", org.groups(i).map(function (g) {
      return Object.prototype.hasOwnProperty.call(DATA.group_labels, g) ? DATA.group_labels[g] : pretty(g);
    }));
    row("Genres", org.genres(i));
    var area = hubArea(i);
    row("Borough", org.borough(i) + (area && area !== org.borough(i) ? " (" + area + " hub area)" : ""));
    var a0 = sparse(ND.age_min, i), a1 = sparse(ND.age_max, i);
    if (a0 !== null || a1 !== null) row("Ages", (a0 === null ? "?" : a0) + " to " + (a1 === null ? "?" : a1));
    row("IMD decile", sparse(ND.imd, i));
    if (DATA.private) {
      row("Contact", sparse(ND.contact_email || {}, i));
      row("Notes", sparse(ND.notes || {}, i));
    }
    panel.appendChild(dl);
    var web = sparse(ND.website, i), url = web ? safeUrl(web) : null;
    if (url) {
      var p = el("p");
      p.appendChild(el("a", {href: url, target: "_blank", rel: "noopener noreferrer nofollow",
                             id: "panel-website"}, web));
      panel.appendChild(p);
    }
    var fl = DATA.flag_order.filter(function (f) { return f !== "bridge" && hasFlag(i, f); });
    if (fl.length) {
      var warn = el("ul", {"class": "flags"});
      fl.forEach(function (f) {
        var one = DATA.flag_singular[f], cut = sparse(ND.cut_off, i);
        warn.appendChild(el("li", null, one.charAt(0).toUpperCase() + one.slice(1) + ": " +
          (f === "bridge_org" ? "if it closed, " + cut + (cut === 1 ? " organisation" : " organisations") +
           " would be cut off from the rest of the network" : DATA.flag_styles[f].what)));
      });
      panel.appendChild(warn);
    }
    var incoming = [], onward = [];
    for (var j = 0; j < m; j++) {
      if (ED.t[j] === i) incoming.push({i: ED.s[j], j: j});
      if (ED.s[j] === i) onward.push({i: ED.t[j], j: j});
    }
    panel.appendChild(routeList("Comes from", incoming));
    panel.appendChild(routeList("Leads on to", onward));
    var reached = new Set();
    state.reach.forEach(function (d, v) { org.stages(v).forEach(function (s) { reached.add(s); }); });
    var path = el("section", {id: "pathways"});
    path.appendChild(el("h3", null, "Where a young person can go from here"));
    path.appendChild(el("p", null, (state.reach.size - 1) + " organisations reachable."));
    var ul = el("ul", {"class": "stages"});
    STAGES.forEach(function (s) {
      var ok = reached.has(s);
      ul.appendChild(el("li", {"class": ok ? "ok" : "missing"}, pretty(s) + ": " + (ok ? "reachable" : "not reachable")));
    });
    path.appendChild(ul);
    var clear = el("button", {type: "button", id: "clear-selection"}, "Clear selection");
    clear.addEventListener("click", function () { select(null); });
    path.appendChild(clear);
    panel.appendChild(path);
    openPanel();
  }
  function showSuggestion(k) {
    var sg = DATA.suggestions[k];
    panel.replaceChildren();
    panel.appendChild(el("h2", {id: "panel-name"}, "Suggested new link"));
    var p = el("p", {id: "suggestion-route"});
    [sg.s, sg.t].forEach(function (i, t) {
      var b = el("button", {type: "button", "class": "link"}, ND.name[i]);
      b.addEventListener("click", function () { select(N[i], true); });
      if (t) p.appendChild(document.createTextNode(" → "));
      p.appendChild(b);
    });
    panel.appendChild(p);
    panel.appendChild(el("p", null, "Rank " + (k + 1) + " of " + DATA.suggestions.length +
      " · score " + sg.score + " (fit " + sg.fit + ")"));
    if (DATA.suggestions_note) {
      panel.appendChild(el("p", {id: "suggestions-capped", "class": "note"},
                           DATA.suggestions_note));
    }
    panel.appendChild(el("h3", null, "Why it fits, and its measured impact"));
    var ul = el("ul", {"class": "reasons", id: "suggestion-reasons"});
    sg.reasons.forEach(function (r) { ul.appendChild(el("li", null, r)); });
    panel.appendChild(ul);
    var dl = el("dl", {id: "suggestion-impact"});
    [["dead_ends_resolved", "Dead ends resolved"], ["progression_gaps_closed", "Progression gaps closed"],
     ["higher_stage_gained", "Organisations gaining a higher stage"], ["majority_cc_helped", "Majority-CC organisations helped"],
     ["bridges_lost", "Fragile routes made safe"], ["dead_ends_created", "Dead ends created"]].forEach(function (kv) {
      if (sg.impact[kv[0]] === undefined) return;
      dl.appendChild(el("dt", null, kv[1]));
      dl.appendChild(el("dd", null, String(sg.impact[kv[0]])));
    });
    panel.appendChild(dl);
    openPanel();
  }
  function closePanel() {
    panelBox.hidden = true;
    changed();
    network.redraw();
  }
  function dismiss() {  // the panel's close button, or a click on empty canvas
    if (state.selected !== null) { select(null); return; }
    if (state.suggestion !== null) { state.suggestion = null; reorder(); }
    closePanel();
  }
  document.getElementById("panel-close").addEventListener("click", dismiss);
  // Escape closes the details panel, as the close button does (focus, if it was in the
  // panel, goes back to the search box)
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape" || panelBox.hidden) return;
    var inPanel = panelBox.contains(document.activeElement);
    dismiss();
    if (inPanel) document.getElementById("search").focus();
  });
  function select(id, focus) {
    var i = id === null || id === undefined ? null : byId.get(id);
    if (i === undefined) i = null;
    state.selected = i;
    state.suggestion = null;
    state.reach = i === null ? null : reachable(i);
    if (i !== null && !visible[i]) { clearFilters(); }
    restyle();
    if (i !== null) {
      hideTip();
      toVis([i]);
      network.selectNodes([i]);
      if (focus) {
        var p = nodeXY(i);
        network.moveTo({position: {x: p[0], y: p[1]}, scale: Math.max(view.scale, 1), animation: false});
      }
      showOrg(i);
      // where young people can go from it, and those that send them to it
      var fitted = atFit || autoMoved;
      reveal(Array.from(state.reach.keys()).concat(inAdj[i].filter(sendsHere))
        .filter(function (j) { return visible[j]; }));
      if (fitted && !atFit) autoMoved = true;
      document.body.dataset.selected = N[i];
    } else {
      network.unselectAll();
      closePanel();
      // the view a selection moved goes back to the opening view (unless the user has
      // panned or zoomed since), so a later picture is not of a shifted map
      if (autoMoved) { autoMoved = false; fit(); changed(); network.redraw(); }
      delete document.body.dataset.selected;
    }
  }
  // vis finds what is under the pointer among the organisations it holds: before it looks,
  // hand it those the pointer is over (a box of the organisation's size, as vis tests)
  function orgsAt(x, y) {
    var out = [];
    for (var i = 0; i < n; i++) {
      if (!visible[i]) continue;
      var p = nodeXY(i), r = ND.size[i];
      if (Math.abs(x - p[0]) <= r && Math.abs(y - p[1]) <= r) out.push(i);
    }
    return out;
  }
  // Of organisations drawn over one another vis takes the last it holds; make that the one
  // drawn on top: hovered or selected (vis draws those last), else the later look's path,
  // else the later in the data.
  function onTop(list) {
    var best = -1, bestAt = -1;
    list.forEach(function (i) {
      var b = network.body.nodes[i], late = b && (b.hover || b.selected) ? 1 : 0;
      var at = (late * 1e4 + (layer.has(i) ? layer.get(i) : 0)) * (n + 1) + i;
      if (at > bestAt) { best = i; bestAt = at; }
    });
    return best;
  }
  var pointer = [0, 0], touching = false;  // in the map area, for the tooltip
  ["pointerdown", "pointermove", "pointerup"].forEach(function (type) {
    container.addEventListener(type, function (ev) {
      var w = wrap.getBoundingClientRect();
      pointer = [ev.clientX - w.left, ev.clientY - w.top];
      touching = ev.pointerType === "touch";
      var r = network.canvas.frame.canvas.getBoundingClientRect();
      var c = network.DOMtoCanvas({x: ev.clientX - r.left, y: ev.clientY - r.top});
      var under = orgsAt(c.x, c.y);
      toVis(under);
      if (under.length < 2) return;
      var top = onTop(under), idx = network.body.nodeIndices, k = idx.indexOf(top);
      if (k >= 0 && k < idx.length - 1) { idx.splice(k, 1); idx.push(top); }
    }, true);
  });
  var tappedAt = -1;  // when a touch opened the details panel
  network.on("click", function (params) {
    if (params.nodes.length) {
      var ev = params.event || {};
      if ((ev.pointerType || (ev.srcEvent || {}).pointerType) === "touch") tappedAt = performance.now();
      select(N[params.nodes[0]], false);
      return;
    }
    if (!params.edges.length) { dismiss(); return; }  // empty canvas: nothing selected
    var e = edges.get(params.edges[0]);
    if (e && e.suggestion !== undefined) {
      if (state.selected !== null) select(null);
      state.suggestion = e.suggestion;
      reorder();
      showSuggestion(e.suggestion);
      document.body.dataset.suggestion = String(e.suggestion);
    }
  });

  // ---- hover: a text-only tooltip --------------------------------------------------------
  var tip = document.getElementById("tooltip");
  function hideTip() { tip.hidden = true; delete document.body.dataset.hover; }
  container.addEventListener("pointerleave", hideTip);  // onto the key, or off the map
  network.on("hoverNode", function (params) {
    var i = params.node;
    if (touching || !visible[i]) return;  // a finger has no hover: the tap opens the details
    tip.replaceChildren();
    tip.appendChild(el("strong", null, ND.name[i]));
    tip.appendChild(el("span", null, typeName(org.type(i)) + " · " + org.borough(i)));
    tip.appendChild(el("br"));
    tip.appendChild(el("span", null, "Stages: " + org.stages(i).map(pretty).join(", ")));
    tip.hidden = false;
    var W = wrap.clientWidth;
    var x = Math.min(pointer[0] + 14, W - tip.offsetWidth - 6), y = pointer[1] + 14;
    if (y + tip.offsetHeight > wrap.clientHeight - 4) y = pointer[1] - tip.offsetHeight - 10;
    tip.style.left = Math.max(4, x) + "px";
    tip.style.top = Math.max(4, y) + "px";
    document.body.dataset.hover = N[i];
  });
  network.on("blurNode", hideTip);
  network.on("dragStart", hideTip);

  // ---- search -------------------------------------------------------------------------------
  function clearFilters() {
    state.filters = {};
    Array.prototype.forEach.call(filterBox.querySelectorAll("select"), function (s) { s.value = ""; });
    refilter();
  }
  function fold(text) {  // lower case, accents and punctuation left out, for searching
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^\p{L}\p{N}\s]+/gu, " ").replace(/\s+/g, " ").trim();
  }
  document.getElementById("search-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var raw = document.getElementById("search").value.trim();
    var q = fold(raw);
    var status = document.getElementById("search-status");
    state.hits = [];
    if (!q) { status.textContent = ""; reorder(); network.redraw(); return; }
    // an id as typed, then names holding the words typed in that order, then names
    // holding every word typed in any order (accents and case ignored: "cedar cafe"
    // finds Cedar Yard Youth Café)
    var hits = [], loose = [], words = q.split(/\s+/);
    if (byId.has(raw)) hits.push(byId.get(raw));
    for (var i = 0; i < n; i++) {
      if (hits.indexOf(i) >= 0) continue;
      var name = fold(ND.name[i]), hay = name + " " + fold(N[i]);
      if (fold(N[i]) === q || name.indexOf(q) >= 0) hits.push(i);
      else if (words.every(function (w) { return hay.indexOf(w) >= 0; })) loose.push(i);
    }
    hits = hits.concat(loose);
    if (!hits.length) {
      status.textContent = "No organisation matches \u201c" + raw + "\u201d.";
      reorder(); network.redraw(); return;
    }
    state.hits = hits;
    status.textContent = "Found: " + ND.name[hits[0]] + (hits.length > 1 ? " (and " + (hits.length - 1) + " more)" : "");
    select(N[hits[0]], true);
  });

  // ---- the list view: the same organisations as a sortable, filterable table -------------
  var listView = document.getElementById("list-view");
  var wrapMap = document.getElementById("map-wrap");
  var COLS = [
    {key: "name", label: "Organisation", get: function (i) { return ND.name[i]; }},
    {key: "type", label: "Type", get: function (i) { return typeName(org.type(i)); }},
    {key: "borough", label: "Borough", get: function (i) { return org.borough(i); }},
    {key: "stages", label: "Stages", get: function (i) { return org.stages(i).map(pretty).join(", "); },
     sort: function (i) { return ND.top[i]; }},
    {key: "onward", label: "Onward routes", get: function (i) { return outAdj[i].length; }, num: true},
    {key: "findings", label: "Findings", get: function (i) {
      return DATA.flag_order.filter(function (f) { return f !== "bridge" && hasFlag(i, f); })
        .map(function (f) { return DATA.flag_singular[f]; }).join(", ");
    }}
  ];
  var sortCol = "name", sortDir = 1, LIST_MAX = 500;
  var headRow = document.querySelector("#org-table thead tr");
  COLS.forEach(function (c) {
    var th = el("th", c.num ? {scope: "col", "data-key": c.key, "class": "num"} : {scope: "col", "data-key": c.key});
    var b = el("button", {type: "button"}, c.label);
    b.addEventListener("click", function () {
      sortDir = sortCol === c.key ? -sortDir : 1;
      sortCol = c.key;
      renderTable();
    });
    th.appendChild(b);
    headRow.appendChild(th);
  });
  var listFilter = document.getElementById("list-filter");
  listFilter.addEventListener("input", function () { renderTable(); });
  function renderTable() {
    var q = listFilter.value.trim().toLowerCase();
    var col = COLS.filter(function (c) { return c.key === sortCol; })[0];
    var key = col.sort || col.get;
    var rows = [];
    for (var i = 0; i < n; i++) {
      if (!visible[i]) continue;
      if (q) {
        var hay = (ND.name[i] + " " + N[i] + " " + org.type(i) + " " + typeName(org.type(i)) + " " +
                   org.borough(i) + " " +
                   org.stages(i).join(" ")).toLowerCase().replace(/_/g, " ");
        if (hay.indexOf(q.replace(/_/g, " ")) < 0) continue;
      }
      rows.push(i);
    }
    rows.sort(function (a, b) {
      var x = key(a), y = key(b);
      if (typeof x === "string") { x = x.toLowerCase(); y = y.toLowerCase(); }
      return (x < y ? -1 : x > y ? 1 : ND.name[a].localeCompare(ND.name[b])) * sortDir;
    });
    Array.prototype.forEach.call(headRow.children, function (th) {
      if (th.getAttribute("data-key") === sortCol) th.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    });
    var body = document.querySelector("#org-table tbody");
    body.replaceChildren();
    rows.slice(0, LIST_MAX).forEach(function (i) {
      var tr = el("tr", {"data-id": N[i]});
      COLS.forEach(function (c, k) {
        var td = el(k ? "td" : "th", k ? (c.num ? {"class": "num"} : null) : {scope: "row"});
        if (!k) {
          var b = el("button", {type: "button", "class": "link", title: "Show on the map"}, ND.name[i]);
          b.addEventListener("click", function () {
            showTab("map");
            select(N[i], true);
            var h = document.getElementById("panel-name");  // keyboard users land on the details
            if (h) { h.setAttribute("tabindex", "-1"); h.focus(); }
          });
          td.appendChild(b);
        } else td.textContent = String(c.get(i));
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    // counted against every organisation in the data, so a filter says how much it hides
    var msg = rows.length === n ? "Showing all " + n + " organisations"
      : rows.length + " of " + n + " organisations match";
    if (rows.length > LIST_MAX) msg += "; the first " + LIST_MAX + " are shown (filter to see the rest)";
    document.getElementById("list-status").textContent = msg + ".";
  }
  var tabMap = document.getElementById("tab-map"), tabList = document.getElementById("tab-list");
  function showTab(which) {
    var list = which === "list";
    listView.hidden = !list;
    wrapMap.hidden = list;
    tabMap.setAttribute("aria-pressed", list ? "false" : "true");
    tabList.setAttribute("aria-pressed", list ? "true" : "false");
    if (list) renderTable(); else network.redraw();
  }
  tabMap.addEventListener("click", function () { showTab("map"); });
  tabList.addEventListener("click", function () {
    showTab("list");
    document.getElementById("list-filter").focus();  // the keyboard lands on the list
  });

  // ---- small screens: the options slide over the map -------------------------------------
  var toggle = document.getElementById("toggle-controls");
  toggle.addEventListener("click", function () {
    var open = !document.body.classList.contains("controls-open");
    document.body.classList.toggle("controls-open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
  legendBox.addEventListener("toggle", function () { changed(); network.redraw(); });
  if (narrow && window.innerHeight < 700) legendBox.open = false;

  // ---- PNG of the current view -------------------------------------------------------------
  // The picture a coordinator can email: the title and counts above the map as it is on
  // screen (with the names the key and panel hide on screen), the key below it, drawn
  // from the key on the page, and the boundary attribution in the geography view.
  function drawKey(ctx, x0, y0, width, draw) {  // returns the height used
    var x = x0, y = y0, rowH = 20, gap = 18;
    ctx.textBaseline = "middle";
    legendBody.querySelectorAll("section").forEach(function (sec) {
      var title = sec.querySelector("h2").textContent;
      ctx.font = "bold 12px system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif";
      if (x > x0) { x = x0; y += rowH; }
      if (draw) { ctx.fillStyle = "#1f2a44"; ctx.fillText(title, x, y + rowH / 2); }
      y += rowH;
      ctx.font = "12px system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif";
      sec.querySelectorAll("li").forEach(function (li) {
        var icon = li.firstChild, text = li.textContent.trim();
        var w = 26 + ctx.measureText(text).width + gap;
        if (x > x0 && x + w > x0 + width) { x = x0; y += rowH; }
        if (draw) {
          drawIcon(ctx, icon, x + 9, y + rowH / 2);
          ctx.fillStyle = "#222222";
          ctx.fillText(text, x + 24, y + rowH / 2);
        }
        x += w;
      });
    });
    return y + rowH - y0;
  }
  function drawIcon(ctx, icon, cx, cy) {
    var st = icon.style;
    ctx.save();
    if (icon.classList.contains("line")) {
      ctx.strokeStyle = st.borderTopColor;
      ctx.lineWidth = parseFloat(st.borderTopWidth) || 1;
      ctx.setLineDash(st.borderTopStyle === "dashed" ? [5, 3] : st.borderTopStyle === "dotted" ? [1.5, 2.5] : []);
      ctx.beginPath(); ctx.moveTo(cx - 9, cy); ctx.lineTo(cx + 9, cy); ctx.stroke();
    } else if (icon.classList.contains("ring")) {
      ctx.strokeStyle = st.borderTopColor;
      ctx.setLineDash(st.borderTopStyle === "dashed" ? [4, 2] : st.borderTopStyle === "dotted" ? [1.5, 2] : []);
      ctx.lineWidth = 2;
      ctx.beginPath(); ctx.arc(cx, cy, 6, 0, 2 * Math.PI); ctx.stroke();
      if (st.borderTopStyle === "double") { ctx.beginPath(); ctx.arc(cx, cy, 9, 0, 2 * Math.PI); ctx.stroke(); }
    } else {
      var r = st.width ? parseFloat(st.width) * 8 : 6.5;  // rem to px, as drawn on the page
      ctx.fillStyle = st.backgroundColor || "#bbbbbb";
      ctx.strokeStyle = st.borderTopStyle === "solid" ? st.borderTopColor : "#555555";
      ctx.lineWidth = st.borderTopStyle === "solid" ? parseFloat(st.borderTopWidth) || 1 : 1;
      ctx.beginPath();
      if (st.borderRadius === "50%") ctx.arc(cx, cy, r * 0.8, 0, 2 * Math.PI);
      else if (st.transform) { ctx.moveTo(cx, cy - r); ctx.lineTo(cx + r, cy); ctx.lineTo(cx, cy + r); ctx.lineTo(cx - r, cy); ctx.closePath(); }
      else ctx.rect(cx - r * 0.75, cy - r * 0.75, r * 1.5, r * 1.5);
      ctx.fill(); ctx.stroke();
    }
    ctx.restore();
  }
  var lastPicture = null;  // names in the last picture and on screen (for tests)
  function pictureCanvas() {
    exporting = true;
    changed(); settleNow = true; network.redraw();  // names, as if the key and panel were gone
    var src = container.querySelector("canvas");
    lastPicture = {names: placed.length, shown: -1};
    var k = src.width / container.clientWidth, W = container.clientWidth, H = container.clientHeight;
    var scratch = document.createElement("canvas").getContext("2d");
    var keyH = drawKey(scratch, 16, 0, W - 32, false);
    var attribution = [];  // the boundaries' licence line, wrapped to the picture's width
    if (state.view === "geo") {
      scratch.font = "11px system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif";
      document.getElementById("map-attribution").textContent.split(/\s+/).forEach(function (w) {
        var last = attribution.length - 1;
        if (last >= 0 && scratch.measureText(attribution[last] + " " + w).width <= W - 32) attribution[last] += " " + w;
        else attribution.push(w);
      });
    }
    var head = 58, foot = keyH + 24 + attribution.length * 15;
    var out = document.createElement("canvas");
    out.width = Math.round(W * k); out.height = Math.round((head + H + foot) * k);
    var ctx = out.getContext("2d");
    ctx.scale(k, k);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, W, head + H + foot);
    ctx.fillStyle = "#1f2a44";
    ctx.textBaseline = "alphabetic";
    ctx.font = "bold 20px system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif";
    ctx.fillText(document.getElementById("title").textContent, 16, 28);
    ctx.font = "13px system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif";
    ctx.fillStyle = "#444444";
    ctx.fillText(document.getElementById("stats").textContent, 16, 48);
    ctx.drawImage(src, 0, head, W, H);
    ctx.strokeStyle = "#cccccc"; ctx.lineWidth = 1;
    ctx.strokeRect(0.5, head + 0.5, W - 1, H - 1);
    drawKey(ctx, 16, head + H + 12, W - 32, true);
    ctx.fillStyle = "#555555";
    ctx.textBaseline = "alphabetic";
    ctx.font = "11px system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif";
    attribution.forEach(function (line, k) {
      ctx.fillText(line, 16, head + H + keyH + 28 + k * 15);
    });
    exporting = false;
    changed(); settleNow = true; network.redraw();
    lastPicture.shown = placed.length;  // names on screen, for comparison
    lastPicture.attribution = attribution.join(" ");
    return out;
  }
  document.getElementById("download-png").addEventListener("click", function () {
    var a = el("a", {href: pictureCanvas().toDataURL("image/png"), download: "musicnet-map.png"});
    document.body.appendChild(a);
    a.click();
    a.remove();
  });

  // ---- start ----------------------------------------------------------------------------------
  refilter();
  reorder();
  renderLegend();
  chooseLadder();
  fit();
  network.once("afterDrawing", function () {
    window.requestAnimationFrame(function () { document.body.dataset.ready = "true"; });
  });
  settleNow = true;  // the opening view: every name placed in its first frame
  booting = false;
  network.body.emitter.emit("_allowRedraw");
  network.redraw();
  window.addEventListener("resize", function () { ringsAcross(); panelRoom(); changed(); network.redraw(); });
  network.on("dragging", function (params) { if (params.nodes.length) changed(); });

  window.musicnetMap = {
    network: network, nodes: nodes, edges: edges, nodeView: nodeView, edgeView: edgeView,
    data: DATA, state: state, select: select, fit: fit,
    position: function (id) {  // an organisation's centre, in map (vis canvas) coordinates
      var p = nodeXY(byId.get(id));
      return {x: p[0], y: p[1]};
    },
    inVis: function () { return Array.prototype.reduce.call(inVis, function (a, b) { return a + b; }, 0); },
    visId: function (id) { return byId.has(id) ? byId.get(id) : null; },
    orgId: function (i) { return N[i]; },
    domPosition: function (id) {  // page coordinates of an organisation's centre
      var i = byId.get(id), p = nodeXY(i), d = toDom(p[0], p[1]);
      var r = container.getBoundingClientRect();
      return [d[0] + r.left, d[1] + r.top];
    },
    domRadius: function (id) {  // on screen, in pixels: the organisation with its rings
      var i = byId.get(id), px = ND.size[i] * view.scale + 3;
      ringsOf(i).forEach(function (f) {
        var st = f.indexOf("cls:") === 0 ? DATA.class_styles[f.slice(4)] : DATA.flag_styles[f];
        px += (st.double ? 4 : 1.5) * st.width + 1;
      });
      return px;
    },
    lastPicture: function () { return lastPicture; },
    labelBoxes: function () {  // the names drawn in the last frame, in page coordinates
      var r = container.getBoundingClientRect();
      return placed.map(function (p) {
        return {id: N[p.i], text: p.lines.join(" "), x: p.b[0] + r.left, y: p.b[1] + r.top,
                w: p.b[2], h: p.b[3], font_px: parseFloat(measureCtx.font),
                lines: p.lines.slice(), leader: p.lead !== null};
      });
    },
    viewLabels: function () {  // stage, hub-area and borough names, in page coordinates
      var r = container.getBoundingClientRect();
      return viewLabelBoxes.map(function (b) {
        return {text: b.text, x: b.x + r.left, y: b.y + r.top, w: b.w, h: b.h};
      });
    },
    ringsOf: function (id) { return ringsOf(byId.get(id)); },
    edgeStyleOf: function (source, target) {  // style keys of the drawn routes source -> target
      var out = [], a = byId.get(source), b = byId.get(target);
      for (var j = 0; j < m; j++) if (ED.s[j] === a && ED.t[j] === b && edgeShown(j)) out.push(edgeStyleKey(j));
      return out;
    },
    routeClasses: function () {  // [source, target, class] of every drawn route with a class
      var out = [];
      edgeCls.forEach(function (c, j) { if (edgeShown(j)) out.push([N[ED.s[j]], N[ED.t[j]], c]); });
      return out;
    },
    routeGeometry: function () {  // what bends the routes: shown organisations' centres and
      // radii (map coordinates), every route as [source, target] and the bent ones' curves
      var b = bendRoutes(), out = {nodes: [], routes: [], bends: {}};
      for (var i = 0; i < n; i++) {
        var p = visible[i] ? nodeXY(i) : null;
        out.nodes.push([N[i], p ? p[0] : null, p ? p[1] : null, ND.size[i]]);
      }
      for (var j = 0; j < m; j++) out.routes.push([ED.s[j], ED.t[j]]);
      b.forEach(function (c, j) { out.bends[j] = c.slice(); });
      return out;
    },
    placeEveryFrame: false,
    labelSpots: function (x, y, rr, w, h) {  // the rule's candidate corners, in order of position
      var out = [];
      for (var k = 0; k < N_POS * LR.rings.length; k++) out.push(corner(k, x, y, rr, {w: w, h: h}));
      return out;
    },
    placeNamesFor: function (pts, ord, W, H, blocked) {  // the rule on given screen points
      return placeNames(pts, ord, W, H, blocked, true).map(function (q) {
        return {i: q.i, x: pts[q.i][0] + q.dx, y: pts[q.i][1] + q.dy, w: q.w, h: q.h, lines: q.lines};
      });
    },
    textWidth: function (word) { return word === " " ? SPACE_W : widthOf(word); },
    labelPairs: function () { return PAIRS.map(function (p) { return [p[0], p[1]]; }); },
    labelStats: function () { return {placeMs: placeMs, chooseMs: chooseMs}; },
    fillOf: function (id) { return looks[byId.get(id)][0]; },
    frameTimes: function () { return frames.slice(); }
  };
})();
