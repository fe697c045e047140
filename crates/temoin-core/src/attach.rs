//! Attachments (docs/FORMAT.md §3.9): photos, audio, video and documents
//! carried as parts, each with its media type committed in a companion
//! part `L.type`, so that a reader years later knows what the bytes are.
//!
//! An attachment is a part like any other: salted digest, sealable,
//! withheld or redacted by label. What makes it different is its size (up
//! to 4 GiB), so everything that touches one streams it (`partcheck`,
//! `tms`).

/// Suffix of the media type companion of a part.
pub const MEDIA_TYPE_SUFFIX: &str = ".type";

/// The largest attachment `temoin sign --attach` takes: 4 GiB.
pub const MAX_ATTACHMENT_BYTES: u64 = 4 << 30;

/// The largest part any temoin reader accepts (docs/FORMAT.md §13): an
/// attachment of `MAX_ATTACHMENT_BYTES` sealed to 64 readers stays under
/// it (age adds a header of a few KiB and 16 bytes per 64 KiB chunk, and
/// the sealed plaintext starts with the 32-byte salt).
pub const MAX_PART_BYTES: u64 = MAX_ATTACHMENT_BYTES + (2 << 20);

/// The largest `payload` part: the rules parse it in memory.
pub const MAX_PAYLOAD_BYTES: u64 = 1 << 20;

/// The longest media type.
pub const MAX_MEDIA_TYPE_LEN: usize = 127;

pub fn media_type_label(base: &str) -> String {
    format!("{base}{MEDIA_TYPE_SUFFIX}")
}

/// Is `s` a media type as `L.type` holds it: `type/subtype`, lowercase,
/// each side 1 to 63 characters of `a-z 0-9 ! # $ & - ^ _ . +` starting
/// with a letter or digit (RFC 6838 §4.2 restricted names, lowercased), no
/// parameters, no white space, no line end.
pub fn media_type_fault(content: &[u8]) -> Option<String> {
    let why = |s: &str| {
        Some(format!(
            "it is not a media type (type/subtype, lowercase, no parameters, at most {MAX_MEDIA_TYPE_LEN} bytes): {s}"
        ))
    };
    if content.len() > MAX_MEDIA_TYPE_LEN {
        return why(&format!("{} bytes", content.len()));
    }
    let Ok(s) = std::str::from_utf8(content) else {
        return why("not UTF-8");
    };
    let Some((ty, sub)) = s.split_once('/') else {
        return why("no '/'");
    };
    let name_ok = |n: &str| {
        (1..=63).contains(&n.len())
            && n.as_bytes()[0].is_ascii_alphanumeric()
            && n.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"!#$&-^_.+".contains(&b))
    };
    if !name_ok(ty) || !name_ok(sub) {
        return why(&format!("{:?}", s.chars().take(40).collect::<String>()));
    }
    None
}

/// The media type of a file, from its name's extension, for the kinds of
/// evidence collected in the field; `application/octet-stream` when the
/// extension says nothing (`temoin sign --attach-type` overrides it).
pub fn guess_media_type(file_name: &str) -> &'static str {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "heic" => "image/heic",
        "heif" => "image/heif",
        "tif" | "tiff" => "image/tiff",
        "mp4" | "m4v" => "video/mp4",
        "mov" => "video/quicktime",
        "webm" => "video/webm",
        "3gp" => "video/3gpp",
        "avi" => "video/x-msvideo",
        "mkv" => "video/x-matroska",
        "mp3" => "audio/mpeg",
        "m4a" => "audio/mp4",
        "aac" => "audio/aac",
        "ogg" | "oga" => "audio/ogg",
        "opus" => "audio/opus",
        "wav" => "audio/wav",
        "amr" => "audio/amr",
        "flac" => "audio/flac",
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "json" => "application/json",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_are_lowercase_type_slash_subtype_without_parameters() {
        for ok in [
            "image/jpeg",
            "audio/mp4",
            "application/vnd.oasis.opendocument.text",
            "video/3gpp",
            "application/octet-stream",
        ] {
            assert_eq!(media_type_fault(ok.as_bytes()), None, "{ok}");
        }
        for bad in [
            "",
            "image",
            "Image/JPEG",
            "image/jpeg; q=1",
            "image/jpeg\n",
            "/jpeg",
            "image/",
            "image/.jpeg",
            "a/b/c",
        ] {
            assert!(media_type_fault(bad.as_bytes()).is_some(), "{bad:?}");
        }
        assert!(media_type_fault(&[b'a'; 200]).is_some());
        assert!(media_type_fault(&[0xff, b'/', b'a']).is_some());
    }

    #[test]
    fn guesses_from_the_extension_whatever_its_case() {
        assert_eq!(guess_media_type("IMG_0042.JPG"), "image/jpeg");
        assert_eq!(guess_media_type("witness.m4a"), "audio/mp4");
        assert_eq!(guess_media_type("no-extension"), "application/octet-stream");
        assert_eq!(guess_media_type("x.unknown"), "application/octet-stream");
        for e in ["a.jpg", "a.mp4", "a.pdf", "a.opus"] {
            assert_eq!(media_type_fault(guess_media_type(e).as_bytes()), None);
        }
    }
}
