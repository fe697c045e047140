//! The offline verifier page: one self-contained HTML file that verifies an
//! evidence bundle in the browser (docs/FORMAT.md §12.6, implemented a
//! second time in JavaScript, with WebCrypto's SHA-256 and Ed25519). Its
//! sources are `web/verify/`: the page is their concatenation, with the
//! style and the script inline and a Content-Security-Policy that forbids
//! every network access, so that the file works saved to disk, offline.
//!
//! `temoin verifier-page --out verify.html` writes it; the server serves it
//! as `GET /verify`.

/// The whole page, UTF-8 HTML.
pub const VERIFIER_PAGE: &str = concat!(
    include_str!("../../../web/verify/head.html"),
    include_str!("../../../web/verify/verify.css"),
    include_str!("../../../web/verify/body.html"),
    include_str!("../../../web/verify/verify.js"),
    include_str!("../../../web/verify/ui.js"),
    include_str!("../../../web/verify/tail.html"),
);

/// The media type to serve it with.
pub const VERIFIER_PAGE_CONTENT_TYPE: &str = "text/html; charset=utf-8";

#[cfg(test)]
mod tests {
    use super::VERIFIER_PAGE;

    #[test]
    fn the_page_is_one_file_with_its_script_inline() {
        assert!(VERIFIER_PAGE.starts_with("<!DOCTYPE html>"));
        assert!(VERIFIER_PAGE.trim_end().ends_with("</html>"));
        // The script is inline: one <script> element, no src.
        assert_eq!(VERIFIER_PAGE.matches("<script").count(), 1);
        assert_eq!(VERIFIER_PAGE.matches("</script>").count(), 1);
        assert!(VERIFIER_PAGE.contains("Content-Security-Policy"));
    }
}
