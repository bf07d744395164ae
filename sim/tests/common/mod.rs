//! Test helpers: a simulator driven without sockets, and a tiny browser-like cookie jar.
#![allow(dead_code, clippy::unwrap_used)]

use duplo_sim::clock::SimClock;
use duplo_sim::config::Config;
use duplo_sim::http::{Request, Response};
use duplo_sim::router;
use duplo_sim::state::State;

/// Simulated start time: 2026-01-01T00:00:00Z.
pub const T0: u64 = 1_767_225_600_000;

/// A cookie as a browser stores it.
#[derive(Debug, Clone)]
pub struct Cookie {
    pub name: String,
    pub value: String,
    /// `Some(".aws.amazon.com")` for domain cookies, `None` for host-only ones.
    pub domain: Option<String>,
    pub host: String,
}

/// Minimal cookie jar: Domain matching, host-only cookies, Max-Age=0 deletion.
#[derive(Debug, Default, Clone)]
pub struct Jar {
    pub cookies: Vec<Cookie>,
}

impl Jar {
    pub fn store(&mut self, host: &str, resp: &Response) {
        for sc in resp.headers_named("set-cookie") {
            let mut parts = sc.split(';').map(str::trim);
            let (name, value) = parts.next().unwrap().split_once('=').unwrap();
            let mut domain = None;
            let mut delete = false;
            for attr in parts {
                let lower = attr.to_ascii_lowercase();
                if let Some(d) = lower.strip_prefix("domain=") {
                    domain = Some(if d.starts_with('.') {
                        d.to_string()
                    } else {
                        format!(".{d}")
                    });
                }
                if lower == "max-age=0" {
                    delete = true;
                }
            }
            self.cookies.retain(|c| {
                !(c.name == name && c.domain == domain && (domain.is_some() || c.host == host))
            });
            if !delete {
                self.cookies.push(Cookie {
                    name: name.into(),
                    value: value.into(),
                    domain,
                    host: host.into(),
                });
            }
        }
    }

    pub fn apply(&self, mut req: Request) -> Request {
        for c in &self.cookies {
            let matches = match &c.domain {
                Some(d) => req.host.ends_with(d.as_str()) || format!(".{}", req.host) == *d,
                None => c.host == req.host,
            };
            if matches {
                req = req.with_cookie(&c.name, &c.value);
            }
        }
        req
    }

    pub fn names(&self) -> Vec<String> {
        self.cookies.iter().map(|c| c.name.clone()).collect()
    }
}

/// A simulator with a stopped clock, driven by direct calls.
pub struct Sim {
    pub state: State,
}

impl Sim {
    pub fn new(config: Config) -> Sim {
        Sim {
            state: State::with_clock(config, SimClock::starting_at(T0, 0.0)),
        }
    }

    pub fn demo() -> Sim {
        Sim::new(Config::demo())
    }

    pub fn from_json(json: &str) -> Sim {
        Sim::new(Config::from_json(json).unwrap())
    }

    pub fn now(&self) -> u64 {
        self.state.clock.now_ms()
    }

    pub fn advance(&mut self, secs: f64) {
        self.state.clock.advance_secs(secs);
    }

    pub fn send(&mut self, req: Request) -> Response {
        let now = self.now();
        router::handle(&mut self.state, &req, now)
    }

    /// Sends with the jar's cookies and stores the answer's cookies.
    pub fn browse(&mut self, jar: &mut Jar, req: Request) -> Response {
        let host = req.host.clone();
        let resp = self.send(jar.apply(req));
        jar.store(&host, &resp);
        resp
    }

    /// Follows redirects within the simulator (stops at non-simulated hosts such as
    /// `http://localhost:N`); returns the final response and URL.
    pub fn follow(&mut self, jar: &mut Jar, url: &str) -> (Response, String) {
        let mut url = url.to_string();
        for _ in 0..10 {
            let resp = self.browse(jar, Request::get(&url));
            match resp.header("location") {
                Some(loc) if (300..400).contains(&resp.status) => {
                    let next = url::Url::parse(&url)
                        .unwrap()
                        .join(loc)
                        .unwrap()
                        .to_string();
                    if !next.starts_with("https://") {
                        return (resp, url);
                    }
                    url = next;
                }
                _ => return (resp, url),
            }
        }
        panic!("redirect loop at {url}");
    }

    /// A portal bearer token for a user (minted directly).
    pub fn token(&mut self, portal: &str, username: &str) -> String {
        let pidx = self.state.portal_by_name(portal).unwrap();
        let uidx = self.state.portals[pidx].user_index(username).unwrap();
        let now = self.now();
        self.state
            .mint_portal_token(pidx, uidx, duplo_sim::state::TokenKind::Handoff, now)
            .unwrap()
    }

    /// GET on a portal API path with a bearer token.
    pub fn api(&mut self, host: &str, path: &str, token: &str) -> Response {
        self.send(Request::get(&format!("https://{host}{path}")).with_bearer(token))
    }

    /// Logs a browser in through the login form.
    pub fn login(&mut self, jar: &mut Jar, host: &str, username: &str, password: &str) -> Response {
        self.browse(
            jar,
            Request::post(&format!("https://{host}/app/login")).with_form(&[
                ("username", username),
                ("password", password),
                ("next", "/app/"),
            ]),
        )
    }

    /// Control API call.
    pub fn control(&mut self, method: &str, path: &str, body: &str) -> Response {
        let req = Request::new(method, &format!("http://127.0.0.1{path}"))
            .with_body(body.as_bytes().to_vec());
        duplo_sim::control::handle(&mut self.state, &req)
    }
}

pub const DEMO: &str = "demo.duplocloud.net";
pub const DEV01: &str = "3f7c2a10-5b8e-4d1a-9c6f-0a1b2c3d4e01";
pub const QA: &str = "3f7c2a10-5b8e-4d1a-9c6f-0a1b2c3d4e02";
pub const STAGING: &str = "3f7c2a10-5b8e-4d1a-9c6f-0a1b2c3d4e03";
pub const PROD: &str = "3f7c2a10-5b8e-4d1a-9c6f-0a1b2c3d4e04";

/// `{"sessionId":..,"sessionKey":..,"sessionToken":..}` from a JIT answer.
pub fn session_json(jit: &serde_json::Value) -> String {
    serde_json::json!({
        "sessionId": jit["AccessKeyId"],
        "sessionKey": jit["SecretAccessKey"],
        "sessionToken": jit["SessionToken"],
    })
    .to_string()
}

pub fn enc(s: &str) -> String {
    duplo_sim::http::encode_component(s)
}
