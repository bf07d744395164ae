// Issue 5: federated AWS Console tabs per tenant, in Chromium against the simulator.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSim, waitForTab, requestsTo, hostOf, signedInPopup, watchClipboard } from './harness.mjs';

const ACME = 'acme.duplocloud.net';
const ACCOUNT = '123456789012';

function config({ portal = {}, ...top } = {}) {
  return {
    ...top,
    portals: [{
      name: 'acme',
      account_id: ACCOUNT,
      users: [{ username: 'alice@acme.io', password: 'pw', admin: true, tenants: ['*'], api_tokens: ['api-token-alice'] }],
      tenants: [{ name: 'dev01' }, { name: 'prod', validity: 7200 }],
      ...portal,
    }],
  };
}

let sim;
before(async () => { sim = await startSim(config()); });
after(async () => { await sim?.close(); });

/** A browser signed in to acme with its API token, the popup open on the tenant list. */
async function ready(cfg = config()) {
  return signedInPopup(sim, cfg, { host: ACME, apiToken: 'api-token-alice', firstTenant: 'dev01' });
}

const jitCalls = async () => (await sim.log()).filter((e) => e.path.includes('GetAwsConsoleTokenUrl') || e.path.includes('jitAccess') || e.path.includes('adminproxy'));

/** The console tab that shows `role` signed in. */
async function consoleAs(browser, role) {
  const tab = await waitForTab(browser, (u) => u.hostname.endsWith('console.aws.amazon.com'), 20000);
  await tab.locator('#identity').filter({ hasText: role }).waitFor({ timeout: 20000 });
  return tab;
}

test('a tenant console opens signed in, in its tab group, and shows the time left', { timeout: 90000 }, async () => {
  const { browser, region } = await ready();
  try {
    await region.getByRole('button', { name: 'Open AWS console as dev01' }).click();
    const tab = await consoleAs(browser, `duploservices-dev01/alice@acme.io @ ${ACCOUNT}`);
    assert.match(await tab.locator('#location').innerText(), /^\/console\/home\?region=us-west-2/);
    const item = region.getByRole('listitem').filter({ has: region.page().getByRole('button', { name: 'Open AWS console as dev01' }) });
    await item.getByText(/^expires in (59|60) min$/).waitFor();

    // Chrome: the tab sits in a group named after the tenant.
    const group = await browser.worker.evaluate(async () => {
      const [tab] = await chrome.tabs.query({ url: 'https://*.console.aws.amazon.com/*' });
      const group = await chrome.tabGroups.get(tab.groupId);
      return { title: group.title, color: group.color };
    });
    assert.match(group.title, /^dev01 · (59|60)m$/, 'named after the tenant, with the time left');
    assert.ok(group.color);

    // Credentials went only to the portal and to AWS sign-in, never elsewhere.
    const hosts = new Set((await sim.log()).map((e) => e.host));
    for (const host of hosts) assert.match(host, /^(acme\.duplocloud\.net|signin\.aws\.amazon\.com|([a-z0-9-]+\.)?console\.aws\.amazon\.com)$/);
    assert.deepEqual(browser.problems, []);
  } finally {
    await browser.close();
  }
});

test('a second click uses the cache and focuses the open console; ten fast clicks make one request', { timeout: 90000 }, async () => {
  const { browser, popup, region } = await ready();
  try {
    await region.getByRole('button', { name: 'Open AWS console as dev01' }).click();
    await consoleAs(browser, 'duploservices-dev01');
    const tabsBefore = browser.context.pages().length;
    await region.getByRole('button', { name: 'Open AWS console as dev01' }).click();
    await popup.waitForTimeout(500);
    assert.equal(browser.context.pages().length, tabsBefore, 'focused, not reopened');
    assert.equal((await jitCalls()).length, 1, 'no new portal request');

    // Ten clicks at once on another tenant (the same message the button sends).
    await popup.evaluate(async () => {
      const open = { key: { origin: 'https://acme.duplocloud.net', role: { kind: 'tenant', id: document.querySelector('button[data-name="prod"]').dataset.id, name: 'prod' } }, destination: { kind: 'home' }, newTab: false };
      await Promise.all(Array.from({ length: 10 }, () => chrome.runtime.sendMessage({ type: 'openConsole', open, otp: null })));
    });
    await waitForTab(browser, (u) => u.hostname.endsWith('console.aws.amazon.com') && browser.context.pages().length > tabsBefore);
    const prodCalls = (await jitCalls()).filter((e) => e.path.startsWith('/subscriptions/'));
    assert.equal(prodCalls.length, 2, `dev01 once and prod once, not ${prodCalls.length}`);
    await popup.waitForTimeout(1000);
    assert.equal(browser.context.pages().length, tabsBefore + 1, 'one console tab for ten clicks');
  } finally {
    await browser.close();
  }
});

test('a ConsoleUrl that points elsewhere is never followed', { timeout: 90000 }, async () => {
  const { browser, region } = await ready(config({ portal: { console_url: 'foreign' } }));
  try {
    await region.getByRole('button', { name: 'Open AWS console as dev01' }).click();
    await consoleAs(browser, 'duploservices-dev01');
    const log = await sim.log();
    assert.equal(log.filter((e) => e.host.endsWith('foreign.example')).length, 0, 'nothing went to the foreign host');
    assert.ok(log.some((e) => e.host === 'signin.aws.amazon.com' && e.query.includes('getSigninToken')), 'signed in from the credentials instead');
  } finally {
    await browser.close();
  }
});

test('single-session console: switching tenant signs out first and the popup marks who holds the console', { timeout: 90000 }, async () => {
  const { browser, region } = await ready();
  try {
    await region.getByRole('button', { name: 'Open AWS console as dev01' }).click();
    const first = await consoleAs(browser, 'duploservices-dev01');
    const dev = region.getByRole('listitem').filter({ has: region.page().getByRole('button', { name: 'Open AWS console as dev01' }) });
    await dev.getByText('signed in to the AWS console').waitFor();
    await region.getByRole('button', { name: 'Open AWS console as prod' }).click();
    const tabs = () => browser.context.pages().filter((p) => hostOf(p).endsWith('console.aws.amazon.com'));
    for (let i = 0; i < 100 && tabs().length < 2; i++) await first.waitForTimeout(100);
    const second = tabs().find((p) => p !== first);
    await second.locator('#identity').filter({ hasText: 'duploservices-prod' }).waitFor();
    assert.ok((await requestsTo(sim, 'signin.aws.amazon.com', '/oauth')).some((e) => e.query.includes('Action=logout')), 'signed out before');
    const prod = region.getByRole('listitem').filter({ has: region.page().getByRole('button', { name: 'Open AWS console as prod' }) });
    await prod.getByText('signed in to the AWS console').waitFor();
    await dev.getByText('signed in to the AWS console').waitFor({ state: 'detached' });
  } finally {
    await browser.close();
  }
});

test('multi-session console: two tenants side by side, never signed out', { timeout: 90000 }, async () => {
  const { browser, region } = await ready(config({ console_mode: 'multi' }));
  try {
    await region.getByRole('button', { name: 'Open AWS console as dev01' }).click();
    const first = await consoleAs(browser, 'duploservices-dev01');
    assert.match(new URL(first.url()).hostname, /^\d{12}-[a-z0-9]{8}\.us-west-2\.console\.aws\.amazon\.com$/);
    await region.getByRole('button', { name: 'Open AWS console as prod' }).click();
    const tabs = () => browser.context.pages().filter((p) => /^\d{12}-/.test(hostOf(p)));
    for (let i = 0; i < 100 && tabs().length < 2; i++) await first.waitForTimeout(100);
    const second = tabs().find((p) => p !== first);
    await second.locator('#identity').filter({ hasText: 'duploservices-prod' }).waitFor();
    await first.reload();
    await first.locator('#identity').filter({ hasText: 'duploservices-dev01' }).waitFor();
    assert.equal((await requestsTo(sim, 'signin.aws.amazon.com', '/oauth')).length, 0, 'no logout in multi-session mode');
  } finally {
    await browser.close();
  }
});

test('deep links: a service in a region, and an ARN, land on their pages', { timeout: 90000 }, async () => {
  const { browser, region } = await ready();
  try {
    await region.getByRole('button', { name: 'More for dev01' }).click();
    await region.getByLabel('Service').selectOption('s3');
    await region.getByRole('button', { name: 'Open service as dev01' }).click();
    const s3 = await consoleAs(browser, 'duploservices-dev01');
    assert.equal(new URL(s3.url()).hostname, 's3.console.aws.amazon.com');
    assert.match(await s3.locator('#location').innerText(), /^\/s3\//);
    await s3.close();

    await region.getByLabel('ARN').fill('arn:aws:lambda:us-east-1:123456789012:function:orders-api');
    await region.getByRole('button', { name: 'Open this ARN as dev01' }).click();
    const lambda = await consoleAs(browser, 'duploservices-dev01');
    assert.equal(new URL(lambda.url()).hostname, 'us-east-1.console.aws.amazon.com');
    assert.match(await lambda.locator('#location').innerText(), /^\/lambda\/home\?region=us-east-1/);
    assert.match(new URL(lambda.url()).hash, /orders-api/);

    await region.getByLabel('ARN').fill('not-an-arn');
    await region.getByRole('button', { name: 'Open this ARN as dev01' }).click();
    await region.page().getByRole('alert').filter({ hasText: 'is not an AWS ARN' }).waitFor();
  } finally {
    await browser.close();
  }
});

test('each copy format puts the credentials on the clipboard, only when asked', { timeout: 90000 }, async () => {
  const { browser, popup, region } = await ready();
  try {
    await watchClipboard(popup);
    await region.getByRole('button', { name: 'More for dev01' }).click();
    const formats = [
      ['bash / zsh', (c, k) => c.includes(`export AWS_ACCESS_KEY_ID='${k}'`) && c.includes('export AWS_SESSION_TOKEN=')],
      ['fish', (c, k) => c.includes(`set -gx AWS_ACCESS_KEY_ID '${k}'`)],
      ['PowerShell', (c, k) => c.includes(`$Env:AWS_ACCESS_KEY_ID = '${k}'`)],
      ['credential_process JSON', (c, k) => { const j = JSON.parse(c); return j.Version === 1 && j.AccessKeyId === k && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(j.Expiration); }],
      ['console link', (c) => c.startsWith('https://signin.aws.amazon.com/federation?Action=login&')],
    ];
    for (const [label, check] of formats) {
      await region.getByRole('button', { name: `Copy ${label} for dev01` }).click();
      await popup.getByRole('status').filter({ hasText: `Copied ${label} credentials for dev01` }).waitFor();
      const clip = await popup.evaluate(() => window.copied.at(-1));
      const secrets = await sim.control('/secrets');
      const key = secrets.access_key_ids.at(-1);
      assert.ok(check(clip, key), `${label}: ${clip.slice(0, 80)}`);
    }
    assert.equal((await jitCalls()).length, 1, 'copies reuse the cached credentials');
  } finally {
    await browser.close();
  }
});

test('administrator console, with a one-time code when the portal needs one', { timeout: 90000 }, async () => {
  const { browser, region } = await ready(config({ portal: { otp: true, otp_code: '424242' } }));
  try {
    await region.getByRole('button', { name: 'Open AWS console as administrator' }).click();
    const code = region.getByLabel(`One-time code for ${ACME}`);
    await code.fill('000000');
    await region.getByRole('button', { name: 'Continue' }).click();
    await region.page().getByRole('alert').filter({ hasText: 'did not accept that one-time code' }).waitFor();
    await code.fill('424242');
    await region.getByRole('button', { name: 'Continue' }).click();
    await consoleAs(browser, `duplo-admin/alice@acme.io @ ${ACCOUNT}`);
    const adminCalls = (await jitCalls()).filter((e) => e.path.includes('jitAccess/admin'));
    assert.deepEqual(adminCalls.map((e) => e.otp), ['000000', '424242']);
    // Tenant calls never carry the code.
    await region.getByRole('button', { name: 'Open AWS console as dev01' }).click();
    await waitForTab(browser, () => true);
    for (let i = 0; i < 50 && !(await jitCalls()).some((e) => e.path.startsWith('/subscriptions/')); i++) await region.page().waitForTimeout(100);
    assert.ok((await jitCalls()).filter((e) => e.path.startsWith('/subscriptions/')).every((e) => e.otp === null));
  } finally {
    await browser.close();
  }
});

test('the older admin endpoint is used when the portal lacks the v3 one', { timeout: 90000 }, async () => {
  const { browser, region } = await ready(config({ portal: { admin_jit_api: 'legacy' } }));
  try {
    await region.getByRole('button', { name: 'Open AWS console as administrator' }).click();
    await consoleAs(browser, 'duplo-admin');
    const paths = (await jitCalls()).map((e) => `${e.status} ${e.path}`);
    assert.deepEqual(paths, ['404 /v3/admin/aws/jitAccess/admin', '200 /adminproxy/GetJITAwsConsoleAccessUrl']);
  } finally {
    await browser.close();
  }
});
