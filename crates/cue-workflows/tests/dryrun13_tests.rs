//! Issue 13's classes fixed on branch dryrun13 (docs/dry-run.md, "Fourteenth session"), from
//! prompts of our own: a record's plain `url` is its file's only when it names a file (an
//! extension, or a record describing a file), never the link to its page (a Notion page, a
//! Greenhouse candidate, a Linear issue), so a file step sends its setting's file or fails
//! saying the record names none instead of fetching a web page as the file.

#![expect(clippy::unwrap_used, reason = "tests")]

mod support;

use support::{generated, has_step, plan, run_module};

/// `_file_url` and `_names_file`, table-driven both ways: page links (the catalog's own
/// examples of "Link to the page") are no file; URLs naming a file, records describing one,
/// and URL fields named for a file are.
#[test]
fn a_records_page_link_is_not_its_file() {
    let prompt = "when a webhook is received, upload the file to dropbox";
    let p = plan(prompt);
    assert!(
        has_step(&p, "dropbox", "upload_file"),
        "{prompt}: {:#?}",
        p.steps
    );
    let code = generated(p).code;
    run_module(
        &code,
        r#"
f = module._file_url
cases = [
    # must not be a file: a page's link (Notion, Greenhouse, Linear, GitLab, a page's .html)
    ({"url": "https://www.notion.so/Tuscan-kale-59833787a2cf94fdf8782e53db20768a5"}, None),
    ({"url": "https://app.greenhouse.io/people/35897443?application_id=46194062",
      "candidate": {"url": "https://app.greenhouse.io/people/35897443"}}, None),
    ({"url": "https://linear.app/acme/issue/ENG-123/new-exception"}, None),
    ({"object_attributes": {"url": "http://example.com/diaspora/merge_requests/1"}}, None),
    ({"url": "https://example.com/blog/post.html"}, None),
    ({"url": "https://linear.app/acme/issue/ENG-1/v1.2-release"}, None),
    ({"permalink_url": "https://app.asana.com/0/1/2"}, None),
    ({"url": "not a url.pdf"}, None),
    ("https://example.com/sample.pdf", None),
    # must be a file: a URL naming one, a record describing one, a URL field named for one
    ({"url": "https://example.com/sample.pdf"}, "https://example.com/sample.pdf"),
    ({"url": "https://cdn.example.com/u/photo.JPG?sig=1"}, "https://cdn.example.com/u/photo.JPG?sig=1"),
    ({"url": "https://cdn.example.com/blob/123", "mimeType": "image/png"}, "https://cdn.example.com/blob/123"),
    ({"url": "https://cdn.example.com/blob/123", "name": "scan.tiff"}, "https://cdn.example.com/blob/123"),
    ({"url": "https://www.notion.so/page-1", "image_url": "https://example.com/i/9"}, "https://example.com/i/9"),
    ({"page": {"url": "https://example.com/a/b/report.pdf"}}, "https://example.com/a/b/report.pdf"),
]
for record, want in cases:
    got = f(record)
    assert got == want, (record, got, want)
# a page's record names no file (so an export or the setting's file applies); a file's does
assert not module._names_file({"url": "https://www.notion.so/Tuscan-kale-5983"})
assert module._names_file({"url": "https://example.com/sample.pdf"})
"#,
    );
}

/// A field that takes one name, given a person's name as an object (PayPal's `payer_name`:
/// `given_name`, `surname`, `alternate_full_name`; Google's `fullName`): its whole name, else
/// its parts joined; an object with neither, or a field that is no name, is still refused.
#[test]
fn a_name_object_gives_its_whole_name_where_one_name_is_taken() {
    let p = plan("when a webhook is received, create a lead in salesforce");
    assert!(has_step(&p, "salesforce", "create_lead"), "{:#?}", p.steps);
    let code = generated(p).code;
    run_module(
        &code,
        r#"
one = module._one_value
cases = [
    # must change: refused before (no `name`, `value` or `display_name` inside)
    ({"given_name": "test", "surname": "consumer", "alternate_full_name": "test consumer"}, "name", "test consumer"),
    ({"givenName": "Ada", "familyName": "Lovelace", "fullName": "Ada King Lovelace"}, "name", "Ada King Lovelace"),
    ({"given_name": "Ada", "family_name": "Lovelace"}, "name", "Ada Lovelace"),
    ({"firstName": "Ada", "lastName": " "}, "display_name", "Ada"),
    # must stay: a name's own keys first
    ({"first": "Al", "name": "Al Smith"}, "name", "Al Smith"),
    ({"display_name": "Al", "given_name": "Alan"}, "name", "Al"),
]
for value, field, want in cases:
    got = one(value, field, "DisplayName")
    assert got == want, (value, got, want)
# must not: an object holding no name, and a field of another kind, are refused
for value, field in (({"size": 200, "domain": "acme.com"}, "name"),
                     ({"given_name": "Ada", "surname": "Lovelace"}, "company"),
                     ({"fullName": "Ada Lovelace"}, "email")):
    try:
        one(value, field, "DisplayName")
    except ValueError as e:
        assert "takes one value" in str(e), e
    else:
        raise AssertionError((value, field))
"#,
    );
}
