// The handoff shell: the page is built by the wasm core.
import init, { startHandoff } from './jit_pages.js';

await init();
startHandoff();
