//! argon2id password hashing, bounded.
//!
//! Each hash is slow and takes 19 MiB on purpose. Left unbounded, a burst of
//! sign-in attempts runs hundreds at once and holds gigabytes. So at most one
//! hash per core runs at a time; the rest wait their
//! turn for at most [`WAIT`], then are answered `503` with `Retry-After`.
//! During a burst a finished hash hands its memory block to the next one
//! waiting; once nobody waits, blocks are freed, so memory goes back down
//! after the burst (the binary also tells the allocator to return such large
//! blocks to the system at once).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::{Error, Result};

/// How long a request waits for a free hashing slot before `503`.
pub const WAIT: Duration = Duration::from_secs(4);
/// Never more slots than this, whatever the machine: each holds 19 MiB.
const MAX_WORKERS: usize = 8;

/// The server's password hashing: argon2id with the crate's recommended
/// parameters (19 MiB, t=2, p=1), a bounded number at a time.
pub struct Passwords {
    slots: Arc<Semaphore>,
    /// Memory blocks kept for hashes waiting for a slot. A block is
    /// allocated when a slot finds none here, so there are never more than
    /// `workers` of them.
    memory: Arc<Mutex<Vec<Box<[Block]>>>>,
    /// Requests waiting for a slot now.
    waiting: Arc<AtomicUsize>,
    wait: Duration,
}

impl Default for Passwords {
    /// One slot per core (at most [`MAX_WORKERS`]), waiting at most [`WAIT`].
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Passwords::new(cores.min(MAX_WORKERS), WAIT)
    }
}

impl Passwords {
    pub fn new(workers: usize, wait: Duration) -> Self {
        let workers = workers.max(1);
        Passwords {
            slots: Arc::new(Semaphore::new(workers)),
            memory: Arc::new(Mutex::new(Vec::with_capacity(workers))),
            waiting: Arc::default(),
            wait,
        }
    }

    /// Waits for a free hashing slot, at most the wait it was made with; `Busy`
    /// after that. Take the slot before recording anything about the
    /// attempt, so a request told "busy" leaves no trace.
    pub async fn slot(&self) -> Result<Slot> {
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let acquired = tokio::time::timeout(self.wait, self.slots.clone().acquire_owned()).await;
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        match acquired {
            Ok(Ok(permit)) => Ok(Slot { memory: self.memory.clone(), waiting: self.waiting.clone(), permit }),
            _ => Err(Error::Busy { retry_after: 2 }),
        }
    }

    /// Memory blocks kept now (for tests and measurements).
    pub fn kept_blocks(&self) -> usize {
        self.memory.lock().expect("password memory lock").len()
    }

    /// Hashes a new password, once a slot is free.
    pub async fn hash(&self, password: String) -> Result<String> {
        self.slot().await?.hash(password).await
    }
}

/// A hashing slot: while it is held, one hash may run. It is given back when
/// the hash is done, even if the request that asked for it is gone.
pub struct Slot {
    memory: Arc<Mutex<Vec<Box<[Block]>>>>,
    waiting: Arc<AtomicUsize>,
    permit: OwnedSemaphorePermit,
}

impl Slot {
    /// Hashes with argon2id and a fresh salt, as a PHC string.
    pub async fn hash(self, password: String) -> Result<String> {
        self.run(move |memory| {
            let salt = SaltString::generate(&mut OsRng);
            let params = Params::default();
            let mut salt_bytes = [0u8; 64];
            let salt_bytes = salt.decode_b64(&mut salt_bytes).map_err(internal)?;
            let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
            argon2(&params)
                .hash_password_into_with_memory(password.as_bytes(), salt_bytes, &mut out, memory)
                .map_err(internal)?;
            let hash = PasswordHash {
                algorithm: Algorithm::Argon2id.ident(),
                version: Some(Version::V0x13.into()),
                params: (&params).try_into().map_err(internal)?,
                salt: Some(salt.as_salt()),
                hash: Some(Output::new(&out).map_err(internal)?),
            };
            Ok(hash.to_string())
        })
        .await?
    }

    /// Checks a password against a stored hash. With `None` (no such account)
    /// it still does the work of a verification, so response time does not
    /// reveal whether an account exists.
    pub async fn verify(self, password: String, stored: Option<String>) -> Result<bool> {
        self.run(move |memory| {
            let known = stored.is_some();
            let stored = stored.unwrap_or_else(|| DUMMY_HASH.to_string());
            let parsed = PasswordHash::new(&stored).map_err(|e| internal(format!("bad stored hash: {e}")))?;
            let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
                return Err(internal("stored hash has no salt or output"));
            };
            let params = Params::try_from(&parsed).map_err(internal)?;
            let algorithm = Algorithm::try_from(parsed.algorithm).map_err(internal)?;
            let version = parsed.version.map(Version::try_from).transpose().map_err(internal)?.unwrap_or_default();
            let mut salt_bytes = [0u8; 64];
            let salt_bytes = salt.decode_b64(&mut salt_bytes).map_err(internal)?;
            let mut out = vec![0u8; expected.len()];
            let hasher = Argon2::new(algorithm, version, params.clone());
            if params.block_count() <= memory.len() {
                hasher.hash_password_into_with_memory(password.as_bytes(), salt_bytes, &mut out, memory)
            } else {
                // A hash made with more memory than today's parameters.
                hasher.hash_password_into(password.as_bytes(), salt_bytes, &mut out)
            }
            .map_err(internal)?;
            // `Output`'s comparison takes constant time.
            let matches = Output::new(&out).map_err(internal)? == expected;
            Ok(matches && known)
        })
        .await?
    }

    /// Runs `work` on a blocking thread with a kept memory block (or a new
    /// one); then keeps the block if a request is waiting for a slot (else
    /// frees it), and frees the slot.
    async fn run<T: Send + 'static>(self, work: impl FnOnce(&mut [Block]) -> T + Send + 'static) -> Result<T> {
        let Slot { memory, waiting, permit } = self;
        tokio::task::spawn_blocking(move || {
            let kept = memory.lock().expect("password memory lock").pop();
            let mut block =
                kept.unwrap_or_else(|| vec![Block::default(); Params::default().block_count()].into_boxed_slice());
            let result = work(&mut block);
            if waiting.load(Ordering::SeqCst) > 0 {
                memory.lock().expect("password memory lock").push(block);
            } else {
                drop(block);
                // Whoever arrived meanwhile allocates their own.
                memory.lock().expect("password memory lock").clear();
            }
            drop(permit);
            result
        })
        .await
        .map_err(|e| Error::Internal(e.into()))
    }
}

fn argon2(params: &Params) -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
}

fn internal(e: impl std::fmt::Display) -> Error {
    Error::Internal(anyhow::anyhow!("password hashing: {e}"))
}

/// A valid argon2id hash of a random string nobody knows, with default parameters.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2vLkJd4h0Qv4z8yYtCk6m3M8Hn0bq3V2Yk1Q9kL5n0E";

#[cfg(test)]
mod tests {
    use argon2::password_hash::{PasswordHasher, PasswordVerifier};

    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_nothing_else() {
        let passwords = Passwords::new(2, WAIT);
        let h = passwords.hash("correct horse battery".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(passwords.slot().await.unwrap().verify("correct horse battery".into(), Some(h.clone())).await.unwrap());
        assert!(!passwords.slot().await.unwrap().verify("correct horse batterY".into(), Some(h)).await.unwrap());
    }

    #[tokio::test]
    async fn hashes_agree_with_the_reference_implementation() {
        let passwords = Passwords::new(1, WAIT);
        // Ours verifies with the crate's own verifier, and the other way round.
        let ours = passwords.hash("films".into()).await.unwrap();
        Argon2::default().verify_password(b"films", &PasswordHash::new(&ours).unwrap()).unwrap();
        let salt = SaltString::generate(&mut OsRng);
        let theirs = Argon2::default().hash_password(b"series", &salt).unwrap().to_string();
        assert!(passwords.slot().await.unwrap().verify("series".into(), Some(theirs)).await.unwrap());
    }

    #[tokio::test]
    async fn unknown_accounts_never_verify() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!Passwords::default().slot().await.unwrap().verify("anything".into(), None).await.unwrap());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn at_most_workers_run_at_once_and_the_rest_are_told_busy() {
        // One slot, a wait far shorter than a hash: of three at once, the
        // first runs and the others give up.
        let passwords = std::sync::Arc::new(Passwords::new(1, Duration::from_millis(1)));
        let tries: Vec<_> = (0..3)
            .map(|_| {
                let p = passwords.clone();
                tokio::spawn(async move { p.hash("x".repeat(12)).await })
            })
            .collect();
        let mut busy = 0;
        for t in tries {
            match t.await.unwrap() {
                Ok(_) => {}
                Err(Error::Busy { retry_after }) => {
                    assert!(retry_after > 0);
                    busy += 1;
                }
                Err(e) => panic!("unexpected {e:?}"),
            }
        }
        assert!(busy >= 1, "with one slot and no wait, some must be told busy");
        // Nobody waits now: no memory is kept, and the next hash still works.
        assert_eq!(passwords.kept_blocks(), 0);
        passwords.hash("again and again".into()).await.unwrap();
        assert_eq!(passwords.kept_blocks(), 0);
    }
}
