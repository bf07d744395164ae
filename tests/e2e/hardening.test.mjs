// Issue 9: hardening, in Chromium against the simulator. Hostile portal answers (script in
// tenant names, 100,000 tenants, malformed, enormous, truncated and wrong-typed answers,
// absurd Validity, a ConsoleUrl pointing anywhere), faults (latency, 5xx, resets, a 401 in
// the middle of a renewal, the portal down for minutes), the worker stopped during
// sign-in, open and renewal, and the secrets a full session leaves in storage.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, startSim, addPortal, waitForTab, logInToPortal, requestsTo, hostOf } from './harness.mjs';

const ACME = 'acme.duplocloud.net';
const ORIGIN = `https://${ACME}`;
const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  'javascript:alert(1)',
  "{{constructor.constructor('alert(1)')()}}",
  '名前 🚀',
];

function config({ portal = {}, ...top } = {}) {
  return {
    ...top,
    portals: [{
      name: 'acme',
      token_in_local_storage: false,
      users: [{ username: 'alice@acme.io', password: 'pw', admin: false, tenants: ['*'], api_tokens: ['api-token-alice'] }],
      tenants: [{ name: 'dev01' }, { name: 'qa' }],
      ...portal,
    }],
  };
}

let sim;
before(async () => { sim = await startSim(config()); });
after(async () => { await sim?.close(); });

async function fresh(cfg = config()) {
  await sim.control('/config', { method: 'PUT', body: cfg });
  await sim.control('/faults', { method: 'DELETE' });
  await sim.control('/log', { method: 'DELETE' });
  return launch({ sim });
}

/** A browser signed in to acme with its API token, the popup open on the tenant list. */
async function ready(cfg, first = 'dev01') {
  const browser = await fresh(cfg);
  await addPortal(browser, ACME, 'api-token-alice');
  const popup = await browser.openPopup();
  const region = popup.getByRole('region', { name: ACME });
  await region.getByRole('button', { name: `Open AWS console as ${first}`, exact: true }).waitFor({ timeout: 60000 });
  return { browser, popup, region };
}

const openButton = (scope, name) => scope.getByRole('button', { name: `Open AWS console as ${name}`, exact: true });
const consoleTabs = (browser) => browser.context.pages().filter((p) => !p.isClosed() && hostOf(p).endsWith('console.aws.amazon.com'));
const jitCalls = async () => (await sim.log()).filter((e) => e.path.includes('GetAwsConsoleTokenUrl'));

test('tenant names with HTML and script render as text, and nothing runs', { timeout: 90000 }, async () => {
  const { browser, popup, region } = await ready(config({ portal: { tenants: [{ name: 'dev01' }, ...HOSTILE.map((name) => ({ name }))] } }));
  try {
    const dialogs = [];
    popup.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
    for (const name of HOSTILE) await openButton(region, name).waitFor();
    // Nothing of the names became markup: the popup holds only what it builds itself.
    assert.equal(await popup.locator('img, svg, iframe, object, embed').count(), 0);
    assert.equal(await popup.locator('script').count(), 1, 'only the page\'s own loader');
    assert.equal(await popup.locator('[onerror], [onload]').count(), 0);
    const texts = await region.getByRole('listitem').allInnerTexts();
    for (const name of HOSTILE) assert.ok(texts.some((t) => t.includes(name)), `${name} shown as text`);

    // Its console: the tab group carries the name as a plain title.
    await openButton(region, HOSTILE[0]).click();
    const tab = await waitForTab(browser, (u) => u.hostname.endsWith('console.aws.amazon.com'), 20000);
    await tab.locator('#identity').waitFor();
    const title = await browser.worker.evaluate(async () => {
      const [t] = await chrome.tabs.query({ url: 'https://*.console.aws.amazon.com/*' });
      return (await chrome.tabGroups.get(t.groupId)).title;
    });
    assert.ok(title.startsWith(`${HOSTILE[0]} · `), title);
    assert.deepEqual(dialogs, []);
    assert.deepEqual(browser.problems, []);
  } finally {
    await browser.close();
  }
});

test('100,000 tenants do not crash the popup, any one is found as you type, and more are cut with a sentence', { timeout: 240000 }, async () => {
  const { browser, popup, region } = await ready(
    config({ portal: { tenants: [{ name: 'dev01' }], generate_tenants: { count: 100000, prefix: 'tenant' } } }),
    'dev01',
  );
  try {
    await openButton(region, 'tenant000001').waitFor();
    // 100,001 entries (dev01 and 100,000 more): the first 100,000 are kept, and it says so.
    await region.getByRole('alert').filter({ hasText: 'lists more tenants than this extension keeps: the first 100000 are shown' }).waitFor();
    const filter = region.getByRole('searchbox', { name: 'Filter tenants' });
    await filter.fill('tenant099999');
    await openButton(region, 'tenant099999').waitFor({ timeout: 30000 });
    await openButton(region, 'tenant000001').waitFor({ state: 'detached' });
    // A second popup opens on the same list (from the worker's cache, not the portal).
    await sim.control('/log', { method: 'DELETE' });
    const second = await browser.openPopup();
    await openButton(second.getByRole('region', { name: ACME }), 'tenant000001').waitFor({ timeout: 60000 });
    // The context menu holds one "this page's tenant" item for all of acme's tenant pages,
    // not 100,000 items (one browser call each, a minute of a busy worker); updating an item
    // that is not there fails.
    const menuHas = (id) => browser.worker.evaluate((id) => chrome.contextMenus.update(id, {}).then(() => true, () => false), id);
    const id = await openButton(region, 'tenant099999').getAttribute('data-id');
    assert.equal(await menuHas(`page-tenant|${ORIGIN}`), true);
    assert.equal(await menuHas(`page|${ORIGIN}|tenant:${id}`), false);
    // On tenant099999's portal page it opens that tenant's console.
    const pageUrl = `${ORIGIN}/app/devops/${id}/services`;
    await browser.worker.evaluate(([pageUrl, item]) => globalThis.jitConsoleSurfaces.menuClicked(
      { menuItemId: item, pageUrl }, { id: 1, url: pageUrl }), [pageUrl, `page-tenant|${ORIGIN}`]);
    const tab = await waitForTab(browser, (u) => u.hostname.endsWith('console.aws.amazon.com'), 30000);
    await tab.locator('#identity').filter({ hasText: 'duploservices-tenant099999' }).waitFor({ timeout: 30000 });
    assert.deepEqual(browser.problems, []);
    await popup.close();
  } finally {
    await browser.close();
  }
});

test('malformed, enormous, truncated and wrong-typed answers each give a sentence', { timeout: 150000 }, async () => {
  const { browser, popup, region } = await ready();
  try {
    const alert = region.getByRole('alert');
    const refresh = () => popup.evaluate((origin) => chrome.runtime.sendMessage({ type: 'refresh', origin }), ORIGIN);
    for (const [fault, sentence] of [
      [{ kind: 'nested' }, /cannot read/],
      [{ kind: 'huge' }, /cannot read/],
      [{ body: '{"TenantId":"x","AccountName":"not a list"}' }, /cannot read/],
      // Nothing usable in it: unreadable, and the list shown stays.
      [{ body: '[{"TenantId": 7, "AccountName": ["x"]}, 42, null]' }, /cannot read/],
      // One entry with a lone UTF-16 surrogate in its name: skipped and counted, the rest shown.
      [{ body: '[{"TenantId": "00000000-0000-4000-8000-000000000001", "AccountName": "dev01"}, {"TenantId": "00000000-0000-4000-8000-000000000002", "AccountName": "bad\\ud800"}]' }, /tenant list that could not be read: 1\./],
      [{ kind: 'truncated' }, /Cannot reach acme\.duplocloud\.net|cannot read/],
      [{ kind: 'non_utf8' }, /cannot read/],
    ]) {
      await sim.control('/faults', { method: 'DELETE' });
      await sim.control('/faults', { method: 'POST', body: [{ path_prefix: '/admin/GetTenantsForUser', ...fault }] });
      await refresh();
      if (sentence) {
        await alert.filter({ hasText: sentence }).waitFor({ timeout: 15000 })
          .catch(async (e) => { throw new Error(`${JSON.stringify(fault)}: ${await region.innerText()}\n${e.message}`); });
        await openButton(region, 'dev01').waitFor();
      } else {
        // Entries of the wrong shape are dropped: an empty list, no error.
        await region.getByText('This portal has no tenants for your user.').waitFor();
        await sim.control('/faults', { method: 'DELETE' });
        await refresh();
        await openButton(region, 'dev01').waitFor();
      }
    }
    await sim.control('/faults', { method: 'DELETE' });
    await refresh();
    await alert.waitFor({ state: 'detached' });
    assert.deepEqual(browser.problems, []);
  } finally {
    await browser.close();
  }
});

test('hostile credentials: negative Validity is refused, absurd Validity is capped, a ConsoleUrl anywhere is ignored', { timeout: 150000 }, async () => {
  // Negative: a sentence, no tab.
  let { browser, popup, region } = await ready(config({ portal: { jit_overrides: { Validity: -5 } } }));
  try {
    await openButton(region, 'dev01').click();
    await popup.getByRole('alert').filter({ hasText: 'sent AWS credentials the extension cannot use' }).waitFor();
    assert.equal(consoleTabs(browser).length, 0);
  } finally {
    await browser.close();
  }
  // Absurd: believed for at most 12 hours. ConsoleUrl to javascript: never navigated to.
  ({ browser, popup, region } = await ready(config({ portal: { jit_overrides: { Validity: 1e15, ConsoleUrl: 'javascript:alert(document.cookie)' } } })));
  try {
    const navigations = [];
    browser.context.on('request', (r) => { if (r.isNavigationRequest()) navigations.push(r.url()); });
    await openButton(region, 'dev01').click();
    const tab = await waitForTab(browser, (u) => u.hostname.endsWith('console.aws.amazon.com'), 20000);
    await tab.locator('#identity').filter({ hasText: 'duploservices-dev01' }).waitFor();
    const item = region.getByRole('listitem').filter({ has: openButton(popup, 'dev01') });
    await item.getByText(/^expires in 7(19|20) min$/).waitFor();
    assert.ok(navigations.every((u) => u.startsWith('https://')), navigations.join('\n'));
    const signin = (await sim.log()).filter((e) => e.host === 'signin.aws.amazon.com' && e.query.includes('getSigninToken'));
    assert.equal(signin.length, 1, 'signed in with its own getSigninToken');
    assert.deepEqual(browser.problems, []);
  } finally {
    await browser.close();
  }
});

test('a portal answer that redirects elsewhere is not followed: the token and credentials stay', { timeout: 90000 }, async () => {
  const { browser, popup, region } = await ready();
  try {
    await sim.control('/log', { method: 'DELETE' });
    const away = { status: 302, location: 'https://foreign.example/steal' };
    await sim.control('/faults', { method: 'POST', body: [{ path_prefix: '/admin/GetTenantsForUser', ...away }, { path_prefix: '/subscriptions/', ...away }] });
    await popup.evaluate((origin) => chrome.runtime.sendMessage({ type: 'refresh', origin }), ORIGIN);
    await region.getByRole('alert').filter({ hasText: 'Cannot reach acme.duplocloud.net' }).waitFor();
    await openButton(region, 'dev01').click();
    // The click's own answer shows in the popup's alert (the region keeps its own).
    await popup.locator('#popup-alert').filter({ hasText: 'Cannot reach acme.duplocloud.net' }).waitFor();
    assert.equal(consoleTabs(browser).length, 0);
    const hosts = new Set((await sim.log()).map((e) => e.host));
    assert.deepEqual([...hosts], [ACME], 'nothing went to the redirect target');
  } finally {
    await browser.close();
  }
});

// ---- faults ------------------------------------------------------------------------------

const VALIDITY = 40; // seconds: renewal is due a quarter before expiry, at 30 s
const PAGE = 'https://us-west-2.console.aws.amazon.com/s3/buckets/logs?region=us-west-2';
const shortLived = (portal = {}) => config({ portal: { tenants: [{ name: 'dev01', validity: VALIDITY }, { name: 'qa', validity: VALIDITY }], ...portal } });

/** Opens `tenant`'s console from the popup and sends it to PAGE; returns the tab and its session expiry. */
async function openOn(browser, region, tenant) {
  const known = new Set(consoleTabs(browser));
  await openButton(region, tenant).click();
  let tab;
  for (let i = 0; i < 300 && !tab; i++) {
    tab = consoleTabs(browser).find((p) => !known.has(p));
    if (!tab) await region.page().waitForTimeout(50);
  }
  assert.ok(tab, `no console tab for ${tenant}`);
  await tab.locator('#identity').filter({ hasText: `duploservices-${tenant}` }).waitFor();
  await tab.goto(PAGE);
  await tab.locator('#location').filter({ hasText: '/s3/buckets/logs' }).waitFor();
  return { tab, expires: await sessionExpiry(tab) };
}

async function sessionExpiry(tab) {
  return tab.evaluate(() => fetch('/_console/session').then((r) => (r.ok ? r.json() : {})).then((j) => j.expires_ms ?? null));
}

/** Waits until `tab` shows `tenant` signed in with an expiry other than `old`, back on PAGE. */
async function renewedInPlace(tab, tenant, old, timeout) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const shown = await tab.evaluate(() => ({
      identity: document.querySelector('#identity')?.textContent ?? '',
      location: document.querySelector('#location')?.textContent ?? '',
    })).catch(() => null);
    const expires = shown ? await sessionExpiry(tab).catch(() => null) : null;
    if (shown && shown.identity.includes(`duploservices-${tenant}`) && expires && expires !== old) {
      assert.match(shown.location, /^\/s3\/buckets\/logs/, 'back on the page it showed');
      return;
    }
    if (Date.now() > deadline) throw new Error(`${tenant} not renewed: ${JSON.stringify(shown)} at ${tab.url()}`);
    await tab.waitForTimeout(250);
  }
}

/** Stops the extension's service worker, as the browser does when it is idle. */
async function stopWorker(browser, page) {
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await cdp.detach();
}

const waitUntil = async (what, test, timeout) => {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await test();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
};

test('the portal down during a renewal: a few requests with backoff, no new tab, a sentence, then renewed in place', { timeout: 240000 }, async () => {
  const { browser, popup, region } = await ready(shortLived());
  try {
    const { tab, expires } = await openOn(browser, region, 'dev01');
    await popup.bringToFront();
    const pages = browser.context.pages().length;
    await sim.control('/log', { method: 'DELETE' });
    // Down: 503 for the first two attempts...
    await sim.control('/faults', { method: 'POST', body: [{ path_prefix: '/subscriptions/', status: 503 }] });
    const failed = async () => (await jitCalls()).filter((e) => e.status !== 200);
    await waitUntil('two failed renewals', async () => (await failed()).length >= 2, 70000);
    await popup.getByRole('alert').filter({ hasText: 'answered with an error (HTTP 503)' }).waitFor();
    // ...then connections reset...
    await sim.control('/faults', { method: 'DELETE' });
    await sim.control('/faults', { method: 'POST', body: [{ path_prefix: '/subscriptions/', kind: 'drop' }] });
    await waitUntil('a reset renewal', async () => (await failed()).some((e) => e.status === 0), 70000);
    // ...then back.
    await sim.control('/faults', { method: 'DELETE' });
    await renewedInPlace(tab, 'dev01', expires, 90000);

    const calls = await jitCalls();
    const attempts = calls.filter((e, i) => i === 0 || e.time_ms - calls[i - 1].time_ms > 2000);
    assert.ok(attempts.length >= 4 && attempts.length <= 5, `attempts: ${JSON.stringify(calls.map((e) => [e.time_ms, e.status]))}`);
    const gaps = attempts.slice(1).map((e, i) => e.time_ms - attempts[i].time_ms);
    assert.ok(gaps[0] >= 9500 && gaps[1] >= 19000, `backoff: ${gaps}`);
    assert.ok(calls.length <= 7, `${calls.length} requests: no storm`);
    assert.equal(browser.context.pages().length, pages, 'no new tab');
    await popup.getByRole('alert').filter({ hasText: 'HTTP 503' }).waitFor({ state: 'detached', timeout: 10000 });
  } finally {
    await browser.close();
  }
});

// The renewal's authorization page opens in the background (issue 15) and, since the
// sign-in page opened less than a minute before, only once the one-minute cooldown is over:
// the renewal's retries wait for it.
test('a 401 in the middle of a renewal opens one authorization tab, then the renewal completes', { timeout: 240000 }, async () => {
  const browser = await fresh(shortLived());
  try {
    await logInToPortal(browser, sim);
    await addPortal(browser, ACME);
    const popup = await browser.openPopup();
    const region = popup.getByRole('region', { name: ACME });
    await region.getByRole('button', { name: `Sign in to ${ACME}` }).click();
    let auth = await waitForTab(browser, (u) => u.pathname === '/app/user/verify-token');
    await auth.getByRole('button', { name: 'Authorize' }).click();
    await region.getByText('Signed in as alice@acme.io').waitFor();
    const { tab, expires } = await openOn(browser, region, 'dev01');
    await popup.bringToFront();
    await sim.control('/log', { method: 'DELETE' });
    await sim.control('/faults', { method: 'POST', body: [{ path_prefix: '/subscriptions/', status: 401, times: 1 }] });
    auth = await waitForTab(browser, (u) => u.pathname === '/app/user/verify-token', 150000);
    const [opened] = await browser.worker.evaluate(() => chrome.tabs.query({ url: 'https://acme.duplocloud.net/app/user/verify-token*' }));
    assert.equal(opened.active, false, 'opened behind the tab in use, not in front');
    await auth.getByRole('button', { name: 'Authorize' }).click();
    await renewedInPlace(tab, 'dev01', expires, 45000);
    const pages = (await requestsTo(sim, ACME, '/app/user/verify-token')).filter((e) => e.method === 'GET' && !e.query.includes('success'));
    assert.equal(pages.length, 1, 'one authorization page');
  } finally {
    await browser.close();
  }
});

test('the worker stopped during sign-in, open and renewal: each resumes or fails cleanly', { timeout: 180000 }, async () => {
  const browser = await fresh(shortLived());
  try {
    await logInToPortal(browser, sim);
    await addPortal(browser, ACME);
    let popup = await browser.openPopup();
    let region = popup.getByRole('region', { name: ACME });

    // Sign-in: stopped while the authorization page waits; Authorize wakes a new worker.
    await region.getByRole('button', { name: `Sign in to ${ACME}` }).click();
    const auth = await waitForTab(browser, (u) => u.pathname === '/app/user/verify-token');
    await stopWorker(browser, popup);
    await auth.getByRole('button', { name: 'Authorize' }).click();
    await region.getByText('Signed in as alice@acme.io').waitFor({ timeout: 30000 });

    // Open: stopped while the portal is slow to answer. The request dies with the worker:
    // the click fails with a sentence and opens nothing; one more click opens exactly one
    // console tab.
    await sim.control('/faults', { method: 'POST', body: [{ path_prefix: '/subscriptions/', latency_ms: 4000, times: 1 }] });
    await openButton(region, 'dev01').click();
    await popup.waitForTimeout(1500);
    await stopWorker(browser, popup);
    await popup.getByRole('alert').filter({ hasText: /did not answer/ }).waitFor({ timeout: 20000 });
    // Past the slow answer's time: still nothing opened.
    await popup.waitForTimeout(3000);
    assert.equal(consoleTabs(browser).length, 0, 'the stopped click opened no console');
    popup = await browser.openPopup();
    region = popup.getByRole('region', { name: ACME });
    const { tab, expires } = await openOn(browser, region, 'dev01');
    assert.equal(consoleTabs(browser).length, 1, 'exactly one console tab');

    // Renewal: stopped while its request is out; a new worker finishes it.
    await popup.bringToFront();
    await sim.control('/log', { method: 'DELETE' });
    await sim.control('/faults', { method: 'POST', body: [{ path_prefix: '/subscriptions/', latency_ms: 5000, times: 1 }] });
    // The renewal is due 10 s before expiry; its request then takes 5 s: stop in between, as
    // soon as the simulator has logged the request (it logs a request when it arrives; its
    // answer comes 5 s later).
    await popup.waitForTimeout(Math.max(0, expires - 10000 - Date.now()));
    await waitUntil('the renewal request to reach the portal', async () => (await jitCalls()).length > 0, 30000);
    await stopWorker(browser, popup);
    const [renewal] = await jitCalls();
    assert.ok(Date.now() < renewal.time_ms + 5000, 'stopped while the renewal request was out');
    await renewedInPlace(tab, 'dev01', expires, 90000);
    assert.equal(consoleTabs(browser).length, 1, 'still one console tab');
    assert.deepEqual(browser.problems.filter((p) => !p.includes('did not answer')), []);
  } finally {
    await browser.close();
  }
});

// ---- secrets -----------------------------------------------------------------------------

test('after a full session no secret is in storage.local or .sync, and signing out clears .session', { timeout: 150000 }, async () => {
  const browser = await fresh(config({ portal: { tenants: [{ name: 'dev01' }, { name: 'qa' }] } }));
  try {
    // Sign in through the portal's authorization page.
    await logInToPortal(browser, sim);
    await addPortal(browser, ACME);
    const popup = await browser.openPopup();
    const region = popup.getByRole('region', { name: ACME });
    await region.getByRole('button', { name: `Sign in to ${ACME}` }).click();
    const auth = await waitForTab(browser, (u) => u.pathname === '/app/user/verify-token');
    await auth.getByRole('button', { name: 'Authorize' }).click();
    await region.getByText('Signed in as alice@acme.io').waitFor();

    // Two consoles.
    for (const tenant of ['dev01', 'qa']) {
      const known = new Set(consoleTabs(browser));
      await openButton(region, tenant).click();
      const tab = await waitUntil(`${tenant}'s console`, async () => consoleTabs(browser).find((p) => !known.has(p)), 20000);
      await tab.locator('#identity').filter({ hasText: `duploservices-${tenant}` }).waitFor();
      await popup.bringToFront();
    }
    // Copy (a console link mints a sign-in token) and renew, through the pages' channel.
    const ask = (message) => popup.evaluate((m) => chrome.runtime.sendMessage(m), message);
    const state = await ask({ type: 'getState' });
    const dev01 = state.portals[0].tenants.find((t) => t.name === 'dev01');
    const key = { origin: ORIGIN, role: { kind: 'tenant', id: dev01.id, name: 'dev01' } };
    for (const format of ['bash', 'consoleLink']) {
      const copied = await ask({ type: 'copyCredentials', key, format, otp: null });
      assert.equal(copied.type, 'copied', JSON.stringify(copied).slice(0, 200));
    }
    const kubeconfig = await ask({ type: 'copyKubernetes', key, format: 'kubeconfig' });
    assert.equal(kubeconfig.type, 'copied', JSON.stringify(kubeconfig).slice(0, 200));
    // (In a single-session console only the identity holding it, the last opened, renews.)
    const qa = state.portals[0].tenants.find((t) => t.name === 'qa');
    const before = (await jitCalls()).length;
    await ask({ type: 'renewNow', key: { origin: ORIGIN, role: { kind: 'tenant', id: qa.id, name: 'qa' } } });
    assert.equal((await jitCalls()).length, before + 1, 'renewed');

    const dump = () => popup.evaluate(async () => ({
      local: JSON.stringify(await chrome.storage.local.get(null)),
      session: JSON.stringify(await chrome.storage.session.get(null)),
      sync: JSON.stringify(await chrome.storage.sync.get(null)),
    }));
    const secrets = await sim.control('/secrets');
    const all = Object.entries(secrets).flatMap(([kind, list]) => list.map((value) => [kind, value]));
    const held = (area) => all.filter(([, value]) => area.includes(value));
    assert.ok(secrets.portal_tokens.length >= 2 && secrets.session_tokens.length >= 3 && secrets.signin_tokens.length >= 1, JSON.stringify(Object.keys(secrets)));
    let storage = await dump();
    assert.deepEqual(held(storage.local), [], 'storage.local');
    assert.deepEqual(held(storage.sync), [], 'storage.sync');
    // (The check can fail: the live session and credentials are in memory-only storage.)
    const inMemory = held(storage.session).map(([kind]) => kind);
    assert.ok(inMemory.includes('portal_tokens') && inMemory.includes('session_tokens'), inMemory.join());
    assert.ok(secrets.k8s_tokens.length === 1 && !inMemory.includes('k8s_tokens'), 'the cluster token is held by the worker alone');

    // Signing out clears them from session storage too.
    await region.getByRole('button', { name: `Sign out of ${ACME}` }).click();
    await region.getByRole('button', { name: `Sign in to ${ACME}` }).waitFor();
    storage = await dump();
    assert.deepEqual(held(storage.session), [], 'storage.session after signing out');
    assert.deepEqual(held(storage.local), [], 'storage.local after signing out');
  } finally {
    await browser.close();
  }
});
