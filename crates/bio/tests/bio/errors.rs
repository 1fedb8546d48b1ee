//! `BioError`: display, sources, retry flags and the `io::Error` conversions.

use crate::*;
use std::error::Error as _;
use std::io;

#[test]
fn display_and_source() {
    let e = BioError::WouldBlock(Retry::Write);
    assert!(e.to_string().contains("write"));
    assert!(e.source().is_none());
    assert!(e.is_would_block());
    assert_eq!(e.retry(), Some(Retry::Write));
    assert!(BioError::Eof.to_string().contains("end of stream"));
    assert!(BioError::Eof.is_eof());
    let e = BioError::Io(io::Error::new(io::ErrorKind::BrokenPipe, "boom"));
    assert!(e.to_string().contains("boom"));
    assert!(e.source().is_some());
    let _: Box<dyn std::error::Error + Send + Sync> = Box::new(e);
}

#[test]
fn io_conversions() {
    let e: io::Error = BioError::WouldBlock(Retry::Read).into();
    assert_eq!(e.kind(), io::ErrorKind::WouldBlock);
    let e: io::Error = BioError::Eof.into();
    assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
    assert!(matches!(
        BioError::from_io(io::ErrorKind::WouldBlock.into(), Retry::Write),
        BioError::WouldBlock(Retry::Write)
    ));
    assert!(matches!(
        BioError::from_io(io::ErrorKind::ConnectionReset.into(), Retry::Read),
        BioError::Io(_)
    ));
}

#[test]
fn retry_flags() {
    let f = RetryFlags::retry(Retry::Read);
    assert!(f.should_retry() && f.should_read() && !f.should_write() && !f.should_io_special());
    assert_eq!(f.reason(), Some(Retry::Read));
    let f = RetryFlags::retry(Retry::Write);
    assert!(f.should_retry() && f.should_write() && !f.should_read());
    let f = RetryFlags::retry(Retry::Special);
    assert!(f.should_retry() && f.should_io_special());
    assert_eq!(f.reason(), Some(Retry::Special));
    assert!(RetryFlags::NONE.is_empty());
    assert_eq!(RetryFlags::NONE.reason(), None);
    assert!(!RetryFlags::READ.should_read(), "READ without SHOULD_RETRY");
    assert_eq!(RetryFlags::from_error(&BioError::Eof), RetryFlags::NONE);
    assert_eq!(
        RetryFlags::READ | RetryFlags::SHOULD_RETRY,
        RetryFlags::retry(Retry::Read)
    );
}
