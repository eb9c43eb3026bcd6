// The advisors' day on the map. Planners load visit requests (the shipped sample day), plan the day as a job, see
// every advisor's route on the streets with a timeline, and publish each day to its advisor. An advisor sees only
// their own days: the route, the timeline, and downloads (GPX, iCalendar, GeoJSON).
/* global L */

const $ = (id) => document.getElementById(id);
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const COLORS = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d', '#1f78b4'];
const KIND_COLOR = { visit: '#1f5fa8', session: '#b35806', break: '#8a96a3', start: '#333', end: '#333' };
const cls = (s) => String(s).replace(/[^A-Za-z0-9_-]/g, '_');

const clock = (hhmm) => {
  const [h, m, s] = hhmm.split(':').map(Number);
  return h * 3600 + m * 60 + (s || 0);
};
const hm = (secs) => `${String(Math.floor(secs / 3600)).padStart(2, '0')}:${String(Math.floor(secs / 60) % 60).padStart(2, '0')}`;

// A timeline: one row per advisor, bars for travel, visits, sessions and breaks between the day's first departure
// and last return. `days` are the summary's advisor days.
function timeline(el, days, colorOf) {
  const used = days.filter((d) => d.departure);
  if (!used.length) {
    el.innerHTML = '<p class="note">Nobody goes out.</p>';
    return;
  }
  const lo = Math.floor(Math.min(...used.map((d) => clock(d.departure))) / 3600) * 3600;
  const hi = Math.ceil(Math.max(...used.map((d) => clock(d.back))) / 3600) * 3600;
  const x = (t) => `${(100 * (t - lo)) / Math.max(1, hi - lo)}%`;
  const w = (a, b) => `${(100 * Math.max(0, b - a)) / Math.max(1, hi - lo)}%`;
  let html = '<div class="tl-scale">';
  for (let t = lo; t <= hi; t += 3600) html += `<span style="left:${x(t)}">${hm(t).slice(0, 2)}</span>`;
  html += '</div>';
  for (const d of used) {
    html += `<div class="tl-row" data-advisor="${esc(d.id)}"><span class="tl-name" style="border-color:${colorOf(d.id)}">${esc(d.id)}</span><div class="tl-track">`;
    let prev = clock(d.departure);
    for (const s of d.stops) {
      const [arr, st, en] = [clock(s.arrival), clock(s.start), clock(s.end)];
      if (s.travel_s > 0) html += `<div class="tl-bar tl-travel" style="left:${x(arr - s.travel_s)};width:${w(arr - s.travel_s, arr)}" title="travel ${Math.round(s.travel_s / 60)} min"></div>`;
      const label = s.kind === 'break' ? 'break' : `${s.kind} ${s.id}`;
      html += `<div class="tl-bar tl-${s.kind}" style="left:${x(st)};width:${w(st, en)}" title="${esc(label)} ${s.start.slice(0, 5)}–${s.end.slice(0, 5)}"></div>`;
      prev = en;
    }
    const back = clock(d.back);
    if (back > prev) html += `<div class="tl-bar tl-travel" style="left:${x(prev)};width:${w(prev, back)}" title="way back"></div>`;
    html += '</div></div>';
  }
  el.innerHTML = html;
}

// Draws route features (stops and legs of the export GeoJSON, each with `advisor` or for one advisor) into `layer`;
// each drawn leg carries its advisor in `data-advisor`. Shared with the rotation panel (schedule.js).
export function drawRoutes(layer, fc, colorOf, renderer) {
  layer.clearLayers();
  L.geoJSON(fc, {
    filter: (f) => f.properties.layer === 'leg',
    style: (f) => ({ color: colorOf(f.properties.advisor), weight: 4, opacity: 0.85, className: `neuvo-route-leg neuvo-advisor-${cls(f.properties.advisor)}` }),
    onEachFeature: (f, l) => l.on('add', () => {
      const el = l.getElement();
      if (el) el.dataset.advisor = f.properties.advisor ?? '';
    }),
    renderer,
  }).addTo(layer);
  L.geoJSON(fc, {
    filter: (f) => f.properties.layer === 'stop' && !['start', 'end'].includes(f.properties.kind),
    pointToLayer: (f, ll) => L.circleMarker(ll, {
      radius: f.properties.kind === 'session' ? 8 : 5,
      color: colorOf(f.properties.advisor),
      fillColor: KIND_COLOR[f.properties.kind] || '#fff',
      fillOpacity: 0.9,
      weight: 2,
      renderer,
      className: `neuvo-stop neuvo-stop-${f.properties.kind}`,
      bubblingMouseEvents: false,
    }),
    onEachFeature: (f, l) => {
      const p = f.properties;
      const who = p.client_name ? `<br>${esc(p.client_name)}${p.client_address ? `, ${esc(p.client_address)}` : ''}` : '';
      l.bindTooltip(`${esc(p.advisor || '')} #${p.seq}: ${esc(p.label)}<br>${esc(p.start)}–${esc(p.end)}${who}`);
    },
  }).addTo(layer);
  const b = L.geoJSON(fc).getBounds();
  return b.isValid() ? b : null;
}

async function download(api, token, path, name) {
  const r = await fetch('/api/v1' + path, { headers: { Authorization: 'Bearer ' + token() } });
  if (!r.ok) throw new Error((await r.json().catch(() => ({}))).message || r.statusText);
  const blob = await r.blob();
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  setTimeout(() => {
    URL.revokeObjectURL(a.href);
    a.remove();
  }, 1000);
}

async function runJob(api, post, body, status) {
  const job = await post('/jobs/routes', body);
  let st = job;
  while (!['done', 'failed', 'cancelled', 'interrupted'].includes(st.state)) {
    await new Promise((r) => setTimeout(r, 400));
    st = await api(`/jobs/${job.id}`);
    status(`${st.state}…`);
  }
  if (st.state !== 'done') throw new Error(st.error || `the job ${st.state}`);
  return api(`/jobs/${job.id}/result`);
}

function summaryHtml(s) {
  let html = `<p><b>${s.served} of ${s.visits}</b> visits served, ${s.sessions} session(s), ${s.advisors_used} of ${s.advisors} advisors out; ` +
    `travel ${Math.round(s.travel_s / 60)} min, ${(s.distance_m / 1000).toFixed(1)} km.</p>`;
  html += '<table class="plan"><tr><th>priority</th><th>served</th></tr>';
  for (const [p, c] of Object.entries(s.by_priority)) html += `<tr><td>${esc(p)}</td><td>${c.served} / ${c.requested}</td></tr>`;
  html += '</table>';
  if (s.unserved.length) {
    html += '<details><summary>Not served (' + s.unserved.length + ')</summary><ul id="routes-unserved">';
    for (const u of s.unserved) html += `<li><b>${esc(u.id)}</b> (${esc(u.priority)}): <code>${esc(u.reason)}</code> ${esc(u.detail)}</li>`;
    html += '</ul></details>';
  }
  for (const n of s.notes) html += `<p class="note">${esc(n)}</p>`;
  return html;
}

export async function setupRoutes({ api, post, registerLayer, map, showError, me, token }) {
  const layer = L.layerGroup();
  const renderer = L.svg();
  registerLayer('advisor-routes', 'Advisor routes', layer);
  const palette = new Map();
  const colorOf = (id) => {
    if (!palette.has(id)) palette.set(id, COLORS[palette.size % COLORS.length]);
    return palette.get(id);
  };

  if (me.role === 'advisor') {
    const section = $('myday-section');
    section.hidden = false;
    const plans = (await api('/plans')).filter((p) => p.kind === 'day');
    const sel = $('myday-plan');
    sel.replaceChildren(...plans.map((p) => Object.assign(document.createElement('option'), { value: p.id, textContent: `${p.date} (plan ${p.id})` })));
    $('myday-status').textContent = plans.length ? '' : 'No day has been published for you yet.';
    const show = async () => {
      showError(null);
      const id = sel.value;
      if (!id) return;
      try {
        const plan = await api(`/plans/${id}`);
        const fc = await api(`/plans/${id}/geojson`);
        for (const f of fc.features) f.properties.advisor = fc.advisor_id;
        const b = drawRoutes(layer, fc, colorOf, renderer);
        if (b) map.fitBounds(b, { animate: false, padding: [20, 20] });
        const s = plan.body.summary;
        timeline($('myday-timeline'), s ? [s] : [], colorOf);
        const stops = plan.body.day.stops.filter((x) => !['start', 'end'].includes(x.kind));
        $('myday-stops').innerHTML = stops.map((x) => `<li>${esc(x.start.slice(11, 16))}–${esc(x.end.slice(11, 16))} ${esc(x.label)}` +
          `${x.client && x.client.name ? ` · ${esc(x.client.name)}` : ''}</li>`).join('');
        document.body.dataset.myday = 'done';
      } catch (e) {
        showError(e);
        document.body.dataset.myday = 'failed';
      }
    };
    sel.addEventListener('change', show);
    for (const fmt of ['gpx', 'ics', 'geojson']) {
      $(`myday-${fmt}`).addEventListener('click', async () => {
        try {
          await download(api, token, `/plans/${sel.value}/${fmt}`, `${me.name}-${sel.selectedOptions[0].textContent.slice(0, 10)}.${fmt}`);
        } catch (e) {
          showError(e);
        }
      });
    }
    if (plans.length) await show();
    return;
  }

  if (!['planner', 'admin'].includes(me.role)) return;
  const section = $('routes-section');
  section.hidden = false;
  const tomorrow = new Date(Date.now() + 86400000).toISOString().slice(0, 10);
  $('routes-date').value = tomorrow;
  let requests = null;
  $('routes-sample').addEventListener('click', async () => {
    showError(null);
    try {
      requests = await api('/routes/sample');
      $('routes-loaded').textContent = `${requests.visits.length} visits, ${requests.advisors.length} advisors, ${requests.sessions.length} pop-up sessions (sample day, central Helsinki)`;
      $('routes-run').disabled = false;
    } catch (e) {
      showError(e);
    }
  });
  $('routes-run').addEventListener('click', async () => {
    showError(null);
    if (!requests) return;
    $('routes-run').disabled = true;
    try {
      const body = {
        date: $('routes-date').value,
        visits: requests.visits,
        advisors: requests.advisors,
        sessions: requests.sessions,
        time_limit_s: Number($('routes-time').value) || 10,
        publish: $('routes-publish').checked,
        reveal_client_details: $('routes-reveal').checked,
      };
      const r = await runJob(api, post, body, (t) => { $('routes-status').textContent = t; });
      const b = drawRoutes(layer, r.routes, colorOf, renderer);
      if (b) map.fitBounds(b, { animate: false, padding: [20, 20] });
      timeline($('routes-timeline'), r.summary.days, colorOf);
      $('routes-summary').innerHTML = summaryHtml(r.summary);
      const pub = r.published.map((p) => (p.plan_id ? `${esc(p.advisor)} ✓` : `${esc(p.advisor)}: ${esc(p.reason)}`));
      $('routes-published').innerHTML = pub.length ? `Published: ${pub.join('; ')}` : '';
      $('routes-status').textContent = `done in ${r.summary.solver.seconds.toFixed(1)} s`;
      window.neuvo.lastRoutes = r;
      document.body.dataset.routes = 'done';
    } catch (e) {
      showError(e);
      $('routes-status').textContent = '';
      document.body.dataset.routes = 'failed';
    } finally {
      $('routes-run').disabled = false;
    }
  });
}
