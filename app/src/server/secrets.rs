//! Secrets at rest: values such as an organization's Stripe keys are sealed with AES-256-GCM
//! under the server's `SECRETS_KEY` before they are stored, and opened only when used.
//!
//! Each value is sealed with where it belongs (the organization and the column) as associated
//! data, so a sealed value copied to another organization's row, or to another column, does not
//! open: someone who can write to the database cannot make one practice charge with another's
//! keys. Values sealed before that (`v1`, without associated data) are re-sealed at start-up.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use rand::RngCore;

use crate::error::AppError;

/// The sealing key. Its `Debug` output never shows the key.
#[derive(Clone)]
pub struct Secrets {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets(…)")
    }
}

/// Sealed with associated data.
const VERSION: &str = "v2";
/// Sealed before associated data was used; opened only to be re-sealed.
const LEGACY: &str = "v1";

impl Secrets {
    pub fn new(key: [u8; 32]) -> Secrets {
        Secrets {
            cipher: Aes256Gcm::new(&key.into()),
        }
    }

    /// A key given as 64 hexadecimal characters.
    pub fn from_hex(hex_key: &str) -> Result<Secrets, String> {
        let bytes = hex::decode(hex_key.trim())
            .ok()
            .filter(|b| b.len() == 32)
            .ok_or("SECRETS_KEY must be 64 hexadecimal characters (32 bytes)")?;
        let mut key = [0u8; 32];
        key.copy_from_slice(&bytes);
        Ok(Secrets::new(key))
    }

    /// A new random key, as 64 hexadecimal characters.
    pub fn generate_hex() -> String {
        let mut key = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut key);
        hex::encode(key)
    }

    /// `v2:<nonce>:<ciphertext>`, hexadecimal; a fresh random nonce each time. `place` (for
    /// example `stripe_accounts.secret_key organization 3`) must be given again to open it.
    pub fn seal(&self, plain: &str, place: &str) -> String {
        let mut nonce = [0u8; 12];
        rand::thread_rng().fill_bytes(&mut nonce);
        let payload = Payload {
            msg: plain.as_bytes(),
            aad: place.as_bytes(),
        };
        let sealed = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), payload)
            .expect("AES-GCM encryption does not fail for short inputs");
        format!("{VERSION}:{}:{}", hex::encode(nonce), hex::encode(sealed))
    }

    /// The plain value sealed for `place`; an internal error (logged) when it was sealed under
    /// another key, for another place, or altered.
    pub fn open(&self, sealed: &str, place: &str) -> Result<String, AppError> {
        self.open_version(sealed, VERSION, place.as_bytes())
    }

    /// Whether `sealed` predates associated data and should be re-sealed.
    pub fn is_legacy(sealed: &str) -> bool {
        sealed.starts_with(&format!("{LEGACY}:"))
    }

    /// Opens a value sealed before associated data was used, to re-seal it for its place.
    pub fn open_legacy(&self, sealed: &str) -> Result<String, AppError> {
        self.open_version(sealed, LEGACY, b"")
    }

    fn open_version(&self, sealed: &str, version: &str, aad: &[u8]) -> Result<String, AppError> {
        let fail =
            |why: &str| AppError::internal(format!("a sealed secret could not be opened: {why}"));
        let mut parts = sealed.splitn(3, ':');
        let (Some(found), Some(nonce), Some(data)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(fail("unknown format"));
        };
        if found != version {
            return Err(fail("unexpected version"));
        }
        let nonce = hex::decode(nonce)
            .ok()
            .filter(|n| n.len() == 12)
            .ok_or_else(|| fail("bad nonce"))?;
        let data = hex::decode(data).map_err(|_| fail("bad hex"))?;
        let plain = self
            .cipher
            .decrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: data.as_slice(),
                    aad,
                },
            )
            .map_err(|_| fail("wrong SECRETS_KEY, another place, or altered value"))?;
        String::from_utf8(plain).map_err(|_| fail("not UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key() {
        let secrets = Secrets::from_hex(&Secrets::generate_hex()).unwrap();
        let place = "stripe_accounts.secret_key organization 1";
        let sealed = secrets.seal("sk_test_123456789", place);
        assert!(!sealed.contains("sk_test"), "{sealed}");
        assert_ne!(
            sealed,
            secrets.seal("sk_test_123456789", place),
            "fresh nonce"
        );
        assert_eq!(secrets.open(&sealed, place).unwrap(), "sk_test_123456789");
        let other = Secrets::new([7; 32]);
        assert_eq!(other.open(&sealed, place), Err(AppError::Internal));
        let mut altered = sealed.clone();
        altered.pop();
        altered.push('0');
        assert!(secrets.open(&altered, place).is_err() || altered == sealed);
        assert!(Secrets::from_hex("abc").is_err());
        // Moved to another organization's row, or to another column: it does not open.
        let elsewhere = "stripe_accounts.secret_key organization 2";
        assert_eq!(secrets.open(&sealed, elsewhere), Err(AppError::Internal));
        let other_column = "stripe_accounts.webhook_secret organization 1";
        assert_eq!(secrets.open(&sealed, other_column), Err(AppError::Internal));
        assert!(secrets.open_legacy(&sealed).is_err(), "no downgrade to v1");
        assert_eq!(format!("{secrets:?}"), "Secrets(…)");
    }

    #[test]
    fn a_value_sealed_before_associated_data_opens_only_as_legacy() {
        let secrets = Secrets::new([9; 32]);
        // What the previous version stored: no associated data, version v1.
        let nonce = [1u8; 12];
        let data = secrets
            .cipher
            .encrypt(Nonce::from_slice(&nonce), b"whsec_1".as_slice())
            .unwrap();
        let legacy = format!("v1:{}:{}", hex::encode(nonce), hex::encode(data));
        assert!(Secrets::is_legacy(&legacy));
        assert_eq!(secrets.open_legacy(&legacy).unwrap(), "whsec_1");
        assert!(
            secrets.open(&legacy, "").is_err(),
            "v1 is not opened for use"
        );
    }
}
