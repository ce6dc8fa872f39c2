//! Objects built from several files (a kustomization's overlays, patches and bases): their
//! text is the build's output, a source of its own that no user wrote, and every value of it
//! is moved back, after the rules, to the line that produced it (the overlay's `replicas`
//! entry, the patch line, the base field), with the base value an overlay changed as a second
//! label.

use super::{FastMap, Label, SourceId, Span};

/// Where one value of a build's output was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Place {
    pub source: SourceId,
    /// The value.
    pub span: Span,
    /// The field to point at (`key: value`, or the key of a collection).
    pub field: Span,
}

/// One value of a build's output and where it came from.
#[derive(Clone, Copy, Debug)]
pub struct Moved {
    /// The value's span in the output.
    pub span: Span,
    /// Its field's span in the output.
    pub field: Span,
    /// Where it was written.
    pub at: Place,
    /// Where the value it replaced was written (a base field an overlay or patch changed).
    pub was: Option<Place>,
}

/// The output sources of every build, with their values' places; and what each build is
/// called in messages (`overlays/prod`).
#[derive(Debug, Default)]
pub struct Built {
    /// Per output source: its values sorted by where their field starts.
    moves: FastMap<SourceId, Vec<Moved>>,
    /// Per output source: the root it was built from.
    roots: FastMap<SourceId, String>,
    /// Per output source: fields patches removed from each object (the object's span in the
    /// output, the field's path, the patch line).
    removed: FastMap<SourceId, Vec<(Span, String, Place)>>,
    /// Per root: the files (and chart directories) its build read.
    reads: FastMap<String, Vec<String>>,
}

impl Built {
    pub fn add(&mut self, source: SourceId, root: String, mut moves: Vec<Moved>) {
        moves.sort_by_key(|m| (m.field.start, std::cmp::Reverse(m.field.end)));
        self.moves.insert(source, moves);
        self.roots.insert(source, root);
    }

    /// Records the fields patches removed from the objects of output `source`.
    pub fn add_removed(&mut self, source: SourceId, removed: Vec<(Span, String, Place)>) {
        if !removed.is_empty() {
            self.removed.insert(source, removed);
        }
    }

    /// The patch lines that removed field `name` (a path segment) from the object `label`
    /// lies in.
    pub fn removed(&self, label: &Label, name: &str) -> Vec<Place> {
        self.removed
            .get(&label.source)
            .into_iter()
            .flatten()
            .filter(|(object, path, _)| {
                object.start <= label.span.start
                    && label.span.end <= object.end
                    && path.split('/').any(|segment| segment == name)
            })
            .map(|(_, _, place)| *place)
            .collect()
    }

    /// Records the files root `root`'s build read.
    pub fn add_reads(&mut self, root: String, files: Vec<String>) {
        self.reads.insert(root, files);
    }

    /// The files (and chart directories) root `root`'s build read.
    pub fn reads(&self, root: &str) -> &[String] {
        self.reads.get(root).map_or(&[], Vec::as_slice)
    }

    pub fn is_empty(&self) -> bool {
        self.moves.is_empty()
    }

    /// The root a build output was built from (`overlays/prod`), if `source` is one.
    pub fn root_of(&self, source: SourceId) -> Option<&str> {
        self.roots.get(&source).map(String::as_str)
    }

    /// Where a label on a build's output points in the files it was built from: the label
    /// moved there, and a label on the value it replaced, when an overlay changed it. `None`
    /// for a label on any other source.
    pub fn locate(&self, label: &Label) -> Option<(Label, Option<Label>)> {
        let moves = self.moves.get(&label.source)?;
        let s = label.span;
        // The value or field the label is on, else the narrowest one holding it.
        let exact = moves
            .iter()
            .find(|m| m.field == s || m.span == s)
            .map(|m| (m, m.span == s && m.field != s));
        let (m, value_only) = match exact {
            Some(found) => found,
            None => (
                moves
                    .iter()
                    .filter(|m| m.field.start <= s.start && s.end <= m.field.end.max(m.span.end))
                    .min_by_key(|m| m.field.end.max(m.span.end) - m.field.start)?,
                false,
            ),
        };
        let span = if value_only { m.at.span } else { m.at.field };
        let moved = Label::new(m.at.source, span, label.text.clone());
        let was = m
            .was
            .filter(|w| *w != m.at)
            .map(|w| Label::new(w.source, w.field, "value before the overlay changed it"));
        Some((moved, was))
    }

    /// Where the object whose output starts at `start` of `source` starts in its file.
    pub fn start_of(&self, source: SourceId, start: usize) -> Option<(SourceId, usize)> {
        let moves = self.moves.get(&source)?;
        let i = moves.partition_point(|m| m.field.start < start);
        let m = moves.get(i)?;
        Some((m.at.source, m.at.field.start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_move_to_the_place_of_their_value() {
        let here = |a, b| Place {
            source: SourceId(1),
            span: Span::new(a, b),
            field: Span::new(a - 5, b),
        };
        let mut built = Built::default();
        built.add(
            SourceId(9),
            "overlays/prod".into(),
            vec![
                Moved {
                    span: Span::new(10, 11),
                    field: Span::new(0, 11),
                    at: here(50, 51),
                    was: Some(Place {
                        source: SourceId(2),
                        ..here(70, 71)
                    }),
                },
                Moved {
                    span: Span::new(20, 40),
                    field: Span::new(12, 40),
                    at: here(100, 120),
                    was: None,
                },
            ],
        );
        let (moved, was) = built
            .locate(&Label::new(SourceId(9), Span::new(0, 11), "replicas"))
            .unwrap();
        assert_eq!((moved.source, moved.span), (SourceId(1), Span::new(45, 51)));
        assert_eq!(was.unwrap().source, SourceId(2));
        let (inside, _) = built
            .locate(&Label::new(SourceId(9), Span::new(25, 30), ""))
            .unwrap();
        assert_eq!(inside.span, Span::new(95, 120));
        assert!(
            built
                .locate(&Label::new(SourceId(3), Span::new(0, 1), ""))
                .is_none()
        );
    }
}
