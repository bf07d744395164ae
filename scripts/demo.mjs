// `make demo`: shows the extension working. With a display, opens a Chromium window with
// the extension loaded and leaves it to the user; without one, walks through the features
// headless, saves screenshots under out/demo/ and prints where they are.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launch, root } from '../tests/e2e/harness.mjs';

const outDir = join(root, 'out/demo');
mkdirSync(outDir, { recursive: true });
const headed = Boolean(process.env.DISPLAY) && process.env.DEMO_HEADLESS !== '1';
const DEMO_PORTAL = 'https://demo.duplocloud.net';

const browser = await launch({ headless: !headed });
const shots = [];
async function shot(page, name, note) {
  const file = join(outDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  shots.push([file, note]);
}

const options = await browser.openOptions();
await options.getByRole('textbox', { name: 'Portal URL' }).fill(DEMO_PORTAL);
await options.getByRole('button', { name: 'Add portal' }).click();
await options.getByRole('button', { name: 'Remove demo.duplocloud.net' }).waitFor();
await options.getByRole('textbox', { name: 'Portal URL' }).fill('http://acme.duplocloud.net');
await options.getByRole('button', { name: 'Add portal' }).click();
await options.getByRole('alert').waitFor();
await shot(options, '1-options', 'the options page: the demo portal added, and a refused http:// address explained');

const popup = await browser.openPopup();
await popup.setViewportSize({ width: 380, height: 300 });
await popup.getByRole('region', { name: 'demo.duplocloud.net' }).waitFor();
await shot(popup, '2-popup', 'the popup: one region per configured portal');

console.log(`Extension ${browser.extensionId} loaded from dist/chrome.`);
for (const [file, note] of shots) console.log(`  ${file}\n    ${note}`);
if (browser.problems.length) {
  console.error('Problems seen:', browser.problems);
  process.exitCode = 1;
}
if (headed) {
  console.log('The browser stays open; close it or press Ctrl-C to end the demo.');
  await new Promise((resolve) => browser.context.on('close', resolve));
} else {
  await browser.close();
}
