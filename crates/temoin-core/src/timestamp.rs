//! RFC 3161 timestamp tokens over a checkpoint (DESIGN item 12,
//! docs/FORMAT.md §6.3): time that does not depend on the archive's word.
//!
//! A token is a CMS `SignedData` whose encapsulated content is a `TSTInfo`;
//! its `messageImprint` is SHA-256 of the checkpoint's note text (the bytes
//! the archive's signature covers), so a token is about one tree (origin,
//! size, root) and says it existed no later than its `genTime`. A token is
//! trusted only when its signer's certificate is one the verifier trusts,
//! or is issued (and signed) by one. Parsing and signatures are RustCrypto's
//! (`cms`, `x509-cert`, `der`, `rsa`, `p256`); nothing here is hand-rolled.

use cms::cert::CertificateChoices;
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier, SignerInfo};
use der::asn1::{Int, OctetString};
use der::oid::ObjectIdentifier;
use der::{Any, Decode, Encode};
use sha2::{Digest as _, Sha256};
use spki::AlgorithmIdentifier;
use x509_cert::ext::pkix::{ExtendedKeyUsage, SubjectKeyIdentifier};
use x509_cert::Certificate;
use x509_tsp::{MessageImprint, TimeStampReq, TimeStampResp, TspVersion, TstInfo};

const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const ID_CT_TST_INFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");
const ID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const ID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const ID_SHA_256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const SHA_256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const ECDSA_WITH_SHA_256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const ID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const SECP_256_R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const ID_KP_TIME_STAMPING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.8");

/// The largest token accepted (a token with its certificate is a few KiB).
pub const MAX_TOKEN_BYTES: usize = 64 * 1024;

/// Why a timestamp token does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimestampError {
    #[error("not an RFC 3161 timestamp token: {0}")]
    Malformed(String),
    #[error("the token is over another text (its message imprint is {found}, the checkpoint's text hashes to {expected}): it is not about this checkpoint")]
    Imprint { expected: String, found: String },
    #[error(
        "unsupported algorithm {0} (temoin checks SHA-256 with RSA PKCS#1 v1.5 or ECDSA P-256)"
    )]
    Unsupported(String),
    #[error("the token's signer ({subject}) is not a trusted TSA: give its certificate, or its issuer's, with --tsa-cert")]
    Untrusted { subject: String },
    #[error("the token's signature does not verify ({0}): it was altered or not made by its TSA")]
    Signature(String),
    #[error("the TSA certificate {subject} may not sign timestamps: {reason}")]
    Certificate { subject: String, reason: String },
    #[error("no trusted TSA certificate given")]
    NoTrust,
}

fn malformed(what: &str) -> impl Fn(der::Error) -> TimestampError + '_ {
    move |e| TimestampError::Malformed(format!("{what}: {e}"))
}

/// What a verified token establishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedTimestamp {
    /// `genTime`, unix seconds (UTC).
    pub gen_time: i64,
    /// The signer certificate's subject (RFC 4514 string), the TSA's name.
    pub tsa: String,
    /// Hex of the TSTInfo serial number.
    pub serial: String,
    /// The TSA's policy OID.
    pub policy: String,
}

impl VerifiedTimestamp {
    /// `genTime` as `YYYY-MM-DDTHH:MM:SSZ`.
    pub fn gen_time_text(&self) -> String {
        crate::time::format_ms(self.gen_time.saturating_mul(1000))
    }
}

/// The checkpoint note's text: the bytes its signatures cover, up to and
/// including the first newline of the note's last `\n\n` (FORMAT.md §6).
/// `None` when the note has no signature block.
pub fn note_text(note: &str) -> Option<&str> {
    note.rfind("\n\n").map(|i| &note[..=i])
}

/// SHA-256 of the note text: the message imprint a token must carry.
pub fn imprint_of_note(note: &str) -> Option<[u8; 32]> {
    note_text(note).map(|t| Sha256::digest(t.as_bytes()).into())
}

/// A trusted TSA certificate (from a PEM or DER file).
#[derive(Clone, Debug)]
pub struct TrustedTsa {
    cert: Certificate,
    der: Vec<u8>,
}

impl TrustedTsa {
    /// Every certificate in `bytes` (PEM, one or more; or one DER).
    pub fn parse_all(bytes: &[u8]) -> Result<Vec<TrustedTsa>, TimestampError> {
        // x509-cert's PEM chain reader underflows on empty input.
        if bytes.iter().all(|b| matches!(b, b'\r' | b'\n')) {
            return Err(TimestampError::Malformed(
                "an empty certificate file".into(),
            ));
        }
        let certs = if bytes.starts_with(b"-----") || bytes.iter().take(64).all(u8::is_ascii) {
            Certificate::load_pem_chain(bytes).map_err(malformed("PEM certificate"))?
        } else {
            vec![Certificate::from_der(bytes).map_err(malformed("DER certificate"))?]
        };
        if certs.is_empty() {
            return Err(TimestampError::Malformed("no certificate found".into()));
        }
        certs
            .into_iter()
            .map(|cert| {
                let der = cert.to_der().map_err(malformed("certificate"))?;
                Ok(TrustedTsa { cert, der })
            })
            .collect()
    }

    /// The certificate's subject.
    pub fn subject(&self) -> String {
        self.cert.tbs_certificate.subject.to_string()
    }
}

/// A parsed token, before any trust decision.
struct Parsed {
    signed: SignedData,
    tst: TstInfo,
    econtent: Vec<u8>,
}

fn parse(token: &[u8]) -> Result<Parsed, TimestampError> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(TimestampError::Malformed(format!(
            "{} bytes, at most {MAX_TOKEN_BYTES}",
            token.len()
        )));
    }
    let ci = ContentInfo::from_der(token).map_err(malformed("ContentInfo"))?;
    if ci.content_type != ID_SIGNED_DATA {
        return Err(TimestampError::Malformed(format!(
            "content type {}, expected SignedData",
            ci.content_type
        )));
    }
    let signed: SignedData = ci.content.decode_as().map_err(malformed("SignedData"))?;
    if signed.encap_content_info.econtent_type != ID_CT_TST_INFO {
        return Err(TimestampError::Malformed(format!(
            "encapsulated content type {}, expected id-ct-TSTInfo",
            signed.encap_content_info.econtent_type
        )));
    }
    let econtent = match &signed.encap_content_info.econtent {
        Some(any) => OctetString::try_from(any)
            .map_err(malformed("eContent"))?
            .into_bytes(),
        None => return Err(TimestampError::Malformed("no TSTInfo".into())),
    };
    let tst = TstInfo::from_der(&econtent).map_err(malformed("TSTInfo"))?;
    Ok(Parsed {
        signed,
        tst,
        econtent,
    })
}

fn check_sha256_alg(alg: &AlgorithmIdentifier<Any>) -> Result<(), TimestampError> {
    // Parameters absent or NULL (RFC 5754 §2).
    let params_ok = match &alg.parameters {
        None => true,
        Some(p) => p.is_null(),
    };
    if alg.oid == ID_SHA_256 && params_ok {
        Ok(())
    } else {
        Err(TimestampError::Unsupported(format!(
            "hash {} (SHA-256 expected)",
            alg.oid
        )))
    }
}

/// The message imprint a token claims (not verified), hex.
pub fn claimed_imprint(token: &[u8]) -> Result<String, TimestampError> {
    let p = parse(token)?;
    Ok(hex::encode(p.tst.message_imprint.hashed_message.as_bytes()))
}

/// Verify `token` as a timestamp over the note text of `note` (FORMAT.md
/// §6.3) by one of `trusted`. Hostile input gives an error, never a panic.
pub fn verify_token(
    token: &[u8],
    note: &str,
    trusted: &[TrustedTsa],
) -> Result<VerifiedTimestamp, TimestampError> {
    let expected = imprint_of_note(note)
        .ok_or_else(|| TimestampError::Malformed("the checkpoint note has no signature".into()))?;
    verify_token_over(token, &expected, trusted)
}

/// Verify `token` as a timestamp over a text whose SHA-256 is `expected`.
pub fn verify_token_over(
    token: &[u8],
    expected: &[u8; 32],
    trusted: &[TrustedTsa],
) -> Result<VerifiedTimestamp, TimestampError> {
    let p = parse(token)?;
    if p.tst.version != TspVersion::V1 {
        return Err(TimestampError::Malformed("TSTInfo version is not 1".into()));
    }
    check_sha256_alg(&p.tst.message_imprint.hash_algorithm)?;
    let found = p.tst.message_imprint.hashed_message.as_bytes();
    if found != expected {
        return Err(TimestampError::Imprint {
            expected: hex::encode(expected),
            found: hex::encode(found),
        });
    }
    if trusted.is_empty() {
        return Err(TimestampError::NoTrust);
    }
    let signers = p.signed.signer_infos.0.as_slice();
    let [si] = signers else {
        return Err(TimestampError::Malformed(format!(
            "{} signer infos, expected 1",
            signers.len()
        )));
    };
    let embedded: Vec<&Certificate> = p
        .signed
        .certificates
        .as_ref()
        .map(|set| {
            set.0
                .iter()
                .filter_map(|c| match c {
                    CertificateChoices::Certificate(c) => Some(c),
                    CertificateChoices::Other(_) => None,
                })
                .collect()
        })
        .unwrap_or_default();
    // A trusted certificate the sid names first: a forged certificate
    // with the same issuer and serial in the token cannot stand in for it.
    let candidates = trusted
        .iter()
        .map(|t| &t.cert)
        .chain(embedded.iter().copied());
    let signer = candidates
        .into_iter()
        .find(|c| identifies(&si.sid, c))
        .ok_or_else(|| {
            TimestampError::Malformed(
                "the signer's certificate is neither in the token nor among the trusted ones"
                    .into(),
            )
        })?;
    let subject = signer.tbs_certificate.subject.to_string();
    check_trust(signer, trusted, &subject)?;
    let gen_time = p.tst.gen_time.to_unix_duration().as_secs();
    check_signer_cert(signer, gen_time, &subject)?;
    check_signer_info(si, &p.econtent, signer)?;
    Ok(VerifiedTimestamp {
        gen_time: i64::try_from(gen_time).unwrap_or(i64::MAX),
        tsa: subject,
        serial: hex::encode(p.tst.serial_number.as_bytes()),
        policy: p.tst.policy.to_string(),
    })
}

fn identifies(sid: &SignerIdentifier, cert: &Certificate) -> bool {
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(ias) => {
            ias.issuer == cert.tbs_certificate.issuer
                && ias.serial_number == cert.tbs_certificate.serial_number
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => matches!(
            cert.tbs_certificate.get::<SubjectKeyIdentifier>(),
            Ok(Some((_, own))) if own == *ski
        ),
    }
}

/// The signer is a trusted certificate, or is issued and signed by one.
fn check_trust(
    signer: &Certificate,
    trusted: &[TrustedTsa],
    subject: &str,
) -> Result<(), TimestampError> {
    let der = signer.to_der().map_err(malformed("certificate"))?;
    if trusted.iter().any(|t| t.der == der) {
        return Ok(());
    }
    let mut last = None;
    for t in trusted
        .iter()
        .filter(|t| t.cert.tbs_certificate.subject == signer.tbs_certificate.issuer)
    {
        let tbs = signer
            .tbs_certificate
            .to_der()
            .map_err(malformed("certificate"))?;
        let Some(sig) = signer.signature.as_bytes() else {
            return Err(TimestampError::Malformed(
                "certificate signature has unused bits".into(),
            ));
        };
        match verify_sig(
            &t.cert,
            &signer.signature_algorithm.oid,
            &ID_SHA_256,
            &tbs,
            sig,
        ) {
            Ok(()) => return Ok(()),
            Err(e) => last = Some(e),
        }
    }
    match last {
        Some(TimestampError::Signature(e)) => Err(TimestampError::Untrusted {
            subject: format!("{subject}, whose certificate's signature by its issuer fails: {e}"),
        }),
        Some(e @ TimestampError::Unsupported(_)) => Err(e),
        _ => Err(TimestampError::Untrusted {
            subject: subject.to_owned(),
        }),
    }
}

fn check_signer_cert(
    signer: &Certificate,
    gen_time: u64,
    subject: &str,
) -> Result<(), TimestampError> {
    let bad = |reason: String| TimestampError::Certificate {
        subject: subject.to_owned(),
        reason,
    };
    let v = &signer.tbs_certificate.validity;
    let (from, to) = (
        v.not_before.to_unix_duration().as_secs(),
        v.not_after.to_unix_duration().as_secs(),
    );
    if gen_time < from || gen_time > to {
        return Err(bad(format!(
            "the token's time {} is outside the certificate's validity ({} to {})",
            crate::time::format_ms(gen_time as i64 * 1000),
            crate::time::format_ms(from as i64 * 1000),
            crate::time::format_ms(to as i64 * 1000)
        )));
    }
    match signer.tbs_certificate.get::<ExtendedKeyUsage>() {
        Ok(None) => Ok(()),
        Ok(Some((_, eku))) if eku.0.contains(&ID_KP_TIME_STAMPING) => Ok(()),
        Ok(Some(_)) => Err(bad(
            "its extended key usage does not include timeStamping".into()
        )),
        Err(e) => Err(bad(format!("unreadable extended key usage: {e}"))),
    }
}

fn check_signer_info(
    si: &SignerInfo,
    econtent: &[u8],
    signer: &Certificate,
) -> Result<(), TimestampError> {
    check_sha256_alg(&AlgorithmIdentifier {
        oid: si.digest_alg.oid,
        parameters: si.digest_alg.parameters.clone(),
    })?;
    let attrs = si.signed_attrs.as_ref().ok_or_else(|| {
        TimestampError::Malformed("no signed attributes (RFC 3161 requires them)".into())
    })?;
    let single = |oid: ObjectIdentifier, name: &str| -> Result<Any, TimestampError> {
        let mut found = attrs.iter().filter(|a| a.oid == oid);
        match (found.next(), found.next()) {
            (Some(a), None) if a.values.len() == 1 => {
                Ok(a.values.get(0).cloned().unwrap_or(Any::null()))
            }
            _ => Err(TimestampError::Malformed(format!(
                "the signed attributes must hold exactly one {name}"
            ))),
        }
    };
    let ct: ObjectIdentifier = single(ID_CONTENT_TYPE, "content-type")?
        .decode_as()
        .map_err(malformed("content-type attribute"))?;
    if ct != ID_CT_TST_INFO {
        return Err(TimestampError::Malformed(format!(
            "content-type attribute {ct}, expected id-ct-TSTInfo"
        )));
    }
    let md: OctetString = single(ID_MESSAGE_DIGEST, "message-digest")?
        .decode_as()
        .map_err(malformed("message-digest attribute"))?;
    if md.as_bytes() != Sha256::digest(econtent).as_slice() {
        return Err(TimestampError::Signature(
            "the message-digest attribute is not SHA-256 of the TSTInfo".into(),
        ));
    }
    // The signature is over the DER of the attributes as a SET OF (RFC 5652
    // §5.4); DER decoding is strict, so re-encoding gives the signed bytes.
    let signed = attrs.to_der().map_err(malformed("signed attributes"))?;
    verify_sig(
        signer,
        &si.signature_algorithm.oid,
        &si.digest_alg.oid,
        &signed,
        si.signature.as_bytes(),
    )
}

/// Verify `sig` over `msg` with `cert`'s key: RSA PKCS#1 v1.5 SHA-256 or
/// ECDSA P-256 SHA-256.
fn verify_sig(
    cert: &Certificate,
    sig_alg: &ObjectIdentifier,
    digest: &ObjectIdentifier,
    msg: &[u8],
    sig: &[u8],
) -> Result<(), TimestampError> {
    use p256::pkcs8::DecodePublicKey as _;
    use rsa::signature::Verifier as _;
    let spki = &cert.tbs_certificate.subject_public_key_info;
    let spki_der = spki.to_der().map_err(malformed("public key"))?;
    let fail = |e: &dyn std::fmt::Display| TimestampError::Signature(e.to_string());
    if *digest != ID_SHA_256 {
        return Err(TimestampError::Unsupported(format!("digest {digest}")));
    }
    match spki.algorithm.oid {
        RSA_ENCRYPTION if *sig_alg == RSA_ENCRYPTION || *sig_alg == SHA_256_WITH_RSA => {
            let key = rsa::RsaPublicKey::from_public_key_der(&spki_der).map_err(|e| fail(&e))?;
            let vk = rsa::pkcs1v15::VerifyingKey::<Sha256>::new(key);
            let s = rsa::pkcs1v15::Signature::try_from(sig).map_err(|e| fail(&e))?;
            vk.verify(msg, &s).map_err(|e| fail(&e))
        }
        ID_EC_PUBLIC_KEY if *sig_alg == ECDSA_WITH_SHA_256 => {
            let curve: Option<ObjectIdentifier> = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as().ok());
            if curve != Some(SECP_256_R1) {
                return Err(TimestampError::Unsupported(
                    "an elliptic curve other than P-256".into(),
                ));
            }
            let vk =
                p256::ecdsa::VerifyingKey::from_public_key_der(&spki_der).map_err(|e| fail(&e))?;
            let s = p256::ecdsa::Signature::from_der(sig).map_err(|e| fail(&e))?;
            vk.verify(msg, &s).map_err(|e| fail(&e))
        }
        other => Err(TimestampError::Unsupported(format!(
            "key {other} with signature {sig_alg}"
        ))),
    }
}

/// Why the timestamps carried by a receipt or bundle do not satisfy a
/// verifier who trusts some TSAs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimestampsError {
    #[error("the checkpoint carries no timestamp token: its time is only the archive's word")]
    Missing,
    #[error("timestamp token {index}: {error}")]
    Token {
        index: usize,
        #[source]
        error: TimestampError,
    },
    #[error(
        "none of the {count} timestamp token(s) is from a trusted TSA (signed by: {subjects})"
    )]
    NoneTrusted { count: usize, subjects: String },
}

/// Check the base64 `tokens` carried beside checkpoint `note` against the
/// `trusted` TSA certificates (FORMAT.md §6.3): every token must be well
/// formed and over this checkpoint, a token signed by a trusted TSA (or a
/// certificate it issued) must verify, and at least one must. Tokens from
/// TSAs not trusted are left aside. The verified ones, in order.
pub fn check_tokens(
    tokens: &[String],
    note: &str,
    trusted: &[TrustedTsa],
) -> Result<Vec<VerifiedTimestamp>, TimestampsError> {
    use base64::Engine as _;
    if tokens.is_empty() {
        return Err(TimestampsError::Missing);
    }
    let mut ok = Vec::new();
    let mut others = Vec::new();
    for (index, t) in tokens.iter().enumerate() {
        let token = base64::engine::general_purpose::STANDARD
            .decode(t)
            .map_err(|e| TimestampsError::Token {
                index,
                error: TimestampError::Malformed(format!("not base64: {e}")),
            })?;
        match verify_token(&token, note, trusted) {
            Ok(v) => ok.push(v),
            Err(TimestampError::Untrusted { subject }) => others.push(subject),
            Err(error) => return Err(TimestampsError::Token { index, error }),
        }
    }
    if ok.is_empty() {
        return Err(TimestampsError::NoneTrusted {
            count: tokens.len(),
            subjects: others.join("; "),
        });
    }
    Ok(ok)
}

/// A TimeStampReq (DER) for SHA-256 `imprint`, asking for the TSA's
/// certificate, with `nonce` (FORMAT.md §6.3).
pub fn request(imprint: &[u8; 32], nonce: u64) -> Result<Vec<u8>, TimestampError> {
    let req = TimeStampReq {
        version: TspVersion::V1,
        message_imprint: MessageImprint {
            hash_algorithm: AlgorithmIdentifier {
                oid: ID_SHA_256,
                parameters: Some(Any::null()),
            },
            hashed_message: OctetString::new(imprint.to_vec()).map_err(malformed("imprint"))?,
        },
        req_policy: None,
        nonce: Some(nonce_int(nonce)?),
        cert_req: true,
        extensions: None,
    };
    req.to_der().map_err(malformed("TimeStampReq"))
}

/// A fresh random nonce for [`request`].
pub fn random_nonce() -> u64 {
    rand::random()
}

fn nonce_int(nonce: u64) -> Result<Int, TimestampError> {
    // A positive INTEGER: a leading zero byte when the top bit is set,
    // minimal otherwise.
    let bytes = nonce.to_be_bytes();
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(7);
    let mut v = Vec::with_capacity(9);
    if bytes[first] & 0x80 != 0 {
        v.push(0);
    }
    v.extend_from_slice(&bytes[first..]);
    Int::new(&v).map_err(malformed("nonce"))
}

/// Why a TSA's reply is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplyError {
    #[error("the TSA's reply is not a TimeStampResp: {0}")]
    Malformed(String),
    #[error("the TSA refused: status {status}{text}")]
    Refused { status: String, text: String },
    #[error("the TSA's reply is not for this request: {0}")]
    Mismatch(String),
    #[error("the TSA's token does not verify: {0}")]
    Token(#[from] TimestampError),
}

/// Check a TSA's reply to [`request`]`(imprint, nonce)`: status granted,
/// the nonce echoed, and the token verified against `trusted`. Returns the
/// token's DER and what it says.
pub fn accept_reply(
    reply: &[u8],
    imprint: &[u8; 32],
    nonce: u64,
    trusted: &[TrustedTsa],
) -> Result<(Vec<u8>, VerifiedTimestamp), ReplyError> {
    let resp = TimeStampResp::from_der(reply).map_err(|e| ReplyError::Malformed(e.to_string()))?;
    use cmpv2::status::PkiStatus;
    match resp.status.status {
        PkiStatus::Accepted | PkiStatus::GrantedWithMods => {}
        other => {
            let text = resp
                .status
                .status_string
                .as_ref()
                .map(|s| {
                    let t: Vec<String> = s.iter().map(|u| u.to_string()).collect();
                    format!(" ({})", t.join("; "))
                })
                .unwrap_or_default();
            return Err(ReplyError::Refused {
                status: format!("{other:?}"),
                text,
            });
        }
    }
    let token = resp
        .time_stamp_token
        .ok_or_else(|| ReplyError::Malformed("status granted but no token".into()))?;
    let der = token
        .to_der()
        .map_err(|e| ReplyError::Malformed(e.to_string()))?;
    let p = parse(&der)?;
    if p.tst.nonce != Some(nonce_int(nonce)?) {
        return Err(ReplyError::Mismatch("the nonce is not the one sent".into()));
    }
    let verified = verify_token_over(&der, imprint, trusted)?;
    Ok((der, verified))
}

#[cfg(test)]
mod tests {
    use super::*;

    use base64::Engine as _;

    /// tests/vectors/timestamp.json, positive and negative.
    #[test]
    fn vectors() {
        let v: serde_json::Value =
            serde_json::from_str(include_str!("../../../tests/vectors/timestamp.json")).unwrap();
        let note = v["note"].as_str().unwrap();
        assert_eq!(
            hex::encode(imprint_of_note(note).unwrap()),
            v["note_text_sha256"].as_str().unwrap()
        );
        for t in v["vectors"].as_array().unwrap() {
            let name = t["name"].as_str().unwrap();
            let token = base64::engine::general_purpose::STANDARD
                .decode(t["token"].as_str().unwrap())
                .unwrap();
            let trusted: Vec<TrustedTsa> = t["trusted"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|c| {
                    let pem = v["certs"][c.as_str().unwrap()].as_str().unwrap();
                    TrustedTsa::parse_all(pem.as_bytes()).unwrap()
                })
                .collect();
            let got = verify_token(&token, note, &trusted);
            match (t["ok"].as_bool().unwrap(), &got) {
                (true, Ok(ok)) => assert_eq!(ok.tsa, t["tsa"].as_str().unwrap(), "{name}"),
                (false, Err(e)) => {
                    let kind = match e {
                        TimestampError::Imprint { .. } => "imprint",
                        TimestampError::Untrusted { .. } => "untrusted",
                        TimestampError::Signature(_) => "signature",
                        _ => "other",
                    };
                    assert_eq!(kind, t["error"].as_str().unwrap(), "{name}: {e}");
                }
                (ok, got) => panic!("{name}: expected ok={ok}, got {got:?}"),
            }
        }
    }

    #[test]
    fn hostile_bytes_are_errors() {
        for b in [&b""[..], b"\x30", b"\x30\x03\x06\x01\x00", &[0xff; 100]] {
            assert!(verify_token_over(b, &[0; 32], &[]).is_err());
            assert!(accept_reply(b, &[0; 32], 1, &[]).is_err());
        }
        for b in [
            &b""[..],
            b"\n",
            b"\r\n\n",
            b"x",
            b"-----BEGIN CERTIFICATE-----\n",
        ] {
            assert!(TrustedTsa::parse_all(b).is_err());
        }
    }

    #[test]
    fn note_text_is_what_is_signed() {
        let note = "o\n1\nAAAA\n\n\u{2014} o abc\n";
        assert_eq!(note_text(note), Some("o\n1\nAAAA\n"));
        assert_eq!(note_text("no signature"), None);
    }

    #[test]
    fn request_round_trips() {
        let der = request(&[7; 32], 0x80_00_00_00_00_00_00_01).unwrap();
        let req = TimeStampReq::from_der(&der).unwrap();
        assert!(req.cert_req);
        assert_eq!(req.message_imprint.hashed_message.as_bytes(), &[7; 32]);
        assert_eq!(
            req.nonce.unwrap().as_bytes(),
            &[0, 0x80, 0, 0, 0, 0, 0, 0, 1]
        );
    }
}
