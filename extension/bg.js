// The service worker shell: load the wasm core and register every listener synchronously
// at top level (Manifest V3 restarts the worker at will). All logic is in Rust.
import init, { handleMessage, handleStartup, handleTabRemoved, handleTabUrl, handleAlarm, handleNotification } from './jit_console.js';

const ext = globalThis.browser ?? globalThis.chrome;
const ready = init();
const later = (run) => { ready.then(run).catch(() => {}); };
later(() => handleStartup());

ext.runtime.onMessage.addListener((message, sender, sendResponse) => {
  ready.then(() => handleMessage(message, sender)).then(sendResponse, () => sendResponse(undefined));
  return true;
});
ext.tabs.onRemoved.addListener((tabId) => later(() => handleTabRemoved(tabId)));
ext.tabs.onUpdated.addListener((tabId, change) => { if (change.url) later(() => handleTabUrl(tabId, change.url)); });
ext.alarms.onAlarm.addListener((alarm) => later(() => handleAlarm(alarm.name)));
ext.notifications.onButtonClicked?.addListener((id, button) => later(() => handleNotification(id, button)));
ext.notifications.onClicked.addListener((id) => later(() => handleNotification(id, undefined)));
