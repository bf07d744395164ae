//! Command-line parsing.

use std::path::PathBuf;

/// Usage text.
pub const USAGE: &str = "usage: duplo-sim [--config FILE.json] [--https-port N] [--control-port M] [--exit-on-stdin-close]

Simulates DuploCloud portals and AWS federation sign-in / console on one HTTPS port
(routed by Host) and serves a control API on another (plain HTTP). Both bind 127.0.0.1;
port 0 (the default) picks a free port. When ready, prints one JSON line to stdout:
{\"https_port\":N,\"control_port\":M}. Without --config, a built-in demo configuration is used.
Set DUPLO_SIM_LOG=requests to log each request (without query strings) to stderr.";

/// Options of a normal run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Configuration file (the built-in demo when absent).
    pub config: Option<PathBuf>,
    /// HTTPS port (0 = any free port).
    pub https_port: u16,
    /// Control port (0 = any free port).
    pub control_port: u16,
    /// Exit when standard input reaches end of file.
    pub exit_on_stdin_close: bool,
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Run the simulator.
    Run(Options),
    /// Print usage.
    Help,
}

/// Parses the arguments (without the program name). `--flag value` and `--flag=value`
/// are both accepted.
pub fn parse(args: &[String]) -> Result<Command, String> {
    let mut opts = Options::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        let port = |name: &str, v: String| -> Result<u16, String> {
            v.parse::<u16>()
                .map_err(|_| format!("{name} must be a port number (0-65535), got {v:?}"))
        };
        match flag {
            "--config" => opts.config = Some(PathBuf::from(value("--config")?)),
            "--https-port" => opts.https_port = port("--https-port", value("--https-port")?)?,
            "--control-port" => {
                opts.control_port = port("--control-port", value("--control-port")?)?
            }
            "--exit-on-stdin-close" if inline.is_none() => opts.exit_on_stdin_close = true,
            "-h" | "--help" => return Ok(Command::Help),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Command::Run(opts))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn args(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn parses_all_flags() {
        let c = parse(&args(&[
            "--config",
            "a.json",
            "--https-port=8443",
            "--control-port",
            "9000",
            "--exit-on-stdin-close",
        ]))
        .unwrap();
        assert_eq!(
            c,
            Command::Run(Options {
                config: Some("a.json".into()),
                https_port: 8443,
                control_port: 9000,
                exit_on_stdin_close: true,
            })
        );
        assert_eq!(parse(&[]).unwrap(), Command::Run(Options::default()));
        assert_eq!(parse(&args(&["--help"])).unwrap(), Command::Help);
    }

    #[test]
    fn rejects_bad_input() {
        assert!(parse(&args(&["--https-port", "70000"])).is_err());
        assert!(parse(&args(&["--config"])).is_err());
        assert!(parse(&args(&["--bogus"])).is_err());
    }
}
