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
