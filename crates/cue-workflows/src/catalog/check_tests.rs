//! The load-time check refuses catalog entries the generator could not honour: a rotated
//! refresh token the exchange never spends, a wait on an action the tool does not have.

use super::{Catalog, Grant};

fn catalog() -> Catalog {
    match Catalog::builtin() {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    }
}

fn error_of(c: Catalog) -> String {
    match Catalog::new(c.tools, c.needs) {
        Ok(_) => panic!("the catalog was accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_rotated_refresh_token_must_be_one_the_exchange_spends() {
    let mut c = catalog();
    let Some(zoom) = c.tools.iter_mut().find(|t| t.id == "zoom") else {
        panic!("zoom");
    };
    let Some(x) = zoom.token_exchange.as_mut() else {
        panic!("zoom exchanges tokens");
    };
    assert_eq!(x.grant, Grant::AccountCredentials);
    x.rotates_refresh_token = true;
    let e = error_of(c);
    assert!(
        e.contains("zoom token exchange rotates a refresh token it does not spend"),
        "{e}"
    );
}

#[test]
fn a_wait_names_actions_of_its_own_tool() {
    for (status, result) in [
        ("no_such_action", None),
        ("describe_statement", Some("execute")),
    ] {
        let mut c = catalog();
        let Some(redshift) = c.tools.iter_mut().find(|t| t.id == "amazon_redshift") else {
            panic!("amazon_redshift");
        };
        let Some(w) = redshift.actions.iter_mut().find_map(|a| a.wait.as_mut()) else {
            panic!("redshift waits");
        };
        w.status = status.to_owned();
        w.result = result.map(str::to_owned);
        let e = error_of(c);
        assert!(
            e.contains("amazon_redshift action execute waits with"),
            "{e}"
        );
    }
}

#[test]
fn the_builtin_catalog_passes_the_check() {
    let c = catalog();
    assert!(Catalog::new(c.tools, c.needs).is_ok());
}

#[test]
fn every_event_and_read_action_documents_its_fields() {
    let c = catalog();
    for t in &c.tools {
        for e in &t.events {
            assert!(
                !e.fields.is_empty() || e.own_fields.is_some(),
                "{} event {}",
                t.id,
                e.id
            );
        }
        for a in t.actions.iter().filter(|a| a.role == super::Role::Read) {
            assert!(
                !a.fields.is_empty() || a.own_fields.is_some(),
                "{}.{}",
                t.id,
                a.id
            );
        }
    }
}

/// Hacker News' `top_stories`, a read action whose records have documented fields.
fn top_stories(c: &mut Catalog) -> &mut super::Action {
    let Some(hn) = c.tools.iter_mut().find(|t| t.id == "hacker_news") else {
        panic!("hacker_news");
    };
    let Some(a) = hn.actions.iter_mut().find(|a| a.id == "top_stories") else {
        panic!("top_stories");
    };
    a
}

#[test]
fn an_event_or_read_without_fields_is_refused() {
    let mut c = catalog();
    let Some(shopify) = c.tools.iter_mut().find(|t| t.id == "shopify") else {
        panic!("shopify");
    };
    let Some(e) = shopify.events.iter_mut().find(|e| e.id == "order_created") else {
        panic!("shopify order_created");
    };
    e.fields.clear();
    let err = error_of(c);
    assert!(
        err.contains("shopify event order_created documents no fields"),
        "{err}"
    );

    let mut c = catalog();
    let a = top_stories(&mut c);
    a.fields.clear();
    let err = error_of(c);
    assert!(
        err.contains("hacker_news.top_stories reads records but documents no fields"),
        "{err}"
    );

    // records the user names are documented by saying so
    let mut c = catalog();
    let a = top_stories(&mut c);
    a.fields.clear();
    a.own_fields = Some("the user's own columns".to_owned());
    assert!(super::Catalog::new(c.tools, c.needs).is_ok());
}

/// A call on another host of the vendor's (Dropbox's uploads on `content.dropboxapi.com`) names
/// it whole: https and literal, so neither a record nor a setting can send the tool's
/// credentials to a host of its choosing; a path below the base URL stays as it was.
#[test]
fn a_whole_url_as_an_actions_path_is_https_with_a_literal_host() {
    let with_path = |path: &str| {
        let mut c = catalog();
        let Some(dropbox) = c.tools.iter_mut().find(|t| t.id == "dropbox") else {
            panic!("dropbox");
        };
        let Some(upload) = dropbox.actions.iter_mut().find(|a| a.id == "upload_file") else {
            panic!("dropbox uploads");
        };
        upload.path = Some(path.to_owned());
        Catalog::new(c.tools, c.needs)
            .map(drop)
            .map_err(|e| e.to_string())
    };
    for refused in [
        "http://content.dropboxapi.com/2/files/upload",
        "https://{field:host}/2/files/upload",
        "https://content.{folder}.com/2/files/upload",
        "https://user@content.dropboxapi.com/2/files/upload",
        "HTTPS://{field:host}/x",
        "https:///2/files/upload",
    ] {
        let Err(e) = with_path(refused) else {
            panic!("{refused} was accepted");
        };
        assert!(
            e.contains("dropbox.upload_file: a whole URL"),
            "{refused}: {e}"
        );
    }
    for accepted in [
        "https://content.dropboxapi.com/2/files/upload",
        "https://content.dropboxapi.com/2/files/{folder}",
        "/files/save_url",
        ":process",
    ] {
        assert_eq!(with_path(accepted), Ok(()), "{accepted}");
    }
}

/// A window bound names the form its vendor documents: a bare `{since}` is the trigger's kept
/// cursor as it is (a Gmail poll's epoch milliseconds), which another vendor refuses.
#[test]
fn a_window_bound_names_its_form() {
    for (bare, ok) in [
        ("{since}", false),
        ("{now}", false),
        ("{until}", false),
        ("{since:iso}", true),
        ("{until:unix_ms}", true),
    ] {
        let mut c = catalog();
        let Some(square) = c.tools.iter_mut().find(|t| t.id == "square") else {
            panic!("square");
        };
        let Some(list) = square.actions.iter_mut().find(|a| a.id == "list_orders") else {
            panic!("square list_orders");
        };
        let body = list
            .body
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        assert!(body.contains("{since:iso}"), "{body}");
        list.body = serde_json::from_str(&body.replace("{since:iso}", bare)).ok();
        match Catalog::new(c.tools, c.needs) {
            Ok(_) => assert!(ok, "{bare} was accepted"),
            Err(e) => {
                assert!(!ok, "{bare}: {e}");
                assert!(
                    e.to_string()
                        .contains("square.list_orders: {since} must name the form")
                        || e.to_string().contains("must name the form"),
                    "{e}"
                );
            }
        }
    }
}

/// A file's fallback (`{file_or:image_url}`) is a URL parameter of its action.
#[test]
fn a_file_fallback_is_a_url_parameter() {
    for (kind, param, ok) in [
        (Some(super::ParamKind::Url), "image_url", true),
        (Some(super::ParamKind::Text), "image_url", false),
        (None, "image_url", false),
        (Some(super::ParamKind::Url), "no_such_param", false),
    ] {
        let mut c = catalog();
        let Some(tool) = c.tools.iter_mut().find(|t| t.id == "cloudinary") else {
            panic!("cloudinary");
        };
        let Some(upload) = tool.actions.iter_mut().find(|a| a.id == "upload") else {
            panic!("cloudinary upload");
        };
        match kind {
            Some(k) => upload.param_kinds.insert("image_url".to_owned(), k),
            None => upload.param_kinds.remove("image_url"),
        };
        upload.body = Some(serde_json::json!({ "file": format!("{{file_or:{param}}}") }));
        match Catalog::new(c.tools, c.needs) {
            Ok(_) => assert!(ok, "{kind:?} {param} was accepted"),
            Err(e) => {
                assert!(!ok, "{kind:?} {param}: {e}");
                assert!(e.to_string().contains("fallback"), "{e}");
            }
        }
    }
}
