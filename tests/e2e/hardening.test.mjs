// Issue 9: hardening, in Chromium against the simulator. Hostile portal answers (script in
// tenant names, 100,000 tenants, malformed, enormous, truncated and wrong-typed answers,
// absurd Validity, a ConsoleUrl pointing anywhere), faults (latency, 5xx, resets, a 401 in
// the middle of a renewal, the portal down for minutes), the worker stopped during
// sign-in, open and renewal, and the secrets a full session leaves in storage.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, startSim, addPortal, waitForTab } from './harness.mjs';

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
const consoleTabs = (browser) => browser.context.pages().filter((p) => !p.isClosed() && new URL(p.url()).hostname.endsWith('console.aws.amazon.com'));
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

test('100,000 tenants do not crash the popup, and any one is found as you type', { timeout: 240000 }, async () => {
  const { browser, popup, region } = await ready(
    config({ portal: { tenants: [{ name: 'dev01' }], generate_tenants: { count: 100000, prefix: 'tenant' } } }),
    'dev01',
  );
  try {
    await openButton(region, 'tenant000001').waitFor();
    assert.equal(await region.getByRole('alert').count(), 0, await region.getByRole('alert').allInnerTexts().then(String));
    const filter = region.getByRole('searchbox', { name: 'Filter tenants' });
    await filter.fill('tenant099999');
    await openButton(region, 'tenant099999').waitFor({ timeout: 30000 });
    await openButton(region, 'tenant000001').waitFor({ state: 'detached' });
    // A second popup opens on the same list (from the worker's cache, not the portal).
    await sim.control('/log', { method: 'DELETE' });
    const second = await browser.openPopup();
    await openButton(second.getByRole('region', { name: ACME }), 'tenant000001').waitFor({ timeout: 60000 });
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
      [{ body: '[{"TenantId": 7, "AccountName": ["x"]}, 42, null]' }, null],
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
