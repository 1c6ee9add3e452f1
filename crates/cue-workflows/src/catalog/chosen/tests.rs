//! The load-time checks of values chosen at run time, both ways: a host chosen by a setting's
//! value and settings chosen by the sent file's media type.

use super::super::{Api, Catalog};
use super::{ParamBaseUrl, omitted_paths, paths_of};

fn catalog() -> Catalog {
    match Catalog::builtin() {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    }
}

/// The catalog's answer once `change` ran on the tool `id`: `Ok` or the check's message.
fn checked(id: &str, change: impl FnOnce(&mut super::super::Tool)) -> Result<(), String> {
    let mut c = catalog();
    let Some(t) = c.tools.iter_mut().find(|t| t.id == id) else {
        panic!("{id}");
    };
    change(t);
    Catalog::new(c.tools, c.needs)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// The check's message, or a panic naming `what` when the catalog was accepted.
fn refusal(r: Result<(), String>, what: &str) -> String {
    match r {
        Ok(()) => panic!("{what}: the catalog was accepted"),
        Err(e) => e,
    }
}

/// A change made to an action before the check.
type Change = fn(&mut super::super::Action);

fn by_param(t: &mut super::super::Tool) -> &mut Vec<ParamBaseUrl> {
    match &mut t.api {
        Api::Http {
            base_url_by_param, ..
        } => base_url_by_param,
        _ => panic!("not http"),
    }
}

#[test]
fn a_host_by_value_is_a_literal_https_host_for_a_parameter_of_every_action() {
    // accepted: the builtin entry, and another literal host
    assert_eq!(checked("google_document_ai", |_| {}), Ok(()));
    assert_eq!(
        checked("google_document_ai", |t| by_param(t)[0].base_url =
            "https://documentai.eu.rep.googleapis.com/v1/{processor}"
                .to_owned()),
        Ok(())
    );
    // refused: a host from a value, plain http, nothing to look for, an unknown parameter, a
    // reference the base URL does not have
    for (base_url, contains, param, says) in [
        (
            "https://{processor}.googleapis.com/v1",
            "/locations/eu/",
            "processor",
            "literal host",
        ),
        (
            "http://eu-documentai.googleapis.com/v1/{processor}",
            "/locations/eu/",
            "processor",
            "literal host",
        ),
        (
            "https://eu-documentai.googleapis.com/v1/{processor}",
            "",
            "processor",
            "look for a value",
        ),
        (
            "https://eu-documentai.googleapis.com/v1/{processor}",
            "/locations/eu/",
            "region",
            "has no such parameter",
        ),
        (
            "https://eu-documentai.googleapis.com/v1/{document_url}",
            "/locations/eu/",
            "processor",
            "not a reference of the base URL",
        ),
    ] {
        let e = refusal(
            checked("google_document_ai", |t| {
                by_param(t)[0] = ParamBaseUrl {
                    param: param.to_owned(),
                    contains: contains.to_owned(),
                    base_url: base_url.to_owned(),
                }
            }),
            base_url,
        );
        assert!(e.contains(says), "{base_url}: {e}");
    }
}

#[test]
fn settings_by_file_type_are_body_fields_of_a_file_call_and_not_required_when_left_out() {
    let speech = |change: Change| checked("google_speech_to_text", |t| change(&mut t.actions[0]));
    assert_eq!(speech(|_| {}), Ok(()));
    // a value for every type (nothing left out) may be required
    assert_eq!(
        speech(|a| {
            for values in a.by_file_type.values_mut() {
                values.retain(|_, v| v.is_some());
            }
            a.required.push("config.encoding".to_owned());
        }),
        Ok(())
    );
    let refused: [(Change, &str); 4] = [
        (
            |a| a.required.push("config.encoding".to_owned()),
            "cannot be required",
        ),
        (
            |a| {
                let v = a.by_file_type.remove("encoding").unwrap_or_default();
                a.by_file_type.insert("languageCode".to_owned(), v);
            },
            "a parameter the body sends whole",
        ),
        (
            |a| {
                if let Some(v) = a.by_file_type.get_mut("encoding") {
                    v.insert("flac".to_owned(), Some("FLAC".to_owned()));
                }
            },
            "not a media type",
        ),
        (
            |a| {
                if let Some(v) = a.by_file_type.get_mut("encoding") {
                    v.insert("Audio/FLAC".to_owned(), Some("FLAC".to_owned()));
                }
            },
            "not a media type",
        ),
    ];
    for (change, says) in refused {
        let e = refusal(speech(change), says);
        assert!(e.contains(says), "{e}");
    }
    // a call that sends no file has no file to read the type of
    let e = refusal(
        checked("slack", |t| {
            let a = &mut t.actions[0];
            a.params.insert("channel".to_owned(), "#general".to_owned());
            a.by_file_type
                .insert("channel".to_owned(), Default::default());
        }),
        "slack",
    );
    assert!(e.contains("sends a file"), "{e}");
}

#[test]
fn left_out_fields_are_the_whole_templates_of_settings_with_a_null() {
    let body = serde_json::json!({"config": {"encoding": "{encoding}", "note": "x {encoding}"}, "rate": "{rate}"});
    assert_eq!(paths_of(&body, "encoding"), ["config.encoding"]);
    assert_eq!(paths_of(&body, "rate"), ["rate"]);
    assert!(paths_of(&body, "other").is_empty());
    let c = catalog();
    let Some(speech) = c.tool("google_speech_to_text") else {
        panic!("speech");
    };
    assert_eq!(
        omitted_paths(&speech.actions[0]),
        ["config.encoding", "config.sampleRateHertz"]
    );
    // an action without the table leaves nothing out
    let Some(doc) = c.tool("google_document_ai") else {
        panic!("document ai");
    };
    assert!(omitted_paths(&doc.actions[0]).is_empty());
}

#[test]
fn an_exclusive_end_names_body_fields_a_record_fills() {
    let calendar = |start: &'static str, end: &'static str| {
        checked("google_calendar", move |t| {
            let Some(a) = t.actions.iter_mut().find(|a| a.id == "create_event") else {
                panic!("create_event");
            };
            a.exclusive_end = Some(super::ExclusiveEnd {
                start: start.to_owned(),
                end: end.to_owned(),
            });
        })
    };
    assert_eq!(calendar("start", "end"), Ok(()));
    for (start, end) in [
        ("start", "summary"),
        ("start", "finish"),
        ("description", "end"),
    ] {
        let e = refusal(calendar(start, end), end);
        assert!(
            e.contains("must be a body field a record's field fills"),
            "{e}"
        );
    }
}
