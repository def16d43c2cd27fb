// Shared by every dashboard page: JSON from the API (a 401 goes to the login page), formatting.
'use strict';
window.tp = {
  async api(path) {
    const r = await fetch(path, { credentials: 'same-origin', headers: { accept: 'application/json' } });
    if (r.status === 401) {
      location.href = `/login?next=${encodeURIComponent(location.pathname + location.search)}`;
      throw new Error('not signed in');
    }
    if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
    return r.json();
  },
  pct: (x) => (x === null || x === undefined ? '–' : `${(100 * x).toFixed(1)}%`),
  num: (x, d = 0) => (x === null || x === undefined ? '–' : Number(x).toFixed(d)),
  dur(s) {
    if (s === null || s === undefined || !isFinite(s)) return '–';
    s = Math.round(s);
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), ss = String(s % 60).padStart(2, '0');
    return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
  },
  time: (t) => (t ? new Date(t).toLocaleString() : '–'),
  el(tag, attrs = {}, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
    }
    for (const k of kids) e.append(k);
    return e;
  },
};
