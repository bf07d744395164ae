//! Opening AWS consoles: credentials (cached, merged), the sign-in URL, and the tab.

use std::cell::RefCell;
use std::collections::BTreeMap;

use futures_channel::oneshot;
use futures_util::future::{FutureExt, Shared};

use super::{find, Area, PageMode, Platform, Service, CONSOLES_KEY};
use crate::core::aws::{self, JitCredentials, Partition};
use crate::core::config::Portal;
use crate::core::consoles::{self, Consoles, Destination, OpenConsole, SignInRoute};
use crate::core::copy::{self, CopyFormat};
use crate::core::credentials::{self, Answer, LiveCredentials};
use crate::core::identity::{ConsoleKey, KeyId};
use crate::core::portal_api::ApiRequest;
use crate::core::secret::Secret;
use crate::core::session::{Initiator, Waiting};
use crate::core::text::{msg, UserText};
use crate::service::platform::ConsolePlacement;

/// One credential request in flight, which later callers for the same identity await instead
/// of asking the portal again. Its leader sends the result; if the leader is dropped first,
/// the callers waiting on it get `Canceled` rather than waiting for ever.
pub(super) type Flight = Shared<oneshot::Receiver<Result<Option<LiveCredentials>, UserText>>>;

/// Takes a flight off the board when its leader ends, however it ends.
struct Boarding<'a> {
    flights: &'a RefCell<BTreeMap<KeyId, Flight>>,
    id: KeyId,
}

impl Drop for Boarding<'_> {
    fn drop(&mut self) {
        self.flights.borrow_mut().remove(&self.id);
    }
}

impl<P: Platform> Service<P> {
    pub(super) fn with_consoles<T>(&self, change: impl FnOnce(&mut Consoles) -> T) -> T {
        let mut slot = self.consoles.borrow_mut();
        change(slot.get_or_insert_with(Consoles::default))
    }

    pub(super) async fn load_consoles(&self) {
        if self.consoles.borrow().is_some() {
            return;
        }
        // Kept as one JSON string (see `save_consoles`).
        let stored: Option<String> = self
            .platform
            .get(Area::Session, CONSOLES_KEY)
            .await
            .ok()
            .flatten();
        let loaded: Consoles = stored
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default();
        self.consoles.borrow_mut().get_or_insert(loaded);
    }

    /// Console state holds AWS secrets: memory-only storage, always.
    ///
    /// Stored as one JSON string, not as an object: the browser's storage API converts an
    /// object key by key, which made each save of 50 consoles' credentials cost ~7 ms of the
    /// worker's time (renewing them all at once saves about a hundred times); a string is
    /// copied whole.
    pub(super) async fn save_consoles(&self) {
        let text = self.with_consoles(|c| serde_json::to_string(&*c).unwrap_or_default());
        let _ = self.platform.set(Area::Session, CONSOLES_KEY, &text).await;
    }

    /// Opens (or focuses) a console. Without a portal session, signs in first and opens it
    /// afterwards: the click is not lost. Repeated clicks while one is opening open one tab.
    /// In a multi-session console at AWS's limit, `make_room` signs the least recently used
    /// session out first (and says so); without it the answer asks the person
    /// ([`msg::MULTI_SESSION_FULL`]).
    pub(super) async fn open_console(
        &self,
        portal: &Portal,
        open: OpenConsole,
        otp: Option<Secret>,
        make_room: bool,
    ) -> Result<(), UserText> {
        if open.new_tab {
            return self.open_console_now(portal, open, otp, make_room).await;
        }
        let id = open.key.id();
        if !self.opening.borrow_mut().insert(id.clone()) {
            return Ok(());
        }
        let result = self.open_console_now(portal, open, otp, make_room).await;
        self.opening.borrow_mut().remove(&id);
        result
    }

    async fn open_console_now(
        &self,
        portal: &Portal,
        open: OpenConsole,
        otp: Option<Secret>,
        make_room: bool,
    ) -> Result<(), UserText> {
        let now = self.platform.now_ms();
        self.with_consoles(|c| c.touch(&open.key, now));
        let origin = portal.url.origin();
        let Some(token) = self.active_token(origin) else {
            self.with_sessions(|s| {
                s.wait_for_sign_in(origin, Waiting::OpenConsole(Box::new(open.clone())))
            });
            self.save_sessions().await;
            Box::pin(self.sign_in(portal, PageMode::Front)).await;
            return Ok(());
        };
        if !open.new_tab && open.destination == Destination::Home {
            let open_tab =
                self.with_consoles(|c| c.live(&open.key, now).and(c.open_tab(&open.key)));
            if let Some(tab) = open_tab {
                if self.platform.focus_tab(tab).await.is_ok() {
                    return Ok(());
                }
                self.with_consoles(|c| c.tab_closed(tab));
            }
        }
        let Some(live) = self.credentials(portal, &open, &token, otp).await? else {
            // A 401: the sign-in started, and this open waits for it.
            return Ok(());
        };
        let region = live.region(None);
        let destination = open.destination.url(live.partition, &region)?;
        let setting = self
            .config
            .borrow()
            .as_ref()
            .map(|c| c.settings.console_mode)
            .unwrap_or_default();
        let route = self.with_consoles(|c| {
            c.route(
                &open.key,
                live.partition,
                &destination,
                setting,
                self.platform.capabilities().isolates_identities(),
                now,
            )
        });
        let mut made_room = None;
        let url = match route {
            SignInRoute::Direct => Secret::new(destination),
            SignInRoute::OnSession { url } => Secret::new(url),
            SignInRoute::Login { logout_first } => {
                let login = self.login_url(portal, &open, &live, &destination).await?;
                if logout_first {
                    Secret::new(aws::logout_url(live.partition, login.expose()))
                } else {
                    login
                }
            }
            SignInRoute::MakeRoom { host, id } => {
                let whose = self
                    .with_consoles(|c| c.key(&id).map(ConsoleKey::label))
                    .unwrap_or_else(|| open.key.label());
                if !make_room {
                    return Err(msg::MULTI_SESSION_FULL.with([whose, open.key.label()]));
                }
                let login = self.login_url(portal, &open, &live, &destination).await?;
                let url = aws::session_logout_url(&host, login.expose()).map(Secret::new);
                made_room = Some((host, whose));
                url.unwrap_or(login)
            }
        };
        let placement = ConsolePlacement {
            name: format!("{} · {}", portal.display_name(), open.key.label()),
            title: open.key.label(),
            colour: crate::core::identity::identity_colour(
                portal.colour,
                &open.key,
                self.platform.capabilities().isolates_identities(),
            )
            .to_owned(),
            group: self.with_consoles(|c| c.group(&open.key)),
            active: true,
        };
        let (tab, group) = self
            .platform
            .open_console_tab(&url, &placement)
            .await
            .map_err(|_| msg::CONSOLE_TAB_FAILED.text())?;
        self.with_consoles(|c| {
            if let Some((host, _)) = &made_room {
                c.session_signed_out(host);
            }
            c.register_tab(tab, &open.key);
            if let Some(group) = group {
                c.set_group(&open.key, group);
            }
        });
        if let Some((_, whose)) = made_room {
            self.platform
                .notice(&msg::MULTI_SESSION_MADE_ROOM.with([whose, open.key.label()]))
                .await;
        }
        // The tab may have landed before it was registered (its redirects are fast, our
        // bookkeeping awaits the browser): learn from where it is now as well.
        // (Only a console page teaches anything here: a tab still loading may report an empty
        // or blank address, which must not count as the user leaving AWS.)
        if let Some(info) = self.platform.tab_info(tab).await {
            if aws::Partition::ALL
                .iter()
                .any(|p| consoles::is_console_page(&info.url, *p))
            {
                let isolated = self.platform.capabilities().isolates_identities();
                self.with_consoles(|c| c.landed(tab, &info.url, isolated));
            }
        }
        self.save_consoles().await;
        Ok(())
    }

    /// The sign-in URL: the portal's own `ConsoleUrl` when it is fresh, unused, safe and the
    /// console home is wanted; else a federation login built from the credentials.
    pub(super) async fn login_url(
        &self,
        portal: &Portal,
        open: &OpenConsole,
        live: &LiveCredentials,
        destination: &str,
    ) -> Result<Secret, UserText> {
        let host = portal.url.host();
        let home = open.destination == Destination::Home;
        let now = self.platform.now_ms();
        let issuer = portal.url.origin();
        if let Some(login) = self.with_consoles(|c| {
            c.take_portal_login(&open.key, now, home, issuer.as_str(), destination)
        }) {
            return Ok(login);
        }
        let reply = self
            .platform
            .fetch_aws(&aws::get_signin_token_url(
                live.partition,
                &live.credentials,
            ))
            .await;
        let signin_token =
            aws::parse_signin_token(&reply).map_err(|_| aws::signin_token_error_text(host))?;
        Ok(aws::login_url(
            live.partition,
            portal.url.origin().as_str(),
            destination,
            &signin_token,
        ))
    }

    /// Live credentials for the identity: cached, or one request to the portal however many
    /// callers ask at once. `Ok(None)` means the portal session expired and a sign-in started.
    async fn credentials(
        &self,
        portal: &Portal,
        open: &OpenConsole,
        token: &Secret,
        otp: Option<Secret>,
    ) -> Result<Option<LiveCredentials>, UserText> {
        let work = Waiting::OpenConsole(Box::new(open.clone()));
        self.credentials_waiting(portal, open, token, otp, work, false, Initiator::Person)
            .await
    }

    /// As [`Self::credentials`], with `work` as what waits if the portal session expired
    /// (asked for by `initiator`); `fresh` skips the cache (the credentials held meanwhile
    /// stay until new ones arrive).
    ///
    /// A 401 is handled only after the request that met it has settled (its flight is off
    /// the board and its followers answered): the sign-in it starts may resume work for the
    /// same identity, which then asks the portal itself instead of waiting on this request,
    /// which would be waiting on it.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn credentials_waiting(
        &self,
        portal: &Portal,
        open: &OpenConsole,
        token: &Secret,
        otp: Option<Secret>,
        work: Waiting,
        fresh: bool,
        initiator: Initiator,
    ) -> Result<Option<LiveCredentials>, UserText> {
        let id = open.key.id();
        let cached = self.with_consoles(|c| c.live(&open.key, self.platform.now_ms()).cloned());
        if let (Some(live), false) = (cached, fresh) {
            return Ok(Some(live));
        }
        let existing = self.flights.borrow().get(&id).cloned();
        if let Some(flight) = existing {
            let host = portal.url.host();
            let result = flight
                .await
                .unwrap_or_else(|_| Err(msg::PORTAL_UNREACHABLE.with([host])));
            if matches!(result, Ok(None)) {
                // The same 401: this work waits for the same sign-in.
                self.unauthorized(portal, token, work, initiator).await;
            }
            return result;
        }
        let (landed, flight) = oneshot::channel();
        self.flights
            .borrow_mut()
            .insert(id.clone(), flight.shared());
        let boarding = Boarding {
            flights: &self.flights,
            id,
        };
        let result = self.fetch_credentials(portal, open, token, otp).await;
        drop(boarding);
        // Nobody waiting is fine.
        let _ = landed.send(result.clone());
        if matches!(result, Ok(None)) {
            self.unauthorized(portal, token, work, initiator).await;
        }
        result
    }

    async fn fetch_credentials(
        &self,
        portal: &Portal,
        open: &OpenConsole,
        token: &Secret,
        otp: Option<Secret>,
    ) -> Result<Option<LiveCredentials>, UserText> {
        let host = portal.url.host();
        let mut endpoint = credentials::endpoint(&open.key.role, host)?;
        let otp = otp.filter(|_| credentials::takes_otp(&open.key.role));
        loop {
            let mut request = ApiRequest::new(portal.api_url(), &endpoint, token);
            request.otp = otp.clone();
            let reply = self.platform.fetch(&request).await;
            match credentials::read(&endpoint, &reply, otp.is_some(), host) {
                Answer::Ask(other) => endpoint = other,
                Answer::Credentials(credentials) => {
                    let partition = self.partition_of(portal, &credentials);
                    let now = self.platform.now_ms();
                    let live = self
                        .with_consoles(|c| c.store(&open.key, credentials, partition, now).clone());
                    self.save_consoles().await;
                    return Ok(Some(live));
                }
                // The caller handles it once this request has settled.
                Answer::Unauthorized => return Ok(None),
                Answer::Refused(text) => return Err(text),
            }
        }
    }

    /// The partition: the portal's default when it says, else the credentials' region's.
    fn partition_of(&self, portal: &Portal, credentials: &JitCredentials) -> Partition {
        let declared = self.with_sessions(|s| {
            s.active(portal.url.origin())
                .and_then(|a| a.features.as_ref())
                .and_then(|f| f.partition.clone())
        });
        declared
            .as_deref()
            .and_then(Partition::from_name)
            .or_else(|| credentials.region.as_deref().map(Partition::from_region))
            .unwrap_or(Partition::Aws)
    }

    /// The live credentials of `key`, for actions that need a session already (no sign-in
    /// is started for them: the user sees why).
    async fn credentials_for(
        &self,
        portal: &Portal,
        key: ConsoleKey,
        otp: Option<Secret>,
        fresh: bool,
    ) -> Result<(OpenConsole, LiveCredentials), UserText> {
        let expired = || msg::PORTAL_SESSION_EXPIRED.with([portal.url.host()]);
        let token = self.active_token(portal.url.origin()).ok_or_else(expired)?;
        let open = OpenConsole {
            key,
            destination: Destination::Home,
            new_tab: false,
        };
        let work = Waiting::OpenConsole(Box::new(open.clone()));
        let live = self
            .credentials_waiting(portal, &open, &token, otp, work, fresh, Initiator::Person)
            .await?
            .ok_or_else(expired)?;
        Ok((open, live))
    }

    /// New credentials now (`duplo-jit --no-cache`).
    pub(super) async fn refresh_credentials(
        &self,
        portal: &Portal,
        key: ConsoleKey,
        otp: Option<Secret>,
    ) -> Result<(), UserText> {
        if self.active_token(portal.url.origin()).is_none() {
            return Err(msg::PORTAL_SESSION_EXPIRED.with([portal.url.host()]));
        }
        self.credentials_for(portal, key, otp, true).await.map(drop)
    }

    /// The credentials as text for the command line.
    pub(super) async fn copy_credentials(
        &self,
        portal: &Portal,
        key: ConsoleKey,
        format: CopyFormat,
        otp: Option<Secret>,
    ) -> Result<Secret, UserText> {
        let (open, live) = self.credentials_for(portal, key, otp, false).await?;
        let region = live.region(None);
        let link = if format == CopyFormat::ConsoleLink {
            let destination = aws::console_home(live.partition, &region);
            Some(
                self.login_url(
                    portal,
                    &OpenConsole {
                        destination: Destination::Url {
                            url: destination.clone(),
                        },
                        ..open
                    },
                    &live,
                    &destination,
                )
                .await?,
            )
        } else {
            None
        };
        copy::format(
            format,
            &live.credentials,
            &region,
            live.expiry_ms,
            link.as_ref(),
        )
        .ok_or_else(|| msg::CREDENTIALS_MALFORMED.with([portal.url.host()]))
    }

    /// A console tab moved: learn the console mode and who holds it.
    pub(super) async fn console_tab_moved(&self, tab: i32, url: &str) {
        self.load_consoles().await;
        let ours = self.with_consoles(|c| c.key_of_tab(tab).is_some());
        if ours {
            let isolated = self.platform.capabilities().isolates_identities();
            let holders = self.with_consoles(|c| c.landed(tab, url, isolated));
            self.save_consoles().await;
            // Who holds a single-session console decides who is renewed in place: a renewal
            // that was due for the new holder (a retry, say) is due now.
            if holders {
                self.schedule().await;
            }
        }
    }

    /// A tab closed: forget it if it was a console of ours.
    pub(super) async fn console_tab_closed(&self, tab: i32) {
        self.load_consoles().await;
        if self.with_consoles(|c| c.tab_closed(tab)) {
            self.save_consoles().await;
        }
    }

    /// Resumes an open that waited for the sign-in.
    pub(super) async fn resume_open(&self, open: OpenConsole) {
        let config = self.config.borrow().clone().unwrap_or_default();
        if let Some(portal) = find(&config, &open.key.origin) {
            // The person's click is long past: make room if needed, and say so.
            if let Err(problem) = Box::pin(self.open_console(&portal, open, None, true)).await {
                self.with_sessions(|s| s.set_error(portal.url.origin(), Some(problem)));
                self.save_sessions().await;
            }
        }
    }
}
