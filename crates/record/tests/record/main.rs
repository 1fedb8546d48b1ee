//! Integration tests of ferrotls-record: framing, fragmentation and record
//! protection, against the real aws-lc-rs provider and RFC 8448 vectors.

mod common;
mod deframer;
mod fragmenter;
mod header;
mod into;
mod limits;
mod size_limit;
mod tls12;
mod tls13;
