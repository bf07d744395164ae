// Issue 7: every place a user reaches for it — the popup per portal (active portal first,
// filter, keyboard, favourites), the context menu, the keyboard shortcut, the omnibox, the
// options page (edit, export/import, reset) and the administrator's policy.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { launch, startSim, addPortal, waitForTab, tenantsIn, POLICY_DIR } from './harness.mjs';

const ACME = 'acme.duplocloud.net';
const BETA = 'beta.duplocloud.net';

function config({ acme = {}, ...top } = {}) {
  const user = (name) => ({ username: 'alice@acme.io', password: 'pw', admin: false, tenants: ['*'], api_tokens: [`token-${name}`] });
  return {
    ...top,
    portals: [
      {
        name: 'acme',
        users: [user('acme')],
        tenants: [{ name: 'dev01' }, { name: 'dev02' }, { name: 'qa' }, { name: 'prod' }, { name: 'staging' }],
        ...acme,
      },
      { name: 'beta', users: [user('beta')], tenants: [{ name: 'beta-dev' }, { name: 'beta-prod' }] },
    ],
  };
}

let sim;
before(async () => { sim = await startSim(config()); });
after(async () => { await sim?.close(); });

async function ready(cfg = config(), portals = [[ACME, 'token-acme']]) {
  await sim.control('/config', { method: 'PUT', body: cfg });
  const browser = await launch({ sim });
  for (const [host, token] of portals) await addPortal(browser, host, token);
  return browser;
}

/** The popup with `host`'s tenant list shown. */
async function popupWith(browser, host = ACME) {
  const popup = await browser.openPopup();
  const region = popup.getByRole('region', { name: host });
  await region.getByRole('button', { name: /^Open AWS console as / }).first().waitFor();
  return { popup, region };
}

/** The console tab that shows `role` signed in (optionally on a host that matches). */
async function consoleAs(browser, role, host = /console\.aws\.amazon\.com$/) {
  const tab = await waitForTab(browser, (u) => host.test(u.hostname) && u.pathname !== '/session-expired', 20000);
  await tab.locator('#identity').filter({ hasText: role }).waitFor({ timeout: 20000 });
  return tab;
}

/** The console tab whose identity names `role`, among all open console tabs. */
async function signedInAs(browser, role, timeout = 20000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    for (const page of browser.context.pages()) {
      if (page.isClosed() || !/console\.aws\.amazon\.com$/.test(new URL(page.url()).hostname)) continue;
      const identity = await page.locator('#identity').textContent({ timeout: 500 }).catch(() => '');
      if (identity?.includes(role)) return page;
    }
    if (Date.now() > deadline) throw new Error(`no console tab signed in as ${role}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function closeConsoles(browser) {
  for (const page of browser.context.pages()) {
    if (/console\.aws\.amazon\.com$/.test(new URL(page.url()).hostname)) await page.close();
  }
}

/** Calls, in the worker, the listener the browser calls for the menu, keyboard or omnibox. */
function surface(browser, name, ...args) {
  return browser.worker.evaluate(async ([name, args]) => {
    if (name === 'omniboxInput') {
      let got;
      await globalThis.jitConsoleSurfaces.omniboxInput(args[0], (list) => { got = list; });
      return got;
    }
    return globalThis.jitConsoleSurfaces[name](...args);
  }, [name, args]);
}

test('the popup puts the portal of the tab in use first and open, the others folded', { timeout: 120000 }, async () => {
  const browser = await ready(config(), [[ACME, 'token-acme'], [BETA, 'token-beta']]);
  try {
    // Both portals signed in and listed.
    const first = await browser.openPopup();
    for (const host of [ACME, BETA]) {
      await first.getByRole('region', { name: host }).getByRole('button', { name: /^Open AWS console as / }).first().waitFor();
    }
    await first.close();
    // The user is on a page of beta's portal, then opens the popup.
    const page = await browser.context.newPage();
    await page.goto(`https://${BETA}/app/`);
    const popup = await browser.openPopup();
    const regions = popup.getByRole('region');
    await popup.getByRole('button', { name: 'Open AWS console as beta-dev' }).waitFor();
    assert.equal(await regions.first().getAttribute('aria-label'), BETA, 'the active portal is first');
    const acme = popup.getByRole('region', { name: ACME });
    const fold = acme.getByRole('button', { name: ACME, exact: true });
    assert.equal(await fold.getAttribute('aria-expanded'), 'false', 'the others are folded');
    assert.equal(await acme.getByRole('button', { name: 'Open AWS console as dev01' }).isVisible(), false);
    // Unfolding, by keyboard.
    await fold.focus();
    await popup.keyboard.press('Enter');
    await acme.getByRole('button', { name: 'Open AWS console as dev01' }).waitFor();
    assert.equal(await fold.getAttribute('aria-expanded'), 'true');
    assert.deepEqual(browser.problems, []);
  } finally {
    await browser.close();
  }
});

test('the popup re-renders in place: a change elsewhere keeps the buttons shown, the focus and what was typed', { timeout: 120000 }, async () => {
  const browser = await ready();
  try {
    const { popup, region } = await popupWith(browser);
    const open = (name) => region.getByRole('button', { name: `Open AWS console as ${name}`, exact: true });
    // Marks on the nodes shown now (a rebuilt node would not carry them), and the focus.
    await open('prod').evaluate((b) => { b.jitMark = 'prod'; });
    await open('dev01').evaluate((b) => { b.jitMark = 'dev01'; b.focus(); });
    // Another page changes the state (qa becomes a favourite, so it moves to the top):
    // storage changes and this popup renders again.
    const other = await browser.openPopup();
    await other.getByRole('button', { name: 'Favourite qa' }).click();
    await region.getByRole('button', { name: 'Favourite qa', pressed: true }).waitFor();
    assert.equal((await tenantsIn(region))[0], 'qa', 'the new order is shown');
    assert.equal(await open('prod').evaluate((b) => b.jitMark), 'prod', 'the prod button is the same node');
    assert.equal(await popup.evaluate(() => document.activeElement?.jitMark), 'dev01', 'the focus stayed');
    // With a filter typed, another change (the same render as the countdown's every 20 s)
    // keeps the filter, its list and the node.
    const filter = region.getByRole('searchbox', { name: 'Filter tenants' });
    await filter.pressSequentially('pro');
    await other.getByRole('button', { name: 'Favourite qa' }).click();
    await region.getByRole('button', { name: 'Favourite prod', pressed: false }).waitFor();
    await popup.waitForFunction(() => !document.querySelector('button[aria-label="Favourite qa"][aria-pressed="true"]'));
    assert.equal(await filter.inputValue(), 'pro');
    assert.deepEqual(await tenantsIn(region), ['prod']);
    assert.equal(await open('prod').evaluate((b) => b.jitMark), 'prod', 'still the same node');
    assert.deepEqual(browser.problems, []);
  } finally {
    await browser.close();
  }
});

test('filter (substring and fuzzy), arrow keys and Enter; favourites and recent on top', { timeout: 150000 }, async () => {
  const browser = await ready();
  try {
    const { popup, region } = await popupWith(browser);
    const filter = region.getByRole('searchbox', { name: 'Filter tenants' });
    // Fuzzy: the letters in order.
    await filter.fill('dv2');
    assert.deepEqual(await tenantsIn(region), ['dev02']);
    await filter.fill('DEV');
    assert.deepEqual(await tenantsIn(region), ['dev01', 'dev02']);
    // Enter in the filter opens the best match.
    await filter.fill('stag');
    await filter.press('Enter');
    const staging = await consoleAs(browser, 'duploservices-staging');
    await staging.close();

    // Escape clears the filter; ↓ moves into the list, ↑ back to the filter.
    await popup.bringToFront();
    await filter.fill('zz');
    await region.getByText('No tenant matches').waitFor();
    await filter.press('Escape');
    assert.equal(await filter.inputValue(), '');
    await filter.press('ArrowDown');
    const focused = () => popup.evaluate(() => document.activeElement?.dataset?.name ?? document.activeElement?.type);
    // Recent first (staging was just used), then by name.
    assert.deepEqual(await tenantsIn(region), ['staging', 'dev01', 'dev02', 'prod', 'qa']);
    assert.equal(await focused(), 'staging');
    await popup.keyboard.press('ArrowDown');
    await popup.keyboard.press('ArrowDown');
    assert.equal(await focused(), 'dev02');
    await popup.keyboard.press('End');
    assert.equal(await focused(), 'qa');
    await popup.keyboard.press('Home');
    await popup.keyboard.press('ArrowUp');
    assert.equal(await focused(), 'search', 'back in the filter box');
    await popup.keyboard.press('ArrowDown');
    await popup.keyboard.press('ArrowDown');
    await popup.keyboard.press('Enter');
    const dev01 = await consoleAs(browser, 'duploservices-dev01');
    await dev01.close();

    // A favourite is pinned on top, above the recent ones, and stays there.
    await popup.bringToFront();
    const star = region.getByRole('button', { name: 'Favourite prod' });
    assert.equal(await star.getAttribute('aria-pressed'), 'false');
    await star.click();
    await region.getByRole('button', { name: 'Favourite prod', pressed: true }).waitFor();
    assert.deepEqual(await tenantsIn(region), ['prod', 'dev01', 'staging', 'dev02', 'qa']);
    await popup.close();
    const again = await popupWith(browser);
    assert.deepEqual(await tenantsIn(again.region), ['prod', 'dev01', 'staging', 'dev02', 'qa']);
    // Within a filter, the match quality leads, then favourites.
    await again.region.getByRole('searchbox', { name: 'Filter tenants' }).fill('d');
    assert.deepEqual(await tenantsIn(again.region), ['dev01', 'dev02', 'prod']);
    assert.deepEqual(browser.problems, []);
  } finally {
    await browser.close();
  }
});

test('2,000 tenants: a page of them rendered, the rest filtered as you type', { timeout: 120000 }, async () => {
  const browser = await ready(config({ acme: { generate_tenants: { count: 2000, prefix: 'tenant' } } }));
  try {
    const { region } = await popupWith(browser);
    await region.getByText(/^Showing 100 of 2005 tenants/).waitFor();
    const filter = region.getByRole('searchbox', { name: 'Filter tenants' });
    await filter.fill('tenant1999');
    await region.getByRole('button', { name: 'Open AWS console as tenant1999' }).waitFor();
    assert.equal((await tenantsIn(region))[0], 'tenant1999');
    await filter.fill('dev');
    assert.deepEqual((await tenantsIn(region)).slice(0, 2), ['dev01', 'dev02']);
  } finally {
    await browser.close();
  }
});

test('omnibox "jit": suggestions as you type, Enter opens a tenant and a service; the shortcut re-opens the last one', { timeout: 150000 }, async () => {
  const browser = await ready();
  try {
    await popupWith(browser);
    const suggestions = await surface(browser, 'omniboxInput', 'dev');
    assert.deepEqual(suggestions.map((s) => s.content), ['dev01', 'dev02']);
    assert.match(suggestions[0].description, /<match>dev01<\/match>/);
    const withService = await surface(browser, 'omniboxInput', 'dev01 s3');
    assert.equal(withService[0].content, 'dev01 s3');
    assert.match(withService[0].description, /^Open s3 as <match>dev01<\/match>/);

    await surface(browser, 'omniboxEntered', 'qa', 'currentTab');
    const qa = await consoleAs(browser, 'duploservices-qa');
    assert.match(await qa.locator('#location').innerText(), /^\/console\/home/);
    await surface(browser, 'omniboxEntered', 'dev01 s3', 'newForegroundTab');
    const s3 = await consoleAs(browser, 'duploservices-dev01', /^s3\.console\.aws\.amazon\.com$/);
    assert.match(await s3.locator('#location').innerText(), /^\/s3\//);
    await closeConsoles(browser);

    // The keyboard shortcut opens the last used tenant again (dev01).
    await surface(browser, 'command', 'open-last');
    await consoleAs(browser, 'duploservices-dev01');
    assert.deepEqual(browser.problems, []);
  } finally {
    await browser.close();
  }
});

test('context menu: the tenant of a portal page, an ARN, and the same page as another tenant', { timeout: 150000 }, async () => {
  const browser = await ready(config({ console_mode: 'multi' }));
  try {
    const { region } = await popupWith(browser);
    const ids = Object.fromEntries(await region.getByRole('button', { name: /^Open AWS console as / })
      .evaluateAll((all) => all.map((b) => [b.dataset.name, b.dataset.id])));
    const key = (name) => `https://${ACME}|tenant:${ids[name]}`;
    // The menu exists, kept in sync with the list: updating an item that is not there fails.
    await browser.worker.evaluate(async (ids) => {
      for (const id of ids) await chrome.contextMenus.update(id, {});
    }, ['open', 'arn', 'same', `page|${key('qa')}`, `open|${key('prod')}`, `arn|${key('dev01')}`]);

    // On qa's portal page, "Open AWS console as qa".
    const pageUrl = `https://${ACME}/app/devops/${ids.qa}/services`;
    await surface(browser, 'menuClicked', { menuItemId: `page|${key('qa')}`, pageUrl }, { id: 1, url: pageUrl });
    const qa = await consoleAs(browser, 'duploservices-qa');
    await closeConsoles(browser);

    // "Open this ARN as dev01" on a selection.
    await surface(browser, 'menuClicked', { menuItemId: `arn|${key('dev01')}`, selectionText: 'see arn:aws:s3:::acme-logs, please', pageUrl: 'https://wiki.foreign.example/' }, {});
    const bucket = await signedInAs(browser, 'duploservices-dev01');
    assert.match(await bucket.locator("#location").innerText(), /^\/s3\//);
    assert.match(await bucket.locator('#location').innerText(), /acme-logs/);

    // "Open the same page as prod" on dev01's console tab: a new tab, signed in as prod.
    const same = bucket.url();
    await surface(browser, 'menuClicked', { menuItemId: `same|${key('prod')}`, pageUrl: same }, { id: 2, url: same });
    const prod = await signedInAs(browser, 'duploservices-prod');
    assert.notEqual(prod, bucket);
    assert.match(await prod.locator('#location').innerText(), /acme-logs/);
    assert.ok(qa);
    assert.deepEqual(browser.problems, []);
  } finally {
    await browser.close();
  }
});

test('options: rename and colour a portal, export, forget everything, import it back', { timeout: 150000 }, async () => {
  const browser = await ready();
  try {
    const options = await browser.openOptions();
    await options.getByRole('button', { name: `Edit ${ACME}` }).click();
    const form = options.getByRole('form', { name: `Edit ${ACME}` });
    await form.getByRole('textbox', { name: 'Name' }).fill('Acme production');
    await form.getByRole('combobox', { name: 'Colour' }).selectOption('red');
    await form.getByRole('button', { name: 'Save' }).click();
    await options.getByRole('status').filter({ hasText: `Saved ${ACME}.` }).waitFor();
    await options.getByText('Acme production').waitFor();

    const download = options.waitForEvent('download');
    await options.getByRole('button', { name: 'Export configuration' }).click();
    const file = await (await download).path();
    const text = readFileSync(file, 'utf8');
    const exported = JSON.parse(text);
    assert.equal(exported.format, 'jit-console-config');
    assert.deepEqual(exported.portals, [{ url: `https://${ACME}`, name: 'Acme production', colour: 'red' }]);
    assert.doesNotMatch(text, /token-acme/, 'no secret in the file');

    await options.getByRole('button', { name: 'Forget everything…' }).click();
    await options.getByRole('button', { name: 'Yes, forget everything' }).click();
    await options.getByRole('status').filter({ hasText: 'Everything was forgotten' }).waitFor();
    assert.equal(await options.getByRole('button', { name: `Remove ${ACME}` }).count(), 0);
    const left = await browser.worker.evaluate(async () => ({
      local: await chrome.storage.local.get(null),
      session: await chrome.storage.session.get(null),
    }));
    assert.doesNotMatch(JSON.stringify(left), /token-acme|tenants:|dev01/, JSON.stringify(left));

    await options.getByLabel('Import configuration').setInputFiles(file);
    await options.getByRole('status').filter({ hasText: 'Configuration imported' }).waitFor();
    await options.getByRole('button', { name: `Remove ${ACME}` }).waitFor();
    await options.getByText('Acme production').waitFor();
    await options.getByText('Signs in through the portal', { exact: true }).waitFor();

    // A file that is not ours changes nothing and says so.
    const bad = `${file}.bad.json`;
    writeFileSync(bad, '{"format":"something-else"}');
    await options.getByLabel('Import configuration').setInputFiles(bad);
    await options.getByRole('alert').filter({ hasText: 'not a JIT Console configuration' }).waitFor();
    await options.getByRole('button', { name: `Remove ${ACME}` }).waitFor();

    const popup = await browser.openPopup();
    await popup.getByRole('region', { name: ACME }).getByRole('button', { name: 'Acme production' }).waitFor();
    assert.deepEqual(browser.problems, []);
  } finally {
    await browser.close();
  }
});

test('a portal pushed by the administrator\'s policy shows as managed and cannot be removed', { timeout: 120000 }, async () => {
  // Chromium reads machine policies from this directory; the extension's part is `3rdparty`.
  const policy = `${POLICY_DIR}/jit-console-e2e-${process.pid}.json`;
  mkdirSync(POLICY_DIR, { recursive: true });
  writeFileSync(policy, JSON.stringify({
    '3rdparty': { extensions: { coagfjlccoccbaapfoeiokdflcpeelfj: {
      portals: [{ url: `https://${BETA}`, name: 'Beta (IT)', colour: 'purple' }],
      settings: { autoRenew: false },
    } } },
  }));
  let browser;
  try {
    await sim.control('/config', { method: 'PUT', body: config() });
    browser = await launch({ sim });
    const options = await browser.openOptions();
    await options.getByText('Beta (IT)').waitFor({ timeout: 20000 });
    await options.getByText('Set by your organisation', { exact: true }).waitFor();
    assert.equal(await options.getByRole('button', { name: `Remove ${BETA}` }).count(), 0);
    assert.equal(await options.getByRole('checkbox', { name: /Renew AWS console sessions automatically/ }).isDisabled(), true);
    assert.equal(await options.getByRole('checkbox', { name: /Renew AWS console sessions automatically/ }).isChecked(), false);
    // Not even a forged request removes it.
    const answer = await options.evaluate(() => chrome.runtime.sendMessage({ type: 'removePortal', origin: 'https://beta.duplocloud.net' }));
    assert.equal(answer.type, 'error');
    assert.match(answer.message.name, /portalManaged/);
    // The user's own portals work beside it; forgetting everything keeps the managed one.
    await addPortal(browser, ACME, 'token-acme');
    await options.reload();
    await options.getByRole('button', { name: 'Forget everything…' }).click();
    await options.getByRole('button', { name: 'Yes, forget everything' }).click();
    await options.getByRole('status').filter({ hasText: 'Everything was forgotten' }).waitFor();
    await options.getByText('Beta (IT)').waitFor();
    assert.equal(await options.getByRole('button', { name: `Remove ${ACME}` }).count(), 0);
    const popup = await browser.openPopup();
    await popup.getByRole('region', { name: BETA }).getByText('Managed').waitFor();
    assert.deepEqual(browser.problems, []);
  } finally {
    rmSync(policy, { force: true });
    await browser?.close();
  }
});
