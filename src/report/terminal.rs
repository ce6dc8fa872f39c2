//! Text from the scanned files made safe to print on a terminal.
//!
//! A file name, a resource name or a line of a manifest can hold ESC sequences (that set the
//! terminal's title, clear the screen or move the cursor to print a fake summary), carriage
//! returns that overwrite a line, bidirectional overrides that show text in another order than
//! it is (CVE-2021-42574) and characters that are not shown at all. Human output shows each
//! such character escaped instead: `\e`, `\r`, `\u{202e}`.

use std::borrow::Cow;

/// Whether `c` must not reach a terminal as it is: C0 controls (tab and newline excepted),
/// DEL, C1 controls, bidirectional controls, and invisible format characters.
pub fn needs_escape(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}'
        | '\u{b}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{ad}'
        | '\u{61c}'
        | '\u{180e}'
        | '\u{200b}'..='\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206f}'
        | '\u{feff}'
        | '\u{fff9}'..='\u{fffb}'
        | '\u{e0000}'..='\u{e007f}')
}

/// How `c` is shown when it [`needs_escape`].
pub fn escaped(c: char) -> String {
    match c {
        '\u{1b}' => "\\e".to_string(),
        '\r' => "\\r".to_string(),
        '\0' => "\\0".to_string(),
        c => format!("\\u{{{:x}}}", c as u32),
    }
}

/// `s` with every character that [`needs_escape`] escaped; newlines are kept.
pub fn terminal_safe(s: &str) -> Cow<'_, str> {
    safe(s, false)
}

/// Like [`terminal_safe`], for text shown on one line: a newline is escaped too (`\n`).
pub fn terminal_safe_line(s: &str) -> Cow<'_, str> {
    safe(s, true)
}

fn safe(s: &str, one_line: bool) -> Cow<'_, str> {
    let bad = |c: char| needs_escape(c) || (one_line && c == '\n');
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' if one_line => out.push_str("\\n"),
            c if needs_escape(c) => out.push_str(&escaped(c)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_bidi_and_invisible_characters_are_escaped() {
        assert_eq!(terminal_safe("web"), "web");
        assert_eq!(
            terminal_safe("a\u{1b}]0;pwned\u{7}b\r\tc\n"),
            "a\\e]0;pwned\\u{7}b\\r\tc\n"
        );
        assert_eq!(
            terminal_safe("x\u{202e}y\u{200b}z"),
            "x\\u{202e}y\\u{200b}z"
        );
        assert_eq!(terminal_safe_line("a\nb"), "a\\nb");
        assert_eq!(terminal_safe("\u{85}\u{9b}2J"), "\\u{85}\\u{9b}2J");
        // Printable text in any script is kept.
        assert_eq!(terminal_safe("zürich 東京 ☃"), "zürich 東京 ☃");
    }
}
