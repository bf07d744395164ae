// What the benchmark puts into the pages it measures, and how it reaches the service
// worker. Nothing here ships in the extension.

/**
 * Installed in the popup before its own scripts run (Playwright's addInitScript). It watches
 * the page the way a person would — the "Open AWS console as <tenant>" buttons and the
 * "Filter tenants" searchbox — and notes, per DOM mutation batch, when the list looked how,
 * plus the timestamps of keystrokes and clicks (the events' own times). It reads class
 * names and data attributes of nothing, so the popup's implementation may change freely.
 */
export function popupProbe() {
  const bench = { batches: [], keys: [], clicks: [], last: 0 };
  window.__bench = bench;
  const PREFIX = 'Open AWS console as ';
  const roles = new Set(['administrator', 'duplo-ops']);
  const tenants = () => {
    const names = [];
    for (const button of document.querySelectorAll('button')) {
      const label = (button.getAttribute('aria-label') ?? button.textContent ?? '').trim();
      if (label.startsWith(PREFIX)) {
        const name = label.slice(PREFIX.length);
        if (!roles.has(name)) names.push(name);
      }
    }
    return names;
  };
  const filter = () => document.querySelector('input[aria-label="Filter tenants"], [role="searchbox"][aria-label="Filter tenants"], input[type="search"]');
  bench.tenants = tenants;
  const observer = new MutationObserver(() => {
    const t = performance.now();
    const box = filter();
    const names = tenants();
    // `ready`: the page marked itself rendered (`main[aria-busy="false"]`).
    const ready = document.querySelector('main')?.getAttribute('aria-busy') === 'false';
    bench.batches.push({ t, count: names.length, filterEnabled: Boolean(box && !box.disabled), ready, sample: names.slice(0, 400) });
    bench.last = t;
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
  // Where the time before "interactive" goes: when the page's script sent its first message
  // to the worker and when its answer came, when the wasm module was instantiated.
  bench.phases = {};
  const note = (name) => { bench.phases[name] ??= performance.now(); };
  const ext = globalThis.chrome;
  const send = ext?.runtime?.sendMessage?.bind(ext.runtime);
  if (send) {
    ext.runtime.sendMessage = (...args) => {
      note('messageSent');
      const answer = send(...args);
      answer?.then?.(() => note('answerReceived'), () => {});
      return answer;
    };
  }
  for (const name of ['instantiateStreaming', 'instantiate']) {
    const original = WebAssembly[name]?.bind(WebAssembly);
    if (original) {
      WebAssembly[name] = (...args) => original(...args).then((r) => { note('wasmInstantiated'); return r; });
    }
  }
  // Capture phase on the window: before any handler of the page.
  window.addEventListener('keydown', (e) => bench.keys.push({ t: e.timeStamp, key: e.key }), true);
  window.addEventListener('click', (e) => bench.clicks.push({ t: e.timeStamp, abs: performance.timeOrigin + e.timeStamp }), true);
}

/**
 * When the popup (with `popupProbe`) became interactive, in ms since its navigation start:
 * the first DOM mutation batch that showed as many tenant buttons as the popup settled on,
 * with "Filter tenants" enabled — and, with `ready`, the page marked rendered
 * (`main[aria-busy="false"]`). Null if no batch did.
 */
export async function popupInteractiveAt(page, { ready = false } = {}) {
  return page.evaluate((ready) => {
    const batches = window.__bench.batches;
    const final = batches.at(-1)?.count ?? 0;
    return batches.find((b) => b.count === final && b.filterEnabled && (!ready || b.ready))?.t ?? null;
  }, ready);
}

/**
 * Installed in the options page before its own scripts run: notes, per DOM mutation batch,
 * how many portals its list shows (`#portal-list > li`) and whether the page marked itself
 * rendered (`main[aria-busy="false"]`, set once the worker's state is shown).
 */
export function optionsProbe() {
  const bench = { batches: [], last: 0 };
  window.__bench = bench;
  new MutationObserver(() => {
    const t = performance.now();
    const ready = document.querySelector('main')?.getAttribute('aria-busy') === 'false';
    bench.batches.push({ t, ready, portals: document.querySelectorAll('#portal-list > li').length });
    bench.last = t;
  }).observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
}

/**
 * A CDP session of an extension page, used to reach the service worker: stop it, and send it
 * DevTools commands (heap usage, garbage collection, evaluation) through the browser's target
 * API (Playwright's own sessions cover pages only).
 */
export async function workerDevtools(browser, page) {
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  let nextId = 1;
  const pending = new Map();
  cdp.on('Target.receivedMessageFromTarget', (event) => {
    const message = JSON.parse(event.message);
    const waiter = pending.get(`${event.sessionId}:${message.id}`);
    if (waiter) {
      pending.delete(`${event.sessionId}:${message.id}`);
      if (message.error) waiter.reject(new Error(`${message.error.message}`));
      else waiter.resolve(message.result);
    }
  });
  async function workerTarget(timeout = 10000) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const { targetInfos } = await cdp.send('Target.getTargets');
      const found = targetInfos.find((t) => t.type === 'service_worker' && t.url.endsWith('/bg.js'));
      if (found) return found;
      if (Date.now() > deadline) throw new Error('no service worker target');
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  async function sendIn(sessionId, method, params) {
    const id = nextId++;
    const answer = new Promise((resolve, reject) => pending.set(`${sessionId}:${id}`, { resolve, reject }));
    await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) });
    return answer;
  }
  return {
    /** Sends `method` to the (current) service worker. */
    async send(method, params = {}) {
      const target = await workerTarget();
      const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false });
      try {
        return await sendIn(sessionId, method, params);
      } finally {
        await cdp.send('Target.detachFromTarget', { sessionId }).catch(() => {});
      }
    },
    /** A session that stays attached to the current worker (for the profiler). */
    async attach() {
      const target = await workerTarget();
      const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false });
      return {
        send: (method, params = {}) => sendIn(sessionId, method, params),
        detach: () => cdp.send('Target.detachFromTarget', { sessionId }).catch(() => {}),
      };
    },
    /** Evaluates `expression` in the worker and returns its (JSON) value. */
    async evaluate(expression) {
      const { result, exceptionDetails } = await this.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
      if (exceptionDetails) throw new Error(`worker: ${exceptionDetails.text} ${exceptionDetails.exception?.description ?? ''}`);
      return result.value;
    },
    /** The extension's diagnostics ring and wasm memory size. */
    diagnostics() {
      return this.evaluate('globalThis.jitDiagnostics ? jitDiagnostics() : null');
    },
    /** Stops every service worker, as the browser does when idle, and waits until it is gone. */
    async stop() {
      await cdp.send('ServiceWorker.stopAllWorkers');
      const deadline = Date.now() + 10000;
      while (Date.now() < deadline) {
        const { targetInfos } = await cdp.send('Target.getTargets');
        if (!targetInfos.some((t) => t.type === 'service_worker' && t.url.endsWith('/bg.js'))) return;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error('the service worker did not stop');
    },
    detach: () => cdp.detach().catch(() => {}),
  };
}
