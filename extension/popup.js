// The popup shell: the page is built by the wasm core.
import init, { startPopup } from './jit_pages.js';

await init();
startPopup();
