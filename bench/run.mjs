// `make bench`: the figures of issues 8 and 15, measured in headless Chromium with the production
// build (dist/chrome) against the simulator, the way the end-to-end suite runs it. Each
// figure is the median of repeated measurements with its spread; budgets are checked here
// and printed as PASS/FAIL lines (the test suite asserts no timing). Results go to
// bench/results.json (the previous run kept) and the table in bench/README.md.
//
// With --baseline=<another dist/chrome>, every selected figure is measured for that build
// too, in the same run against the same simulator: group by group (the popup's three sizes
// each a group), the two builds one after the other, alternating which goes first, so that
// the machine's drift touches both alike. Budgets and verdicts are the current build's.
//
//   node bench/run.mjs [--only=size,startup,popup,click,renewal,browserstart] [--quick]
//                      [--baseline=/tmp/before/dist/chrome --baseline-label=072543f]
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { gzipSync, brotliCompressSync, constants as zlib } from 'node:zlib';
import { startSim, root, chromeDist } from '../tests/e2e/harness.mjs';
import { popupProbe, popupInteractiveAt, workerDevtools } from './probe.mjs';
import { sleep, med, portal, host, freshBrowser, signInAll } from './common.mjs';
import * as common from './common.mjs';
import { figure, withBaseline, printFigures, regressions, printRegressions, provenance, saveResults, writeReadmeTable } from './report.mjs';

const args = new Map(process.argv.slice(2).map((a) => {
  const [key, ...value] = a.replace(/^--/, '').split('=');
  return [key, value.length ? value.join('=') : undefined];
}));
const only = args.has('only') ? new Set(args.get('only').split(',')) : null;
const quick = args.has('quick');
const REPS = quick ? 3 : 9;
const wanted = (name) => !only || only.has(name);
const log = (line) => process.stderr.write(`[bench] ${line}\n`);

/** The short commit of the work tree a dist/chrome folder was built in, else the folder. */
function commitOf(dist) {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: resolve(dist, '../..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || dist;
  } catch {
    return dist;
  }
}

// The builds measured: the current one (dist/chrome of this work tree) and, if asked, a
// baseline. Every figure function takes the build's folder; nothing reads a global one.
const current = { role: 'current', dist: chromeDist };
const baseline = args.has('baseline')
  ? { role: 'baseline', dist: resolve(args.get('baseline') ?? ''), label: args.get('baseline-label') || commitOf(resolve(args.get('baseline') ?? '')) }
  : null;
for (const build of [current, baseline].filter(Boolean)) {
  if (!existsSync(join(build.dist, 'manifest.json'))) {
    console.error(`No extension build in ${build.dist} (no manifest.json): build it first${build === current ? ' (scripts/build.sh)' : ''}.`);
    process.exit(2);
  }
}
if (baseline && baseline.dist === resolve(current.dist)) log(`note: the baseline is the current build itself (${baseline.dist})`);

// ---- the figures ----------------------------------------------------------------------

function sizes(dist) {
  const file = (name) => readFileSync(join(dist, name));
  const kb = (n) => n / 1024;
  const measure = (buffer) => ({
    raw: buffer.length,
    gzip: gzipSync(buffer, { level: 9 }).length,
    brotli: brotliCompressSync(buffer, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).length,
  });
  const worker = measure(file('jit_console_bg.wasm'));
  const pages = measure(file('jit_pages_bg.wasm'));
  const glue = { worker: measure(file('jit_console.js')), pages: measure(file('jit_pages.js')) };
  const line = (m) => `raw ${kb(m.raw).toFixed(1)} KB, gzip ${kb(m.gzip).toFixed(1)} KB, brotli ${kb(m.brotli).toFixed(1)} KB`;
  return [
    // Reported; the guard (450 KB gzip per module) catches accidents, it is not a goal
    // (bench/README.md, Decisions: why it was raised from 400 KB).
    figure('size.worker', 'wasm of the service worker (jit_console_bg.wasm), gzip', 'KB', [kb(worker.gzip)], {
      budget: { max: 450, guard: true }, detail: line(worker),
    }),
    figure('size.pages', 'wasm of the pages (jit_pages_bg.wasm), gzip', 'KB', [kb(pages.gzip)], {
      budget: { max: 450, guard: true }, detail: line(pages),
    }),
    figure('size.total', 'wasm, both modules, gzip', 'KB', [kb(worker.gzip + pages.gzip)], {
      detail: `raw ${kb(worker.raw + pages.raw).toFixed(1)} KB, brotli ${kb(worker.brotli + pages.brotli).toFixed(1)} KB`,
    }),
    figure('size.glue', 'JS glue of both modules (jit_console.js + jit_pages.js), gzip', 'KB', [kb(glue.worker.gzip + glue.pages.gzip)], {
      detail: `worker ${line(glue.worker)}; pages ${line(glue.pages)}`,
    }),
  ];
}

/** 2,000 tenants in 5 portals: worker memory, then worker cold starts. */
async function fleet(sim, dist) {
  const names = ['fleet1', 'fleet2', 'fleet3', 'fleet4', 'fleet5'];
  const config = { portals: names.map((n) => portal(n, { generate: { count: 400, prefix: 'tenant' } })) };
  const browser = await freshBrowser(sim, config, dist);
  const figures = [];
  try {
    const popup = await signInAll(browser, names, () => 'tenant0001');
    const devtools = await workerDevtools(browser, popup);

    // Memory, with the state the popup needs loaded: after each opening of the popup.
    const heap = [];
    const wasm = [];
    for (let i = 0; i < Math.min(REPS, 5); i++) {
      const page = await browser.openPopup();
      await page.getByRole('region', { name: host('fleet5') }).getByRole('button', { name: 'Open AWS console as tenant0001' }).waitFor();
      await page.waitForTimeout(1000);
      await page.close();
      await devtools.send('HeapProfiler.collectGarbage');
      const usage = await devtools.send('Runtime.getHeapUsage');
      const diagnostics = await devtools.diagnostics();
      heap.push(usage.usedSize / 2 ** 20);
      wasm.push(diagnostics.wasmMemoryBytes / 2 ** 20);
    }
    const total = heap.map((h, i) => h + wasm[i]);
    figures.push(figure('worker.memory', 'worker memory, 2,000 tenants in 5 portals (JS heap + wasm)', 'MB', total, {
      budget: { max: 10 },
      detail: `JS heap after GC ${Math.min(...heap).toFixed(2)}–${Math.max(...heap).toFixed(2)} MB, wasm memory ${Math.min(...wasm).toFixed(2)}–${Math.max(...wasm).toFixed(2)} MB`,
    }));

    // Cold start: the browser stops the worker; a page's message wakes it.
    const ready = [];
    const wasmReady = [];
    const startup = [];
    const roundTrip = [];
    for (let i = 0; i < REPS + 1; i++) {
      await devtools.stop();
      await popup.waitForTimeout(200);
      const trip = await popup.evaluate(async () => {
        const t0 = performance.now();
        await chrome.runtime.sendMessage({ type: 'getState' });
        return performance.now() - t0;
      });
      let marks = null;
      for (let j = 0; j < 100 && !marks; j++) {
        const d = await devtools.diagnostics();
        const origin = await devtools.evaluate('performance.timeOrigin');
        const at = (event) => d?.entries.find((e) => e.event === event)?.atMs;
        if (at('startupDone') !== undefined) marks = { origin, wasm: at('wasmReady'), loaded: at('stateLoaded'), done: at('startupDone') };
        else await popup.waitForTimeout(50);
      }
      if (!marks) throw new Error('the worker did not report its start-up');
      if (i === 0) continue; // the first start warms the browser's code cache, as any start after installation
      wasmReady.push(marks.wasm - marks.origin);
      ready.push(marks.loaded - marks.origin);
      startup.push(marks.done - marks.origin);
      roundTrip.push(trip);
    }
    figures.push(figure('worker.coldStart', 'worker cold start to ready (wasm instantiated, state loaded, listeners live)', 'ms', ready, {
      budget: { max: 50 },
      detail: `from the worker's time origin: wasm instantiated at ${med(wasmReady)} ms, state loaded at ${med(ready)} ms (median); listeners are registered synchronously before either`,
    }));
    figures.push(figure('worker.startupDone', 'worker start-up schedule done (renewals due, alarm, badge)', 'ms', startup));
    figures.push(figure('worker.wakeRoundTrip', 'stopped worker woken by a page message, answer received', 'ms', roundTrip));
    await devtools.detach();
  } finally {
    await browser.close();
  }
  return figures;
}

/** Opens popup.html in a tab with the probe; returns the page once its list has settled. */
async function openMeasuredPopup(browser, { quietMs = 800, timeout = 30000 } = {}) {
  const page = await browser.context.newPage();
  await page.addInitScript(popupProbe);
  await page.goto(browser.url('popup.html'));
  const deadline = Date.now() + timeout;
  for (;;) {
    const state = await page.evaluate(() => ({ idle: performance.now() - window.__bench.last, count: window.__bench.batches.at(-1)?.count ?? 0 }));
    if (state.count > 0 && state.idle > quietMs) break;
    if (Date.now() > deadline) throw new Error('the popup did not settle with tenants shown');
    await sleep(100);
  }
  return page;
}

/** When the popup became interactive: the tenant buttons it settles on were all there and
 * the filter enabled (time since navigation start). */
async function interactiveAt(page) {
  return popupInteractiveAt(page);
}

/** Popup open with `count` cached tenants (and, at 2,000, the filter keystroke). */
async function popupFigures(sim, dist, count) {
  const figures = [];
  const browser = await freshBrowser(sim, { portals: [portal('acme', { generate: { count, prefix: 'tenant' } })] }, dist);
  try {
    const first = await signInAll(browser, ['acme'], () => 'tenant0001');
    await first.close();
    const times = [];
    const parsed = [];
    const phases = { messageSent: [], wasmInstantiated: [], answerReceived: [] };
    let shown = 0;
    for (let i = 0; i < REPS + 1; i++) {
      const page = await openMeasuredPopup(browser);
      const t = await interactiveAt(page);
      shown = await page.evaluate(() => window.__bench.batches.at(-1).count);
      const html = await page.evaluate(() => performance.getEntriesByType('navigation')[0].domInteractive);
      // (Resource timing has no entries for chrome-extension:// resources: the module's
      // fetch cannot be timed from the page.)
      const seen = await page.evaluate(() => window.__bench.phases);
      await page.close();
      if (i > 0) {
        times.push(t);
        parsed.push(html);
        for (const [name, list] of Object.entries(phases)) if (seen[name] !== undefined) list.push(seen[name]);
      }
      await sleep(300);
    }
    const phase = (name) => (phases[name].length ? `${med(phases[name])} ms` : '–');
    figures.push(figure(`popup.open.${count}`, `popup open to interactive, ${count.toLocaleString('en')} cached tenants`, 'ms', times, {
      budget: count === 2000 ? { max: 100 } : undefined,
      detail: `from navigation start; ${shown} tenant buttons rendered; the page's HTML was parsed (before any script of ours) at ${med(parsed)} ms, `
        + `its script sent the first request at ${phase('messageSent')}, the wasm module was instantiated at ${phase('wasmInstantiated')}, `
        + `the worker's answer came at ${phase('answerReceived')} (medians)`,
    }));
    if (count === 2000) figures.push(await filterFigure(browser));
  } finally {
    await browser.close();
  }
  return figures;
}

/** One keystroke in "Filter tenants" to the updated list (2,000 tenants). */
async function filterFigure(browser) {
  const page = await openMeasuredPopup(browser);
  const box = page.getByRole('searchbox', { name: 'Filter tenants' }).first();
  await box.focus();
  // Each key changes which tenants match (names tenant0001..tenant2000).
  const keys = quick ? ['1', '5', 'Backspace', 'Backspace'] : ['1', '5', '0', 'Backspace', 'Backspace', 'Backspace', '7', '3', 'Backspace', 'Backspace', '2', '0'];
  await page.evaluate(() => {
    // The probe also checks, per mutation batch, that every tenant shown matches the filter
    // (as a subsequence, which substring and fuzzy matching both satisfy).
    const bench = window.__bench;
    const box = document.querySelector('input[aria-label="Filter tenants"], input[type="search"]');
    const matches = (name, filter) => {
      let i = 0;
      const n = name.toLowerCase();
      for (const c of filter.toLowerCase()) { i = n.indexOf(c, i); if (i < 0) return false; i++; }
      return true;
    };
    const signature = (names) => `${names.length}:${names[0]}:${names.at(-1)}`;
    bench.sig = signature(bench.tenants());
    bench.updates = [];
    new MutationObserver(() => {
      const names = bench.tenants();
      const value = box.value;
      bench.updates.push({ t: performance.now(), value, sig: signature(names), ok: names.every((n) => matches(n, value.trim())) });
    }).observe(document, { childList: true, subtree: true });
    window.addEventListener('keydown', () => { bench.keySig = signature(bench.tenants()); }, true);
  });
  const times = [];
  for (const key of keys) {
    const before = await page.evaluate(() => ({ keys: window.__bench.keys.length, value: document.querySelector('input[aria-label="Filter tenants"], input[type="search"]').value }));
    await page.keyboard.press(key);
    await page.waitForTimeout(500);
    const t = await page.evaluate((b) => {
      const bench = window.__bench;
      const key = bench.keys[b.keys];
      const value = document.querySelector('input[aria-label="Filter tenants"], input[type="search"]').value;
      const done = bench.updates.find((u) => u.t >= key.t && u.value === value && u.ok && u.sig !== bench.keySig);
      return done ? done.t - key.t : null;
    }, before);
    times.push(t);
  }
  await page.close();
  const missed = times.filter((t) => t === null).length;
  return figure('popup.filter.2000', 'one filter keystroke to updated list, 2,000 tenants', 'ms', times.filter((t) => t !== null), {
    budget: { max: 16 },
    detail: `keys ${keys.join(' ')}; time from keydown to the DOM batch that shows only matching tenants${missed ? `; ${missed} keystroke(s) never showed an updated list` : ''}`,
  });
}

/** Sums the union of [start, end] intervals (overlapping requests count once). */
function covered(intervals) {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [from, to] = [null, null];
  for (const [s, e] of sorted) {
    if (to === null || s > to) { if (to !== null) total += to - from; [from, to] = [s, e]; } else to = Math.max(to, e);
  }
  if (to !== null) total += to - from;
  return total;
}

/** The extension's time between `fromAbs` and the first console navigation after it, and the
 * network time inside (from the diagnostics ring). */
function extensionTime(diagnostics, fromAbs) {
  const entries = diagnostics.entries.filter((e) => e.atMs >= fromAbs - 0.5);
  const navigate = entries.find((e) => e.event === 'navigate');
  if (!navigate) return null;
  const starts = new Map();
  const intervals = [];
  for (const e of entries) {
    if (e.atMs > navigate.atMs) break;
    if (e.event === 'fetchStart') starts.set(e.id, e.atMs);
    if (e.event === 'fetchEnd' && starts.has(e.id)) intervals.push([starts.get(e.id), e.atMs]);
  }
  const received = entries.find((e) => e.event === 'request' && e.request === 'openConsole');
  const network = covered(intervals);
  return {
    total: navigate.atMs - fromAbs - network,
    worker: received ? navigate.atMs - received.atMs - network : null,
    network,
    fetches: intervals.length,
  };
}

async function clickFigures(sim, dist) {
  const tenants = Array.from({ length: REPS + 1 }, (_, i) => `t${String(i + 1).padStart(2, '0')}`);
  const browser = await freshBrowser(sim, { portals: [portal('acme', { tenants: tenants.map((name) => ({ name })) })] }, dist);
  const figures = [];
  try {
    const first = await signInAll(browser, ['acme'], () => tenants.at(-1));
    await first.close();
    const popup = await browser.context.newPage();
    await popup.addInitScript(popupProbe);
    await popup.goto(browser.url('popup.html'));
    const devtools = await workerDevtools(browser, popup);
    const region = popup.getByRole('region', { name: host('acme') });
    await region.getByRole('button', { name: `Open AWS console as ${tenants.at(-1)}` }).waitFor();
    await popup.waitForTimeout(1000);
    const consoleTabs = () => browser.context.pages().filter((p) => !p.isClosed() && new URL(p.url()).hostname.endsWith('console.aws.amazon.com'));
    const lastSeq = async () => (await sim.control('/log')).at(-1)?.seq ?? 0;

    /** Clicks the tenant's button; waits for its console; returns what it cost. */
    async function open(tenant) {
      const seq = await lastSeq();
      const clicks = await popup.evaluate(() => window.__bench.clicks.length);
      const before = new Set(consoleTabs());
      await region.getByRole('button', { name: `Open AWS console as ${tenant}` }).click();
      let tab;
      for (let i = 0; i < 300 && !tab; i++) {
        tab = consoleTabs().find((p) => !before.has(p));
        if (!tab) await sleep(20);
      }
      if (!tab) throw new Error(`no console tab for ${tenant}`);
      await tab.locator('#identity').filter({ hasText: `duploservices-${tenant}` }).waitFor({ timeout: 15000 });
      const clickAt = await popup.evaluate((n) => window.__bench.clicks[n].abs, clicks);
      const time = extensionTime(await devtools.diagnostics(), clickAt);
      const log = (await sim.control(`/log?since=${seq}`));
      const portalRequests = log.filter((e) => e.host === host('acme')).length;
      const signinTokens = log.filter((e) => e.path === '/federation' && e.query.includes('getSigninToken')).length;
      return { tab, time, portalRequests, signinTokens };
    }

    const cold = { total: [], worker: [], requests: [], signin: [], network: [] };
    const warm = { total: [], worker: [], requests: [], signin: [] };
    for (const [i, tenant] of tenants.entries()) {
      const a = await open(tenant);
      await a.tab.close();
      await popup.bringToFront();
      await popup.waitForTimeout(400);
      const b = await open(tenant);
      await b.tab.close();
      await popup.bringToFront();
      await popup.waitForTimeout(400);
      if (i === 0) continue; // warm-up: the first console of the browser
      cold.total.push(a.time?.total); cold.worker.push(a.time?.worker); cold.requests.push(a.portalRequests); cold.signin.push(a.signinTokens); cold.network.push(a.time?.network);
      warm.total.push(b.time?.total); warm.worker.push(b.time?.worker); warm.requests.push(b.portalRequests); warm.signin.push(b.signinTokens);
    }
    figures.push(figure('click.cached.requests', 'click to console, credentials cached: portal requests', 'requests', warm.requests, { budget: { equals: 0 } }));
    figures.push(figure('click.cached.time', 'click to console, credentials cached: extension time', 'ms', warm.total, {
      budget: { max: 10 },
      detail: `from the click event to the console tab's navigation, minus network; worker alone (request received to navigation) median ${med(warm.worker)} ms; getSigninToken calls ${warm.signin.join(',')}`,
    }));
    figures.push(figure('click.uncached.requests', 'click to console, not cached: portal requests', 'requests', cold.requests, {
      budget: { equals: 1 }, detail: `getSigninToken calls per click: ${cold.signin.join(',')} (needed only when the portal's ConsoleUrl cannot be used)`,
    }));
    figures.push(figure('click.uncached.time', 'click to console, not cached: extension time beyond the network', 'ms', cold.total, {
      budget: { max: 15 },
      detail: `network (simulator) time subtracted, median ${med(cold.network)} ms; worker alone median ${med(cold.worker)} ms`,
    }));
    await devtools.detach();
  } finally {
    await browser.close();
  }
  return figures;
}

// ---- main ------------------------------------------------------------------------------

// The groups of figures, in order. Each measures one build (its dist/chrome folder); with a
// baseline, each group runs for both builds before the next group starts.
const groups = [
  { selector: 'size', what: 'wasm sizes', measure: async (dist) => sizes(dist) },
  { selector: 'startup', what: 'worker memory and cold start (5 portals, 2,000 tenants)', measure: (dist) => fleet(sim, dist) },
  ...[10, 500, 2000].map((count) => ({
    selector: 'popup',
    what: `popup open (${count.toLocaleString('en')} tenants)${count === 2000 ? ' and filter keystrokes' : ''}`,
    measure: (dist) => popupFigures(sim, dist, count),
  })),
  { selector: 'click', what: 'click to console, cached and not', measure: (dist) => clickFigures(sim, dist) },
  { selector: 'renewal', what: 'consoles renewed at once (AWS\'s limit of 5)', measure: async (dist) => (await import('./renewal.mjs')).renewalFigures(sim, { quick, dist }) },
  { selector: 'browserstart', what: 'first answer after a browser start (5 portals, 2,000 tenants; the browser relaunched on one profile)', measure: async (dist) => (await import('./browserstart.mjs')).browserStartFigures(sim, { reps: REPS, dist }) },
].filter((g) => wanted(g.selector));

const started = Date.now();
const sim = await startSim();
const figures = [];
const baselineFigures = [];
const baselineErrors = [];
try {
  for (const [i, group] of groups.entries()) {
    // With a baseline, the builds alternate which goes first from one group to the next.
    const order = !baseline ? [current] : i % 2 === 0 ? [baseline, current] : [current, baseline];
    for (const build of order) {
      if (build === current) {
        log(`${group.what}${baseline ? ' — current build' : ''}`);
        figures.push(...(await group.measure(build.dist)));
      } else {
        log(`${group.what} — baseline ${build.label}`);
        try {
          baselineFigures.push(...(await group.measure(build.dist)));
        } catch (error) {
          // A baseline that cannot be measured (an older build without some hook) leaves its
          // column empty for this group; the current build's figures go on.
          log(`baseline ${build.label}: ${group.what} failed: ${error.message}`);
          baselineErrors.push({ group: group.what, error: error.message });
        }
      }
    }
  }
} finally {
  await sim.close();
}
if (baseline) withBaseline(figures, baselineFigures);

const chromiumVersion = common.chromiumVersion;
const run = {
  ...provenance(root, chromiumVersion),
  duration_s: Math.round((Date.now() - started) / 1000),
  repetitions: REPS,
  dist: current.dist,
  ...(baseline ? { baseline: { label: baseline.label, dist: baseline.dist, errors: baselineErrors } } : {}),
  figures,
};
console.log(`\nJIT Console benchmark — ${run.date}, commit ${run.commit}, ${run.machine.cpus} × ${run.machine.cpu}, Chromium ${chromiumVersion}`);
if (baseline) console.log(`Baseline: ${baseline.label} (${baseline.dist}), measured in the same run; budgets and verdicts are the current build's.`);
console.log('');
const ok = printFigures(figures, run.baseline?.label);
if (!only && !quick) {
  const previous = saveResults(join(root, 'bench/results.json'), run);
  const worse = regressions(figures, previous);
  printRegressions(worse, previous, run);
  writeReadmeTable(join(root, 'bench/README.md'), run, previous, worse);
  console.log('\nWritten: bench/results.json, bench/README.md');
} else {
  console.log('\n(partial or quick run: bench/results.json and bench/README.md left as they were)');
}
console.log(ok ? '\nEvery budget and guard holds (current build).' : '\nSome budgets or guards do not hold (FAIL above).');
console.log(`(${run.duration_s} s)`);
