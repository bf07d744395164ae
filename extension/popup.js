// The popup shell: the page is built by the wasm core.
import init, { startPopup } from './jit_pages.js';

const ext = globalThis.browser ?? globalThis.chrome;
// The first state is asked for while the module loads (the worker knows the tab we are
// over); if this fails, the module asks again.
const first = ext.runtime.sendMessage({ type: 'getPopupState', firstPage: true });
first.catch(() => {});
await init();
startPopup(first);
