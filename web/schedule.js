// The rotation panel (planners, analysts, admins): pick a shipped rotation scenario and a number of weeks, plan it
// as a job, and see it as a week view: per week a grid of days (Mo–Su) by advisors, with a block per pop-up session
// at its time of day and the home visits of each advisor-day. The sessions' venues are drawn on the map; clicking a
// day draws that day's routes of every advisor out (clicking a cell, that advisor's only), from the job's advisor
// days. Shortfalls and unserved home visits are listed with their reasons.
/* global L */
import { drawRoutes } from './routes.js';

const $ = (id) => document.getElementById(id);
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const COLORS = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d', '#1f78b4'];
const KIND_COLOR = { general: '#1f5fa8', debt: '#b35806', social: '#6a3d9a', career: '#1a7837' };
const WEEKDAYS = ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'];
// The hours a cell's track spans.
const DAY_FROM = 8 * 60;
const DAY_TO = 18 * 60;

const minutes = (hhmm) => {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
};
const hm = (hhmmss) => hhmmss.slice(0, 5);
const parseDate = (s) => {
  const [y, m, d] = s.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d));
};
const iso = (d) => d.toISOString().slice(0, 10);
const addDays = (d, n) => new Date(d.getTime() + n * 86400000);
// An advisor's id as a row label: the part after the last `-` of a long id (`adv-aino` → `aino`).
const short = (id) => (id.length > 8 && id.includes('-') ? id.slice(id.lastIndexOf('-') + 1) : id);
// Monday = 0.
const weekdayOf = (d) => (d.getUTCDay() + 6) % 7;

function options(sel, items) {
  sel.replaceChildren(...items.map(([value, text]) => Object.assign(document.createElement('option'), { value, textContent: text })));
}

// An advisor's day as the route GeoJSON drawRoutes reads: one line for the whole day (the legs' street geometry
// joined, straight where a leg has none) and a point per stop.
function dayFeatures(day) {
  const pt = (p) => [p.lon, p.lat];
  const coords = [];
  day.legs.forEach((leg, i) => {
    const line = leg.geometry && leg.geometry.length >= 2
      ? leg.geometry.map(pt)
      : [pt(day.stops[i].place), pt(day.stops[i + 1].place)];
    for (const c of line) {
      const last = coords[coords.length - 1];
      if (!last || last[0] !== c[0] || last[1] !== c[1]) coords.push(c);
    }
  });
  const features = [];
  if (coords.length >= 2) {
    features.push({
      type: 'Feature',
      geometry: { type: 'LineString', coordinates: coords },
      properties: { layer: 'leg', advisor: day.advisor_id, date: day.date },
    });
  }
  day.stops.forEach((s, i) => features.push({
    type: 'Feature',
    geometry: { type: 'Point', coordinates: pt(s.place) },
    properties: {
      layer: 'stop', advisor: day.advisor_id, seq: i + 1, kind: s.kind, label: s.label,
      start: s.start.slice(11, 16), end: s.end.slice(11, 16),
    },
  }));
  return features;
}

// Whether an advisor day has anything to do (more than leaving and coming back).
const busy = (day) => day.stops.some((s) => !['start', 'end'].includes(s.kind));

export async function setupSchedule({ api, post, registerLayer, map, showError, me }) {
  const section = $('schedule-panel');
  let list;
  try {
    list = await api('/schedule/scenarios');
  } catch (e) {
    // Advisors may not plan rotations; a server without data runs none.
    section.hidden = true;
    return;
  }
  if (!list.length) {
    section.hidden = true;
    return;
  }
  const venuesLayer = L.layerGroup();
  const routesLayer = L.layerGroup();
  const renderer = L.svg();
  registerLayer('rotation-venues', 'Rotation: session venues', venuesLayer);
  registerLayer('rotation-routes', 'Rotation: routes of a day', routesLayer);
  const palette = new Map();
  const colorOf = (id) => {
    if (!palette.has(id)) palette.set(id, COLORS[palette.size % COLORS.length]);
    return palette.get(id);
  };

  const sel = $('schedule-scenario');
  options(sel, list.map((r) => [r.name, r.name]));
  const about = () => {
    const r = list.find((x) => x.name === sel.value);
    if (r) $('schedule-about').textContent = `${r.title || ''} (from ${r.start}, slots ${r.slots.join(', ')})`;
  };
  sel.addEventListener('change', about);
  about();
  $('schedule-publish-label').hidden = !['planner', 'admin'].includes(me.role);
  section.hidden = false;

  let last = null; // {summary, plan, advisor_days, files, published}

  const drawVenues = () => {
    venuesLayer.clearLayers();
    const byVenue = new Map();
    for (const s of last.plan.sessions) {
      if (!byVenue.has(s.venue_id)) byVenue.set(s.venue_id, { name: s.venue_name, location: s.location, sessions: [] });
      byVenue.get(s.venue_id).sessions.push(s);
    }
    for (const [id, v] of byVenue) {
      const m = L.circleMarker([v.location.lat, v.location.lon], {
        radius: 8, color: '#3c4a58', weight: 2, fillColor: '#fdb863', fillOpacity: 0.95,
        className: 'neuvo-sched-venue', renderer, bubblingMouseEvents: false,
      });
      m.on('add', () => {
        const el = m.getElement();
        if (el) {
          el.dataset.venue = id;
          el.dataset.sessions = String(v.sessions.length);
        }
      });
      const lines = v.sessions
        .sort((a, b) => (a.date + a.start).localeCompare(b.date + b.start))
        .map((s) => `${esc(s.date)} ${esc(hm(s.start))}–${esc(hm(s.end))} ${esc(s.kind)} · ${esc(s.advisor_id)}`);
      m.bindTooltip(`${esc(v.name)}: ${v.sessions.length} session(s)`);
      m.bindPopup(`<b>${esc(v.name)}</b><br>${lines.join('<br>')}`);
      m.addTo(venuesLayer);
    }
  };

  // Draws the routes of `date` (every advisor out, or only `advisor`).
  const drawDay = (date, advisor) => {
    const days = last.advisor_days.filter((d) => d.date === date && busy(d) && (!advisor || d.advisor_id === advisor));
    const fc = { type: 'FeatureCollection', features: days.flatMap(dayFeatures) };
    const b = drawRoutes(routesLayer, fc, colorOf, renderer);
    if (b) map.fitBounds(b, { animate: false, padding: [20, 20] });
    for (const el of document.querySelectorAll('#schedule-week .sel')) el.classList.remove('sel');
    const pick = advisor
      ? `#schedule-week .sched-cell[data-date="${date}"][data-advisor="${CSS.escape(advisor)}"]`
      : `#schedule-week .sched-day[data-date="${date}"]`;
    for (const el of document.querySelectorAll(pick)) el.classList.add('sel');
    $('schedule-day').textContent = days.length
      ? `${date}${advisor ? ` · ${advisor}` : ''}: ${days.length} route(s) drawn`
      : `${date}: nobody goes out`;
    document.body.dataset.scheduleDay = advisor ? `${date}/${advisor}` : date;
  };

  const drawWeek = () => {
    const s = last.summary;
    const start = parseDate(s.start);
    const end = parseDate(s.end);
    const advisors = s.advisors.map((a) => a.id);
    for (const x of s.sessions) if (!advisors.includes(x.advisor)) advisors.push(x.advisor);
    const visitsOf = new Map();
    for (const d of last.advisor_days) {
      visitsOf.set(`${d.date}/${d.advisor_id}`, d.stops.filter((x) => x.kind === 'visit').length);
    }
    const y = (m) => `${(100 * (Math.min(Math.max(m, DAY_FROM), DAY_TO) - DAY_FROM)) / (DAY_TO - DAY_FROM)}%`;
    let html = '';
    for (let monday = addDays(start, -weekdayOf(start)), w = 1; monday <= end; monday = addDays(monday, 7), w += 1) {
      const days = WEEKDAYS.map((_, i) => addDays(monday, i));
      html += `<table class="sched-grid" data-week="${w}"><caption>Week ${w}: ${iso(days[0])} – ${iso(days[6])}</caption>`;
      html += '<tr><th></th>' + days.map((d, i) => {
        const inside = d >= start && d <= end;
        return `<th class="sched-day${inside ? '' : ' outside'}" data-date="${iso(d)}" title="${iso(d)}: draw the day's routes">` +
          `${WEEKDAYS[i]}<br>${d.getUTCDate()}.${d.getUTCMonth() + 1}</th>`;
      }).join('') + '</tr>';
      for (const a of advisors) {
        html += `<tr data-advisor="${esc(a)}"><th class="sched-advisor" style="border-color:${colorOf(a)}" title="${esc(a)}">${esc(short(a))}</th>`;
        for (const d of days) {
          const date = iso(d);
          const inside = d >= start && d <= end;
          html += `<td class="sched-cell${inside ? '' : ' outside'}" data-date="${date}" data-advisor="${esc(a)}"><div class="sched-track">`;
          for (const x of s.sessions.filter((q) => q.date === date && q.advisor === a)) {
            const [from, to] = [minutes(x.start), minutes(x.end)];
            html += `<div class="sched-session" data-venue="${esc(x.venue)}" data-start="${esc(x.start)}" data-end="${esc(x.end)}" ` +
              `data-kind="${esc(x.kind)}" data-language="${esc(x.language ?? '')}" ` +
              `style="top:${y(from)};height:calc(${y(to)} - ${y(from)});background:${KIND_COLOR[x.kind] || '#5b6774'}" ` +
              `title="${esc(x.start)}–${esc(x.end)} ${esc(x.kind)}${x.language ? ` (${esc(x.language)})` : ''} at ${esc(x.venue_name)}">` +
              `${esc(x.kind.slice(0, 1))}</div>`;
          }
          html += '</div>';
          const v = visitsOf.get(`${date}/${a}`);
          if (v != null) html += `<span class="sched-visits" data-visits="${v}" title="${v} home visit(s)">${v}</span>`;
          html += '</td>';
        }
        html += '</tr>';
      }
      html += '</table>';
    }
    $('schedule-week').innerHTML = html;
    for (const th of document.querySelectorAll('#schedule-week .sched-day')) {
      th.addEventListener('click', () => drawDay(th.dataset.date));
    }
    for (const td of document.querySelectorAll('#schedule-week .sched-cell')) {
      td.addEventListener('click', () => drawDay(td.dataset.date, td.dataset.advisor));
    }
  };

  const drawLists = () => {
    const s = last.summary;
    const kinds = Object.entries(KIND_COLOR).map(([k, c]) => `<li><span class="swatch" style="background:${c}"></span> ${esc(k)}</li>`);
    $('schedule-legend').innerHTML = kinds.join('');
    let html = `<p><b>${s.sessions.length}</b> sessions of ${s.wanted} wanted, ${s.start} – ${s.end}; ` +
      `${s.days.reduce((n, d) => n + d.served, 0)} of ${s.days.reduce((n, d) => n + d.visits, 0)} home visits served.</p>`;
    html += `<h3>Shortfalls (${s.shortfalls.length})</h3><ul id="schedule-shortfalls">` +
      s.shortfalls.map((f) => `<li data-venue="${esc(f.venue)}" data-kind="${esc(f.kind)}" data-week="${f.week}">` +
        `week ${f.week}: <b>${esc(f.venue)}</b> ${esc(f.kind)} ${f.held} of ${f.wanted}: ${esc(f.reason)}</li>`).join('') + '</ul>';
    const unserved = s.days.flatMap((d) => d.unserved.map((u) => ({ ...u, date: d.date })));
    html += `<h3>Unserved home visits (${unserved.length})</h3><ul id="schedule-unserved">` +
      unserved.map((u) => `<li data-date="${esc(u.date)}" data-id="${esc(u.id)}" data-reason="${esc(u.reason)}">` +
        `${esc(u.date)} <b>${esc(u.id)}</b>: <code>${esc(u.reason)}</code> ${esc(u.detail)}</li>`).join('') + '</ul>';
    if (last.published && last.published.length) {
      const ok = last.published.filter((p) => p.plan_id).length;
      html += `<p class="note" id="schedule-published">Published ${ok} of ${last.published.length} advisor-days.</p>`;
    }
    html += s.notes.map((n) => `<p class="note">${esc(n)}</p>`).join('');
    $('schedule-summary').innerHTML = html;
  };

  $('schedule-run').addEventListener('click', async () => {
    showError(null);
    $('schedule-run').disabled = true;
    $('schedule-status').textContent = 'Submitting…';
    delete document.body.dataset.schedule;
    delete document.body.dataset.scheduleDay;
    try {
      const body = { scenario: sel.value, weeks: Number($('schedule-weeks').value) || 1 };
      if (!$('schedule-publish-label').hidden && $('schedule-publish').checked) body.publish = true;
      const job = await post('/jobs/schedule', body);
      let st = job;
      while (!['done', 'failed', 'cancelled', 'interrupted'].includes(st.state)) {
        await new Promise((r) => setTimeout(r, 400));
        st = await api(`/jobs/${job.id}`);
        $('schedule-status').textContent = `${st.state} ${Math.round(100 * st.progress)} %`;
      }
      if (st.state !== 'done') throw new Error(st.error || `the job ${st.state}`);
      last = await api(`/jobs/${job.id}/result`);
      routesLayer.clearLayers();
      $('schedule-day').textContent = 'Click a day (or an advisor’s day) to draw its routes.';
      drawWeek();
      drawLists();
      drawVenues();
      const b = L.featureGroup(venuesLayer.getLayers()).getBounds();
      if (b.isValid()) map.fitBounds(b, { animate: false, padding: [20, 20] });
      $('schedule-status').textContent = `done in ${last.summary.seconds.toFixed(1)} s`;
      window.neuvo.lastSchedule = { job: job.id, summary: last.summary };
      document.body.dataset.schedule = 'done';
    } catch (e) {
      showError(e);
      $('schedule-status').textContent = '';
      document.body.dataset.schedule = 'failed';
    } finally {
      $('schedule-run').disabled = false;
    }
  });
}
