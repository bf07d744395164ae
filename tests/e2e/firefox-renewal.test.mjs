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
import {
  firefoxTest, clickRole, waitUntil, allTabs, addPortal, logInToPortal, consoleShown as shown, openConsoleOn, renewedInPlace,
} from './firefox.mjs';
import { ACME, PAGE, renewalConfig, revokedSessionRenewsAfterOnePage } from './scenarios.mjs';

const config = renewalConfig();

firefoxTest('Firefox: a background console renewed in place, the tab in use signed in again from the expired page', { timeout: 180000, config }, async ({ sim, firefox }) => {
  await addPortal(firefox, ACME, 'api-token-alice');
  const popup = await firefox.openPopup();
  const dev = await openConsoleOn(firefox, popup, 'dev01', PAGE);
  const prod = await openConsoleOn(firefox, popup, 'prod', PAGE);
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

/** The tab (a puppeteer page) showing the portal's authorization page, once one does. */
function authorizationTab(firefox, timeout) {
  return waitUntil(async () => {
    for (const page of await firefox.browser.pages()) {
      if (page.url().startsWith(`https://${ACME}/app/user/verify-token`) && !page.url().includes('cancelled')) return page;
    }
    return null;
  }, { timeout, interval: 250, message: 'the authorization tab' });
}

// The same scenario as Chromium's (scenarios.mjs), in Firefox's single-session console:
// each identity in its own container, where Chromium needs AWS's multi-session console.
firefoxTest('Firefox: an expired portal session opens one authorization tab, then every waiting renewal completes', { timeout: 240000, config }, async ({ sim, firefox }) => {
  let popup;
  const driver = {
    async signInThroughPortal() {
      await logInToPortal(firefox, sim);
      await addPortal(firefox, ACME);
      popup = await firefox.openPopup();
      await clickRole(popup, 'button', `Sign in to ${ACME}`, { timeout: 20000 });
      const auth = await authorizationTab(firefox, 20000);
      await clickRole(auth, 'button', 'Authorize', { timeout: 20000 });
      await waitUntil(() => popup.evaluate(() => document.body.innerText.includes('Signed in as alice@acme.io')),
        { timeout: 20000, interval: 200, message: 'the popup signed in' });
    },
    openConsole: (tenant) => openConsoleOn(firefox, popup, tenant, PAGE),
    showPopup: () => popup.bringToFront(),
    tabsMatching: (url) => popup.evaluate((url) => browser.tabs.query({ url }), url),
    authorizationPage: (timeout) => authorizationTab(firefox, timeout),
    authorize: async (page) => clickRole(page, 'button', 'Authorize', { timeout: 20000 }),
    renewedInPlace: (handle, tenant, timeout) => renewedInPlace(firefox, handle, tenant, timeout),
  };
  await revokedSessionRenewsAfterOnePage({ sim, driver });
  // The hand-off page's message may still be pending when the extension closes its tab.
  const closedWhileAsking = /Actor 'Conduits' destroyed before query 'RuntimeMessage' was resolved/;
  assert.deepEqual((await firefox.problems()).filter((p) => !closedWhileAsking.test(p)), []);
});
