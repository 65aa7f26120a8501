//! The opt-in retry policy: which failures are retried, for which operations,
//! and how long to wait.

use std::hash::{BuildHasher, RandomState};
use std::time::Duration;

use tokio::time::Instant;

use reqwest::StatusCode;

/// Retries for failures that a later attempt can fix, with exponential
/// backoff and full jitter, honouring `Retry-After`, bounded in attempts and
/// total time. Off unless set with
/// [`ClientBuilder::retry`](crate::ClientBuilder::retry).
///
/// What is retried depends on whether repeating the operation is harmless:
///
/// | failure | `get_account_email`, `verify_account_email`, `remove_account_email` | `set_account_email` |
/// | --- | --- | --- |
/// | connection refused / not established (nothing was sent) | retried | retried |
/// | HTTP 429 (the request was refused, not processed) | retried | retried |
/// | timeout, connection reset, HTTP 408, 502, 503, 504 | retried | **not retried** |
///
/// `set_account_email` is not repeated after a failure that may have reached
/// Z-API: each call that does sends another verification email. Reading,
/// verifying with the same code and removing leave the account as one call
/// would, so they are retried. Other statuses (400, 401, 404, 500...) are
/// never retried: the same request would fail the same way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_elapsed: Duration,
}

impl Default for RetryPolicy {
    /// 3 attempts, backoff from 200 ms doubling up to 5 s, 30 s in all.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_elapsed: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Attempts in all, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Upper bound of the first wait; it doubles per retry up to `max_backoff`.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// Largest wait between attempts, `Retry-After` included: a server asking
    /// for longer gets its error back instead of a retry.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The whole call, attempts and waits included, ends within this much
    /// time from its start: each attempt's timeout is the transport's
    /// `timeout`, capped by what is left, and no retry starts after it.
    pub fn max_elapsed(mut self, elapsed: Duration) -> Self {
        self.max_elapsed = elapsed;
        self
    }

    /// When a call that started at `started` must end; `None` when that is
    /// beyond what `Instant` can hold (no bound then).
    pub(crate) fn deadline(&self, started: Instant) -> Option<Instant> {
        started.checked_add(self.max_elapsed)
    }

    /// How long to wait before attempt `attempt + 1`, or `None` to stop.
    pub(crate) fn next_delay(
        &self,
        attempt: u32,
        elapsed: Duration,
        retry_after: Option<Duration>,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        let delay = match retry_after {
            Some(asked) if asked > self.max_backoff => return None,
            Some(asked) => asked,
            None => {
                let ceiling = self
                    .initial_backoff
                    .saturating_mul(1u32 << (attempt - 1).min(16))
                    .min(self.max_backoff);
                // A fraction under 1 of a Duration: cannot overflow.
                ceiling.mul_f64(random_fraction())
            }
        };
        // Checked: `Retry-After` is the server's number (up to u64::MAX seconds).
        let resumes = elapsed.checked_add(delay)?;
        (resumes < self.max_elapsed).then_some(delay)
    }
}

/// A failure, as far as retrying is concerned.
pub(crate) enum Failure {
    /// No connection was established: the request never left.
    NotConnected,
    /// The request may have reached the server (timeout, reset mid-way).
    MaybeProcessed,
    Status(StatusCode),
}

impl Failure {
    pub(crate) fn of_transport(error: &reqwest::Error) -> Self {
        if error.is_connect() {
            Self::NotConnected
        } else {
            Self::MaybeProcessed
        }
    }

    /// Whether the failed attempt may have taken effect (its request went
    /// out and no answer says what became of it).
    pub(crate) fn may_have_taken_effect(&self) -> bool {
        match self {
            Self::NotConnected => false,
            Self::MaybeProcessed => true,
            Self::Status(status) => may_have_been_processed(*status),
        }
    }

    /// Whether another attempt may succeed, given whether repeating the
    /// operation is harmless.
    pub(crate) fn is_retryable(&self, idempotent: bool) -> bool {
        match self {
            Self::NotConnected => true,
            Self::Status(StatusCode::TOO_MANY_REQUESTS) => true,
            Self::MaybeProcessed => idempotent,
            Self::Status(status) => idempotent && is_transient(*status),
        }
    }
}

/// Statuses that say "try again later" without saying the request was wrong.
pub(crate) fn is_transient(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::REQUEST_TIMEOUT
            | StatusCode::TOO_MANY_REQUESTS
            | StatusCode::BAD_GATEWAY
            | StatusCode::SERVICE_UNAVAILABLE
            | StatusCode::GATEWAY_TIMEOUT
    )
}

/// Gateway statuses that may follow a request that took effect: 408, 502,
/// 503, 504 (not 429: a refusal before processing). Operations that are not
/// retry-safe are not repeated after them; `Error::outcome` says
/// `MaybeApplied` for them.
pub(crate) fn may_have_been_processed(status: StatusCode) -> bool {
    is_transient(status) && status != StatusCode::TOO_MANY_REQUESTS
}

/// `Retry-After` as delta-seconds or as an HTTP date (the wait until then,
/// zero for a date past); anything else is ignored (backoff applies).
pub(crate) fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = crate::http_date::parse(value)?;
    Some(
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// In [0, 1): std's randomly keyed hasher is the only randomness needed.
fn random_fraction() -> f64 {
    (RandomState::new().hash_one(0u8) >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_jittered_and_bounded() {
        let policy = RetryPolicy::default()
            .max_attempts(10)
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(400))
            .max_elapsed(Duration::from_secs(60));
        let mut seen = std::collections::HashSet::new();
        for attempt in 1..10 {
            let ceiling = Duration::from_millis(100 * (1 << (attempt - 1).min(2)));
            for _ in 0..50 {
                let delay = policy.next_delay(attempt, Duration::ZERO, None).unwrap();
                assert!(
                    delay <= ceiling,
                    "attempt {attempt}: {delay:?} > {ceiling:?}"
                );
                seen.insert(delay);
            }
        }
        assert!(seen.len() > 100, "jitter varies the delay");
        // The ceiling grows: from the third attempt on, waits longer than
        // the first ceiling occur (all 50 under it: chance 4^-50).
        let third = (0..50).filter_map(|_| policy.next_delay(3, Duration::ZERO, None));
        assert!(
            third.max().unwrap() > Duration::from_millis(100),
            "backoff grows"
        );
        assert_eq!(
            policy.next_delay(10, Duration::ZERO, None),
            None,
            "attempts bounded"
        );
    }

    #[test]
    fn retry_after_is_honoured_within_bounds() {
        let policy = RetryPolicy::default().max_backoff(Duration::from_secs(5));
        let asked = Some(Duration::from_secs(2));
        assert_eq!(policy.next_delay(1, Duration::ZERO, asked), asked);
        assert_eq!(
            policy.next_delay(1, Duration::ZERO, Some(Duration::from_secs(6))),
            None
        );
        assert_eq!(
            policy.next_delay(1, Duration::from_secs(29), asked),
            None,
            "total time bounded"
        );
        // The bounds are inclusive for the wait, exclusive for the total: a
        // Retry-After of exactly max_backoff is waited for; a retry that would
        // start exactly at max_elapsed (30 s) is not made.
        let longest = Some(Duration::from_secs(5));
        assert_eq!(policy.next_delay(1, Duration::ZERO, longest), longest);
        assert_eq!(policy.next_delay(1, Duration::from_secs(28), asked), None);
        assert_eq!(
            policy.next_delay(1, Duration::from_millis(27_999), asked),
            asked
        );
    }

    #[test]
    fn retry_after_as_an_http_date_is_the_wait_until_then() {
        let header = |value: &str| {
            let mut headers = reqwest::header::HeaderMap::new();
            headers.insert(reqwest::header::RETRY_AFTER, value.parse().unwrap());
            retry_after(&headers)
        };
        assert_eq!(
            header("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(Duration::ZERO)
        );
        let far = header("Fri, 31 Dec 9999 23:59:59 GMT").unwrap();
        assert!(far > Duration::from_secs(200 * 365 * 86_400), "{far:?}");
        assert_eq!(header(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(header("soon"), None);
        assert_eq!(header("-1"), None);
        // Bounded like delta-seconds: beyond max_backoff, no retry.
        let policy = RetryPolicy::default();
        assert_eq!(policy.next_delay(1, Duration::ZERO, Some(far)), None);
        assert_eq!(
            policy.next_delay(1, Duration::ZERO, Some(Duration::ZERO)),
            Some(Duration::ZERO)
        );
    }

    fn extreme_duration() -> impl proptest::strategy::Strategy<Value = Duration> {
        use proptest::prelude::*;
        prop_oneof![
            Just(Duration::ZERO),
            Just(Duration::from_nanos(1)),
            Just(Duration::MAX),
            Just(Duration::from_secs(u64::MAX)),
            Just(Duration::from_secs(u64::MAX - 1)),
            (any::<u64>(), 0..1_000_000_000u32).prop_map(|(s, n)| Duration::new(s, n)),
            (0..100_000u64).prop_map(Duration::from_millis),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(4_000))]

        /// No server value and no policy bound panics; the delay stays within
        /// the policy's bounds.
        #[test]
        fn delays_never_panic_and_stay_within_bounds(
            attempt in proptest::prelude::any::<u32>(),
            max_attempts in proptest::prelude::any::<u32>(),
            initial in extreme_duration(),
            max_backoff in extreme_duration(),
            max_elapsed in extreme_duration(),
            elapsed in extreme_duration(),
            retry_after_secs in proptest::option::of(proptest::prop_oneof![
                proptest::prelude::Just(u64::MAX),
                proptest::prelude::Just(u64::MAX - 1),
                proptest::prelude::any::<u64>(),
                0..100u64,
            ]),
        ) {
            let policy = RetryPolicy::default()
                .max_attempts(max_attempts)
                .initial_backoff(initial)
                .max_backoff(max_backoff)
                .max_elapsed(max_elapsed);
            let mut headers = reqwest::header::HeaderMap::new();
            if let Some(secs) = retry_after_secs {
                headers.insert(reqwest::header::RETRY_AFTER, secs.into());
            }
            let asked = retry_after(&headers);
            proptest::prop_assert_eq!(asked, retry_after_secs.map(Duration::from_secs));
            let _ = policy.deadline(Instant::now());
            if let Some(delay) = policy.next_delay(attempt.max(1), elapsed, asked) {
                proptest::prop_assert!(delay <= max_backoff);
                proptest::prop_assert!(elapsed.checked_add(delay).is_some_and(|t| t < max_elapsed));
            }
        }
    }

    #[test]
    fn the_largest_retry_after_with_an_unbounded_policy_does_not_panic() {
        let policy = RetryPolicy::default().max_backoff(Duration::MAX);
        let asked = Some(Duration::from_secs(u64::MAX));
        assert_eq!(policy.next_delay(1, Duration::from_secs(1), asked), None);
        let unbounded = policy.max_elapsed(Duration::MAX);
        assert_eq!(unbounded.next_delay(1, Duration::ZERO, asked), asked);
        assert_eq!(unbounded.deadline(Instant::now()), None);
        let jittered = unbounded
            .initial_backoff(Duration::MAX)
            .next_delay(1, Duration::ZERO, None);
        assert!(jittered.is_some());
    }

    #[test]
    fn set_account_email_is_retried_only_when_nothing_was_processed() {
        let set = crate::generated::operation_facts::retry_safe("set_account_email");
        assert!(!set);
        assert!(Failure::NotConnected.is_retryable(set));
        assert!(Failure::Status(StatusCode::TOO_MANY_REQUESTS).is_retryable(set));
        assert!(!Failure::MaybeProcessed.is_retryable(set));
        assert!(!Failure::Status(StatusCode::SERVICE_UNAVAILABLE).is_retryable(set));
        let get = crate::generated::operation_facts::retry_safe("get_account_email");
        assert!(Failure::MaybeProcessed.is_retryable(get));
        assert!(Failure::Status(StatusCode::SERVICE_UNAVAILABLE).is_retryable(get));
        assert!(!Failure::Status(StatusCode::INTERNAL_SERVER_ERROR).is_retryable(get));
        assert!(!Failure::Status(StatusCode::BAD_REQUEST).is_retryable(get));
    }
}
