// oomlab live view: draws every target's memory against time as the run
// streams in (Server-Sent Events from /events). No library, no network
// beyond this server. window.oomlab exposes the state for tests.
"use strict";
(function () {
  const palette = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"];
  const st = {
    info: null, targets: {}, order: [], finished: null, verdicts: null, dirty: true, connected: false,
  };
  const canvas = document.getElementById("memory");
  const ctx = canvas.getContext("2d");

  function target(name) {
    let t = st.targets[name];
    if (!t) {
      t = { name: name, color: palette[st.order.length % palette.length], t: [], rss: [], deaths: [],
        last: null, window: null, phase: "", stage: -1, outcome: "" };
      st.targets[name] = t;
      st.order.push(name);
    }
    return t;
  }

  function reset(info) {
    st.info = info; st.targets = {}; st.order = []; st.finished = null; st.verdicts = null;
    (info.targets || []).forEach(ti => target(ti.name));
    document.getElementById("title").textContent = "oomlab: " + info.scenario +
      (info.parallel ? " — all targets at once" : " — one target after another");
    document.getElementById("verdicts").hidden = true;
  }

  // Points arrive in time order per target, except the history of a
  // reconnect, which is also in order per target: append, keep sorted.
  function addSample(p) {
    const t = target(p.target);
    if (t.t.length && p.t < t.t[t.t.length - 1]) {
      let i = t.t.length;
      while (i > 0 && t.t[i - 1] > p.t) i--;
      t.t.splice(i, 0, p.t); t.rss.splice(i, 0, p.rss);
    } else {
      t.t.push(p.t); t.rss.push(p.rss);
    }
    t.last = p;
  }

  function onEvent(e) {
    const t = target(e.target);
    switch (e.kind) {
      case "death":
        t.deaths.push({ at: e.at_seconds, outcome: e.outcome, detail: e.detail || "" });
        t.outcome = e.outcome;
        break;
      case "phase": t.phase = e.phase; break;
      case "stage": t.stage = e.stage; break;
      case "restart": t.outcome = "restarted"; break;
      case "target-done": if (!t.outcome || e.outcome === "survived") t.outcome = e.outcome; break;
    }
  }

  const es = new EventSource("events");
  const handlers = {
    info: d => reset(d),
    sample: d => addSample(d),
    window: d => { target(d.target).window = d; },
    event: d => onEvent(d),
    finished: d => { st.finished = d; d.targets.forEach(ft => { const t = target(ft.name); t.outcome = ft.outcome; t.run = ft.run; }); },
    verdicts: d => { st.verdicts = d; },
  };
  Object.keys(handlers).forEach(kind => es.addEventListener(kind, ev => {
    handlers[kind](JSON.parse(ev.data));
    st.dirty = true;
  }));
  es.onopen = () => { st.connected = true; st.dirty = true; };
  es.onerror = () => { st.connected = false; st.dirty = true; };

  // --- drawing -----------------------------------------------------------
  const M = { l: 90, r: 30, t: 70, b: 60 };
  function niceStep(range, n) {
    const raw = range / n, p = Math.pow(10, Math.floor(Math.log10(raw)));
    for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
    return 10 * p;
  }
  function draw() {
    const W = canvas.width, H = canvas.height;
    ctx.clearRect(0, 0, W, H);
    ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, W, H);
    if (!st.info) return;
    const limit = st.info.memory_limit_bytes / 1048576;
    const stages = st.info.stages || [], phases = st.info.phases || [];
    let tEnd = stages.length ? stages[stages.length - 1].end_seconds : 10;
    let top = limit;
    st.order.forEach(n => { const t = st.targets[n]; t.rss.forEach(v => { if (v > top) top = v; }); if (t.t.length) tEnd = Math.max(tEnd, t.t[t.t.length - 1]); });
    top *= 1.25;
    const x = s => M.l + (W - M.l - M.r) * s / tEnd;
    const y = v => H - M.b - (H - M.t - M.b) * v / top;
    // Stages shaded in turn, labelled with their rate; phases named below.
    ctx.font = "22px sans-serif"; ctx.textAlign = "center";
    stages.forEach((s, i) => {
      ctx.fillStyle = i % 2 ? "#eeeaf6" : "#f7f5fb";
      ctx.fillRect(x(s.start_seconds), M.t, x(s.end_seconds) - x(s.start_seconds), H - M.t - M.b);
      ctx.fillStyle = "#333";
      ctx.fillText(s.rate_per_second + " rps", (x(s.start_seconds) + x(s.end_seconds)) / 2, M.t + 26);
    });
    phases.forEach(p => {
      ctx.strokeStyle = "#7a5ba8"; ctx.lineWidth = 2; ctx.setLineDash([4, 4]);
      ctx.beginPath(); ctx.moveTo(x(p.start_seconds), M.t); ctx.lineTo(x(p.start_seconds), H - M.b); ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = "#5a3b88";
      ctx.fillText(p.name, (x(p.start_seconds) + x(Math.min(p.end_seconds, tEnd))) / 2, M.t + 54);
    });
    // Axes and ticks.
    ctx.strokeStyle = "#222"; ctx.lineWidth = 2;
    ctx.beginPath(); ctx.moveTo(M.l, M.t); ctx.lineTo(M.l, H - M.b); ctx.lineTo(W - M.r, H - M.b); ctx.stroke();
    ctx.fillStyle = "#222"; ctx.font = "20px sans-serif";
    ctx.textAlign = "right";
    for (let v = 0, s = niceStep(top, 6); v <= top; v += s) {
      ctx.fillText(String(v), M.l - 10, y(v) + 7);
      ctx.strokeStyle = "#e4e4e4"; ctx.lineWidth = 1;
      ctx.beginPath(); ctx.moveTo(M.l, y(v)); ctx.lineTo(W - M.r, y(v)); ctx.stroke();
    }
    ctx.textAlign = "center";
    for (let s = 0, d = niceStep(tEnd, 10); s <= tEnd; s += d) ctx.fillText(String(s), x(s), H - M.b + 26);
    ctx.fillText("time since load start (s)", (M.l + W - M.r) / 2, H - 8);
    ctx.save(); ctx.translate(24, (M.t + H - M.b) / 2); ctx.rotate(-Math.PI / 2); ctx.fillText("RSS (MiB)", 0, 0); ctx.restore();
    // The limit.
    ctx.strokeStyle = "#222"; ctx.lineWidth = 3; ctx.setLineDash([14, 8]);
    ctx.beginPath(); ctx.moveTo(M.l, y(limit)); ctx.lineTo(W - M.r, y(limit)); ctx.stroke(); ctx.setLineDash([]);
    ctx.textAlign = "left"; ctx.font = "20px sans-serif"; ctx.fillStyle = "#222";
    ctx.fillText("limit " + Math.round(limit) + " MiB (" + st.info.limit_mode + ")", M.l + 8, y(limit) - 8);
    // Curves.
    st.order.forEach(n => {
      const t = st.targets[n];
      ctx.strokeStyle = t.color; ctx.lineWidth = 4; ctx.beginPath();
      t.t.forEach((s, i) => { if (i) ctx.lineTo(x(s), y(t.rss[i])); else ctx.moveTo(x(s), y(t.rss[i])); });
      ctx.stroke();
    });
    // Kill marks: an X at the curve, the label below the limit line, one
    // line lower for each label already placed.
    let row = 0;
    st.order.forEach(n => {
      const t = st.targets[n];
      t.deaths.forEach((d, k) => {
        const v = rssAt(t, d.at), px = x(d.at), py = y(v), r = 14;
        ctx.strokeStyle = t.color; ctx.lineWidth = 6;
        ctx.beginPath(); ctx.moveTo(px - r, py - r); ctx.lineTo(px + r, py + r); ctx.moveTo(px - r, py + r); ctx.lineTo(px + r, py - r); ctx.stroke();
        if (k > 0) return;
        const label = n + " " + (d.outcome === "limit-stall" ? "stalled at the limit" : "OOM-killed") + " at " + d.at.toFixed(1) + " s";
        ctx.font = "bold 22px sans-serif";
        const w = ctx.measureText(label).width;
        let lx = Math.min(px + 20, W - M.r - w - 6), ly = y(limit) + 36 + row * 32;
        row++;
        ctx.fillStyle = "rgba(255,255,255,0.85)"; ctx.fillRect(lx - 4, ly - 24, w + 8, 30);
        ctx.fillStyle = t.color; ctx.fillText(label, lx, ly);
      });
    });
    // Legend.
    let lx = M.l;
    ctx.font = "22px sans-serif"; ctx.textAlign = "left";
    st.order.forEach(n => {
      const t = st.targets[n];
      ctx.fillStyle = t.color; ctx.fillRect(lx, 14, 36, 8);
      ctx.fillStyle = "#111"; ctx.fillText(n, lx + 44, 26);
      lx += 44 + ctx.measureText(n).width + 40;
    });
  }
  function rssAt(t, at) {
    let v = t.rss.length ? t.rss[t.rss.length - 1] : 0;
    for (let i = 0; i < t.t.length; i++) { if (t.t[i] <= at) v = t.rss[i]; else break; }
    return v;
  }

  function text(el, s) { el.textContent = s; return el; }
  function cards() {
    const box = document.getElementById("targets");
    box.replaceChildren();
    st.order.forEach(n => {
      const t = st.targets[n], c = document.createElement("div");
      c.className = "card"; c.style.borderColor = t.color;
      c.appendChild(text(document.createElement("h3"), n));
      const s = document.createElement("div");
      const dead = t.outcome && t.outcome !== "survived";
      s.className = dead ? "dead" : "ok";
      text(s, t.outcome || (t.t.length ? "running" : "starting"));
      c.appendChild(s);
      const rows = [];
      if (t.last) rows.push(["RSS", t.last.rss.toFixed(1) + " MiB"]);
      if (st.info && t.stage >= 0) rows.push(["stage", (t.stage + 1) + " of " + st.info.stages.length]);
      if (t.phase) rows.push(["downstream", t.phase]);
      if (t.run && t.run.requests > 0) {
        // A finished run: the whole run's figures, not its last second.
        const r = t.run, pct = n => (100 * n / r.requests).toFixed(1) + "%";
        rows.push(["ok of sent, whole run", r.successes + " of " + r.requests + " (" + pct(r.successes) + ")"]);
        rows.push(["shed, whole run", r.shed + " (" + pct(r.shed) + ")"]);
        rows.push(["errors, whole run", r.errors + " (" + pct(r.errors) + ")"]);
        rows.push(["worst stage p95", r.worst_p95_ms >= 1000 ? (r.worst_p95_ms / 1000).toFixed(2) + " s" : Math.round(r.worst_p95_ms) + " ms"]);
      } else if (t.window) {
        rows.push(["ok/s of offered", t.window.ok + " of " + Math.round(t.window.offered)]);
        rows.push(["p95", t.window.p95 >= 1000 ? (t.window.p95 / 1000).toFixed(2) + " s" : Math.round(t.window.p95) + " ms"]);
        rows.push(["errors/s", String(t.window.err)]);
      }
      const tb = document.createElement("table");
      rows.forEach(r => { const tr = tb.insertRow(); text(tr.insertCell(), r[0]); text(tr.insertCell(), r[1]); });
      c.appendChild(tb);
      box.appendChild(c);
    });
    if (st.verdicts) {
      const list = document.getElementById("verdict-list");
      list.replaceChildren();
      st.verdicts.forEach(v => {
        const d = document.createElement("div");
        d.className = "v";
        const mark = text(document.createElement("span"), v.pass ? "PASS " : "FAIL ");
        mark.className = v.pass ? "pass" : "fail";
        d.appendChild(mark);
        d.appendChild(document.createTextNode(v.target + ": " + v["class"] + (v.lines.length ? " — " + v.lines.join("; ") : "")));
        list.appendChild(d);
      });
      document.getElementById("verdicts").hidden = false;
    }
    let status = st.connected ? "live" : "reconnecting…";
    if (st.finished) status = st.finished.partial ? "run ended early (partial)" : "run finished";
    text(document.getElementById("status"), status);
  }

  function frame() {
    if (st.dirty) { st.dirty = false; draw(); cards(); }
    window.requestAnimationFrame(frame);
  }
  window.requestAnimationFrame(frame);

  // For tests and the curious: what this page has received.
  window.oomlab = {
    summary: () => ({
      connected: st.connected,
      finished: !!st.finished,
      verdicts: st.verdicts ? st.verdicts.length : 0,
      targets: st.order.map(n => ({ name: n, points: st.targets[n].t.length, deaths: st.targets[n].deaths.length, outcome: st.targets[n].outcome })),
    }),
  };
})();
