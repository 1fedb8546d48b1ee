//! `SSL_get_error` codes, the per-connection error queue (`ERR_get_error`
//! and friends) and the error type of the idiomatic `Result` methods.
//!
//! OpenSSL keeps one error queue per thread; a Rust library cannot own
//! thread-local state on behalf of its caller without surprising it, so the
//! queue lives in each [`Ssl`](crate::Ssl) instead. The drain semantics are
//! the same: entries are appended when a call fails and removed oldest first.

use std::collections::VecDeque;
use std::fmt;
use std::io;

use ferrotls_core::{AlertDescription, Error};

/// What `SSL_get_error` returns. The discriminants are OpenSSL's
/// `SSL_ERROR_*` values so the C ABI can pass them through unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum ErrorCode {
    /// `SSL_ERROR_NONE`: the call succeeded (`ret > 0`).
    None = 0,
    /// `SSL_ERROR_SSL`: a protocol failure; the error queue says why.
    Ssl = 1,
    /// `SSL_ERROR_WANT_READ`: repeat the call once the read BIO has data.
    WantRead = 2,
    /// `SSL_ERROR_WANT_WRITE`: repeat the call once the write BIO has room.
    WantWrite = 3,
    /// `SSL_ERROR_SYSCALL`: an I/O error or an EOF that the protocol did
    /// not announce (no close_notify).
    Syscall = 5,
    /// `SSL_ERROR_ZERO_RETURN`: the peer sent close_notify.
    ZeroReturn = 6,
}

impl ErrorCode {
    /// The OpenSSL `SSL_ERROR_*` integer.
    pub fn as_raw(self) -> i32 {
        self as i32
    }

    /// True for the two would-block codes.
    pub fn is_want(self) -> bool {
        matches!(self, Self::WantRead | Self::WantWrite)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::None => "SSL_ERROR_NONE",
            Self::Ssl => "SSL_ERROR_SSL",
            Self::WantRead => "SSL_ERROR_WANT_READ",
            Self::WantWrite => "SSL_ERROR_WANT_WRITE",
            Self::Syscall => "SSL_ERROR_SYSCALL",
            Self::ZeroReturn => "SSL_ERROR_ZERO_RETURN",
        })
    }
}

/// Which library an error queue entry comes from (`ERR_GET_LIB`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Library {
    /// The TLS protocol engine (`ERR_LIB_SSL`).
    Ssl,
    /// The operating system / transport (`ERR_LIB_SYS`).
    Sys,
    /// Certificate verification (`ERR_LIB_X509`).
    X509,
}

/// An alert attached to an error queue entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlertRecord {
    /// The alert.
    pub description: AlertDescription,
    /// True if we sent it, false if the peer sent it.
    pub sent: bool,
}

/// One entry of the error queue (what `ERR_get_error` plus
/// `ERR_error_string` would give in OpenSSL).
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorEntry {
    /// The library the error belongs to.
    pub library: Library,
    /// The typed reason, when the failure came from the TLS engine.
    pub reason: Option<Error>,
    /// The alert we sent or received because of this error, if any.
    pub alert: Option<AlertRecord>,
    /// Where in the connection it happened (`"read"`, `"handshake"`, ...).
    pub location: &'static str,
    /// A human-readable description.
    pub text: String,
}

impl fmt::Display for ErrorEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lib = match self.library {
            Library::Ssl => "SSL routines",
            Library::Sys => "system library",
            Library::X509 => "x509 certificate routines",
        };
        write!(f, "error:{lib}:{}:{}", self.location, self.text)?;
        if let Some(a) = self.alert {
            let dir = if a.sent { "sent" } else { "received" };
            write!(f, " (alert {:?} {dir})", a.description)?;
        }
        Ok(())
    }
}

/// The bound on queued entries: an application that never drains the queue
/// must not make a long-lived connection grow without limit.
const MAX_QUEUE: usize = 16;

/// A per-connection error queue, drained like `ERR_get_error`.
#[derive(Debug, Default)]
pub struct ErrorQueue {
    entries: VecDeque<ErrorEntry>,
}

impl ErrorQueue {
    /// Appends an entry, dropping the oldest when the bound is reached.
    pub(crate) fn push(&mut self, e: ErrorEntry) {
        if self.entries.len() == MAX_QUEUE {
            self.entries.pop_front();
        }
        self.entries.push_back(e);
    }

    /// Removes and returns the oldest entry (`ERR_get_error`).
    pub fn get(&mut self) -> Option<ErrorEntry> {
        self.entries.pop_front()
    }

    /// The oldest entry, left in place (`ERR_peek_error`).
    pub fn peek(&self) -> Option<&ErrorEntry> {
        self.entries.front()
    }

    /// The newest entry, left in place (`ERR_peek_last_error`).
    pub fn peek_last(&self) -> Option<&ErrorEntry> {
        self.entries.back()
    }

    /// Empties the queue (`ERR_clear_error`).
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Number of queued entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// What went wrong below an [`SslError`].
#[derive(Debug)]
pub enum ErrorCause {
    /// A TLS or API failure from the engine.
    Tls(Error),
    /// A transport failure.
    Io(io::Error),
    /// The transport ended without close_notify.
    UnexpectedEof,
}

/// The error of the idiomatic `Result` methods ([`Ssl::try_read`](crate::Ssl::try_read)
/// and friends): the `SSL_get_error` code plus the cause, if there is one.
#[derive(Debug)]
pub struct SslError {
    code: ErrorCode,
    cause: Option<ErrorCause>,
}

impl SslError {
    pub(crate) fn new(code: ErrorCode, cause: Option<ErrorCause>) -> Self {
        Self { code, cause }
    }

    /// The `SSL_get_error` code for this failure.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The underlying cause (None for would-block and close_notify).
    pub fn cause(&self) -> Option<&ErrorCause> {
        self.cause.as_ref()
    }

    /// The TLS error, if the cause was one.
    pub fn tls_error(&self) -> Option<&Error> {
        match &self.cause {
            Some(ErrorCause::Tls(e)) => Some(e),
            _ => None,
        }
    }

    /// True for `WANT_READ` / `WANT_WRITE`.
    pub fn would_block(&self) -> bool {
        self.code.is_want()
    }
}

impl fmt::Display for SslError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.cause {
            None => write!(f, "{}", self.code),
            Some(ErrorCause::Tls(e)) => write!(f, "{}: {e}", self.code),
            Some(ErrorCause::Io(e)) => write!(f, "{}: {e}", self.code),
            Some(ErrorCause::UnexpectedEof) => {
                write!(f, "{}: unexpected eof while reading", self.code)
            }
        }
    }
}

impl std::error::Error for SslError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.cause {
            Some(ErrorCause::Tls(e)) => Some(e),
            Some(ErrorCause::Io(e)) => Some(e),
            _ => None,
        }
    }
}

impl From<SslError> for io::Error {
    /// Would-blocks become `WouldBlock`, close_notify `UnexpectedEof` is
    /// never produced here (a clean close reads as `Ok(0)` in
    /// [`SslStream`](crate::SslStream)), everything else keeps its cause.
    fn from(e: SslError) -> Self {
        match e.code {
            ErrorCode::WantRead | ErrorCode::WantWrite => {
                io::Error::new(io::ErrorKind::WouldBlock, e.to_string())
            }
            _ => match e.cause {
                Some(ErrorCause::Io(io)) => io,
                Some(ErrorCause::UnexpectedEof) => io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "peer closed the connection without close_notify",
                ),
                Some(ErrorCause::Tls(t)) => io::Error::new(io::ErrorKind::InvalidData, t),
                None => io::Error::other(e.code.to_string()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_openssl_values() {
        assert_eq!(ErrorCode::None.as_raw(), 0);
        assert_eq!(ErrorCode::Ssl.as_raw(), 1);
        assert_eq!(ErrorCode::WantRead.as_raw(), 2);
        assert_eq!(ErrorCode::WantWrite.as_raw(), 3);
        assert_eq!(ErrorCode::Syscall.as_raw(), 5);
        assert_eq!(ErrorCode::ZeroReturn.as_raw(), 6);
    }

    #[test]
    fn queue_is_fifo_and_bounded() {
        let mut q = ErrorQueue::default();
        for i in 0..(MAX_QUEUE + 3) {
            q.push(ErrorEntry {
                library: Library::Ssl,
                reason: None,
                alert: None,
                location: "test",
                text: i.to_string(),
            });
        }
        assert_eq!(q.len(), MAX_QUEUE);
        assert_eq!(q.peek().map(|e| e.text.as_str()), Some("3"));
        assert_eq!(q.get().map(|e| e.text), Some("3".to_string()));
        assert_eq!(
            q.peek_last().map(|e| e.text.as_str()),
            Some((MAX_QUEUE + 2).to_string().as_str())
        );
        q.clear();
        assert!(q.is_empty());
    }
}
