// Issue 19 in Firefox: the identity bar on a console tab the extension opened (in its
// container), with the portal, tenant and time left, out of the page's reach, clear of the
// console's header and footer at 1280 and 800 px, renewing, and gone when turned off.
// The Chromium counterpart is identity-bar.test.mjs.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './harness.mjs';
import { firefoxTest, waitForRole, clickRole, waitUntil, allTabs, evaluateInTab, addPortal } from './firefox.mjs';

const ACME = 'acme.duplocloud.net';
const ACCOUNT = '123456789012';
const HOST_TAG = 'jit-console-identity-bar';
const config = {
  portals: [{
    name: 'acme',
    account_id: ACCOUNT,
    users: [{ username: 'alice@acme.io', password: 'pw', admin: true, tenants: ['*'], api_tokens: ['api-token-alice'] }],
    tenants: [{ name: 'dev01' }, { name: 'prod' }],
  }],
};

/** The bar's text in tab `context`, read as WebDriver BiDi sees it (it serializes closed
 * shadow roots; the page's script cannot reach them), or null when there is no bar. */
async function barText(firefox, context, script = 'function () { return this.textContent; }') {
  const send = (method, params) => firefox.browser.connection.send(method, params);
  const { result: found } = await send('script.evaluate', {
    target: { context },
    expression: `document.querySelector(${JSON.stringify(HOST_TAG)})`,
    awaitPromise: false,
    resultOwnership: 'root',
    serializationOptions: { maxDomDepth: 0, includeShadowTree: 'all' },
  });
  const shadow = found.result?.value?.shadowRoot;
  if (!shadow?.sharedId) return null;
  const { result } = await send('script.callFunction', {
    target: { context },
    functionDeclaration: script,
    this: { sharedId: shadow.sharedId },
    awaitPromise: false,
    resultOwnership: 'none',
  });
  return result.result?.value ?? null;
}

firefoxTest('Firefox: the identity bar shows on a console tab the extension opened, out of the page reach and clear of the console controls; it renews, and goes when turned off', { timeout: 150000, config }, async ({ sim, firefox }) => {
  await addPortal(firefox, ACME, 'api-token-alice');
  const popup = await firefox.openPopup();
  await popup.bringToFront();
  await clickRole(popup, 'button', 'Open AWS console as dev01', { timeout: 20000 });
  const tab = await waitUntil(async () => {
    for (const t of await allTabs(firefox)) {
      const identity = await evaluateInTab(firefox, t.context, "document.querySelector('#identity')?.textContent ?? ''").catch(() => '');
      if (identity.includes('duploservices-dev01/')) return t;
    }
    return null;
  }, { timeout: 30000, interval: 200, message: "dev01's console" });

  // The bar: the portal, the tenant and the time left, in a closed shadow root.
  const text = await waitUntil(() => barText(firefox, tab.context).catch(() => null), { timeout: 20000, interval: 250, message: 'the identity bar' });
  assert.match(text, new RegExp(`^${ACME} · dev01expires in (59|60) minRenew now`), text);
  assert.match(text, /Open this page asprod/);
  const fromPage = await evaluateInTab(firefox, tab.context, `(() => {
    const host = document.querySelector(${JSON.stringify(HOST_TAG)});
    return { shadowRoot: host.shadowRoot, text: host.textContent };
  })()`);
  assert.deepEqual(fromPage, { shadowRoot: null, text: '' }, "the page's script reaches nothing in it");

  // Clear of the console's header and footer and their controls, at 1280 and 800 px.
  const shots = join(root, 'out/e2e');
  mkdirSync(shots, { recursive: true });
  for (const width of [1280, 800]) {
    await firefox.browser.connection.send('browsingContext.setViewport', { context: tab.context, viewport: { width, height: 560 } });
    const layout = await waitUntil(() => evaluateInTab(firefox, tab.context, `(() => {
      if (innerWidth !== ${width}) return null;
      const host = document.querySelector(${JSON.stringify(HOST_TAG)}).getBoundingClientRect();
      const hit = (r) => r.width > 0 && r.height > 0 && host.left < r.right && r.left < host.right && host.top < r.bottom && r.top < host.bottom;
      return { width: host.width, height: host.height,
        covered: [...document.querySelectorAll('#sim-nav, #sim-footer, #sim-nav *, #sim-footer *')].filter((el) => hit(el.getBoundingClientRect())).map((el) => el.id || el.tagName) };
    })()`), { timeout: 10000, message: `the page at ${width} px` });
    assert.ok(layout.width > 100 && layout.height > 10 && layout.width <= width - 24, JSON.stringify(layout));
    assert.deepEqual(layout.covered, [], `nothing of the console's header or footer covered at ${width} px`);
    const { result } = await firefox.browser.connection.send('browsingContext.captureScreenshot', { context: tab.context });
    writeFileSync(join(shots, `firefox-console-identity-bar-${width}.png`), Buffer.from(result.data, 'base64'));
  }

  // Renew now (pressed inside the closed root, as BiDi reaches it): a new JIT call, and the
  // tab signed in again with its bar back.
  const jit = async () => (await sim.log()).filter((e) => e.path.includes('GetAwsConsoleTokenUrl') || e.path.includes('jitAccess')).length;
  const before = await jit();
  await barText(firefox, tab.context, 'function () { this.querySelector(\'[data-part="renew"]\').click(); }');
  await waitUntil(async () => (await jit()) > before, { timeout: 20000, message: 'Renew now to ask the portal' });
  await waitUntil(() => barText(firefox, tab.context).then((t) => t && /dev01expires in (59|60) min/.test(t)).catch(() => false),
    { timeout: 20000, interval: 250, message: 'the bar back after the renewal' });

  // Turned off in the options page: the open bar goes.
  const options = await firefox.openOptions();
  const box = await waitForRole(options, 'checkbox', 'Show who you are signed in as inside the AWS Console');
  assert.equal(await box.evaluate((el) => el.checked), true, 'on by default');
  await options.bringToFront();
  await box.click();
  await waitUntil(() => evaluateInTab(firefox, tab.context, `document.querySelector(${JSON.stringify(HOST_TAG)}) === null`),
    { timeout: 10000, message: 'the bar to go' });
  assert.deepEqual(await firefox.problems(), []);
});
