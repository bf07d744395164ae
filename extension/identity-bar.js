// The identity bar (issue 19): on a console tab this extension signed in, a slim strip at
// the bottom left says which portal and identity the tab is and how long its session has
// left, with Renew now and Open this page as. The worker decides everything
// (src/core/identity_bar/); this only draws what it answers and counts the minutes down.
//
// Why JavaScript and not our wasm: a content script cannot load the module without making
// it web-accessible to every console page, and it would then run under the console's CSP.
//
// Why it cannot hurt the page or be read by it: it runs in the content script's isolated
// world, draws into a closed shadow root (the page gets `null` for its shadowRoot) with
// text nodes and CSSOM styles only, reads nothing of the page, and sends nothing to it.
// The worker answers it only about its own tab, and never with a secret.
(() => {
  const ext = globalThis.browser ?? globalThis.chrome;
  if (window.top !== window || !ext?.runtime?.id) return;
  let host = null, timer = 0, hidden = false, asking = false, again = false;

  const ask = async (request) => { try { return await ext.runtime.sendMessage(request); } catch { return undefined; } };
  const remove = () => { clearTimeout(timer); host?.remove(); host = null; };
  const el = (tag, style, text) => {
    const node = document.createElement(tag);
    Object.assign(node.style, style);
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const BUTTON = { font: 'inherit', color: 'inherit', background: 'rgba(255,255,255,.18)', border: '1px solid currentColor', borderRadius: '10px', padding: '1px 8px', margin: '0', cursor: 'pointer' };

  // The same text as core::identity_bar::countdown_text; the next change is at the next
  // whole minute (or at the end, when the bar asks again: a renewal may have happened).
  const countdown = (view, line) => {
    clearTimeout(timer);
    if (view.expiresMs == null) { line.textContent = ''; return; }
    const left = view.expiresMs - Date.now();
    const t = view.texts;
    line.textContent = left <= 0 ? t.ended : left < 60000 ? t.underAMinute : t.minutes.replace('$1', String(Math.floor(left / 60000)));
    if (left <= 0) return;
    const next = left < 60000 ? left : (left % 60000) || 60000;
    timer = setTimeout(() => (Date.now() >= view.expiresMs ? refresh() : countdown(view, line)), next + 50);
  };

  const render = (answer) => {
    remove();
    if (hidden || answer?.type !== 'shown') return;
    const t = answer.texts;
    host = document.createElement('jit-console-identity-bar');
    // The host carries the position (above the console's footer, clear of its header), in
    // inline !important styles the page's own style sheets cannot override.
    const place = { all: 'initial', position: 'fixed', left: '12px', bottom: '40px', 'z-index': '2147483647', display: 'block', 'max-width': 'calc(100vw - 24px)' };
    for (const [name, value] of Object.entries(place)) host.style.setProperty(name, value, 'important');
    const root = host.attachShadow({ mode: 'closed' });
    const bar = el('div', {
      display: 'flex', alignItems: 'center', flexWrap: 'wrap', gap: '6px', padding: '3px 6px 3px 10px',
      background: answer.colour, color: answer.ink, borderRadius: '14px', boxShadow: '0 1px 4px rgba(0,0,0,.35)',
      font: '12px/18px system-ui, sans-serif',
    });
    bar.setAttribute('role', 'region');
    bar.setAttribute('aria-label', t.label);
    bar.dataset.part = 'bar';
    const who = el('strong', {}, `${answer.portal} · ${answer.who}`);
    who.dataset.part = 'who';
    const time = el('span', { opacity: '.9' });
    time.dataset.part = 'time';
    const renew = el('button', BUTTON, t.renew);
    renew.type = 'button';
    renew.dataset.part = 'renew';
    renew.addEventListener('click', async () => { renew.disabled = true; render(await ask({ type: 'identityBarRenew' })); });
    bar.append(who, time, renew);
    if (answer.choices.length) {
      const label = el('label', { display: 'flex', alignItems: 'center', gap: '4px' }, t.openAs);
      const pick = el('select', { font: 'inherit', maxWidth: '12em' });
      pick.dataset.part = 'choices';
      for (const choice of answer.choices) pick.append(new Option(choice.name, choice.tenantId));
      label.append(pick);
      const open = el('button', BUTTON, t.open);
      open.type = 'button';
      open.dataset.part = 'open';
      open.addEventListener('click', async () => render(await ask({ type: 'identityBarOpenAs', tenantId: pick.value })));
      bar.append(label, open);
    }
    const hide = el('button', { ...BUTTON, background: 'transparent', border: '0' }, '×');
    hide.type = 'button';
    hide.title = t.hide;
    hide.setAttribute('aria-label', t.hide);
    hide.dataset.part = 'hide';
    hide.addEventListener('click', () => { hidden = true; remove(); });
    bar.append(hide);
    root.append(bar);
    document.documentElement.append(host);
    countdown(answer, time);
  };

  // One question at a time; a change told meanwhile asks once more after it.
  const refresh = async () => {
    if (hidden) return;
    if (asking) { again = true; return; }
    asking = true;
    try { render(await ask({ type: 'getIdentityBar' })); } finally { asking = false; }
    if (again) { again = false; refresh(); }
  };
  // Only the worker can reach this listener (tabs.sendMessage); the page cannot.
  ext.runtime.onMessage.addListener((message, sender) => {
    if (sender?.id === ext.runtime.id && message?.type === 'identityBarChanged') refresh();
  });
  refresh();
})();
