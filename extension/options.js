// The options page shell: the page is built by the wasm core.
import init, { startOptions } from './jit_pages.js';

await init();
startOptions();
