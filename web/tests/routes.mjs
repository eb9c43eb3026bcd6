// Browser test of the advisors' day: a planner loads the sample day, plans it as a job and publishes it; the map
// shows every advisor's route and a timeline. Then an advisor logs in, sees only their own day, and downloads it
// as GPX, iCalendar and GeoJSON. Run by the Rust test `e2e::server::the_advisors_day_in_a_browser`:
//   node web/tests/routes.mjs URL PLANNER_TOKEN ADVISOR_TOKEN ADVISOR_NAME SCREENSHOT.png
// Prints one JSON line with what the pages showed and what the downloads held.
import { launch } from './chromium.mjs';

const [url, plannerToken, advisorToken, advisorName, shot] = process.argv.slice(2);
if (!url || !plannerToken || !advisorToken || !advisorName || !shot) {
  console.error('usage: routes.mjs URL PLANNER_TOKEN ADVISOR_TOKEN ADVISOR_NAME SCREENSHOT.png');
  process.exit(2);
}
const browser = await launch();
const errors = [];
let page;
const fail = async (msg) => {
  if (page) await page.screenshot({ path: shot }).catch(() => {});
  console.error('FAIL: ' + msg + (errors.length ? ' (page errors: ' + errors.join('; ') + ')' : ''));
  await browser.close();
  process.exit(1);
};
const login = async (token) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.fill('#token', token);
  await page.click('#login-button');
  await page.waitForSelector('body[data-ready="1"]', { timeout: 120000 }).catch(() => fail('the page did not load'));
  return context;
};

// The planner.
const plannerContext = await login(plannerToken);
if (!(await page.isVisible('#routes-section'))) await fail("the advisors' day panel is not shown to a planner");
if (await page.isVisible('#myday-section')) await fail("a planner sees the advisor's own-day panel");
await page.click('#routes-sample');
await page.waitForFunction(() => /visits/.test(document.querySelector('#routes-loaded').textContent), null, { timeout: 30000 })
  .catch(() => fail('the sample day did not load'));
await page.fill('#routes-date', '2026-12-01');
await page.fill('#routes-time', '3');
await page.check('#routes-publish');
await page.click('#routes-run');
await page.waitForFunction(() => document.body.dataset.routes, null, { timeout: 300000 }).catch(() => fail('the day was not planned'));
if ((await page.evaluate(() => document.body.dataset.routes)) !== 'done') await fail('planning failed: ' + (await page.textContent('#error')));
const result = await page.evaluate(() => window.neuvo.lastRoutes);
const legs = await page.locator('path.neuvo-route-leg').count();
const visitMarkers = await page.locator('path.neuvo-stop-visit').count();
const rows = await page.locator('#routes-timeline .tl-row').count();
const visitBars = await page.locator('#routes-timeline .tl-visit').count();
const unservedItems = await page.locator('#routes-unserved li').count();
const published = await page.textContent('#routes-published');
await page.screenshot({ path: shot });
await plannerContext.close();

// The advisor.
const advisorContext = await login(advisorToken);
if (await page.isVisible('#routes-section')) await fail("an advisor sees the planners' panel");
if (!(await page.isVisible('#myday-section'))) await fail('the own-day panel is not shown to an advisor');
await page.waitForFunction(() => document.body.dataset.myday, null, { timeout: 30000 }).catch(() => fail('the own day did not show'));
if ((await page.evaluate(() => document.body.dataset.myday)) !== 'done') await fail('the own day failed: ' + (await page.textContent('#error')));
const options = await page.locator('#myday-plan option').count();
const myLegs = await page.locator('path.neuvo-route-leg').count();
const foreignLegs = await page.locator(`path.neuvo-route-leg:not(.neuvo-advisor-${advisorName})`).count();
const myRows = await page.locator('#myday-timeline .tl-row').count();
const myStops = await page.locator('#myday-stops li').count();
const downloads = {};
for (const fmt of ['gpx', 'ics', 'geojson']) {
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 30000 }), page.click(`#myday-${fmt}`)])
    .catch(() => fail(`no ${fmt} download`));
  const path = await dl.path();
  const fs = await import('node:fs');
  downloads[fmt] = { name: dl.suggestedFilename(), text: fs.readFileSync(path, 'utf8') };
}
await page.screenshot({ path: shot.replace(/\.png$/, '-advisor.png') });
await advisorContext.close();
await browser.close();
if (errors.length) {
  console.error('FAIL: page errors: ' + errors.join('; '));
  process.exit(1);
}
console.log(JSON.stringify({
  summary: result.summary,
  published: result.published,
  planner: { legs, visit_markers: visitMarkers, rows, visit_bars: visitBars, unserved_items: unservedItems, published_text: published },
  advisor: { options, legs: myLegs, foreign_legs: foreignLegs, rows: myRows, stops: myStops },
  downloads,
  screenshot: shot,
}));
