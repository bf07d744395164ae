// Issue 19, part 3 in Firefox ESR: Kubernetes JIT access from the popup's More panel and from
// the context menu. The Chromium counterpart is kubernetes.test.mjs.
//
// How Firefox differs here: the context menu's copy is written by the background page itself
// (an event page has a clipboard; Chrome's worker needs an offscreen document). The test
// watches `navigator.clipboard.writeText` of the popup and of the background page, reached
// through `runtime.getBackgroundPage()`, as firefox-surfaces.test.mjs reaches the menu.
import assert from 'node:assert/strict';
import { parse as parseYaml } from 'yaml';
import { firefoxTest, waitForRole, clickRole, waitUntil, addPortal } from './firefox.mjs';

const ACME = 'acme.duplocloud.net';
const DEV01 = '5d0a7c3e-0000-4000-8000-00000000d001';
const config = {
  portals: [{
    name: 'acme',
    users: [{ username: 'alice@acme.io', password: 'pw', admin: false, tenants: ['*'], api_tokens: ['token-acme'] }],
    tenants: [{ id: DEV01, name: 'dev01' }, { name: 'prod', kubernetes: false }],
  }],
};

/** Records what `page`'s (or, with `background`, the background page's) clipboard is given. */
function watchClipboard(page, background = false) {
  return page.evaluate(async (inBackground) => {
    const scope = inBackground ? await browser.runtime.getBackgroundPage() : window;
    const clipboard = scope.navigator.clipboard;
    const write = clipboard.writeText.bind(clipboard);
    scope.copied = [];
    scope.outcomes = [];
    clipboard.writeText = (text) => {
      scope.copied.push(text);
      const written = write(text);
      written.then(() => scope.outcomes.push('written'), (e) => scope.outcomes.push(String(e)));
      return written;
    };
  }, background);
}

firefoxTest('Firefox: a tenant with Kubernetes offers its kubeconfig and ExecCredential, in the popup and the context menu', { timeout: 180000, config }, async ({ sim, firefox }) => {
  const options = await addPortal(firefox, ACME, 'token-acme');
  const popup = await firefox.openPopup();
  await waitForRole(popup, 'button', 'Open AWS console as dev01', { timeout: 20000 });
  await watchClipboard(popup);

  await clickRole(popup, 'button', 'More for dev01');
  await clickRole(popup, 'button', 'Copy kubeconfig for dev01');
  await waitUntil(() => popup.evaluate(() => document.body.innerText.includes('Copied kubeconfig credentials for dev01')),
    { timeout: 10000, message: '"Copied kubeconfig"' });
  const kubeconfig = parseYaml(await popup.evaluate(() => window.copied.at(-1)));
  const { k8s_tokens: tokens } = await sim.control('/secrets');
  const name = `${ACME}-dev01`;
  assert.deepEqual(kubeconfig.users, [{ name, user: { token: tokens.at(-1) } }]);
  assert.deepEqual(kubeconfig.contexts, [{ name, context: { cluster: name, user: name, namespace: 'duploservices-dev01' } }]);

  // prod has no Kubernetes: its panel offers none.
  await clickRole(popup, 'button', 'More for prod');
  await waitUntil(async () => (await sim.log()).some((e) => e.path.startsWith('/v3/features/tenant/') && !e.path.endsWith(DEV01)),
    { timeout: 10000, message: "prod's features asked" });
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(await popup.evaluate(() => document.querySelectorAll('button[data-action="copy-k8s"][data-name="prod"]').length), 0);

  // The context menu on dev01's portal page: the background page writes the clipboard.
  await watchClipboard(options, true);
  const pageUrl = `https://${ACME}/app/devops/${DEV01}/services`;
  await options.evaluate(async (info) => {
    const background = await browser.runtime.getBackgroundPage();
    await background.jitConsoleSurfaces.menuClicked(info, { id: 1, url: info.pageUrl });
  }, { menuItemId: 'kube|execCredential', pageUrl });
  const exec = JSON.parse(await waitUntil(() => options.evaluate(async () => (await browser.runtime.getBackgroundPage()).copied.at(-1)),
    { timeout: 10000, message: 'the background page copied' }));
  assert.equal(exec.kind, 'ExecCredential');
  assert.equal(exec.apiVersion, 'client.authentication.k8s.io/v1beta1');
  assert.equal(exec.status.token, tokens.at(-1), 'the token held is used again');
  assert.equal((await sim.control('/secrets')).k8s_tokens.length, 1);
  // Firefox's clipboard took it (with clipboardWrite, long after the click).
  assert.deepEqual(await waitUntil(() => options.evaluate(async () => { const o = (await browser.runtime.getBackgroundPage()).outcomes; return o.length ? o.slice() : null; }),
    { timeout: 10000, message: 'the clipboard answered' }), ['written']);
  assert.deepEqual(await firefox.problems(), []);
});
