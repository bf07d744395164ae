// The Firefox smoke test: the production build (dist/firefox) in Debian's Firefox ESR,
// the same walking-skeleton scenario as foundation.test.mjs proves in Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { root, startSim } from './harness.mjs';
import {
  launchFirefox, newFirefoxProfile, byRole, waitForRole, fill, waitUntil, EXTENSION_UUID,
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
    await (await waitForRole(options, 'button', 'Add portal')).click();
    await waitForRole(options, 'listitem', undefined, { text: 'acme.duplocloud.net' });
    await waitForRole(options, 'button', 'Remove acme.duplocloud.net');
    const url = await waitForRole(options, 'textbox', 'Portal URL');
    assert.equal(await url.evaluate((box) => box.value), '', 'a saved portal clears the box');

    // A refused address says why, keeps what was typed and saves nothing.
    await fill(options, 'Portal URL', 'http://acme.duplocloud.net');
    await (await waitForRole(options, 'button', 'Add portal')).click();
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

test('Firefox: the simulated host names reach the simulator', {
  timeout: 90000,
  skip: existsSync(simBinary) ? false : `${simBinary} is not built`,
}, async () => {
  const sim = await startSim();
  let firefox;
  try {
    firefox = await launchFirefox({ sim });
    // A page load, through the PAC script, the CONNECT proxy and the self-signed certificate.
    const page = await firefox.openWeb('https://nosuch-firefox.duplocloud.net/');
    await waitUntil(() => page.evaluate(() => document.querySelector('h1')?.textContent === 'No such portal'),
      { message: 'the simulator\'s page' });
    // A request made by the extension itself takes the same route.
    const options = await firefox.openOptions();
    await options.evaluate(() => fetch('https://foreign.example/firefox-probe', { mode: 'no-cors' }).then(() => true));
    const hosts = await waitUntil(async () => {
      const log = await sim.log();
      const entries = Array.isArray(log) ? log : (log.entries ?? []);
      const seen = new Set(entries.map((entry) => entry.host));
      return seen.has('nosuch-firefox.duplocloud.net') && seen.has('foreign.example') && seen;
    }, { message: 'both requests in the simulator\'s log' });
    assert.ok(hosts.has('foreign.example'));
    assert.ok(firefox.proxy.connects.includes('nosuch-firefox.duplocloud.net:443'));
    assert.deepEqual(await firefox.problems(), []);
  } finally {
    await firefox?.close();
    await sim.close();
  }
});
