//! Issue 12's classes fixed on branch catalog18 (docs/catalog-fixes-18.md), each from prompts
//! of our own: the plan, then the generated module run with python3 against faked vendors.
//! Item 1, a host chosen by a setting's value (Document AI's EU processors); item 2, settings
//! chosen by the sent file's media type (Speech-to-Text's encoding and sample rate); item 4,
//! Google Calendar's local times in a time zone and all-day events' exclusive end.

#![expect(clippy::unwrap_used, reason = "tests")]

mod support;

use support::{generated, has_step, plan};

/// [`support::run_with_fake_http`], every call answered with what these vendors' steps read.
fn run(code: &str, script: &str) {
    support::run_with_fake_http(
        code,
        r#"{"ok": True, "id": "r1", "document": {"text": "INVOICE 1"}, "results": [{"alternatives": [{"transcript": "hello"}]}]}"#,
        script,
    );
}

/// Item 1: a Document AI processor in `locations/eu` is called on the EU host, one in `us` (the
/// default) on the global host; a setting changed after deploying is followed; a processor id
/// that only looks like `eu` elsewhere in its name stays on the global host.
#[test]
fn a_processor_in_the_eu_is_called_on_the_eu_host() {
    let p = plan(
        "when a pdf is uploaded to the s3 bucket invoices, extract the text with google document ai and post it to slack #finance",
    );
    assert!(
        has_step(&p, "google_document_ai", "process"),
        "{:?}",
        p.steps
    );
    let g = generated(p);
    run(
        &g.code,
        r##"
process = step("google_document_ai_process")
record = {"name": "inv.pdf", "content_type": "application/pdf", "content_base64": base64.b64encode(b"%PDF").decode()}
name = setting("_PROCESSOR")
def url_for(processor):
    setattr(module, name, processor)
    sent.clear()
    process([record])
    return sent[-1][1]
assert url_for("projects/p1/locations/us/processors/abc") == "https://documentai.googleapis.com/v1/projects/p1/locations/us/processors/abc:process", url_for("projects/p1/locations/us/processors/abc")
assert url_for("projects/p1/locations/eu/processors/abc") == "https://eu-documentai.googleapis.com/v1/projects/p1/locations/eu/processors/abc:process", url_for("projects/p1/locations/eu/processors/abc")
# `eu` elsewhere than the location is no EU processor
for other in ("projects/eu/locations/us/processors/eu", "projects/p1/locations/europe-west2/processors/abc"):
    assert url_for(other).startswith("https://documentai.googleapis.com/"), url_for(other)
"##,
    );
}

/// Item 2: Speech-to-Text's encoding and sample rate follow the sent file's media type: FLAC and
/// WAV send neither (Google reads the header), MP3 is `MP3` at the rate setting, Opus in Ogg
/// or WebM at 48000 Hz; a type Google's page does not name keeps both settings.
#[test]
fn speech_encoding_follows_the_files_media_type() {
    let p = plan(
        "when an audio file is uploaded to the s3 bucket recordings, transcribe it with google speech to text and post the transcript to slack #calls",
    );
    assert!(
        has_step(&p, "google_speech_to_text", "recognize"),
        "{:?}",
        p.steps
    );
    let g = generated(p);
    assert!(g.code.contains("_by_file_type("), "{}", g.code);
    run(
        &g.code,
        r##"
recognize = step("google_speech_to_text_recognize")
def config_for(name, content_type=None):
    record = {"name": name, "content_base64": base64.b64encode(b"RIFF....").decode()}
    if content_type:
        record["content_type"] = content_type
    sent.clear()
    recognize([record])
    payload = sent[-1][2]
    assert payload["audio"]["content"], payload
    return payload["config"]
for name in ("call.flac", "call.wav"):
    c = config_for(name)
    assert c == {"languageCode": "en-US"}, (name, c)
assert config_for("x", "audio/x-wav; codecs=1") == {"languageCode": "en-US"}
c = config_for("call.mp3")
assert c["encoding"] == "MP3" and str(c["sampleRateHertz"]) == "44100", c
setattr(module, setting("_SAMPLE_RATE_HERTZ"), "22050")
assert str(config_for("call.mp3")["sampleRateHertz"]) == "22050"
c = config_for("voice.ogg")
assert c["encoding"] == "OGG_OPUS" and c["sampleRateHertz"] == "48000", c
c = config_for("clip.webm")
assert c["encoding"] == "WEBM_OPUS" and c["sampleRateHertz"] == "48000", c
# a type the vendor's page does not name: the settings as they are
setattr(module, setting("_ENCODING"), "AMR")
setattr(module, setting("_SAMPLE_RATE_HERTZ"), "8000")
c = config_for("note.amr", "audio/amr")
assert c["encoding"] == "AMR" and str(c["sampleRateHertz"]) == "8000", c
"##,
    );
}

/// Item 4: a local date-time (no offset) is sent with the step's time zone, UTC by default; a
/// time with its offset or `Z` is sent as it is, without one; a one-day all-day event written
/// with the same start and end date ends the next day, a longer one keeps its end.
#[test]
fn calendar_local_times_carry_a_time_zone_and_all_day_ends_are_exclusive() {
    let p = plan("when a new row is added to google sheets, create an event in google calendar");
    assert!(
        has_step(&p, "google_calendar", "create_event"),
        "{:?}",
        p.steps
    );
    let g = generated(p);
    assert!(
        g.assumptions
            .iter()
            .any(|a| a.contains("GOOGLE_CALENDAR_TIME_ZONE") && a.contains("UTC")),
        "{:?}",
        g.assumptions
    );
    run(
        &g.code,
        r##"
event = step("google_calendar_create_event")
def times(start, end):
    sent.clear()
    event([{"title": "Offsite", "start": start, "end": end}])
    return sent[-1][2]["start"], sent[-1][2]["end"]
assert times("2026-12-08T10:00:00", "2026-12-08 11:30") == (
    {"dateTime": "2026-12-08T10:00:00", "timeZone": "UTC"}, {"dateTime": "2026-12-08T11:30", "timeZone": "UTC"}), times("2026-12-08T10:00:00", "2026-12-08 11:30")
setattr(module, setting("_TIME_ZONE"), "Europe/Berlin")
assert times("2026-12-08T10:00:00", "2026-12-08T11:00:00")[0] == {"dateTime": "2026-12-08T10:00:00", "timeZone": "Europe/Berlin"}
# an offset, a Z, or epoch seconds name their own zone: no timeZone
for given in ("2026-12-08T10:00:00+01:00", "2026-12-08T10:00:00-0500", "2026-12-08T10:00:00Z", 1796640000):
    start = times(given, given)[0]
    assert "timeZone" not in start, (given, start)
# all-day: the same date ends the next day (across a month's end too); a longer event keeps its end
assert times("2026-12-08", "2026-12-08") == ({"date": "2026-12-08"}, {"date": "2026-12-09"})
assert times("2026-12-31", "2026-12-31")[1] == {"date": "2027-01-01"}
assert times("2026-12-08", "2026-12-10") == ({"date": "2026-12-08"}, {"date": "2026-12-10"})
assert times({"date": "2026-12-08"}, {"date": "2026-12-08"})[1] == {"date": "2026-12-09"}
# a timed event on one day keeps its end
assert times("2026-12-08T10:00:00Z", "2026-12-08T10:00:00Z")[1] == {"dateTime": "2026-12-08T10:00:00Z"}
"##,
    );
}

/// Item 4, the schedule's zone: a workflow on a schedule in a zone sends its local times in it.
#[test]
fn a_scheduled_workflows_calendar_zone_is_the_schedules() {
    let mut p = plan("every monday at 9am create an event in google calendar called weekly review");
    assert!(
        has_step(&p, "google_calendar", "create_event"),
        "{:?}",
        p.steps
    );
    p.trigger.timezone = Some("America/New_York".to_owned());
    let g = generated(p.clone());
    assert!(g.code.contains("\"America/New_York\""), "{}", g.code);
    // a zone the user named stays
    for s in &mut p.steps {
        if s.tool == "google_calendar" {
            s.params
                .insert("time_zone".to_owned(), "Asia/Tokyo".to_owned());
        }
    }
    let g = generated(p);
    assert!(g.code.contains("\"Asia/Tokyo\""), "{}", g.code);
    assert!(!g.code.contains("\"America/New_York\""), "{}", g.code);
}
