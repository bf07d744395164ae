// Chrome's offscreen document (reason CLIPBOARD): a service worker has no clipboard, so the
// worker opens this page to copy what a person chose in the context menu, then closes it.
// It keeps nothing and answers only its own extension.
chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (message?.target !== 'offscreen-clipboard' || sender.id !== chrome.runtime.id) return false;
  const area = document.createElement('textarea');
  area.value = String(message.text);
  document.body.append(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  sendResponse({ ok });
  return false;
});
