//! JSON shapes that more than one route module answers with, so no route module imports
//! another: route modules import these, these import no route module.

pub mod json;
pub mod users;
pub mod validation;
pub mod workflows;
