//! The application-data paths: `read`/`peek` (with transparent
//! post-handshake processing and the AUTO_RETRY rule, S11/S12), `write`
//! (full or partial, with the retry rules of S09/S10), and `shutdown`
//! (close_notify both ways, S15).

use ferrotls_core::{AlertDescription, AlertLevel, ApiMisuse};

use crate::engine::{Engine, Got, PendingWrite, Step, Stop};
use crate::error::ErrorCode;
use crate::modes::Mode;
use crate::transport::Transport;

/// Records protected per flush in full-write mode. One, as OpenSSL does:
/// the record just sealed is handed to the transport while it is still in
/// the first-level cache (a 16 KiB record and the 16 KiB of plaintext it
/// was sealed from fit there; two or four records do not), which measured
/// 5-8 % faster for bulk sends than batches of 2, 4 or 8, and keeps `out`
/// at one record. The transport call it costs per record is small next to
/// sealing 16 KiB.
const WRITE_BATCH: usize = 1;

impl Engine {
    /// `SSL_read` / `SSL_peek`: application bytes into `buf`.
    pub fn read(&mut self, t: &mut dyn Transport, buf: &mut [u8], peek: bool) -> Step<usize> {
        self.check_alive("read")?;
        // A renegotiation progresses through the records read below, and
        // data arriving meanwhile is returned at once (S11).
        if !self.is_init_finished() && !self.is_renegotiating() {
            self.do_handshake(t)?;
        }
        loop {
            let avail = self.app_data();
            if !avail.is_empty() || buf.is_empty() {
                let n = avail.len().min(buf.len());
                buf[..n].copy_from_slice(&avail[..n]);
                if !peek {
                    self.consume_app(n);
                    if self.pending() == 0 {
                        self.release_idle_buffers();
                    }
                }
                return Ok(n);
            }
            if self.shutdown_received {
                return Err(Stop::ZeroReturn);
            }
            // A KeyUpdate answer or other queued output goes first, as far
            // as the transport takes it: a transport full of our own data
            // (a write under way) must not stop us reading, or a peer that
            // waits for its renegotiation answer before reading more would
            // never get it. A read that then finds nothing reports the
            // blocked write, which is what must clear first.
            let write_blocked = match self.flush_out(t) {
                Err(Stop::Want(ErrorCode::WantWrite)) => true,
                other => {
                    other?;
                    false
                }
            };
            // Nothing is buffered, so the next application data may be
            // decrypted straight into `buf` (a peek must leave it readable
            // again, so it takes the buffered path).
            let dest = (!peek).then_some(&mut *buf);
            let got = match self.read_record_into(t, "read", dest) {
                Err(Stop::Want(ErrorCode::WantRead)) if write_blocked => {
                    return Err(Stop::Want(ErrorCode::WantWrite));
                }
                other => other?,
            };
            match got {
                (Got::AppData, n) if n > 0 => {
                    if self.pending() == 0 {
                        self.release_idle_buffers();
                    }
                    return Ok(n);
                }
                (Got::AppData | Got::CloseNotify, _) => {}
                (Got::Handshake | Got::Ccs | Got::IgnoredAlert, _) => {
                    // S12: without AUTO_RETRY, a read that consumed only
                    // non-application records returns WANT_READ once no
                    // more input is buffered (as OpenSSL's ssl3_read_bytes).
                    if !self.mode.contains(Mode::AUTO_RETRY) && self.buffered_input() == 0 {
                        self.flush_out(t)?;
                        return Err(Stop::Want(ErrorCode::WantRead));
                    }
                }
            }
        }
    }

    /// `SSL_pending`: decrypted bytes ready to be read without I/O.
    pub fn pending(&self) -> usize {
        self.app_in.len() - self.app_pos + self.app_held.len()
    }

    /// `SSL_write`: `buf` as application data.
    pub fn write(&mut self, t: &mut dyn Transport, buf: &[u8]) -> Step<usize> {
        self.check_alive("write")?;
        if self.shutdown_sent {
            let e = ApiMisuse::BadArgument("protocol is shutdown (close_notify sent)");
            return Err(self.misuse(e.into(), "write"));
        }
        // S08, and S11: a renegotiation in progress must finish before
        // more data is protected, so the write reads; on a non-blocking
        // BIO that is WANT_READ, with the bytes already taken kept for the
        // retry (S10). Data that arrives meanwhile waits for `read`.
        if !self.is_init_finished() {
            self.do_handshake(t)?;
        }
        let ptr = buf.as_ptr() as usize;
        let moving_ok = self.mode.contains(Mode::ACCEPT_MOVING_WRITE_BUFFER);
        let mut p = match self.pending_write {
            Some(p) if buf.len() < p.len || (ptr != p.ptr && !moving_ok) => {
                // S10: the retry must pass the same buffer (or, with
                // ACCEPT_MOVING_WRITE_BUFFER, the same bytes elsewhere),
                // at least as long as before.
                return Err(self.misuse(ApiMisuse::BadWriteRetry.into(), "write"));
            }
            Some(p) => p,
            None => PendingWrite {
                ptr,
                len: buf.len(),
                encrypted: 0,
            },
        };
        p.ptr = ptr;
        p.len = buf.len();
        let partial = self.mode.contains(Mode::ENABLE_PARTIAL_WRITE);
        loop {
            if let Err(stop) = self.flush_out(t) {
                self.pending_write = (p.encrypted > 0).then_some(p);
                return Err(stop);
            }
            if p.encrypted == p.len || (partial && p.encrypted > 0) {
                self.pending_write = None;
                self.release_idle_buffers();
                return Ok(p.encrypted);
            }
            if self.is_renegotiating() {
                // The peer started one while this write was under way.
                if let Err(stop) = self.do_handshake(t) {
                    self.pending_write = (p.encrypted > 0).then_some(p);
                    return Err(stop);
                }
            }
            for _ in 0..WRITE_BATCH {
                let r = self.key_update_if_due().and_then(|()| {
                    let n = (p.len - p.encrypted).min(self.fragment_len());
                    self.send_app_record(t, &buf[p.encrypted..p.encrypted + n])
                        .map(|()| n)
                });
                match r {
                    Ok(n) => p.encrypted += n,
                    Err(e) => return Err(self.fail(t, e, "write")),
                }
                if partial || p.encrypted == p.len {
                    break;
                }
            }
        }
    }

    /// `SSL_shutdown`: `Ok(false)` once our close_notify is out (0),
    /// `Ok(true)` once the peer's arrived too (1).
    pub fn shutdown(&mut self, t: &mut dyn Transport) -> Step<bool> {
        self.check_alive("shutdown")?;
        if !self.is_init_finished() {
            // OpenSSL: SSL_R_SHUTDOWN_WHILE_IN_INIT.
            return Err(self.misuse(ApiMisuse::HandshakeNotComplete.into(), "shutdown"));
        }
        if !self.shutdown_sent {
            // A write left half-done is abandoned; its encrypted records
            // (already in `out`) still go out before the close_notify.
            self.pending_write = None;
            self.queue_alert(AlertLevel::Warning, AlertDescription::CloseNotify);
            self.shutdown_sent = true;
            self.flush_out(t)?;
            return Ok(self.shutdown_received);
        }
        if self.pending_output() > 0 {
            // The retry of a first call that stopped on WANT_WRITE.
            self.flush_out(t)?;
            return Ok(self.shutdown_received);
        }
        while !self.shutdown_received {
            // Application data still arriving is discarded (see classify).
            self.read_record(t, "shutdown")?;
        }
        Ok(true)
    }
}
