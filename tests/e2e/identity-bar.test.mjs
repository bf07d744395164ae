// Issue 19: the identity bar inside the console, in Chromium against the simulator. It
// appears only on a console tab the extension signed in, says the portal, tenant and time
// left, is out of the page's reach (closed shadow root), covers none of the console's header
// or footer controls at 1280 and 800 px, renews, opens the same page as another tenant, and
// goes when the setting is turned off.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launch, startSim, addPortal, waitForTab, hostOf, root } from './harness.mjs';

const ACME = 'acme.duplocloud.net';
const ACCOUNT = '123456789012';
const HOST_TAG = 'jit-console-identity-bar';
const shotsDir = join(root, 'out/e2e');

const config = {
  portals: [{
    name: 'acme',
    account_id: ACCOUNT,
    users: [{ username: 'alice@acme.io', password: 'pw', admin: true, tenants: ['*'], api_tokens: ['api-token-alice'] }],
    tenants: [{ name: 'dev01' }, { name: 'prod', validity: 7200 }],
  }],
};

let sim;
before(async () => { sim = await startSim(config); });
after(async () => { await sim?.close(); });

const jitCalls = async () => (await sim.log()).filter((e) => e.path.includes('GetAwsConsoleTokenUrl') || e.path.includes('jitAccess'));

/**
 * The bar of `page` as the browser's DevTools see it (they reach into closed shadow roots;
 * the page cannot): its texts by part, and a way to press its buttons by keyboard.
 */
async function barOf(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root: doc } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
    const kids = (n) => [...(n.children ?? []), ...(n.shadowRoots ?? [])];
    const find = (n, test) => { if (test(n)) return n; for (const k of kids(n)) { const f = find(k, test); if (f) return f; } return null; };
    const host = find(doc, (n) => n.localName === HOST_TAG);
    if (!host) return null;
    const shadow = host.shadowRoots?.[0];
    const part = (name) => find(shadow, (n) => { const a = n.attributes ?? []; const i = a.indexOf('data-part'); return i >= 0 && a[i + 1] === name; });
    // Light children only: a <select> has a user-agent shadow root repeating its option.
    const text = (n) => (n ? (n.nodeType === 3 ? n.nodeValue : (n.children ?? []).map(text).join('')) : null);
    const label = part('bar')?.attributes;
    return {
      mode: shadow?.shadowRootType,
      label: label?.[label.indexOf('aria-label') + 1],
      who: text(part('who')),
      time: text(part('time')),
      choices: text(part('choices')),
      async press(name) {
        const session = await page.context().newCDPSession(page);
        try {
          const { root: again } = await session.send('DOM.getDocument', { depth: -1, pierce: true });
          const target = find(find(again, (n) => n.localName === HOST_TAG), (n) => { const a = n.attributes ?? []; const i = a.indexOf('data-part'); return i >= 0 && a[i + 1] === name; });
          await session.send('DOM.focus', { nodeId: target.nodeId });
        } finally { await session.detach(); }
        await page.keyboard.press('Enter');
      },
    };
  } finally {
    await cdp.detach();
  }
}

async function waitForBar(page, test = () => true, timeout = 20000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const bar = await barOf(page).catch(() => null);
    if (bar && test(bar)) return bar;
    if (Date.now() > deadline) throw new Error(`no identity bar as wanted on ${page.url()}: ${JSON.stringify(bar)}`);
    await page.waitForTimeout(200);
  }
}

/** The boxes the bar must not cover: the console's header and footer, and their controls. */
async function overlaps(page) {
  return page.evaluate((tag) => {
    const host = document.querySelector(tag).getBoundingClientRect();
    const hit = (r) => r.width > 0 && r.height > 0 && host.left < r.right && r.left < host.right && host.top < r.bottom && r.top < host.bottom;
    const chrome = [...document.querySelectorAll('#sim-nav, #sim-footer, #sim-nav *, #sim-footer *')];
    return {
      host: { width: host.width, height: host.height, bottom: host.bottom },
      covered: chrome.filter((el) => hit(el.getBoundingClientRect())).map((el) => el.id || el.tagName),
    };
  }, HOST_TAG);
}

test('the identity bar shows only on a console tab the extension opened, out of the page reach and clear of the console controls; it renews, opens the page as another tenant, and goes when turned off', { timeout: 240000 }, async () => {
  await sim.control('/log', { method: 'DELETE' });
  const browser = await launch({ sim });
  try {
    await addPortal(browser, ACME, 'api-token-alice');
    const popup = await browser.openPopup();
    const region = popup.getByRole('region', { name: ACME });
    await region.getByRole('button', { name: 'Open AWS console as dev01' }).click();
    const tab = await waitForTab(browser, (u) => u.hostname.endsWith('console.aws.amazon.com'), 20000);
    await tab.locator('#identity').filter({ hasText: 'duploservices-dev01' }).waitFor({ timeout: 20000 });

    // Our tab: the portal, the tenant, the time left.
    const bar = await waitForBar(tab);
    assert.equal(bar.mode, 'closed');
    assert.equal(bar.who, `${ACME} · dev01`);
    assert.match(bar.time, /^expires in (59|60) min$/);
    assert.equal(bar.label, `Signed in as dev01 of ${ACME}`);
    assert.equal(bar.choices, 'prod', 'Open this page as: the other tenant');

    // The page's own script sees an element and nothing in it.
    const fromPage = await tab.evaluate((tag) => {
      const host = document.querySelector(tag);
      return { present: Boolean(host), shadowRoot: host.shadowRoot, text: host.textContent, children: host.children.length };
    }, HOST_TAG);
    assert.deepEqual(fromPage, { present: true, shadowRoot: null, text: '', children: 0 });

    // What a console renderer in an attacker's hands could run: code in the content
    // script's own world. It reads no extension storage that holds anything, and a page
    // request (or a bar request naming another tab's identity) gets nothing.
    const cdp = await tab.context().newCDPSession(tab);
    const worlds = [];
    cdp.on('Runtime.executionContextCreated', (e) => worlds.push(e.context));
    await cdp.send('Runtime.enable');
    await tab.waitForTimeout(300);
    const world = worlds.find((c) => c.auxData?.type === 'isolated' && c.name === 'JIT Console for DuploCloud');
    assert.ok(world, 'the content script world');
    const { result } = await cdp.send('Runtime.evaluate', {
      contextId: world.id, awaitPromise: true, returnByValue: true,
      expression: `(async () => {
        const out = {};
        for (const area of ['local', 'session']) {
          try { out[area] = Object.keys(await chrome.storage[area].get(null)); } catch (e) { out[area] = 'refused'; }
        }
        out.getState = (await chrome.runtime.sendMessage({ type: 'getState' })) ?? null;
        out.copy = (await chrome.runtime.sendMessage({ type: 'copyCredentials', key: {}, format: 'bash' })) ?? null;
        return out;
      })()`,
    });
    await cdp.detach();
    assert.deepEqual(result.value, { local: 'refused', session: 'refused', getState: null, copy: null });

    // Clear of the console's header and footer, at 1280 and 800 px; photographed.
    mkdirSync(shotsDir, { recursive: true });
    for (const width of [1280, 800]) {
      await tab.setViewportSize({ width, height: 560 });
      await tab.waitForTimeout(200);
      const { host, covered } = await overlaps(tab);
      assert.ok(host.width > 100 && host.height > 10, `the bar has a box at ${width} px: ${JSON.stringify(host)}`);
      assert.ok(host.width <= width - 24, `the bar fits in ${width} px`);
      assert.deepEqual(covered, [], `nothing of the console's header or footer covered at ${width} px`);
      await tab.screenshot({ path: join(shotsDir, `console-identity-bar-${width}.png`) });
    }

    // A console tab the person opened by hand: the same session (single-session console,
    // the same cookie), the same identity, but not one the extension opened: no bar.
    const byHand = await browser.context.newPage();
    await byHand.goto(tab.url());
    await byHand.locator('#identity').filter({ hasText: 'duploservices-dev01' }).waitFor();
    await byHand.waitForTimeout(1500);
    assert.equal(await byHand.locator(HOST_TAG).count(), 0, 'no bar on a tab the extension did not open');
    await byHand.close();

    // Renew now: a new JIT call, and the tab signed in again with its bar back.
    const before = (await jitCalls()).length;
    await bar.press('renew');
    for (let i = 0; i < 100 && (await jitCalls()).length === before; i++) await tab.waitForTimeout(100);
    assert.equal((await jitCalls()).length, before + 1, 'Renew now asked the portal for new credentials');
    await tab.locator('#identity').filter({ hasText: 'duploservices-dev01' }).waitFor();
    await waitForBar(tab, (b) => /^expires in (59|60) min$/.test(b.time));

    // Open this page as prod: the same page, in a new tab signed in as prod, with its bar.
    const page = new URL(tab.url()).pathname;
    await (await waitForBar(tab)).press('open');
    let prod;
    for (let i = 0; i < 200 && !prod; i++) {
      prod = browser.context.pages().find((p) => p !== tab && hostOf(p).endsWith('console.aws.amazon.com'));
      if (!prod) await tab.waitForTimeout(100);
    }
    assert.ok(prod, 'a tab opened as prod');
    await prod.locator('#identity').filter({ hasText: 'duploservices-prod' }).waitFor({ timeout: 20000 });
    assert.equal(new URL(prod.url()).pathname, page, 'the same page');
    const prodBar = await waitForBar(prod);
    assert.equal(prodBar.who, `${ACME} · prod`);
    assert.match(prodBar.time, /^expires in (119|120) min$/);

    // Turned off in the options: the open bar goes.
    const options = await browser.openOptions();
    const box = options.getByRole('checkbox', { name: 'Show who you are signed in as inside the AWS Console' });
    assert.ok(await box.isChecked(), 'on by default');
    await box.uncheck();
    await prod.waitForFunction((tag) => !document.querySelector(tag), HOST_TAG, { timeout: 10000 });
    await prod.reload();
    await prod.locator('#identity').waitFor();
    await prod.waitForTimeout(1500);
    assert.equal(await prod.locator(HOST_TAG).count(), 0, 'and stays gone');
    assert.deepEqual(browser.problems, []);
  } finally {
    await browser.close();
  }
});
