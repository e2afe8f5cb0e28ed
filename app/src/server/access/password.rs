//! Password hashing with argon2id (m = 19 MiB, t = 2, p = 1), run off the async threads and
//! through a gate: at most one hash per CPU core at a time, a short queue behind them, and
//! [`AppError::Busy`] (429) beyond it, so that a burst of sign-ins can neither exhaust the
//! memory (19 MiB each) nor starve every other request of the cores.
//!
//! The gate is per process on purpose: it guards this process's cores and memory. Several
//! processes each have their own.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::AppError;

/// How long a password check may wait for a core before the caller is told to retry.
const MAX_WAIT: Duration = Duration::from_secs(3);

/// One hash per core, and a queue of this many callers per core.
const QUEUE_PER_CORE: usize = 8;

/// The hashing gate of this process.
pub struct Gate {
    running: tokio::sync::Semaphore,
    /// Callers admitted: running or queued.
    admitted: AtomicUsize,
    capacity: usize,
}

impl Gate {
    /// A gate for `cores` concurrent hashes with a queue of `queue` callers behind them.
    pub fn new(cores: usize, queue: usize) -> Gate {
        Gate {
            running: tokio::sync::Semaphore::new(cores.max(1)),
            admitted: AtomicUsize::new(0),
            capacity: cores.max(1) + queue,
        }
    }

    /// Runs `work` on a blocking thread once a core is free; [`AppError::Busy`] when the queue
    /// is full or the wait exceeds `max_wait`.
    pub async fn run<T: Send + 'static>(
        &self,
        max_wait: Duration,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let _admitted = Admitted::enter(self).ok_or(AppError::Busy)?;
        let _permit = tokio::time::timeout(max_wait, self.running.acquire())
            .await
            .map_err(|_| AppError::Busy)?
            .map_err(|e| internal("gate", e))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| internal("task", e))
    }
}

/// A caller counted in the gate until it is dropped.
struct Admitted<'a>(&'a AtomicUsize);

impl<'a> Admitted<'a> {
    fn enter(gate: &'a Gate) -> Option<Admitted<'a>> {
        let before = gate.admitted.fetch_add(1, Ordering::SeqCst);
        let admitted = Admitted(&gate.admitted);
        (before < gate.capacity).then_some(admitted)
    }
}

impl Drop for Admitted<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn gate() -> &'static Gate {
    static GATE: OnceLock<Gate> = OnceLock::new();
    GATE.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Gate::new(cores, cores * QUEUE_PER_CORE)
    })
}

fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A PHC string such as `$argon2id$v=19$m=19456,t=2,p=1$…`.
pub async fn hash(password: String) -> Result<String, AppError> {
    gate()
        .run(MAX_WAIT, move || {
            let salt = SaltString::generate(&mut OsRng);
            hasher()
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
        })
        .await?
        .map_err(|e| internal("hash", e))
}

/// Whether `password` matches `stored`. With `stored = None`, verifies against a dummy hash so
/// that unknown emails take as long as known ones.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    gate()
        .run(MAX_WAIT, move || {
            let stored = stored.unwrap_or_else(|| dummy_hash().to_owned());
            let Ok(parsed) = PasswordHash::new(&stored) else {
                return false;
            };
            hasher()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .await
}

/// A real argon2id hash of a random string nobody knows, made once per process.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        let secret = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(secret.as_str().as_bytes(), &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

fn internal(what: &str, e: impl std::fmt::Display) -> AppError {
    AppError::internal(format!("password {what} failed: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_is_argon2id_with_the_required_parameters_and_verifies() {
        let h = hash("demo-password-1".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("demo-password-1".into(), Some(h.clone()))
            .await
            .unwrap());
        assert!(!verify("demo-password-2".into(), Some(h)).await.unwrap());
        assert!(!verify("demo-password-1".into(), None).await.unwrap());
    }

    /// A gate of one core and a queue of two, with work that holds its core until released.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_burst_beyond_the_cores_and_the_queue_is_told_to_retry() {
        let gate = std::sync::Arc::new(Gate::new(1, 2));
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let hold = std::sync::Arc::new(std::sync::Mutex::new(hold));
        let mut callers = Vec::new();
        for _ in 0..5 {
            let (gate, hold) = (gate.clone(), hold.clone());
            callers.push(tokio::spawn(async move {
                gate.run(Duration::from_secs(10), move || {
                    let _ = hold.lock().unwrap().recv();
                })
                .await
            }));
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // One runs, two wait: the fourth and fifth are refused at once.
        tokio::time::sleep(Duration::from_millis(50)).await;
        for _ in 0..3 {
            release.send(()).unwrap();
        }
        let outcomes: Vec<_> = futures_join(callers).await;
        assert_eq!(
            outcomes,
            [
                Ok(()),
                Ok(()),
                Ok(()),
                Err(AppError::Busy),
                Err(AppError::Busy)
            ]
        );
        assert_eq!(AppError::Busy.status(), 429);
        assert_eq!(
            AppError::Busy.to_string(),
            "Too many sign-ins at once, try again in a moment."
        );
        // Once the burst is over, the gate admits callers again.
        assert_eq!(gate.run(Duration::from_secs(1), || 7).await, Ok(7));
    }

    #[tokio::test]
    async fn a_caller_that_waits_too_long_for_a_core_is_told_to_retry() {
        let gate = std::sync::Arc::new(Gate::new(1, 4));
        let busy = gate.clone();
        let running = tokio::spawn(async move {
            busy.run(Duration::from_secs(1), || {
                std::thread::sleep(Duration::from_millis(300))
            })
            .await
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        let waited = gate.run(Duration::from_millis(50), || ()).await;
        assert_eq!(waited, Err(AppError::Busy));
        assert_eq!(running.await.unwrap(), Ok(()));
    }

    async fn futures_join<T>(handles: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
        let mut out = Vec::new();
        for h in handles {
            out.push(h.await.unwrap());
        }
        out
    }
}
