//! Many instances on one transport: one pool, each instance's own
//! credentials, and no configuration path that sends the Client-Token to a
//! host other than the base URL's.

use serde_json::json;
use zapi_client::{Client, Transport};
use zapi_client_tests::server::{Reply, TestServer};

const INSTANCES: [(&str, &str, &str); 3] = [
    ("INSTANCE-AAAA", "TOKEN-AAAA", "CLIENT-TOKEN-AAAA"),
    ("INSTANCE-BBBB", "TOKEN-BBBB", "CLIENT-TOKEN-BBBB"),
    ("INSTANCE-CCCC", "TOKEN-CCCC", "CLIENT-TOKEN-CCCC"),
];

fn ok() -> Reply {
    Reply::json(200, &json!({"success": true, "hasEmail": false}))
}

#[tokio::test]
async fn instances_on_one_transport_share_its_pool_and_keep_their_credentials() {
    let server = TestServer::replying(ok()).await;
    let transport = Transport::builder()
        .base_url(server.base_url())
        .build()
        .unwrap();
    let clients: Vec<Client> = INSTANCES
        .iter()
        .map(|(instance, token, client_token)| {
            transport
                .client(*instance, *token)
                .client_token(*client_token)
                .build()
                .unwrap()
        })
        .collect();
    for _ in 0..2 {
        for client in &clients {
            client.get_account_email().send_checked().await.unwrap();
        }
    }
    assert_eq!(
        server.accepted_connections(),
        1,
        "sequential calls of three instances reuse one pooled connection"
    );
    let requests = server.requests();
    for (i, (instance, token, client_token)) in INSTANCES.iter().cycle().take(6).enumerate() {
        assert_eq!(
            requests[i].target,
            format!("/instances/{instance}/token/{token}/security/email")
        );
        assert_eq!(requests[i].header("client-token"), Some(*client_token));
    }
    for text in [format!("{transport:?}"), format!("{:?}", clients[0])] {
        for (instance, token, client_token) in INSTANCES {
            for secret in [instance, token, client_token] {
                assert!(!text.contains(secret), "{secret} in {text}");
            }
        }
    }
}

#[tokio::test]
async fn an_instance_without_client_token_sends_none_on_a_shared_transport() {
    let server = TestServer::replying(ok()).await;
    let transport = Transport::builder()
        .base_url(server.base_url())
        .build()
        .unwrap();
    let client = transport
        .client("INSTANCE-DDDD", "TOKEN-DDDD")
        .build()
        .unwrap();
    client.get_account_email().send_checked().await.unwrap();
    assert_eq!(server.single_request().header("client-token"), None);
}

/// A server that redirects to `elsewhere`, which records what reaches it.
async fn redirecting_to(elsewhere: &TestServer) -> TestServer {
    let location = format!("{}/collect", elsewhere.base_url());
    TestServer::replying(Reply::text(307, "text/plain", "").with_header("location", &location))
        .await
}

#[tokio::test]
async fn configure_reqwest_cannot_turn_redirects_back_on() {
    let elsewhere = TestServer::replying(ok()).await;
    let server = redirecting_to(&elsewhere).await;
    let client = Client::builder("INSTANCE-EEEE", "TOKEN-EEEE")
        .client_token("CLIENT-TOKEN-EEEE")
        .base_url(server.base_url())
        .configure_reqwest(|b| b.redirect(reqwest::redirect::Policy::limited(10)))
        .build()
        .unwrap();
    let error = client.get_account_email().send_checked().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(307));
    assert_eq!(elsewhere.request_count(), 0, "the redirect was followed");
}

#[tokio::test]
async fn a_users_own_reqwest_client_never_sends_the_request() {
    // The generated `Client::new_with_client` takes any reqwest client; the
    // hooks send through the transport's own (redirects off) regardless.
    let elsewhere = TestServer::replying(ok()).await;
    let server = redirecting_to(&elsewhere).await;
    let client = Client::builder("INSTANCE-FFFF", "TOKEN-FFFF")
        .client_token("CLIENT-TOKEN-FFFF")
        .base_url(server.base_url())
        .build()
        .unwrap();
    // A plain reqwest client needs a process-wide rustls provider here (see
    // the README on `rustls-no-provider`).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let following = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::limited(10))
        .tls_certs_only([])
        .build()
        .unwrap();
    let rebuilt = Client::new_with_client(
        &elsewhere.base_url(),
        following,
        zapi_client::ClientInfo::inner(&client).clone(),
    );
    let error = rebuilt
        .get_account_email()
        .send_checked()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(307));
    assert_eq!(
        elsewhere.request_count(),
        0,
        "the Client-Token left for elsewhere"
    );
    assert_eq!(server.request_count(), 1);
}
