// Issue 19, part 2 in Firefox ESR: AWS's five-session limit is per cookie jar, and Firefox
// gives each identity a container of its own, so six tenants in AWS's multi-session mode all
// sign in, nobody is signed out to make room and nothing asks. (In Chromium, one cookie jar,
// the sixth is offered room: multi-session.test.mjs.)
import assert from 'node:assert/strict';
import { firefoxTest, clickRole, waitUntil, allTabs, consoleShown, addPortal } from './firefox.mjs';

const ACME = 'acme.duplocloud.net';
const NAMES = ['dev01', 'dev02', 'qa', 'staging', 'prod', 'sandbox'];
const config = {
  console_mode: 'multi',
  portals: [{
    name: 'acme',
    users: [{ username: 'alice@acme.io', password: 'pw', admin: false, tenants: ['*'], api_tokens: ['token-acme'] }],
    tenants: NAMES.map((name) => ({ name })),
  }],
};

firefoxTest('Firefox: six tenants in multi-session mode, each in its container, all signed in', { timeout: 240000, config }, async ({ sim, firefox }) => {
  await addPortal(firefox, ACME, 'token-acme');
  const popup = await firefox.openPopup();
  const seen = new Map();
  for (const name of NAMES) {
    await popup.bringToFront();
    await clickRole(popup, 'button', `Open AWS console as ${name}`, { timeout: 20000 });
    const tab = await waitUntil(async () => {
      for (const t of await allTabs(firefox)) {
        if ((await consoleShown(firefox, t.context))?.identity.includes(`duploservices-${name}/`)) return t;
      }
      return null;
    }, { timeout: 30000, interval: 200, message: `${name}'s console` });
    seen.set(name, tab.userContext);
  }
  assert.equal(new Set(seen.values()).size, 6, 'six containers');
  // Nobody was signed out: no session sign-out was asked of AWS, nothing was offered.
  assert.deepEqual((await sim.log()).filter((e) => e.path === '/oauth'), []);
  assert.equal(await popup.evaluate(() => document.querySelectorAll('[role="alertdialog"], .aws-sessions').length), 0);
  assert.deepEqual(await firefox.problems(), []);
});
