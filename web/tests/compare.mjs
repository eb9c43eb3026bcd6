// Browser test of the analysts' panel: log in, pick a shipped comparison and two variants, run it as a job, and
// read back what the page draws: every cell's Δ minutes, colour and visibility and the table, for a sequence of
// mode/group views. Run by the Rust test `e2e::server::the_map_page_compares_two_variants_in_a_browser`:
//   node web/tests/compare.mjs URL TOKEN COMPARISON A B VIEWS SCREENSHOT.png
// VIEWS is a comma-separated list of mode/group pairs, e.g. car/total,walk/total,walk/age75. Prints one JSON line:
// the job id, the legend, and per view the drawn cells (id → [delta, fill, visible]) and the table's texts; the
// Rust test checks them against the job's result, which it fetches itself.
import { launch } from './chromium.mjs';

const [url, token, comparison, a, b, views, shot] = process.argv.slice(2);
if (!url || !token || !comparison || !a || !b || !views || !shot) {
  console.error('usage: compare.mjs URL TOKEN COMPARISON A B VIEWS SCREENSHOT.png');
  process.exit(2);
}
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
const errors = [];
page.on('pageerror', (e) => errors.push(e.message));
const fail = async (msg) => {
  await page.screenshot({ path: shot }).catch(() => {});
  console.error('FAIL: ' + msg + (errors.length ? ' (page errors: ' + errors.join('; ') + ')' : ''));
  await browser.close();
  process.exit(1);
};
await page.goto(url);
await page.fill('#token', token);
await page.click('#login-button');
await page.waitForSelector('body[data-ready="1"]', { timeout: 120000 }).catch(() => fail('the page did not load'));
if (!(await page.isVisible('#compare-panel'))) await fail('the compare panel is not shown');
await page.selectOption('#compare-scenario', comparison).catch(() => fail(`no comparison ${comparison} in the list`));
await page.selectOption('#compare-a', a).catch(() => fail(`no variant ${a} in the list`));
await page.selectOption('#compare-b', b).catch(() => fail(`no variant ${b} in the list`));
await page.click('#compare-run');
await page.waitForFunction(() => document.body.dataset.compare, null, { timeout: 600000 }).catch(() => fail('the comparison did not finish'));
if ((await page.evaluate(() => document.body.dataset.compare)) !== 'done') {
  await fail('the comparison failed: ' + (await page.textContent('#error')));
}
const job = await page.evaluate(() => window.neuvo.lastCompare.job);
const modes = await page.$$eval('#compare-mode option', (os) => os.map((o) => o.value));
const groups = await page.$$eval('#compare-group option', (os) => os.map((o) => o.value));
const legend = await page.$$eval('#compare-legend li.bin', (ls) => ls.map((l) => ({
  sign: l.dataset.sign, min: l.dataset.min === '' ? null : Number(l.dataset.min),
  max: l.dataset.max === '' ? null : Number(l.dataset.max), color: l.dataset.color,
})));

const out = { job, modes, groups, legend, views: [] };
let popup = null;
for (const v of views.split(',')) {
  const [mode, group] = v.split('/');
  await page.selectOption('#compare-mode', mode).catch(() => fail(`no mode ${mode} in the selector`));
  await page.selectOption('#compare-group', group).catch(() => fail(`no group ${group} in the selector`));
  await page.waitForFunction((want) => document.body.dataset.compareView === want, v, { timeout: 10000 })
    .catch(() => fail(`the view ${v} was not drawn`));
  const cells = await page.$$eval('#map path.neuvo-cell', (ps) => Object.fromEntries(ps.map((p) => [
    p.dataset.id, [p.dataset.delta === 'null' ? null : Number(p.dataset.delta), p.getAttribute('fill'), p.dataset.visible === '1'],
  ])));
  const drawn = await page.locator('#map path.neuvo-cell').count();
  const table = await page.$$eval('#compare-table [data-v]', (ts) => Object.fromEntries(ts.map((t) => [t.dataset.v, t.textContent])));
  const districts = await page.$$eval('#compare-districts tr.district-row', (rs) => rs.map((r) => [...r.cells].map((c) => c.textContent)));
  if (!popup) {
    // The popup of the cell with the largest drawn loss.
    const id = Object.entries(cells).filter(([, c]) => c[2] && c[0] != null).sort((x, y) => y[1][0] - x[1][0])[0]?.[0];
    if (id) {
      await page.locator(`#map path.neuvo-cell[data-id="${id}"]`).click({ force: true });
      const el = await page.waitForSelector('.leaflet-popup-content', { timeout: 5000 }).catch(() => null);
      if (!el) await fail('no popup on a cell');
      popup = { id, mode, group, text: await el.textContent() };
      await page.evaluate(() => window.neuvo.map.closePopup());
    }
  }
  out.views.push({ mode, group, drawn, cells, table, districts });
}
out.popup = popup;
out.sites = Object.fromEntries(await Promise.all(['both', 'before_only', 'after_only', 'closed_at_moment'].map(async (r) => [
  r, await page.locator(`path.neuvo-cmp-site-${r}`).count()])));
await page.selectOption('#compare-mode', out.views[0].mode);
await page.selectOption('#compare-group', out.views[0].group);
await page.screenshot({ path: shot });
await browser.close();
if (errors.length) {
  console.error('FAIL: page errors: ' + errors.join('; '));
  process.exit(1);
}
console.log(JSON.stringify(out));
