// Issue 18, journey 8 in Firefox ESR: the administrator's policy through Firefox's
// policies.json (`3rdparty.Extensions`), which the extension reads as storage.managed.
// The Chromium counterpart ("a portal pushed by the administrator's policy …") is in
// surfaces.test.mjs, through Chromium's managed policy directory.
//
// How Firefox differs: the policy is one machine-wide file, /etc/firefox/policies/policies.json
// (Firefox on Linux; on other systems its distribution folder or the registry), read at
// start-up; the test skips when the machine's own administrator has one there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { root, startSim } from './harness.mjs';
import {
  launchFirefox, waitForRole, waitUntil, addPortal, writeFirefoxPolicy, removeFirefoxPolicy, foreignFirefoxPolicy, byRole,
} from './firefox.mjs';

const ACME = 'acme.duplocloud.net';
const BETA = 'beta.duplocloud.net';
const user = (name) => ({ username: 'alice@acme.io', password: 'pw', admin: false, tenants: ['*'], api_tokens: [`token-${name}`] });
const config = {
  portals: [
    { name: 'acme', users: [user('acme')], tenants: [{ name: 'dev01' }] },
    { name: 'beta', users: [user('beta')], tenants: [{ name: 'beta-dev' }] },
  ],
};
const simBinary = process.env.DUPLO_SIM ?? join(root, 'target/debug/duplo-sim');

async function says(page, text) {
  await waitUntil(() => page.evaluate((t) => document.body.innerText.includes(t), text),
    { timeout: 20000, interval: 200, message: `the page to say "${text}"` });
}

test('Firefox: a portal and a setting pushed by policies.json are managed and cannot be removed', {
  timeout: 150000,
  skip: !existsSync(simBinary) ? `${simBinary} is not built`
    : foreignFirefoxPolicy() ? 'this machine has a Firefox policy of its own' : false,
}, async () => {
  const sim = await startSim(config);
  writeFirefoxPolicy({
    portals: [{ url: `https://${BETA}`, name: 'Beta (IT)', colour: 'purple' }],
    settings: { autoRenew: false },
  });
  let firefox;
  try {
    firefox = await launchFirefox({ sim });
    const options = await firefox.openOptions();
    await says(options, 'Beta (IT)');
    await says(options, 'Set by your organisation');
    assert.equal((await byRole(options, 'button', `Remove ${BETA}`)).length, 0);
    const renew = await waitUntil(async () => {
      for (const box of await byRole(options, 'checkbox')) {
        const name = await box.evaluate((el) => el.labels?.[0]?.textContent ?? el.getAttribute('aria-label') ?? '');
        if (/Renew AWS console sessions automatically/.test(name)) return box;
      }
      return null;
    }, { message: 'the automatic renewal checkbox' });
    assert.deepEqual(await renew.evaluate((el) => [el.disabled, el.checked]), [true, false]);
    // Not even a forged request removes it.
    const answer = await options.evaluate(() => browser.runtime.sendMessage({ type: 'removePortal', origin: 'https://beta.duplocloud.net' }));
    assert.equal(answer.type, 'error');
    assert.match(answer.message.name, /portalManaged/);
    // The person's own portal works beside it, in the popup too.
    await addPortal(firefox, ACME, 'token-acme');
    const popup = await firefox.openPopup();
    await waitForRole(popup, 'region', BETA, { timeout: 20000 });
    await waitForRole(popup, 'region', ACME);
    await says(popup, 'Managed');
    assert.deepEqual(await firefox.problems(), []);
  } finally {
    await firefox?.close();
    removeFirefoxPolicy();
    await sim.close();
  }
});
