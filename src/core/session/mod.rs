//! Portal sessions: who is signed in to which portal, and the sign-in hand-off.
//!
//! Pure: every function takes the time (`now_ms`, milliseconds since the epoch) and what
//! happened, and changes the state or says what to do. The service performs the I/O.
//!
//! The hand-off (after `duplo-jit --interactive`): we open the portal's authorization page
//! with `localPort=N`; when the user clicks Authorize, the portal sends that tab to
//! `http://localhost:N/?t=<token>`. A session rule of `declarativeNetRequest`, limited to that
//! tab and to navigations the portal started, redirects it to our `handoff.html` before it
//! reaches the network. A token is accepted only while that attempt is pending, from that
//! tab, before its deadline, and once.
//!
//! The redirect also carries a one-time nonce that only the rule knows (`n=`): a document
//! the redirect did not produce (a page the tab was sent to, which loads the web-accessible
//! `handoff.html?port=N&t=…` itself) cannot know it, so it can neither hand over a token
//! nor end the attempt. This stands in for Chromium's `documentId`, which the worker could
//! only learn for the redirect's document with the `webNavigation` permission, and which
//! Firefox does not have.
//!
//! Every way an attempt ends (a token, a refusal, the deadline, its tab closed or cancelled,
//! sign-out, the portal removed, another sign-in) puts it in [`Sessions::take_ended`]: the
//! service removes its rule and closes its tab, so no tab is left that could still send a
//! token to `localhost:N`.

mod handoff;
mod machine;
mod state;

pub use handoff::*;
pub use machine::*;
pub use state::*;

#[cfg(test)]
mod tests;
