// Issue 18, journeys 1 and 2 (in part) in Firefox ESR: signing in through the portal's own
// authorization page, and with an open portal tab's token. Firefox differs from Chromium in how the hand-off lands: the
// declarativeNetRequest rule redirects http://localhost:N/?t=… to a moz-extension:// page
// (with the rule's one-time nonce), and the authorization tab is a plain tab (no tab group).
// The Chromium counterparts are in sessions.test.mjs.
import assert from 'node:assert/strict';
import { firefoxTest, waitForRole, clickRole, waitUntil, addPortal, logInToPortal } from './firefox.mjs';

const ACME = 'acme.duplocloud.net';
const config = {
  portals: [{
    name: 'acme',
    token_in_local_storage: false,
    users: [{ username: 'alice@acme.io', password: 'pw', admin: false, tenants: ['*'], api_tokens: [] }],
    tenants: [{ name: 'dev01' }],
  }],
};

/** The tab (a puppeteer page) that shows the portal's authorization page, once it does. */
async function authorizationTab(firefox, { excluding = [] } = {}) {
  return waitUntil(async () => {
    for (const page of await firefox.browser.pages()) {
      if (excluding.includes(page)) continue;
      if (page.url().startsWith(`https://${ACME}/app/user/verify-token`) && !page.url().includes('cancelled')) return page;
    }
    return null;
  }, { timeout: 20000, interval: 200, message: 'the authorization tab' });
}

async function popupSays(popup, text) {
  await waitUntil(() => popup.evaluate((t) => document.body.innerText.includes(t), text),
    { timeout: 20000, interval: 200, message: `the popup to say "${text}"` });
}

firefoxTest('Firefox: sign-in through the portal\'s authorization page; Cancel ends it and closes its tab; its time limit is armed; a foreign page cannot hand over a token', { timeout: 150000, config }, async ({ sim, firefox }) => {
  await logInToPortal(firefox, sim);
  await addPortal(firefox, ACME);

  const popup = await firefox.openPopup();
  // Cancel first: the attempt ends with a sentence, and its tab is closed.
  await popup.bringToFront();
  await clickRole(popup, 'button', `Sign in to ${ACME}`, { timeout: 20000 });
  let auth = await authorizationTab(firefox);
  await clickRole(auth, 'button', 'Cancel', { timeout: 20000 });
  await popupSays(popup, 'You cancelled the authorization');
  await waitUntil(() => auth.isClosed() || !firefox.browser.pages().then((all) => all.includes(auth)),
    { timeout: 10000, message: 'the cancelled authorization tab to close' });

  // Then a new attempt. While it waits, a foreign page sends the browser to the hand-off
  // address with an attacker's token: only the portal's own redirect in the authorization
  // tab is sent into the extension, so this navigation goes where it asked (nothing
  // listens there) and the attempt goes on.
  const cancelled = auth;
  await popup.bringToFront();
  await clickRole(popup, 'button', `Sign in to ${ACME}`, { timeout: 20000 });
  auth = await authorizationTab(firefox, { excluding: [cancelled] });
  // The attempt's time limit is armed in the event page: an alarm at its deadline, three
  // minutes on, ends it (what it does then is proven natively, with a fake clock:
  // a_sign_in_ends_on_time_out_closed_tab_or_cancel in tests/sessions.rs; waiting three
  // minutes here would prove only Firefox's clock).
  const deadline = await popup.evaluate(async () => (await browser.alarms.get('sign-in-deadline'))?.scheduledTime ?? null);
  assert.ok(deadline !== null, 'no alarm for the attempt\'s deadline');
  const left = deadline - Date.now();
  assert.ok(left > 150000 && left <= 180000, `the deadline is ${left} ms away, not about three minutes`);
  const port = new URL(auth.url()).searchParams.get('localPort');
  assert.ok(port, auth.url());
  const attack = await firefox.browser.newPage();
  const target = `http://localhost:${port}/?t=ATTACKER`;
  await firefox.browser.connection.send('browsingContext.navigate', {
    context: attack.mainFrame()._id, url: `https://foreign.example/navigate?to=${encodeURIComponent(target)}`, wait: 'none',
  });
  // The attack happened: the foreign page was served and sent the browser on.
  await waitUntil(async () => (await sim.log()).some((e) => e.host === 'foreign.example' && e.path === '/navigate'),
    { timeout: 10000, interval: 200, message: 'the foreign page to be served' });
  await waitUntil(() => !attack.url().startsWith('https://foreign.example/'),
    { timeout: 10000, interval: 200, message: 'the foreign page to send the browser on' });
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.ok(!attack.url().startsWith('moz-extension://'), `the foreign navigation was caught: ${attack.url()}`);
  await popupSays(popup, 'Waiting for you to authorize');
  assert.ok((await sim.log()).every((e) => e.token !== 'ATTACKER'), 'the attacker token was never used');
  await attack.close();
  await clickRole(auth, 'button', 'Authorize', { timeout: 20000 });
  await popupSays(popup, 'Signed in as alice@acme.io');
  await waitForRole(popup, 'button', 'Open AWS console as dev01', { timeout: 20000 });
  // Firefox notes that the hand-off page's message was still pending when the worker
  // closed its tab (which it does on purpose once the token is accepted): not a problem.
  const closedWhileAsking = /Actor 'Conduits' destroyed before query 'RuntimeMessage' was resolved/;
  assert.deepEqual((await firefox.problems()).filter((p) => !closedWhileAsking.test(p)), []);
});

const zeroClick = structuredClone(config);
zeroClick.portals[0].token_in_local_storage = true;
firefoxTest('Firefox: zero clicks with an open, logged-in portal tab; a forged hand-off page changes nothing', { timeout: 150000, config: zeroClick }, async ({ sim, firefox }) => {
  await logInToPortal(firefox, sim);
  await addPortal(firefox, ACME);

  // The popup reads the open portal tab's token (its origin checked) and signs in by itself.
  const popup = await firefox.openPopup();
  await popupSays(popup, 'Signed in as alice@acme.io');
  const pages = (await sim.log()).filter((e) => e.path === '/app/user/verify-token');
  assert.equal(pages.length, 0, 'no authorization page');

  // A hand-off page opened directly (no sign-in pending, no nonce) is refused.
  // (Opened as openPage does, without waiting for its address: the page scrubs the token
  // from it at once.)
  const forged = await firefox.browser.newPage();
  await firefox.browser.connection.send('browsingContext.navigate', {
    context: forged.mainFrame()._id, url: firefox.url('handoff.html?port=41000&t=ATTACKER'), wait: 'none',
  });
  assert.equal(await waitUntil(() => forged.evaluate(() => location.pathname.endsWith('/handoff.html') && !location.search)), true,
    'the token is scrubbed from the address');
  await waitUntil(() => forged.evaluate(() => document.querySelector('[role="alert"]')?.textContent ?? ''),
    { timeout: 10000, message: 'the refusal' });
  assert.match(await forged.evaluate(() => document.querySelector('[role="alert"]').textContent), /was not started by JIT Console/);
  assert.ok((await sim.log()).every((e) => e.token !== 'ATTACKER'), 'the forged token was never used');
  assert.deepEqual(await firefox.problems(), []);
});
