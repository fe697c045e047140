//! From an author's JSON file to a draft statement (docs/DOMAIN.md).
//!
//! The input is one JSON object. A few fields become refs or parts of
//! their own; everything else is the kind's `payload` part, checked here,
//! before signing, so that an author working offline learns of a mistake
//! at once rather than when the archive refuses the statement weeks later.
//!
//! | kind | fields taken out | become |
//! |---|---|---|
//! | note | `text` | part `text` (the only part) |
//! | testimony | `text`, `translation`, `witness` | parts of those names |
//! | amendment | `amends`; with `testimony`: `text`, `translation`, `witness` | ref; parts |
//! | retraction | `retracts` | ref |
//! | annotation | `on` | ref |
//! | redaction | `statement` | ref |
//! | every kind | `created_at` (optional, `YYYY-MM-DDTHH:MM:SSZ`) | the claimed creation time |

use crate::domain::{Payload, TEXT, TRANSLATION, WITNESS};
use crate::hash::Digest;
use crate::json::{JsonError, JsonErrorKind, JsonErrors, JsonType};
use crate::reason::Reason;
use crate::registry::{PayloadError, RegistryChange, PAYLOAD};
use crate::statement::{Draft, Kind};
use serde_json::{Map, Value};

#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    /// Every error found in the input: its shape, its fields, its payload
    /// (`json::from_slice_all`), each with its path and value.
    #[error("{}", one_a_line(.0))]
    Input(JsonErrors),
    #[error("the input must be a JSON object")]
    NotAnObject,
    #[error("{kind} statements cannot be made from a JSON file ({hint})")]
    NotComposable { kind: Kind, hint: &'static str },
    #[error(transparent)]
    Payload(#[from] PayloadError),
}

/// An author fixes her file from this list: one error a line when there
/// are several.
fn one_a_line(errors: &JsonErrors) -> String {
    match errors.0.as_slice() {
        [one] => one.to_string(),
        many => {
            let mut s = format!("{} errors:", many.len());
            for e in many {
                s.push_str("\n  ");
                s.push_str(&e.to_string());
            }
            s
        }
    }
}

fn error(path: &str, value: Option<&Value>, kind: JsonErrorKind) -> JsonError {
    JsonError {
        path: path.to_string(),
        value: value.map(|v| {
            let s = v.to_string();
            if s.chars().count() > 60 {
                s.chars().take(59).collect::<String>() + "…"
            } else {
                s
            }
        }),
        kind,
    }
}

fn invalid(path: &str, value: Option<&Value>, reason: Reason) -> JsonError {
    error(path, value, JsonErrorKind::InvalidValue { reason })
}

fn json_type(v: &Value) -> JsonType {
    match v {
        Value::Null => JsonType::Null,
        Value::Bool(_) => JsonType::Boolean,
        Value::Number(n) if n.is_f64() => JsonType::Number,
        Value::Number(_) => JsonType::Integer,
        Value::String(_) => JsonType::String,
        Value::Array(_) => JsonType::Array,
        Value::Object(_) => JsonType::Object,
    }
}

fn take_ref(
    obj: &mut Map<String, Value>,
    field: &'static str,
    errors: &mut Vec<JsonError>,
) -> Option<Digest> {
    let Some(v) = obj.remove(field) else {
        errors.push(error(field, None, JsonErrorKind::MissingField));
        return None;
    };
    let d = v
        .as_str()
        .map(|s| s.trim().to_ascii_lowercase())
        .and_then(|s| Digest::from_hex(&s));
    if d.is_none() {
        errors.push(invalid(field, Some(&v), Reason::StatementHash));
    }
    d
}

fn take_text_part(
    obj: &mut Map<String, Value>,
    field: &'static str,
    errors: &mut Vec<JsonError>,
) -> Option<Vec<u8>> {
    match obj.remove(field) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.into_bytes()),
        Some(other) if field == WITNESS => Some(crate::json::to_vec(&other)),
        Some(other) => {
            errors.push(error(
                field,
                Some(&other),
                JsonErrorKind::WrongType {
                    found: json_type(&other),
                    expected: JsonType::String,
                },
            ));
            None
        }
    }
}

/// Build the draft of a `kind` statement from the author's JSON text. A
/// refusal lists every error of the file: those of the fields taken out
/// first, then the payload's, in the order of the text.
pub fn draft_from_json(kind: Kind, input: &[u8]) -> Result<Draft, ComposeError> {
    let value: Value = crate::json::from_slice_all(input).map_err(ComposeError::Input)?;
    let Value::Object(mut obj) = value else {
        return Err(ComposeError::NotAnObject);
    };
    let mut errors: Vec<JsonError> = Vec::new();
    let mut draft = Draft::new(kind);
    if let Some(t) = obj.remove("created_at") {
        match t.as_str().and_then(crate::time::parse_time) {
            Some(ms) => draft.created_at = Some(ms),
            None => errors.push(invalid("created_at", Some(&t), Reason::Time)),
        }
    }
    let ref_field = match kind {
        Kind::Amendment => Some("amends"),
        Kind::Retraction => Some("retracts"),
        Kind::Annotation => Some("on"),
        Kind::Redaction => Some("statement"),
        _ => None,
    };
    if let Some(f) = ref_field {
        if let Some(d) = take_ref(&mut obj, f, &mut errors) {
            draft.refs.push(d);
        }
    }
    let separate_parts = match kind {
        Kind::Note => {
            let text = take_text_part(&mut obj, TEXT, &mut errors);
            if text.is_none() && !errors.iter().any(|e| e.path == TEXT) {
                errors.push(invalid(TEXT, None, Reason::NoteNeedsText));
            }
            for (k, v) in &obj {
                errors.push(error(
                    k,
                    Some(v),
                    JsonErrorKind::UnknownField {
                        allowed: vec!["created_at".into(), "text".into()],
                    },
                ));
            }
            return match text {
                Some(text) if errors.is_empty() => Ok(draft.part(TEXT, text)),
                _ => {
                    let mut errors = JsonErrors(errors);
                    crate::json::in_text_order(input, &mut errors);
                    Err(ComposeError::Input(errors))
                }
            };
        }
        Kind::Genesis => {
            return Err(ComposeError::NotComposable {
                kind,
                hint: "use `temoin init`",
            })
        }
        Kind::Testimony => true,
        Kind::Amendment => obj.contains_key("testimony"),
        _ => false,
    };
    let mut parts = Vec::new();
    if separate_parts {
        for label in [TEXT, TRANSLATION, WITNESS] {
            let field = match label {
                TEXT => "text",
                TRANSLATION => "translation",
                _ => "witness",
            };
            if let Some(content) = take_text_part(&mut obj, field, &mut errors) {
                parts.push((label, content));
            }
        }
        // The archive refuses a testimony without its text (docs/DOMAIN.md):
        // said here, at signing, not by the archive after the file travelled.
        if !parts.iter().any(|(l, _)| *l == TEXT) && !errors.iter().any(|e| e.path == TEXT) {
            errors.push(invalid(TEXT, None, Reason::TestimonyNeedsText));
        }
    }
    let payload = crate::json::to_vec(&Value::Object(obj));
    // Check the payload now, as the archive will.
    let checked = if kind.is_registry() {
        let nobody = crate::keys::PublicKey::from_bytes(&[0u8; 32]).map_err(|e| {
            ComposeError::Input(JsonErrors::invalid("", None, Reason::Other(e.to_string())))
        })?;
        RegistryChange::from_payload(kind, nobody, &payload).map(|_| ())
    } else {
        Payload::parse(kind, &payload).map(|parsed| {
            if let Some(p) = parsed {
                errors.extend(code_faults(&p));
            }
        })
    };
    match checked {
        Ok(()) => {}
        Err(PayloadError::Json { errors: e, .. }) => errors.extend(e.0),
        // A payload that reads but breaks a rule: said alone, as before,
        // when it is the only fault; after the others otherwise.
        Err(e) if errors.is_empty() => return Err(ComposeError::Payload(e)),
        Err(PayloadError::Invalid { reason, .. }) => errors.push(invalid("", None, reason)),
        Err(e) => errors.push(invalid("", None, Reason::Other(e.to_string()))),
    }
    if !errors.is_empty() {
        // The file's own members, taken out before the payload was read,
        // are allowed at the top too.
        let mut taken = vec!["created_at"];
        taken.extend(ref_field);
        if separate_parts {
            taken.extend(["text", "translation", "witness"]);
        }
        for e in &mut errors {
            if let JsonErrorKind::UnknownField { allowed } = &mut e.kind {
                if !e.path.contains(['.', '[']) {
                    allowed.extend(taken.iter().map(|s| s.to_string()));
                }
            }
        }
        let mut errors = JsonErrors(errors);
        crate::json::in_text_order(input, &mut errors);
        return Err(ComposeError::Input(errors));
    }
    draft = draft.part(PAYLOAD, payload);
    for (label, content) in parts {
        draft = draft.part(label, content);
    }
    Ok(draft)
}

/// Country and language codes, checked at signing with the fix
/// (`codes`): the archive's rules accept what they accepted before.
fn code_faults(p: &Payload) -> Vec<JsonError> {
    use crate::codes::{country_fault, language_fault};
    let (incident, testimony, amended) = match p {
        Payload::Incident(i) => (Some(i), None, false),
        Payload::Testimony(t) => (None, Some(t), false),
        Payload::Amendment(a) => (a.incident.as_ref(), a.testimony.as_ref(), true),
        _ => (None, None, false),
    };
    let mut out = Vec::new();
    if let Some(i) = incident {
        if let Some(reason) = country_fault(&i.place.country) {
            let path = if amended {
                "incident.place.country"
            } else {
                "place.country"
            };
            out.push(invalid(
                path, None, // the reason quotes the value
                reason,
            ));
        }
    }
    if let Some(t) = testimony {
        if let Some(reason) = language_fault(&t.language) {
            let path = if amended {
                "testimony.language"
            } else {
                "language"
            };
            out.push(invalid(path, None, reason));
        }
    }
    out
}
