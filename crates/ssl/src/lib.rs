//! # ferrotls — an OpenSSL-shaped TLS API in Rust
//!
//! The facade of the ferrotls stack: [`SslContext`] (`SSL_CTX`), [`Ssl`]
//! (`SSL`) over BIOs from `ferrotls-bio`, OpenSSL's modes, verify settings,
//! [`Ssl::get_error`] and a per-connection error queue, plus [`SslStream`]
//! for code that wants `std::io::Read + Write`.
//!
//! The contract is OpenSSL's (`SSL_connect`, `SSL_do_handshake`,
//! `SSL_write`, ...): OpenSSL-named methods return the C-style int
//! (`1`/`0`/`<0`) and record what [`Ssl::get_error`] reports; the `try_*`
//! methods return `Result`s from the same engine.
//!
//! ```no_run
//! use std::io::{Read, Write};
//! use ferrotls::{SslContext, SslMethod, SslStream, VerifyMode};
//!
//! let mut b = SslContext::builder(SslMethod::tls_client());
//! b.set_default_verify_paths()?;
//! b.set_verify(VerifyMode::PEER);
//! let ctx = b.build()?;
//! let tcp = std::net::TcpStream::connect("example.com:443")?;
//! let mut tls = SslStream::connect(&ctx, "example.com", tcp)?;
//! tls.write_all(b"GET / HTTP/1.0\r\nHost: example.com\r\n\r\n")?;
//! let mut page = Vec::new();
//! tls.read_to_end(&mut page)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod callbacks;
mod context;
mod engine;
mod error;
mod handshake;
mod io;
mod keylog;
mod modes;
mod names;
mod session;
mod ssl;
mod stream;
mod transport;
mod verify;

pub use callbacks::{AlpnSelectCallback, ClientCertCallback, ServernameCallback, SniResult};
pub use context::{FileType, SslContext, SslContextBuilder, SslMethod, TimeSource};
pub use error::{AlertRecord, ErrorCause, ErrorCode, ErrorEntry, ErrorQueue, Library, SslError};
pub use ferrotls_handshake::{AlpnDecision, TicketKeys};
pub use keylog::KeylogCallback;
pub use modes::{Mode, SslOptions, SslVersion, VerifyMode};
pub use session::{DEFAULT_SESSION_CACHE_SIZE, SessionCache, SessionCacheMode, SslSession};
pub use ssl::{ShutdownResult, Ssl, SslCipher, Want};
pub use stream::SslStream;
pub use verify::{VerifyCallback, X509_V_OK, X509StoreContext};

/// The BIO layer, re-exported so users need one dependency.
pub use ferrotls_bio as bio;
/// The core types (errors, DER, names), re-exported.
pub use ferrotls_core as core_types;
