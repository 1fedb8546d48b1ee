//! Key logging in the NSS format (`SSLKEYLOGFILE`), which Wireshark reads
//! to decrypt captures: `SSL_CTX_set_keylog_callback`, or a file.
//!
//! OpenSSL itself never reads `SSLKEYLOGFILE`; here it is opt-in too
//! ([`SslContextBuilder::set_keylog_from_env`](crate::SslContextBuilder::set_keylog_from_env)),
//! because writing every secret to a file must be a deliberate choice.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};

use ferrotls_core::Error;
use ferrotls_handshake::KeyLog;
use ferrotls_handshake::hooks::key_log_line;

/// `SSL_CTX_set_keylog_callback`: called with each line (no newline).
pub type KeylogCallback = Arc<dyn Fn(&str) + Send + Sync>;

/// Sends each secret as one NSS line to a callback.
pub(crate) struct CallbackKeyLog(pub KeylogCallback);

impl KeyLog for CallbackKeyLog {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        (self.0)(&key_log_line(label, client_random, secret));
    }
}

/// Appends lines to a file, one write per line so concurrent connections
/// do not interleave within a line.
struct FileKeyLog(Mutex<File>);

impl FileKeyLog {
    fn open(path: &Path) -> Result<Self, Error> {
        let mut opts = OpenOptions::new();
        opts.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            // Secrets: readable by the owner only.
            opts.mode(0o600);
        }
        let f = opts
            .open(path)
            .map_err(|e| Error::General(format!("key log file {}: {e}", path.display())))?;
        Ok(Self(Mutex::new(f)))
    }
}

impl KeyLog for FileKeyLog {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        let mut line = key_log_line(label, client_random, secret);
        line.push('\n');
        let mut f = self.0.lock().unwrap_or_else(|e| e.into_inner());
        // A failing key log must not break the connection.
        let _ = f.write_all(line.as_bytes());
    }
}

/// A key log appending to `path`.
pub(crate) fn file_key_log(path: &Path) -> Result<Arc<dyn KeyLog>, Error> {
    Ok(Arc::new(FileKeyLog::open(path)?))
}
