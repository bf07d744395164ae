// Injected only into open tabs of a configured portal: its value is the page's origin and
// the portal UI's session token, if it keeps one in localStorage (the portal's code once did,
// as g_authToken). The worker checks the origin again: the tab may have moved to another
// site between its check and this injection, and that site's storage is not the portal's.
(() => {
  try {
    return [location.origin, localStorage.getItem('g_authToken')];
  } catch {
    return null;
  }
})();
