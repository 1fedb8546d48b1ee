//! `BIO`: memory BIOs, BIO pairs and socket BIOs from `ferrotls-bio`
//! behind counted handles.
//!
//! A `BIO *` is one `Arc` reference (`BIO_up_ref`/`BIO_free`), because
//! OpenSSL lets a program keep using a BIO it gave to `SSL_set_bio` for as
//! long as the `SSL` lives, and lets one BIO serve both directions. The
//! `SSL` side reaches the same object through [`SharedBio`], so retry
//! flags set by the connection's I/O are what `BIO_should_retry` reports.

use std::ffi::{c_int, c_long, c_void};
use std::net::TcpStream;
use std::os::fd::FromRawFd;
use std::sync::{Arc, Mutex};

use ferrotls_bio::{Bio, BioClose, BioError, MemBio, PairEnd, RetryFlags, SocketBio};

use crate::boundary::{
    Handle, SharedArc, arc_into_raw, arc_take, check_null, ffi_boundary, lock, try_ref,
};
use crate::consts::*;
use crate::errors::push_unsupported;

/// The kinds of BIO this library makes.
pub(crate) enum Inner {
    Mem(MemBio),
    Pair(PairEnd),
    Socket(SocketBio),
}

impl Inner {
    fn bio(&mut self) -> &mut dyn Bio {
        match self {
            Self::Mem(b) => b,
            Self::Pair(b) => b,
            Self::Socket(b) => b,
        }
    }

    fn bio_ref(&self) -> &dyn Bio {
        match self {
            Self::Mem(b) => b,
            Self::Pair(b) => b,
            Self::Socket(b) => b,
        }
    }
}

/// `BIO`.
pub struct BIO {
    pub(crate) inner: Mutex<Inner>,
}

impl Handle for BIO {
    type Ownership = SharedArc;
}

impl BIO {
    pub(crate) fn new(inner: Inner) -> Arc<Self> {
        Arc::new(Self {
            inner: Mutex::new(inner),
        })
    }
}

/// The connection's view of a counted BIO.
pub(crate) struct SharedBio(pub(crate) Arc<BIO>);

impl Bio for SharedBio {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, BioError> {
        lock(&self.0.inner).bio().read(buf)
    }
    fn write(&mut self, buf: &[u8]) -> Result<usize, BioError> {
        lock(&self.0.inner).bio().write(buf)
    }
    fn flush(&mut self) -> Result<(), BioError> {
        lock(&self.0.inner).bio().flush()
    }
    fn pending(&self) -> usize {
        lock(&self.0.inner).bio_ref().pending()
    }
    fn wpending(&self) -> usize {
        lock(&self.0.inner).bio_ref().wpending()
    }
    fn retry_flags(&self) -> RetryFlags {
        lock(&self.0.inner).bio_ref().retry_flags()
    }
    fn read_in_place(&mut self, take: &mut dyn FnMut(&mut [u8]) -> usize) -> Option<usize> {
        lock(&self.0.inner).bio().read_in_place(take)
    }
    fn write_in_place(
        &mut self,
        len: usize,
        put: &mut dyn FnMut(&mut [u8]) -> usize,
    ) -> Option<usize> {
        lock(&self.0.inner).bio().write_in_place(len, put)
    }
}

/// `BIO_METHOD`: what `BIO_new` makes.
#[allow(non_camel_case_types)]
pub struct BIO_METHOD {
    mem: bool,
}

static MEM_METHOD: BIO_METHOD = BIO_METHOD { mem: true };

/// `const BIO_METHOD *BIO_s_mem(void)`.
#[unsafe(no_mangle)]
pub extern "C" fn BIO_s_mem() -> *const BIO_METHOD {
    &MEM_METHOD
}

/// `BIO *BIO_new(const BIO_METHOD *type)`: only `BIO_s_mem()` methods.
///
/// # Safety
/// `ty` null or from `BIO_s_mem`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn BIO_new(ty: *const BIO_METHOD) -> *mut BIO {
    ffi_boundary!(std::ptr::null_mut(), {
        check_null!(std::ptr::null_mut(), ty);
        // SAFETY: non-null methods only come from our statics.
        if !unsafe { &*ty }.mem {
            return std::ptr::null_mut();
        }
        arc_into_raw(BIO::new(Inner::Mem(MemBio::new())))
    })
}

/// `BIO *BIO_new_mem_buf(const void *buf, int len)`: a read-only memory
/// BIO (`len` -1: `buf` is a C string). The bytes are copied, so unlike
/// OpenSSL `buf` need not outlive the BIO.
///
/// # Safety
/// `buf` null or valid for `len` bytes (or NUL-terminated when `len` < 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn BIO_new_mem_buf(buf: *const c_void, len: c_int) -> *mut BIO {
    ffi_boundary!(std::ptr::null_mut(), {
        check_null!(std::ptr::null_mut(), buf);
        let data = match usize::try_from(len) {
            // SAFETY: `buf` is valid for `n` bytes (caller contract).
            Ok(n) => unsafe { std::slice::from_raw_parts(buf.cast::<u8>(), n) }.to_vec(),
            // SAFETY: `len` < 0: `buf` is NUL-terminated (caller contract).
            Err(_) => unsafe { std::ffi::CStr::from_ptr(buf.cast()) }
                .to_bytes()
                .to_vec(),
        };
        arc_into_raw(BIO::new(Inner::Mem(MemBio::new_mem_buf(data))))
    })
}

/// `int BIO_new_bio_pair(BIO **bio1, size_t writebuf1, BIO **bio2, size_t writebuf2)`.
///
/// # Safety
/// `bio1`, `bio2` null or valid pointers to write to.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn BIO_new_bio_pair(
    bio1: *mut *mut BIO,
    writebuf1: usize,
    bio2: *mut *mut BIO,
    writebuf2: usize,
) -> c_int {
    ffi_boundary!(0, {
        check_null!(0, bio1, bio2);
        let (a, b) = ferrotls_bio::BioPair::new(writebuf1, writebuf2);
        // SAFETY: both out-pointers are valid (caller contract).
        unsafe {
            *bio1 = arc_into_raw(BIO::new(Inner::Pair(a)));
            *bio2 = arc_into_raw(BIO::new(Inner::Pair(b)));
        }
        1
    })
}

/// `BIO *BIO_new_socket(int sock, int close_flag)`.
#[unsafe(no_mangle)]
pub extern "C" fn BIO_new_socket(sock: c_int, close_flag: c_int) -> *mut BIO {
    ffi_boundary!(std::ptr::null_mut(), {
        match socket_bio(sock, close_flag) {
            Some(b) => arc_into_raw(BIO::new(Inner::Socket(b))),
            None => std::ptr::null_mut(),
        }
    })
}

/// A socket BIO over the descriptor `fd`, which the program owns unless
/// `close_flag` is `BIO_CLOSE`.
pub(crate) fn socket_bio(fd: c_int, close_flag: c_int) -> Option<SocketBio> {
    if fd < 0 {
        crate::errors::push_null("sock");
        return None;
    }
    // SAFETY: the program hands us an open socket descriptor; with
    // BIO_NOCLOSE the stream object is forgotten on drop (see SocketBio),
    // so the descriptor is never closed by us.
    let stream = unsafe { TcpStream::from_raw_fd(fd) };
    let close = if close_flag == BIO_CLOSE {
        BioClose::Close
    } else {
        BioClose::NoClose
    };
    Some(SocketBio::new(stream, close))
}

/// Runs `f` on the BIO behind `b`.
///
/// # Safety
/// `b` null or a live `BIO *`.
unsafe fn with_bio<R>(b: *const BIO, err: R, f: impl FnOnce(&mut Inner) -> R) -> R {
    // SAFETY: the caller promises `b` is null or live.
    match unsafe { try_ref(b) } {
        Some(b) => f(&mut lock(&b.inner)),
        None => {
            crate::errors::push_null("bio");
            err
        }
    }
}

/// `int BIO_read(BIO *b, void *data, int dlen)`: bytes read, 0 at EOF, -1
/// when nothing is available (see `BIO_should_retry`) or on error.
///
/// # Safety
/// `b` null or live; `data` valid for `dlen` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn BIO_read(b: *mut BIO, data: *mut c_void, dlen: c_int) -> c_int {
    ffi_boundary!(-1, {
        check_null!(-1, data);
        let Ok(n) = usize::try_from(dlen) else {
            return -1;
        };
        // SAFETY: `data` is valid for `dlen` bytes (caller contract).
        let buf = unsafe { std::slice::from_raw_parts_mut(data.cast::<u8>(), n) };
        // SAFETY: `b` null or live.
        unsafe {
            with_bio(b, -1, |i| match i.bio().read(buf) {
                Ok(n) => n as c_int,
                Err(BioError::Eof) => 0,
                Err(_) => -1,
            })
        }
    })
}

/// `int BIO_write(BIO *b, const void *data, int dlen)`.
///
/// # Safety
/// `b` null or live; `data` valid for `dlen` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn BIO_write(b: *mut BIO, data: *const c_void, dlen: c_int) -> c_int {
    ffi_boundary!(-1, {
        check_null!(-1, data);
        let Ok(n) = usize::try_from(dlen) else {
            return -1;
        };
        // SAFETY: `data` is valid for `dlen` bytes (caller contract).
        let buf = unsafe { std::slice::from_raw_parts(data.cast::<u8>(), n) };
        // SAFETY: `b` null or live.
        unsafe {
            with_bio(b, -1, |i| match i.bio().write(buf) {
                Ok(n) => n as c_int,
                Err(_) => -1,
            })
        }
    })
}

/// `int BIO_up_ref(BIO *a)`.
///
/// # Safety
/// `a` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn BIO_up_ref(a: *mut BIO) -> c_int {
    ffi_boundary!(0, {
        check_null!(0, a);
        // SAFETY: `a` is a live Arc pointer; the new reference goes to C.
        unsafe { Arc::increment_strong_count(a.cast_const()) };
        1
    })
}

/// `int BIO_free(BIO *a)`: drops one reference; 0 for NULL.
///
/// # Safety
/// `a` null or live, its reference given up.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn BIO_free(a: *mut BIO) -> c_int {
    ffi_boundary!(0, {
        // SAFETY: C gives up one reference.
        match unsafe { arc_take(a.cast_const()) } {
            Some(b) => {
                drop(b);
                1
            }
            None => 0,
        }
    })
}

/// `void BIO_free_all(BIO *a)`: chains are not supported, so this is
/// `BIO_free`.
///
/// # Safety
/// As [`BIO_free`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn BIO_free_all(a: *mut BIO) {
    // SAFETY: same contract.
    unsafe { BIO_free(a) };
}

/// `int BIO_test_flags(const BIO *b, int flags)`: the retry flags of the
/// last operation (`BIO_should_retry` and friends are macros over it).
///
/// # Safety
/// `b` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn BIO_test_flags(b: *const BIO, flags: c_int) -> c_int {
    ffi_boundary!(0, {
        // SAFETY: `b` null or live.
        unsafe {
            with_bio(b, 0, |i| {
                let f = i.bio_ref().retry_flags();
                let mut bits = 0;
                for (set, bit) in [
                    (f.should_retry(), BIO_FLAGS_SHOULD_RETRY),
                    (f.contains(RetryFlags::READ), BIO_FLAGS_READ),
                    (f.contains(RetryFlags::WRITE), BIO_FLAGS_WRITE),
                    (f.contains(RetryFlags::IO_SPECIAL), BIO_FLAGS_IO_SPECIAL),
                ] {
                    if set {
                        bits |= bit;
                    }
                }
                bits & flags
            })
        }
    })
}

/// `size_t BIO_ctrl_pending(BIO *b)`: bytes readable now.
///
/// # Safety
/// `b` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn BIO_ctrl_pending(b: *mut BIO) -> usize {
    // SAFETY: `b` null or live.
    ffi_boundary!(0, { unsafe { with_bio(b, 0, |i| i.bio_ref().pending()) } })
}

/// `size_t BIO_ctrl_wpending(BIO *b)`: bytes written but not yet taken.
///
/// # Safety
/// `b` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn BIO_ctrl_wpending(b: *mut BIO) -> usize {
    // SAFETY: `b` null or live.
    ffi_boundary!(0, { unsafe { with_bio(b, 0, |i| i.bio_ref().wpending()) } })
}

/// `size_t BIO_ctrl_get_write_guarantee(BIO *b)`: room in a pair end.
///
/// # Safety
/// `b` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn BIO_ctrl_get_write_guarantee(b: *mut BIO) -> usize {
    // SAFETY: `b` null or live.
    ffi_boundary!(0, {
        unsafe {
            with_bio(b, 0, |i| {
                pair_ctrl(i, BIO_C_GET_WRITE_GUARANTEE).unwrap_or(0) as usize
            })
        }
    })
}

/// `size_t BIO_ctrl_get_read_request(BIO *b)`.
///
/// # Safety
/// `b` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn BIO_ctrl_get_read_request(b: *mut BIO) -> usize {
    // SAFETY: `b` null or live.
    ffi_boundary!(0, {
        unsafe {
            with_bio(b, 0, |i| {
                pair_ctrl(i, BIO_C_GET_READ_REQUEST).unwrap_or(0) as usize
            })
        }
    })
}

fn pair_ctrl(i: &mut Inner, cmd: c_int) -> Option<c_long> {
    let Inner::Pair(p) = i else { return None };
    Some(match cmd {
        BIO_C_GET_WRITE_GUARANTEE => p.ctrl_get_write_guarantee() as c_long,
        BIO_C_GET_READ_REQUEST => p.ctrl_get_read_request() as c_long,
        BIO_C_SHUTDOWN_WR => {
            p.shutdown_wr();
            1
        }
        _ => return None,
    })
}

/// `long BIO_ctrl(BIO *bp, int cmd, long larg, void *parg)`: the commands
/// behind `BIO_pending`, `BIO_wpending`, `BIO_flush`, `BIO_reset`,
/// `BIO_eof`, `BIO_set_mem_eof_return`, `BIO_set_nbio`,
/// `BIO_get_write_guarantee` and `BIO_shutdown_wr`. Others return 0 with
/// a "not supported" error.
///
/// # Safety
/// `bp` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn BIO_ctrl(
    bp: *mut BIO,
    cmd: c_int,
    larg: c_long,
    _parg: *mut c_void,
) -> c_long {
    ffi_boundary!(0, {
        // SAFETY: `bp` null or live.
        unsafe {
            with_bio(bp, 0, |i| {
                let r = match (cmd, &mut *i) {
                    (BIO_CTRL_PENDING, i) => Some(i.bio_ref().pending() as c_long),
                    (BIO_CTRL_WPENDING, i) => Some(i.bio_ref().wpending() as c_long),
                    (BIO_CTRL_FLUSH, i) => Some(c_long::from(i.bio().flush().is_ok())),
                    (BIO_CTRL_RESET, Inner::Mem(m)) => {
                        m.reset();
                        Some(1)
                    }
                    (BIO_CTRL_EOF, Inner::Mem(m)) => Some(c_long::from(m.is_empty())),
                    (BIO_CTRL_EOF, Inner::Pair(p)) => {
                        Some(c_long::from(p.is_peer_closed() && p.ctrl_pending() == 0))
                    }
                    (BIO_C_SET_BUF_MEM_EOF_RETURN, Inner::Mem(m)) if larg == 0 || larg == -1 => {
                        m.set_eof(larg == 0);
                        Some(1)
                    }
                    (BIO_C_SET_NBIO, Inner::Socket(s)) => {
                        Some(c_long::from(s.set_nonblocking(larg != 0).is_ok()))
                    }
                    (_, i) => pair_ctrl(i, cmd),
                };
                r.unwrap_or_else(|| {
                    push_unsupported(
                        "BIO_ctrl",
                        format!("BIO_ctrl command {cmd} (larg {larg}) on this BIO"),
                    );
                    0
                })
            })
        }
    })
}

/// `int BIO_set_tcp_ndelay(int sock, int turn_on)`: `TCP_NODELAY` on the
/// socket `sock` (SPEC S07); 1 on success.
#[unsafe(no_mangle)]
pub extern "C" fn BIO_set_tcp_ndelay(sock: c_int, turn_on: c_int) -> c_int {
    ffi_boundary!(0, {
        if sock < 0 {
            return 0;
        }
        // SAFETY: the program's open descriptor; `ManuallyDrop` keeps it open.
        let s = std::mem::ManuallyDrop::new(unsafe { TcpStream::from_raw_fd(sock) });
        c_int::from(s.set_nodelay(turn_on != 0).is_ok())
    })
}
