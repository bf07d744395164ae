// Writes one browser's manifest.json from the single source manifest.json, dropping only
// the keys that browser ignores (and would warn about):
//   chrome:  background.scripts, browser_specific_settings
//   firefox: background.service_worker, key, minimum_chrome_version, storage.managed_schema
//            (Firefox reads managed storage from its `3rdparty` policy instead)
// and adding the permissions of the API that isolates console identities there:
//   chrome:  tabGroups (a named, coloured group per tenant)
//   firefox: contextualIdentities + cookies (a container per tenant)
// and, for Chrome, offscreen: its service worker has no clipboard, so a context-menu copy
// goes through an offscreen document (Firefox's background page has one).
// Usage: node scripts/derive-manifest.mjs chrome|firefox OUT_FILE
import { readFileSync, writeFileSync } from 'node:fs';

const [browser, out] = process.argv.slice(2);
const manifest = JSON.parse(readFileSync(new URL('../manifest.json', import.meta.url), 'utf8'));
if (browser === 'chrome') {
  delete manifest.background.scripts;
  delete manifest.browser_specific_settings;
  manifest.permissions.push('tabGroups', 'offscreen');
} else if (browser === 'firefox') {
  delete manifest.background.service_worker;
  delete manifest.key;
  delete manifest.minimum_chrome_version;
  delete manifest.storage;
  manifest.permissions.push('contextualIdentities', 'cookies');
} else {
  console.error(`unknown browser ${browser}`);
  process.exit(2);
}
writeFileSync(out, JSON.stringify(manifest, null, 2) + '\n');
