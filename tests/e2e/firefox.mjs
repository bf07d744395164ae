// The Firefox end-to-end harness: the production build of the extension (dist/firefox) in
// Debian's headless Firefox ESR, driven by puppeteer-core over WebDriver BiDi.
//
// How it gets around what Firefox does not offer out of the box:
// - Installation: the extension is installed *permanently* in the profile through an
//   extension proxy file (<profile>/extensions/<gecko id> holding the path of dist/firefox;
//   unsigned add-ons are allowed on ESR with xpinstall.signatures.required=false), so it is
//   still installed, with its storage, when Firefox is restarted on the same profile —
//   like a real user's install. No temporary add-on, nothing to reinstall.
// - Addresses: the moz-extension:// host is fixed by the extensions.webextensions.uuids pref.
// - Extension pages: Firefox's WebDriver BiDi refuses to navigate to moz-extension:// unless
//   started with --remote-allow-system-access, and it does not report navigation, log or
//   console events for extension documents (bug 1755014). So pages are opened with a raw
//   browsingContext.navigate (wait "none") and readiness is polled from Node; scripts,
//   ARIA queries and input do work in those documents.
// - Errors: uncaught errors and unhandled rejections of every extension document (pages
//   and the background script) are read from the browser's console service through a
//   privileged (chrome) realm; console.error calls of content documents are read from
//   Firefox's stdout (devtools.console.stdout.content).
// - Simulator: Firefox has no --host-resolver-rules. A PAC script (a data: URL) sends the
//   simulated host names to a small HTTP CONNECT proxy started here, on loopback, which
//   tunnels every CONNECT to the simulator's HTTPS port. TLS stays end to end (SNI and Host
//   are the real names) and acceptInsecureCerts accepts the self-signed certificate.
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import puppeteer from 'puppeteer-core';
import { root, SIMULATED_HOSTS, startSim } from './harness.mjs';

export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
export const firefoxDist = join(root, 'dist/firefox');
export const GECKO_ID = 'jit-console@duplocloud-jit.dev';
/** The moz-extension:// host of the extension in every profile made by this harness. */
export const EXTENSION_UUID = '6a1d7c52-0f3e-4b8a-9d21-5c7e3f90b4a6';

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/**
 * Polls `predicate` (sync or async, called from Node) until it returns a truthy value,
 * which is returned. Errors thrown by the predicate count as "not yet".
 */
export async function waitUntil(predicate, { timeout = 10000, interval = 100, message = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let lastError;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for ${message}${lastError ? `: ${lastError.message}` : ''}`);
    }
    await sleep(interval);
  }
}

/**
 * Where Firefox on Linux reads the machine's enterprise policies (SysConfD/policies); the
 * extension's part is `policies["3rdparty"].Extensions[<gecko id>]`, which it reads as
 * `storage.managed`. One file for the whole machine: a test that writes it also writes
 * FIREFOX_POLICY_OWNER (its pid), so that a file left by a killed run is removed
 * (`removeStaleFirefoxPolicy`) and a file of the machine's own administrator is not.
 */
export const FIREFOX_POLICY = '/etc/firefox/policies/policies.json';
export const FIREFOX_POLICY_OWNER = '/etc/firefox/policies/jit-console-e2e-owner';

/** Writes `managed` as the extension's policy for the Firefox launched next. */
export function writeFirefoxPolicy(managed) {
  mkdirSync('/etc/firefox/policies', { recursive: true });
  writeFileSync(FIREFOX_POLICY_OWNER, String(process.pid));
  writeFileSync(FIREFOX_POLICY, JSON.stringify({ policies: { '3rdparty': { Extensions: { [GECKO_ID]: managed } } } }));
}

/** Removes the policy file this run wrote. */
export function removeFirefoxPolicy() {
  rmSync(FIREFOX_POLICY, { force: true });
  rmSync(FIREFOX_POLICY_OWNER, { force: true });
}

/** Whether a policy file is there that no test run owns (the machine administrator's). */
export function foreignFirefoxPolicy() {
  return existsSync(FIREFOX_POLICY) && !existsSync(FIREFOX_POLICY_OWNER);
}

/** Removes a policy file left by a test run whose process is gone. */
function removeStaleFirefoxPolicy() {
  let pid;
  try {
    pid = Number(readFileSync(FIREFOX_POLICY_OWNER, 'utf8'));
  } catch {
    return;
  }
  if (pid === process.pid) return;
  let alive = true;
  try {
    alive = readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('node');
  } catch {
    alive = false;
  }
  if (!alive) removeFirefoxPolicy();
}

/** A fresh, empty Firefox profile directory that survives restarts until removed. */
export function newFirefoxProfile() {
  return mkdtempSync(join(tmpdir(), 'jit-ff-profile-'));
}

/** A PAC script sending the simulated host names to `proxyPort`, everything else direct. */
export function pacScript(proxyPort) {
  const tests = SIMULATED_HOSTS.map((pattern) => `shExpMatch(h, ${JSON.stringify(pattern)})`).join(' || ');
  return `function FindProxyForURL(url, host) { var h = host.toLowerCase(); `
    + `return (${tests}) ? "PROXY 127.0.0.1:${proxyPort}" : "DIRECT"; }`;
}

/**
 * An HTTP CONNECT proxy on 127.0.0.1 tunnelling every CONNECT to 127.0.0.1:`targetPort`
 * (the simulator's HTTPS port). Plain-HTTP proxy requests get a 502: the simulator speaks
 * HTTPS only. Returns { port, connects (the host:port of each CONNECT), close() }.
 */
export async function startConnectProxy(targetPort) {
  const connects = [];
  const sockets = new Set();
  const server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    let head = Buffer.alloc(0);
    const onData = (chunk) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > 65536) client.destroy();
        return;
      }
      client.off('data', onData);
      const [method, target] = head.subarray(0, end).toString('latin1').split('\r\n')[0].split(' ');
      if (method !== 'CONNECT') {
        client.end('HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n'
          + 'The test proxy only tunnels HTTPS (CONNECT) to the simulator.\n');
        return;
      }
      connects.push(target);
      const rest = head.subarray(end + 4);
      const upstream = connect(targetPort, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (rest.length) upstream.write(rest);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      sockets.add(upstream);
      upstream.on('close', () => { sockets.delete(upstream); client.destroy(); });
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
    };
    client.on('data', onData);
  });
  await new Promise((listening, failed) => {
    server.once('error', failed);
    server.listen(0, '127.0.0.1', listening);
  });
  return {
    port: server.address().port,
    connects,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((closed) => server.close(closed));
    },
  };
}

/**
 * Launches Firefox with the built extension installed in the profile. `profile` keeps the
 * profile directory between launches (to test what survives a restart; the caller removes
 * it); `sim` (from startSim) routes the simulated host names to the simulator.
 */
export async function launchFirefox({ profile, sim, extension: extensionPath = firefoxDist, headless = true, env } = {}) {
  removeStaleFirefoxPolicy();
  const extension = resolve(extensionPath);
  if (!existsSync(join(extension, 'manifest.json'))) throw new Error(`${extension} is missing: run make build`);
  if (!existsSync(FIREFOX)) throw new Error(`${FIREFOX} is missing: run scripts/setup.sh test`);
  const profileDir = profile ?? newFirefoxProfile();
  // The extension proxy file: a permanent, unpacked install read at start-up.
  mkdirSync(join(profileDir, 'extensions'), { recursive: true });
  writeFileSync(join(profileDir, 'extensions', GECKO_ID), `${extension}\n`);

  const prefs = {
    'xpinstall.signatures.required': false,
    'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: EXTENSION_UUID }),
    'extensions.autoDisableScopes': 0,
    'extensions.enabledScopes': 5,
    'devtools.console.stdout.content': true,
    'devtools.console.stdout.chrome': false,
    'browser.shell.checkDefaultBrowser': false,
    'browser.startup.homepage_override.mstone': 'ignore',
    'datareporting.policy.dataSubmissionEnabled': false,
    'toolkit.telemetry.reportingpolicy.firstRun': false,
  };
  let proxy;
  if (sim) {
    proxy = await startConnectProxy(sim.httpsPort);
    Object.assign(prefs, {
      'network.proxy.type': 2,
      'network.proxy.autoconfig_url': `data:application/x-ns-proxy-autoconfig;charset=utf-8,${encodeURIComponent(pacScript(proxy.port))}`,
      'network.proxy.failover_direct': false,
      'network.http.http3.enable': false,
    });
  }

  let browser;
  try {
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX,
      headless,
      userDataDir: profileDir,
      args: ['--remote-allow-system-access'],
      extraPrefsFirefox: prefs,
      acceptInsecureCerts: Boolean(sim),
      defaultViewport: headless ? { width: 900, height: 700 } : null,
      timeout: 60000,
      ...(env ? { env } : {}),
    });
  } catch (error) {
    await proxy?.close();
    if (!profile) rmSync(profileDir, { recursive: true, force: true });
    throw error;
  }

  const consoleErrors = [];
  let pending = '';
  browser.process()?.stdout?.on('data', (chunk) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop();
    // Not ours: Firefox's own Remote Settings loader ("RSLoader") reports on stdout that it
    // cannot reach Mozilla's servers, which these machines do not reach.
    for (const line of lines) if (line.startsWith('console.error:') && !line.startsWith('console.error: RSLoader')) consoleErrors.push(line);
  });

  /** Evaluates `expression` (awaited) in the browser window's privileged realm. */
  async function chrome(expression) {
    const tree = await browser.connection.send('browsingContext.getTree', { 'moz:scope': 'chrome', maxDepth: 0 });
    const context = tree.result.contexts[0]?.context;
    if (!context) throw new Error('no chrome browsing context');
    const { result } = await browser.connection.send('script.evaluate', {
      target: { context }, expression, awaitPromise: true, resultOwnership: 'none',
    });
    if (result.type === 'exception') throw new Error(`chrome evaluation failed: ${result.exceptionDetails.text}`);
    return result.result.type === 'string' ? JSON.parse(result.result.value) : undefined;
  }

  const closeAll = async () => {
    await browser.close().catch(() => browser.process()?.kill('SIGKILL'));
    await proxy?.close();
  };

  // Wait until the extension is installed, enabled and started, with the expected host.
  let addon;
  try {
    addon = await waitUntil(() => chrome(`(async () => {
      const { AddonManager } = ChromeUtils.importESModule('resource://gre/modules/AddonManager.sys.mjs');
      const addon = await AddonManager.getAddonByID(${JSON.stringify(GECKO_ID)});
      const policy = WebExtensionPolicy.getByID(${JSON.stringify(GECKO_ID)});
      if (!addon || !policy) return JSON.stringify(null);
      await policy.readyPromise;
      return JSON.stringify({ id: addon.id, version: addon.version, isActive: addon.isActive,
        temporarilyInstalled: addon.temporarilyInstalled, location: addon.location?.name ?? null,
        host: policy.mozExtensionHostname });
    })()`).then((info) => info?.isActive && info), { timeout: 30000, interval: 200, message: `${GECKO_ID} to start` });
    if (addon.host !== EXTENSION_UUID) throw new Error(`the extension got the host ${addon.host}, not ${EXTENSION_UUID}`);
  } catch (error) {
    await closeAll();
    if (!profile) rmSync(profileDir, { recursive: true, force: true });
    throw error;
  }

  const origin = `moz-extension://${EXTENSION_UUID}`;
  return {
    browser,
    addon,
    extensionId: GECKO_ID,
    uuid: EXTENSION_UUID,
    profileDir,
    proxy,
    chrome,
    url: (path) => `${origin}/${path}`,
    /**
     * Opens an extension page in a new tab and waits until its UI is built
     * (main[aria-busy="false"]).
     */
    async openPage(path, { timeout = 15000 } = {}) {
      const page = await browser.newPage();
      const url = `${origin}/${path}`;
      await browser.connection.send('browsingContext.navigate', { context: page.mainFrame()._id, url, wait: 'none' });
      await waitUntil(() => page.evaluate((expected) => location.href === expected
        && document.readyState === 'complete'
        && document.querySelector('main[aria-busy="false"]') !== null, url), { timeout, message: `${url} to be ready` });
      return page;
    },
    openPopup(options) { return this.openPage('popup.html', options); },
    openOptions(options) { return this.openPage('options.html', options); },
    /** Opens a web address (e.g. a simulated host) in a new tab. */
    async openWeb(url, options = {}) {
      const page = await browser.newPage();
      await page.goto(url, { waitUntil: 'load', timeout: 30000, ...options });
      return page;
    },
    /**
     * The errors seen so far: uncaught errors and unhandled rejections in the extension's
     * documents (pages and background script), and console.error calls of content documents.
     */
    async problems() {
      const scriptErrors = await chrome(`(() => {
        const prefix = ${JSON.stringify(`${origin}/`)};
        const errors = [];
        for (const message of Services.console.getMessageArray() ?? []) {
          if (!(message instanceof Ci.nsIScriptError)) continue;
          if (message.flags & (Ci.nsIScriptError.warningFlag | Ci.nsIScriptError.infoFlag)) continue;
          if (!String(message.sourceName).startsWith(prefix)) continue;
          errors.push(message.sourceName + ':' + message.lineNumber + ': ' + message.errorMessage);
        }
        return JSON.stringify(errors);
      })()`);
      return [...scriptErrors, ...consoleErrors];
    },
    async close({ keepProfile = Boolean(profile) } = {}) {
      await closeAll();
      if (!keepProfile) rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

/** Finds the ARIA `role` elements named `name` (exact) in `page`. */
export function byRole(page, role, name) {
  const attrs = [`[role=${JSON.stringify(role)}]`];
  if (name !== undefined) attrs.push(`[name=${JSON.stringify(name)}]`);
  return page.$$(`::-p-aria(${attrs.join('')})`);
}

/** Waits for one ARIA `role` element named `name` (and containing `text`, if given). */
export async function waitForRole(page, role, name, { text, timeout = 10000 } = {}) {
  return waitUntil(async () => {
    for (const handle of await byRole(page, role, name)) {
      if (text === undefined) return handle;
      const content = await handle.evaluate((element) => element.textContent);
      if (typeof text === 'string' ? content.includes(text) : text.test(content)) return handle;
    }
    return null;
  }, { timeout, message: `${role}${name === undefined ? '' : ` "${name}"`}${text === undefined ? '' : ` with ${text}`}` });
}

/**
 * Clicks the ARIA `role` element named `name` like a user, and like Playwright's locators:
 * found afresh on each try, so a page that re-renders between finding the element and
 * clicking it (the popup rebuilds as sign-ins and refreshes land) gets the click on the
 * element shown now, not an error about the one it replaced. With `front`, the page is
 * brought to the front first (the popup is a tab in these tests).
 */
export async function clickRole(page, role, name, { timeout = 10000, front = false } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const handle = await waitForRole(page, role, name, { timeout: Math.max(deadline - Date.now(), 1) });
    try {
      if (front) await page.bringToFront();
      await handle.click();
      return;
    } catch (error) {
      // Only a replaced element is tried again; a click that failed otherwise is a failure.
      if (!/detached|not connected/i.test(String(error?.message)) || Date.now() > deadline) throw error;
    }
  }
}

/** Waits until no ARIA `role` element named `name` remains in `page`. */
export async function waitForNoRole(page, role, name, { timeout = 10000 } = {}) {
  await waitUntil(async () => (await byRole(page, role, name)).length === 0,
    { timeout, message: `${role} "${name}" to go away` });
}

/** Replaces the value of the text box named `name` by typing `value`, like a user. */
export async function fill(page, name, value) {
  const box = await waitForRole(page, 'textbox', name);
  await box.evaluate((element) => { element.focus(); element.select(); });
  await page.keyboard.press('Backspace');
  if (value) await box.type(value);
  return box;
}

/**
 * Adds the portal at `host` in the options page, as a user would (with an API token when
 * given), and waits until it is listed; returns the options page.
 */
export async function addPortal(firefox, host, apiToken = '') {
  const options = await firefox.openOptions();
  await fill(options, 'Portal URL', host);
  if (apiToken) await fillField(options, 'API token', apiToken);
  await clickRole(options, 'button', 'Add portal');
  await waitForRole(options, 'button', `Remove ${host}`);
  return options;
}

/** Logs the browser in to the simulated portal's web UI (a tab of it stays open). */
export async function logInToPortal(firefox, sim) {
  const { url } = await sim.control('/login-link', { method: 'POST', body: { portal: 'acme', username: 'alice@acme.io', next: '/app/' } });
  return firefox.openWeb(url);
}

/**
 * The top-level tabs of every container, straight from WebDriver BiDi (puppeteer only
 * tracks the user contexts it knew at launch, so tabs opened in a container made later are
 * not among browser.pages()). Each is { context, url, userContext } ("default" outside
 * containers).
 */
export async function allTabs(firefox) {
  const { result } = await firefox.browser.connection.send('browsingContext.getTree', { maxDepth: 0 });
  return result.contexts.map(({ context, url, userContext }) => ({ context, url, userContext }));
}

/**
 * Evaluates `expression` (awaited) in the document of the BiDi tab `context` and returns
 * its value, which must survive JSON.stringify.
 */
export async function evaluateInTab(firefox, context, expression) {
  const { result } = await firefox.browser.connection.send('script.evaluate', {
    target: { context },
    expression: `(async () => JSON.stringify(await (${expression})))()`,
    awaitPromise: true,
    resultOwnership: 'none',
  });
  if (result.type === 'exception') throw new Error(`evaluation failed: ${result.exceptionDetails.text}`);
  return result.result.type === 'string' ? JSON.parse(result.result.value) : undefined;
}

/** What the (simulated) console in BiDi tab `context` shows: its identity, location and the
 * console session's expiry (ms); null while it cannot be read. */
export function consoleShown(firefox, context) {
  return evaluateInTab(firefox, context, `(async () => ({
    identity: document.querySelector('#identity')?.textContent ?? '',
    location: document.querySelector('#location')?.textContent ?? '',
    expires: await fetch('/_console/session').then((r) => (r.ok ? r.json() : {})).then((j) => j.expires_ms ?? null),
  }))()`).catch(() => null);
}

/** Opens `tenant`'s console from `popup` and sends it to `page` (a console URL under
 * /s3/buckets/logs): { context, userContext, expires }. */
export async function openConsoleOn(firefox, popup, tenant, page) {
  const before = new Set((await allTabs(firefox)).map((t) => t.context));
  await popup.bringToFront();
  await clickRole(popup, 'button', `Open AWS console as ${tenant}`, { timeout: 20000 });
  const tab = await waitUntil(async () => {
    for (const t of await allTabs(firefox)) {
      if (before.has(t.context)) continue;
      if ((await consoleShown(firefox, t.context))?.identity.includes(`duploservices-${tenant}/`)) return t;
    }
    return null;
  }, { timeout: 30000, interval: 200, message: `${tenant}'s console` });
  await firefox.browser.connection.send('browsingContext.navigate', { context: tab.context, url: page, wait: 'complete' });
  const now = await waitUntil(async () => {
    const s = await consoleShown(firefox, tab.context);
    return s?.location.startsWith('/s3/buckets/logs') && s.expires && s;
  }, { timeout: 20000, message: `${tenant} on ${page}` });
  return { ...tab, expires: now.expires };
}

/** Waits until the console tab `tab` (from openConsoleOn) shows `tenant` signed in again
 * (a new expiry); returns what it shows. */
export function renewedInPlace(firefox, tab, tenant, timeout) {
  return waitUntil(async () => {
    const s = await consoleShown(firefox, tab.context);
    return s && s.identity.includes(`duploservices-${tenant}/`) && s.expires && s.expires !== tab.expires && s;
  }, { timeout, interval: 250, message: `${tenant} renewed in place` });
}

/** Reloads the BiDi tab `context` without waiting for it (poll the new document). */
export async function reloadTab(firefox, context) {
  await firefox.browser.connection.send('browsingContext.reload', { context, wait: 'none' });
}

/**
 * Like fill, for any text field named `name`, whatever its ARIA role: Firefox gives a
 * password field (e.g. "API token") no textbox role, so fill cannot find it.
 */
export async function fillField(page, name, value) {
  const box = await waitUntil(async () => {
    for (const handle of await page.$$(`::-p-aria([name=${JSON.stringify(name)}])`)) {
      if (await handle.evaluate((element) => element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement)) return handle;
    }
    return null;
  }, { message: `text field "${name}"` });
  await box.evaluate((element) => { element.focus(); element.select(); });
  await page.keyboard.press('Backspace');
  if (value) await box.type(value);
  return box;
}

const simBinary = process.env.DUPLO_SIM ?? join(root, 'target/debug/duplo-sim');

/**
 * A Firefox end-to-end test against the simulator: starts the simulator with `config` and
 * Firefox on it (a fresh profile), runs `body({ sim, firefox })`, and closes both however
 * it ends. Skipped, with the reason, when the simulator is not built or `skip` says so.
 */
export function firefoxTest(name, { timeout, config, skip = false }, body) {
  const missing = existsSync(simBinary) ? false : `${simBinary} is not built`;
  test(name, { timeout, skip: missing || skip }, async () => {
    const sim = await startSim(config);
    let firefox;
    try {
      firefox = await launchFirefox({ sim });
      await body({ sim, firefox });
    } finally {
      await firefox?.close();
      await sim.close();
    }
  });
}
