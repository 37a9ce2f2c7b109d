//! HTML in text cells: descriptions that RSS feeds and some scrapers export as markup
//! (`<p>…</p>`, `<br />`, `<li>`, `&amp;`), turned into the plain text the other exports hold.
//!
//! Line structure survives: `<br>` is a line break, a paragraph (`<p>`, headings) ends with a
//! blank line, other block tags (`<div>`, `<ul>`, `<tr>`, ...) start a new line, and each `<li>`
//! becomes a `- ` bullet. Every other tag is dropped (`<script>`/`<style>` with their content,
//! comments too), character references are decoded, spaces and tabs collapse to one space, and
//! runs of blank lines collapse to one. A `<` that does not open a tag (`a < b`, `x<5`) is text.
//!
//! Text without a tag is only entity-decoded, its layout kept; text with no tag and no
//! reference (no `<` or `&`, or only ones like `a < b` and `R&D`) is returned borrowed,
//! untouched, after a `memchr` scan.

use std::borrow::Cow;

/// Named character references decoded, sorted by name (case matters, as in HTML). The
/// non-breaking space is read as a plain space: it is only layout in plain text.
static ENTITIES: [(&str, char); 61] = [
    ("AElig", 'Æ'),
    ("Aacute", 'Á'),
    ("Agrave", 'À'),
    ("Auml", 'Ä'),
    ("Ccedil", 'Ç'),
    ("Eacute", 'É'),
    ("Ntilde", 'Ñ'),
    ("Oacute", 'Ó'),
    ("Ouml", 'Ö'),
    ("Uuml", 'Ü'),
    ("aacute", 'á'),
    ("acirc", 'â'),
    ("aelig", 'æ'),
    ("agrave", 'à'),
    ("amp", '&'),
    ("apos", '\''),
    ("aring", 'å'),
    ("auml", 'ä'),
    ("bull", '•'),
    ("ccedil", 'ç'),
    ("cent", '¢'),
    ("copy", '©'),
    ("deg", '°'),
    ("divide", '÷'),
    ("eacute", 'é'),
    ("ecirc", 'ê'),
    ("egrave", 'è'),
    ("euml", 'ë'),
    ("euro", '€'),
    ("frac12", '½'),
    ("gt", '>'),
    ("hellip", '…'),
    ("iacute", 'í'),
    ("iuml", 'ï'),
    ("laquo", '«'),
    ("ldquo", '“'),
    ("lsquo", '‘'),
    ("lt", '<'),
    ("mdash", '—'),
    ("middot", '·'),
    ("nbsp", ' '),
    ("ndash", '–'),
    ("ntilde", 'ñ'),
    ("oacute", 'ó'),
    ("ocirc", 'ô'),
    ("ouml", 'ö'),
    ("para", '¶'),
    ("pound", '£'),
    ("quot", '"'),
    ("raquo", '»'),
    ("rdquo", '”'),
    ("reg", '®'),
    ("rsquo", '’'),
    ("sect", '§'),
    ("szlig", 'ß'),
    ("times", '×'),
    ("trade", '™'),
    ("uacute", 'ú'),
    ("uuml", 'ü'),
    ("yen", '¥'),
    ("zwnj", '\u{200C}'),
];

/// Longest entity name in [`ENTITIES`].
const MAX_ENTITY: usize = 6;

/// Tags that always add a line break.
const BREAK_TAGS: [&str; 1] = ["br"];
/// Tags that end a paragraph: the text after them starts after a blank line.
const PARAGRAPH_TAGS: [&str; 7] = ["p", "h1", "h2", "h3", "h4", "h5", "h6"];
/// Tags that start a new line (opening or closing).
const BLOCK_TAGS: [&str; 19] = [
    "article",
    "blockquote",
    "dd",
    "div",
    "dl",
    "dt",
    "footer",
    "header",
    "hr",
    "li",
    "ol",
    "pre",
    "section",
    "table",
    "tbody",
    "thead",
    "tr",
    "ul",
    "main",
];
/// Tags after which a space separates the text (table cells).
const SPACE_TAGS: [&str; 2] = ["td", "th"];
/// Tags whose content is not text.
const SKIP_CONTENT_TAGS: [&str; 4] = ["script", "style", "head", "template"];

/// A tag found at some `<`.
struct Tag<'a> {
    /// The name as written (`br`, `P`; compare it case-insensitively), empty for comments,
    /// `<!DOCTYPE …>` and `<?…?>`.
    name: &'a [u8],
    closing: bool,
    /// Byte index just past the tag's `>`.
    end: usize,
}

/// The tag opening at `b[i] == b'<'`, if it is one: `<name …>`, `</name>`, `<!-- … -->`,
/// `<!DOCTYPE …>` or `<?…?>`. Quoted attribute values may hold `>`.
fn tag_at(b: &[u8], i: usize) -> Option<Tag<'_>> {
    let next = *b.get(i + 1)?;
    if next == b'!' || next == b'?' {
        if b[i + 2..].starts_with(b"--") {
            let close = memchr::memmem::find(&b[i + 4..], b"-->")?;
            return Some(Tag { name: &[], closing: false, end: i + 4 + close + 3 });
        }
        let close = memchr::memchr(b'>', &b[i + 2..])?;
        return Some(Tag { name: &[], closing: false, end: i + 2 + close + 1 });
    }
    let closing = next == b'/';
    let start = if closing { i + 2 } else { i + 1 };
    if !b.get(start)?.is_ascii_alphabetic() {
        return None;
    }
    let name_len = b[start..].iter().take_while(|c| c.is_ascii_alphanumeric()).count();
    let name = &b[start..start + name_len];
    let mut j = start + name_len;
    // After the name: whitespace, `/` or `>` — `<3` or `<a.b>` are no tags.
    match b.get(j)? {
        b'>' | b'/' => {}
        c if c.is_ascii_whitespace() => {}
        _ => return None,
    }
    let mut quote = None;
    while j < b.len() {
        let c = b[j];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == b'"' || c == b'\'' => quote = Some(c),
            None if c == b'>' => return Some(Tag { name, closing, end: j + 1 }),
            None if c == b'<' => return None,
            None => {}
        }
        j += 1;
    }
    None
}

/// Whether `name` (as written) is one of `list` (lowercase), in any case.
fn is_one_of(name: &[u8], list: &[&str]) -> bool {
    list.iter().any(|t| t.as_bytes().eq_ignore_ascii_case(name))
}

/// The character reference at `b[i] == b'&'`: `&amp;`, `&#39;`, `&#x2F;`. Returns the
/// character and the index just past the `;`. Unknown names and references without `;` are
/// `None` (left as text); a number that is no character (0, a surrogate, > U+10FFFF) is
/// U+FFFD, as browsers show it.
fn entity_at(b: &[u8], i: usize) -> Option<(char, usize)> {
    let rest = b.get(i + 1..)?;
    if rest.first() == Some(&b'#') {
        let (hex, digits_at) = match rest.get(1) {
            Some(b'x' | b'X') => (true, 2),
            _ => (false, 1),
        };
        let digits = &rest[digits_at..];
        let len = digits.iter().take_while(|c| if hex { c.is_ascii_hexdigit() } else { c.is_ascii_digit() }).count();
        if len == 0 || len > 8 || digits.get(len) != Some(&b';') {
            return None;
        }
        let text = std::str::from_utf8(&digits[..len]).ok()?;
        let code = u32::from_str_radix(text, if hex { 16 } else { 10 }).ok()?;
        let c = match code {
            0xA0 => ' ',
            _ => char::from_u32(code).filter(|c| *c != '\0').unwrap_or('\u{FFFD}'),
        };
        return Some((c, i + 1 + digits_at + len + 1));
    }
    let len = rest.iter().take(MAX_ENTITY + 1).take_while(|c| c.is_ascii_alphanumeric()).count();
    if len == 0 || len > MAX_ENTITY || rest.get(len) != Some(&b';') {
        return None;
    }
    let name = &rest[..len];
    let k = ENTITIES.binary_search_by(|(n, _)| n.as_bytes().cmp(name)).ok()?;
    Some((ENTITIES[k].1, i + 1 + len + 1))
}

/// Decodes character references only (`Tom &amp; Jerry` -> `Tom & Jerry`, `&#39;`, `&#x2F;`,
/// `&nbsp;` as a plain space); tags, spaces and line breaks are left as they are. Unknown
/// references stay as written. Text without `&` is returned borrowed.
pub fn decode_entities(s: &str) -> Cow<'_, str> {
    let b = s.as_bytes();
    let Some(first) = memchr::memchr(b'&', b) else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len());
    let mut copied = 0;
    let mut i = first;
    while let Some(off) = memchr::memchr(b'&', &b[i..]) {
        let at = i + off;
        match entity_at(b, at) {
            Some((c, end)) => {
                out.push_str(&s[copied..at]);
                out.push(c);
                copied = end;
                i = end;
            }
            None => i = at + 1,
        }
    }
    if copied == 0 {
        return Cow::Borrowed(s);
    }
    out.push_str(&s[copied..]);
    Cow::Owned(out)
}

/// Whether the text holds markup: at least one tag (`<p>`, `</b>`, `<br/>`, `<!-- -->`) or a
/// character reference that [`html_to_text`] decodes (`&amp;`, `&#39;`). `a < b`, `R&D` and
/// `Q&A; more` are plain text.
pub fn looks_like_html(s: &str) -> bool {
    let b = s.as_bytes();
    memchr::memchr2_iter(b'<', b'&', b).any(|i| {
        if b[i] == b'<' {
            tag_at(b, i).is_some()
        } else {
            entity_at(b, i).is_some()
        }
    })
}

/// Whether the text holds at least one tag.
fn has_tag(b: &[u8]) -> bool {
    memchr::memchr_iter(b'<', b).any(|i| tag_at(b, i).is_some())
}

/// Plain text being written: knows where lines start so breaks never pile up.
struct Out {
    text: String,
    /// Trailing `\n` count (0 when the last character is none).
    newlines: usize,
    /// A space is owed before the next character (never at a line start).
    space: bool,
    /// Where the last line break came from, while nothing but spaces followed it.
    last_break: Break,
}

/// The source of a line break. A `<br>` next to a line break of the text (`<br />\n`, or
/// `\n<br />` as RSS feeds write it) is one break, not two.
#[derive(Clone, Copy, PartialEq)]
enum Break {
    None,
    Tag,
    Text,
}

impl Out {
    fn at_line_start(&self) -> bool {
        self.text.is_empty() || self.newlines > 0
    }

    fn push_str(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        if self.space && !self.at_line_start() {
            self.text.push(' ');
        }
        self.space = false;
        self.text.push_str(s);
        self.newlines = 0;
        self.last_break = Break::None;
    }

    fn push_char(&mut self, c: char) {
        let mut buf = [0u8; 4];
        self.push_str(c.encode_utf8(&mut buf));
    }

    fn space(&mut self) {
        self.space = true;
    }

    /// One line break; at most one blank line in a row, none at the start.
    fn newline(&mut self) {
        self.space = false;
        if !self.text.is_empty() && self.newlines < 2 {
            self.text.push('\n');
            self.newlines += 1;
        }
    }

    fn start_line(&mut self) {
        if !self.at_line_start() {
            self.newline();
        }
    }

    fn blank_line(&mut self) {
        while !self.text.is_empty() && self.newlines < 2 {
            self.newline();
        }
    }

    fn finish(mut self) -> String {
        let end = self.text.trim_end().len();
        self.text.truncate(end);
        self.text
    }
}

/// Writes `text` (no tags or references in it): spaces and tabs collapse, `\r` is dropped,
/// a `\n` is a line break unless it repeats a tag's break (see [`Break`]).
fn push_text(out: &mut Out, text: &str) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        // Words with one plain space between them go out as one piece: word by word, each
        // space would be owed and then written as that same one space.
        let start = i;
        loop {
            while i < b.len() && !b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i > start && b.get(i) == Some(&b' ') && b.get(i + 1).is_some_and(|c| !c.is_ascii_whitespace()) {
                i += 1;
                continue;
            }
            break;
        }
        // ASCII whitespace bytes never sit inside a UTF-8 sequence: the cuts are char boundaries.
        out.push_str(&text[start..i]);
        while let Some(&c) = b.get(i).filter(|c| c.is_ascii_whitespace()) {
            match c {
                b'\n' if out.last_break == Break::Tag => out.last_break = Break::None,
                b'\n' => {
                    out.newline();
                    out.last_break = Break::Text;
                }
                b'\r' => {}
                _ => out.space(),
            }
            i += 1;
        }
    }
}

/// Applies a tag's effect on the layout.
fn apply_tag(out: &mut Out, tag: &Tag<'_>) {
    let name = tag.name;
    if name.is_empty() {
        return;
    }
    if is_one_of(name, &BREAK_TAGS) {
        if out.last_break == Break::Text {
            out.last_break = Break::None;
            return;
        }
        out.newline();
    } else if is_one_of(name, &PARAGRAPH_TAGS) {
        out.blank_line();
    } else if name.eq_ignore_ascii_case(b"li") && !tag.closing {
        out.start_line();
        out.push_str("-");
        out.space();
    } else if is_one_of(name, &BLOCK_TAGS) {
        out.start_line();
    } else if is_one_of(name, &SPACE_TAGS) {
        out.space();
    } else {
        return;
    }
    if out.newlines > 0 {
        out.last_break = Break::Tag;
    }
}

/// Turns an HTML description into plain text: `<br>` / `<br />` are line breaks, `</p>` (and
/// headings) end a paragraph with a blank line, `<li>` items become `- ` bullets on their own
/// lines, block tags start new lines, other tags are dropped (`<script>` and `<style>` with
/// their content), character references are decoded (`&amp;`, `&lt;`, `&gt;`, `&quot;`,
/// `&#39;`, `&nbsp;`, `&#x2F;`, any numeric one and the common named ones), spaces collapse,
/// runs of blank lines collapse to one and the ends are trimmed.
///
/// `<p>Need an <b>ETL</b> dev.</p><ul><li>Python</li><li>SQL &amp; dbt</li></ul>` ->
/// `"Need an ETL dev.\n\n- Python\n- SQL & dbt"`.
///
/// Text without a tag is only entity-decoded ([`decode_entities`]), its layout kept; so text
/// without `<` and `&` (or whose `<` and `&` open no tag or reference: `a < b`, `R&D`) comes
/// back borrowed and unchanged, spaces and all.
pub fn html_to_text(s: &str) -> Cow<'_, str> {
    let b = s.as_bytes();
    if !has_tag(b) {
        return decode_entities(s);
    }
    let mut out = Out { text: String::with_capacity(s.len()), newlines: 0, space: false, last_break: Break::None };
    let mut text_from = 0;
    let mut i = 0;
    while let Some(off) = memchr::memchr2(b'<', b'&', &b[i..]) {
        let at = i + off;
        if b[at] == b'&' {
            if let Some((c, end)) = entity_at(b, at) {
                push_text(&mut out, &s[text_from..at]);
                if c == ' ' {
                    out.space();
                } else {
                    out.push_char(c);
                }
                text_from = end;
                i = end;
                continue;
            }
            i = at + 1;
            continue;
        }
        let Some(tag) = tag_at(b, at) else {
            i = at + 1;
            continue;
        };
        push_text(&mut out, &s[text_from..at]);
        let mut end = tag.end;
        if !tag.closing && is_one_of(tag.name, &SKIP_CONTENT_TAGS) {
            end = skip_element(b, tag.name, end);
        } else {
            apply_tag(&mut out, &tag);
        }
        text_from = end;
        i = end;
    }
    push_text(&mut out, &s[text_from..]);
    Cow::Owned(out.finish())
}

/// Index just past the closing tag of `name` from `from`, or the end of the input.
fn skip_element(b: &[u8], name: &[u8], from: usize) -> usize {
    let mut i = from;
    while let Some(off) = memchr::memmem::find(&b[i..], b"</") {
        let at = i + off;
        if let Some(tag) = tag_at(b, at) {
            if tag.closing && tag.name.eq_ignore_ascii_case(name) {
                return tag.end;
            }
        }
        i = at + 2;
    }
    b.len()
}

/// [`push_text`] as it was (one piece per word), for tests to compare with.
#[cfg(test)]
mod reference {
    use super::{Break, Out};

    pub(super) fn push_text(out: &mut Out, text: &str) {
        let mut rest = text;
        while !rest.is_empty() {
            // ASCII whitespace bytes never sit inside a UTF-8 sequence: the cuts are char boundaries.
            let b = rest.as_bytes();
            let ws = b.iter().position(u8::is_ascii_whitespace).unwrap_or(b.len());
            out.push_str(&rest[..ws]);
            let run = b[ws..].iter().take_while(|c| c.is_ascii_whitespace()).count();
            for &c in &b[ws..ws + run] {
                match c {
                    b'\n' if out.last_break == Break::Tag => out.last_break = Break::None,
                    b'\n' => {
                        out.newline();
                        out.last_break = Break::Text;
                    }
                    b'\r' => {}
                    _ => out.space(),
                }
            }
            rest = &rest[ws + run..];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalise::samples;

    /// Writing words with single spaces as one piece leaves the output exactly as writing them
    /// word by word, from any state of the output, on fixture text and random text.
    #[test]
    fn push_text_agrees_with_the_reference() {
        let state = |o: &Out| (o.text.clone(), o.newlines, o.space, o.last_break as u8);
        let mut texts: Vec<String> = Vec::new();
        for v in samples::fixture_values() {
            texts.extend(samples::variants(&v));
        }
        let pieces = ["a", "word", "é", " ", "  ", "\t", "\n", "\r", "\r\n", "\u{a0}", "\u{c}", ".", "x y"];
        texts.extend(samples::random_texts(41, &pieces, 12, 30_000));
        let starts = [
            ("", 0, false, Break::None),
            ("x", 0, true, Break::None),
            ("x\n", 1, false, Break::Tag),
            ("x\n\n", 2, true, Break::Text),
        ];
        for (k, t) in texts.iter().enumerate() {
            let (text, newlines, space, last_break) = starts[k % starts.len()];
            let new = || Out { text: text.to_owned(), newlines, space, last_break };
            let (mut fast, mut slow) = (new(), new());
            push_text(&mut fast, t);
            reference::push_text(&mut slow, t);
            assert_eq!(state(&fast), state(&slow), "{t:?}");
        }
    }

    fn text(s: &str) -> String {
        html_to_text(s).into_owned()
    }

    #[test]
    fn entity_table_is_sorted_and_bounded() {
        assert!(ENTITIES.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(ENTITIES.iter().map(|(n, _)| n.len()).max(), Some(MAX_ENTITY));
    }

    #[test]
    fn clean_text_is_borrowed() {
        for s in ["Need a Rust developer.\n\nBudget is flexible.", "", "  spaces  kept  ", "a > b"] {
            assert!(matches!(html_to_text(s), Cow::Borrowed(t) if t == s), "{s:?}");
        }
        assert!(matches!(decode_entities("R and D"), Cow::Borrowed(_)));
        let plain = "R&D team, x < 5\n\n\n\nrates  vary";
        assert!(matches!(html_to_text(plain), Cow::Borrowed(t) if t == plain));
        // References without tags are decoded; the layout stays.
        assert_eq!(html_to_text("Tom &amp; Jerry\n\n\n  spaced  "), "Tom & Jerry\n\n\n  spaced  ");
        // `&` that is no reference: nothing to decode, still borrowed.
        assert!(matches!(decode_entities("R&D, Q&A; AT&T"), Cow::Borrowed(_)));
    }

    #[test]
    fn rss_description() {
        let rss = "We need a data pipeline from Postgres to BigQuery.<br /><br />Must know dbt &amp; Airflow.<br />\
            <b>Hourly Range</b>: $30.00-$60.00\n<br /><b>Posted On</b>: June 06, 2024 16:58 UTC<br />\
            <b>Skills</b>:ETL,     GIS,     Python\n<br /><a href=\"https://www.upwork.com/jobs/Data-pipeline_%7E01abc123?source=rss\">click to apply</a>\n";
        assert_eq!(
            text(rss),
            "We need a data pipeline from Postgres to BigQuery.\n\nMust know dbt & Airflow.\n\
             Hourly Range: $30.00-$60.00\nPosted On: June 06, 2024 16:58 UTC\n\
             Skills:ETL, GIS, Python\nclick to apply"
        );
    }

    #[test]
    fn paragraphs_and_lists() {
        assert_eq!(
            text("<p>Need an <b>ETL</b> dev.</p><ul><li>Python</li><li>SQL &amp; dbt</li></ul><p>Thanks!</p>"),
            "Need an ETL dev.\n\n- Python\n- SQL & dbt\n\nThanks!"
        );
        assert_eq!(
            text(
                "<div>\n  <h2>Requirements</h2>\n  <ol>\n    <li>3+ years</li>\n    <li>English</li>\n  </ol>\n</div>"
            ),
            "Requirements\n\n- 3+ years\n- English"
        );
        assert_eq!(text("one<br>two<BR/>three<br />four"), "one\ntwo\nthree\nfour");
        // Blank lines collapse to one, wherever they come from.
        assert_eq!(text("a<br><br><br><br>b"), "a\n\nb");
        assert_eq!(text("<p>a</p>\n\n\n<p></p><p>b</p>"), "a\n\nb");
        assert_eq!(text("<p>  a  \t b </p>"), "a b");
        assert_eq!(text("<table><tr><td>Rate</td><td>$40</td></tr></table>"), "Rate $40");
    }

    #[test]
    fn plain_newlines_survive_next_to_tags() {
        assert_eq!(
            text("Need help\n\n<b>Requirements</b>\n- Python\r\n- SQL"),
            "Need help\n\nRequirements\n- Python\n- SQL"
        );
        assert_eq!(text("Line one<br>\nLine two"), "Line one\nLine two");
        assert_eq!(text("Tom &amp; Jerry\n\nsecond paragraph"), "Tom & Jerry\n\nsecond paragraph");
    }

    #[test]
    fn entities() {
        assert_eq!(
            text("&lt;div&gt; &quot;quoted&quot; it&#39;s a&#x2F;b &#X2f; caf&eacute; 5&nbsp;&ndash;&nbsp;10 &euro;5 &#8217;"),
            "<div> \"quoted\" it's a/b / café 5 – 10 €5 ’"
        );
        // Decoded `<` is text, never a tag.
        assert_eq!(text("&lt;br&gt;"), "<br>");
        // Unknown or unterminated references stay as written.
        assert_eq!(text("AT&T &bogus; &amp &#; &#xZZ; R&D &amp;"), "AT&T &bogus; &amp &#; &#xZZ; R&D &");
        assert_eq!(text("&#0; &#xD800; &#99999999;"), "\u{FFFD} \u{FFFD} \u{FFFD}");
        assert_eq!(decode_entities("Tom &amp; Jerry &#x2F; &nbsp;x<br>"), "Tom & Jerry /  x<br>");
    }

    #[test]
    fn what_is_not_a_tag_stays() {
        assert_eq!(text("x < 5 and y<3 &amp; a<b.c"), "x < 5 and y<3 & a<b.c");
        assert_eq!(text("unclosed <b and more"), "unclosed <b and more");
        assert_eq!(text("<3 &amp; <<>>"), "<3 & <<>>");
        assert_eq!(text("a<b c=\"x>y\">bold</b>"), "abold");
    }

    #[test]
    fn dropped_content() {
        assert_eq!(text("<style>p { color: red; }</style><p>Hi</p><script>alert('<b>')</script>!"), "Hi\n\n!");
        assert_eq!(text("a<!-- <p>hidden</p> -->b<!DOCTYPE html>c"), "abc");
        assert_eq!(text("<script>never closed"), "");
        assert_eq!(text("<br><br>  <p></p>"), "");
    }

    #[test]
    fn looks_like() {
        for s in ["<p>Hi</p>", "a<br/>b", "a<br>", "x</div>", "Tom &amp; Jerry", "it&#39;s", "<!-- c -->"] {
            assert!(looks_like_html(s), "{s:?}");
        }
        for s in ["", "plain text", "a < b > c", "x<5", "R&D", "Q&A; more", "AT&T", "<3", "<b unclosed", "email <>"] {
            assert!(!looks_like_html(s), "{s:?}");
        }
    }
}
