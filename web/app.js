// neuvo's map page: logs in with an API token, draws the data extent and our own street network, routes between
// two clicked points and draws isochrones. Later jobs add their layers through window.neuvo.registerLayer.
/* global L */
import { setupCompare } from './compare.js';
import { setupPlans } from './plan.js';
import { setupRoutes } from './routes.js';
import { setupSchedule } from './schedule.js';

const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem('neuvo-token') || '';
let map;
const layers = new Map();
const state = { mode: 'walk', tool: 'route', from: null, markers: [] };

async function api(path, init = {}) {
  const headers = { Authorization: 'Bearer ' + token, ...(init.headers || {}) };
  const r = await fetch('/api/v1' + path, { ...init, headers });
  const body = await r.json().catch(() => ({}));
  if (!r.ok) {
    const err = new Error(body.message || r.statusText);
    err.status = r.status;
    throw err;
  }
  return body;
}

function post(path, body) {
  return api(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

function showError(e) {
  $('error').textContent = e ? e.message || String(e) : '';
}

function fmtDuration(s) {
  const m = Math.floor(s / 60);
  return m >= 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m} min ${Math.round(s % 60)} s`;
}

// A layer in the panel: a checkbox that shows or hides it. Planned layers are listed, disabled, until a later job
// provides them.
function registerLayer(id, label, layer, { visible = true, planned = false } = {}) {
  const li = document.createElement('li');
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.id = 'layer-' + id;
  box.checked = visible && !planned;
  box.disabled = planned;
  const lab = document.createElement('label');
  lab.htmlFor = box.id;
  lab.textContent = planned ? `${label} (later)` : label;
  lab.style.display = 'inline';
  li.append(box, ' ', lab);
  if (planned) li.className = 'planned';
  $('layers').append(li);
  layers.set(id, { layer, box });
  if (layer && box.checked) layer.addTo(map);
  box.addEventListener('change', () => {
    if (!layer) return;
    if (box.checked) layer.addTo(map);
    else layer.remove();
  });
}

async function loadStreets() {
  const entry = layers.get('streets');
  entry.layer.clearLayers();
  const fc = await api(`/network/${state.mode}/lines`);
  entry.layer.addData(fc);
}

function setTool(tool) {
  state.tool = tool;
  for (const [id, t] of [['tool-route', 'route'], ['tool-iso', 'iso']]) {
    $(id).classList.toggle('active', t === tool);
    $(id).setAttribute('aria-pressed', String(t === tool));
  }
  state.from = null;
}

async function onClick(e) {
  showError(null);
  const ll = `${e.latlng.lng.toFixed(6)},${e.latlng.lat.toFixed(6)}`;
  try {
    if (state.tool === 'route') {
      const markers = layers.get('route').layer;
      if (!state.from) {
        markers.clearLayers();
        state.from = ll;
        L.circleMarker(e.latlng, { radius: 6, color: '#1f5fa8' }).addTo(markers);
        $('route-summary').textContent = 'Now click the destination.';
        return;
      }
      L.circleMarker(e.latlng, { radius: 6, color: '#b3261e' }).addTo(markers);
      const from = state.from;
      state.from = null;
      $('route-summary').textContent = 'Routing…';
      const f = await api(`/route?mode=${state.mode}&from=${from}&to=${ll}`);
      L.geoJSON(f, { renderer: L.svg(), style: { color: '#1f5fa8', weight: 5, className: 'neuvo-route' } }).addTo(markers);
      const p = f.properties;
      $('route-summary').textContent = `${p.mode}: ${(p.metres / 1000).toFixed(2)} km, ${fmtDuration(p.seconds)}`;
    } else {
      $('iso-summary').textContent = 'Drawing isochrones…';
      const fc = await api(`/isochrone?mode=${state.mode}&at=${ll}&minutes=${encodeURIComponent($('minutes').value)}`);
      const iso = layers.get('isochrones').layer;
      iso.clearLayers();
      const colors = ['#fdd0a2', '#fd8d3c', '#d94701', '#8c2d04', '#5a1a02', '#2d0d01'];
      fc.features.forEach((feat, i) => {
        L.geoJSON(feat, {
          renderer: L.svg(),
          style: { color: colors[i % colors.length], fillOpacity: 0.35, weight: 1, className: 'neuvo-isochrone' },
        }).addTo(iso);
      });
      $('iso-summary').textContent = fc.features
        .map((x) => `${x.properties.minutes} min: ${x.properties.area_km2} km²`)
        .join(' · ');
    }
  } catch (err) {
    showError(err);
    if (state.tool === 'route') $('route-summary').textContent = '';
    else $('iso-summary').textContent = '';
  }
}

async function start() {
  const me = await api('/me');
  $('who').textContent = `${me.name} (${me.role})`;
  $('login').hidden = true;
  $('app').hidden = false;
  map = L.map('map', { preferCanvas: true, zoomControl: true, zoomSnap: 0.25 });
  const cfg = await api('/client-config');
  if (cfg.basemap_url) {
    L.tileLayer(cfg.basemap_url, { attribution: cfg.basemap_attribution || '', maxZoom: 19 }).addTo(map);
  }
  $('attribution').textContent = [cfg.data_attribution, cfg.basemap_attribution].filter(Boolean).join(' · ');
  const nets = await api('/network');
  const box = (nets.find((n) => n.mode === 'walk') || nets[0]).bbox;
  const bounds = L.latLngBounds([box[1], box[0]], [box[3], box[2]]);
  map.fitBounds(bounds);
  registerLayer('extent', 'Data extent', L.rectangle(bounds, { color: '#5b6774', weight: 1, fill: false, dashArray: '4' }));
  registerLayer('streets', 'Streets (our network)', L.geoJSON(null, { style: { color: '#7d8a97', weight: 1 } }));
  registerLayer('route', 'Route', L.layerGroup());
  registerLayer('isochrones', 'Isochrones', L.layerGroup());
  const venues = await api('/venues');
  registerLayer(
    'venues',
    'Venues',
    L.geoJSON(venues, {
      pointToLayer: (f, ll) => L.circleMarker(ll, { radius: 4, color: '#6a3d9a', weight: 1, fillOpacity: 0.8 }),
      onEachFeature: (f, l) => l.bindTooltip(`${f.properties.name || '(no name)'} · ${f.properties.kind}`),
    }),
    { visible: false },
  );
  await setupPlans({ api, post, registerLayer, map, showError });
  await setupRoutes({ api, post, registerLayer, map, showError, me, token: () => token });
  await setupCompare({ api, post, registerLayer, map, showError });
  await setupSchedule({ api, post, registerLayer, map, showError, me });
  await loadStreets();
  map.on('click', onClick);
  $('mode').addEventListener('change', async () => {
    state.mode = $('mode').value;
    state.from = null;
    try {
      await loadStreets();
    } catch (e) {
      showError(e);
    }
  });
  $('tool-route').addEventListener('click', () => setTool('route'));
  $('tool-iso').addEventListener('click', () => setTool('iso'));
  document.body.dataset.ready = '1';
}

$('login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  token = $('token').value.trim();
  $('login-error').textContent = '';
  try {
    await start();
    sessionStorage.setItem('neuvo-token', token);
  } catch (e) {
    $('login-error').textContent = e.status === 401 ? 'That token is not valid.' : e.message;
  }
});

$('logout').addEventListener('click', () => {
  sessionStorage.removeItem('neuvo-token');
  location.reload();
});

window.neuvo = {
  registerLayer,
  api,
  post,
  get map() {
    return map;
  },
};

if (token) {
  start().catch(() => {
    sessionStorage.removeItem('neuvo-token');
  });
}
