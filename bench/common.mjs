// Shared by the benchmark's scenarios: simulator configurations and a fresh browser.
import { launch, addPortal } from '../tests/e2e/harness.mjs';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The median of `values`, for detail lines. */
export function med(values) {
  const s = values.filter((v) => typeof v === 'number').sort((a, b) => a - b);
  if (!s.length) return '–';
  const m = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return m.toFixed(1);
}

/** A simulated portal whose user signs in with the API token `token-<name>`. */
export function portal(name, { tenants = [], generate = null } = {}) {
  return {
    name,
    token_in_local_storage: false,
    users: [{ username: `bench@${name}.io`, password: 'pw', admin: false, tenants: ['*'], api_tokens: [`token-${name}`] }],
    tenants,
    generate_tenants: generate,
  };
}

export const host = (name) => `${name}.duplocloud.net`;

/** The Chromium version of the last browser launched. */
export let chromiumVersion = 'unknown';

/** Notes the Chromium version of a browser launched without `freshBrowser`. */
export function noteChromiumVersion(browser) {
  chromiumVersion = browser.context.browser()?.version() ?? chromiumVersion;
}

/**
 * Configures the simulator (no faults, an empty log) and launches a fresh browser on it with
 * the extension built in `dist` (a `dist/chrome` folder: the current build or a baseline's).
 * With `profile` (a user data directory, `newProfile()`), the browser uses it and keeps it
 * when closed, for a later launch on the same profile; else a temporary one, removed.
 */
export async function freshBrowser(sim, config, dist, { profile } = {}) {
  if (!dist) throw new Error('freshBrowser: which build (dist/chrome folder) to load?');
  await sim.control('/faults', { method: 'DELETE' });
  await sim.control('/config', { method: 'PUT', body: config });
  await sim.control('/log', { method: 'DELETE' });
  const browser = await launch({ sim, extension: dist, profile });
  chromiumVersion = browser.context.browser()?.version() ?? chromiumVersion;
  return browser;
}

/**
 * Adds the portals with their API tokens and opens the popup once, so that it signs in and
 * caches every tenant list; waits until each portal lists the button of `expect(name)`.
 * Returns the popup.
 */
export async function signInAll(browser, names, expect) {
  for (const name of names) await addPortal(browser, host(name), `token-${name}`);
  const popup = await browser.openPopup();
  for (const name of names) {
    const region = popup.getByRole('region', { name: host(name) });
    await region.getByRole('button', { name: `Open AWS console as ${expect(name)}` }).waitFor({ timeout: 60000 });
  }
  await popup.waitForTimeout(500);
  return popup;
}
