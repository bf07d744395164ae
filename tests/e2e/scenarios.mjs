// Journeys written once and run in both browsers (issue 18: "one scenario, two drivers").
// A scenario says what a person does and what must follow, in terms of a driver; each
// browser's test file supplies the driver for its automation: Playwright over CDP for
// Chromium (renewal.test.mjs), puppeteer over WebDriver BiDi for Firefox ESR
// (firefox-renewal.test.mjs). Where the browsers differ in how (containers or one cookie
// jar, a service worker or an event page), the driver hides it; where they differ in what
// must follow, the scenario says so beside the assertion.
import assert from 'node:assert/strict';

export const ACME = 'acme.duplocloud.net';
/** Credentials live 40 s: renewal is due a quarter before expiry, at 30 s. */
export const VALIDITY = 40;
/** The console page the consoles are sent to, and must be back on once renewed. */
export const PAGE = 'https://us-west-2.console.aws.amazon.com/s3/buckets/logs?region=us-west-2';
/** The portal's authorization page, as `tabs.query` matches it. */
const AUTHORIZATION = `https://${ACME}/app/user/verify-token*`;

/** The simulator's configuration of the renewal journeys; `top` as the simulator takes it. */
export function renewalConfig({ portal = {}, ...top } = {}) {
  return {
    ...top,
    portals: [{
      name: 'acme',
      token_in_local_storage: false,
      users: [{ username: 'alice@acme.io', password: 'pw', admin: false, tenants: ['*'], api_tokens: ['api-token-alice'] }],
      tenants: [{ name: 'dev01', validity: VALIDITY }, { name: 'prod', validity: VALIDITY }, { name: 'qa', validity: VALIDITY }],
      ...portal,
    }],
  };
}

/**
 * Issue 15 and issue 18 journey 6: the portal ends the extension's session while two
 * consoles are open. When their renewals come, one authorization page opens, behind the tab
 * in use and no sooner than a minute after the last one (the cooldown); once the person
 * authorizes, both consoles are renewed in place, on the page they showed.
 *
 * `driver` (every method async):
 * - `signInThroughPortal()`: logs in to the portal's web UI, adds the portal in the options
 *   page and signs in from the popup through the authorization page (Authorize);
 * - `openConsole(tenant)`: opens the tenant's console from the popup and sends it to PAGE;
 *   returns a handle with the console session's `expires` (ms);
 * - `showPopup()`: makes the popup the tab in use;
 * - `tabsMatching(pattern)`: the extension's `tabs.query({ url: pattern })`;
 * - `authorizationPage(timeout)`: the tab showing the portal's authorization page, once one does;
 * - `authorize(page)`: clicks its Authorize;
 * - `renewedInPlace(handle, tenant, timeout)`: waits until that console shows `tenant` with
 *   a new expiry; returns `{ location }` (the console's path and query).
 */
export async function revokedSessionRenewsAfterOnePage({ sim, driver }) {
  await driver.signInThroughPortal();
  const dev = await driver.openConsole('dev01');
  const qa = await driver.openConsole('qa');
  await driver.showPopup();

  // The portal ends the extension's session before the renewals are due.
  const [{ token }] = (await sim.log()).filter((e) => e.path === '/admin/GetTenantsForUser').slice(-1);
  await sim.control('/revoke', { method: 'POST', body: { token } });
  await sim.control('/log', { method: 'DELETE' });

  const auth = await driver.authorizationPage(150000);
  const [opened, ...more] = await driver.tabsMatching(AUTHORIZATION);
  assert.equal(more.length, 0, 'one authorization tab');
  assert.equal(opened.active, false, 'opened behind the tab in use');
  await driver.authorize(auth);
  for (const [handle, tenant] of [[dev, 'dev01'], [qa, 'qa']]) {
    const shown = await driver.renewedInPlace(handle, tenant, 45000);
    assert.match(shown.location, /^\/s3\/buckets\/logs\?region=us-west-2/, `${tenant} back on the page it showed`);
  }
  const pages = (await sim.log()).filter((e) => e.method === 'GET' && e.path === '/app/user/verify-token' && !e.query.includes('success'));
  assert.equal(pages.length, 1, 'one authorization page for both renewals');
}
