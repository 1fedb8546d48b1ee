//! The C boundary: panic catching and handle casts with their ownership
//! written into the type.
//!
//! A panic unwinding into C is undefined behaviour, so every export runs its
//! body inside [`ffi_boundary!`], which turns a panic into the function's
//! documented error value (and an error-queue entry). Handles are raw
//! pointers to Rust values; whether a pointer stands for a `Box` (one owner,
//! `SSL`) or an `Arc` reference (counted, `SSL_CTX`, `BIO`) is declared once
//! per type with [`Handle`], so a `free` can never rebuild a `Box` from an
//! `Arc` pointer or the other way round.

use std::sync::Arc;

/// Runs `$body` and returns its value, or `$err` if it panicked.
macro_rules! ffi_boundary {
    ($err:expr, $body:block) => {
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| $body)) {
            Ok(v) => v,
            Err(_) => {
                $crate::errors::push_internal("panic caught at the C boundary");
                $err
            }
        }
    };
}
pub(crate) use ffi_boundary;

/// Returns `$err` (after queueing "passed a null parameter") when the pointer
/// is null.
macro_rules! check_null {
    ((), $($p:expr),+) => {
        $(if $p.is_null() {
            $crate::errors::push_null(stringify!($p));
            return;
        })+
    };
    ($err:expr, $($p:expr),+) => {
        $(if $p.is_null() {
            $crate::errors::push_null(stringify!($p));
            return $err;
        })+
    };
}
pub(crate) use check_null;

/// Marker: the C pointer owns a `Box<T>`; it is freed exactly once.
pub(crate) struct OwnedBox;
/// Marker: the C pointer is one counted `Arc<T>` reference.
pub(crate) struct SharedArc;

/// A Rust type handed to C behind a pointer, with its ownership kind.
pub(crate) trait Handle: Sized {
    /// [`OwnedBox`] or [`SharedArc`].
    type Ownership;
}

/// Moves `value` to the heap and gives C the owning pointer.
pub(crate) fn box_into_raw<T: Handle<Ownership = OwnedBox>>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Gives C one counted reference.
pub(crate) fn arc_into_raw<T: Handle<Ownership = SharedArc>>(value: Arc<T>) -> *mut T {
    Arc::into_raw(value).cast_mut()
}

/// Borrows a handle for the duration of the call.
///
/// # Safety
/// `p` is null or was produced by [`box_into_raw`]/[`arc_into_raw`] for a
/// `T` that is still alive, and no `&mut T` to it exists during `'a`.
pub(crate) unsafe fn try_ref<'a, T: Handle>(p: *const T) -> Option<&'a T> {
    // SAFETY: the caller promises `p` is null or a live `T` not mutably
    // borrowed; `as_ref` handles null.
    unsafe { p.as_ref() }
}

/// Borrows a `Box` handle mutably for the duration of the call.
///
/// # Safety
/// `p` is null or a live pointer from [`box_into_raw`] that no other
/// reference aliases during `'a` (C calls on one `SSL` are not concurrent,
/// as OpenSSL requires).
pub(crate) unsafe fn try_mut<'a, T: Handle<Ownership = OwnedBox>>(p: *mut T) -> Option<&'a mut T> {
    // SAFETY: as promised by the caller; `as_mut` handles null.
    unsafe { p.as_mut() }
}

/// Frees a `Box` handle (null is a no-op, as with OpenSSL's `*_free`).
///
/// # Safety
/// `p` is null or a live pointer from [`box_into_raw`], not used afterwards.
pub(crate) unsafe fn free_box<T: Handle<Ownership = OwnedBox>>(p: *mut T) {
    if !p.is_null() {
        // SAFETY: `p` came from `Box::into_raw` and is freed once.
        drop(unsafe { Box::from_raw(p) });
    }
}

/// A new `Arc` for a counted handle, leaving C's reference in place
/// (what `up_ref` plus keeping the result amounts to).
///
/// # Safety
/// `p` is null or a live pointer from [`arc_into_raw`].
pub(crate) unsafe fn arc_clone<T: Handle<Ownership = SharedArc>>(p: *const T) -> Option<Arc<T>> {
    if p.is_null() {
        return None;
    }
    // SAFETY: `p` is a live `Arc` pointer; incrementing first keeps C's own
    // reference valid after `from_raw` takes the new one.
    unsafe {
        Arc::increment_strong_count(p);
        Some(Arc::from_raw(p))
    }
}

/// Takes over C's reference (`SSL_set_bio` consuming a reference, `*_free`).
///
/// # Safety
/// `p` is null or a live pointer from [`arc_into_raw`] whose reference the
/// caller gives up.
pub(crate) unsafe fn arc_take<T: Handle<Ownership = SharedArc>>(p: *const T) -> Option<Arc<T>> {
    if p.is_null() {
        return None;
    }
    // SAFETY: `p` came from `Arc::into_raw` and C hands over one reference.
    Some(unsafe { Arc::from_raw(p) })
}

/// Locks a mutex; a poisoned one still holds consistent state because
/// every mutation under our locks is a plain assignment.
pub(crate) fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Reads a C string argument as UTF-8.
///
/// # Safety
/// `p` is null or a NUL-terminated string valid for the call.
pub(crate) unsafe fn c_str<'a>(p: *const std::ffi::c_char) -> Option<&'a str> {
    if p.is_null() {
        return None;
    }
    // SAFETY: the caller promises a NUL-terminated string.
    unsafe { std::ffi::CStr::from_ptr(p) }.to_str().ok()
}
