// Issue 18, journey 9 in Firefox ESR: a browser restart keeps portals, settings and
// favourites; the portal session is kept only when the person chose *Stay signed in*; a
// console opened after the restart is renewed in place.
// The Chromium counterpart is "sessions end with the browser unless the user chose to stay
// signed in" in sessions.test.mjs.
//
// How Firefox differs: the extension's background is an event page that Firefox starts
// again with the browser (no service worker); storage.session is memory-only in both
// browsers. The profile keeps the add-on installed like a user's (tests/e2e/firefox.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { root, startSim } from './harness.mjs';
import {
  launchFirefox, newFirefoxProfile, waitForRole, clickRole, waitUntil, addPortal, logInToPortal, openConsoleOn, renewedInPlace,
} from './firefox.mjs';

const ACME = 'acme.duplocloud.net';
const PAGE = 'https://us-west-2.console.aws.amazon.com/s3/buckets/logs?region=us-west-2';
const config = {
  portals: [{
    name: 'acme',
    users: [{ username: 'alice@acme.io', password: 'pw', admin: false, tenants: ['*'], api_tokens: [] }],
    // dev01's credentials last 40 s: its console is due for renewal 30 s after it opens.
    tenants: [{ name: 'dev01', validity: 40 }, { name: 'prod' }, { name: 'qa' }],
  }],
};
const simBinary = process.env.DUPLO_SIM ?? join(root, 'target/debug/duplo-sim');

async function says(page, text, timeout = 20000) {
  await waitUntil(() => page.evaluate((t) => document.body.innerText.includes(t), text),
    { timeout, interval: 200, message: `the page to say "${text}"` });
}

/** The tenant names in the order the popup lists them. */
const tenants = (popup) => popup.evaluate(() => [...document.querySelectorAll('button.tenant-open')].map((b) => b.dataset.name));

/** What the extension keeps on disk, as text (from one of its pages). */
const onDisk = (page) => page.evaluate(async () => JSON.stringify(await browser.storage.local.get(null)));

test('Firefox: a restart keeps portals, settings and favourites; the session only with "Stay signed in"', {
  timeout: 240000,
  skip: existsSync(simBinary) ? false : `${simBinary} is not built`,
}, async () => {
  const sim = await startSim(config);
  const profile = newFirefoxProfile();
  let firefox;
  try {
    // Signed in with zero clicks from an open portal tab; prod made a favourite.
    firefox = await launchFirefox({ profile, sim });
    await logInToPortal(firefox, sim);
    await addPortal(firefox, ACME);
    let popup = await firefox.openPopup();
    await says(popup, 'Signed in as alice@acme.io');
    await popup.bringToFront();
    await clickRole(popup, 'button', 'Favourite prod', { timeout: 20000 });
    await waitUntil(async () => (await tenants(popup))[0] === 'prod', { message: 'prod pinned first' });
    const { portal_tokens: tokens } = await sim.control('/secrets');
    assert.ok(tokens.length > 0);
    const local = await onDisk(popup);
    assert.ok(tokens.every((t) => !local.includes(t)), 'no portal token on disk by default');
    assert.deepEqual(await firefox.problems(), []);
    await firefox.close();

    // Restarted: the portal and the favourite are there, the session is not.
    firefox = await launchFirefox({ profile, sim });
    popup = await firefox.openPopup();
    await waitForRole(popup, 'button', `Sign in to ${ACME}`, { timeout: 20000 });
    // Stay signed in, then sign in again (the portal's login ended with the browser too).
    const options = await firefox.openOptions();
    const stay = await waitForRole(options, 'checkbox', 'Stay signed in after the browser restarts');
    assert.equal(await stay.evaluate((box) => box.checked), false);
    await stay.click();
    await says(options, 'Settings saved.');
    await logInToPortal(firefox, sim);
    await popup.bringToFront();
    await clickRole(popup, 'button', `Sign in to ${ACME}`);
    await says(popup, 'Signed in as alice@acme.io');
    assert.equal((await tenants(popup))[0], 'prod', 'the favourite survived the restart');
    // Once the policy is known (none here), the session goes to disk, as the person chose.
    await waitUntil(async () => {
      const { portal_tokens: now } = await sim.control('/secrets');
      const disk = await onDisk(options);
      return now.some((t) => disk.includes(t));
    }, { timeout: 20000, message: 'the session on disk' });
    assert.deepEqual(await firefox.problems(), []);
    await firefox.close();

    // Restarted again: signed in without the portal, the setting kept.
    const requestsBefore = (await sim.log()).length;
    firefox = await launchFirefox({ profile, sim });
    popup = await firefox.openPopup();
    await says(popup, 'Signed in as alice@acme.io');
    assert.equal((await tenants(popup))[0], 'prod');
    const again = await firefox.openOptions();
    const kept = await waitForRole(again, 'checkbox', 'Stay signed in after the browser restarts');
    assert.equal(await kept.evaluate((box) => box.checked), true);
    // No login page was needed: no request to the portal's login or authorization pages.
    const pages = (await sim.log()).slice(requestsBefore).filter((e) => e.path.startsWith('/app/user') || e.path.startsWith('/login'));
    assert.deepEqual(pages.map((e) => e.path), []);
    // A console opened after the restart is renewed in place by the new event page's alarm,
    // in the background, on the page it showed.
    const dev = await openConsoleOn(firefox, popup, 'dev01', PAGE);
    await popup.bringToFront();
    const renewed = await renewedInPlace(firefox, dev, 'dev01', 45000);
    assert.match(renewed.location, /^\/s3\/buckets\/logs\?region=us-west-2/);
    assert.deepEqual(await firefox.problems(), []);
  } finally {
    await firefox?.close();
    rmSync(profile, { recursive: true, force: true });
    await sim.close();
  }
});
