//! Helpers shared by the fuzz targets and the seed generators, one module
//! per area.

#![forbid(unsafe_code)]

pub mod identity;
pub mod pair;
pub mod record;
pub mod session;
pub mod tls;
