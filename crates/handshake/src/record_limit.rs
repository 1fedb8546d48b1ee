//! RFC 8449 record_size_limit: turning the two values a handshake agreed
//! into the [`Action::SetRecordSizeLimit`]s the record layer obeys, at the
//! right place of the action list.
//!
//! The limit covers protected records only, and "records are subject to
//! the limits that were set in the handshake that produces the keys that
//! are used to protect those records" (RFC 8449 section 4). So:
//!
//! * TLS 1.3: both directions as soon as the values are known — the
//!   server after installing its handshake write key (its encrypted
//!   flight already obeys the client's limit), the client on
//!   EncryptedExtensions (its second flight obeys the server's).
//! * TLS 1.2: each direction next to the key change it belongs to — our
//!   limit on sending with our SetWriteKeys, the peer's on receiving with
//!   its ChangeCipherSpec. Every TLS 1.2 handshake says so, so that a
//!   renegotiation that drops the extension restores 2^14.

use crate::action::{Action, RecordKeys};

/// The largest value meaningful in TLS 1.2: a 2^14-byte fragment.
pub(crate) const TLS12_MAX: u16 = 16384;
/// The largest value meaningful in TLS 1.3: 2^14 bytes of content and the
/// inner content type byte.
pub(crate) const TLS13_MAX: u16 = 16385;

/// The two values of a handshake in which both sides sent the extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RecordSizeLimits {
    /// What we announced: the largest record we accept.
    pub ours: u16,
    /// What the peer announced: the largest record we may send it.
    pub peer: u16,
}

impl RecordSizeLimits {
    /// `Some` only when both sides sent a value: a limit the peer did not
    /// acknowledge binds nobody.
    pub fn agreed(ours: Option<u16>, peer: Option<u16>) -> Option<Self> {
        Some(Self {
            ours: ours?,
            peer: peer?,
        })
    }

    /// TLS 1.3, both directions. The values count the inner content type
    /// byte (and padding, which we never add), so one byte less of content
    /// fits; a value above 2^14 + 1 does not allow larger records (RFC 8449
    /// section 4: a server must not enforce the cap on the client's value,
    /// and a client may but need not, so both just clamp).
    pub fn tls13_action(self) -> Action {
        Action::SetRecordSizeLimit {
            send: Some(usize::from(self.peer.min(TLS13_MAX)).saturating_sub(1)),
            receive: Some(usize::from(self.ours.min(TLS13_MAX))),
        }
    }
}

/// TLS 1.2: `keys` for our side, preceded by the send limit that comes
/// with them (the peer's value, or 2^14 when this handshake agreed none).
pub(crate) fn tls12_write_keys(
    out: &mut Vec<Action>,
    keys: RecordKeys,
    limits: Option<RecordSizeLimits>,
) {
    let send = limits.map_or(TLS12_MAX, |l| l.peer.min(TLS12_MAX));
    out.push(Action::SetRecordSizeLimit {
        send: Some(usize::from(send)),
        receive: None,
    });
    out.push(Action::SetWriteKeys(keys));
}

/// TLS 1.2: the peer's `keys`, preceded by the receive limit that comes
/// with them (our value, or 2^14 when this handshake agreed none).
pub(crate) fn tls12_read_keys(
    out: &mut Vec<Action>,
    keys: RecordKeys,
    limits: Option<RecordSizeLimits>,
) {
    let receive = limits.map_or(TLS12_MAX, |l| l.ours.min(TLS12_MAX));
    out.push(Action::SetRecordSizeLimit {
        send: None,
        receive: Some(usize::from(receive)),
    });
    out.push(Action::SetReadKeys(keys));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(a: Action) -> (Option<usize>, Option<usize>) {
        match a {
            Action::SetRecordSizeLimit { send, receive } => (send, receive),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn tls13_subtracts_the_content_type_byte_and_clamps() {
        let l = RecordSizeLimits {
            ours: 512,
            peer: 64,
        };
        assert_eq!(limits(l.tls13_action()), (Some(63), Some(512)));
        let l = RecordSizeLimits {
            ours: 16385,
            peer: 65535,
        };
        assert_eq!(limits(l.tls13_action()), (Some(16384), Some(16385)));
    }

    #[test]
    fn agreed_needs_both() {
        assert_eq!(RecordSizeLimits::agreed(Some(64), None), None);
        assert_eq!(RecordSizeLimits::agreed(None, Some(64)), None);
        assert_eq!(
            RecordSizeLimits::agreed(Some(100), Some(64)),
            Some(RecordSizeLimits {
                ours: 100,
                peer: 64
            })
        );
    }
}
