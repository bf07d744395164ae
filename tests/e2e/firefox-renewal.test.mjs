// Issue 18, journey 6 in Firefox ESR: the time left shown, a background console renewed in
// place, and the console tab in use signed in again from the console's expired page — each
// in its own container. Credentials last 40 s (renewal is due a quarter before expiry).
// The Chromium counterparts are in renewal.test.mjs.
//
// How Firefox differs: each identity's console session lives in its container, so a
// renewal in place signs that container out first (a single-session console refuses a
// federation login over a live session), where Chromium's one cookie jar holds one
// identity's console at a time. Console tabs are driven over WebDriver BiDi (puppeteer
// does not track tabs of containers made after launch).
import assert from 'node:assert/strict';
import { firefoxTest, waitForRole, waitUntil, allTabs, evaluateInTab, addPortal } from './firefox.mjs';

const ACME = 'acme.duplocloud.net';
const VALIDITY = 40;
const PAGE = 'https://us-west-2.console.aws.amazon.com/s3/buckets/logs?region=us-west-2';
const config = {
  portals: [{
    name: 'acme',
    users: [{ username: 'alice@acme.io', password: 'pw', admin: false, tenants: ['*'], api_tokens: ['api-token-alice'] }],
    tenants: [{ name: 'dev01', validity: VALIDITY }, { name: 'prod', validity: VALIDITY }],
  }],
};

/** What a console tab shows: its identity, location and the session's expiry (ms). */
function shown(firefox, context) {
  return evaluateInTab(firefox, context, `(async () => ({
    identity: document.querySelector('#identity')?.textContent ?? '',
    location: document.querySelector('#location')?.textContent ?? '',
    expires: await fetch('/_console/session').then((r) => (r.ok ? r.json() : {})).then((j) => j.expires_ms ?? null),
  }))()`).catch(() => null);
}

/** Opens `tenant`'s console from the popup and sends it to PAGE: { context, userContext, expires }. */
async function openOn(firefox, popup, tenant) {
  const before = new Set((await allTabs(firefox)).map((t) => t.context));
  await popup.bringToFront();
  await (await waitForRole(popup, 'button', `Open AWS console as ${tenant}`, { timeout: 20000 })).click();
  const tab = await waitUntil(async () => {
    for (const t of await allTabs(firefox)) {
      if (before.has(t.context)) continue;
      if ((await shown(firefox, t.context))?.identity.includes(`duploservices-${tenant}/`)) return t;
    }
    return null;
  }, { timeout: 30000, interval: 200, message: `${tenant}'s console` });
  await firefox.browser.connection.send('browsingContext.navigate', { context: tab.context, url: PAGE, wait: 'complete' });
  const now = await waitUntil(async () => {
    const s = await shown(firefox, tab.context);
    return s?.location.startsWith('/s3/buckets/logs') && s.expires && s;
  }, { timeout: 20000, message: `${tenant} on ${PAGE}` });
  return { ...tab, expires: now.expires };
}

/** Waits until the tab shows `tenant` signed in again (a new expiry), on PAGE. */
function renewedInPlace(firefox, tab, tenant, timeout) {
  return waitUntil(async () => {
    const s = await shown(firefox, tab.context);
    return s && s.identity.includes(`duploservices-${tenant}/`) && s.expires && s.expires !== tab.expires && s;
  }, { timeout, interval: 250, message: `${tenant} renewed in place` });
}

firefoxTest('Firefox: a background console renewed in place, the tab in use signed in again from the expired page', { timeout: 180000, config }, async ({ sim, firefox }) => {
  await addPortal(firefox, ACME, 'api-token-alice');
  const popup = await firefox.openPopup();
  const dev = await openOn(firefox, popup, 'dev01');
  const prod = await openOn(firefox, popup, 'prod');
  assert.notEqual(dev.userContext, prod.userContext);
  // prod is the tab in use; dev01 sits in the background.
  await firefox.browser.connection.send('browsingContext.activate', { context: prod.context });

  // The time left, in the popup (under a minute from the start).
  await waitUntil(() => popup.evaluate(() => document.body.innerText.includes('expires in <1 min')),
    { timeout: 10000, message: '"expires in <1 min" in the popup' });

  // dev01 is renewed in place at 30 s, on the page it showed, in its container.
  const renewed = await renewedInPlace(firefox, dev, 'dev01', 45000);
  assert.match(renewed.location, /^\/s3\/buckets\/logs\?region=us-west-2/, 'back on the page it showed');
  assert.equal((await allTabs(firefox)).find((t) => t.context === dev.context).userContext, dev.userContext);
  // prod, in use, was not yanked at its renewal time: still its first session.
  assert.equal((await shown(firefox, prod.context)).expires, prod.expires);
  // At expiry the console sends it to the expired page; the extension signs it in again.
  const again = await renewedInPlace(firefox, prod, 'prod', 40000);
  assert.match(again.location, /^\/s3\/buckets\/logs/);
  const jit = (await sim.log()).filter((e) => e.path.includes('GetAwsConsoleTokenUrl'));
  assert.equal(jit.length, 4, 'two first sign-ins and one renewal each');
  assert.deepEqual(await firefox.problems(), []);
});
