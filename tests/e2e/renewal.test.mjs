// Issue 6: expiry tracking and renewal in place, in Chromium against the simulator, with
// 40-second credentials (renewal is due a quarter before expiry, at 30 s).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, startSim, addPortal, waitForTab, logInToPortal, hostOf } from './harness.mjs';
import { ACME, PAGE, renewalConfig as config, revokedSessionRenewsAfterOnePage } from './scenarios.mjs';

let sim;
before(async () => { sim = await startSim(config()); });
after(async () => { await sim?.close(); });

async function fresh(cfg = config()) {
  await sim.control('/config', { method: 'PUT', body: cfg });
  await sim.control('/log', { method: 'DELETE' });
  return launch({ sim });
}

const consoleTabs = (browser) => browser.context.pages().filter((p) => !p.isClosed() && hostOf(p).endsWith('console.aws.amazon.com'));

/** Opens `tenant`'s console from the popup and sends it to PAGE; returns the tab and its expiry text. */
async function openOn(browser, region, tenant) {
  const before = new Set(consoleTabs(browser));
  await region.getByRole('button', { name: `Open AWS console as ${tenant}` }).click();
  let tab;
  for (let i = 0; i < 200 && !tab; i++) {
    tab = consoleTabs(browser).find((p) => !before.has(p));
    if (!tab) await region.page().waitForTimeout(50);
  }
  await tab.locator('#identity').filter({ hasText: `duploservices-${tenant}` }).waitFor();
  await tab.goto(PAGE);
  await tab.locator('#location').filter({ hasText: '/s3/buckets/logs' }).waitFor();
  return { tab, expires: await sessionExpiry(tab) };
}

/** The console session's expiry in milliseconds, as the (simulated) console knows it. */
async function sessionExpiry(tab) {
  return tab.evaluate(() => fetch('/_console/session').then((r) => (r.ok ? r.json() : {})).then((j) => j.expires_ms ?? null));
}

/** Waits until `tab` shows `tenant` signed in with an expiry other than `old`, on PAGE. */
async function renewedInPlace(tab, tenant, old, timeout = 45000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const shown = await tab.evaluate(() => ({
      identity: document.querySelector('#identity')?.textContent ?? '',
      location: document.querySelector('#location')?.textContent ?? '',
    })).catch(() => null);
    const expires = shown ? await sessionExpiry(tab).catch(() => null) : null;
    if (shown && shown.identity.includes(`duploservices-${tenant}`) && expires && expires !== old) return shown;
    if (Date.now() > deadline) throw new Error(`${tenant} not renewed: ${JSON.stringify(shown)} at ${tab.url()}`);
    await tab.waitForTimeout(250);
  }
}

test('a background console is renewed in place, on the same page, through a worker restart', { timeout: 120000 }, async () => {
  const browser = await fresh();
  try {
    await addPortal(browser, ACME, 'api-token-alice');
    const popup = await browser.openPopup();
    const region = popup.getByRole('region', { name: ACME });
    const { tab, expires } = await openOn(browser, region, 'dev01');
    await popup.bringToFront();
    const item = region.getByRole('listitem').filter({ has: popup.getByRole('button', { name: 'Open AWS console as dev01' }) });
    await item.getByText('expires in <1 min').waitFor();
    assert.equal(await browser.worker.evaluate(() => chrome.action.getBadgeText({})), '<1');

    // The browser stops the worker; the alarm must wake a new one for the renewal.
    const cdp = await browser.context.newCDPSession(popup);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');

    const shown = await renewedInPlace(tab, 'dev01', expires);
    assert.match(shown.location, /^\/s3\/buckets\/logs\?region=us-west-2/, 'back on the page it showed');
    const jit = (await sim.log()).filter((e) => e.path.includes('GetAwsConsoleTokenUrl'));
    assert.equal(jit.length, 2, 'one renewal request');
  } finally {
    await browser.close();
  }
});

test('the tab in use is renewed when the console shows its expired page', { timeout: 120000 }, async () => {
  const browser = await fresh();
  try {
    await addPortal(browser, ACME, 'api-token-alice');
    const popup = await browser.openPopup();
    const region = popup.getByRole('region', { name: ACME });
    const { tab, expires } = await openOn(browser, region, 'prod');
    await tab.bringToFront();
    // Not yanked at the renewal time (30 s): it is the tab the user looks at.
    await tab.waitForTimeout(32000);
    assert.equal(await sessionExpiry(tab), expires);
    // At expiry the console sends it to the expired page; the extension signs it in again.
    const shown = await renewedInPlace(tab, 'prod', expires, 30000);
    assert.match(shown.location, /^\/s3\/buckets\/logs/);
  } finally {
    await browser.close();
  }
});

// The page opens in the background (issue 15), and no sooner than a minute after the
// sign-in page (the cooldown): the renewals wait for it.
test('an expired portal session opens one authorization tab, then every waiting renewal completes', { timeout: 240000 }, async () => {
  // Chromium has one cookie jar: two identities' consoles at once need the multi-session
  // console (Firefox runs the same scenario in containers, single-session).
  const browser = await fresh(config({ console_mode: 'multi' }));
  let popup;
  const driver = {
    async signInThroughPortal() {
      await logInToPortal(browser, sim);
      await addPortal(browser, ACME);
      popup = await browser.openPopup();
      await popup.getByRole('region', { name: ACME }).getByRole('button', { name: `Sign in to ${ACME}` }).click();
      const auth = await waitForTab(browser, (u) => u.pathname === '/app/user/verify-token');
      await auth.getByRole('button', { name: 'Authorize' }).click();
      await popup.getByRole('region', { name: ACME }).getByText('Signed in as alice@acme.io').waitFor();
    },
    openConsole: (tenant) => openOn(browser, popup.getByRole('region', { name: ACME }), tenant),
    showPopup: () => popup.bringToFront(),
    tabsMatching: (url) => popup.evaluate((url) => chrome.tabs.query({ url }), url),
    authorizationPage: (timeout) => waitForTab(browser, (u) => u.pathname === '/app/user/verify-token', timeout),
    authorize: (page) => page.getByRole('button', { name: 'Authorize' }).click(),
    renewedInPlace: (handle, tenant, timeout) => renewedInPlace(handle.tab, tenant, handle.expires, timeout),
  };
  try {
    await revokedSessionRenewsAfterOnePage({ sim, driver });
  } finally {
    await browser.close();
  }
});

// Issue 15, the hang: a renewal whose request meets a 401 is resumed by the quiet sign-in
// that reads an open portal tab's new token. It once waited on the very request that was
// resuming it, so that identity could not be renewed, opened or copied until the worker
// restarted. Here it completes, in place, with no authorization page.
test('a renewal that meets a 401 resumes with an open portal tab\'s new token, in place, without a page', { timeout: 240000 }, async () => {
  const browser = await fresh(config({ portal: { token_in_local_storage: true } }));
  try {
    await logInToPortal(browser, sim);
    await addPortal(browser, ACME);
    const popup = await browser.openPopup();
    const region = popup.getByRole('region', { name: ACME });
    await region.getByText('Signed in as alice@acme.io').waitFor();
    const dev = await openOn(browser, region, 'dev01');
    await popup.bringToFront();

    // The portal ends the session the extension took from the tab; the person logs in to the
    // portal again (its tabs now hold a new token).
    const [{ token: old }] = (await sim.log()).filter((e) => e.path === '/admin/GetTenantsForUser').slice(-1);
    await sim.control('/revoke', { method: 'POST', body: { token: old } });
    await logInToPortal(browser, sim);
    await sim.control('/log', { method: 'DELETE' });

    await renewedInPlace(dev.tab, 'dev01', dev.expires, 90000);
    const log = await sim.log();
    assert.ok(log.some((e) => e.token === old && e.status === 401), 'the renewal met the 401');
    assert.ok(log.some((e) => e.token && e.token !== old && e.path.includes('/subscriptions/')), 'and was resumed with the new token');
    const pages = log.filter((e) => e.method === 'GET' && e.path === '/app/user/verify-token');
    assert.equal(pages.length, 0, 'no authorization page');
    // The identity is not stuck: it opens again at once.
    await region.getByRole('button', { name: 'Open AWS console as dev01' }).click();
    await dev.tab.waitForTimeout(500);
    assert.ok(!dev.tab.isClosed());
  } finally {
    await browser.close();
  }
});

test('with automatic renewal off: a notification, and "Renew now" renews in place', { timeout: 120000 }, async () => {
  const browser = await fresh();
  try {
    await addPortal(browser, ACME, 'api-token-alice');
    const options = await browser.openOptions();
    await options.getByRole('checkbox', { name: 'Renew AWS console sessions automatically before they expire' }).uncheck();
    await options.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor();
    await options.close();
    const popup = await browser.openPopup();
    const region = popup.getByRole('region', { name: ACME });
    const { tab, expires } = await openOn(browser, region, 'dev01');
    // 40 s of credentials is inside the 5-minute notice: the notification comes at once.
    let notifications = {};
    for (let i = 0; i < 100 && Object.keys(notifications).length === 0; i++) {
      notifications = await browser.worker.evaluate(() => chrome.notifications.getAll());
      if (Object.keys(notifications).length === 0) await popup.waitForTimeout(100);
    }
    assert.deepEqual(Object.keys(notifications).map((id) => id.split('|')[1].split(':')[0]), ['tenant']);

    await popup.bringToFront();
    await region.getByRole('button', { name: 'More for dev01' }).click();
    await region.getByRole('button', { name: 'Renew dev01 now' }).click();
    const shown = await renewedInPlace(tab, 'dev01', expires, 20000);
    assert.match(shown.location, /^\/s3\/buckets\/logs/);
  } finally {
    await browser.close();
  }
});
