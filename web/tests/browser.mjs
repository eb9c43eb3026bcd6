// Browser test: logs in, requests a route by clicking two points and checks it is drawn, draws isochrones, and
// saves a screenshot. Run by the Rust test `e2e::browser` against a server it starts:
//   node web/tests/browser.mjs URL TOKEN SCREENSHOT.png
// Chromium is Debian's (/usr/bin/chromium, or $CHROMIUM); playwright-core never downloads a browser.
import { launch } from './chromium.mjs';

const [url, token, shot] = process.argv.slice(2);
if (!url || !token || !shot) {
  console.error('usage: browser.mjs URL TOKEN SCREENSHOT.png');
  process.exit(2);
}

const browser = await launch();
const fail = async (page, msg) => {
  await page.screenshot({ path: shot }).catch(() => {});
  console.error('FAIL: ' + msg);
  await browser.close();
  process.exit(1);
};
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const errors = [];
page.on('pageerror', (e) => errors.push(e.message));
await page.goto(url);

// A wrong token is refused on the page.
await page.fill('#token', 'nvo_0000_wrong');
await page.click('#login-button');
await page.waitForFunction(() => document.querySelector('#login-error').textContent.length > 0);

await page.fill('#token', token);
await page.click('#login-button');
await page.waitForSelector('body[data-ready="1"]', { timeout: 30000 });
if (!(await page.isVisible('#map'))) await fail(page, 'the map is not visible after login');
const streets = await page.evaluate(() => document.querySelectorAll('#map canvas').length);
if (streets < 1) await fail(page, 'the street network is not drawn');

// Two clicks inside the data extent: a third and two thirds across the middle of the view.
const box = await page.locator('#map').boundingBox();
const p1 = { x: box.x + box.width * 0.35, y: box.y + box.height * 0.45 };
const p2 = { x: box.x + box.width * 0.65, y: box.y + box.height * 0.55 };
await page.mouse.click(p1.x, p1.y);
await page.mouse.click(p2.x, p2.y);
try {
  await page.waitForFunction(() => /km, .*min/.test(document.querySelector('#route-summary').textContent), null, {
    timeout: 15000,
  });
} catch {
  await fail(page, 'no route summary; error shown: ' + (await page.textContent('#error')));
}
const drawn = await page.locator('path.neuvo-route').count();
if (drawn < 1) await fail(page, 'the route is not drawn');
const summary = await page.textContent('#route-summary');

// Isochrones from a third click.
await page.click('#tool-iso');
await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.5);
try {
  await page.waitForFunction(() => document.querySelectorAll('path.neuvo-isochrone').length >= 1, null, { timeout: 20000 });
} catch {
  await fail(page, 'no isochrone drawn; error shown: ' + (await page.textContent('#error')));
}
const isoSummary = await page.textContent('#iso-summary');

await page.screenshot({ path: shot });
await browser.close();
if (errors.length) {
  console.error('FAIL: page errors: ' + errors.join('; '));
  process.exit(1);
}
console.log(JSON.stringify({ route: summary, isochrones: isoSummary, screenshot: shot }));
