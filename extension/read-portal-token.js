// Injected only into open tabs of a configured portal: its value is the portal UI's
// session token, if it keeps one in localStorage (the portal's code once did, as g_authToken).
(() => {
  try {
    return localStorage.getItem('g_authToken');
  } catch {
    return null;
  }
})();
