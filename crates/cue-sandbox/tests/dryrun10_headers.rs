//! The harness records each HTTP request's headers as the vendor would receive them (the
//! eleventh session's dryrun10): names lower-cased, urllib's default `Content-Type` for a body
//! sent without one, and what http.client refuses before sending (a non-Latin-1 value, a line
//! break in a value) refused the same way, with nothing recorded.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use cue_sandbox::{LocalSandbox, SandboxSettings};
use cue_workflows::dryrun::{Sandbox, SandboxJob, SandboxOutcome, Simulator};
use serde_json::json;

async fn run(body: &str) -> SandboxOutcome {
    let python = if std::path::Path::new("/usr/bin/python3").is_file() {
        "/usr/bin/python3"
    } else {
        "python3"
    };
    let sandbox = LocalSandbox::new(&SandboxSettings {
        python: python.to_owned(),
        timeout: Duration::from_secs(8),
        ..SandboxSettings::default()
    })
    .await
    .expect("python3 is needed for the sandbox tests");
    let code = format!(
        "import json, urllib.request, urllib.error\n\
         def lambda_handler(event, context):\n{body}\n"
    );
    sandbox
        .run(SandboxJob {
            code,
            env: [("WORKFLOW_TOKEN".to_owned(), "t0ken".to_owned())].into(),
            event: json!({}),
            signing: Vec::new(),
            simulator: Simulator::default(),
            edited: false,
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn headers_are_recorded_as_sent_with_urllibs_default_content_type() {
    let out = run(r#"
    for data, headers in [
        (json.dumps({"a": 1}).encode(), {"Authorization": "Bearer t0ken", "Content-Type": "application/json"}),
        (json.dumps({"a": 1}).encode(), {"Dropbox-API-Arg": json.dumps({"path": "/r\u00e9sum\u00e9.pdf"})}),
        (None, {"Notion-Version": "2025-09-03"}),
    ]:
        req = urllib.request.Request("https://api.example.com/x", data=data, headers=headers)
        try:
            urllib.request.urlopen(req)
        except urllib.error.HTTPError:
            pass
    return "done"
"#)
    .await;
    assert!(out.error.is_none(), "{:?} {:?}", out.error, out.logs);
    assert_eq!(out.calls.len(), 3, "{:?}", out.calls);
    let h = |i: usize, name: &str| out.calls[i].headers.get(name).cloned();
    assert_eq!(h(0, "authorization").as_deref(), Some("Bearer t0ken"));
    assert_eq!(h(0, "content-type").as_deref(), Some("application/json"));
    // a body without a Content-Type goes as a form, as urllib sends it; the body still reads
    // as the JSON it is
    assert_eq!(
        h(1, "content-type").as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(out.calls[1].request, json!({"a": 1}));
    assert_eq!(
        h(1, "dropbox-api-arg").as_deref(),
        Some(r#"{"path": "/r\u00e9sum\u00e9.pdf"}"#)
    );
    // no body, no Content-Type
    assert_eq!(h(2, "content-type"), None);
    assert_eq!(h(2, "notion-version").as_deref(), Some("2025-09-03"));
}

#[tokio::test]
async fn a_header_http_client_would_refuse_is_refused_before_any_call() {
    for (header, kind) in [
        // not escaped: not Latin-1, http.client cannot encode it
        (
            r#"{"Dropbox-API-Arg": json.dumps({"path": "/\u6587.pdf"}, ensure_ascii=False)}"#,
            "UnicodeEncodeError",
        ),
        (r#"{"X-Note": "a\r\nInjected: 1"}"#, "ValueError"),
        (r#"{"Bad:Name": "x"}"#, "ValueError"),
    ] {
        let out = run(&format!(
            "    req = urllib.request.Request('https://api.example.com/x', data=b'x', headers={header})\n    \
             urllib.request.urlopen(req)\n    return 'sent'"
        ))
        .await;
        let error = out.error.as_ref().expect("refused");
        assert_eq!(error.kind, kind, "{header}: {error:?}");
        assert!(out.calls.is_empty(), "{header}: {:?}", out.calls);
    }
}
