// Browser test of the planners' panel: log in, pick a shipped scenario, set p, run the location plan as a job,
// and see the chosen sites on the map with their explanation. Run by the Rust test `e2e::locate_in_browser`:
//   node web/tests/locate.mjs URL TOKEN SCENARIO P SCREENSHOT.png
// Prints one JSON line: the chosen ids shown on the map and the summary's.
import { launch } from './chromium.mjs';

const [url, token, scenario, p, shot] = process.argv.slice(2);
if (!url || !token || !scenario || !p || !shot) {
  console.error('usage: locate.mjs URL TOKEN SCENARIO P SCREENSHOT.png');
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
await page.waitForSelector('body[data-ready="1"]', { timeout: 60000 }).catch(() => fail('the page did not load'));
if (!(await page.isVisible('#plan-section'))) await fail('the pop-up sites panel is not shown to a planner');
await page.selectOption('#plan-scenario', scenario).catch(() => fail(`no scenario ${scenario} in the list`));
await page.fill('#plan-p', String(p));
await page.click('#plan-run');
await page.waitForFunction(() => document.body.dataset.plan, null, { timeout: 600000 }).catch(() => fail('the plan did not finish'));
if ((await page.evaluate(() => document.body.dataset.plan)) !== 'done') {
  await fail('the plan failed: ' + (await page.textContent('#error')));
}
const summary = await page.evaluate(() => window.neuvo.lastPlan);
const drawn = await page.locator('path.neuvo-site-chosen').count();
const kept = await page.locator('path.neuvo-site-kept').count();
const cells = await page.evaluate(() => document.querySelectorAll('#map canvas').length);
if (drawn !== summary.chosen.length) await fail(`${drawn} chosen sites drawn, the summary has ${summary.chosen.length}`);
// The explanation of a chosen site opens on click.
await page.locator('path.neuvo-site-chosen').first().click({ force: true });
const popup = await page.waitForSelector('.leaflet-popup-content', { timeout: 5000 }).catch(() => null);
if (!popup) await fail('no explanation popup on a chosen site');
const popupText = await popup.textContent();
if (!/loss if dropped/.test(popupText)) await fail('the popup lacks the explanation: ' + popupText);
const chosenText = await page.textContent('#plan-chosen');
await page.screenshot({ path: shot });
await browser.close();
if (errors.length) {
  console.error('FAIL: page errors: ' + errors.join('; '));
  process.exit(1);
}
console.log(JSON.stringify({ chosen: summary.chosen, drawn, kept, canvases: cells, chosen_text: chosenText, popup: popupText, screenshot: shot }));
