// The live gallery: the latest results from GET /images, then every new one from the server-sent events of
// GET /images/stream, newest first; the header polls /live/status.
"use strict";

(() => {
  const MAX_CARDS = 60;
  const gallery = document.getElementById("gallery");
  const shown = new Map(); // image id -> card

  function card(r) {
    const c = Draw.el("article", "card " + (r.status || (r.complete ? "complete" : "incomplete")));
    c.dataset.id = r.image_id;
    const link = Draw.el("a", "picture", c);
    link.href = "image?id=" + encodeURIComponent(r.image_id);
    if (r.status === "rejected" || !r.original_width) {
      Draw.el("div", "rejected-note", link, r.rejection ? "rejected by " + r.rejection.stage + ": " + r.rejection.reason
        : "rejected");
    } else {
      Draw.frame(r, link);
    }
    const meta = Draw.el("div", "meta", c);
    Draw.el("span", "name", meta, r.image_id);
    Draw.el("span", "latency", meta, (r.latency_ms / 1000).toFixed(1) + " s");
    if (r.status && r.status !== "complete") Draw.el("span", "status", meta, r.status);
    if (r.status !== "rejected") Draw.legend(r, c);
    return c;
  }

  function add(r, atTop) {
    const old = shown.get(r.image_id);
    const c = card(r);
    if (old) old.replaceWith(c);
    else if (atTop) gallery.prepend(c);
    else gallery.append(c);
    shown.set(r.image_id, c);
    document.getElementById("empty").hidden = true;
    c.querySelectorAll(".frame").forEach(Draw.layout);
    while (gallery.children.length > MAX_CARDS) {
      const last = gallery.lastElementChild;
      shown.delete(last.dataset.id);
      last.remove();
    }
  }

  function listen() {
    const dot = document.getElementById("connection");
    const events = new EventSource("../images/stream");
    events.onopen = () => { dot.className = "live-dot on"; dot.title = "receiving results as they arrive"; };
    events.onerror = () => { dot.className = "live-dot off"; dot.title = "reconnecting to the results stream"; };
    events.addEventListener("result", e => add(JSON.parse(e.data), true));
  }

  async function latest() {
    try {
      const res = await fetch("../images?limit=24");
      if (res.ok) (await res.json()).forEach(r => { if (!shown.has(r.image_id)) add(r, false); });
    } catch (e) { /* the stream still brings new ones */ }
  }

  async function status() {
    try {
      const s = await (await fetch("status")).json();
      const set = (id, v) => { document.getElementById(id).textContent = v < 0 ? "?" : v; };
      set("rate", s.images_per_s.toFixed(1));
      set("complete", s.complete);
      set("incomplete", s.incomplete);
      set("rejected", s.rejected);
      set("dead", s.dead_letters);
      const lag = document.getElementById("lag");
      lag.replaceChildren(Draw.el("div", "lag-title", null, "lag"));
      for (const [stage, n] of Object.entries(s.lag)) {
        const d = Draw.el("div", n > 0 ? "busy" : "", lag);
        Draw.el("dt", "", d, stage);
        Draw.el("dd", "", d, n < 0 ? "?" : n);
      }
    } catch (e) { /* next time */ }
  }

  listen(); // first, so that nothing finished between the list and the stream is missed
  latest();
  status();
  setInterval(status, 2000);
})();
