// The service worker shell: load the wasm core and register every listener synchronously
// at top level (Manifest V3 restarts the worker at will). All logic is in Rust.
import init, { handleMessage } from './jit_console.js';

const ext = globalThis.browser ?? globalThis.chrome;
const ready = init();

ext.runtime.onMessage.addListener((message, sender, sendResponse) => {
  ready.then(() => handleMessage(message, sender)).then(sendResponse, () => sendResponse(undefined));
  return true;
});
