//! The `duplo-sim` binary: parses the command line, starts the servers, prints the ready
//! line, and runs until SIGTERM/SIGINT (or end of stdin with `--exit-on-stdin-close`).

use std::io::{Read, Write};
use std::process::ExitCode;
use std::time::Duration;

use duplo_sim::cli::{self, Command, Options, USAGE};
use duplo_sim::config::Config;
use duplo_sim::server;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opts = match cli::parse(&args) {
        Ok(Command::Run(o)) => o,
        Ok(Command::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("duplo-sim: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let config = match &opts.config {
        Some(path) => match Config::load_file(path) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("duplo-sim: {e}");
                return ExitCode::from(2);
            }
        },
        None => Config::demo(),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("duplo-sim: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let code = runtime.block_on(run(config, opts));
    runtime.shutdown_timeout(Duration::from_millis(500));
    code
}

async fn run(config: Config, opts: Options) -> ExitCode {
    let running = match server::start(config, opts.https_port, opts.control_port).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("duplo-sim: {e}");
            return ExitCode::FAILURE;
        }
    };
    // The signal handlers are in place before anyone learns the ports: a SIGTERM sent as
    // soon as the simulator answers must stop it cleanly, not kill it (a flaky test found
    // the handlers being installed only after the ready line).
    let signals = Signals::install();
    let ready = serde_json::json!({
        "https_port": running.https_port,
        "control_port": running.control_port,
    });
    {
        let mut out = std::io::stdout().lock();
        if writeln!(out, "{ready}").and_then(|_| out.flush()).is_err() {
            eprintln!("duplo-sim: cannot write the ready line to stdout");
        }
    }
    eprintln!(
        "duplo-sim: serving HTTPS on 127.0.0.1:{} and control on 127.0.0.1:{}",
        running.https_port, running.control_port
    );
    let reason = wait_for_stop(signals, opts.exit_on_stdin_close).await;
    eprintln!("duplo-sim: {reason}; shutting down");
    running.shutdown().await;
    ExitCode::SUCCESS
}

/// SIGTERM and SIGINT, caught from the moment this is made.
struct Signals {
    terminate: Option<tokio::signal::unix::Signal>,
    interrupt: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    fn install() -> Self {
        use tokio::signal::unix::{signal, SignalKind};
        Self {
            terminate: signal(SignalKind::terminate()).ok(),
            interrupt: signal(SignalKind::interrupt()).ok(),
        }
    }
}

/// Waits for `signal` (forever when it could not be installed).
async fn received(signal: Option<tokio::signal::unix::Signal>) {
    match signal {
        Some(mut s) => {
            s.recv().await;
        }
        None => std::future::pending::<()>().await,
    }
}

async fn wait_for_stop(signals: Signals, watch_stdin: bool) -> &'static str {
    let (stdin_tx, stdin_rx) = tokio::sync::oneshot::channel::<()>();
    if watch_stdin {
        // A plain thread: a blocking stdin read must not hold up the runtime's shutdown.
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            let mut stdin = std::io::stdin();
            loop {
                match stdin.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
            }
            let _ = stdin_tx.send(());
        });
    }
    let stdin_closed = async {
        if watch_stdin {
            let _ = stdin_rx.await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        _ = received(signals.interrupt) => "SIGINT",
        _ = received(signals.terminate) => "SIGTERM",
        _ = stdin_closed => "stdin closed",
    }
}
