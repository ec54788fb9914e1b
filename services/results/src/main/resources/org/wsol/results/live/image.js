// One image: the picture large, each rank's box and heat map (toggled per rank), the ground truth with IoU when
// the image came with some, and the raw JSON of GET /images/{id}.
"use strict";

(() => {
  const id = new URLSearchParams(location.search).get("id");
  const el = Draw.el;

  function iou(a, b) {
    const w = Math.min(a.x_max, b.x_max) - Math.max(a.x_min, b.x_min);
    const h = Math.min(a.y_max, b.y_max) - Math.max(a.y_min, b.y_min);
    if (w <= 0 || h <= 0) return 0;
    const area = r => (r.x_max - r.x_min) * (r.y_max - r.y_min);
    return w * h / (area(a) + area(b) - w * h);
  }

  function show(r) {
    document.getElementById("title").textContent = r.image_id;
    document.getElementById("json").textContent = JSON.stringify(r, null, 2);
    document.title = "wsol-stream · " + r.image_id;
    document.getElementById("summary").textContent = (r.status || "") + " · " + r.original_width + "×"
      + r.original_height + " px · end-to-end latency " + (r.latency_ms / 1000).toFixed(2) + " s · model " + r.model_id
      + " · completed " + new Date(r.completed_at).toLocaleTimeString();
    const host = document.getElementById("picture");
    if (r.status === "rejected") {
      el("p", "rejected-note", host, r.rejection ? "rejected by " + r.rejection.stage + ": " + r.rejection.reason : "rejected");
      return;
    }
    const f = Draw.frame(r, host);
    const truth = r.ground_truth ? r.ground_truth.boxes : [];
    truth.forEach((g, i) => {
      const b = el("div", "box truth", f);
      Object.assign(b.style, Draw.pct(g, r));
      b.dataset.truth = i;
    });
    const tbody = document.querySelector("#ranks tbody");
    for (const cb of Draw.byPriority(r.boxes)) {
      const heat = el("img", "heat", null);
      heat.src = "heat?id=" + encodeURIComponent(r.image_id) + "&rank=" + cb.rank;
      heat.dataset.rank = cb.rank;
      heat.alt = "saliency of " + cb.class_label;
      heat.hidden = cb.rank !== 1;
      f.insertBefore(heat, f.querySelector(".box, .label"));
      const tr = el("tr", "", tbody);
      const sw = el("td", "", tr);
      el("span", "swatch", sw).style.background = Draw.colour(cb.rank);
      sw.append(" " + Draw.rankName(cb.rank));
      el("td", "", tr, cb.class_label + " (" + cb.class_index + ")");
      el("td", "num", tr, cb.score.toFixed(2));
      el("td", "num", tr, cb.box ? [cb.box.x_min, cb.box.y_min, cb.box.x_max, cb.box.y_max].join(", ") : "no box");
      el("td", "num", tr, truth.length && cb.box ? Math.max(...truth.map(g => iou(cb.box, g))).toFixed(2) : "–");
      const boxToggle = el("input", "", el("td", "", tr));
      boxToggle.type = "checkbox";
      boxToggle.checked = true;
      boxToggle.disabled = !cb.box;
      boxToggle.dataset.rank = cb.rank;
      boxToggle.className = "toggle-box";
      boxToggle.onchange = () => {
        const b = f.querySelector('.box[data-rank="' + cb.rank + '"]');
        if (b) b.classList.toggle("hidden", !boxToggle.checked);
        Draw.layout(f);
      };
      const heatToggle = el("input", "toggle-heat", el("td", "", tr));
      heatToggle.type = "checkbox";
      heatToggle.checked = cb.rank === 1;
      heatToggle.dataset.rank = cb.rank;
      heatToggle.onchange = () => { heat.hidden = !heatToggle.checked; };
    }
    document.getElementById("truth").textContent = truth.length
      ? "White dashed: the " + truth.length + " ground-truth box(es) of class " + r.ground_truth.class_index + "."
        + (r.score ? " Top-1 IoU " + r.score.top1_iou.toFixed(2) + ", GT-known IoU " + r.score.gt_known_iou.toFixed(2)
          + (r.score.top1_correct ? " (top-1 localisation correct)" : " (top-1 localisation wrong)") + "." : "")
      : "This image came without ground truth (./wsol produce --ground-truth FILE.csv adds it).";
    Draw.layout(f);
  }

  async function load(tries = 0) {
    document.getElementById("json-id").textContent = id;
    const res = await fetch("../images/" + encodeURIComponent(id));
    const body = await res.json();
    if (res.status === 202 || res.status === 503) {
      document.getElementById("summary").textContent = body.message || body.error || "waiting";
      if (tries < 60) setTimeout(() => load(tries + 1), 1000);
      return;
    }
    if (!res.ok) {
      document.getElementById("summary").textContent = body.error || ("HTTP " + res.status);
      return;
    }
    show(body);
  }

  load();
})();
