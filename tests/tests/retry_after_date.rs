//! `Retry-After` as an HTTP date is honoured like delta-seconds and bounded
//! by the same policy: waited for when within `max_backoff`, a date past is
//! no wait, a date beyond `max_backoff` is not waited for (the error comes
//! back). Through `Client::builder` and `Transport`, with and without a
//! Client-Token.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::json;
use zapi_client::{Client, Error, RetryPolicy, Transport};
use zapi_client_tests::server::{Reply, TestServer};
use zapi_client_tests::{CLIENT_TOKEN, INSTANCE, TOKEN};

/// `when` as an IMF-fixdate, written independently of the client's parser.
fn imf_fixdate(when: SystemTime) -> String {
    let seconds = when.duration_since(UNIX_EPOCH).unwrap().as_secs();
    // Howard Hinnant's civil_from_days.
    let z = (seconds / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let weekday =
        ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(seconds / 86_400 % 7) as usize];
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let clock = seconds % 86_400;
    format!(
        "{weekday}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        months[month as usize - 1],
        clock / 3600,
        clock / 60 % 60,
        clock % 60
    )
}

#[test]
fn the_test_writes_the_rfc_example() {
    let example = UNIX_EPOCH + Duration::from_secs(784_111_777);
    assert_eq!(imf_fixdate(example), "Sun, 06 Nov 1994 08:49:37 GMT");
}

/// A server that answers its first request 429 with `Retry-After: <date>`
/// (the date computed when the request arrives), then the spec's answer;
/// when each request arrived.
async fn rate_limited_once(
    ahead: Option<Duration>,
    behind: Option<Duration>,
) -> (TestServer, Arc<Mutex<Vec<Instant>>>) {
    let seen = Arc::new(AtomicUsize::new(0));
    let arrivals = Arc::new(Mutex::new(Vec::new()));
    let record = arrivals.clone();
    let server = TestServer::start(move |_| {
        record.lock().unwrap().push(Instant::now());
        if seen.fetch_add(1, Ordering::SeqCst) > 0 {
            return Reply::json(200, &json!({"success": true, "hasCode": true}));
        }
        let now = SystemTime::now();
        let date = match (ahead, behind) {
            (Some(ahead), _) => now + ahead,
            (_, Some(behind)) => now - behind,
            _ => now,
        };
        Reply::text(429, "text/plain", "").with_header("retry-after", &imf_fixdate(date))
    })
    .await;
    (server, arrivals)
}

fn clients(server: &TestServer) -> Vec<Client> {
    let policy = RetryPolicy::default()
        .max_attempts(2)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_secs(5));
    let transport = Transport::builder()
        .base_url(server.base_url())
        .retry(policy)
        .build()
        .unwrap();
    vec![
        Client::builder(INSTANCE, TOKEN)
            .client_token(CLIENT_TOKEN)
            .base_url(server.base_url())
            .retry(policy)
            .build()
            .unwrap(),
        Client::builder(INSTANCE, TOKEN)
            .base_url(server.base_url())
            .retry(policy)
            .build()
            .unwrap(),
        transport
            .client(INSTANCE, TOKEN)
            .client_token(CLIENT_TOKEN)
            .build()
            .unwrap(),
        transport.client(INSTANCE, TOKEN).build().unwrap(),
    ]
}

#[tokio::test]
async fn a_date_within_max_backoff_is_waited_for() {
    // Whole seconds: a date 2 s ahead is a wait of more than 1 s, where the
    // policy's own backoff is at most 1 ms.
    let (server, arrivals) = rate_limited_once(Some(Duration::from_secs(2)), None).await;
    let client = clients(&server).remove(0);
    client.get_has_security_code().send_checked().await.unwrap();
    let arrivals = arrivals.lock().unwrap().clone();
    assert_eq!(arrivals.len(), 2);
    let waited = arrivals[1] - arrivals[0];
    assert!(waited > Duration::from_millis(1000), "waited {waited:?}");
    assert!(waited < Duration::from_millis(4000), "waited {waited:?}");
}

#[tokio::test]
async fn a_date_past_is_no_wait_and_a_date_beyond_max_backoff_is_not_waited_for() {
    for index in 0..4 {
        let (server, _) = rate_limited_once(None, Some(Duration::from_secs(3600))).await;
        let client = clients(&server).remove(index);
        let started = Instant::now();
        client.get_has_security_code().send_checked().await.unwrap();
        assert_eq!(server.request_count(), 2, "client {index}: retried");
        assert!(started.elapsed() < Duration::from_secs(1), "client {index}");

        let (server, _) = rate_limited_once(Some(Duration::from_secs(3600)), None).await;
        let client = clients(&server).remove(index);
        let error = client
            .get_has_security_code()
            .send_checked()
            .await
            .unwrap_err();
        assert_eq!(
            server.request_count(),
            1,
            "client {index}: an hour is over max_backoff"
        );
        let Error::Api { retry_after, .. } = &error else {
            panic!("{error:?}")
        };
        let asked = retry_after.expect("the date is read");
        assert!(
            asked > Duration::from_secs(3590) && asked <= Duration::from_secs(3600),
            "{asked:?}"
        );
    }
}
