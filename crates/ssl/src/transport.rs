//! Where the engine's bytes go: the BIOs set on an [`Ssl`](crate::Ssl), or
//! the stream inside an [`SslStream`](crate::SslStream).
//!
//! The engine takes a `&mut dyn Transport` on every call instead of owning
//! one, so that `SslStream<S>` can keep its `S` by value (and hand out
//! `&S`/`&mut S`) while sharing the same engine as `Ssl`.

use std::io::{self, Read, Write};

use ferrotls_bio::{Bio, BioError, Retry};

/// A byte transport with BIO outcomes.
pub(crate) trait Transport {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, BioError>;
    fn write(&mut self, buf: &[u8]) -> Result<usize, BioError>;
    fn flush(&mut self) -> Result<(), BioError>;
    /// [`Bio::read_in_place`]: `None` unless the transport lends its own
    /// buffer.
    fn read_in_place(&mut self, take: &mut dyn FnMut(&mut [u8]) -> usize) -> Option<usize> {
        let _ = take;
        None
    }
    /// [`Bio::write_in_place`]: `None` unless the transport lends room in
    /// its own buffer.
    fn write_in_place(
        &mut self,
        len: usize,
        put: &mut dyn FnMut(&mut [u8]) -> usize,
    ) -> Option<usize> {
        let _ = (len, put);
        None
    }
}

/// The BIOs of an `Ssl`: one object for both directions
/// (`SSL_set_bio(s, b, b)`) or two.
pub(crate) enum Bios {
    Same(Box<dyn Bio>),
    Split {
        rbio: Box<dyn Bio>,
        wbio: Box<dyn Bio>,
    },
}

impl Bios {
    pub fn rbio(&mut self) -> &mut dyn Bio {
        match self {
            Self::Same(b) => b.as_mut(),
            Self::Split { rbio, .. } => rbio.as_mut(),
        }
    }

    pub fn wbio(&mut self) -> &mut dyn Bio {
        match self {
            Self::Same(b) => b.as_mut(),
            Self::Split { wbio, .. } => wbio.as_mut(),
        }
    }
}

impl Transport for Bios {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, BioError> {
        self.rbio().read(buf)
    }
    fn write(&mut self, buf: &[u8]) -> Result<usize, BioError> {
        self.wbio().write(buf)
    }
    fn flush(&mut self) -> Result<(), BioError> {
        self.wbio().flush()
    }
    fn read_in_place(&mut self, take: &mut dyn FnMut(&mut [u8]) -> usize) -> Option<usize> {
        self.rbio().read_in_place(take)
    }
    fn write_in_place(
        &mut self,
        len: usize,
        put: &mut dyn FnMut(&mut [u8]) -> usize,
    ) -> Option<usize> {
        self.wbio().write_in_place(len, put)
    }
}

/// A `Read + Write` stream seen as a transport: `WouldBlock` keeps its
/// direction, a zero-byte read is EOF.
pub(crate) struct StreamTransport<'a, S: Read + Write>(pub &'a mut S);

impl<S: Read + Write> Transport for StreamTransport<'_, S> {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, BioError> {
        loop {
            match self.0.read(buf) {
                Ok(0) if !buf.is_empty() => return Err(BioError::Eof),
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(BioError::from_io(e, Retry::Read)),
            }
        }
    }
    fn write(&mut self, buf: &[u8]) -> Result<usize, BioError> {
        loop {
            match self.0.write(buf) {
                Ok(0) if !buf.is_empty() => {
                    return Err(BioError::Io(io::ErrorKind::WriteZero.into()));
                }
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(BioError::from_io(e, Retry::Write)),
            }
        }
    }
    fn flush(&mut self) -> Result<(), BioError> {
        self.0
            .flush()
            .map_err(|e| BioError::from_io(e, Retry::Write))
    }
}
