//! The network side: one HTTPS listener for every simulated host (routed by `Host`) and
//! one plain-HTTP control listener, both on 127.0.0.1.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderName, HeaderValue, CACHE_CONTROL, CONTENT_LENGTH, HOST, SERVER};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

use crate::clock::real_unix_ms;
use crate::config::Config;
use crate::faults::Outcome;
use crate::http::{Request, Response};
use crate::state::State;
use crate::tls::{server_config, CertResolver};
use crate::{control, router};

/// Largest request body accepted on the HTTPS port.
pub const MAX_HTTPS_BODY: usize = 1024 * 1024;
/// Largest request body accepted on the control port.
pub const MAX_CONTROL_BODY: usize = 64 * 1024 * 1024;

/// A response body: whole, or cut short by a `truncated` fault.
#[derive(Debug)]
pub enum SimBody {
    /// The whole body (taken when sent).
    Full(Option<Bytes>),
    /// A partial body followed (after a pause that lets hyper flush it) by an error,
    /// which makes hyper close the connection.
    Truncated {
        /// The part still to send.
        data: Option<Bytes>,
        /// The pause before the error.
        pause: Option<Pin<Box<tokio::time::Sleep>>>,
    },
}

impl SimBody {
    fn truncated(data: Bytes) -> SimBody {
        SimBody::Truncated {
            data: Some(data),
            pause: None,
        }
    }
}

/// How long a truncated body waits after its partial data before failing.
const TRUNCATE_PAUSE: Duration = Duration::from_millis(100);

impl Body for SimBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        match self.get_mut() {
            SimBody::Full(b) => Poll::Ready(b.take().map(|b| Ok(Frame::data(b)))),
            SimBody::Truncated { data, pause } => {
                if let Some(b) = data.take() {
                    return Poll::Ready(Some(Ok(Frame::data(b))));
                }
                let sleep =
                    pause.get_or_insert_with(|| Box::pin(tokio::time::sleep(TRUNCATE_PAUSE)));
                match sleep.as_mut().poll(cx) {
                    Poll::Pending => Poll::Pending,
                    Poll::Ready(()) => Poll::Ready(Some(Err(io::Error::other(
                        "answer truncated by a fault rule",
                    )))),
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, SimBody::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            SimBody::Full(Some(b)) => SizeHint::with_exact(b.len() as u64),
            SimBody::Full(None) => SizeHint::with_exact(0),
            SimBody::Truncated { .. } => SizeHint::default(),
        }
    }
}

/// The error a service returns to make hyper drop the connection without answering.
#[derive(Debug)]
pub struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by a fault rule")
    }
}

impl std::error::Error for DropConnection {}

/// State shared by all connections.
#[derive(Debug)]
pub struct Shared {
    state: Mutex<State>,
    resolver: Arc<CertResolver>,
    tls: Arc<rustls::ServerConfig>,
    log_requests: bool,
}

impl Shared {
    /// Locks the simulator state (a poisoned lock is taken over: the state stays usable).
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Why the server could not start.
#[derive(Debug)]
pub struct StartError(pub String);

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StartError {}

/// A running simulator.
#[derive(Debug)]
pub struct Running {
    /// Port of the HTTPS listener.
    pub https_port: u16,
    /// Port of the control listener.
    pub control_port: u16,
    /// The shared state (tests may inspect it).
    pub shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Running {
    /// Stops accepting, closes open connections and waits for the listeners to end.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
    }
}

/// Binds both listeners on 127.0.0.1 (port 0 picks a free one) and starts serving.
pub async fn start(
    config: Config,
    https_port: u16,
    control_port: u16,
) -> Result<Running, StartError> {
    let resolver = Arc::new(
        CertResolver::new(&config.custom_portal_hosts()).map_err(|e| StartError(e.to_string()))?,
    );
    let tls = server_config(resolver.clone()).map_err(|e| StartError(e.to_string()))?;
    let bind = |port: u16| async move {
        TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port)))
            .await
            .map_err(|e| StartError(format!("cannot listen on 127.0.0.1:{port}: {e}")))
    };
    let https = bind(https_port).await?;
    let control = bind(control_port).await?;
    let port_of = |l: &TcpListener| {
        l.local_addr()
            .map(|a| a.port())
            .map_err(|e| StartError(e.to_string()))
    };
    let (https_port, control_port) = (port_of(&https)?, port_of(&control)?);
    let shared = Arc::new(Shared {
        state: Mutex::new(State::new(config)),
        resolver,
        tls,
        log_requests: std::env::var("DUPLO_SIM_LOG").is_ok_and(|v| v == "requests"),
    });
    let (tx, rx) = watch::channel(false);
    let tasks = vec![
        tokio::spawn(accept_loop(https, rx.clone(), {
            let shared = shared.clone();
            move |tcp, rx| {
                tokio::spawn(serve_https(tcp, shared.clone(), rx));
            }
        })),
        tokio::spawn(accept_loop(control, rx, {
            let shared = shared.clone();
            move |tcp, rx| {
                tokio::spawn(serve_control(tcp, shared.clone(), rx));
            }
        })),
    ];
    Ok(Running {
        https_port,
        control_port,
        shared,
        shutdown: tx,
        tasks,
    })
}

async fn accept_loop(
    listener: TcpListener,
    mut shutdown: watch::Receiver<bool>,
    on_conn: impl Fn(TcpStream, watch::Receiver<bool>),
) {
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((tcp, _)) => {
                    let _ = tcp.set_nodelay(true);
                    on_conn(tcp, shutdown.clone());
                }
                Err(e) => {
                    eprintln!("duplo-sim: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            _ = shutdown.changed() => break,
        }
    }
}

fn http1_builder() -> http1::Builder {
    let mut b = http1::Builder::new();
    b.timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(30));
    b
}

/// Serves the simulated HTTPS hosts on one connection: a TCP connection to the HTTPS port,
/// or a tunnel opened by `CONNECT` on the control port.
async fn serve_https<IO>(io: IO, shared: Arc<Shared>, mut shutdown: watch::Receiver<bool>)
where
    IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let acceptor = TlsAcceptor::from(shared.tls.clone());
    let tls = match tokio::time::timeout(Duration::from_secs(10), acceptor.accept(io)).await {
        Ok(Ok(s)) => s,
        _ => return,
    };
    let svc = service_fn(move |req| https_service(shared.clone(), req));
    let conn = http1_builder().serve_connection(TokioIo::new(tls), svc);
    tokio::select! {
        _ = conn => {}
        _ = shutdown.changed() => {}
    }
}

async fn serve_control(tcp: TcpStream, shared: Arc<Shared>, mut shutdown: watch::Receiver<bool>) {
    let rx = shutdown.clone();
    let svc = service_fn(move |req| control_service(shared.clone(), req, rx.clone()));
    let conn = http1_builder()
        .serve_connection(TokioIo::new(tcp), svc)
        .with_upgrades();
    tokio::select! {
        _ = conn => {}
        _ = shutdown.changed() => {}
    }
}

/// Lower-case host without port or trailing dot.
pub fn normalize_host(raw: &str) -> String {
    let raw = raw.trim();
    let host = if let Some(rest) = raw.strip_prefix('[') {
        rest.split(']').next().unwrap_or_default()
    } else {
        match raw.rsplit_once(':') {
            Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
            _ => raw,
        }
    };
    host.trim_end_matches('.').to_ascii_lowercase()
}

async fn read_request(req: hyper::Request<Incoming>, limit: usize) -> Result<Request, Response> {
    let (parts, body) = req.into_parts();
    let host = parts
        .headers
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| parts.uri.authority().map(|a| a.to_string()))
        .unwrap_or_default();
    let body = Limited::new(body, limit)
        .collect()
        .await
        .map_err(|_| Response::text(413, "Request body too large or unreadable."))?
        .to_bytes()
        .to_vec();
    Ok(Request {
        method: parts.method.as_str().to_ascii_uppercase(),
        host: normalize_host(&host),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or_default().to_string(),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
    })
}

fn to_hyper(r: Response, truncate: bool) -> hyper::Response<SimBody> {
    let full_len = r.body.len();
    let body = Bytes::from(r.body);
    let mut resp = if truncate {
        hyper::Response::new(SimBody::truncated(body.slice(..full_len / 2)))
    } else {
        hyper::Response::new(SimBody::Full(Some(body)))
    };
    *resp.status_mut() =
        StatusCode::from_u16(r.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = resp.headers_mut();
    for (name, value) in &r.headers {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            (Ok(n), Ok(v)) => {
                headers.append(n, v);
            }
            _ => eprintln!("duplo-sim: dropped an invalid response header {name:?}"),
        }
    }
    if !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    headers.insert(SERVER, HeaderValue::from_static("duplo-sim"));
    if truncate {
        headers.insert(CONTENT_LENGTH, HeaderValue::from(full_len));
    }
    resp
}

async fn https_service(
    shared: Arc<Shared>,
    req: hyper::Request<Incoming>,
) -> Result<hyper::Response<SimBody>, DropConnection> {
    let req = match read_request(req, MAX_HTTPS_BODY).await {
        Ok(r) => r,
        Err(resp) => return Ok(to_hyper(resp, false)),
    };
    let served = {
        let mut state = shared.lock();
        let now = state.clock.now_ms();
        router::serve(&mut state, &req, now, real_unix_ms())
    };
    if shared.log_requests {
        // Paths only: query strings may carry sign-in tokens and credentials.
        eprintln!(
            "duplo-sim: {} {}{} -> {}",
            req.method,
            req.host,
            req.path,
            served.outcome.status()
        );
    }
    if served.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(served.latency_ms)).await;
    }
    match served.outcome {
        Outcome::Respond(r) => Ok(to_hyper(r, false)),
        Outcome::Truncate(r) => Ok(to_hyper(r, true)),
        Outcome::Drop => Err(DropConnection),
    }
}

/// `CONNECT host:443` on the control port: a tunnel to the simulated HTTPS hosts, so that
/// a client that takes an HTTPS proxy (`HTTPS_PROXY`, as Python's `requests` and curl do)
/// reaches them under their real names, as the browser's `--host-resolver-rules` does.
/// Whatever host is named, the tunnel ends at the simulator (which answers an unknown host
/// with 404); only port 443 is taken.
fn connect(
    shared: Arc<Shared>,
    req: hyper::Request<Incoming>,
    shutdown: watch::Receiver<bool>,
) -> Response {
    if req.uri().authority().and_then(|a| a.port_u16()) != Some(443) {
        return Response::text(400, "CONNECT takes host:443 (the simulated HTTPS hosts).");
    }
    tokio::spawn(async move {
        match hyper::upgrade::on(req).await {
            Ok(upgraded) => serve_https(TokioIo::new(upgraded), shared, shutdown).await,
            Err(e) => eprintln!("duplo-sim: CONNECT tunnel failed: {e}"),
        }
    });
    Response::empty(200)
}

async fn control_service(
    shared: Arc<Shared>,
    req: hyper::Request<Incoming>,
    shutdown: watch::Receiver<bool>,
) -> Result<hyper::Response<SimBody>, Infallible> {
    if req.method() == Method::CONNECT {
        return Ok(to_hyper(connect(shared, req, shutdown), false));
    }
    let req = match read_request(req, MAX_CONTROL_BODY).await {
        Ok(r) => r,
        Err(resp) => return Ok(to_hyper(resp, false)),
    };
    if req.path == "/certificate" {
        let resp = if req.method == "GET" {
            Response {
                status: 200,
                headers: vec![("Content-Type".into(), "application/x-pem-file".into())],
                body: shared.resolver.pem().into_bytes(),
            }
        } else {
            Response::json(405, &serde_json::json!({ "error": "method not allowed" }))
        };
        return Ok(to_hyper(resp, false));
    }
    let (resp, hosts_changed) = {
        let mut state = shared.lock();
        let generation = state.config_generation;
        let resp = control::handle(&mut state, &req);
        let changed =
            (state.config_generation != generation).then(|| state.config.custom_portal_hosts());
        (resp, changed)
    };
    if let Some(hosts) = hosts_changed {
        if let Err(e) = shared.resolver.update_hosts(&hosts) {
            eprintln!("duplo-sim: {e}");
        }
    }
    Ok(to_hyper(resp, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_normalized() {
        assert_eq!(
            normalize_host("Acme.DuploCloud.net:8443"),
            "acme.duplocloud.net"
        );
        assert_eq!(
            normalize_host("signin.aws.amazon.com."),
            "signin.aws.amazon.com"
        );
        assert_eq!(normalize_host("[::1]:80"), "::1");
        assert_eq!(normalize_host("localhost"), "localhost");
    }
}
