// Boxes and labels over a picture, shared by the gallery and the image page. Boxes are positioned in percent of
// the picture (so they follow its displayed size exactly); labels in pixels, placed by LabelLayout.
"use strict";

const Draw = (() => {
  // The PNGs' colours (Pictures.java): rank 1..5; rank 0, the ground-truth class, is white.
  const RANK_COLOURS = ["#00e676", "#2979ff", "#ffea00", "#ff4081", "#00e5ff"];
  const LABEL_HEIGHT = 17;

  const colour = rank => rank === 0 ? "#ffffff" : RANK_COLOURS[(rank - 1) % RANK_COLOURS.length];
  const shortLabel = label => { const c = label.indexOf(","); return c > 0 ? label.substring(0, c) : label; };
  const rankName = rank => rank === 0 ? "GT" : rank + ".";
  // Ranks 1..k first (rank 1 gets the best label spot), the ground-truth class (rank 0) last.
  const byPriority = boxes => [...boxes].sort((a, b) => (a.rank === 0 ? 1e9 : a.rank) - (b.rank === 0 ? 1e9 : b.rank));

  function el(tag, cls, parent, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }

  function pct(box, result) {
    return {left: 100 * box.x_min / result.original_width + "%", top: 100 * box.y_min / result.original_height + "%",
      width: 100 * (box.x_max - box.x_min) / result.original_width + "%",
      height: 100 * (box.y_max - box.y_min) / result.original_height + "%"};
  }

  /** A frame (the picture's aspect ratio) holding the preview image, the boxes and their labels. */
  function frame(result, parent) {
    const f = el("div", "frame", parent);
    f.style.aspectRatio = result.original_width + " / " + result.original_height;
    f.dataset.id = result.image_id;
    const img = el("img", "photo", f);
    img.alt = result.image_id;
    loadWithRetry(img, "preview?id=" + encodeURIComponent(result.image_id), f);
    for (const cb of byPriority(result.boxes)) {
      if (!cb.box) continue;
      const b = el("div", "box" + (cb.rank === 1 ? " top" : ""), f);
      Object.assign(b.style, pct(cb.box, result));
      b.style.borderColor = colour(cb.rank);
      b.dataset.rank = cb.rank;
      b.style.zIndex = 10 - Math.min(cb.rank === 0 ? 9 : cb.rank, 9);
      const l = el("div", "label", f, rankName(cb.rank) + " " + shortLabel(cb.class_label));
      l.style.background = colour(cb.rank);
      l.dataset.rank = cb.rank;
    }
    // Labels are placed in pixels: place them again whenever the frame's size changes (the grid reflows as cards
    // come, the window is resized) and once the fonts are in.
    new ResizeObserver(() => layout(f)).observe(f);
    document.fonts.ready.then(() => layout(f));
    return f;
  }

  // The preview may reach this instance a moment after the result (it comes from the saliency topic).
  function loadWithRetry(img, src, f, tries = 0) {
    img.onerror = () => {
      if (tries < 6) setTimeout(() => loadWithRetry(img, src + (src.includes("&t=") ? "" : "&t=" + tries), f, tries + 1), 700);
      else f.classList.add("no-preview");
    };
    img.onload = () => f.classList.remove("no-preview");
    img.src = src;
  }

  /** Places the frame's labels for its current displayed size; labels of hidden boxes are left out. */
  function layout(f) {
    const w = f.clientWidth, h = f.clientHeight;
    if (!w || !h) return;
    const labels = [...f.querySelectorAll(":scope > .label")];
    const boxes = [], widths = [], shown = [];
    for (const l of labels) {
      const b = f.querySelector(':scope > .box[data-rank="' + l.dataset.rank + '"]');
      if (!b || b.classList.contains("hidden")) { l.style.display = "none"; continue; }
      l.style.display = "block";
      // Measure the text, not the last layout: an absolute element near the right edge shrinks to the room left.
      Object.assign(l.style, {width: "", left: "0px", top: "0px"});
      boxes.push({x: b.offsetLeft, y: b.offsetTop, w: b.offsetWidth, h: b.offsetHeight});
      widths.push(Math.min(w, l.offsetWidth));
      shown.push(l);
    }
    const spots = LabelLayout.place(boxes, widths, LABEL_HEIGHT, w, h);
    shown.forEach((l, i) => {
      const s = spots[i];
      if (!s) { l.style.display = "none"; return; } // no room: the legend beside the picture names it
      Object.assign(l.style, {left: s.x + "px", top: s.y + "px", width: s.w + "px"});
    });
  }

  /** The legend beside a picture: every rank's colour, class and score. */
  function legend(result, parent) {
    const ul = el("ul", "legend", parent);
    for (const cb of byPriority(result.boxes)) {
      const li = el("li", "", ul);
      const sw = el("span", "swatch", li);
      sw.style.background = colour(cb.rank);
      el("span", "", li, rankName(cb.rank) + " " + shortLabel(cb.class_label));
      el("span", "score", li, cb.score.toFixed(2) + (cb.box ? "" : " · no box"));
    }
    return ul;
  }

  return {frame, layout, legend, el, colour, shortLabel, rankName, byPriority, pct, LABEL_HEIGHT};
})();
