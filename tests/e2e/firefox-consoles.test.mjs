// Issue 5 in Firefox: each console identity in its own container, so two tenants of a
// single-session AWS account are signed in at once, without signing either out.
// The Chromium counterpart is consoles.test.mjs.
import assert from 'node:assert/strict';
import {
  firefoxTest, waitForRole, clickRole, fillField, waitUntil, allTabs, evaluateInTab, reloadTab, addPortal,
} from './firefox.mjs';

const ACME = 'acme.duplocloud.net';
const ACCOUNT = '123456789012';
const DEV01 = `duploservices-dev01/alice@acme.io @ ${ACCOUNT}`;
const PROD = `duploservices-prod/alice@acme.io @ ${ACCOUNT}`;

const config = {
  portals: [{
    name: 'acme',
    account_id: ACCOUNT,
    // console_mode is left to its default, single: without containers the second
    // sign-in would be refused (or would need a sign-out first).
    users: [{ username: 'alice@acme.io', password: 'pw', admin: true, tenants: ['*'], api_tokens: ['api-token-alice'] }],
    tenants: [{ name: 'dev01' }, { name: 'prod' }],
  }],
};

const isConsole = (url) => {
  try {
    return new URL(url).hostname.endsWith('console.aws.amazon.com');
  } catch {
    return false;
  }
};

/** The console tabs, each with what its page shows: { context, userContext, url, identity }. */
async function consoleTabs(firefox) {
  const tabs = (await allTabs(firefox)).filter((tab) => isConsole(tab.url));
  return Promise.all(tabs.map(async (tab) => ({
    ...tab,
    identity: await evaluateInTab(firefox, tab.context, "document.querySelector('#identity')?.textContent ?? null")
      .catch(() => null),
  })));
}

/** Clicks a popup button like a user: the popup (a tab here) comes to the front first. */
async function clickInPopup(popup, name) {
  await clickRole(popup, 'button', name, { timeout: 20000, front: true });
}

firefoxTest('Firefox: two tenants signed in at once in two containers', { timeout: 120000, config }, async ({ sim, firefox }) => {
  // Containers: the extension's contextualIdentities permission turns them on, as for a
  // user who installs it (no pref is set by the test).
  assert.equal(await firefox.chrome("JSON.stringify(Services.prefs.getBoolPref('privacy.userContext.enabled'))"), true,
    'containers are enabled');

  const options = await addPortal(firefox, ACME, 'api-token-alice');

  const popup = await firefox.openPopup();
  // The popup signs in with the API token by itself and lists the tenants.
  await clickInPopup(popup, 'Open AWS console as dev01');
  await waitUntil(async () => (await consoleTabs(firefox)).some((tab) => tab.identity?.includes(DEV01)),
    { timeout: 30000, interval: 200, message: 'the dev01 console' });
  await clickInPopup(popup, 'Open AWS console as prod');

  // 1. Two console tabs, one per tenant, both signed in at once.
  const tabs = await waitUntil(async () => {
    const found = await consoleTabs(firefox);
    return found.length === 2 && found.some((tab) => tab.identity?.includes(DEV01))
      && found.some((tab) => tab.identity?.includes(PROD)) && found;
  }, { timeout: 30000, interval: 200, message: 'two console tabs, dev01 and prod' });
  const dev = tabs.find((tab) => tab.identity.includes(DEV01));
  const prod = tabs.find((tab) => tab.identity.includes(PROD));
  // The prod sign-in did not replace the dev01 session: a fresh load still shows dev01.
  await evaluateInTab(firefox, dev.context, 'window.beforeReload = true');
  await reloadTab(firefox, dev.context);
  await waitUntil(() => evaluateInTab(firefox, dev.context, `window.beforeReload !== true
    && document.readyState === 'complete'
    && document.querySelector('#identity')?.textContent.includes(${JSON.stringify(DEV01)})`),
  { timeout: 20000, interval: 200, message: 'the reloaded dev01 console to show dev01' });
  assert.ok(isConsole((await allTabs(firefox)).find((tab) => tab.context === dev.context).url));
  assert.ok((await evaluateInTab(firefox, prod.context, "document.querySelector('#identity').textContent")).includes(PROD));
  assert.notEqual(dev.userContext, prod.userContext, 'two user contexts');
  assert.ok(dev.userContext !== 'default' && prod.userContext !== 'default', 'neither in the default user context');

  // 2. In two containers named after portal and tenant, as the extension sees them.
  const seen = await options.evaluate(async () => {
    const containers = await browser.contextualIdentities.query({});
    const consoles = await browser.tabs.query({ url: 'https://*.console.aws.amazon.com/*' });
    return Promise.all(consoles.map(async (tab) => {
      const [{ result: identity }] = await browser.scripting.executeScript({
        target: { tabId: tab.id }, func: () => document.querySelector('#identity')?.textContent,
      });
      const container = containers.find((c) => c.cookieStoreId === tab.cookieStoreId);
      return { tabId: tab.id, identity, cookieStoreId: tab.cookieStoreId, container: container?.name ?? null, colour: container?.color ?? null };
    }));
  });
  assert.equal(seen.length, 2, JSON.stringify(seen));
  const devTab = seen.find((tab) => tab.identity?.includes(DEV01));
  const prodTab = seen.find((tab) => tab.identity?.includes(PROD));
  assert.ok(devTab && prodTab, JSON.stringify(seen));
  assert.equal(devTab.container, `${ACME} · dev01`);
  assert.equal(prodTab.container, `${ACME} · prod`);
  // Each container has its tenant's own stable colour (the portal has none set): FNV-1a of
  // the identity's key picks it, the same in every browser (core::identity::colour_for).
  const tenantIds = await popup.evaluate(() => Object.fromEntries(['dev01', 'prod'].map((name) => [
    name, document.querySelector(`button[data-role="tenant"][data-name="${name}"]`)?.dataset.id])));
  const colourOf = (tenantId) => {
    let hash = 0xcbf29ce484222325n;
    for (const byte of new TextEncoder().encode(`https://${ACME}|tenant:${tenantId}`)) {
      hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
    }
    return ['blue', 'turquoise', 'green', 'yellow', 'orange', 'red', 'pink', 'purple'][Number(hash % 8n)];
  };
  assert.ok(tenantIds.dev01 && tenantIds.prod, JSON.stringify(tenantIds));
  assert.equal(devTab.colour, colourOf(tenantIds.dev01), 'dev01\'s container colour');
  assert.equal(prodTab.colour, colourOf(tenantIds.prod), 'prod\'s container colour');
  assert.notEqual(devTab.cookieStoreId, prodTab.cookieStoreId);
  for (const tab of seen) assert.notEqual(tab.cookieStoreId, 'firefox-default');

  // 3. No sign-out was needed.
  const log = await sim.log();
  const logouts = log.filter((e) => e.path.startsWith('/oauth') && e.query.includes('Action=logout'));
  assert.deepEqual(logouts, [], 'no AWS sign-out');

  // 4. Asking for dev01 again brings its tab to the front: no new tab, no new request.
  await clickInPopup(popup, 'Open AWS console as dev01');
  await waitUntil(() => options.evaluate(async (tabId) => {
    const [active] = await browser.tabs.query({ active: true, currentWindow: true });
    return active?.id === tabId;
  }, devTab.tabId), { timeout: 20000, interval: 200, message: 'the dev01 console to be focused' });
  assert.equal((await allTabs(firefox)).filter((tab) => isConsole(tab.url)).length, 2, 'no third console tab');
  const ids = await popup.evaluate(() => Object.fromEntries(['dev01', 'prod'].map((name) => [
    name, document.querySelector(`button[data-role="tenant"][data-name="${name}"]`)?.dataset.id])));
  assert.ok(ids.dev01 && ids.prod, JSON.stringify(ids));
  const tokenRequests = (await sim.log()).filter((e) => e.path.includes('GetAwsConsoleTokenUrl'));
  assert.deepEqual(tokenRequests.map((e) => e.path).sort(), [
    `/subscriptions/${ids.dev01}/GetAwsConsoleTokenUrl`, `/subscriptions/${ids.prod}/GetAwsConsoleTokenUrl`,
  ].sort(), 'one credentials request per tenant');

  // 5. No errors anywhere.
  assert.deepEqual(await firefox.problems(), []);
});

// Issue 18, journey 3: the administrator console with a one-time code, in its own container.
const otpConfig = structuredClone(config);
Object.assign(otpConfig.portals[0], { otp: true, otp_code: '424242' });
firefoxTest('Firefox: administrator console, with a one-time code when the portal needs one', { timeout: 120000, config: otpConfig }, async ({ sim, firefox }) => {
  await addPortal(firefox, ACME, 'api-token-alice');

  const popup = await firefox.openPopup();
  await clickInPopup(popup, 'Open AWS console as administrator');
  // A wrong code is refused with a sentence; the right one opens the console.
  await fillField(popup, `One-time code for ${ACME}`, '000000');
  await clickInPopup(popup, 'Continue');
  await waitUntil(() => popup.evaluate(() => [...document.querySelectorAll('[role="alert"]')]
    .some((a) => a.textContent.includes('did not accept that one-time code'))),
  { timeout: 20000, interval: 200, message: 'the refusal of the wrong code' });
  await fillField(popup, `One-time code for ${ACME}`, '424242');
  await clickInPopup(popup, 'Continue');
  const ADMIN = `duplo-admin/alice@acme.io @ ${ACCOUNT}`;
  const admin = await waitUntil(async () => (await consoleTabs(firefox)).find((tab) => tab.identity?.includes(ADMIN)),
    { timeout: 30000, interval: 200, message: 'the administrator console' });
  assert.notEqual(admin.userContext, 'default', 'in a container of its own');
  const calls = (await sim.log()).filter((e) => e.path.includes('jitAccess/admin'));
  assert.deepEqual(calls.map((e) => e.otp), ['000000', '424242']);
  assert.deepEqual(await firefox.problems(), []);
});
