//! Attachments on the command line: `--attach LABEL=FILE` and
//! `--attach-type LABEL=TYPE` (docs/FORMAT.md §3.9).

use super::CliError;
use std::path::PathBuf;
use temoin::attach::guess_media_type;
use temoin::attachment::Attachment;
use temoin::seal::Recipient;

#[derive(clap::Args, Debug, Clone, Default)]
pub struct AttachArgs {
    /// Attach a file (photo, audio, video, document) of up to 4 GiB as the
    /// part LABEL (repeatable), e.g. --attach photo-1=IMG_0042.jpg. It
    /// streams: any size signs in little memory. Its media type is guessed
    /// from the extension and committed as LABEL.type; seal it like any
    /// part with --seal LABEL.
    #[arg(long, value_name = "LABEL=FILE")]
    pub attach: Vec<String>,
    /// The media type of attachment LABEL, when its extension does not say
    /// it, e.g. --attach-type photo-1=image/jpeg.
    #[arg(long, value_name = "LABEL=TYPE")]
    pub attach_type: Vec<String>,
}

fn split<'a>(flag: &str, arg: &'a str, right: &str) -> Result<(&'a str, &'a str), CliError> {
    arg.split_once('=')
        .filter(|(l, r)| !l.is_empty() && !r.is_empty())
        .ok_or_else(|| {
            CliError::usage(format!(
                "{flag} {arg:?}: expected LABEL={right}, e.g. {flag} photo-1={}",
                if right == "FILE" {
                    "IMG_0042.jpg"
                } else {
                    "image/jpeg"
                }
            ))
        })
}

impl AttachArgs {
    /// The attachments' labels, in the order given.
    pub fn labels(&self) -> Result<Vec<String>, CliError> {
        self.attach
            .iter()
            .map(|a| split("--attach", a, "FILE").map(|(l, _)| l.to_string()))
            .collect()
    }

    /// The attachments, those labelled in `sealed` sealed to `readers`.
    pub fn attachments(
        &self,
        sealed: &[String],
        readers: &[Recipient],
    ) -> Result<Vec<Attachment>, CliError> {
        let mut types = Vec::new();
        for t in &self.attach_type {
            let (label, ty) = split("--attach-type", t, "TYPE")?;
            if !self.labels()?.iter().any(|l| l == label) {
                return Err(CliError::usage(format!(
                    "--attach-type {t}: there is no attachment {label:?} (give it with --attach {label}=FILE)"
                )));
            }
            types.push((label, ty));
        }
        self.attach
            .iter()
            .map(|a| {
                let (label, file) = split("--attach", a, "FILE")?;
                let path = PathBuf::from(file);
                let media_type = types
                    .iter()
                    .find(|(l, _)| *l == label)
                    .map(|(_, t)| t.to_string())
                    .unwrap_or_else(|| {
                        guess_media_type(&path.file_name().unwrap_or_default().to_string_lossy())
                            .to_string()
                    });
                let readers = if sealed.iter().any(|s| s == label) {
                    readers.to_vec()
                } else {
                    Vec::new()
                };
                Ok(Attachment {
                    label: label.to_string(),
                    path,
                    media_type,
                    readers,
                })
            })
            .collect()
    }
}
