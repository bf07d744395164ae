// The figures of issue 15: the first answer after a browser start. After every start of the
// browser, Chromium 156's `chrome.storage.managed.get` took 2.8–4.9 s (no policy installed)
// on successive launches of the same profile, and the old worker read the policy before
// anything else, so the popup and the options page showed nothing for 3–5 s. The other
// groups never saw it: they restart the worker, not the browser (and a fresh profile's
// first launch is not the case either). Here a profile is set up once per build, the browser
// closed for real (storage.local persists in the profile directory), then relaunched on it
// for every repetition with the page opened at once.
import { rmSync, readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { launch, newProfile, POLICY_DIR } from '../tests/e2e/harness.mjs';
import { popupProbe, popupInteractiveAt, optionsProbe } from './probe.mjs';
import { sleep, med, portal, freshBrowser, signInAll, noteChromiumVersion } from './common.mjs';
import { figure } from './report.mjs';

const NAMES = ['boot1', 'boot2', 'boot3', 'boot4', 'boot5'];
const PER_PORTAL = 400;

/** Milliseconds since the epoch on Node's high-resolution clock (comparable with a page's
 * or the worker's `performance.timeOrigin + performance.now()` on the same machine). */
const nowAbs = () => performance.timeOrigin + performance.now();

/** The policy files Chromium would read (the finding is without any). */
function policyFiles() {
  try { return readdirSync(POLICY_DIR).filter((n) => n.endsWith('.json')); } catch { return []; }
}

/** Waits until the page's probe saw `done(batches)` hold, then the DOM quiet for `quietMs`. */
async function settle(page, done, { quietMs = 800, timeout = 30000, what }) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const state = await page.evaluate(() => ({ idle: performance.now() - window.__bench.last, batches: window.__bench.batches.map(({ sample, ...b }) => b) }));
    if (done(state.batches) && state.idle > quietMs) return state.batches;
    if (Date.now() > deadline) throw new Error(`${what} did not settle within ${timeout / 1000} s after a browser start`);
    await sleep(100);
  }
}

/** The worker's diagnostics ring (null if the build has none). */
const ring = (browser) => browser.worker.evaluate(() => (globalThis.jitDiagnostics ? globalThis.jitDiagnostics() : null));

/** Times `chrome.storage.managed.get()` in the worker, then the same call again at once. */
function timeManagedRead(browser) {
  return browser.worker.evaluate(async () => {
    const call = async () => {
      const at = performance.timeOrigin + performance.now();
      await chrome.storage.managed.get();
      return { at, ms: performance.timeOrigin + performance.now() - at };
    };
    const first = await call();
    const again = await call();
    return { first, again };
  }).catch((error) => ({ error: error.message }));
}

/**
 * Relaunches the browser on `profile` and opens `kind` (`popup` or `options`) at once.
 * Returns when it became interactive, the worker's start-up marks and the duration of a
 * direct `chrome.storage.managed.get()` in the worker; closes the browser.
 */
async function relaunch(sim, dist, profile, kind) {
  const before = nowAbs();
  const browser = await launch({ profile, sim, extension: dist });
  const launched = nowAbs();
  noteChromiumVersion(browser);
  // Issued at once, beside the page: the time until the browser answers a managed read from
  // now, then the same call again (the store answered once).
  const managedCalls = timeManagedRead(browser);
  try {
    const page = await browser.context.newPage();
    await page.addInitScript(kind === 'options' ? optionsProbe : popupProbe);
    await page.goto(browser.url(`${kind}.html`));
    let t;
    let shown;
    if (kind === 'options') {
      const batches = await settle(page, (b) => b.some((x) => x.ready && x.portals >= NAMES.length), { what: 'the options page' });
      const first = batches.find((x) => x.ready && x.portals >= NAMES.length);
      t = first.t;
      shown = first.portals;
    } else {
      await settle(page, (b) => (b.at(-1)?.count ?? 0) > 0 && b.some((x) => x.ready), { what: 'the popup' });
      t = await popupInteractiveAt(page, { ready: true });
      shown = await page.evaluate(() => window.__bench.batches.at(-1).count);
    }
    const navigationStart = await page.evaluate(() => performance.timeOrigin);
    const managed = await managedCalls;
    // The worker's start-up, from its ring: wait for the policy to be applied (a build that
    // records no `policyApplied` is known to be done once the managed reads above returned
    // and its start-up schedule is done, with a second's grace).
    const settledAt = Date.now();
    let marks = null;
    for (;;) {
      const d = await ring(browser).catch(() => null);
      const at = (event) => d?.entries?.find((e) => e.event === event)?.atMs;
      // The page's first request for the state, as the worker received and answered it.
      const request = d?.entries?.find((e) => e.event === 'request' && /^get(Popup)?State/.test(e.request));
      const answered = request && d.entries.find((e) => e.event === 'answered' && e.request === request.request && e.atMs >= request.atMs);
      marks = {
        wasmReady: at('wasmReady'), stateLoaded: at('stateLoaded'), startupDone: at('startupDone'), menusDone: at('menusDone'), policyApplied: at('policyApplied'),
        request: request?.atMs, answered: answered?.atMs, ring: Boolean(d),
      };
      if (marks.policyApplied !== undefined) break;
      if (marks.startupDone !== undefined && Date.now() - settledAt > 1000) break;
      if (Date.now() - settledAt > 20000) break;
      await sleep(50);
    }
    return { t, shown, navigationStart, before, launched, managed, marks };
  } finally {
    await browser.close();
  }
}

const diff = (a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : null);

/**
 * The `browserstart` group for the build in `dist`: set-up on a new profile, one warm-up
 * relaunch (discarded, as every group's first measurement), then `reps` relaunches with the
 * popup and `reps` with the options page, alternating.
 */
export async function browserStartFigures(sim, { reps, dist }) {
  const profile = newProfile();
  const policies = policyFiles();
  try {
    const config = { portals: NAMES.map((n) => portal(n, { generate: { count: PER_PORTAL, prefix: 'tenant' } })) };
    const setup = await freshBrowser(sim, config, dist, { profile });
    // The same direct read on the set-up's launch: a new profile, its first browser start.
    const fresh = await timeManagedRead(setup);
    try {
      const popup = await signInAll(setup, NAMES, () => 'tenant0001');
      await popup.close();
      await sleep(500);
    } finally {
      await setup.close(); // keeps the profile: a real close, storage.local flushed to disk
    }

    await relaunch(sim, dist, profile, 'popup');
    const runs = { popup: [], options: [] };
    for (let i = 0; i < reps; i++) {
      for (const kind of i % 2 === 0 ? ['popup', 'options'] : ['options', 'popup']) {
        runs[kind].push(await relaunch(sim, dist, profile, kind));
      }
    }

    const all = [...runs.popup, ...runs.options];
    const launchMs = all.map((r) => r.launched - r.before);
    const pageFigure = (kind, id, title, what) => {
      const rs = runs[kind];
      const fromLaunch = rs.map((r) => (r.t === null ? null : r.navigationStart + r.t - r.launched));
      const navAfterLaunch = rs.map((r) => r.navigationStart - r.launched);
      const wasm = rs.map((r) => diff(r.marks.wasmReady, r.launched));
      const fromNav = (mark) => med(rs.map((r) => diff(r.marks[mark], r.navigationStart)));
      return figure(id, title, 'ms', rs.map((r) => r.t), {
        budget: { max: 300 },
        detail: `from the page's navigation start (the page opened as soon as launch() returned, which is once the browser runs and its worker was seen; navigation started ${med(navAfterLaunch)} ms after that); `
          + `from launch()'s return ${med(fromLaunch)} ms; launch() itself ${med(launchMs)} ms (all launches); `
          + `the worker's wasm was instantiated ${med(wasm)} ms after launch()'s return (negative: before); `
          + `from navigation start (diagnostics ring): the worker received the page's first state request at ${fromNav('request')} ms, answered it at ${fromNav('answered')} ms, had its state loaded at ${fromNav('stateLoaded')} ms and its start-up schedule (renewals, alarm, badge) done at ${fromNav('startupDone')} ms and its context menu (rebuilt 2 s after that) at ${fromNav('menusDone')} ms; `
          + `${what(rs)}; median of ${rs.length} relaunches of the same profile after one discarded`,
      });
    };
    const figures = [
      pageFigure('popup', 'start.popup', 'first answer after a browser start: popup interactive, 5 portals, 2,000 tenants cached',
        (rs) => `interactive: the tenant buttons it settled on (${rs.at(-1).shown}) shown, "Filter tenants" enabled, main[aria-busy="false"]`),
      pageFigure('options', 'start.options', 'first answer after a browser start: options page interactive, 5 portals',
        (rs) => `interactive: main[aria-busy="false"] with the ${rs.at(-1).shown} portals listed`),
    ];

    // The policy's read, from the ring of the worker started with each browser.
    const applied = all.map((r) => diff(r.marks.policyApplied, r.marks.wasmReady)).filter((v) => v !== null);
    const loaded = all.map((r) => diff(r.marks.stateLoaded, r.marks.wasmReady));
    const done = all.map((r) => diff(r.marks.startupDone, r.marks.wasmReady));
    const noRing = all.filter((r) => !r.marks.ring).length;
    const installed = policies.length ? `policy files present: ${policies.join(', ')}` : 'no policy installed';
    const missing = all.length - applied.length;
    figures.push(figure('start.managed', 'storage.managed read after a browser start (policy applied, from the worker\'s wasm instantiated)', 'ms', applied, {
      detail: `diagnostics ring: policyApplied − wasmReady of the worker started with the browser, every relaunch (popup and options); `
        + `stateLoaded − wasmReady ${med(loaded)} ms, startupDone − wasmReady ${med(done)} ms (median); ${installed}`,
      note: noRing ? `no diagnostics ring in ${noRing} of ${all.length} relaunches`
        : missing === all.length ? 'missing: this build\'s ring has no policyApplied event (it read the policy before its stored state; see stateLoaded − wasmReady)'
          : missing ? `no policyApplied within 20 s in ${missing} of ${all.length} relaunches` : undefined,
    }));

    // The same read, called directly in the worker right after launch() returned.
    const calls = all.map((r) => r.managed).filter((m) => m && !m.error);
    const errors = all.map((r) => r.managed?.error).filter(Boolean);
    const beforeWorker = all.filter((r) => r.managed?.first && typeof r.marks.wasmReady === 'number' && r.managed.first.at < r.marks.wasmReady).length;
    figures.push(figure('start.managed.call', 'chrome.storage.managed.get() in the worker, called right after a browser start', 'ms', calls.map((c) => c.first.ms), {
      detail: `evaluated in the worker as soon as launch() returned, every relaunch; the worker reads the policy itself right after its wasm is instantiated, so this was the second call of the browser's life `
        + `(issued while the worker's may still be pending) in ${calls.length - beforeWorker} of ${calls.length} relaunches and the first in ${beforeWorker}; `
        + `it was answered ${med(all.filter((r) => r.managed?.first).map((r) => r.managed.first.at + r.managed.first.ms - r.launched))} ms after launch()'s return; `
        + `the same call made again at once took ${med(calls.map((c) => c.again.ms))} ms (median); `
        + `on the set-up's launch (a new profile's first browser start) the first call took ${fresh.first ? fresh.first.ms.toFixed(1) : `– (${fresh.error})`} ms`,
      note: errors.length ? `failed in ${errors.length} relaunches: ${errors[0]}` : undefined,
    }));
    return figures;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
