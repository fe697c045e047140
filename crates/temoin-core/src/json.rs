//! The one reader of JSON that comes from outside: payloads, the author's
//! input to `sign`, receipts, consistency proofs and bundles
//! (docs/FORMAT.md §1: "a member given twice is refused").
//!
//! serde_json keeps the last of two members with one name, silently, and
//! so do most other parsers; a verifier in another language may keep the
//! first. Such a file means two things at once, so it is refused: one pass
//! checks every object of the text for a repeated name, then the text is
//! read into its type.
//!
//! It also writes temoin's own JSON ([`to_vec`], [`to_string_pretty`]).

use crate::reason::Reason;
use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};
use std::collections::HashSet;
use std::fmt;

/// Read `bytes` as a `T`, refusing any object that gives a member twice.
/// An error names the field it is about, as a path from the top
/// (`claims[0].victims[1].sex: unknown variant `F`, …`).
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_json::Error> {
    serde_json::from_slice::<NoRepeatedMember>(bytes)?;
    let mut d = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut d).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." {
            inner
        } else {
            de::Error::custom(format_args!("{path}: {inner}"))
        }
    })?;
    d.end()?;
    Ok(value)
}

/// Read `bytes` as a `T` exactly as [`from_slice`] does (the same inputs
/// are accepted and refused), but on refusal report **every** error of the
/// text, each with its path and value, in document order; at most
/// [`MAX_ERRORS`]. A syntax error or a repeated member stops the reading:
/// it is the one error reported, with its line and column.
///
/// How: the strict reader decides. If it refuses, the text is read into an
/// ordered tree and deserialized again and again; each error is recorded
/// at its path, then the tree is patched there to get past it (an unknown
/// member removed, a bad value replaced by a well-typed placeholder, a
/// missing member inserted) and errors that only the placeholders cause
/// are not reported.
pub fn from_slice_all<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, JsonErrors> {
    match from_slice::<T>(bytes) {
        Ok(v) => Ok(v),
        Err(strict) => Err(collect::<T>(bytes, &strict)),
    }
}

/// The most errors reported for one text.
pub const MAX_ERRORS: usize = 100;

/// Every error of a JSON text, in document order (deserialization order).
/// Never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonErrors(pub Vec<JsonError>);

/// One error of a JSON text: where, what was there, what is wrong. The
/// English text is [`fmt::Display`]; a translation renders `kind` itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// From the top of the text, `claims[0].victims[1].sex`; for an unknown
    /// or missing member, the path of that member. Empty for a syntax error.
    pub path: String,
    /// The value found there, as compact JSON (cut after 60 characters);
    /// `None` for a missing member or a syntax error.
    pub value: Option<String>,
    pub kind: JsonErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonErrorKind {
    /// Not JSON: nothing after it can be read.
    Syntax {
        line: usize,
        column: usize,
        reason: String,
    },
    /// An object names a member twice (docs/FORMAT.md §1): refused whole.
    RepeatedMember {
        name: String,
        line: usize,
        column: usize,
    },
    /// A member this object does not have; `allowed` are the ones it has.
    UnknownField { allowed: Vec<String> },
    /// A value of the wrong JSON type.
    WrongType { found: JsonType, expected: JsonType },
    /// A string that is not one of the allowed values.
    NotOneOf { allowed: Vec<String> },
    /// A required member is absent.
    MissingField,
    /// A value of the right type that is not acceptable, and why.
    InvalidValue { reason: crate::reason::Reason },
}

/// JSON types, as errors name them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonType {
    String,
    /// A whole number, of any sign.
    Integer,
    /// A whole number, 0 or more.
    NonNegativeInteger,
    Number,
    Boolean,
    Array,
    Object,
    Null,
    /// What serde calls it, when it is none of the above.
    Other(String),
}

impl fmt::Display for JsonType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonType::String => f.write_str("a string"),
            JsonType::Integer => f.write_str("an integer"),
            JsonType::NonNegativeInteger => f.write_str("an integer, 0 or more"),
            JsonType::Number => f.write_str("a number"),
            JsonType::Boolean => f.write_str("true or false"),
            JsonType::Array => f.write_str("an array"),
            JsonType::Object => f.write_str("an object"),
            JsonType::Null => f.write_str("null"),
            JsonType::Other(s) => f.write_str(s),
        }
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "(the top)"
        } else {
            &self.path
        };
        let value = self.value.as_deref().unwrap_or("");
        match &self.kind {
            JsonErrorKind::Syntax {
                line,
                column,
                reason,
            } => write!(f, "line {line}, column {column}: {reason}"),
            JsonErrorKind::RepeatedMember { name, line, column } => write!(
                f,
                "line {line}, column {column}: member {name:?} is given twice in one object"
            ),
            JsonErrorKind::UnknownField { allowed } if allowed.is_empty() => {
                write!(f, "{path}: unknown field; this object has no fields")
            }
            JsonErrorKind::UnknownField { allowed } => write!(
                f,
                "{path}: unknown field; the fields here are {}",
                allowed.join(", ")
            ),
            JsonErrorKind::WrongType { found, expected } => {
                write!(f, "{path}: {value} is {found}, expected {expected}")
            }
            JsonErrorKind::NotOneOf { allowed } => {
                write!(f, "{path}: {value} is not one of {}", allowed.join(", "))
            }
            JsonErrorKind::MissingField => write!(f, "{path}: missing (a required field)"),
            JsonErrorKind::InvalidValue { reason } if value.is_empty() => {
                write!(f, "{path}: {reason}")
            }
            JsonErrorKind::InvalidValue { reason } => write!(f, "{path}: {value}: {reason}"),
        }
    }
}

/// On one line, `; ` between errors (a fault line, a refusal line); a
/// command that shows them to an author lists them one a line instead.
impl fmt::Display for JsonErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.len() > 1 {
            write!(f, "{} errors: ", self.0.len())?;
        }
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for JsonErrors {}

impl JsonErrors {
    pub fn iter(&self) -> impl Iterator<Item = &JsonError> {
        self.0.iter()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// One error that is not about JSON shape (a value checked after it
    /// was read), at `path`.
    pub fn invalid(path: &str, value: Option<String>, reason: Reason) -> JsonErrors {
        JsonErrors(vec![JsonError {
            path: path.to_string(),
            value,
            kind: JsonErrorKind::InvalidValue { reason },
        }])
    }
}

// ---- the ordered tree -------------------------------------------------

/// A JSON value with its members in the order of the text (serde_json's
/// `Value` sorts them), so that errors come in document order.
#[derive(Debug, Clone, PartialEq)]
enum Tree {
    Null,
    Bool(bool),
    U(u64),
    I(i64),
    F(f64),
    Str(String),
    Arr(Vec<Tree>),
    Obj(Vec<(String, Tree)>),
}

impl Tree {
    fn kind(&self) -> JsonType {
        match self {
            Tree::Null => JsonType::Null,
            Tree::Bool(_) => JsonType::Boolean,
            Tree::U(_) | Tree::I(_) => JsonType::Integer,
            Tree::F(_) => JsonType::Number,
            Tree::Str(_) => JsonType::String,
            Tree::Arr(_) => JsonType::Array,
            Tree::Obj(_) => JsonType::Object,
        }
    }

    /// Compact JSON, cut after 60 characters.
    fn shown(&self) -> String {
        fn write(t: &Tree, out: &mut String) {
            match t {
                Tree::Null => out.push_str("null"),
                Tree::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
                Tree::U(n) => out.push_str(&n.to_string()),
                Tree::I(n) => out.push_str(&n.to_string()),
                Tree::F(x) => out.push_str(
                    &serde_json::Number::from_f64(*x)
                        .map_or_else(|| x.to_string(), |n| n.to_string()),
                ),
                Tree::Str(s) => out.push_str(&serde_json::to_string(s).unwrap_or_default()),
                Tree::Arr(v) => {
                    out.push('[');
                    for (i, x) in v.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        write(x, out);
                        if out.len() > 200 {
                            break;
                        }
                    }
                    out.push(']');
                }
                Tree::Obj(m) => {
                    out.push('{');
                    for (i, (k, x)) in m.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        out.push_str(&serde_json::to_string(k).unwrap_or_default());
                        out.push(':');
                        write(x, out);
                        if out.len() > 200 {
                            break;
                        }
                    }
                    out.push('}');
                }
            }
        }
        let mut out = String::new();
        write(self, &mut out);
        if out.chars().count() > 60 {
            out = out.chars().take(59).collect::<String>() + "…";
        }
        out
    }
}

/// Reads a text into a [`Tree`], noting the first member given twice.
struct TreeSeed<'a> {
    repeated: &'a std::cell::RefCell<Option<String>>,
}

impl<'de> de::DeserializeSeed<'de> for TreeSeed<'_> {
    type Value = Tree;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Tree, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TreeSeed<'_> {
    type Value = Tree;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Tree, E> {
        Ok(Tree::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Tree, E> {
        Ok(Tree::I(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Tree, E> {
        Ok(Tree::U(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Tree, E> {
        Ok(Tree::F(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Tree, E> {
        Ok(Tree::Str(v.to_string()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Tree, E> {
        Ok(Tree::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Tree, A::Error> {
        let mut v = Vec::new();
        while let Some(x) = seq.next_element_seed(TreeSeed {
            repeated: self.repeated,
        })? {
            v.push(x);
        }
        Ok(Tree::Arr(v))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tree, A::Error> {
        let mut m: Vec<(String, Tree)> = Vec::new();
        let mut names = HashSet::new();
        while let Some(name) = map.next_key::<String>()? {
            if !names.insert(name.clone()) {
                let shown: String = name.chars().take(40).collect();
                *self.repeated.borrow_mut() = Some(shown);
                return Err(de::Error::custom("member given twice"));
            }
            let v = map.next_value_seed(TreeSeed {
                repeated: self.repeated,
            })?;
            m.push((name, v));
        }
        Ok(Tree::Obj(m))
    }
}

// ---- a deserializer over the tree, whose errors keep their structure ----

/// What went wrong, as serde said it (its arguments, not its message).
#[derive(Debug)]
enum DeError {
    UnknownField {
        field: String,
        allowed: &'static [&'static str],
    },
    UnknownVariant {
        allowed: &'static [&'static str],
    },
    InvalidType {
        found: JsonType,
        expected: String,
    },
    InvalidValue {
        expected: String,
    },
    Missing {
        field: &'static str,
    },
    Custom(String),
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}

impl std::error::Error for DeError {}

fn unexpected_type(u: de::Unexpected<'_>) -> JsonType {
    use de::Unexpected as U;
    match u {
        U::Bool(_) => JsonType::Boolean,
        U::Unsigned(_) | U::Signed(_) => JsonType::Integer,
        U::Float(_) => JsonType::Number,
        U::Char(_) | U::Str(_) => JsonType::String,
        U::Unit | U::Option => JsonType::Null,
        U::Seq => JsonType::Array,
        U::Map => JsonType::Object,
        other => JsonType::Other(other.to_string()),
    }
}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError::Custom(msg.to_string())
    }
    fn invalid_type(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        DeError::InvalidType {
            found: unexpected_type(unexp),
            expected: exp.to_string(),
        }
    }
    fn invalid_value(_unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        DeError::InvalidValue {
            expected: exp.to_string(),
        }
    }
    fn invalid_length(_len: usize, exp: &dyn de::Expected) -> Self {
        DeError::InvalidValue {
            expected: exp.to_string(),
        }
    }
    fn unknown_variant(_variant: &str, expected: &'static [&'static str]) -> Self {
        DeError::UnknownVariant { allowed: expected }
    }
    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        DeError::UnknownField {
            field: field.to_string(),
            allowed: expected,
        }
    }
    fn missing_field(field: &'static str) -> Self {
        DeError::Missing { field }
    }
}

impl<'de> Deserializer<'de> for &Tree {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        match self {
            Tree::Null => v.visit_unit(),
            Tree::Bool(b) => v.visit_bool(*b),
            Tree::U(n) => v.visit_u64(*n),
            Tree::I(n) => v.visit_i64(*n),
            Tree::F(x) => v.visit_f64(*x),
            Tree::Str(s) => v.visit_str(s),
            Tree::Arr(items) => v.visit_seq(TreeSeq(items.iter())),
            Tree::Obj(m) => v.visit_map(TreeMap {
                it: m.iter(),
                value: None,
            }),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        match self {
            Tree::Null => v.visit_none(),
            _ => v.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> Result<V::Value, DeError> {
        v.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DeError> {
        use serde::de::IntoDeserializer;
        match self {
            // The unit variants of temoin's payloads are strings.
            Tree::Str(s) => v.visit_enum(s.as_str().into_deserializer()),
            other => Err(DeError::InvalidType {
                found: other.kind(),
                expected: "a string".into(),
            }),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
        identifier ignored_any
    }
}

struct TreeSeq<'a>(std::slice::Iter<'a, Tree>);

impl<'de> SeqAccess<'de> for TreeSeq<'_> {
    type Error = DeError;
    fn next_element_seed<S: de::DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, DeError> {
        match self.0.next() {
            Some(t) => seed.deserialize(t).map(Some),
            None => Ok(None),
        }
    }
}

struct TreeMap<'a> {
    it: std::slice::Iter<'a, (String, Tree)>,
    value: Option<&'a Tree>,
}

impl<'de> MapAccess<'de> for TreeMap<'_> {
    type Error = DeError;
    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        use serde::de::IntoDeserializer;
        match self.it.next() {
            Some((k, v)) => {
                self.value = Some(v);
                seed.deserialize(k.as_str().into_deserializer()).map(Some)
            }
            None => Ok(None),
        }
    }
    fn next_value_seed<S: de::DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<S::Value, DeError> {
        match self.value.take() {
            Some(v) => seed.deserialize(v),
            None => Err(de::Error::custom("a value asked for before its key")),
        }
    }
}

// ---- collecting ---------------------------------------------------------

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Step {
    Key(String),
    Index(usize),
}

fn path_text(p: &[Step]) -> String {
    let mut s = String::new();
    for step in p {
        match step {
            Step::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Step::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

fn steps(p: &serde_path_to_error::Path) -> Option<Vec<Step>> {
    use serde_path_to_error::Segment;
    let mut out = Vec::new();
    for seg in p.iter() {
        match seg {
            Segment::Seq { index } => out.push(Step::Index(*index)),
            Segment::Map { key } => out.push(Step::Key(key.clone())),
            Segment::Enum { .. } => {}
            Segment::Unknown => return None,
        }
    }
    Some(out)
}

fn at<'a>(t: &'a Tree, p: &[Step]) -> Option<&'a Tree> {
    p.iter().try_fold(t, |t, step| match (t, step) {
        (Tree::Obj(m), Step::Key(k)) => m.iter().find(|(n, _)| n == k).map(|(_, v)| v),
        (Tree::Arr(v), Step::Index(i)) => v.get(*i),
        _ => None,
    })
}

fn at_mut<'a>(t: &'a mut Tree, p: &[Step]) -> Option<&'a mut Tree> {
    p.iter().try_fold(t, |t, step| match (t, step) {
        (Tree::Obj(m), Step::Key(k)) => m.iter_mut().find(|(n, _)| n == k).map(|(_, v)| v),
        (Tree::Arr(v), Step::Index(i)) => v.get_mut(*i),
        _ => None,
    })
}

/// Put `v` at `p`: replace the value there, or add the member `p` names to
/// its object. False if there is no such place.
fn put(t: &mut Tree, p: &[Step], v: Tree) -> bool {
    let Some((last, parent)) = p.split_last() else {
        *t = v;
        return true;
    };
    match (at_mut(t, parent), last) {
        (Some(Tree::Obj(m)), Step::Key(k)) => {
            match m.iter_mut().find(|(n, _)| n == k) {
                Some((_, old)) => *old = v,
                None => m.push((k.clone(), v)),
            }
            true
        }
        (Some(Tree::Arr(a)), Step::Index(i)) if *i < a.len() => {
            a[*i] = v;
            true
        }
        _ => false,
    }
}

fn remove(t: &mut Tree, p: &[Step]) -> bool {
    let Some((Step::Key(k), parent)) = p.split_last() else {
        return false;
    };
    match at_mut(t, parent) {
        Some(Tree::Obj(m)) => {
            let before = m.len();
            m.retain(|(n, _)| n != k);
            m.len() < before
        }
        _ => false,
    }
}

/// The JSON type serde's "expected" text names, if it is one.
fn expected_type(expected: &str) -> JsonType {
    let e = expected.trim_start_matches("a ").trim_start_matches("an ");
    let int = |s: &str| s.len() > 1 && s[1..].bytes().all(|b| b.is_ascii_digit());
    match e {
        "string" | "borrowed string" | "char" => JsonType::String,
        "boolean" => JsonType::Boolean,
        "sequence" | "tuple" => JsonType::Array,
        "map" => JsonType::Object,
        "unit" => JsonType::Null,
        "f32" | "f64" => JsonType::Number,
        _ if e.starts_with('u') && int(e) => JsonType::NonNegativeInteger,
        _ if e.starts_with('i') && int(e) => JsonType::Integer,
        _ if e.starts_with("struct ") || e.starts_with("enum ") => {
            if e.starts_with("struct ") {
                JsonType::Object
            } else {
                JsonType::String
            }
        }
        _ => JsonType::Other(expected.to_string()),
    }
}

/// A well-typed stand-in for a value of type `t`, if there is one.
fn placeholder(t: &JsonType) -> Option<Tree> {
    Some(match t {
        JsonType::String => Tree::Str(String::new()),
        JsonType::Integer | JsonType::NonNegativeInteger | JsonType::Number => Tree::U(0),
        JsonType::Boolean => Tree::Bool(false),
        JsonType::Array => Tree::Arr(Vec::new()),
        JsonType::Object => Tree::Obj(Vec::new()),
        JsonType::Null => Tree::Null,
        JsonType::Other(_) => return None,
    })
}

/// Stand-ins tried in turn where the type cannot be told.
fn candidate(i: usize) -> Option<Tree> {
    [
        Tree::Str(String::new()),
        Tree::U(0),
        Tree::Obj(Vec::new()),
        Tree::Arr(Vec::new()),
        Tree::Bool(false),
        Tree::Null,
    ]
    .get(i)
    .cloned()
}

/// The reason to give for a custom error of serde's (untagged enums say
/// only that nothing matched).
fn custom_reason(msg: &str) -> Reason {
    if msg.contains("untagged enum Count") {
        Reason::ExpectedCount
    } else {
        Reason::Other(msg.to_string())
    }
}

fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

fn collect<T: DeserializeOwned>(bytes: &[u8], strict: &serde_json::Error) -> JsonErrors {
    let only_strict = || {
        JsonErrors(vec![JsonError {
            path: String::new(),
            value: None,
            kind: JsonErrorKind::InvalidValue {
                reason: Reason::Other(strict.to_string()),
            },
        }])
    };
    let repeated = std::cell::RefCell::new(None);
    let mut d = serde_json::Deserializer::from_slice(bytes);
    let tree = de::DeserializeSeed::deserialize(
        TreeSeed {
            repeated: &repeated,
        },
        &mut d,
    )
    .and_then(|t| d.end().map(|()| t));
    let mut tree = match tree {
        Ok(t) => t,
        Err(e) => {
            let (line, column) = (e.line(), e.column());
            let kind = match repeated.into_inner() {
                Some(name) => JsonErrorKind::RepeatedMember { name, line, column },
                None => JsonErrorKind::Syntax {
                    line,
                    column,
                    reason: strip_position(&e.to_string()),
                },
            };
            return JsonErrors(vec![JsonError {
                path: String::new(),
                value: None,
                kind,
            }]);
        }
    };
    let mut errors: Vec<JsonError> = Vec::new();
    // Places holding a stand-in: errors at or under them are the stand-in's.
    let mut standins: Vec<Vec<Step>> = Vec::new();
    // Patches made at each place, to give up rather than loop.
    let mut patches: std::collections::HashMap<Vec<Step>, usize> = Default::default();
    // Untyped stand-ins tried at each place.
    let mut guesses: std::collections::HashMap<Vec<Step>, usize> = Default::default();
    for _ in 0..MAX_ERRORS * 10 {
        let e = match serde_path_to_error::deserialize::<_, T>(&tree) {
            Ok(_) => break,
            Err(e) => e,
        };
        let Some(mut p) = steps(e.path()) else { break };
        let err = e.into_inner();
        // An unknown or missing member: the path names the member itself.
        // (serde_path_to_error has the unknown member in the path already.)
        if let DeError::UnknownField { field, .. } = &err {
            if p.last() != Some(&Step::Key(field.clone())) {
                p.push(Step::Key(field.clone()));
            }
        }
        if let DeError::Missing { field } = &err {
            p.push(Step::Key(field.to_string()));
        }
        let tried = patches.entry(p.clone()).or_default();
        *tried += 1;
        if *tried > 8 {
            break;
        }
        let consequence = standins.iter().any(|s| p.starts_with(s));
        let value = at(&tree, &p).map(Tree::shown);
        let (kind, fix) = match err {
            DeError::UnknownField { allowed, .. } => (
                JsonErrorKind::UnknownField {
                    allowed: allowed.iter().map(|s| s.to_string()).collect(),
                },
                None,
            ),
            DeError::UnknownVariant { allowed } => (
                JsonErrorKind::NotOneOf {
                    allowed: allowed.iter().map(|s| s.to_string()).collect(),
                },
                allowed.first().map(|a| Tree::Str(a.to_string())),
            ),
            DeError::InvalidType { found, expected } => {
                let expected = expected_type(&expected);
                let fix = placeholder(&expected);
                (JsonErrorKind::WrongType { found, expected }, fix)
            }
            DeError::InvalidValue { expected } => {
                let t = expected_type(&expected);
                let fix = placeholder(&t);
                (
                    JsonErrorKind::InvalidValue {
                        reason: Reason::Expected(t),
                    },
                    fix,
                )
            }
            DeError::Missing { .. } => (JsonErrorKind::MissingField, None),
            DeError::Custom(msg) => (
                JsonErrorKind::InvalidValue {
                    reason: custom_reason(&msg),
                },
                None,
            ),
        };
        let unknown = matches!(kind, JsonErrorKind::UnknownField { .. });
        if !consequence
            && !errors
                .iter()
                .any(|x| x.path == path_text(&p) && x.kind == kind)
        {
            errors.push(JsonError {
                path: path_text(&p),
                value: if matches!(kind, JsonErrorKind::MissingField) {
                    None
                } else {
                    value
                },
                kind,
            });
            if errors.len() >= MAX_ERRORS {
                break;
            }
        }
        let done = if unknown {
            remove(&mut tree, &p)
        } else {
            // A stand-in of the type serde asked for; where it did not
            // say, each of the others in turn.
            let fix = match fix {
                Some(f) => Some(f),
                None => {
                    let i = guesses.entry(p.clone()).or_default();
                    *i += 1;
                    candidate(*i - 1)
                }
            };
            match fix {
                Some(f) => {
                    standins.push(p.clone());
                    put(&mut tree, &p, f)
                }
                None => false,
            }
        };
        if !done {
            break;
        }
    }
    if errors.is_empty() {
        only_strict()
    } else {
        JsonErrors(errors)
    }
}

/// Put `errors` in the order of `text`, where they are about: by the
/// place in the text of their path (or, for a missing member, of the
/// object that lacks it); errors about one place keep their order. For
/// errors found on a rewritten copy of `text` (`compose` takes fields out
/// and reads the rest), so that the author reads them top to bottom.
pub fn in_text_order(text: &[u8], errors: &mut JsonErrors) {
    let repeated = std::cell::RefCell::new(None);
    let mut d = serde_json::Deserializer::from_slice(text);
    let Ok(tree) = de::DeserializeSeed::deserialize(
        TreeSeed {
            repeated: &repeated,
        },
        &mut d,
    ) else {
        return;
    };
    let mut order: std::collections::HashMap<String, usize> = Default::default();
    fn walk(t: &Tree, p: &mut Vec<Step>, order: &mut std::collections::HashMap<String, usize>) {
        let n = order.len();
        order.entry(path_text(p)).or_insert(n);
        match t {
            Tree::Arr(v) => {
                for (i, x) in v.iter().enumerate() {
                    p.push(Step::Index(i));
                    walk(x, p, order);
                    p.pop();
                }
            }
            Tree::Obj(m) => {
                for (k, x) in m {
                    p.push(Step::Key(k.clone()));
                    walk(x, p, order);
                    p.pop();
                }
            }
            _ => {}
        }
    }
    walk(&tree, &mut Vec::new(), &mut order);
    let place = |path: &str| -> usize {
        let mut p = path;
        loop {
            if let Some(i) = order.get(p) {
                return *i;
            }
            match p.rfind(['.', '[']) {
                Some(cut) => p = &p[..cut],
                None => return order.get("").copied().unwrap_or(0),
            }
        }
    };
    errors.0.sort_by_key(|e| place(&e.path));
}

/// Any JSON value in which no object names a member twice.
struct NoRepeatedMember;

impl<'de> de::Deserialize<'de> for NoRepeatedMember {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NoRepeatedMember)
    }
}

impl<'de> Visitor<'de> for NoRepeatedMember {
    type Value = NoRepeatedMember;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self, A::Error> {
        while seq.next_element::<NoRepeatedMember>()?.is_some() {}
        Ok(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self, A::Error> {
        let mut names = HashSet::new();
        while let Some(name) = map.next_key::<String>()? {
            if names.contains(&name) {
                let shown: String = name.chars().take(40).collect();
                return Err(de::Error::custom(format_args!(
                    "member {shown:?} is given twice in one object"
                )));
            }
            map.next_value::<NoRepeatedMember>()?;
            names.insert(name);
        }
        Ok(self)
    }
}

/// JSON bytes of a value of one of temoin's own types (payloads, receipts,
/// bundles). Their serialisation cannot fail: string map keys only, no
/// fallible `Serialize` impl. Were it ever to, that is a bug to surface at
/// once, never an empty payload to sign or an empty file to write.
pub fn to_vec<T: serde::Serialize + ?Sized>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("temoin's own types always serialise to JSON")
}

/// [`to_vec`], indented, as a string (the form of saved files).
pub fn to_string_pretty<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("temoin's own types always serialise to JSON")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Incident, Testimony};

    fn testimony(text: &str) -> Result<Testimony, JsonErrors> {
        from_slice_all(text.as_bytes())
    }

    const GOOD: &str = r#"{"incidents": ["a"], "source": {"relation": "press", "description": "d"},
        "language": "fr", "claims": [{"incident": "a", "dead": 3,
        "victims": [{"name": "A", "sex": "male", "status": "dead"}, {"name": "B", "sex": "female", "age": {"min": 7, "max": 15}, "status": "dead"}]}]}"#;

    #[test]
    fn three_errors_in_three_places_are_all_reported_in_the_order_of_the_text() {
        let bad = r#"{"incidents": ["a"], "source": {"relation": "press", "descripton": "d"},
            "language": "fr", "claims": [{"incident": "a", "dead": "sept",
            "victims": [{"name": "A", "sex": "male", "status": "dead"}, {"name": "B", "sex": "F", "status": "dead"}]}]}"#;
        let e = testimony(bad).unwrap_err();
        let got: Vec<(&str, Option<&str>)> = e
            .iter()
            .map(|e| (e.path.as_str(), e.value.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("source.descripton", Some("\"d\"")),
                ("claims[0].dead", Some("\"sept\"")),
                ("claims[0].victims[1].sex", Some("\"F\"")),
            ],
            "{e}"
        );
        assert!(
            matches!(&e.0[0].kind, JsonErrorKind::UnknownField { allowed } if allowed.contains(&"description".to_string()))
        );
        assert!(matches!(&e.0[1].kind, JsonErrorKind::InvalidValue { .. }));
        assert_eq!(
            e.0[2].kind,
            JsonErrorKind::NotOneOf {
                allowed: vec!["female".into(), "male".into(), "unknown".into()]
            }
        );
        assert_eq!(
            e.0[2].to_string(),
            "claims[0].victims[1].sex: \"F\" is not one of female, male, unknown"
        );
        // The same every time.
        assert_eq!(testimony(bad).unwrap_err(), e);
        // And a valid file is still read.
        assert!(testimony(GOOD).is_ok());
    }

    #[test]
    fn each_kind_of_error_is_typed() {
        let e = testimony(r#"{"incidents": "a", "source": {}, "language": 5}"#).unwrap_err();
        let kinds: Vec<(&str, &JsonErrorKind)> =
            e.iter().map(|e| (e.path.as_str(), &e.kind)).collect();
        assert_eq!(
            kinds,
            [
                (
                    "incidents",
                    &JsonErrorKind::WrongType {
                        found: JsonType::String,
                        expected: JsonType::Array
                    }
                ),
                ("source.relation", &JsonErrorKind::MissingField),
                (
                    "language",
                    &JsonErrorKind::WrongType {
                        found: JsonType::Integer,
                        expected: JsonType::String
                    }
                ),
            ],
            "{e}"
        );
        // A syntax error stops the reading, with its line and column.
        let e = testimony("{\"incidents\": [\"a\",\n  ]}").unwrap_err();
        assert_eq!(e.len(), 1);
        assert!(
            matches!(
                e.0[0].kind,
                JsonErrorKind::Syntax {
                    line: 2,
                    column: 3,
                    ..
                }
            ),
            "{e}"
        );
        let e = testimony(r#"{"language": "fr", "language": "en"}"#).unwrap_err();
        assert!(
            matches!(&e.0[0].kind, JsonErrorKind::RepeatedMember { name, line: 1, .. } if name == "language"),
            "{e}"
        );
        // A missing object is one error, not one per member it lacks.
        let e = from_slice_all::<Incident>(br#"{"id": "a", "title": "t", "type": "x", "when": {"start": "2025-01-01", "precision": "exact"}}"#).unwrap_err();
        assert_eq!(e.len(), 1, "{e}");
        assert_eq!(e.0[0].path, "place");
        // At most MAX_ERRORS.
        let many: String = (0..300).map(|i| format!("\"x{i}\": {i},")).collect();
        let e = testimony(&format!("{{{many} \"incidents\": []}}")).unwrap_err();
        assert_eq!(e.len(), MAX_ERRORS);
    }

    /// The collecting reader accepts exactly what the strict one accepts
    /// (it is asked only once the strict one refused), and a refusal is
    /// never an empty list: on the domain's examples and on versions of
    /// them with a member removed, renamed, or its value replaced.
    #[test]
    fn the_collecting_reader_accepts_exactly_what_the_strict_one_does() {
        let bases = [GOOD.to_string()];
        let swaps: [serde_json::Value; 7] = [
            serde_json::json!(null),
            serde_json::json!("x"),
            serde_json::json!(-1),
            serde_json::json!(1.5),
            serde_json::json!([]),
            serde_json::json!({}),
            serde_json::json!({"min": 3, "max": 2}),
        ];
        let mut texts = Vec::new();
        for b in &bases {
            let v: serde_json::Value = serde_json::from_str(b).unwrap();
            let mut paths = Vec::new();
            fn each(v: &serde_json::Value, p: String, out: &mut Vec<String>) {
                out.push(p.clone());
                match v {
                    serde_json::Value::Object(m) => {
                        m.iter().for_each(|(k, x)| each(x, format!("{p}/{k}"), out))
                    }
                    serde_json::Value::Array(a) => a
                        .iter()
                        .enumerate()
                        .for_each(|(i, x)| each(x, format!("{p}/{i}"), out)),
                    _ => {}
                }
            }
            each(&v, String::new(), &mut paths);
            for p in paths.iter().filter(|p| !p.is_empty()) {
                for s in &swaps {
                    let mut m = v.clone();
                    *m.pointer_mut(p).unwrap() = s.clone();
                    texts.push(m.to_string());
                }
                let (parent, last) = p.rsplit_once('/').unwrap();
                let mut m = v.clone();
                if let Some(o) = m.pointer_mut(parent).and_then(|x| x.as_object_mut()) {
                    let x = o.remove(last).unwrap();
                    texts.push(serde_json::Value::Object(o.clone()).to_string());
                    o.insert(format!("{last}_"), x);
                    texts.push(m.to_string());
                }
            }
        }
        assert!(texts.len() > 100);
        for t in &texts {
            let strict = from_slice::<Testimony>(t.as_bytes());
            let all = testimony(t);
            assert_eq!(strict.is_ok(), all.is_ok(), "{t}");
            if let (Err(s), Err(a)) = (&strict, &all) {
                assert!(!a.is_empty() && a.len() <= MAX_ERRORS);
                // The strict reader's first error is among them, by path.
                let s = s.to_string();
                let strict_path = s.split(": ").next().unwrap_or("");
                assert!(
                    a.iter().any(|e| e.path.starts_with(strict_path)) || !s.contains(": "),
                    "{t}: strict said {s}, collected {a}"
                );
            }
        }
    }

    #[test]
    fn a_member_given_twice_is_refused_at_any_depth() {
        #[derive(serde::Deserialize, Debug)]
        struct Open {
            #[allow(dead_code)]
            v: serde_json::Value,
        }
        for bad in [
            r#"{"v": 1, "v": 2}"#,
            r#"{"v": {"a": 1, "b": 2, "a": 3}}"#,
            r#"{"v": [{"x": [], "x": []}]}"#,
        ] {
            let e = from_slice::<Open>(bad.as_bytes()).unwrap_err().to_string();
            assert!(e.contains("given twice"), "{bad}: {e}");
            // serde_json alone takes it, keeping the last.
            assert!(serde_json::from_slice::<serde_json::Value>(bad.as_bytes()).is_ok());
        }
        let ok: Open = from_slice(br#"{"v": {"a": 1, "b": {"a": 2}}}"#).unwrap();
        assert_eq!(ok.v["b"]["a"], 2);
    }
}
