//! Login, sessions and every rejection the login flow and token checks promise.

use chrono::Utc;
use cue_auth::{LoginState, Provider, service::state_hash};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::header;
use serde_json::{Value, json};

use crate::backend_tests;
use crate::helpers::{API_PUBLIC, FRONTEND, SECRET_KEY, TestApp, error_code};

backend_tests!(
    browser_login_with_google_sets_a_cookie_that_the_frontend_routes_accept,
    browser_login_with_github_links_the_verified_email_to_the_same_user,
    api_client_login_returns_the_specification_token,
    login_start_aliases_and_unknown_providers,
    callback_rejects_replayed_state,
    callback_rejects_unknown_and_missing_state,
    callback_rejects_state_of_the_other_provider,
    callback_rejects_expired_state,
    callback_from_another_browser_is_refused,
    provider_error_redirects_to_the_frontend_with_an_error,
    provider_failure_is_a_502_for_json_clients,
    forged_expired_and_foreign_tokens_are_rejected,
    revoked_token_is_rejected,
    cookie_writes_need_an_allowed_origin,
    bodies_are_checked,
    onboarding_and_profile_round_trip,
    validate_token_reports_validity,
    frontend_logout_link_clears_the_cookie_and_redirects,
);

async fn get_json(client: &reqwest::Client, url: String) -> (u16, Value) {
    let res = client.get(url).send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn browser_login_with_google_sets_a_cookie_that_the_frontend_routes_accept(app: TestApp) {
    let authorize = app.start_login(&app.browser, "/auth/google").await;
    assert!(
        authorize
            .url
            .as_str()
            .starts_with(&format!("{}/google/authorize", app.idp.uri()))
    );
    assert_eq!(
        authorize.query["redirect_uri"],
        format!("{API_PUBLIC}/auth/google/callback")
    );
    assert_eq!(authorize.query["code_challenge_method"], "S256");
    assert_eq!(authorize.query["client_id"], "google-client");

    let res = app
        .callback(&app.browser, "google", "google-code-ada", authorize.state())
        .await;
    assert_eq!(res.status(), 302);
    let location = res.headers()[header::LOCATION].to_str().unwrap().to_owned();
    assert_eq!(location, format!("{FRONTEND}/"), "no token in the URL");
    let set_cookies: Vec<String> = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let session = set_cookies
        .iter()
        .find(|c| c.starts_with("cue_session="))
        .expect("session cookie");
    assert!(
        session.contains("HttpOnly")
            && session.contains("SameSite=Lax")
            && session.contains("Path=/")
    );

    let (status, me) = get_json(&app.browser, app.url("/auth/users/me")).await;
    assert_eq!(status, 200);
    assert_eq!(me["email"], "ada@example.com");
    assert_eq!(me["firstName"], "Ada");
    assert_eq!(me["lastName"], "Lovelace");
    assert_eq!(me["profileImageUrl"], "https://example.com/ada.png");
    assert_eq!(me["provider"], "google");
    assert!(me["id"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(me["createdAt"].is_string());

    let (status, spec_me) = get_json(&app.browser, app.url("/users/me")).await;
    assert_eq!(status, 200);
    assert_eq!(spec_me["email"], "ada@example.com");
    assert_eq!(spec_me["name"], "Ada Lovelace");
    assert_eq!(spec_me["id"], me["id"]);

    let res = app
        .browser
        .post(app.url("/auth/logout"))
        .header(header::ORIGIN, FRONTEND)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let (status, _) = get_json(&app.browser, app.url("/auth/users/me")).await;
    assert_eq!(status, 401);
}

async fn browser_login_with_github_links_the_verified_email_to_the_same_user(app: TestApp) {
    let google_token = app.api_login("google", "google-code-ada").await;
    app.browser_login("github", "github-code-ada").await;
    let (_, via_github) = get_json(&app.browser, app.url("/auth/users/me")).await;
    let via_google: Value = app
        .get_as(&google_token, "/auth/users/me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(via_github["id"], via_google["id"]);
    assert_eq!(via_github["provider"], "github");
}

async fn api_client_login_returns_the_specification_token(app: TestApp) {
    let token = app.api_login("google", "google-code-bob").await;
    let res = app.get_as(&token, "/users/me").await;
    assert_eq!(res.status(), 200);
    let me: Value = res.json().await.unwrap();
    assert_eq!(me["email"], "bob@example.com");
    // Without the token the same client is anonymous.
    let res = app.api.get(app.url("/users/me")).send().await.unwrap();
    assert_eq!(error_code(res, 401).await, "not_authenticated");
}

async fn login_start_aliases_and_unknown_providers(app: TestApp) {
    for path in [
        "/auth/google",
        "/auth/google/login",
        "/auth/github",
        "/auth/github/login",
    ] {
        app.start_login(&app.api, path).await;
    }
    let res = app.api.get(app.url("/auth/facebook")).send().await.unwrap();
    assert_eq!(error_code(res, 404).await, "not_found");
}

async fn callback_rejects_replayed_state(app: TestApp) {
    let authorize = app.start_login(&app.browser, "/auth/google").await;
    let first = app
        .callback(&app.browser, "google", "google-code-ada", authorize.state())
        .await;
    assert_eq!(first.headers()[header::LOCATION], format!("{FRONTEND}/"));
    // The state cookie was cleared, so replay it by hand as well: still refused.
    let replay = app
        .replay_callback("google", "google-code-ada", authorize.state())
        .await;
    assert_eq!(error_code(replay, 400).await, "invalid_state");
}

async fn callback_rejects_unknown_and_missing_state(app: TestApp) {
    for query in [
        "code=google-code-ada&state=b.forged",
        "code=google-code-ada",
        "code=x&state=",
        "state=a.nope",
    ] {
        let res = app
            .api
            .get(app.url(&format!("/auth/google/callback?{query}")))
            .header(header::ACCEPT, "application/json")
            .send()
            .await
            .unwrap();
        assert_eq!(error_code(res, 400).await, "invalid_state", "{query}");
    }
    // A browser is sent back to the frontend with the error instead.
    let res = app
        .callback(&app.browser, "google", "google-code-ada", "b.forged")
        .await;
    assert_eq!(res.status(), 302);
    assert_eq!(
        res.headers()[header::LOCATION],
        format!("{FRONTEND}/login?error=invalid_state")
    );
    assert!(
        res.headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .all(|c| !c.to_str().unwrap().starts_with("cue_session=ey"))
    );
}

async fn callback_rejects_state_of_the_other_provider(app: TestApp) {
    let authorize = app.start_login(&app.browser, "/auth/google").await;
    let res = app
        .callback(&app.browser, "github", "github-code-ada", authorize.state())
        .await;
    assert_eq!(
        res.headers()[header::LOCATION],
        format!("{FRONTEND}/login?error=invalid_state")
    );
    let (status, _) = get_json(&app.browser, app.url("/auth/users/me")).await;
    assert_eq!(status, 401);
}

async fn callback_rejects_expired_state(app: TestApp) {
    app.store
        .login_states()
        .put(LoginState {
            state_hash: state_hash("a.expired-state"),
            provider: Provider::Google,
            pkce_verifier: "verifier".into(),
            expires_at: Utc::now() - chrono::Duration::seconds(5),
        })
        .await
        .unwrap();
    let res = app
        .api
        .get(app.url("/auth/google/callback?code=google-code-ada&state=a.expired-state"))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res, 400).await, "invalid_state");
}

async fn callback_from_another_browser_is_refused(app: TestApp) {
    // Login CSRF: the attacker starts a login and sends the victim the callback URL.
    let attacker = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let authorize = app.start_login(&attacker, "/auth/google").await;
    let res = app
        .callback(&app.browser, "google", "google-code-ada", authorize.state())
        .await;
    assert_eq!(
        res.headers()[header::LOCATION],
        format!("{FRONTEND}/login?error=invalid_state")
    );
    let (status, _) = get_json(&app.browser, app.url("/auth/users/me")).await;
    assert_eq!(status, 401, "the victim's browser must not be logged in");
}

async fn provider_error_redirects_to_the_frontend_with_an_error(app: TestApp) {
    let authorize = app.start_login(&app.browser, "/auth/github").await;
    let res = app
        .browser
        .get(app.url(&format!(
            "/auth/github/callback?error=access_denied&state={}",
            authorize.state()
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    assert_eq!(
        res.headers()[header::LOCATION],
        format!("{FRONTEND}/login?error=access_denied")
    );
}

async fn provider_failure_is_a_502_for_json_clients(app: TestApp) {
    let res = app
        .api
        .get(app.url("/auth/google"))
        .header(header::ACCEPT, "application/json")
        .send()
        .await
        .unwrap();
    let body: Value = res.json().await.unwrap();
    let url = url::Url::parse(body["authorization_url"].as_str().unwrap()).unwrap();
    let state = url
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let res = app
        .api
        .get(app.url(&format!(
            "/auth/google/callback?code=bad-code&state={state}"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 502);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "provider_error");
    assert!(
        !body.to_string().contains("invalid_grant"),
        "provider detail stays in the log"
    );
}

fn claims(user_id: &str, iss: &str, aud: &str, exp_offset: i64) -> Value {
    let now = Utc::now().timestamp();
    json!({"sub": user_id, "iat": now, "nbf": now, "exp": now + exp_offset, "iss": iss, "aud": aud, "jti": "j1"})
}

fn sign(claims: &Value, key: &[u8], alg: Algorithm) -> String {
    let mut header = Header::new(alg);
    header.typ = Some("at+jwt".into());
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_secret(key)).unwrap()
}

async fn forged_expired_and_foreign_tokens_are_rejected(app: TestApp) {
    let token = app.api_login("google", "google-code-ada").await;
    let me: Value = app.get_as(&token, "/users/me").await.json().await.unwrap();
    let id = me["id"].as_str().unwrap();
    let key = SECRET_KEY.as_bytes();
    let good = sign(&claims(id, "cue", "cue-api", 600), key, Algorithm::HS256);
    let res = app.get_as(&good, "/users/me").await;
    assert_eq!(
        res.status(),
        200,
        "a correctly signed token is accepted (control)"
    );

    let payload = good.split('.').nth(1).unwrap();
    let none_header = base64::Engine::encode(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        br#"{"alg":"none","typ":"at+jwt"}"#,
    );
    let rejected = [
        ("alg none", format!("{none_header}.{payload}.")),
        (
            "wrong key",
            sign(
                &claims(id, "cue", "cue-api", 600),
                b"another-key-another-key-another-key!!",
                Algorithm::HS256,
            ),
        ),
        (
            "HS512",
            sign(&claims(id, "cue", "cue-api", 600), key, Algorithm::HS512),
        ),
        (
            "expired",
            sign(&claims(id, "cue", "cue-api", -3600), key, Algorithm::HS256),
        ),
        (
            "wrong issuer",
            sign(&claims(id, "evil", "cue-api", 600), key, Algorithm::HS256),
        ),
        (
            "wrong audience",
            sign(&claims(id, "cue", "other-api", 600), key, Algorithm::HS256),
        ),
        (
            "unknown user",
            sign(
                &claims(&uuid::Uuid::new_v4().to_string(), "cue", "cue-api", 600),
                key,
                Algorithm::HS256,
            ),
        ),
        ("garbage", "not-a-jwt".to_owned()),
    ];
    for (what, token) in rejected {
        let res = app.get_as(&token, "/users/me").await;
        assert_eq!(res.status(), 401, "{what}");
        assert_eq!(res.headers()[header::WWW_AUTHENTICATE], "Bearer");
        // The same token in the cookie is refused too.
        let res = app
            .api
            .get(app.url("/auth/users/me"))
            .header(header::COOKIE, format!("cue_session={token}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{what} (cookie)");
    }
    let res = app
        .api
        .get(app.url("/users/me"))
        .header(header::AUTHORIZATION, "Basic dXNlcjpwYXNz")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}

async fn revoked_token_is_rejected(app: TestApp) {
    let token = app.api_login("google", "google-code-ada").await;
    let res = app
        .api
        .post(app.url("/auth/logout"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = app.get_as(&token, "/users/me").await;
    assert_eq!(error_code(res, 401).await, "invalid_token");
}

async fn cookie_writes_need_an_allowed_origin(app: TestApp) {
    app.browser_login("google", "google-code-ada").await;
    let patch = json!({"companyName": "Acme"});
    for (origin, expected) in [
        (Some("https://evil.example"), 403),
        (None, 403),
        (Some(FRONTEND), 200),
        (Some("https://cue-prod.com"), 200),
    ] {
        let mut req = app.browser.put(app.url("/auth/users/profile")).json(&patch);
        if let Some(o) = origin {
            req = req.header(header::ORIGIN, o);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), expected, "{origin:?}");
    }
    // Reads with the cookie need no Origin, and a bearer write needs none either.
    let (status, _) = get_json(&app.browser, app.url("/auth/users/me")).await;
    assert_eq!(status, 200);
    let token = app.api_login("google", "google-code-ada").await;
    let res = app.put_as(&token, "/auth/users/profile", &patch).await;
    assert_eq!(res.status(), 200);
}

async fn bodies_are_checked(app: TestApp) {
    let token = app.api_login("google", "google-code-ada").await;
    let put = || {
        app.api
            .put(app.url("/auth/users/profile"))
            .bearer_auth(&token)
    };
    let huge = json!({"companyName": "x".repeat(200 * 1024)});
    assert_eq!(
        error_code(put().json(&huge).send().await.unwrap(), 413).await,
        "payload_too_large"
    );
    let res = put()
        .header(header::CONTENT_TYPE, "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res, 400).await, "malformed_json");
    let res = put()
        .header(header::CONTENT_TYPE, "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res, 415).await, "unsupported_media_type");
    let res = put().json(&json!({"isAdmin": true})).send().await.unwrap();
    assert_eq!(error_code(res, 422).await, "invalid_body");
    let res = put()
        .json(&json!({"role": "r".repeat(500)}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res, 422).await, "invalid_profile");
    // Nothing above changed the stored profile.
    let me: Value = app
        .get_as(&token, "/auth/users/me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], Value::Null);
}

async fn onboarding_and_profile_round_trip(app: TestApp) {
    let token = app.api_login("github", "github-code-ada").await;
    let form = json!({"firstName": "Ada", "lastName": "King", "companyName": "Analytical Engines",
                      "industry": "Technology", "role": "Engineer", "usagePurpose": "Automate reports"});
    let res = app.post_as(&token, "/api/auth/onboarding", &form).await;
    assert_eq!(res.status(), 200);
    let profile: Value = app
        .get_as(&token, "/api/auth/profile")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(profile["companyName"], "Analytical Engines");
    assert_eq!(profile["lastName"], "King");
    assert_eq!(profile["usagePurpose"], "Automate reports");
    let mut missing = form.clone();
    missing["role"] = json!("  ");
    let res = app.post_as(&token, "/api/auth/onboarding", &missing).await;
    assert_eq!(error_code(res, 422).await, "invalid_profile");
}

async fn validate_token_reports_validity(app: TestApp) {
    let token = app.api_login("google", "google-code-ada").await;
    let body: Value = app
        .api
        .post(app.url("/auth/validate-token"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["valid"], true);
    assert_eq!(body["user"]["email"], "ada@example.com");
    let body: Value = app
        .api
        .post(app.url("/auth/validate-token"))
        .bearer_auth("nope")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body, json!({"valid": false}));
}

async fn frontend_logout_link_clears_the_cookie_and_redirects(app: TestApp) {
    app.browser_login("google", "google-code-ada").await;
    // A link on another site (or an image pointing here) only gets the redirect.
    for (name, value) in [
        ("sec-fetch-site", "cross-site"),
        ("referer", "https://evil.example/page"),
        ("origin", "https://evil.example"),
    ] {
        let res = app
            .browser
            .get(app.url("/api/logout"))
            .header(name, value)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 302, "{name}");
        assert_eq!(res.headers()[header::LOCATION], format!("{FRONTEND}/"));
        assert!(res.headers().get(header::SET_COOKIE).is_none(), "{name}");
        let (status, _) = get_json(&app.browser, app.url("/auth/users/me")).await;
        assert_eq!(status, 200, "{name}: still logged in");
    }
    // Nothing says where it came from: not honoured either.
    let res = app
        .browser
        .get(app.url("/api/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    assert_eq!(
        get_json(&app.browser, app.url("/auth/users/me")).await.0,
        200
    );
    // The frontend's own link.
    let res = app
        .browser
        .get(app.url("/api/logout"))
        .header(header::REFERER, format!("{FRONTEND}/settings"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    assert_eq!(res.headers()[header::LOCATION], format!("{FRONTEND}/"));
    let (status, _) = get_json(&app.browser, app.url("/auth/users/me")).await;
    assert_eq!(status, 401);
}
