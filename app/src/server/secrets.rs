//! Secrets at rest: values such as an organization's Stripe keys are sealed with AES-256-GCM
//! under the server's `SECRETS_KEY` before they are stored, and opened only when used.

use aes_gcm::aead::{Aead, KeyInit};
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

const VERSION: &str = "v1";

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

    /// `v1:<nonce>:<ciphertext>`, hexadecimal; a fresh random nonce each time.
    pub fn seal(&self, plain: &str) -> String {
        let mut nonce = [0u8; 12];
        rand::thread_rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), plain.as_bytes())
            .expect("AES-GCM encryption does not fail for short inputs");
        format!("{VERSION}:{}:{}", hex::encode(nonce), hex::encode(sealed))
    }

    /// The plain value; an internal error (logged) when it was sealed under another key.
    pub fn open(&self, sealed: &str) -> Result<String, AppError> {
        let fail =
            |why: &str| AppError::internal(format!("a sealed secret could not be opened: {why}"));
        let mut parts = sealed.splitn(3, ':');
        let (Some(VERSION), Some(nonce), Some(data)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(fail("unknown format"));
        };
        let nonce = hex::decode(nonce)
            .ok()
            .filter(|n| n.len() == 12)
            .ok_or_else(|| fail("bad nonce"))?;
        let data = hex::decode(data).map_err(|_| fail("bad hex"))?;
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(&nonce), data.as_slice())
            .map_err(|_| fail("wrong SECRETS_KEY or altered value"))?;
        String::from_utf8(plain).map_err(|_| fail("not UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key() {
        let secrets = Secrets::from_hex(&Secrets::generate_hex()).unwrap();
        let sealed = secrets.seal("sk_test_123456789");
        assert!(!sealed.contains("sk_test"), "{sealed}");
        assert_ne!(sealed, secrets.seal("sk_test_123456789"), "fresh nonce");
        assert_eq!(secrets.open(&sealed).unwrap(), "sk_test_123456789");
        let other = Secrets::new([7; 32]);
        assert_eq!(other.open(&sealed), Err(AppError::Internal));
        let mut altered = sealed.clone();
        altered.pop();
        altered.push('0');
        assert!(secrets.open(&altered).is_err() || altered == sealed);
        assert!(Secrets::from_hex("abc").is_err());
        assert_eq!(format!("{secrets:?}"), "Secrets(…)");
    }
}
