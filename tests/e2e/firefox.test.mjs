// The Firefox smoke test: the production build (dist/firefox) in Debian's Firefox ESR,
// the same walking-skeleton scenario as foundation.test.mjs proves in Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { root, startSim } from './harness.mjs';
import {
  launchFirefox, newFirefoxProfile, byRole, waitForRole, clickRole, fill, EXTENSION_UUID, addPortal,
} from './firefox.mjs';

test('Firefox: portals added in the options page show in the popup and survive a restart', { timeout: 120000 }, async () => {
  const profile = newFirefoxProfile();
  let firefox;
  try {
    firefox = await launchFirefox({ profile });
    assert.equal(firefox.addon.isActive, true);
    assert.equal(firefox.addon.temporarilyInstalled, false, 'installed like a user\'s add-on, not temporarily');
    assert.equal(firefox.addon.host, EXTENSION_UUID);

    const options = await firefox.openOptions();
    await fill(options, 'Portal URL', 'https://ACME.duplocloud.net/app/');
    await clickRole(options, 'button', 'Add portal');
    await waitForRole(options, 'listitem', undefined, { text: 'acme.duplocloud.net' });
    await waitForRole(options, 'button', 'Remove acme.duplocloud.net');
    const url = await waitForRole(options, 'textbox', 'Portal URL');
    assert.equal(await url.evaluate((box) => box.value), '', 'a saved portal clears the box');

    // A refused address says why, keeps what was typed and saves nothing.
    await fill(options, 'Portal URL', 'http://acme.duplocloud.net');
    await clickRole(options, 'button', 'Add portal');
    await waitForRole(options, 'alert', undefined, { text: 'must start with https://' });
    assert.equal(await url.evaluate((box) => box.value), 'http://acme.duplocloud.net', 'what the user typed is kept');
    assert.equal((await byRole(options, 'listitem')).length, 1);

    const popup = await firefox.openPopup();
    await waitForRole(popup, 'region', 'acme.duplocloud.net');
    assert.equal(await popup.$$eval('section[aria-label="acme.duplocloud.net"]', (found) => found.length), 1);
    assert.deepEqual(await firefox.problems(), []);
    await firefox.close();
    firefox = undefined;

    firefox = await launchFirefox({ profile });
    const again = await firefox.openPopup();
    await waitForRole(again, 'region', 'acme.duplocloud.net');
    assert.equal((await byRole(again, 'region')).length, 1);
    assert.deepEqual(await firefox.problems(), []);
  } finally {
    await firefox?.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

const simBinary = process.env.DUPLO_SIM ?? join(root, 'target/debug/duplo-sim');

// The extension's own requests (from its background page, not a test page) reach the
// portal by its real host name, over TLS, through the harness's PAC script and proxy: what
// every other Firefox test relies on, shown on the extension's first sign-in.
test('Firefox: the extension signs in to the portal at its real host name, over TLS', {
  timeout: 90000,
  skip: existsSync(simBinary) ? false : `${simBinary} is not built`,
}, async () => {
  const sim = await startSim({
    portals: [{
      name: 'acme',
      users: [{ username: 'alice@acme.io', password: 'pw', admin: false, tenants: ['*'], api_tokens: ['token-acme'] }],
      tenants: [{ name: 'dev01' }],
    }],
  });
  let firefox;
  try {
    firefox = await launchFirefox({ sim });
    await addPortal(firefox, 'acme.duplocloud.net', 'token-acme');
    const popup = await firefox.openPopup();
    await waitForRole(popup, 'button', 'Open AWS console as dev01', { timeout: 20000 });
    const log = await sim.log();
    const signIn = log.find((e) => e.path === '/admin/GetUserRoleInfo');
    assert.ok(signIn, 'the sign-in request reached the portal');
    assert.equal(signIn.host, 'acme.duplocloud.net');
    assert.equal(signIn.token, 'token-acme');
    assert.ok(log.some((e) => e.path === '/admin/GetTenantsForUser' && e.host === 'acme.duplocloud.net'));
    assert.ok(firefox.proxy.connects.includes('acme.duplocloud.net:443'), 'through the tunnel, TLS end to end');
    assert.deepEqual(await firefox.problems(), []);
  } finally {
    await firefox?.close();
    await sim.close();
  }
});
