// The service worker shell: load the wasm core and register every listener synchronously
// at top level (Manifest V3 restarts the worker at will). All logic is in Rust.
import init, * as core from './jit_console.js';

const ext = globalThis.browser ?? globalThis.chrome;
// What every start reads (service::STARTUP_READS), asked for before the module is fetched:
// a new worker's first storage answers take some 15 ms, which the module's loading hides.
const read = (area, keys) => ({ area, keys, answer: ext.storage[area].get(keys) });
const early = [read('local', ['config', 'sessions']), read('session', ['sessions', 'consoles'])];
const ready = init();
// The identity bar's content script runs in the console pages' renderers: where the browser
// allows it, storage.local is kept to the extension's own pages (docs/SECURITY.md).
try { ext.storage.local.setAccessLevel?.({ accessLevel: 'TRUSTED_CONTEXTS' })?.catch(() => {}); } catch { /* not for this area here */ }
const later = (run) => ready.then(run).catch(() => {});
later(() => core.handleStartup(early));
// The policy beside the stored state, not before it: the browser may take seconds to answer.
later(() => core.handlePolicyChanged());

ext.runtime.onMessage.addListener((message, sender, sendResponse) => {
  ready.then(() => core.handleMessage(message, sender)).then(sendResponse, () => sendResponse(undefined));
  return true;
});
ext.tabs.onRemoved.addListener((tabId) => later(() => core.handleTabRemoved(tabId)));
ext.tabs.onUpdated.addListener((tabId, change) => { if (change.url) later(() => core.handleTabUrl(tabId, change.url)); });
ext.alarms.onAlarm.addListener((alarm) => later(() => core.handleAlarm(alarm.name)));
ext.notifications.onButtonClicked?.addListener((id, button) => later(() => core.handleNotification(id, button)));
ext.notifications.onClicked.addListener((id) => later(() => core.handleNotification(id, undefined)));
// The listeners of the menu, keyboard and omnibox are named, and kept on `globalThis` so the
// end-to-end tests call exactly what the browser calls (native menus cannot be clicked).
const surfaces = globalThis.jitConsoleSurfaces = {
  menuClicked: (info, tab) => later(() => core.handleMenuClick(info, tab)),
  command: (name) => later(() => core.handleCommand(name)),
  omniboxInput: (text, suggest) => later(() => core.handleOmniboxInput(text)).then(suggest),
  omniboxEntered: (text, disposition) => later(() => core.handleOmniboxEnter(text, disposition)),
};
ext.contextMenus.onClicked.addListener(surfaces.menuClicked);
ext.commands.onCommand.addListener(surfaces.command);
ext.storage.onChanged.addListener((_, area) => { if (area === 'managed') later(() => core.handlePolicyChanged()); });
ext.omnibox.setDefaultSuggestion({ description: ext.i18n.getMessage('omniboxDefault') });
ext.omnibox.onInputChanged.addListener(surfaces.omniboxInput);
ext.omnibox.onInputEntered.addListener(surfaces.omniboxEntered);
