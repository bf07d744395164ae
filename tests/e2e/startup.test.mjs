// Issue 15: usable the moment the browser starts. After every browser start Chromium takes
// seconds to hand over `storage.managed` (1.8-6.7 s measured on these machines, with no
// policy installed); the worker of 072543f read it before anything else, so the pages did
// nothing meanwhile. Now the pages are answered from storage at once and the policy is
// applied beside, when it arrives. Proved by the order of the worker's own diagnostics
// events, not by timing: the page's first request is answered before the policy is applied
// (unless the browser handed the policy over at once, which leaves nothing to prove).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { launch, newProfile, startSim, addPortal } from './harness.mjs';

const ACME = 'acme.duplocloud.net';
const config = () => ({
  portals: [{
    name: 'acme',
    users: [{ username: 'alice@acme.io', password: 'pw', admin: false, tenants: ['*'], api_tokens: ['api-token-alice'] }],
    tenants: [{ name: 'dev01' }, { name: 'qa' }],
  }],
});

let sim;
before(async () => { sim = await startSim(config()); });
after(async () => { await sim?.close(); });

async function ring(browser, event, timeout = 30000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const entries = await browser.worker.evaluate(() => globalThis.jitDiagnostics().entries);
    if (entries.some((e) => e.event === event)) return entries;
    if (Date.now() > deadline) throw new Error(`no ${event} in the worker's diagnostics`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

for (const page of ['popup', 'options']) {
  test(`after a browser start the ${page} page is answered from storage before the policy arrives`, { timeout: 120000 }, async () => {
    const profile = newProfile();
    let browser;
    try {
      browser = await launch({ sim, profile });
      await addPortal(browser, ACME, 'api-token-alice');
      const popup = await browser.openPopup();
      await popup.getByRole('region', { name: ACME }).getByText('Signed in as alice@acme.io').waitFor();
      await browser.close();

      browser = await launch({ sim, profile });
      if (page === 'popup') {
        const opened = await browser.openPopup();
        await opened.getByRole('region', { name: ACME }).getByRole('button', { name: 'Open AWS console as dev01', exact: true }).waitFor();
      } else {
        const opened = await browser.openOptions();
        await opened.getByRole('button', { name: `Remove ${ACME}` }).waitFor();
      }
      const entries = await ring(browser, 'policyApplied');
      const at = (test) => entries.find(test)?.atMs;
      const started = at((e) => e.event === 'wasmReady');
      const answered = at((e) => e.event === 'answered');
      const applied = at((e) => e.event === 'policyApplied');
      assert.ok(answered !== undefined, 'the page was answered');
      assert.ok(
        answered < applied || applied - started < 250,
        `answered ${(answered - started).toFixed(0)} ms after the worker started, the policy applied at ${(applied - started).toFixed(0)} ms`,
      );
    } finally {
      await browser?.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    }
  });
}
