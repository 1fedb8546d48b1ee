//! The input side of the engine: reading records from the transport,
//! removing their protection, and handing each to its consumer (the
//! application's read buffer, the handshake, the alert handling).

use ferrotls_core::{
    AlertDescription, AlertLevel, ContentType, Error, InvalidMessage, PeerMisbehaved,
    ProtocolVersion,
};
use ferrotls_handshake::msgs::HandshakeJoiner;
use ferrotls_record::{Decrypted, Deframer, MessageDecrypter, OpaqueRecord, PlainRecord};

use super::{Engine, Got, Step};
use crate::transport::Transport;

/// Consecutive ignored alerts tolerated (a peer flooding warnings is
/// wasting our time; RFC 8446 section 6 leaves the limit to us).
const MAX_IGNORED_ALERTS: u32 = 16;

/// The record as classified while the deframer's buffer is borrowed.
enum Incoming {
    Handshake,
    AppData,
    Ccs,
    Alert(AlertLevel, AlertDescription),
}

impl Engine {
    /// Unread application bytes, in order (see `app_held`).
    pub fn app_data(&self) -> &[u8] {
        if self.app_held.is_empty() {
            return &self.app_in[self.app_pos..];
        }
        self.deframer
            .as_ref()
            .map_or(&[][..], |d| d.bytes(self.app_held.clone()))
    }

    /// Marks `n` bytes of [`Engine::app_data`] as read.
    pub fn consume_app(&mut self, n: usize) {
        if !self.app_held.is_empty() {
            self.app_held.start = (self.app_held.start + n).min(self.app_held.end);
            if self.app_held.is_empty() {
                self.app_held = 0..0;
            }
            return;
        }
        self.app_pos = (self.app_pos + n).min(self.app_in.len());
        if self.app_pos == self.app_in.len() {
            self.app_in.clear();
            self.app_pos = 0;
        }
    }

    /// Moves unread bytes held in the deframer's buffer into `app_in`,
    /// before anything may overwrite that buffer.
    fn spill_held(&mut self) {
        if self.app_held.is_empty() {
            return;
        }
        if let Some(d) = self.deframer.as_ref() {
            self.app_in
                .extend_from_slice(d.bytes(self.app_held.clone()));
        }
        self.app_held = 0..0;
    }

    /// Reads, decrypts and dispatches one record.
    pub fn read_record(&mut self, t: &mut dyn Transport, location: &'static str) -> Step<Got> {
        self.read_record_into(t, location, None).map(|(got, _)| got)
    }

    /// [`Engine::read_record`], with the application's read buffer: an
    /// application_data record that fits in `dest` is decrypted straight
    /// into it, which saves copying it out of the record buffer, and the
    /// count of bytes placed there comes back with [`Got::AppData`]. Only
    /// when no unread application bytes are buffered (they would come
    /// first); otherwise, and for every other record, this is
    /// `read_record`. `dest` never keeps bytes that failed authentication
    /// or a check, nor bytes that are discarded.
    pub fn read_record_into(
        &mut self,
        t: &mut dyn Transport,
        location: &'static str,
        mut dest: Option<&mut [u8]>,
    ) -> Step<(Got, usize)> {
        self.spill_held();
        if self.app_pos < self.app_in.len() {
            dest = None;
        }
        loop {
            let max = self.max_ciphertext;
            let deframer = self.deframer.get_or_insert_with(|| {
                let mut d = Deframer::new();
                d.set_max_ciphertext_len(max);
                d
            });
            // During a TLS 1.2 renegotiation application data still flows
            // (until the peer's ChangeCipherSpec); the handshake says when.
            let handshaking = self.hs.as_ref().is_none_or(|h| {
                !h.acceptable_content_types()
                    .contains(&ContentType::ApplicationData)
            });
            let discard_app = self.shutdown_sent;
            let mut taken = Ok(None);
            if let Some(d) = dest.as_deref_mut()
                && deframer.buffered() == 0
            {
                taken = self.take_in_place(t, d, handshaking, discard_app);
            }
            if matches!(taken, Ok(None)) {
                taken = self.take_buffered(dest.as_deref_mut(), handshaking, discard_app);
            }
            match taken {
                Err(e) => return Err(self.fail(t, e, location)),
                Ok(Some((inc, placed))) => {
                    return self.dispatch(t, inc, location).map(|got| (got, placed));
                }
                Ok(None) => self.fill(t, location)?,
            }
        }
    }

    /// The next record from the deframer's buffer, opened and classified,
    /// with the count of application bytes decrypted into `dest`; `None`
    /// until a whole record is buffered. Application data decrypted in
    /// the buffer stays there (`app_held`) unless unread bytes wait in
    /// `app_in`.
    fn take_buffered(
        &mut self,
        dest: Option<&mut [u8]>,
        handshaking: bool,
        discard_app: bool,
    ) -> Result<Option<(Incoming, usize)>, Error> {
        let Some(deframer) = self.deframer.as_mut() else {
            return Ok(None);
        };
        let Some(rec) = deframer.next_record()? else {
            return Ok(None);
        };
        let Taken {
            classified,
            placed,
            held: kept,
        } = take_record(
            &mut *self.decrypter,
            &mut self.plain_alerts,
            &mut self.joiner,
            rec,
            dest,
            handshaking,
            discard_app,
        );
        // Its address and length, turned into a buffer range once the
        // borrow ends.
        let mut held = None;
        if let Some(payload) = kept {
            if self.app_pos < self.app_in.len() {
                self.app_in.extend_from_slice(payload);
            } else {
                held = Some((payload.as_ptr() as usize, payload.len()));
            }
        }
        if let Some((addr, len)) = held {
            let range = self.deframer.as_ref().and_then(|d| d.locate(addr, len));
            let Some(range) = range else {
                let e = Error::General("decrypted record outside the record buffer".into());
                return Err(e);
            };
            self.app_held = range;
        }
        classified.map(|inc| Some((inc, placed)))
    }

    /// The next record opened where the read BIO holds it
    /// ([`Transport::read_in_place`], `BIO_nread`), when nothing is
    /// buffered here and the BIO lends a whole record: application data
    /// is decrypted from there straight into `dest`, so the record is never
    /// copied into the deframer's buffer. `None` when the BIO lends nothing
    /// or no whole record; the buffered path then reads as usual. Other
    /// records are decrypted where they lie, so what they leave in the
    /// BIO's buffer is wiped before it is given back.
    fn take_in_place(
        &mut self,
        t: &mut dyn Transport,
        dest: &mut [u8],
        handshaking: bool,
        discard_app: bool,
    ) -> Result<Option<(Incoming, usize)>, Error> {
        let Some(deframer) = self.deframer.as_mut() else {
            return Ok(None);
        };
        let decrypter = &mut *self.decrypter;
        let (plain_alerts, joiner, app_in) =
            (&mut self.plain_alerts, &mut self.joiner, &mut self.app_in);
        let mut out = Ok(None);
        let mut lent_unread = 0;
        t.read_in_place(&mut |bytes: &mut [u8]| {
            let (rec, total) = match deframer.record_in(bytes) {
                Ok(Some(found)) => found,
                Ok(None) => return 0,
                Err(e) => {
                    out = Err(e);
                    return 0;
                }
            };
            let rec = take_record(
                &mut *decrypter,
                plain_alerts,
                joiner,
                rec,
                Some(&mut *dest),
                handshaking,
                discard_app,
            );
            // `dest` is empty unless the read called with nothing
            // buffered, so the bytes are the first unread ones.
            if let Some(payload) = rec.held {
                app_in.extend_from_slice(payload);
            }
            let placed = rec.placed;
            out = rec.classified.map(|inc| Some((inc, placed)));
            if placed == 0 {
                bytes[..total].fill(0);
            }
            lent_unread = bytes.len() - total;
            total
        });
        self.lent_unread = lent_unread;
        out
    }

    /// Reads transport bytes into the deframer.
    fn fill(&mut self, t: &mut dyn Transport, location: &'static str) -> Step<()> {
        let Some(deframer) = self.deframer.as_mut() else {
            return Ok(());
        };
        let spare = deframer.spare();
        if spare.is_empty() {
            let e = Error::General("record buffer full without a whole record".into());
            return Err(self.fail(t, e, location));
        }
        self.lent_unread = 0;
        match t.read(spare) {
            Ok(n) => {
                deframer.commit(n);
                Ok(())
            }
            Err(e) => Err(self.io_stop(e, location)),
        }
    }

    fn dispatch(
        &mut self,
        t: &mut dyn Transport,
        inc: Incoming,
        location: &'static str,
    ) -> Step<Got> {
        match inc {
            Incoming::AppData => {
                self.ignored_alerts = 0;
                Ok(Got::AppData)
            }
            Incoming::Handshake => {
                self.ignored_alerts = 0;
                let now = self.ctx.now();
                // Each message is borrowed from the joiner while the
                // handshake reads it, then the actions run.
                while let Some(msg) = self.joiner.next_message() {
                    let Some(hs) = self.hs.as_mut() else {
                        let e = Error::General("handshake record before the handshake".into());
                        return Err(self.fail(t, e, location));
                    };
                    let r = hs.handle_handshake(msg, now, &mut self.actions);
                    if let Err(e) = r.and_then(|()| self.apply_actions()) {
                        return Err(self.fail(t, e, location));
                    }
                }
                Ok(Got::Handshake)
            }
            Incoming::Ccs => {
                let r = match self.hs.as_mut() {
                    Some(hs) => hs.handle_change_cipher_spec(&mut self.actions),
                    None => Err(unexpected(ContentType::ChangeCipherSpec)),
                };
                if let Err(e) = r.and_then(|()| self.apply_actions()) {
                    return Err(self.fail(t, e, location));
                }
                Ok(Got::Ccs)
            }
            Incoming::Alert(level, desc) => {
                if desc == AlertDescription::CloseNotify {
                    self.shutdown_received = true;
                    return Ok(Got::CloseNotify);
                }
                let tls12 = self.negotiated_version() == Some(ProtocolVersion::TLSv1_2);
                // RFC 8446 6.2: in TLS 1.3 every alert but close_notify and
                // user_canceled is fatal whatever its level.
                if level == AlertLevel::Warning && desc == AlertDescription::NoRenegotiation {
                    // RFC 5746: the peer declined our renegotiation; a
                    // client waiting for its ServerHello carries on with
                    // the connection it has.
                    if let Some(hs) = self.hs.as_mut() {
                        hs.peer_declined_renegotiation();
                    }
                }
                let ignorable = level == AlertLevel::Warning
                    && (desc == AlertDescription::UserCanceled || tls12);
                if ignorable {
                    self.ignored_alerts += 1;
                    if self.ignored_alerts > MAX_IGNORED_ALERTS {
                        let e = PeerMisbehaved::TooManyConsecutiveIgnoredRecords.into();
                        return Err(self.fail(t, e, location));
                    }
                    return Ok(Got::IgnoredAlert);
                }
                Err(self.fail(t, Error::AlertReceived(desc), location))
            }
        }
    }
}

/// What one record came to, while the buffer it lies in is still
/// borrowed.
struct Taken<'a> {
    classified: Result<Incoming, Error>,
    /// Application bytes decrypted into the caller's `dest`.
    placed: usize,
    /// Application bytes decrypted where the record lay, to be kept.
    held: Option<&'a [u8]>,
}

/// Opens `rec` and classifies it: the one path of every record, whichever
/// buffer it lies in. Application data that may not be kept (it failed a
/// check, or arrived after our close_notify) is neither placed nor held.
fn take_record<'a>(
    decrypter: &mut dyn MessageDecrypter,
    plain_alerts: &mut bool,
    joiner: &mut HandshakeJoiner,
    rec: OpaqueRecord<'a>,
    mut dest: Option<&mut [u8]>,
    handshaking: bool,
    discard_app: bool,
) -> Taken<'a> {
    let mut taken = Taken {
        classified: Ok(Incoming::AppData),
        placed: 0,
        held: None,
    };
    taken.classified = match open(decrypter, plain_alerts, rec, dest.as_deref_mut()) {
        Err(e) => Err(e),
        Ok(Decrypted::AppData(n)) => {
            let r = check_app_data(handshaking, joiner);
            // After we sent close_notify, data the peer still sends is
            // discarded (as in `classify`).
            if r.is_ok() && !discard_app {
                taken.placed = n;
            } else if let Some(d) = dest {
                d[..n].fill(0);
            }
            r.map(|()| Incoming::AppData)
        }
        Ok(Decrypted::Record(plain)) => {
            let r = classify(plain.content_type, plain.payload, handshaking, joiner);
            // After we sent close_notify, data the peer still sends is
            // discarded (as OpenSSL does while waiting for its
            // close_notify).
            if matches!(r, Ok(Incoming::AppData)) && !discard_app && !plain.payload.is_empty() {
                taken.held = Some(plain.payload);
            }
            r
        }
    };
    taken
}

/// Removes a record's protection; see `Engine::plain_alerts` for the
/// one window in which an alert may come unprotected. With `dest`,
/// application data may be decrypted straight into it.
fn open<'a>(
    decrypter: &mut dyn MessageDecrypter,
    plain_alerts: &mut bool,
    rec: OpaqueRecord<'a>,
    dest: Option<&mut [u8]>,
) -> Result<Decrypted<'a>, Error> {
    if *plain_alerts {
        if rec.header.content_type == ContentType::Alert {
            return Ok(Decrypted::Record(PlainRecord {
                content_type: ContentType::Alert,
                payload: rec.payload,
            }));
        }
        *plain_alerts = rec.header.content_type != ContentType::ApplicationData;
    }
    match dest {
        Some(dest) => decrypter.decrypt_into(rec, dest),
        None => decrypter.decrypt(rec).map(Decrypted::Record),
    }
}

/// Whether application data may arrive now: not during a handshake, and
/// not inside a fragmented handshake message (RFC 8446 section 5.1).
fn check_app_data(handshaking: bool, joiner: &HandshakeJoiner) -> Result<(), Error> {
    if handshaking {
        return Err(unexpected(ContentType::ApplicationData));
    }
    if !joiner.is_empty() {
        return Err(PeerMisbehaved::UnexpectedMessage(
            "application data inside a fragmented handshake message",
        )
        .into());
    }
    Ok(())
}

fn unexpected(got: ContentType) -> Error {
    Error::InappropriateMessage {
        expect_types: vec![ContentType::Handshake],
        got_type: got,
    }
}

/// Checks a decrypted record's type and copies handshake bytes into the
/// joiner (they must outlive the deframer's buffer). Application data is
/// left where it is for the caller.
fn classify(
    content_type: ContentType,
    payload: &[u8],
    handshaking: bool,
    joiner: &mut HandshakeJoiner,
) -> Result<Incoming, Error> {
    match content_type {
        ContentType::Handshake => {
            joiner.push(payload)?;
            Ok(Incoming::Handshake)
        }
        ContentType::ApplicationData => {
            check_app_data(handshaking, joiner)?;
            Ok(Incoming::AppData)
        }
        ContentType::Alert => {
            let [level, desc] = payload else {
                return Err(InvalidMessage::MalformedAlert.into());
            };
            let level = AlertLevel::from(*level);
            if !matches!(level, AlertLevel::Warning | AlertLevel::Fatal) {
                return Err(InvalidMessage::MalformedAlert.into());
            }
            Ok(Incoming::Alert(level, AlertDescription::from(*desc)))
        }
        ContentType::ChangeCipherSpec => {
            if payload != [1] {
                return Err(InvalidMessage::InvalidCcs.into());
            }
            Ok(Incoming::Ccs)
        }
        other => Err(unexpected(other)),
    }
}
