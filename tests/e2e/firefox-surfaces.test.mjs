// Issue 18, journeys 5 and 7 in Firefox ESR: deep links (a service, an ARN), copying
// credentials, the context menu, the omnibox keyword and the keyboard shortcut.
// The Chromium counterparts are in surfaces.test.mjs and consoles.test.mjs.
//
// How Firefox differs here, and how the test reaches what a person would use:
// - The background is an event page, not a service worker: the test calls the listeners the
//   browser calls (`jitConsoleSurfaces` on the background's global, as in Chromium) through
//   `runtime.getBackgroundPage()` from an extension page; native menus, the address bar's
//   keyword mode and shortcuts cannot be driven over WebDriver BiDi.
// - The omnibox's suggestions are plain text in Firefox (Chrome's are XML markup).
// - Every console opens in its identity's container, so "the same page as prod" lands in
//   prod's container beside dev01's.
import assert from 'node:assert/strict';
import { firefoxTest, waitForRole, clickRole, waitUntil, allTabs, evaluateInTab, addPortal } from './firefox.mjs';

const ACME = 'acme.duplocloud.net';
const ACCOUNT = '123456789012';
const config = {
  portals: [{
    name: 'acme',
    account_id: ACCOUNT,
    users: [{ username: 'alice@acme.io', password: 'pw', admin: false, tenants: ['*'], api_tokens: ['token-acme'] }],
    tenants: [{ name: 'dev01' }, { name: 'dev02' }, { name: 'qa' }, { name: 'prod' }],
  }],
};

/** Calls, in the background page, the listener Firefox calls for the menu, keyboard or omnibox. */
function surface(page, name, ...args) {
  return page.evaluate(async (name, args) => {
    const background = await browser.runtime.getBackgroundPage();
    const surfaces = background.jitConsoleSurfaces;
    if (name === 'omniboxInput') {
      let got;
      await surfaces.omniboxInput(args[0], (list) => { got = list; });
      return JSON.parse(JSON.stringify(got));
    }
    await surfaces[name](...args);
    return null;
  }, name, args);
}

/** The console tabs with what each shows: { context, userContext, host, path, identity }. */
async function consoleTabs(firefox) {
  const tabs = (await allTabs(firefox)).filter((tab) => {
    try {
      return new URL(tab.url).hostname.endsWith('console.aws.amazon.com');
    } catch {
      return false;
    }
  });
  return Promise.all(tabs.map(async (tab) => ({
    ...tab,
    host: new URL(tab.url).hostname,
    path: await evaluateInTab(firefox, tab.context, "document.querySelector('#location')?.textContent ?? ''").catch(() => ''),
    identity: await evaluateInTab(firefox, tab.context, "document.querySelector('#identity')?.textContent ?? ''").catch(() => ''),
  })));
}

/** Waits for a console tab signed in as `tenant` (whose location matches `path`). */
async function consoleAs(firefox, tenant, path = /./) {
  try {
    return await waitUntil(async () => (await consoleTabs(firefox))
      .find((tab) => tab.identity.includes(`duploservices-${tenant}/`) && path.test(tab.path)),
    { timeout: 30000, interval: 200, message: `a console signed in as ${tenant} at ${path}` });
  } catch (error) {
    const tabs = await allTabs(firefox);
    const texts = await Promise.all(tabs.map((t) => evaluateInTab(firefox, t.context, 'document.body?.innerText?.slice(0, 300)').catch((e) => String(e))));
    error.message += `; tabs: ${JSON.stringify(tabs.map((t, i) => [t.url.slice(0, 90), t.userContext, texts[i]]))}`;
    throw error;
  }
}

async function closeConsoles(firefox) {
  for (const tab of await consoleTabs(firefox)) {
    await firefox.browser.connection.send('browsingContext.close', { context: tab.context });
  }
}

firefoxTest('Firefox: omnibox, shortcut and context menu open consoles and deep links; credentials copied only when asked', { timeout: 240000, config }, async ({ sim, firefox }) => {
  const options = await addPortal(firefox, ACME, 'token-acme');
  const popup = await firefox.openPopup();
  await waitForRole(popup, 'button', 'Open AWS console as dev01', { timeout: 20000 });

  // Omnibox: suggestions as plain text, a tenant, then a service deep link.
  const suggestions = await surface(options, 'omniboxInput', 'dev');
  assert.deepEqual(suggestions.map((s) => s.content), ['dev01', 'dev02']);
  assert.ok(!suggestions[0].description.includes('<match>'), 'no XML markup in Firefox');
  assert.match((await surface(options, 'omniboxInput', 'dev01 s3'))[0].description, /^Open s3 as dev01/);
  await surface(options, 'omniboxEntered', 'qa', 'currentTab');
  const qa = await consoleAs(firefox, 'qa', /^\/console\/home/);
  await surface(options, 'omniboxEntered', 'dev01 s3', 'newForegroundTab');
  const s3 = await consoleAs(firefox, 'dev01', /^\/s3\//);
  assert.equal(s3.host, 's3.console.aws.amazon.com');
  assert.notEqual(qa.userContext, s3.userContext, 'qa and dev01 in containers of their own');
  await closeConsoles(firefox);

  // The keyboard shortcut opens the last used tenant again (dev01).
  await surface(options, 'command', 'open-last');
  await consoleAs(firefox, 'dev01');
  await closeConsoles(firefox);

  // The context menu exists and follows the tenant list: updating a missing item fails.
  const ids = Object.fromEntries(await popup.evaluate(() => [...document.querySelectorAll('button.tenant-open')]
    .map((b) => [b.dataset.name, b.dataset.id])));
  const key = (name) => `https://${ACME}|tenant:${ids[name]}`;
  await options.evaluate(async (items) => {
    for (const id of items) await browser.contextMenus.update(id, {});
  }, ['open', 'arn', 'same', `page|${key('qa')}`, `open|${key('prod')}`, `arn|${key('dev01')}`]);
  // On qa's portal page, "Open AWS console as qa".
  const pageUrl = `https://${ACME}/app/devops/${ids.qa}/services`;
  await surface(options, 'menuClicked', { menuItemId: `page|${key('qa')}`, pageUrl }, { id: 1, url: pageUrl });
  await consoleAs(firefox, 'qa');
  await closeConsoles(firefox);
  // "Open this ARN as dev01" on a selection: the bucket's page in S3.
  await surface(options, 'menuClicked', {
    menuItemId: `arn|${key('dev01')}`, selectionText: 'see arn:aws:s3:::acme-logs, please', pageUrl: 'https://wiki.foreign.example/',
  }, {});
  const bucket = await consoleAs(firefox, 'dev01', /^\/s3\/.*acme-logs/);
  // "Open the same page as prod" on that tab: prod's own container, the same page.
  const same = (await allTabs(firefox)).find((tab) => tab.context === bucket.context).url;
  await surface(options, 'menuClicked', { menuItemId: `same|${key('prod')}`, pageUrl: same }, { id: 2, url: same });
  const prod = await consoleAs(firefox, 'prod', /acme-logs/);
  assert.notEqual(prod.userContext, bucket.userContext);
  assert.ok((await consoleTabs(firefox)).some((tab) => tab.identity.includes('duploservices-dev01/')),
    'dev01 is still signed in beside prod');

  // Copying credentials: only on the click, the cached credentials reused.
  await popup.evaluate(() => {
    const write = navigator.clipboard.writeText.bind(navigator.clipboard);
    window.copied = [];
    navigator.clipboard.writeText = (text) => { window.copied.push(text); return write(text); };
  });
  await popup.bringToFront();
  await clickRole(popup, 'button', 'More for dev01');
  const jitCalls = async () => (await sim.log()).filter((e) => e.path.includes('GetAwsConsoleTokenUrl') || e.path.includes('jitAccess'));
  const before = (await jitCalls()).length;
  for (const [label, check] of [
    ['bash / zsh', (c, k) => c.includes(`export AWS_ACCESS_KEY_ID='${k}'`) && c.includes('export AWS_SESSION_TOKEN=')],
    ['credential_process JSON', (c, k) => JSON.parse(c).AccessKeyId === k],
  ]) {
    await clickRole(popup, 'button', `Copy ${label} for dev01`);
    await waitUntil(() => popup.evaluate((l) => document.body.innerText.includes(`Copied ${l} credentials for dev01`), label),
      { timeout: 10000, message: `"Copied ${label}"` });
    const clip = await popup.evaluate(() => window.copied.at(-1));
    // A key the simulator issued (dev01's, fetched earlier: no new request below).
    const { access_key_ids: keys } = await sim.control('/secrets');
    assert.ok(keys.some((key) => check(clip, key)), `${label}: ${clip.slice(0, 60)}`);
  }
  assert.equal((await jitCalls()).length, before, 'copies reuse the cached credentials');
  assert.deepEqual(await firefox.problems(), []);
});
