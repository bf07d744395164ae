// Issue 19, part 2: AWS's multi-session console holds five sessions per browser. In Chromium
// against the simulator (which refuses a sixth sign-in, as AWS does): the popup says how many
// are signed in; opening a sixth identity offers to sign out the one used least recently,
// names it, and on acceptance signs that session out on its own host on the way to the new
// console, which then opens signed in. A further tab of an identity signed in already opens
// on its own session, with no sign-in and no one signed out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, startSim, addPortal } from './harness.mjs';

const ACME = 'acme.duplocloud.net';
const ACCOUNT = '123456789012';
const NAMES = ['dev01', 'dev02', 'qa', 'staging', 'prod', 'sandbox'];

let sim;
before(async () => {
  sim = await startSim({
    console_mode: 'multi',
    portals: [{
      name: 'acme',
      account_id: ACCOUNT,
      users: [{ username: 'alice@acme.io', password: 'pw', admin: false, tenants: ['*'], api_tokens: ['api-token-alice'] }],
      tenants: NAMES.map((name) => ({ name })),
    }],
  });
});
after(async () => { await sim?.close(); });

/** The console tab signed in as `tenant` (its page names the role), once it shows. */
async function consoleOf(browser, tenant, timeout = 20000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    for (const page of browser.context.pages()) {
      if (page.isClosed() || !/console\.aws\.amazon\.com$/.test(new URL(page.url() || 'about:blank').hostname || '')) continue;
      const identity = await page.locator('#identity').textContent({ timeout: 500 }).catch(() => '');
      if (identity?.startsWith(`duploservices-${tenant}/`)) return page;
    }
    if (Date.now() > deadline) throw new Error(`no console of ${tenant}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('the popup counts the sessions, and a sixth identity is offered room by signing out the one used least recently', { timeout: 240000 }, async () => {
  const browser = await launch({ sim });
  try {
    await addPortal(browser, ACME, 'api-token-alice');
    const popup = await browser.openPopup();
    const region = popup.getByRole('region', { name: ACME });
    const consoles = {};
    for (const name of NAMES.slice(0, 5)) {
      await popup.bringToFront();
      await region.getByRole('button', { name: `Open AWS console as ${name}` }).click();
      consoles[name] = await consoleOf(browser, name);
    }
    await popup.bringToFront();
    await popup.getByText('AWS console sessions: 5 of 5').waitFor();

    // A second tab of prod (Ctrl-click) opens on prod's own session: no sign-in, no offer,
    // nobody signed out, still 5 of 5.
    const logins = (log) => log.filter((e) => e.path === '/federation' && /Action=login/.test(e.query)).length;
    const loginsBefore = logins(await sim.log());
    const prodHost = new URL(consoles.prod.url()).hostname;
    const pagesBefore = new Set(browser.context.pages());
    await region.getByRole('button', { name: 'Open AWS console as prod' }).click({ modifiers: ['Control'] });
    let second;
    for (const deadline = Date.now() + 20000; !second; await new Promise((r) => setTimeout(r, 100))) {
      second = browser.context.pages().find((p) => !pagesBefore.has(p) && new URL(p.url() || 'about:blank').hostname === prodHost);
      if (Date.now() > deadline) throw new Error(`no second prod tab: ${browser.context.pages().map((p) => p.url())}`);
    }
    await second.locator('#identity').waitFor();
    assert.match(await second.locator('#identity').textContent(), /^duploservices-prod\//);
    assert.equal(logins(await sim.log()), loginsBefore, 'no second sign-in for prod');
    assert.equal(await popup.getByRole('alertdialog').count(), 0, 'no offer to make room');
    await consoles.dev01.reload();
    assert.match(await consoles.dev01.locator('#identity').textContent(), /^duploservices-dev01\//, 'dev01 still signed in');
    await second.close();
    await popup.bringToFront();
    await popup.getByText('AWS console sessions: 5 of 5').waitFor();

    // The sixth: nothing opens yet; the popup asks, naming the least recently used.
    const tabs = browser.context.pages().length;
    await region.getByRole('button', { name: 'Open AWS console as sandbox' }).click();
    const offer = popup.getByRole('alertdialog');
    await offer.getByText('AWS allows 5 console sessions at once, and 5 are signed in. Sign out of dev01, used least recently, to open sandbox?').waitFor();
    assert.equal(browser.context.pages().length, tabs, 'no tab before the person agrees');

    const dev01Url = consoles.dev01.url();
    const dev01Host = new URL(dev01Url).hostname;
    await offer.getByRole('button', { name: 'Sign out of dev01 and open sandbox' }).click();
    const sandbox = await consoleOf(browser, 'sandbox');
    assert.match(new URL(sandbox.url()).hostname, new RegExp(`^${ACCOUNT}-[a-z0-9]{8}\\.us-west-2\\.console\\.aws\\.amazon\\.com$`));
    assert.equal(await offer.count(), 0, 'the offer is gone');

    // dev01's session was signed out on its own host on the way; the others are untouched.
    const log = await sim.log();
    assert.ok(log.some((e) => e.host === dev01Host && e.path === '/oauth' && e.status === 302), JSON.stringify(log.filter((e) => e.path === '/oauth')));
    const probe = await browser.context.newPage();
    const answer = await probe.goto(dev01Url);
    assert.match(probe.url(), /^https:\/\/signin\.aws\.amazon\.com\/signin\?/, `dev01 is signed out (${answer?.status()})`);
    await probe.goto(consoles.qa.url());
    assert.match(await probe.locator('#identity').textContent(), /^duploservices-qa\//);
    await probe.close();
    await popup.bringToFront();
    await popup.getByText('AWS console sessions: 5 of 5').waitFor();
    assert.deepEqual(browser.problems, []);
  } finally {
    await browser.close();
  }
});
