// The analysts' panel: pick a shipped comparison and two of its variants, run the comparison as a job, and draw
// the difference cell by cell (Δ minutes = after − before for the chosen mode, for cells with people of the chosen
// group), the sites of both variants, and the figures of the chosen mode and group A → B.
/* global L */

const $ = (id) => document.getElementById(id);

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const fmt = (x, d = 0) => (x == null ? '–' : Number(x).toLocaleString('en-GB', { maximumFractionDigits: d, minimumFractionDigits: d }));
const mins = (x) => (x == null ? '–' : Number(x).toFixed(1));
const pct = (x) => (x == null ? '–' : `${(100 * x).toFixed(1)} %`);
const signed = (x) => (x == null ? '–' : `${x > 0 ? '+' : ''}${Number(x).toFixed(1)}`);

// Diverging classes of Δ minutes: a cell falls in a bin when min < |Δ| ≤ max; losses red, gains blue.
const EDGES = [0, 2, 5, 10, 20, Infinity];
const REDS = ['#fcbba1', '#fc9272', '#fb6a4a', '#de2d26', '#a50f15'];
const BLUES = ['#c6dbef', '#9ecae1', '#6baed6', '#3182bd', '#08519c'];
const SAME = '#bdbdbd';
const HATCH = 'url(#neuvo-hatch)';
const BINS = [
  ...REDS.map((color, i) => ({ sign: 'loss', min: EDGES[i], max: EDGES[i + 1], color })).reverse(),
  { sign: 'same', min: 0, max: 0, color: SAME },
  ...BLUES.map((color, i) => ({ sign: 'gain', min: EDGES[i], max: EDGES[i + 1], color })),
  { sign: 'unreached', min: null, max: null, color: HATCH },
];

function binOf(delta) {
  if (delta == null) return BINS.find((b) => b.sign === 'unreached');
  if (delta === 0) return BINS.find((b) => b.sign === 'same');
  const sign = delta > 0 ? 'loss' : 'gain';
  const a = Math.abs(delta);
  return BINS.find((b) => b.sign === sign && b.min < a && a <= b.max);
}

const SITE_STYLE = {
  both: { radius: 8, color: '#1f5fa8', fillColor: '#6baed6', weight: 3, fillOpacity: 0.95 },
  before_only: { radius: 7, color: '#b2182b', fillColor: '#ffffff', weight: 3, fillOpacity: 0.9, dashArray: '3' },
  after_only: { radius: 8, color: '#1a7837', fillColor: '#7fbf7b', weight: 3, fillOpacity: 0.95 },
  closed_at_moment: { radius: 5, color: '#6b6b6b', fillColor: '#dddddd', weight: 1, fillOpacity: 0.8 },
};
const ROLE_LABEL = {
  both: 'open in both', before_only: 'open before only (closed)', after_only: 'open after only (new)',
  closed_at_moment: 'not open at the moment compared',
};

// The hatch that marks cells no open site reaches, once per page.
function addHatch() {
  if (document.getElementById('neuvo-hatch')) return;
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('width', '0');
  svg.setAttribute('height', '0');
  svg.style.position = 'absolute';
  svg.innerHTML = '<defs><pattern id="neuvo-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">' +
    '<rect width="6" height="6" fill="#f0e6f6"/><line x1="0" y1="0" x2="0" y2="6" stroke="#7b3294" stroke-width="2"/></pattern></defs>';
  document.body.append(svg);
}

function options(sel, items, keep) {
  sel.replaceChildren(...items.map(([value, text]) => Object.assign(document.createElement('option'), { value, textContent: text })));
  if (keep != null && items.some(([v]) => v === keep)) sel.value = keep;
}

export async function setupCompare({ api, post, registerLayer, map, showError }) {
  const section = $('compare-panel');
  let list;
  try {
    list = await api('/compare/scenarios');
  } catch (e) {
    // Advisors may not compare; a server without data runs no comparisons.
    section.hidden = true;
    return;
  }
  if (!list.length) {
    section.hidden = true;
    return;
  }
  addHatch();
  map.createPane('neuvo-compare-cells').style.zIndex = 420;
  map.createPane('neuvo-compare-sites').style.zIndex = 655;
  const cellRenderer = L.svg({ pane: 'neuvo-compare-cells' });
  const siteRenderer = L.svg({ pane: 'neuvo-compare-sites' });
  const cells = L.layerGroup();
  const sites = L.layerGroup();
  registerLayer('differences', 'Scenario differences (Δ minutes)', cells);
  registerLayer('compare-sites', 'Compared sites: both, before only, after only', sites);

  const sel = $('compare-scenario');
  options(sel, list.map((c) => [c.name, c.name]));
  const fillVariants = () => {
    const c = list.find((x) => x.name === sel.value);
    if (!c) return;
    $('compare-about').textContent = `${c.title || ''} (${c.modes.join(', ')}; ${c.day} ${c.time})`;
    const items = c.variants.map((v) => [v.name, v.title ? `${v.name} — ${v.title}` : v.name]);
    const names = c.variants.map((v) => v.name);
    options($('compare-a'), items, names.includes('before') ? 'before' : names[0]);
    options($('compare-b'), items, names.includes('after') ? 'after' : names[1]);
  };
  sel.addEventListener('change', fillVariants);
  fillVariants();
  section.hidden = false;

  let last = null; // {summary, difference, sites}
  let cellLayers = [];
  let siteNames = new Map();

  const view = () => ({ mode: $('compare-mode').value, group: $('compare-group').value });

  // Colours and attributes of one cell for the current mode and group.
  const paintCell = (layer) => {
    const { mode, group } = view();
    const p = layer.feature.properties;
    const delta = p[`${mode}_delta`];
    const people = p.people[group] || 0;
    const bin = binOf(delta);
    const shown = people > 0;
    layer.setStyle({
      fillColor: bin.color, fillOpacity: shown ? 0.8 : 0, stroke: shown, color: '#ffffff', weight: 0.3,
    });
    const el = layer.getElement();
    if (!el) return;
    el.dataset.id = p.id;
    el.dataset.delta = delta == null ? 'null' : String(delta);
    el.dataset.bin = bin.sign;
    el.dataset.people = String(people);
    el.dataset.visible = shown ? '1' : '0';
    el.style.pointerEvents = shown ? '' : 'none';
  };

  const popupHtml = (p) => {
    const { mode, group } = view();
    const site = (id) => (id == null ? 'none reachable' : esc(siteNames.get(id) || id));
    const d = p[`${mode}_delta`];
    const before = p[`${mode}_before`];
    const after = p[`${mode}_after`];
    let change = `Δ ${signed(d)} min`;
    if (d == null) change = before == null && after == null ? 'unreached in both' : before == null ? 'gained access' : 'lost access';
    return `<b>${esc(p.district || '')} cell ${esc(p.id)}</b> · ${esc(mode)}<br>` +
      `<table class="expl"><tr><th></th><th>minutes</th><th>nearest site</th><th>second</th></tr>` +
      `<tr><td>before (${esc(last.summary.a.name)})</td><td>${mins(before)}</td><td>${site(p[`${mode}_before_site`])}</td><td>${mins(p[`${mode}_before_second`])}</td></tr>` +
      `<tr><td>after (${esc(last.summary.b.name)})</td><td>${mins(after)}</td><td>${site(p[`${mode}_after_site`])}</td><td>${mins(p[`${mode}_after_second`])}</td></tr>` +
      `</table><span class="cmp-delta">${change}</span><br>${esc(group)}: ${fmt(p.people[group], 1)} people`;
  };

  const drawCells = () => {
    cells.clearLayers();
    cellLayers = [];
    L.geoJSON(last.difference, {
      renderer: cellRenderer,
      pane: 'neuvo-compare-cells',
      style: { className: 'neuvo-cell' },
      onEachFeature: (f, l) => {
        cellLayers.push(l);
        l.on('add', () => paintCell(l));
        l.bindPopup(() => popupHtml(f.properties), { maxWidth: 380 });
      },
    }).addTo(cells);
  };

  const drawSites = () => {
    sites.clearLayers();
    siteNames = new Map(last.sites.features.map((f) => [f.properties.id, f.properties.name]));
    const order = { closed_at_moment: 0, both: 1, after_only: 2, before_only: 3 };
    const feats = [...last.sites.features].sort((a, b) => order[a.properties.role] - order[b.properties.role]);
    L.geoJSON({ type: 'FeatureCollection', features: feats }, {
      pointToLayer: (f, ll) => L.circleMarker(ll, {
        ...SITE_STYLE[f.properties.role],
        pane: 'neuvo-compare-sites',
        renderer: siteRenderer,
        className: `neuvo-cmp-site neuvo-cmp-site-${f.properties.role}`,
        bubblingMouseEvents: false,
      }),
      onEachFeature: (f, l) => {
        const p = f.properties;
        l.bindTooltip(`${esc(p.name)}: ${esc(ROLE_LABEL[p.role] || p.role)}`);
        l.bindPopup(`<b>${esc(p.name)}</b><br>${esc(p.kind)} · ${esc(ROLE_LABEL[p.role] || p.role)}` +
          `${p.after && p.after.hours ? `<br>pop-up ${esc(p.after.hours)}` : ''}`);
      },
    }).addTo(sites);
  };

  const showLegend = () => {
    const { mode } = view();
    const label = (b) => {
      if (b.sign === 'same') return 'unchanged';
      if (b.sign === 'unreached') return 'unreached (before or after)';
      const range = b.max === Infinity ? `more than ${b.min}` : `${b.min}–${b.max}`;
      return `${b.sign === 'loss' ? 'lost' : 'gained'} ${range} min`;
    };
    $('compare-legend').innerHTML = `<div class="legend-title">Δ minutes by ${esc(mode)} (after − before)</div>` +
      BINS.map((b) => {
        const swatch = b.sign === 'unreached' ? 'class="swatch hatch"' : `class="swatch" style="background:${b.color}"`;
        return `<li class="bin" data-sign="${b.sign}" data-min="${b.min ?? ''}" data-max="${b.max ?? ''}" data-color="${b.color}">` +
          `<span ${swatch}></span> ${esc(label(b))}</li>`;
      }).join('');
  };

  const showTable = () => {
    const { mode, group } = view();
    const s = last.summary;
    const m = s.modes.find((x) => x.mode === mode);
    const g = m && m.groups.find((x) => x.group === group);
    if (!g) {
      $('compare-table').innerHTML = '';
      return;
    }
    const ab = (key, a, b, f) => `<tr><td>${key}</td><td data-v="${key}-a">${f(a)}</td><td data-v="${key}-b">${f(b)}</td></tr>`;
    let html = `<caption>${esc(group)} by ${esc(mode)}: ${esc(s.a.name)} → ${esc(s.b.name)}</caption>` +
      `<tr><th></th><th>A: ${esc(s.a.name)}</th><th>B: ${esc(s.b.name)}</th></tr>` +
      `<tr><td>people</td><td colspan="2" data-v="people">${fmt(g.a.people)}</td></tr>` +
      ab('mean', g.a.mean_minutes, g.b.mean_minutes, mins) +
      ab('median', g.a.median_minutes, g.b.median_minutes, mins) +
      ab('p90', g.a.p90_minutes, g.b.p90_minutes, mins);
    g.a.within.forEach((w, i) => {
      const wb = g.b.within[i] || {};
      html += `<tr><td>within ${fmt(w.minutes)} min</td><td data-v="within-${w.minutes}-a">${pct(w.share)}</td>` +
        `<td data-v="within-${w.minutes}-b">${pct(wb.share)}</td></tr>`;
    });
    html += ab('unreached', g.a.unreached_people, g.b.unreached_people, fmt);
    html += `<tr><td>winners / losers</td><td data-v="winners">${fmt(g.change.winner_people)}</td>` +
      `<td data-v="losers">${fmt(g.change.loser_people)}</td></tr>`;
    $('compare-table').innerHTML = html;
    const rows = s.tables.districts.filter((r) => r.mode === mode && r.group === group);
    $('compare-districts').innerHTML = '<tr><th>district</th><th>people</th><th>mean A → B</th><th>change</th></tr>' +
      rows.map((r) => `<tr class="district-row"><td>${esc(r.district ?? '(none)')}</td><td>${fmt(r.people)}</td>` +
        `<td>${mins(r.a_mean_minutes)} → ${mins(r.b_mean_minutes)}</td><td>${signed(r.mean_change_minutes)}</td></tr>`).join('');
    $('compare-notes').innerHTML = s.notes.map((n) => `<p class="note">${esc(n)}</p>`).join('');
  };

  const repaint = () => {
    if (!last) return;
    for (const l of cellLayers) paintCell(l);
    showLegend();
    showTable();
    map.closePopup();
    const { mode, group } = view();
    document.body.dataset.compareView = `${mode}/${group}`;
  };
  $('compare-mode').addEventListener('change', repaint);
  $('compare-group').addEventListener('change', repaint);

  $('compare-run').addEventListener('click', async () => {
    showError(null);
    $('compare-run').disabled = true;
    $('compare-status').textContent = 'Submitting…';
    delete document.body.dataset.compare;
    try {
      const job = await post('/jobs/compare', { comparison: sel.value, a: $('compare-a').value, b: $('compare-b').value });
      let st = job;
      while (!['done', 'failed', 'cancelled', 'interrupted'].includes(st.state)) {
        await new Promise((r) => setTimeout(r, 400));
        st = await api(`/jobs/${job.id}`);
        $('compare-status').textContent = `${st.state} ${Math.round(100 * st.progress)} %`;
      }
      if (st.state !== 'done') throw new Error(st.error || `the job ${st.state}`);
      last = await api(`/jobs/${job.id}/result`);
      const meta = last.difference.neuvo;
      options($('compare-mode'), meta.modes.map((m) => [m, m]), $('compare-mode').value);
      options($('compare-group'), meta.groups.map((g) => [g, g]), $('compare-group').value);
      drawSites();
      drawCells();
      const b = L.geoJSON(last.difference).getBounds();
      if (b.isValid()) map.fitBounds(b, { animate: false });
      repaint();
      $('compare-status').textContent = `done in ${last.summary.seconds.toFixed(1)} s`;
      window.neuvo.lastCompare = { job: job.id, summary: last.summary };
      document.body.dataset.compare = 'done';
    } catch (e) {
      showError(e);
      $('compare-status').textContent = '';
      document.body.dataset.compare = 'failed';
    } finally {
      $('compare-run').disabled = false;
    }
  });
}
