// Issue 19, part 3: Kubernetes JIT credentials from the popup, in Chromium against the
// simulator. The copied kubeconfig is read by a YAML parser and the ExecCredential checked
// against what the Kubernetes client-authentication schema requires.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseYaml } from 'yaml';
import { startSim, logInToPortal, signedInPopup, watchClipboard } from './harness.mjs';

const ACME = 'acme.duplocloud.net';
const DEV01 = '5d0a7c3e-0000-4000-8000-00000000d001';

function config({ portal = {} } = {}) {
  return {
    portals: [{
      name: 'acme',
      users: [{ username: 'alice@acme.io', password: 'pw', admin: false, tenants: ['*'], api_tokens: ['api-token-alice'] }],
      tenants: [{ id: DEV01, name: 'dev01' }, { name: 'prod', kubernetes: false }],
      ...portal,
    }],
  };
}

let sim;
before(async () => { sim = await startSim(config()); });
after(async () => { await sim?.close(); });

/** A browser signed in to acme with its API token, the popup open and watching the clipboard. */
async function ready(cfg = config()) {
  const ready = await signedInPopup(sim, cfg, { host: ACME, apiToken: 'api-token-alice', firstTenant: 'dev01' });
  await watchClipboard(ready.popup);
  return ready;
}

const k8sCalls = async () => (await sim.log()).filter((e) => e.path.includes('k8s') || e.path.includes('GetK8ClusterConfig'));

/** The JWT's claims, read as duploctl reads them (signature not verified). */
function claims(token) {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

async function copy(popup, region, label) {
  await region.getByRole('button', { name: `Copy ${label} for dev01` }).click();
  await popup.getByRole('status').filter({ hasText: `Copied ${label} credentials for dev01` }).waitFor();
  return popup.evaluate(() => window.copied.at(-1));
}

test('a tenant with Kubernetes offers its kubeconfig and ExecCredential, each exactly what kubectl reads', { timeout: 120000 }, async () => {
  const { browser, popup, region } = await ready();
  try {
    // prod has no Kubernetes: its panel offers none, once the portal has said so.
    await region.getByRole('button', { name: 'More for prod' }).click();
    for (let i = 0; i < 100 && !(await sim.log()).some((e) => e.path.startsWith('/v3/features/tenant/')); i++) await popup.waitForTimeout(50);
    await popup.waitForTimeout(300);
    assert.equal(await region.getByRole('button', { name: 'Copy kubeconfig for prod' }).count(), 0);
    assert.equal(await region.getByRole('group', { name: 'Kubernetes' }).count(), 0);

    await region.getByRole('button', { name: 'More for dev01' }).click();
    await region.getByRole('button', { name: 'Copy kubeconfig for dev01' }).waitFor();
    assert.equal((await k8sCalls()).length, 0, 'nothing is asked of the cluster access until a copy');

    const kubeconfig = parseYaml(await copy(popup, region, 'kubeconfig'));
    const secrets = await sim.control('/secrets');
    assert.equal(secrets.k8s_tokens.length, 1);
    const token = secrets.k8s_tokens[0];
    const name = `${ACME}-dev01`;
    assert.equal(kubeconfig.apiVersion, 'v1');
    assert.equal(kubeconfig.kind, 'Config');
    assert.equal(kubeconfig['current-context'], name);
    assert.equal(kubeconfig.clusters.length, 1);
    assert.equal(kubeconfig.clusters[0].name, name);
    assert.match(kubeconfig.clusters[0].cluster.server, /^https:\/\/[0-9A-F]{32}\.gr7\.us-west-2\.eks\.amazonaws\.com$/);
    const ca = Buffer.from(kubeconfig.clusters[0].cluster['certificate-authority-data'], 'base64').toString('utf8');
    assert.match(ca, /^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n?$/);
    assert.deepEqual(kubeconfig.users, [{ name, user: { token } }]);
    assert.deepEqual(kubeconfig.contexts, [{ name, context: { cluster: name, user: name, namespace: 'duploservices-dev01' } }]);

    // The ExecCredential: client.authentication.k8s.io/v1beta1 requires kind, apiVersion
    // and a status with a token (or a client certificate); the expiry is RFC 3339.
    const exec = JSON.parse(await copy(popup, region, 'ExecCredential'));
    assert.equal(exec.kind, 'ExecCredential');
    assert.equal(exec.apiVersion, 'client.authentication.k8s.io/v1beta1');
    assert.equal(exec.status.token, token);
    const exp = new Date(claims(token).exp * 1000).toISOString().replace('.000Z', 'Z');
    assert.equal(exec.status.expirationTimestamp, exp);
    assert.equal(exec.spec.cluster.server, kubeconfig.clusters[0].cluster.server);
    assert.equal(exec.spec.interactive, false);

    assert.deepEqual((await k8sCalls()).map((e) => `${e.status} ${e.path}`), [`200 /v3/subscriptions/${DEV01}/k8s/jitAccess`],
      'the second copy used the token held');

    // The cluster token is kept in the worker's memory only.
    const stored = await browser.worker.evaluate(async () => JSON.stringify([
      await chrome.storage.local.get(null), await chrome.storage.session.get(null),
    ]));
    assert.ok(!stored.includes(token), 'the cluster token is never stored');
  } finally {
    await browser.close();
  }
});

test('an Azure-like cluster without a CA, on an older portal: the older path, and no CA data', { timeout: 120000 }, async () => {
  const cfg = config({ portal: { k8s_jit_api: 'legacy', k8s_overrides: { CertificateAuthorityDataBase64: null } } });
  const { browser, popup, region } = await ready(cfg);
  try {
    await region.getByRole('button', { name: 'More for dev01' }).click();
    const kubeconfig = parseYaml(await copy(popup, region, 'kubeconfig'));
    const cluster = kubeconfig.clusters[0].cluster;
    assert.equal(cluster['certificate-authority-data'], undefined);
    assert.equal(cluster['insecure-skip-tls-verify'], true);
    assert.deepEqual((await k8sCalls()).map((e) => `${e.status} ${e.path}`), [
      `404 /v3/subscriptions/${DEV01}/k8s/jitAccess`,
      `200 /subscriptions/${DEV01}/GetK8ClusterConfigByTenant`,
    ]);
  } finally {
    await browser.close();
  }
});

test('a hostile cluster address is refused with a sentence and nothing is copied', { timeout: 120000 }, async () => {
  const { browser, popup, region } = await ready(config({ portal: { k8s_overrides: { ApiServer: 'http://evil.example' } } }));
  try {
    await region.getByRole('button', { name: 'More for dev01' }).click();
    await region.getByRole('button', { name: 'Copy kubeconfig for dev01' }).click();
    await popup.getByRole('alert').filter({ hasText: 'cannot use safely' }).waitFor();
    assert.deepEqual(await popup.evaluate(() => window.copied), []);
  } finally {
    await browser.close();
  }
});

test('the context menu on a tenant\'s portal page copies its kubeconfig through the offscreen document', { timeout: 120000 }, async () => {
  const { browser } = await ready();
  try {
    // The portal's page of dev01, allowed to read the clipboard so the test can see it.
    const page = await logInToPortal(browser, sim, { next: `/app/devops/${DEV01}/services` });
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: `https://${ACME}` });
    await page.bringToFront();
    const pageUrl = page.url();
    // Native menus cannot be clicked: call what the browser calls on a click.
    const click = (menuItemId) => browser.worker.evaluate(([info, tab]) => globalThis.jitConsoleSurfaces.menuClicked(info, tab),
      [{ menuItemId, pageUrl }, { id: 1, url: pageUrl }]);
    const notices = () => browser.worker.evaluate(async () => {
      const all = await chrome.notifications.getAll();
      return Object.keys(all);
    });
    const before = (await notices()).length;
    await click('kube|kubeconfig');
    const clip = await page.evaluate(() => navigator.clipboard.readText());
    const kubeconfig = parseYaml(clip);
    const { k8s_tokens: tokens } = await sim.control('/secrets');
    assert.deepEqual(kubeconfig.users, [{ name: `${ACME}-dev01`, user: { token: tokens.at(-1) } }]);
    assert.equal((await notices()).length, before + 1, 'a notification says what was copied');
    // The offscreen document is gone again.
    const contexts = await browser.worker.evaluate(() => chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'] }));
    assert.deepEqual(contexts, []);

    await click('kube|execCredential');
    const exec = JSON.parse(await page.evaluate(() => navigator.clipboard.readText()));
    assert.equal(exec.status.token, tokens.at(-1));
    assert.deepEqual(browser.problems, []);
  } finally {
    await browser.close();
  }
});
