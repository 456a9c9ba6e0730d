// The explorer's behaviour: views, pan and zoom, statistics on hover, the backward
// animation and the history slider. The data (views, node statistics, colour scale) is the
// JSON in #tracegrad-data, written by autograd/viz/html.py.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("tracegrad-data").textContent);
  const views = Array.from(document.querySelectorAll(".view"));
  const tooltip = document.getElementById("tooltip");
  const caption = document.getElementById("caption");
  const back = document.getElementById("back");
  let current = 0;
  let animation = null;

  // --- numbers and colours, as the static pictures write them ---------------------------
  function number(v) {
    if (v === null || v === undefined) return "?";
    if (v === 0) return "0";
    const a = Math.abs(v);
    return (a >= 1e-2 && a < 1e3) ? v.toPrecision(2).replace(/\.?0+$/, "") : v.toExponential(1);
  }

  function colour(value) {
    const s = data.scale;
    if (value === null || value === undefined) return s.none;
    if (value <= 0) return s.zero;
    const t = Math.min(1, Math.max(0, (Math.log10(value) - s.low) / (s.high - s.low)));
    return s.palette[Math.min(s.palette.length - 1, Math.floor(t * s.palette.length))];
  }

  // --- views ----------------------------------------------------------------------------
  function show(index) {
    stopAnimation();
    views[current].hidden = true;
    current = index;
    views[current].hidden = false;
    const view = data.views[current];
    caption.textContent = view.caption;
    back.disabled = view.parent === null;
    resetZoom();
    applyHistory();
  }

  back.addEventListener("click", function () {
    const parent = data.views[current].parent;
    if (parent !== null) show(parent);
  });

  document.getElementById("graph").addEventListener("click", function (event) {
    if (moved) return;                        // the end of a drag is not a click
    const target = event.target.closest("[data-view]");
    if (target) show(Number(target.getAttribute("data-view")));
  });

  // --- pan and zoom: the view box of the visible SVG --------------------------------------
  function svgOf(index) { return views[index].querySelector("svg"); }

  function box() { return svgOf(current).viewBox.baseVal; }

  const initial = views.map(function (view) {
    const b = view.querySelector("svg").viewBox.baseVal;
    return [b.x, b.y, b.width, b.height];
  });

  function resetZoom() {
    const b = box();
    [b.x, b.y, b.width, b.height] = initial[current];
  }

  const area = document.getElementById("graph");
  area.addEventListener("wheel", function (event) {
    event.preventDefault();
    const b = box();
    const rect = svgOf(current).getBoundingClientRect();
    const factor = event.deltaY > 0 ? 1.15 : 1 / 1.15;
    const fx = (event.clientX - rect.left) / rect.width;
    const fy = (event.clientY - rect.top) / rect.height;
    const width = b.width * factor, height = b.height * factor;
    b.x += (b.width - width) * fx;
    b.y += (b.height - height) * fy;
    b.width = width;
    b.height = height;
  }, { passive: false });

  let drag = null, moved = false;
  area.addEventListener("mousedown", function (event) {
    drag = { x: event.clientX, y: event.clientY };
    moved = false;
  });
  window.addEventListener("mousemove", function (event) {
    if (drag) {
      const b = box();
      const rect = svgOf(current).getBoundingClientRect();
      const dx = (event.clientX - drag.x) * b.width / rect.width;
      const dy = (event.clientY - drag.y) * b.height / rect.height;
      if (Math.abs(event.clientX - drag.x) + Math.abs(event.clientY - drag.y) > 3) {
        moved = true;
        area.classList.add("dragging");
      }
      b.x -= dx;
      b.y -= dy;
      drag = { x: event.clientX, y: event.clientY };
      return;
    }
    hover(event);
  });
  window.addEventListener("mouseup", function () {
    drag = null;
    area.classList.remove("dragging");
    setTimeout(function () { moved = false; }, 0);
  });
  document.getElementById("reset").addEventListener("click", resetZoom);

  // --- statistics on hover ----------------------------------------------------------------
  function histogram(grad) {
    if (!grad || !grad.hist || !grad.hist.length) return "";
    const top = Math.max.apply(null, grad.hist) || 1;
    const bars = grad.hist.map(function (c, k) {
      const h = Math.round(30 * c / top);
      return '<rect x="' + (k * 9) + '" y="' + (30 - h) + '" width="8" height="' + h +
             '" fill="#4c72b0"></rect>';
    }).join("");
    return '<svg width="' + (grad.hist.length * 9) + '" height="32">' + bars + "</svg>";
  }

  function describe(id) {
    const node = data.nodes[id];
    if (!node) return null;
    const rows = [];
    if (node.shape) rows.push(["shape", "(" + node.shape.join(", ") + ")"]);
    if (node.grad) {
      rows.push(["grad rms", number(node.grad.rms)]);
      rows.push(["grad range", number(node.grad.min) + " … " + number(node.grad.max)]);
      if (!node.grad.finite) rows.push(["", "NaN or Inf!"]);
    }
    if (node.local) {
      rows.push([node.local.symbol, "mean " + number(node.local.mean) + ", max " +
                 number(node.local.max)]);
    }
    if (node.repeats) {
      const known = node.repeats.filter(function (v) { return v !== null; });
      rows.push(["repeats", node.repeats.length + " (grad rms first " +
                 number(known[0]) + ", last " + number(known[known.length - 1]) + ")"]);
    }
    if (node.params) {
      Object.keys(node.params).forEach(function (name) {
        rows.push([name, "grad rms " + number(node.params[name])]);
      });
    }
    const table = rows.map(function (r) {
      return "<tr><td>" + r[0] + "</td><td>" + r[1] + "</td></tr>";
    }).join("");
    const element = document.querySelector('.view:not([hidden]) [data-node="' + id + '"]');
    const hint = element && element.hasAttribute("data-view") ? "click to open" : "";
    return "<h4>" + node.title + "</h4><table>" + table + "</table>" + histogram(node.grad) +
           (hint ? '<div class="hint">' + hint + "</div>" : "");
  }

  function hover(event) {
    const element = event.target.closest && event.target.closest("[data-node]");
    const text = element && describe(element.getAttribute("data-node"));
    if (!text) { tooltip.hidden = true; return; }
    tooltip.innerHTML = text;
    tooltip.hidden = false;
    tooltip.style.left = Math.min(event.clientX + 14, window.innerWidth - 340) + "px";
    tooltip.style.top = (event.clientY + 14) + "px";
  }

  // --- the backward pass, node by node ----------------------------------------------------
  function nodesInBackwardOrder() {
    const nodes = Array.from(views[current].querySelectorAll("[data-node]"));
    return nodes.filter(function (n) { return data.nodes[n.getAttribute("data-node")]; })
      .sort(function (a, b) {
        return data.nodes[b.getAttribute("data-node")].seq -
               data.nodes[a.getAttribute("data-node")].seq;
      });
  }

  function stopAnimation() {
    if (animation) clearInterval(animation);
    animation = null;
    views[current].querySelectorAll("[data-node]").forEach(function (n) {
      n.style.opacity = "";
    });
  }

  document.getElementById("animate").addEventListener("click", function () {
    stopAnimation();
    const order = nodesInBackwardOrder();
    order.forEach(function (n) { n.style.opacity = "0.12"; });
    let k = 0;
    const step = Math.max(15, Math.min(400, 6000 / Math.max(order.length, 1)));
    animation = setInterval(function () {
      if (k >= order.length) { clearInterval(animation); animation = null; return; }
      order[k].style.opacity = "1";
      k += 1;
    }, step);
  });

  // --- the training history: recolour modules by the step's gradient norm -----------------
  const history = data.history;
  const stepInput = document.getElementById("step");
  const stepValue = document.getElementById("step-value");

  function applyHistory() {
    if (!history) return;
    const k = Number(stepInput.value);
    stepValue.textContent = history.steps[k];
    views[current].querySelectorAll("[data-node]").forEach(function (element) {
      const node = data.nodes[element.getAttribute("data-node")];
      if (!node || !node.layers || node.layers.length !== 1) return;
      const series = history.grad_norm[node.layers[0]];
      if (!series) return;
      const shape = element.querySelector("path, polygon");
      if (shape) shape.setAttribute("fill", colour(series[k]));
    });
  }

  if (history) {
    document.getElementById("history-control").hidden = false;
    stepInput.max = String(history.steps.length - 1);
    stepInput.value = String(history.steps.length - 1);
    stepInput.addEventListener("input", applyHistory);
  }

  // --- a self-test for headless browsers: open with #selftest -----------------------------
  const errors = [];
  window.addEventListener("error", function (event) { errors.push(String(event.message)); });

  function selftest() {
    const result = { errors: errors, views: views.length, first: current };
    result.svg = document.querySelectorAll(".view:not([hidden]) svg *").length;
    result.nodes = document.querySelectorAll(".view:not([hidden]) [data-node]").length;
    const any = document.querySelector(".view:not([hidden]) [data-node]");
    if (any) {
      const rect = any.getBoundingClientRect();
      any.dispatchEvent(new MouseEvent("mousemove", { bubbles: true,
        clientX: rect.left + 2, clientY: rect.top + 2 }));
      result.tooltip = tooltip.hidden ? null : tooltip.textContent;
    }
    document.getElementById("animate").click();
    result.dimmed = document.querySelectorAll('.view:not([hidden]) [style*="opacity"]').length;
    stopAnimation();
    const folded = document.querySelector(".view:not([hidden]) [data-folded]");
    result.folded = folded ? Number(folded.getAttribute("data-folded")) : null;
    if (folded) {
      folded.dispatchEvent(new MouseEvent("click", { bubbles: true }));
      result.after_click = current;
      result.nodes_after_click = document.querySelectorAll(
        ".view:not([hidden]) [data-node]").length;
      back.click();
      result.after_back = current;
    }
    const out = document.getElementById("selftest-result");
    out.textContent = JSON.stringify(result);
    out.hidden = false;
  }

  show(0);
  if (location.hash === "#selftest") setTimeout(selftest, 50);
})();
