//! Showing a command the way one would type it, so any step can be rerun by hand.

use std::ffi::OsStr;

/// `word` quoted for a POSIX shell, only when it needs quoting.
pub fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,^~".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// A command line: `NAME=value … program arg …`, each word quoted as needed.
pub fn command_line<'a>(
    env: impl IntoIterator<Item = (&'a OsStr, &'a OsStr)>,
    program: &str,
    args: impl IntoIterator<Item = &'a OsStr>,
) -> String {
    let env = env.into_iter().map(|(name, value)| {
        format!(
            "{}={}",
            name.to_string_lossy(),
            quote(&value.to_string_lossy())
        )
    });
    let words = std::iter::once(quote(program))
        .chain(args.into_iter().map(|arg| quote(&arg.to_string_lossy())));
    env.chain(words).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_words_stay_bare() {
        assert_eq!(quote("--release"), "--release");
        assert_eq!(quote("127.0.0.1:8080"), "127.0.0.1:8080");
        assert_eq!(quote("binaryen@132"), "binaryen@132");
        assert_eq!(quote("/usr/bin/chromedriver"), "/usr/bin/chromedriver");
    }

    #[test]
    fn shell_specials_are_quoted() {
        assert_eq!(
            quote("sqlite://data/curtain.db?mode=rwc"),
            "'sqlite://data/curtain.db?mode=rwc'"
        );
        assert_eq!(quote("two words"), "'two words'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote("$HOME"), "'$HOME'");
    }

    #[test]
    fn a_command_line_shows_its_environment_first() {
        let line = command_line(
            [(OsStr::new("CHROMIUM"), OsStr::new("/usr/bin/chromium"))],
            "cargo",
            [
                OsStr::new("test"),
                OsStr::new("--workspace"),
                OsStr::new("a b"),
            ],
        );
        assert_eq!(
            line,
            "CHROMIUM=/usr/bin/chromium cargo test --workspace 'a b'"
        );
    }
}
