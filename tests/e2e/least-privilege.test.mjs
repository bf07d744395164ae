// Least privilege (issue 9): the permissions each built manifest asks for are exactly the
// ones the code needs. The browser APIs used are read from the code itself — the Rust
// adapters (each namespace's accessor in src/wasm/bindings.rs, `namespace("ns", ...)`: one
// that no code calls fails clippy as dead code) and the JS shell (`ext.ns.`, `chrome.ns.`,
// `browser.ns.`) — and the hosts contacted from
// the AWS host names in src/core/aws/partition.rs and the hand-off rule in src/core/session/handoff.rs. No
// browser is started; it reads dist/, which `make test-e2e` builds first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './harness.mjs';

/**
 * What each WebExtension API namespace needs in the manifest. `null`: nothing. A list: any
 * one of them. `browsers`: only where the code can use it (it detects the API at run time).
 * A namespace the code uses that is not listed here fails the test: add it, with its
 * permission, rather than guess.
 */
const API = {
  runtime: null, i18n: null, tabs: null, windows: null, action: null, extension: null,
  permissions: null, // permissions.request() for optional host access needs no permission
  commands: { key: 'commands' }, // a manifest key, not a permission
  omnibox: { key: 'omnibox' },
  storage: { permission: ['storage'] },
  alarms: { permission: ['alarms'] },
  notifications: { permission: ['notifications'] },
  scripting: { permission: ['scripting'] },
  declarativeNetRequest: { permission: ['declarativeNetRequestWithHostAccess', 'declarativeNetRequest'] },
  contextMenus: { permission: ['contextMenus', 'menus'] },
  menus: { permission: ['menus', 'contextMenus'] },
  tabGroups: { permission: ['tabGroups'], browsers: ['chrome'] },
  contextualIdentities: { permission: ['contextualIdentities'], browsers: ['firefox'] },
  cookies: { permission: ['cookies'] },
  history: { permission: ['history'] },
  browsingData: { permission: ['browsingData'] },
  webNavigation: { permission: ['webNavigation'] },
  webRequest: { permission: ['webRequest'] },
  downloads: { permission: ['downloads'] },
  identity: { permission: ['identity'] },
  idle: { permission: ['idle'] },
  sessions: { permission: ['sessions'] },
  offscreen: { permission: ['offscreen'], browsers: ['chrome'] },
  sidePanel: { permission: ['sidePanel'] },
  management: { permission: ['management'] },
  bookmarks: { permission: ['bookmarks'] },
};
/** Uses that need a permission without naming its namespace. */
const FEATURES = [
  // Firefox: tabs.create({cookieStoreId}) opens a tab in a container only with `cookies`.
  { pattern: /\bcookieStoreId\b/, permission: 'cookies', browsers: ['firefox'] },
  // The worker writes the clipboard (a context-menu copy, once the portal has answered: the
  // click's user activation is spent): Chrome's offscreen document and Firefox's background
  // page may do so only with clipboardWrite.
  { pattern: /\bfn write_clipboard\b/, permission: 'clipboardWrite', browsers: ['chrome', 'firefox'] },
];

const read = (path) => readFileSync(join(root, path), 'utf8');
const filesIn = (dir, ext) => readdirSync(join(root, dir)).filter((f) => f.endsWith(ext)).map((f) => join(dir, f));

/** Every API namespace the code touches, with where. */
function apisUsed() {
  const used = new Map();
  const note = (ns, where) => used.set(ns, [...(used.get(ns) ?? []), where]);
  for (const file of filesIn('src/wasm', '.rs')) {
    const source = read(file).replace(/\/\/.*$/gm, '');
    for (const re of [
      /\bnamespace\(\s*"([A-Za-z][A-Za-z0-9]*)"/g, // namespace("tabs", Browser::tabs)
      /js_namespace\s*=\s*\[\s*"(?:chrome|browser)"\s*,\s*"([A-Za-z][A-Za-z0-9]*)"/g,
    ]) {
      for (const m of source.matchAll(re)) note(m[1], file);
    }
  }
  for (const file of filesIn('extension', '.js')) {
    const source = read(file).replace(/\/\/.*$/gm, '');
    for (const m of source.matchAll(/\b(?:ext|chrome|browser)\.([A-Za-z][A-Za-z0-9]*)\b/g)) note(m[1], file);
  }
  return used;
}

function featuresUsed() {
  const source = filesIn('src/wasm', '.rs').map(read).join('\n');
  return FEATURES.filter((f) => f.pattern.test(source));
}

const used = apisUsed();

test('the code uses only browser APIs whose permission needs are known', () => {
  assert.ok(used.has('tabs') && used.has('storage') && used.has('runtime'), `the scan found: ${[...used.keys()]}`);
  const unknown = [...used.keys()].filter((ns) => !(ns in API));
  assert.deepEqual(unknown, [], `add these to API in ${import.meta.url}: ${unknown.map((ns) => `${ns} (${used.get(ns)})`)}`);
});

for (const browser of ['chrome', 'firefox']) {
  test(`${browser}: every permission is used, and every API used has its permission`, () => {
    const file = join(root, `dist/${browser}/manifest.json`);
    assert.ok(existsSync(file), `${file} is missing: run make build`);
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    const granted = new Set(manifest.permissions ?? []);
    const justified = new Set();
    for (const [ns, where] of used) {
      const need = API[ns];
      if (!need || (need.browsers && !need.browsers.includes(browser))) continue;
      if (need.key) {
        assert.ok(manifest[need.key], `${ns} is used (${where[0]}) but the manifest has no "${need.key}"`);
        continue;
      }
      const have = need.permission.filter((p) => granted.has(p));
      assert.ok(have.length > 0, `${ns} is used (${where[0]}) without the permission ${need.permission.join(' or ')}`);
      have.forEach((p) => justified.add(p));
    }
    for (const feature of featuresUsed()) {
      if (!feature.browsers.includes(browser)) continue;
      assert.ok(granted.has(feature.permission), `${feature.pattern} needs ${feature.permission}`);
      justified.add(feature.permission);
    }
    const unused = [...granted].filter((p) => !justified.has(p));
    assert.deepEqual(unused, [], `permissions no code uses in ${browser}`);
  });
}

test('host access: AWS sign-in and console hosts, the portal domain and the local hand-off, nothing else', () => {
  const manifest = JSON.parse(read('manifest.json'));
  const hosts = new Set(manifest.host_permissions);
  // The AWS hosts the core sends browsers and credentials to.
  const awsCode = read('src/core/aws/partition.rs');
  const aws = [...new Set([...awsCode.matchAll(/"((?:signin|console)\.[a-z0-9.-]+\.(?:com|cn))"/g)].map((m) => m[1]))];
  assert.equal(aws.length, 6, `AWS hosts found in src/core/aws/partition.rs: ${aws}`);
  const needed = aws.flatMap((h) => [`https://${h}/*`, `https://*.${h}/*`]);
  // The hand-off redirect catches http://localhost:N or 127.0.0.1:N (src/core/session/handoff.rs),
  // and local development portals use them (src/core/portal_url.rs).
  assert.match(read('src/core/session/handoff.rs'), /\(localhost\|127\\\\\.0\\\\\.0\\\\\.1\)/);
  assert.match(read('src/core/portal_url.rs'), /"http" if local/);
  needed.push('http://localhost/*', 'http://127.0.0.1/*');
  // DuploCloud's own domain, where portals live (README, "Portal addresses").
  needed.push('https://*.duplocloud.net/*');
  for (const host of needed) assert.ok(hosts.has(host), `missing host access ${host}`);
  assert.deepEqual([...hosts].filter((h) => !needed.includes(h)), [], 'host access nothing needs');
  // Nothing broader is granted at install.
  for (const host of hosts) assert.ok(!/^(\*|https?):\/\/\*\/|<all_urls>/.test(host), host);
});

test('custom portal domains: optional host access is requested at run time, when adding such a portal', () => {
  const manifest = JSON.parse(read('manifest.json'));
  assert.deepEqual(manifest.optional_host_permissions, ['https://*/*']);
  const requestsAtRuntime = used.has('permissions')
    && filesIn('src/wasm', '.rs').some((f) => /\bpermissions\(\)[\s\S]{0,200}\.request\(/.test(read(f)));
  assert.ok(requestsAtRuntime, 'optional_host_permissions are never requested');
});
