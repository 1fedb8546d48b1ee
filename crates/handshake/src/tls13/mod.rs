//! The TLS 1.3 state machines (RFC 8446), one file a side, plus the pieces
//! both sides share.

pub(crate) mod client;
mod client_flight;
pub(crate) mod client_hello;
pub(crate) mod common;
pub(crate) mod psk;
pub(crate) mod server;
mod server_hello;
pub(crate) mod traffic;

use ferrotls_core::{ContentType, Error, InvalidMessage};

use crate::action::Action;
use crate::msgs::{DecodeErr, PResult};

/// Runs a message body parser over all of `body`; leftover bytes are
/// decode_error.
pub(crate) fn decode<'a, T>(
    body: &'a [u8],
    what: &'static str,
    parser: impl FnOnce(&'a [u8]) -> PResult<'a, T>,
) -> Result<T, Error> {
    match parser(body) {
        Ok(([], v)) => Ok(v),
        Ok(_) => Err(InvalidMessage::TrailingData(what).into()),
        Err(nom::Err::Error(DecodeErr(e)) | nom::Err::Failure(DecodeErr(e))) => Err(e.into()),
        Err(nom::Err::Incomplete(_)) => Err(InvalidMessage::MissingData(what).into()),
    }
}

/// The dummy ChangeCipherSpec of middlebox compatibility mode (RFC 8446
/// Appendix D.4).
pub(crate) fn send_fake_ccs(out: &mut Vec<Action>) {
    out.push(Action::Send {
        content_type: ContentType::ChangeCipherSpec,
        payload: vec![1],
    });
}
