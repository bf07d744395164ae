// `make demo`: shows the extension working against the built-in DuploCloud simulator.
//
// It starts the simulator with its demo portal (demo.duplocloud.net: tenants dev01, qa,
// staging, prod; user admin@demo.io / demo), launches Chromium with dist/chrome loaded and the
// real host names mapped to the simulator, and adds the demo portal in the options page.
// The headless walk-through ends by opening the AWS console as tenant "staging".
// - With a display (and DEMO_HEADLESS unset) it leaves the window to you: click the toolbar
//   button, "Sign in to demo.duplocloud.net", log in as admin@demo.io / demo, Authorize.
// - Without one it walks through the same steps headless, saves a screenshot of each under
//   out/demo/ and prints where they are. It also writes the README's screenshots to
//   docs/screenshots/: the popup in the light and the dark theme, the options page, the
//   identity bar on the console tab at 1280 and 800 px wide, and (in
//   a virtual X display, since headless Chromium draws no tab strip) the consoles' tab groups;
//   then, in Firefox ESR with dist/firefox, the popup and the consoles in their containers.
import { mkdirSync, copyFileSync, existsSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { launch, root, startSim, waitForTab, addPortal, logInToPortal } from '../tests/e2e/harness.mjs';
import { launchFirefox, waitForRole, waitUntil, allTabs, addPortal as addFirefoxPortal, FIREFOX } from '../tests/e2e/firefox.mjs';
import { xwdToPng } from './xwd-to-png.mjs';

const outDir = join(root, 'out/demo');
const readmeDir = join(root, 'docs/screenshots');
mkdirSync(outDir, { recursive: true });
mkdirSync(readmeDir, { recursive: true });
const headed = Boolean(process.env.DISPLAY) && process.env.DEMO_HEADLESS !== '1';
const HOST = 'demo.duplocloud.net';

const sim = await startSim();
const browser = await launch({ sim, headless: !headed });
const shots = [];
async function shot(page, name, note, readmeName) {
  const file = join(outDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  shots.push([file, note]);
  if (readmeName) copyFileSync(file, join(readmeDir, readmeName));
}

/** A virtual X display (Xvfb) of its own, `:base+n`, once it is up. */
async function virtualDisplay(base) {
  const display = `:${base + (process.pid % 9)}`;
  const xvfb = spawn('Xvfb', [display, '-screen', '0', '1280x720x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return { display, xvfb };
}

/** Photographs the top 360 rows of `display` (xwd) as out/demo/`name`.png and the README's `readmeName`. */
function photograph(display, name, note, readmeName) {
  const raw = join(outDir, `${name}.xwd`);
  execFileSync('xwd', ['-root', '-silent', '-display', display, '-out', raw]);
  const file = join(outDir, `${name}.png`);
  writeFileSync(file, xwdToPng(readFileSync(raw), 360));
  rmSync(raw, { force: true });
  shots.push([file, note]);
  copyFileSync(file, join(readmeDir, readmeName));
}

/** The consoles' tab groups, photographed in a virtual X display (Xvfb + xwd). */
async function tabGroupShot() {
  if (!existsSync('/usr/bin/Xvfb') || !existsSync('/usr/bin/xwd')) {
    console.log('  (Xvfb or xwd missing: no tab group screenshot; `make demo` installs them)');
    return;
  }
  const { display, xvfb } = await virtualDisplay(90);
  const windowed = await launch({ sim, headless: false, env: { ...process.env, DISPLAY: display } });
  try {
    await addPortal(windowed, `https://${HOST}`);
    await logInToPortal(windowed, sim, { portal: 'demo', username: 'admin@demo.io' });
    const popup = await windowed.openPopup();
    const region = popup.getByRole('region', { name: HOST });
    for (const tenant of ['dev01', 'staging']) {
      await region.getByRole('button', { name: `Open AWS console as ${tenant}` }).click();
      await region.getByRole('listitem').filter({ hasText: tenant }).getByText(/expires in/).waitFor({ timeout: 20000 });
    }
    const tab = await waitForTab(windowed, (u) => u.hostname.endsWith('console.aws.amazon.com'));
    await tab.bringToFront();
    await tab.locator('#identity').waitFor();
    await popup.close();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    photograph(display, '11-tab-groups', 'the browser: each tenant console in its own tab group, titled with the time left', 'tab-groups.png');
  } finally {
    await windowed.close().catch(() => {});
    xvfb.kill();
  }
}
/**
 * Firefox (dist/firefox): the popup, and two tenants' consoles in their containers, in a
 * virtual X display (headless Firefox draws no tab strip either).
 */
async function firefoxShots() {
  if (!existsSync(FIREFOX) || !existsSync('/usr/bin/Xvfb') || !existsSync('/usr/bin/xwd')) {
    console.log('  (Firefox ESR, Xvfb or xwd missing: no Firefox screenshots; `make demo` installs them)');
    return;
  }
  const { display, xvfb } = await virtualDisplay(80);
  let firefox;
  try {
    firefox = await launchFirefox({ sim, headless: false, env: { ...process.env, DISPLAY: display } });
    await addFirefoxPortal(firefox, HOST);
    const { url } = await sim.control('/login-link', { method: 'POST', body: { portal: 'demo', username: 'admin@demo.io', next: '/app/' } });
    await firefox.openWeb(url);
    const popup = await firefox.openPopup();
    await popup.setViewport({ width: 380, height: 440 });
    for (const tenant of ['dev01', 'staging']) {
      await popup.bringToFront();
      await (await waitForRole(popup, 'button', `Open AWS console as ${tenant}`, { timeout: 30000 })).click();
      await waitUntil(() => popup.evaluate((t) => [...document.querySelectorAll('li')]
        .some((li) => li.textContent.includes(t) && /expires in/.test(li.textContent)), tenant),
      { timeout: 30000, message: `${tenant}'s console` });
    }
    await popup.bringToFront();
    await popup.evaluate(() => window.scrollTo(0, 0));
    const file = join(outDir, '12-firefox-popup.png');
    await popup.screenshot({ path: file });
    shots.push([file, 'Firefox: the popup, two tenants signed in at once']);
    copyFileSync(file, join(readmeDir, 'firefox-popup.png'));
    // The staging console in front: its tab and dev01's each carry their container's colour.
    const consoles = (await allTabs(firefox)).filter((t) => t.url.includes('console.aws.amazon.com'));
    await firefox.browser.connection.send('browsingContext.activate', { context: consoles.at(-1).context });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    photograph(display, '13-firefox-containers', 'Firefox: each tenant console in its own container (the coloured line under its tab)', 'firefox-containers.png');
  } finally {
    await firefox?.close().catch(() => {});
    xvfb.kill();
  }
}

function step(text) {
  console.log(`- ${text}`);
}

try {
  step(`options page: add https://${HOST}`);
  const options = await browser.openOptions();
  await options.getByRole('textbox', { name: 'Portal URL' }).fill(`https://${HOST}`);
  await options.getByRole('button', { name: 'Add portal' }).click();
  await options.getByRole('button', { name: `Remove ${HOST}` }).waitFor();
  await options.getByRole('textbox', { name: 'Portal URL' }).fill('http://acme.duplocloud.net');
  await options.getByRole('button', { name: 'Add portal' }).click();
  await options.getByRole('alert').waitFor();
  await shot(options, '1-options', 'options: the demo portal added; a plain-http address refused with the reason');

  if (headed) {
    console.log(`\nChromium is open with the extension and ${HOST} configured (simulated).`);
    console.log('Open the extension from the toolbar, sign in as admin@demo.io / demo, and Authorize.');
    console.log('Close the browser or press Ctrl-C to end the demo.');
    await new Promise((resolve) => browser.context.on('close', resolve));
  } else {
    const popup = await browser.openPopup();
    await popup.setViewportSize({ width: 380, height: 520 });
    const region = popup.getByRole('region', { name: HOST });
    await region.getByRole('button', { name: `Sign in to ${HOST}` }).waitFor();
    await shot(popup, '2-popup-signed-out', 'popup: the portal, not signed in yet');

    step('sign in: the portal asks to log in, then to authorize the extension');
    await region.getByRole('button', { name: `Sign in to ${HOST}` }).click();
    const portalTab = await waitForTab(browser, (u) => u.host === HOST);
    await portalTab.getByLabel('Username').fill('admin@demo.io');
    await portalTab.getByLabel('Password').fill('demo');
    await portalTab.getByRole('button', { name: 'Log in' }).click();
    await portalTab.getByRole('button', { name: 'Authorize' }).waitFor();
    await shot(portalTab, '3-portal-authorize', "the portal's own authorization prompt, opened by the extension");
    await portalTab.getByRole('button', { name: 'Authorize' }).click();
    await portalTab.waitForEvent('close');

    step('signed in: the popup lists the tenants');
    await region.getByText('Signed in as admin@demo.io').waitFor();
    await region.getByRole('listitem').filter({ hasText: 'staging' }).waitFor();
    await shot(popup, '4-popup-tenants', 'popup: signed in through the hand-off, tenants listed');
    await region.getByRole('searchbox', { name: 'Filter tenants' }).fill('pro');
    await shot(popup, '5-popup-filter', 'popup: filtering tenants as you type');
    await region.getByRole('searchbox', { name: 'Filter tenants' }).fill('');

    step('open the AWS console as staging: JIT credentials, federation sign-in, its own tab group');
    await region.getByRole('button', { name: 'Open AWS console as staging' }).click();
    const consoleTab = await waitForTab(browser, (u) => u.hostname.endsWith('console.aws.amazon.com'));
    await consoleTab.locator('#identity').filter({ hasText: 'duploservices-staging' }).waitFor();
    await shot(consoleTab, '6-console-staging', 'the AWS console (simulated), signed in as tenant staging');
    step('the identity bar: inside the console, which portal and tenant the tab is, and the time left');
    await consoleTab.locator('jit-console-identity-bar').waitFor({ state: 'attached' });
    for (const width of [1280, 800]) {
      await consoleTab.setViewportSize({ width, height: 560 });
      await shot(consoleTab, `6-console-identity-bar-${width}`, `the identity bar at the bottom of the console tab, ${width} px wide`, `console-identity-bar-${width}.png`);
    }
    await region.getByText(/expires in \d+ min/).first().waitFor();
    await region.getByRole('button', { name: 'Favourite prod' }).click();
    await region.getByRole('button', { name: 'Favourite prod', pressed: true }).waitFor();
    await popup.bringToFront();
    await popup.setViewportSize({ width: 380, height: 440 });
    await shot(popup, '7-popup-light', 'popup (light): prod pinned, staging holds the console with its time left', 'popup-light.png');
    await popup.emulateMedia({ colorScheme: 'dark' });
    await shot(popup, '8-popup-dark', 'popup (dark theme, from the system setting)', 'popup-dark.png');
    await popup.emulateMedia({ colorScheme: 'light' });
    await popup.setViewportSize({ width: 380, height: 520 });
    await region.getByRole('button', { name: 'More for staging' }).click();
    await shot(popup, '9-popup-more', 'popup: the More panel of staging (another tab, services, ARNs, copy)');

    step('options page: portals, settings, configuration file, reset');
    await options.reload();
    await options.locator('main[aria-busy="false"]').waitFor();
    await shot(options, '10-options', 'options: the portal, settings, export/import and reset', 'options.png');

    step('tab groups: the consoles in the browser window (virtual display)');
    await tabGroupShot();

    step('Firefox: the popup, and the consoles in their containers (virtual display)');
    await firefoxShots();

    console.log(`\nExtension ${browser.extensionId} (dist/chrome) against the simulator. Screenshots:`);
    for (const [file, note] of shots) console.log(`  ${file}\n    ${note}`);
  }
  if (browser.problems.length) {
    console.error('Problems seen:', browser.problems);
    process.exitCode = 1;
  }
} finally {
  await browser.close().catch(() => {});
  await sim.close();
}
