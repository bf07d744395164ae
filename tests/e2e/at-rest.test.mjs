// Issue 16, secrets at rest, in Chromium: an imported file moves the sessions where its
// *Stay signed in* says (nothing stranded on disk), cannot send a portal's tokens to a new
// API host, and cannot override what the administrator's policy fixes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { launch, startSim, addPortal, POLICY_DIR } from './harness.mjs';

const ACME = 'acme.duplocloud.net';
const BETA = 'beta.duplocloud.net';
const STAY = 'Stay signed in after the browser restarts';

function config() {
  const user = (name) => ({ username: 'alice@acme.io', password: 'pw', admin: false, tenants: ['*'], api_tokens: [`token-${name}`] });
  return {
    portals: [
      { name: 'acme', users: [user('acme')], tenants: [{ name: 'dev01' }] },
      { name: 'beta', users: [user('beta')], tenants: [{ name: 'beta-dev' }] },
    ],
  };
}

let sim;
before(async () => { sim = await startSim(config()); });
after(async () => { await sim?.close(); });

/** What the three storage areas hold, as text. */
async function storage(browser) {
  return browser.worker.evaluate(async () => ({
    local: JSON.stringify(await chrome.storage.local.get(null)),
    session: JSON.stringify(await chrome.storage.session.get(null)),
  }));
}

async function until(what, check, timeout = 30000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Both portals signed in with their API tokens, with *Stay signed in* on and the sessions on disk. */
async function twoPortalsStayingSignedIn(browser) {
  await addPortal(browser, ACME, 'token-acme');
  await addPortal(browser, BETA, 'token-beta');
  const options = await browser.openOptions();
  await options.getByRole('checkbox', { name: STAY }).check();
  await options.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor();
  const popup = await browser.openPopup();
  for (const host of [ACME, BETA]) {
    await popup.getByRole('region', { name: host }).getByText('Signed in as alice@acme.io').waitFor();
  }
  await until('both sessions on disk', async () => {
    const { local } = await storage(browser);
    return local.includes('"sessions"') && (local.match(/"state":"active"/g) ?? []).length === 2;
  });
  return { options, popup };
}

/** The options page's export, as an object, and where to write a changed copy. */
async function exported(options) {
  const download = options.waitForEvent('download');
  await options.getByRole('button', { name: 'Export configuration' }).click();
  const file = await (await download).path();
  return { file, data: JSON.parse(readFileSync(file, 'utf8')) };
}

test('an import that turns Stay signed in off takes the tokens off the disk, and one that moves an API host signs that portal out', { timeout: 120000 }, async () => {
  await sim.control('/config', { method: 'PUT', body: config() });
  const browser = await launch({ sim });
  try {
    const { options, popup } = await twoPortalsStayingSignedIn(browser);
    const { file, data } = await exported(options);
    data.settings.staySignedIn = false;
    // The file also says Acme's API answers on this computer (http, no TLS).
    data.portals.find((p) => p.url === `https://${ACME}`).apiHost = 'http://localhost:4444';
    const changed = `${file}.changed.json`;
    writeFileSync(changed, JSON.stringify(data));
    await options.getByLabel('Import configuration').setInputFiles(changed);
    await options.getByRole('status').filter({ hasText: 'Configuration imported' }).waitFor();

    const after = await storage(browser);
    // Beta's API token stays in the configuration (the person typed it); no session is left on disk.
    assert.doesNotMatch(after.local, /"sessions"|token-acme/, 'nothing stranded on disk');
    assert.doesNotMatch(after.session, /token-acme/, "Acme's token is gone, not moved to memory");
    assert.match(after.session, /token-beta/, "Beta's session moved to memory");
    assert.equal(await options.getByRole('checkbox', { name: STAY }).isChecked(), false);
    await popup.reload();
    const acme = popup.getByRole('region', { name: ACME });
    await acme.getByText(/stored API token was removed/).waitFor();
    await acme.getByRole('button', { name: `Sign in to ${ACME}` }).waitFor();
    const log = await sim.log();
    assert.ok(log.every((e) => e.host !== 'localhost:4444'), 'nothing went to the new API host');
  } finally {
    await browser.close();
  }
});

test('an imported file cannot turn on what the policy fixes off', { timeout: 120000 }, async () => {
  const policy = `${POLICY_DIR}/jit-console-e2e-at-rest-${process.pid}.json`;
  mkdirSync(POLICY_DIR, { recursive: true });
  writeFileSync(policy, JSON.stringify({
    '3rdparty': { extensions: { coagfjlccoccbaapfoeiokdflcpeelfj: { settings: { staySignedIn: false } } } },
  }));
  let browser;
  try {
    await sim.control('/config', { method: 'PUT', body: config() });
    browser = await launch({ sim });
    await addPortal(browser, ACME, 'token-acme');
    const options = await browser.openOptions();
    const stay = options.getByRole('checkbox', { name: STAY });
    await until('the policy applied', async () => stay.isDisabled());
    const popup = await browser.openPopup();
    await popup.getByRole('region', { name: ACME }).getByText('Signed in as alice@acme.io').waitFor();

    const { file, data } = await exported(options);
    data.settings.staySignedIn = true;
    const changed = `${file}.changed.json`;
    writeFileSync(changed, JSON.stringify(data));
    await options.getByLabel('Import configuration').setInputFiles(changed);
    await options.getByRole('status').filter({ hasText: 'Configuration imported' }).waitFor();
    assert.equal(await stay.isChecked(), false);
    assert.equal(await stay.isDisabled(), true);
    // Some time for a wrong write to land, then nothing is on disk.
    await new Promise((r) => setTimeout(r, 1000));
    assert.doesNotMatch((await storage(browser)).local, /token-acme"[^}]*"state"|"sessions"/);
  } finally {
    rmSync(policy, { force: true });
    await browser?.close();
  }
});
