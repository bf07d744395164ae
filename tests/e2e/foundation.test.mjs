// Issue 2: the walking skeleton in real Chromium with the production build loaded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { launch, newProfile } from './harness.mjs';

const DEFAULT_SETTINGS = { staySignedIn: false, consoleMode: 'auto', autoRenew: true, notifyMinutes: 5, keepAlive: [], favourites: [], identityBar: true };

test('portals added in the options page show in the popup and survive a browser restart', { timeout: 120000 }, async () => {
  const profile = newProfile();
  let browser;
  try {
    browser = await launch({ profile });
    assert.equal(browser.extensionId, 'coagfjlccoccbaapfoeiokdflcpeelfj', 'the manifest key fixes the id');

    const options = await browser.openOptions();
    await options.getByRole('textbox', { name: 'Portal URL' }).fill('https://ACME.duplocloud.net/app/devops/');
    await options.getByRole('textbox', { name: 'API token' }).fill('');
    await options.getByRole('button', { name: 'Add portal' }).click();
    await options.getByRole('listitem').filter({ hasText: 'acme.duplocloud.net' }).waitFor();
    await options.getByRole('textbox', { name: 'Portal URL' }).fill('beta.duplocloud.net');
    await options.getByRole('button', { name: 'Add portal' }).click();
    await options.getByRole('button', { name: 'Remove beta.duplocloud.net' }).waitFor();
    assert.equal(await options.getByRole('textbox', { name: 'Portal URL' }).inputValue(), '', 'a saved portal clears the box');

    const popup = await browser.openPopup();
    await popup.getByRole('region', { name: 'acme.duplocloud.net' }).waitFor();
    await popup.getByRole('region', { name: 'beta.duplocloud.net' }).waitFor();

    // The popup follows changes made while it is open.
    await options.getByRole('button', { name: 'Remove beta.duplocloud.net' }).click();
    await popup.getByRole('region', { name: 'beta.duplocloud.net' }).waitFor({ state: 'detached' });
    assert.deepEqual(browser.problems, []);
    await browser.close();

    browser = await launch({ profile });
    const again = await browser.openPopup();
    await again.getByRole('region', { name: 'acme.duplocloud.net' }).waitFor();
    assert.equal(await again.getByRole('region').count(), 1);
    assert.deepEqual(browser.problems, []);
  } finally {
    await browser?.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

test('a refused portal URL says why and saves nothing', { timeout: 120000 }, async () => {
  const browser = await launch();
  try {
    const options = await browser.openOptions();
    const url = options.getByRole('textbox', { name: 'Portal URL' });
    const add = options.getByRole('button', { name: 'Add portal' });
    const alert = options.getByRole('alert');
    const cases = [
      ['http://acme.duplocloud.net', /must start with https:\/\//],
      ['https://user:pw@acme.duplocloud.net', /user name and password/],
      ['https://acme.duplocloud.net/?tenant=1', /part after \?/],
      ['https://acme.duplocloud.net/#x', /part after #/],
      ['ftp://acme.duplocloud.net', /ftp: are not allowed/],
      ['', /Type the address/],
    ];
    for (const [input, reason] of cases) {
      await url.fill(input);
      await add.click();
      await assert.doesNotReject(alert.filter({ hasText: reason }).waitFor({ timeout: 5000 }), `no reason shown for ${input}`);
      assert.equal(await url.inputValue(), input, 'what the user typed is kept');
    }
    await url.fill('acme.duplocloud.net');
    await add.click();
    await options.getByRole('button', { name: 'Remove acme.duplocloud.net' }).waitFor();
    await alert.waitFor({ state: 'hidden' });
    await url.fill('https://acme.duplocloud.net/');
    await add.click();
    await alert.filter({ hasText: 'acme.duplocloud.net is already in your portals.' }).waitFor();
    assert.equal(await options.getByRole('listitem').count(), 1);

    const stored = await browser.worker.evaluate(() => chrome.storage.local.get(null));
    assert.deepEqual(stored, {
      config: { version: 1, portals: [{ url: 'https://acme.duplocloud.net' }], settings: DEFAULT_SETTINGS, recent: [] },
    });
    assert.deepEqual(browser.problems, []);
  } finally {
    await browser.close();
  }
});

test('the message handler answers only this extension\'s pages', { timeout: 60000 }, async () => {
  const browser = await launch();
  try {
    // The same entry point the worker's onMessage listener calls, given forged senders (a web
    // page's content script, another extension) and a malformed message.
    const page = await browser.openPopup();
    const answers = await page.evaluate(async () => {
      const wasm = await import('./jit_console.js');
      await wasm.default();
      const add = { type: 'addPortal', url: 'evil.duplocloud.net', apiToken: null };
      const ours = { id: chrome.runtime.id, url: chrome.runtime.getURL('popup.html') };
      const consolePage = { id: chrome.runtime.id, url: 'https://us-east-1.console.aws.amazon.com/ec2/home', tab: { id: 5 } };
      return {
        webPage: await wasm.handleMessage(add, { id: chrome.runtime.id, url: 'https://evil.example/' }),
        otherExtension: await wasm.handleMessage(add, { id: 'abcdefghijklmnopabcdefghijklmnop', url: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop/x.html' }),
        noSender: await wasm.handleMessage(add, undefined),
        malformed: await wasm.handleMessage({ type: 'rmRf' }, ours),
        genuine: await wasm.handleMessage({ type: 'getState' }, ours),
        // Our identity bar's content script on a console page (issue 19): only its own
        // request type, about its own tab (none of ours here), and only from the top frame.
        consoleScript: await wasm.handleMessage(add, { ...consolePage, frameId: 0 }),
        consoleBar: await wasm.handleMessage({ type: 'getIdentityBar' }, { ...consolePage, frameId: 0 }),
        consoleFrame: await wasm.handleMessage({ type: 'getIdentityBar' }, { ...consolePage, frameId: 3 }),
      };
    });
    assert.equal(answers.webPage, undefined);
    assert.equal(answers.otherExtension, undefined);
    assert.equal(answers.noSender, undefined);
    assert.equal(answers.malformed.type, 'error');
    assert.deepEqual(answers.genuine, { type: 'state', portals: [], settings: DEFAULT_SETTINGS });
    assert.equal(answers.consoleScript, undefined, 'a page request from a console page gets nothing');
    assert.deepEqual(answers.consoleBar, { type: 'hidden' }, 'a tab the extension did not open has no bar');
    assert.equal(answers.consoleFrame, undefined, 'a frame of a console page gets nothing');
    const stored = await browser.worker.evaluate(() => chrome.storage.local.get(null));
    assert.deepEqual(stored, {});
  } finally {
    await browser.close();
  }
});
