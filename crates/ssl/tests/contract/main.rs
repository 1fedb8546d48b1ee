//! The seed contract (SPEC S01-S16, R05) of the ferrotls facade, one
//! module per group; tests are named after the requirement they prove.

mod util;

mod handshake;
mod io;
mod nonblocking;
mod record_size_limit;
mod sockets;
mod tls12;
mod verify;
