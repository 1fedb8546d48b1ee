//! The operating system's CSPRNG through aws-lc.

use ferrotls_core::Error;
use ferrotls_core::crypto::SecureRandom;

/// aws-lc's `SystemRandom` as a core `SecureRandom`.
#[derive(Debug)]
pub struct SystemRandom;

/// The one instance the default provider uses.
pub static SYSTEM_RANDOM: SystemRandom = SystemRandom;

impl SecureRandom for SystemRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<(), Error> {
        aws_lc_rs::rand::fill(buf).map_err(|_| Error::FailedToGetRandomBytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_and_differs() {
        let mut a = [0u8; 32];
        let mut b = [0u8; 32];
        SYSTEM_RANDOM.fill(&mut a).unwrap();
        SYSTEM_RANDOM.fill(&mut b).unwrap();
        assert_ne!(a, b);
        assert_ne!(a, [0u8; 32]);
    }
}
