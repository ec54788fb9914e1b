// Where each box's label goes so that no two labels overlap: a line-by-line port of LabelLayout.java (services/
// common), so that the page and the PNGs place labels by the same rule. Rectangles are {x, y, w, h} in pixels.
"use strict";

const LabelLayout = (() => {
  const intersects = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
  const clamp = (v, max) => Math.max(0, Math.min(max, v));
  const free = (r, placed) => placed.every(p => !intersects(r, p));

  function spotFor(box, w, h, pw, ph, placed) {
    if (w > pw || h > ph) return null;
    const left = box.x, right = box.x + box.w - w, top = box.y, bottom = box.y + box.h;
    const preferred = [[left, top - h], [left, top], [left, bottom], [left, bottom - h],
                       [right, top - h], [right, top], [right, bottom], [right, bottom - h]];
    for (const [x, y] of preferred) {
      const r = {x: clamp(x, pw - w), y: clamp(y, ph - h), w, h};
      if (free(r, placed)) return r;
    }
    // Every free spot can slide left and up until it touches a placed label or the edge: try those positions.
    const xs = [0, pw - w, clamp(left, pw - w), clamp(right, pw - w)];
    const ys = [0, ph - h, clamp(top - h, ph - h), clamp(top, ph - h)];
    for (const p of placed) { xs.push(p.x + p.w, p.x - w); ys.push(p.y + p.h, p.y - h); }
    let best = null, bestDistance = Infinity;
    for (const x of xs) {
      for (const y of ys) {
        if (x < 0 || y < 0 || x + w > pw || y + h > ph) continue;
        const r = {x, y, w, h};
        const d = Math.hypot(x - left, y - (top - h));
        if (d < bestDistance && free(r, placed)) { best = r; bestDistance = d; }
      }
    }
    return best;
  }

  /** Each label's rectangle (null where there is no room), in the order given (the first gets the best spot). */
  function place(boxes, widths, height, pictureWidth, pictureHeight) {
    const placed = [], out = [];
    boxes.forEach((b, i) => {
      const spot = spotFor(b, widths[i], height, pictureWidth, pictureHeight, placed);
      out.push(spot);
      if (spot) placed.push(spot);
    });
    return out;
  }

  return {place, intersects};
})();
