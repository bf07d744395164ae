//! Real sockets: the server started in-process on port 0 and reached over HTTPS (a
//! ring-based rustls client with certificate checks disabled), and the binary itself.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{ring::default_provider, CryptoProvider};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use duplo_sim::config::Config;
use duplo_sim::server;

#[derive(Debug)]
struct NoVerify(Arc<CryptoProvider>);

impl ServerCertVerifier for NoVerify {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

struct Answer {
    status: u16,
    headers: hyper::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
    fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    }
}

/// One HTTPS (or, when `tls` is false, plain HTTP) request to 127.0.0.1:port.
async fn request(
    port: u16,
    tls: bool,
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Result<Answer, String> {
    let u = url::Url::parse(url).unwrap();
    let host = u.host_str().unwrap().to_string();
    let target = match u.query() {
        Some(q) => format!("{}?{q}", u.path()),
        None => u.path().to_string(),
    };
    let tcp = TcpStream::connect(("127.0.0.1", port))
        .await
        .map_err(|e| e.to_string())?;
    let mut req = hyper::Request::builder()
        .method(method)
        .uri(target)
        .header("host", host.clone());
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req.body(Full::new(Bytes::from(body.to_string()))).unwrap();
    macro_rules! send {
        ($io:expr) => {{
            let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new($io))
                .await
                .map_err(|e| e.to_string())?;
            tokio::spawn(conn);
            let resp = sender.send_request(req).await.map_err(|e| e.to_string())?;
            let status = resp.status().as_u16();
            let headers = resp.headers().clone();
            let body = resp
                .into_body()
                .collect()
                .await
                .map_err(|e| format!("body: {e}"))?
                .to_bytes()
                .to_vec();
            Ok(Answer {
                status,
                headers,
                body,
            })
        }};
    }
    if tls {
        let provider = Arc::new(default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .unwrap()
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NoVerify(provider)))
            .with_no_client_auth();
        let connector = TlsConnector::from(Arc::new(config));
        let name = ServerName::try_from(host).unwrap();
        let stream = connector
            .connect(name, tcp)
            .await
            .map_err(|e| e.to_string())?;
        send!(stream)
    } else {
        send!(tcp)
    }
}

async fn https(port: u16, url: &str, headers: &[(&str, &str)]) -> Answer {
    request(port, true, "GET", url, headers, "").await.unwrap()
}

async fn control(port: u16, method: &str, path: &str, body: &str) -> Answer {
    request(
        port,
        false,
        method,
        &format!("http://127.0.0.1{path}"),
        &[],
        body,
    )
    .await
    .unwrap()
}

fn cookie_pair(a: &Answer) -> String {
    a.header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn end_to_end_over_https() {
    let sim = server::start(Config::demo(), 0, 0).await.unwrap();
    let (hp, cp) = (sim.https_port, sim.control_port);
    assert_eq!(
        control(cp, "GET", "/health", "").await.json(),
        json!({"ok": true})
    );

    let link = control(
        cp,
        "POST",
        "/login-link",
        r#"{"portal":"demo","username":"admin@demo.io"}"#,
    )
    .await;
    let url = link.json()["url"].as_str().unwrap().to_string();
    let r = https(hp, &url, &[]).await;
    assert_eq!(r.status, 302);
    let ui = cookie_pair(&r);
    let dash = https(hp, "https://demo.duplocloud.net/app/", &[("cookie", &ui)]).await;
    let html = dash.text();
    assert!(html.contains("Welcome admin@demo.io"));
    let start = html.find("\"g_authToken\", \"").unwrap() + 16;
    let token = html[start..start + html[start..].find('"').unwrap()].to_string();
    let bearer = format!("Bearer {token}");

    let tenants = https(
        hp,
        "https://demo.duplocloud.net/admin/GetTenantsForUser",
        &[("authorization", &bearer)],
    )
    .await;
    assert_eq!(tenants.status, 200);
    assert_eq!(tenants.json().as_array().unwrap().len(), 4);
    let id = tenants.json()[0]["TenantId"].as_str().unwrap().to_string();
    let creds = https(
        hp,
        &format!("https://demo.duplocloud.net/subscriptions/{id}/GetAwsConsoleTokenUrl"),
        &[("authorization", &bearer)],
    )
    .await
    .json();
    let login = https(hp, creds["ConsoleUrl"].as_str().unwrap(), &[]).await;
    assert_eq!(login.status, 302);
    let aws = cookie_pair(&login);
    let dest = login.header("location").unwrap();
    let page = https(hp, &dest, &[("cookie", &aws)]).await;
    assert_eq!(page.status, 200);
    assert!(page
        .text()
        .contains("<p id=\"identity\">duploservices-dev01/admin@demo.io @ 123456789012</p>"));
    assert_eq!(page.header("cache-control").as_deref(), Some("no-store"));

    let log = control(cp, "GET", "/log", "").await.json();
    let hosts: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["host"].as_str().unwrap())
        .collect();
    assert_eq!(hosts.len(), 6);
    assert!(hosts.contains(&"signin.aws.amazon.com"));
    assert!(log
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["token"] == token.as_str()));
    let secrets = control(cp, "GET", "/secrets", "").await.json();
    assert!(secrets["portal_tokens"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t == token.as_str()));
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_over_the_wire() {
    let mut config = Config::default();
    config.portals[0].users[0].api_tokens = vec!["tok".into()];
    let sim = server::start(config, 0, 0).await.unwrap();
    let (hp, cp) = (sim.https_port, sim.control_port);
    let rules = json!([
        {"path_prefix": "/drop", "kind": "drop"},
        {"path_prefix": "/admin/GetUserRoleInfo", "kind": "truncated", "times": 1},
        {"path_prefix": "/v3/features/system", "latency_ms": 300, "times": 1},
        {"path_prefix": "/huge", "kind": "huge"},
        {"path_prefix": "/bytes", "kind": "non_utf8"},
    ]);
    assert_eq!(
        control(cp, "POST", "/faults", &rules.to_string())
            .await
            .status,
        200
    );
    let base = "https://acme.duplocloud.net";
    assert!(request(hp, true, "GET", &format!("{base}/drop"), &[], "")
        .await
        .is_err());
    let auth = [("authorization", "Bearer tok")];
    let truncated = request(
        hp,
        true,
        "GET",
        &format!("{base}/admin/GetUserRoleInfo"),
        &auth,
        "",
    )
    .await;
    assert!(truncated.is_err(), "body shorter than Content-Length");
    assert_eq!(
        https(hp, &format!("{base}/admin/GetUserRoleInfo"), &auth)
            .await
            .status,
        200
    );
    let t = Instant::now();
    assert_eq!(
        https(hp, &format!("{base}/v3/features/system"), &auth)
            .await
            .status,
        200
    );
    assert!(t.elapsed() >= Duration::from_millis(300));
    let huge = https(hp, &format!("{base}/huge"), &[]).await;
    assert!(huge.body.len() >= 20 * 1024 * 1024);
    let bytes = https(hp, &format!("{base}/bytes"), &[]).await;
    assert!(std::str::from_utf8(&bytes.body).is_err());
    let log = control(cp, "GET", "/log", "").await.json();
    assert_eq!(log[0]["status"], 0, "dropped");
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn custom_portal_hosts_added_at_run_time_are_served() {
    let sim = server::start(Config::default(), 0, 0).await.unwrap();
    let (hp, cp) = (sim.https_port, sim.control_port);
    let cfg = json!({"portals": [{"name": "cust", "host": "portal.customer.com", "users": [{"api_tokens": ["t"]}]}]});
    let r = control(cp, "PUT", "/config", &cfg.to_string()).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let r = https(
        hp,
        "https://portal.customer.com/admin/GetUserRoleInfo",
        &[("authorization", "Bearer t")],
    )
    .await;
    assert_eq!(r.status, 200);
    let r = https(
        hp,
        "https://acme.duplocloud.net/admin/GetUserRoleInfo",
        &[("authorization", "Bearer t")],
    )
    .await;
    assert_eq!(r.status, 404, "the old portal is gone");
    let bad = control(cp, "PUT", "/config", "{nope").await;
    assert_eq!(bad.status, 400);
    sim.shutdown().await;
}

/// Opens `CONNECT authority` on the control port; answers the proxy's status line and,
/// on 200, the tunnel.
async fn connect_tunnel(control_port: u16, authority: &str) -> (String, TcpStream) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut tcp = TcpStream::connect(("127.0.0.1", control_port))
        .await
        .unwrap();
    tcp.write_all(format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        assert_eq!(tcp.read(&mut byte).await.unwrap(), 1, "proxy closed early");
        head.push(byte[0]);
    }
    let text = String::from_utf8(head).unwrap();
    (text.lines().next().unwrap().to_string(), tcp)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_reach_the_real_host_names_through_connect_and_trust_the_exported_certificate() {
    let sim = server::start(Config::demo(), 0, 0).await.unwrap();
    let cp = sim.control_port;
    let pem = control(cp, "GET", "/certificate", "").await;
    assert_eq!(pem.status, 200);
    assert_eq!(
        pem.header("content-type").as_deref(),
        Some("application/x-pem-file")
    );
    use rustls::pki_types::pem::PemObject;
    let der = CertificateDer::from_pem_slice(&pem.body).unwrap();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(der).unwrap();
    // A client that verifies the certificate (no NoVerify here) under the portal's name.
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let (status, tunnel) = connect_tunnel(cp, "demo.duplocloud.net:443").await;
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    let tls = TlsConnector::from(Arc::new(config))
        .connect(ServerName::try_from("demo.duplocloud.net").unwrap(), tunnel)
        .await
        .unwrap();
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
        .await
        .unwrap();
    tokio::spawn(conn);
    let req = hyper::Request::builder()
        .uri("/adminproxy/GetTenantNames")
        .header("host", "demo.duplocloud.net")
        .body(Full::new(Bytes::new()))
        .unwrap();
    let resp = sender.send_request(req).await.unwrap();
    assert_eq!(resp.status().as_u16(), 401, "the portal answered");
    let log = control(cp, "GET", "/log", "").await.json();
    assert_eq!(log[0]["host"], "demo.duplocloud.net");
    assert_eq!(log[0]["path"], "/adminproxy/GetTenantNames");

    let (status, _) = connect_tunnel(cp, "demo.duplocloud.net:80").await;
    assert!(status.starts_with("HTTP/1.1 400"), "{status}");
    assert_eq!(control(cp, "POST", "/certificate", "").await.status, 405);
    sim.shutdown().await;
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_duplo-sim"))
}

fn control_get_blocking(port: u16, path: &str) -> String {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

fn wait_exit(child: &mut std::process::Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("duplo-sim did not exit");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn binary_prints_one_ready_line_and_exits_when_stdin_closes() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/otp-portal.json");
    let mut child = bin()
        .args(["--config", example, "--exit-on-stdin-close"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let ready: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(ready.as_object().unwrap().len(), 2);
    let cp = u16::try_from(ready["control_port"].as_u64().unwrap()).unwrap();
    assert!(ready["https_port"].as_u64().unwrap() > 0);
    assert!(control_get_blocking(cp, "/health").contains("{\"ok\":true}"));
    assert!(
        control_get_blocking(cp, "/config").contains("424242"),
        "the file's config is in use"
    );
    drop(child.stdin.take());
    assert!(wait_exit(&mut child).success());
}

#[test]
fn binary_exits_cleanly_on_sigterm_and_rejects_bad_configs() {
    let mut child = bin()
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let ready: Value = serde_json::from_str(&line).unwrap();
    let cp = u16::try_from(ready["control_port"].as_u64().unwrap()).unwrap();
    assert!(
        control_get_blocking(cp, "/config").contains("demo.io"),
        "built-in demo config"
    );
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    assert!(wait_exit(&mut child).success());

    let dir = std::env::temp_dir().join(format!("duplo-sim-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"portals":[{"nmae":"x"}]}"#).unwrap();
    let out = bin().arg("--config").arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nmae"));
    assert!(out.stdout.is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}
