// The planners' panel: pick a shipped scenario, change model, p or minutes, run the location plan as a job, and
// draw demand by group (choropleth), coverage, and the sites (kept, closed, candidate, chosen) with explanations.
/* global L */

const $ = (id) => document.getElementById(id);

const ROLE_STYLE = {
  chosen: { radius: 9, color: '#b35806', fillColor: '#f1a340', weight: 3, fillOpacity: 0.95 },
  kept: { radius: 8, color: '#1f5fa8', fillColor: '#6baed6', weight: 3, fillOpacity: 0.9 },
  closed: { radius: 6, color: '#6b6b6b', fillColor: '#ffffff', weight: 2, fillOpacity: 0.9, dashArray: '2' },
  candidate: { radius: 4, color: '#5e3c99', fillColor: '#b2abd2', weight: 1, fillOpacity: 0.8 },
};
const BLUES = ['#f7fbff', '#deebf7', '#c6dbef', '#9ecae1', '#6baed6', '#4292c6', '#2171b5', '#084594'];

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const fmt = (x, d = 0) => (x == null ? '–' : Number(x).toLocaleString('en-GB', { maximumFractionDigits: d, minimumFractionDigits: d }));
const pct = (x) => (x == null ? '–' : `${(100 * x).toFixed(1)} %`);

function explanationHtml(p, group) {
  const e = p.explanation;
  let html = `<b>${esc(p.name)}</b><br>${esc(p.kind)} · ${esc(p.role)}${p.required ? ' (required)' : ''}`;
  if (p.unreachable) html += `<br><i>${esc(p.unreachable)}</i>`;
  if (e) {
    html += '<table class="expl"><tr><th>group</th><th>covered</th><th>nearest for</th><th>only here</th></tr>';
    for (const g of Object.keys(e.covered)) {
      const mark = g === group ? ' class="sel"' : '';
      html += `<tr${mark}><td>${esc(g)}</td><td>${fmt(e.covered[g])}</td><td>${fmt(e.nearest_for[g])}</td><td>${fmt(e.unique[g])}</td></tr>`;
    }
    html += '</table>';
    if (e.marginal_gain != null) html += `marginal gain when added: ${fmt(e.marginal_gain, 1)}<br>`;
    if (e.loss_if_dropped != null) html += `loss if dropped: ${fmt(e.loss_if_dropped, 1)}<br>`;
    if (e.runner_up) html += `runner-up: ${esc(e.runner_up.name)} (objective ${fmt(e.runner_up.objective, 1)})`;
  }
  if (p.capacity != null) html += `<br>visits per period: ${fmt(p.visits, 1)} of ${fmt(p.capacity, 1)} it can serve`;
  if (p.hours && !p.hours.error) {
    const days = ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'].map((d) => `${d} ${esc(p.hours[d])}`).join('; ');
    html += `<br><small>open ${days} (${fmt(p.hours.weekly_hours, 1)} h a week)</small>`;
  } else if (p.opening_hours) {
    html += `<br><small>opening hours: ${esc(p.opening_hours)}</small>`;
  }
  html += `<br><small>${esc(p.source)}</small>`;
  return html;
}

export async function setupPlans({ api, post, registerLayer, map, showError }) {
  const section = $('plan-section');
  let scenarios;
  try {
    scenarios = await api('/locate/scenarios');
  } catch (e) {
    // Advisors may not plan; a server without data runs no plans.
    section.hidden = true;
    return;
  }
  // Sites live in their own pane above the cells, drawn by one SVG renderer, so each marker is an SVG path with a
  // class naming its role and takes clicks before the cells' canvas does.
  map.createPane('neuvo-sites').style.zIndex = 650;
  const siteRenderer = L.svg({ pane: 'neuvo-sites' });
  const demand = L.layerGroup();
  const coverage = L.layerGroup();
  const sites = L.layerGroup();
  registerLayer('demand', 'Demand by group', demand);
  registerLayer('coverage', 'Coverage', coverage, { visible: false });
  registerLayer('sites', 'Sites: kept, closed, candidate, chosen', sites);
  const sel = $('plan-scenario');
  for (const s of scenarios) {
    const o = document.createElement('option');
    o.value = s.name;
    o.textContent = s.name;
    sel.append(o);
  }
  const fill = () => {
    const s = scenarios.find((x) => x.name === sel.value);
    if (!s) return;
    $('plan-about').textContent = s.title || '';
    $('plan-model').value = s.model;
    $('plan-p').value = s.p ?? '';
    $('plan-minutes').value = s.minutes;
  };
  sel.addEventListener('change', fill);
  fill();
  section.hidden = false;
  let last = null;

  const draw = () => {
    if (!last) return;
    const group = $('plan-group').value;
    const feats = last.cells.features;
    const values = feats.map((f) => f.properties.people[group] || 0);
    const max = Math.max(1, ...values);
    demand.clearLayers();
    coverage.clearLayers();
    sites.clearLayers();
    L.geoJSON(last.cells, {
      style: (f) => {
        const v = f.properties.people[group] || 0;
        const k = Math.min(BLUES.length - 1, Math.floor((Math.sqrt(v / max)) * (BLUES.length - 1)));
        return { color: '#ffffff', weight: 0.3, fillColor: BLUES[k], fillOpacity: v > 0 ? 0.7 : 0.15 };
      },
      onEachFeature: (f, l) => {
        const p = f.properties;
        l.bindTooltip(`${esc(p.district || '')} cell ${esc(p.id)}: ${fmt(p.people[group])} ${esc(group)}${p.estimated ? ' (estimated)' : ''}<br>` +
          `${p.minutes == null ? 'no open site reachable' : `${p.minutes} min to ${esc(p.nearest_site)}`}`);
      },
    }).addTo(demand);
    L.geoJSON(last.cells, {
      filter: (f) => (f.properties.people[group] || 0) > 0,
      style: (f) => ({
        color: f.properties.covered ? '#1a9641' : '#d7191c', weight: 0.5,
        fillColor: f.properties.covered ? '#a6d96a' : '#fdae61', fillOpacity: 0.55,
      }),
    }).addTo(coverage);
    // Sites are drawn as SVG, each with a class naming its role, so they can be found in the page.
    const order = { candidate: 0, closed: 1, kept: 2, chosen: 3 };
    const feats2 = [...last.sites.features].sort((a, b) => order[a.properties.role] - order[b.properties.role]);
    L.geoJSON({ type: 'FeatureCollection', features: feats2 }, {
      pointToLayer: (f, ll) => L.circleMarker(ll, {
        ...ROLE_STYLE[f.properties.role],
        pane: 'neuvo-sites',
        renderer: siteRenderer,
        className: `neuvo-site neuvo-site-${f.properties.role}`,
        // A click on a site opens its explanation; it does not start a route.
        bubblingMouseEvents: false,
      }),
      onEachFeature: (f, l) => {
        l.bindPopup(explanationHtml(f.properties, group), { maxWidth: 360 });
        l.bindTooltip(`${esc(f.properties.name)} (${esc(f.properties.role)})`);
      },
    }).addTo(sites);
  };

  const showSummary = (s) => {
    const g = $('plan-group').value;
    let html = `<p><b>${esc(s.model.toUpperCase())}</b>, ${esc(s.mode)}, ${s.minutes} min: objective ${fmt(s.objective, 1)} ` +
      `<small>(${esc(s.objective_label)})</small>; ${esc(s.status)} by ${esc(s.method)}` +
      `${s.gap != null ? `, gap ${(100 * s.gap).toFixed(2)} %` : ''}, ${s.timings.solve_s.toFixed(2)} s.</p>`;
    html += '<table class="plan"><tr><th>group</th><th>people</th><th>covered</th></tr>';
    for (const c of s.groups) {
      html += `<tr${c.group === g ? ' class="sel"' : ''}><td>${esc(c.group)}</td><td>${fmt(c.people)}</td><td>${pct(c.share)}</td></tr>`;
    }
    html += '</table><p>Chosen: <span id="plan-chosen">' +
      s.sites.filter((x) => x.chosen).map((x) => esc(x.name)).join('; ') + '</span></p>';
    if (s.tradeoff.length) {
      html += `<table class="plan"><tr><th>p</th><th>objective</th><th>${esc(g)}</th></tr>`;
      for (const r of s.tradeoff) {
        html += `<tr${r.p === s.knee ? ' class="sel" title="knee"' : ''}><td>${r.p}${r.p === s.knee ? ' ◀ knee' : ''}</td>` +
          `<td>${fmt(r.objective, 1)}</td><td>${pct(r.covered_share[g])}</td></tr>`;
      }
      html += '</table>';
    }
    for (const n of s.notes) html += `<p class="note">${esc(n)}</p>`;
    $('plan-summary').innerHTML = html;
  };

  $('plan-group').addEventListener('change', () => {
    draw();
    if (last) showSummary(last.summary);
  });

  $('plan-run').addEventListener('click', async () => {
    showError(null);
    const overrides = { model: $('plan-model').value, minutes: Number($('plan-minutes').value) };
    if (overrides.model !== 'lscp' && $('plan-p').value !== '') overrides.p = Number($('plan-p').value);
    $('plan-run').disabled = true;
    $('plan-status').textContent = 'Submitting…';
    try {
      const job = await post('/jobs/locate', { scenario: sel.value, overrides });
      let st = job;
      while (!['done', 'failed', 'cancelled', 'interrupted'].includes(st.state)) {
        await new Promise((r) => setTimeout(r, 400));
        st = await api(`/jobs/${job.id}`);
        $('plan-status').textContent = `${st.state} ${Math.round(100 * st.progress)} %`;
      }
      if (st.state !== 'done') throw new Error(st.error || `the job ${st.state}`);
      last = await api(`/jobs/${job.id}/result`);
      const groups = last.summary.groups.map((x) => x.group);
      const gsel = $('plan-group');
      const keep = gsel.value;
      gsel.replaceChildren(...groups.map((g) => Object.assign(document.createElement('option'), { value: g, textContent: g })));
      // Show the group the user chose before, else the one weighing most in the objective.
      const w = last.summary.weights;
      const heaviest = Object.keys(w).sort((a, b) => w[b] - w[a])[0];
      gsel.value = groups.includes(keep) ? keep : heaviest || groups[0];
      const b = L.geoJSON(last.cells).getBounds();
      if (b.isValid()) map.fitBounds(b, { animate: false });
      draw();
      showSummary(last.summary);
      $('plan-status').textContent = `done in ${last.summary.seconds.toFixed(1)} s`;
      window.neuvo.lastPlan = last.summary;
      document.body.dataset.plan = 'done';
    } catch (e) {
      showError(e);
      $('plan-status').textContent = '';
      document.body.dataset.plan = 'failed';
    } finally {
      $('plan-run').disabled = false;
    }
  });
}
