//! Integration tests for ferrotls-bio.

use ferrotls_bio::{Bio, BioError, Retry, RetryFlags};

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

fn assert_would_block<T: std::fmt::Debug>(r: Result<T, BioError>, dir: Retry) {
    match r {
        Err(BioError::WouldBlock(d)) => assert_eq!(d, dir),
        other => panic!("expected WouldBlock({dir:?}), got {other:?}"),
    }
}

fn assert_eof<T: std::fmt::Debug>(r: Result<T, BioError>) {
    match r {
        Err(BioError::Eof) => {}
        other => panic!("expected Eof, got {other:?}"),
    }
}

fn assert_io<T: std::fmt::Debug>(r: Result<T, BioError>, kind: std::io::ErrorKind) {
    match r {
        Err(BioError::Io(e)) => assert_eq!(e.kind(), kind, "{e}"),
        other => panic!("expected Io({kind:?}), got {other:?}"),
    }
}

mod buffer;
mod errors;
mod iobio;
mod mem;
mod pair;
mod socket;
mod testbio;
