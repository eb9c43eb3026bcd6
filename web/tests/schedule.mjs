// Browser test of the rotation panel: log in, pick a shipped rotation scenario and a number of weeks, plan it as a
// job, and read back what the page draws: every session block of the week view with the date column and advisor
// row it sits in, the home-visit counts, the venue markers, the lists of shortfalls and unserved visits, and, day
// by day, the routes drawn when the day is clicked (and for one advisor-day cell). Run by the Rust test
// `e2e::server::the_map_page_plans_a_rotation_in_a_browser`:
//   node web/tests/schedule.mjs URL TOKEN SCENARIO WEEKS SCREENSHOT.png
// Prints one JSON line; the Rust test checks it against the job's result, which it fetches itself.
import { launch } from './chromium.mjs';

const [url, token, scenario, weeks, shot] = process.argv.slice(2);
if (!url || !token || !scenario || !weeks || !shot) {
  console.error('usage: schedule.mjs URL TOKEN SCENARIO WEEKS SCREENSHOT.png');
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
if (!(await page.isVisible('#schedule-panel'))) await fail('the rotation panel is not shown');
await page.selectOption('#schedule-scenario', scenario).catch(() => fail(`no rotation scenario ${scenario} in the list`));
await page.selectOption('#schedule-weeks', weeks).catch(() => fail(`no choice of ${weeks} weeks`));
await page.click('#schedule-run');
await page.waitForFunction(() => document.body.dataset.schedule, null, { timeout: 600000 }).catch(() => fail('the rotation did not finish'));
if ((await page.evaluate(() => document.body.dataset.schedule)) !== 'done') {
  await fail('the rotation failed: ' + (await page.textContent('#error')));
}
const job = await page.evaluate(() => window.neuvo.lastSchedule.job);

// The week view: every session block with the cell it sits in.
const blocks = await page.$$eval('#schedule-week .sched-session', (bs) => bs.map((b) => {
  const cell = b.closest('td.sched-cell');
  const row = b.closest('tr');
  const table = b.closest('table.sched-grid');
  // The column's header: the same index in the table's first row.
  const header = table.rows[0].cells[cell.cellIndex];
  return {
    date: cell.dataset.date, advisor: cell.dataset.advisor, row_advisor: row.dataset.advisor, column_date: header.dataset.date,
    venue: b.dataset.venue, start: b.dataset.start, end: b.dataset.end, kind: b.dataset.kind, top: b.style.top,
  };
}));
const weekTables = await page.locator('#schedule-week table.sched-grid').count();
const rows = await page.$$eval('#schedule-week table.sched-grid[data-week="1"] tr[data-advisor]', (rs) => rs.map((r) => r.dataset.advisor));
const columns = await page.$$eval('#schedule-week table.sched-grid[data-week="1"] th.sched-day', (hs) => hs.map((h) => h.dataset.date));
const visits = await page.$$eval('#schedule-week .sched-visits', (vs) => vs.map((v) => {
  const cell = v.closest('td.sched-cell');
  return { date: cell.dataset.date, advisor: cell.dataset.advisor, visits: Number(v.dataset.visits) };
}));
const venues = await page.$$eval('path.neuvo-sched-venue', (ps) => ps.map((p) => ({ venue: p.dataset.venue, sessions: Number(p.dataset.sessions) })));
const shortfalls = await page.locator('#schedule-shortfalls li').count();
const unserved = await page.$$eval('#schedule-unserved li', (ls) => ls.map((l) => ({ date: l.dataset.date, id: l.dataset.id, reason: l.dataset.reason })));

// Day by day: click the day's header and read the routes drawn.
async function readRoutes() {
  return page.$$eval('path.neuvo-route-leg', (ps) => ps.map((p) => p.dataset.advisor));
}
const days = {};
for (const date of await page.$$eval('#schedule-week th.sched-day:not(.outside)', (hs) => hs.map((h) => h.dataset.date))) {
  await page.evaluate(() => delete document.body.dataset.scheduleDay);
  await page.locator(`#schedule-week th.sched-day[data-date="${date}"]`).click();
  await page.waitForFunction((want) => document.body.dataset.scheduleDay === want, date, { timeout: 10000 })
    .catch(() => fail(`the day ${date} was not drawn`));
  days[date] = { legs: await readRoutes(), stops: await page.locator('path.neuvo-stop').count() };
}
// One advisor-day cell: the first cell with a session.
let cell = null;
if (blocks.length) {
  const { date, advisor } = blocks[0];
  await page.evaluate(() => delete document.body.dataset.scheduleDay);
  await page.locator(`#schedule-week td.sched-cell[data-date="${date}"][data-advisor="${advisor}"]`).click();
  await page.waitForFunction((want) => document.body.dataset.scheduleDay === want, `${date}/${advisor}`, { timeout: 10000 })
    .catch(() => fail(`the day ${date} of ${advisor} was not drawn`));
  cell = { date, advisor, legs: await readRoutes() };
}
// The busiest day drawn for the screenshot.
const busiest = Object.entries(days).sort((a, b) => b[1].legs.length - a[1].legs.length)[0]?.[0];
if (busiest) await page.locator(`#schedule-week th.sched-day[data-date="${busiest}"]`).click();
await page.screenshot({ path: shot });
await browser.close();
if (errors.length) {
  console.error('FAIL: page errors: ' + errors.join('; '));
  process.exit(1);
}
console.log(JSON.stringify({ job, week_tables: weekTables, rows, columns, blocks, visits, venues, shortfalls, unserved, days, cell }));
