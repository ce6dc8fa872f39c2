//! Source files: the bytes we scanned, and byte-offset ↔ line/column mapping.

use std::sync::{Arc, OnceLock};

/// Index of a file in [`Sources`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourceId(pub u32);

/// A half-open byte range `[start, end)` in one source file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span {
            start,
            end: end.max(start),
        }
    }

    pub fn join(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// A position in a source file, 1-based line and column (column counted in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub col: usize,
}

/// One scanned file. `text` is empty when the file could not be read as UTF-8.
#[derive(Debug)]
pub struct SourceFile {
    /// Path as displayed to the user (forward slashes, relative as given).
    pub path: String,
    pub text: Arc<str>,
    /// Byte offset of each line's start, built the first time a position is asked for (most
    /// files of a large scan never are).
    line_starts: OnceLock<Box<[u32]>>,
}

impl SourceFile {
    pub fn new(path: String, text: Arc<str>) -> Self {
        SourceFile {
            path,
            text,
            line_starts: OnceLock::new(),
        }
    }

    /// Offsets past `u32::MAX` never occur: every file read is bounded far below it.
    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            let offset = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| offset(i + 1)))
                .collect()
        })
    }

    /// The start of line `index` (0-based).
    fn line_start(&self, index: usize) -> Option<usize> {
        self.line_starts().get(index).map(|&s| s as usize)
    }

    /// Byte offset of a 1-based `line` and 0-based character column, clamped to the text.
    pub fn offset_of(&self, line: usize, col_chars: usize) -> usize {
        let Some(start) = self.line_start(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let rest = &self.text[start..];
        let line_text = rest.split('\n').next().unwrap_or("");
        match line_text.char_indices().nth(col_chars) {
            Some((i, _)) => start + i,
            None => start + line_text.len().min(rest.len()),
        }
    }

    /// The 0-based index of the line holding `offset`.
    pub fn line_index(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        let key = u32::try_from(offset).unwrap_or(u32::MAX);
        // The first line starts at 0, so the point of insertion is never 0.
        self.line_starts().partition_point(|&s| s <= key) - 1
    }

    /// How many lines the file has (a final line without `\n` counts).
    pub fn line_count(&self) -> usize {
        self.line_starts().len()
    }

    /// Byte range of line `index` (0-based), without its `\n`.
    pub fn line_range(&self, index: usize) -> std::ops::Range<usize> {
        let start = self.line_start(index).unwrap_or(self.text.len());
        let end = self
            .line_start(index + 1)
            .map_or(self.text.len(), |next| next - 1);
        start..end.max(start)
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let line_idx = self.line_index(offset);
        let start = self.line_start(line_idx).unwrap_or(0);
        let col = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        LineCol {
            line: line_idx + 1,
            col: col + 1,
        }
    }
}

/// All files of one scan, addressed by [`SourceId`].
#[derive(Debug, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    pub fn add(&mut self, file: SourceFile) -> SourceId {
        self.files.push(file);
        SourceId((self.files.len() - 1) as u32)
    }

    /// Room for `n` more files.
    pub fn reserve_exact(&mut self, n: usize) {
        self.files.reserve_exact(n);
    }

    pub fn get(&self, id: SourceId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// The source that holds `--set` values given on the command line (or globally in the
/// configuration).
pub const COMMAND_LINE_SOURCE: &str = "<command line>";

/// The source that holds the configuration's per-chart `set` values.
pub const CONFIG_SET_SOURCE: &str = "<configuration helm.charts set>";

/// A span in a file with a short caption.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub source: SourceId,
    pub span: Span,
    pub text: String,
}

impl Label {
    pub fn new(source: SourceId, span: Span, text: impl Into<String>) -> Self {
        Label {
            source,
            span,
            text: text.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_round_trip_with_multibyte() {
        let f = SourceFile::new("a".into(), Arc::from("ab\nçé: x\n"));
        let off = f.offset_of(2, 2);
        assert_eq!(&f.text[off..off + 1], ":");
        assert_eq!(f.line_col(off), LineCol { line: 2, col: 3 });
        assert_eq!(f.line_col(0), LineCol { line: 1, col: 1 });
    }
}
