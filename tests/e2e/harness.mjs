// The end-to-end harness: the production build of the extension (dist/chrome) in real
// headless Chromium, talking HTTPS to the DuploCloud/AWS simulator on loopback under the
// real host names (Chromium's --host-resolver-rules), with helpers for tests.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const chromeDist = join(root, 'dist/chrome');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The host names the extension talks to, all answered by the simulator. */
export const SIMULATED_HOSTS = [
  '*.duplocloud.net',
  'signin.aws.amazon.com', '*.signin.aws.amazon.com',
  'console.aws.amazon.com', '*.console.aws.amazon.com',
  'signin.amazonaws-us-gov.com', '*.signin.amazonaws-us-gov.com',
  'console.amazonaws-us-gov.com', '*.console.amazonaws-us-gov.com',
  'signin.amazonaws.cn', '*.signin.amazonaws.cn',
  'console.amazonaws.cn', '*.console.amazonaws.cn',
  'foreign.example', '*.foreign.example',
];

/**
 * Starts the simulator (target/debug/duplo-sim, built by `make test`) with an optional
 * configuration object. Returns { httpsPort, control(path, init), close() }.
 */
export async function startSim(config) {
  const binary = process.env.DUPLO_SIM ?? join(root, 'target/debug/duplo-sim');
  if (!existsSync(binary)) throw new Error(`${binary} is missing: run make build-sim`);
  const args = ['--exit-on-stdin-close'];
  let configDir;
  if (config !== undefined) {
    configDir = mkdtempSync(join(tmpdir(), 'jit-sim-'));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(configDir, 'config.json'), JSON.stringify(config));
    args.push('--config', join(configDir, 'config.json'));
  }
  const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const lines = createInterface({ input: child.stdout });
  const ready = await new Promise((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`simulator did not start:\n${stderr}`)), 15000);
    child.once('exit', (code) => reject(new Error(`simulator exited (${code}):\n${stderr}`)));
    lines.once('line', (line) => { clearTimeout(timer); resolveReady(JSON.parse(line)); });
  });
  const base = `http://127.0.0.1:${ready.control_port}`;
  async function control(path, init = {}) {
    const response = await fetch(base + path, {
      ...init,
      headers: { 'content-type': 'application/json', ...(init.headers ?? {}) },
      body: init.body === undefined || typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`control ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }
  return {
    httpsPort: ready.https_port,
    controlPort: ready.control_port,
    control,
    log: () => control('/log'),
    get stderr() { return stderr; },
    async close() {
      child.stdin.end();
      child.kill('SIGTERM');
      if (configDir) rmSync(configDir, { recursive: true, force: true });
    },
  };
}

/**
 * Launches Chromium with the built extension. `profile` keeps the user data directory
 * between launches (to test what survives a browser restart); `sim` maps the real host
 * names to the simulator.
 */
/** Where Chromium reads machine policies; the managed-policy test writes its file here. */
export const POLICY_DIR = '/etc/chromium/policies/managed';

/**
 * Removes policy files left by a test run that was killed before its `finally` (named
 * `jit-console-e2e-<pid>.json`, its process gone): Chromium would apply them to every later
 * launch on this machine, and the portals they manage could not be removed by any test.
 */
export function removeStalePolicies() {
  let names = [];
  try {
    names = readdirSync(POLICY_DIR);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^jit-console-e2e-(\d+)\.json$/.exec(name)?.[1]);
    if (!pid || pid === process.pid) continue;
    // Another test run's file only while that run (a node process) is alive: a pid that was
    // reused by some other program since does not keep a stale file.
    let alive = true;
    try {
      alive = readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('node');
    } catch {
      alive = false;
    }
    if (!alive) rmSync(join(POLICY_DIR, name), { force: true });
  }
}

export async function launch({ profile, sim, extension = chromeDist, headless = true, env } = {}) {
  removeStalePolicies();
  const userDataDir = profile ?? mkdtempSync(join(tmpdir(), 'jit-profile-'));
  const args = [
    `--disable-extensions-except=${extension}`,
    `--load-extension=${extension}`,
    '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-quic',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-default-apps', '--no-default-browser-check',
  ];
  if (sim) {
    const rules = SIMULATED_HOSTS.map((host) => `MAP ${host} 127.0.0.1:${sim.httpsPort}`);
    args.push(`--host-resolver-rules=${rules.join(', ')}`, '--ignore-certificate-errors');
  }
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless,
    args,
    ignoreDefaultArgs: ['--disable-extensions', '--disable-component-extensions-with-background-pages'],
    ignoreHTTPSErrors: Boolean(sim),
    viewport: headless ? { width: 900, height: 700 } : null,
    ...(env ? { env } : {}),
  });
  const problems = [];
  const watchPage = (page) => {
    page.on('pageerror', (error) => problems.push(`page error on ${page.url()}: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && page.url().startsWith('chrome-extension://')) {
        problems.push(`console error on ${page.url()}: ${message.text()}`);
      }
    });
  };
  context.on('page', watchPage);
  context.pages().forEach(watchPage);
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 15000 }));
  worker.on('console', (message) => {
    if (message.type() === 'error') problems.push(`worker console error: ${message.text()}`);
  });
  const extensionId = new URL(worker.url()).host;
  return {
    context,
    worker,
    extensionId,
    userDataDir,
    /** Errors seen in the worker or the extension's pages so far. */
    problems,
    url: (path) => `chrome-extension://${extensionId}/${path}`,
    async openPage(path) {
      const page = await context.newPage();
      await page.goto(`chrome-extension://${extensionId}/${path}`);
      await page.locator('main[aria-busy="false"]').waitFor();
      return page;
    },
    openPopup() { return this.openPage('popup.html'); },
    openOptions() { return this.openPage('options.html'); },
    async close({ keepProfile = Boolean(profile) } = {}) {
      await context.close();
      if (!keepProfile) rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** A fresh, empty profile directory that survives browser restarts until removed. */
export function newProfile() {
  return mkdtempSync(join(tmpdir(), 'jit-profile-'));
}

/** Logs the browser in to a simulated portal's web UI (as a user who typed the password). */
export async function logInToPortal(browser, sim, { portal = 'acme', username = 'alice@acme.io', next = '/app/' } = {}) {
  const { url } = await sim.control('/login-link', { method: 'POST', body: { portal, username, next } });
  const page = await browser.context.newPage();
  await page.goto(url);
  await page.waitForURL((u) => u.pathname.startsWith(next.split('?')[0]));
  return page;
}

/** Adds a portal through the options page, as a user would. */
export async function addPortal(browser, url, apiToken = '') {
  const options = await browser.openOptions();
  await options.getByRole('textbox', { name: 'Portal URL' }).fill(url);
  await options.getByRole('textbox', { name: 'API token' }).fill(apiToken);
  await options.getByRole('button', { name: 'Add portal' }).click();
  const host = new URL(url.includes('://') ? url : `https://${url}`).host;
  await options.getByRole('button', { name: `Remove ${host}` }).waitFor();
  await options.close();
}

/**
 * Sets the simulator to `config` with an empty log, and starts a browser signed in to the
 * portal `host` with `apiToken`, its popup open on the tenant list (`firstTenant` shown):
 * { browser, popup, region }.
 */
export async function signedInPopup(sim, config, { host, apiToken, firstTenant }) {
  await sim.control('/config', { method: 'PUT', body: config });
  await sim.control('/log', { method: 'DELETE' });
  const browser = await launch({ sim });
  await addPortal(browser, host, apiToken);
  const popup = await browser.openPopup();
  const region = popup.getByRole('region', { name: host });
  await region.getByRole('button', { name: `Open AWS console as ${firstTenant}` }).waitFor();
  return { browser, popup, region };
}

/** Records in `window.copied` what `page` writes to the clipboard (extension origins cannot
 * be granted clipboard-read), still writing it. */
export function watchClipboard(page) {
  return page.evaluate(() => {
    const write = navigator.clipboard.writeText.bind(navigator.clipboard);
    window.copied = [];
    navigator.clipboard.writeText = (text) => { window.copied.push(text); return write(text); };
  });
}

/** Waits for a tab whose URL matches `test` (already open, or opened or navigated later). */
export async function waitForTab(browser, test, timeout = 15000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    // A tab being created has no address yet ('').
    const parsed = (p) => { try { return new URL(p.url()); } catch { return null; } };
    const found = browser.context.pages().find((p) => !p.isClosed() && parsed(p) && test(parsed(p)));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no tab matching ${test} within ${timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The host a tab shows ('' while it has no address yet, as a tab being created). */
export function hostOf(page) {
  try { return new URL(page.url()).hostname; } catch { return ''; }
}

/** The simulator's request log entries for `host` (optionally a path prefix). */
export async function requestsTo(sim, host, pathPrefix = '') {
  const log = await sim.log();
  return log.filter((e) => e.host === host && e.path.startsWith(pathPrefix));
}

/** The tenant names a popup list (or region) shows, from their "Open AWS console as" buttons. */
export async function tenantsIn(scope, { visibleOnly = false } = {}) {
  let buttons = scope.getByRole('button', { name: /^Open AWS console as / });
  if (visibleOnly) buttons = buttons.filter({ visible: true });
  const labels = await buttons.evaluateAll((all) => all.filter((b) => b.dataset.role === 'tenant').map((b) => b.dataset.name));
  return labels;
}

/** Unfolds a portal's section of the popup (the portal of the tab in use opens by itself). */
export async function unfold(popup, host) {
  const button = popup.getByRole('region', { name: host }).getByRole('button', { name: host, exact: true });
  await button.waitFor();
  if ((await button.getAttribute('aria-expanded')) === 'false') await button.click();
}

/** The files below `dir`, as paths relative to it, sorted. */
export function filesIn(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(dir, path));
    }
  };
  walk(dir);
  return out.sort();
}
