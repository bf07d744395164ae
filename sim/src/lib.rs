//! duplo-sim: a simulator of DuploCloud portals and of AWS federation sign-in and the AWS
//! Console, for end-to-end tests, benchmarks and demos of the JIT Console extension.
//!
//! Every simulated host (`*.duplocloud.net`, `signin.aws.amazon.com`,
//! `*.console.aws.amazon.com`, GovCloud and China equivalents, `foreign.example`) is
//! answered on one HTTPS port, routed by `Host`; a control API on a second port lets
//! tests reconfigure it, read its request log, inject faults and move its clock.
//!
//! Request handling is socket-free: [`router::handle`] takes a [`http::Request`], the
//! [`state::State`] and the simulated time, and returns a [`http::Response`].

pub mod aws_signin;
pub mod cli;
pub mod clock;
pub mod config;
pub mod console;
pub mod control;
pub mod encoding;
pub mod faults;
pub mod foreign;
pub mod html;
pub mod http;
pub mod ids;
pub mod jit;
pub mod k8s;
pub mod log;
pub mod partition;
pub mod portal_api;
pub mod portal_pages;
pub mod router;
pub mod server;
pub mod state;
pub mod tls;
