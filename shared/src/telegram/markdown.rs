//! Telegram's MarkdownV2: escaping ([`escape`], [`escape_code`], [`escape_link_url`]), small
//! formatting helpers ([`bold`], [`italic`], [`code`], [`link`]), a checker that parses text the
//! way Telegram does ([`validate`], [`plain_text`]) and packing of formatted blocks into messages
//! under Telegram's length limit ([`pack`]).
//!
//! The checker is a port of Telegram's own parser (tdlib's `parse_markdown_v2`), with one
//! deliberate difference: a backslash that escapes nothing (at the end of the text, or before a
//! non-ASCII character) is an error here, where Telegram keeps it as a literal backslash. Such a
//! backslash is always a bug in our formatting, and it would escape whatever gets appended next.
//! Telegram's other checks (the URL of a link is valid, a custom emoji id exists) are not
//! syntax and are not made: Telegram silently drops such entities rather than refusing the text.

/// Telegram's limit on a message's text, in UTF-16 code units.
pub const MAX_MESSAGE: usize = 4096;

/// The characters that must be escaped outside `code`, `pre` and link URLs.
const RESERVED: &str = "_*[]()~`>#+-=|{}.!";

/// Length as Telegram counts it: UTF-16 code units.
pub fn utf16_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// Escapes plain text for anywhere outside `code`, `pre` and link URLs: every one of
/// `` _ * [ ] ( ) ~ ` > # + - = | { } . ! `` and `\` gets a preceding backslash.
pub fn escape(text: &str) -> String {
    escape_with(text, |c| c == '\\' || RESERVED.contains(c))
}

/// Escapes text for inside a `code` or `pre` entity: only `` ` `` and `\`.
pub fn escape_code(text: &str) -> String {
    escape_with(text, |c| c == '`' || c == '\\')
}

/// Escapes a URL for inside the `(...)` of an inline link: only `)` and `\`.
pub fn escape_link_url(url: &str) -> String {
    escape_with(url, |c| c == ')' || c == '\\')
}

fn escape_with(text: &str, needs_escape: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    for c in text.chars() {
        if needs_escape(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// An inline link `[text](url)`, both escaped. An empty `text` shows the URL instead (Telegram
/// drops links without text).
pub fn link(text: &str, url: &str) -> String {
    let text = if text.is_empty() { url } else { text };
    format!("[{}]({})", escape(text), escape_link_url(url))
}

/// `*text*`, escaped; empty text gives an empty string.
pub fn bold(text: &str) -> String {
    wrap("*", &escape(text))
}

/// `_text_`, escaped; empty text gives an empty string. Do not put it right before another
/// entity that starts with `_`: Telegram reads `__` as underline.
pub fn italic(text: &str) -> String {
    wrap("_", &escape(text))
}

/// `` `text` ``, escaped for code; empty text gives an empty string.
pub fn code(text: &str) -> String {
    wrap("`", &escape_code(text))
}

fn wrap(marker: &str, escaped: &str) -> String {
    if escaped.is_empty() {
        String::new()
    } else {
        format!("{marker}{escaped}{marker}")
    }
}

/// Checks `text` as Telegram parses MarkdownV2. The error is Telegram's own wording (without
/// its `Bad Request: can't parse entities: ` prefix): the first reserved character that is
/// neither escaped nor part of a well-formed entity (`Character '.' is reserved and must be
/// escaped with the preceding '\'`), or the first entity left open (`Can't find end of Bold
/// entity at byte offset 12`).
pub fn validate(text: &str) -> Result<(), String> {
    parse(text).map(|_| ())
}

/// The text a reader sees: `text` parsed as MarkdownV2, without its markup and escapes.
pub fn plain_text(text: &str) -> Result<String, String> {
    parse(text).map(|p| p.plain)
}

/// What parsing found besides the plain text: where the text may be cut.
struct Parsed {
    plain: String,
    /// Byte offsets before which no entity is open: cutting there leaves two valid texts.
    cuts: Vec<usize>,
    /// Byte offsets of newlines outside every entity but a blockquote: cutting there and
    /// dropping the newline leaves two valid texts.
    line_cuts: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bold,
    Italic,
    Underline,
    Strikethrough,
    Spoiler,
    Code,
    Pre,
    PreCode,
    TextUrl,
    CustomEmoji,
    BlockQuote,
}

impl Kind {
    /// tdlib's name, as in its error messages.
    fn name(self) -> &'static str {
        match self {
            Kind::Bold => "Bold",
            Kind::Italic => "Italic",
            Kind::Underline => "Underline",
            Kind::Strikethrough => "Strikethrough",
            Kind::Spoiler => "Spoiler",
            Kind::Code => "Code",
            Kind::Pre => "Pre",
            Kind::PreCode => "PreCode",
            Kind::TextUrl => "TextUrl",
            Kind::CustomEmoji => "CustomEmoji",
            Kind::BlockQuote => "BlockQuote",
        }
    }
}

struct Open {
    kind: Kind,
    byte_offset: usize,
}

fn reserved_error(c: u8) -> String {
    format!("Character '{}' is reserved and must be escaped with the preceding '\\'", c as char)
}

fn unclosed_error(open: &Open) -> String {
    format!("Can't find end of {} entity at byte offset {}", open.kind.name(), open.byte_offset)
}

fn is_escapable(c: u8) -> bool {
    (1..=126).contains(&c)
}

/// tdlib's `parse_markdown_v2`, recording cut points on the way.
fn parse(text: &str) -> Result<Parsed, String> {
    let b = text.as_bytes();
    let len = b.len();
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let mut out: Vec<u8> = Vec::with_capacity(len);
    let mut cuts = Vec::new();
    let mut line_cuts = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut have_blockquote = false;
    let mut can_start_blockquote = true;
    let mut i = 0;
    while i < len {
        let c = b[i];
        if stack.is_empty() {
            cuts.push(i);
        }
        if c == b'\n' && stack.iter().all(|o| o.kind == Kind::BlockQuote) {
            line_cuts.push(i);
        }
        if c == b'\\' {
            let next = at(i + 1);
            if !is_escapable(next) {
                return Err(reserved_error(c));
            }
            out.push(next);
            if next != b'\r' {
                can_start_blockquote = next == b'\n';
            }
            i += 2;
            continue;
        }
        let in_code = matches!(stack.last().map(|o| o.kind), Some(Kind::Code | Kind::Pre | Kind::PreCode));
        let reserved = if in_code { c == b'`' } else { c == b'\n' || RESERVED.as_bytes().contains(&c) };
        if !reserved {
            let char_len = text[i..].chars().next().map_or(1, char::len_utf8);
            out.extend_from_slice(&b[i..i + char_len]);
            if c != b'\r' {
                can_start_blockquote = false;
            }
            i += char_len;
            continue;
        }
        let is_end = match stack.last() {
            None => false,
            Some(_) if have_blockquote && c == b'\n' && at(i + 1) != b'>' => true,
            Some(top) => match top.kind {
                Kind::Bold => c == b'*',
                Kind::Italic => c == b'_' && at(i + 1) != b'_',
                Kind::Code => c == b'`',
                Kind::Pre | Kind::PreCode => c == b'`' && at(i + 1) == b'`' && at(i + 2) == b'`',
                Kind::TextUrl | Kind::CustomEmoji => c == b']',
                Kind::Underline => c == b'_' && at(i + 1) == b'_',
                Kind::Strikethrough => c == b'~',
                Kind::Spoiler => c == b'|' && at(i + 1) == b'|',
                Kind::BlockQuote => false,
            },
        };
        if !is_end {
            let byte_offset = i;
            let kind = match c {
                b'_' if at(i + 1) == b'_' => {
                    i += 2;
                    Kind::Underline
                }
                b'_' => {
                    i += 1;
                    Kind::Italic
                }
                b'*' => {
                    i += 1;
                    Kind::Bold
                }
                b'~' => {
                    i += 1;
                    Kind::Strikethrough
                }
                b'|' if at(i + 1) == b'|' => {
                    i += 2;
                    Kind::Spoiler
                }
                b'[' => {
                    i += 1;
                    Kind::TextUrl
                }
                b'!' if at(i + 1) == b'[' => {
                    i += 2;
                    Kind::CustomEmoji
                }
                b'`' if at(i + 1) == b'`' && at(i + 2) == b'`' => {
                    i += 3;
                    let mut kind = Kind::Pre;
                    let mut language_end = i;
                    while language_end < len && !b" \t\r\n\x0b".contains(&b[language_end]) && b[language_end] != b'`' {
                        language_end += 1;
                    }
                    if i != language_end && language_end < len && b[language_end] != b'`' {
                        kind = Kind::PreCode;
                        i = language_end;
                    }
                    // One newline right after the opening (and language) is skipped.
                    if at(i) == b'\n' || at(i) == b'\r' {
                        let pair = (at(i + 1) == b'\n' || at(i + 1) == b'\r') && at(i) != at(i + 1);
                        i += if pair { 2 } else { 1 };
                    }
                    kind
                }
                b'`' => {
                    i += 1;
                    Kind::Code
                }
                b'\n' => {
                    out.push(b'\n');
                    can_start_blockquote = true;
                    i += 1;
                    continue;
                }
                b'>' if can_start_blockquote => {
                    i += 1;
                    if have_blockquote {
                        continue;
                    }
                    have_blockquote = true;
                    Kind::BlockQuote
                }
                _ => return Err(reserved_error(c)),
            };
            stack.push(Open { kind, byte_offset });
            continue;
        }
        // The end of the innermost entity.
        let mut kind = stack.last().map(|o| o.kind).unwrap_or(Kind::BlockQuote);
        if c == b'\n' && kind != Kind::BlockQuote {
            // The newline ends a blockquote: only the `||` of an expandable blockquote, right
            // before it, may still be open.
            let top = stack.last().expect("an entity is open");
            let expandable = kind == Kind::Spoiler
                && (top.byte_offset + 2 == i || (top.byte_offset + 3 == i && out.last() == Some(&b'\r')));
            if !expandable {
                return Err(unclosed_error(top));
            }
            stack.pop();
            let top = stack.last().expect("the blockquote is open");
            if top.kind != Kind::BlockQuote {
                return Err(unclosed_error(top));
            }
            kind = Kind::BlockQuote;
        }
        match kind {
            Kind::Bold | Kind::Italic | Kind::Code | Kind::Strikethrough => i += 1,
            Kind::Underline | Kind::Spoiler => i += 2,
            Kind::Pre | Kind::PreCode => i += 3,
            Kind::TextUrl | Kind::CustomEmoji => {
                if at(i + 1) != b'(' {
                    if kind == Kind::CustomEmoji {
                        return Err("Custom emoji entity must contain a tg://emoji URL".into());
                    }
                    i += 1;
                } else {
                    i += 2;
                    let url_begin = i;
                    while i < len && b[i] != b')' {
                        if b[i] == b'\\' {
                            if !is_escapable(at(i + 1)) {
                                return Err(reserved_error(b'\\'));
                            }
                            i += 2;
                        } else {
                            i += 1;
                        }
                    }
                    if at(i) != b')' {
                        let what = if kind == Kind::CustomEmoji { "a custom emoji URL" } else { "a URL" };
                        return Err(format!("Can't find end of {what} at byte offset {url_begin}"));
                    }
                    i += 1;
                }
            }
            Kind::BlockQuote => {
                have_blockquote = false;
                out.push(c);
                can_start_blockquote = true;
                i += 1;
            }
        }
        stack.pop();
    }
    if have_blockquote {
        if let Some(top) = stack.last() {
            if top.kind == Kind::Spoiler && top.byte_offset + 2 == len {
                stack.pop();
            }
        }
        if stack.last().is_some_and(|o| o.kind == Kind::BlockQuote) {
            stack.pop();
        }
    }
    if let Some(top) = stack.last() {
        return Err(unclosed_error(top));
    }
    let plain = String::from_utf8(out).expect("only ASCII markup and escapes are removed");
    Ok(Parsed { plain, cuts, line_cuts })
}

/// Joins already-formatted blocks (one per job, say) with a blank line into as few messages as
/// possible, each at most `limit` UTF-16 code units, keeping their order. A block that fits a
/// message is never split; empty blocks are skipped.
///
/// A block longer than `limit` starts a new message and is cut, and every part stays valid
/// MarkdownV2. The rule: a cut is only made where no entity is open (a blockquote aside, which
/// is line-based), so no entity is ever closed or reopened. Among those places, the last line
/// break that keeps the part at least half full wins, dropping the newline; failing that, the
/// last space that does, dropping the space; failing that, the part is filled up to the last
/// place that fits, which is never inside an escape (`\.`) or a character. An entity that is
/// longer than `limit` by itself loses its formatting (its text is escaped as plain text) so
/// it can be cut. A block that is not valid MarkdownV2 is cut like plain text (at newlines,
/// spaces, or anywhere but right after an unescaped backslash).
///
/// `limit` is at least 2 (an escape, or an emoji, is 2 units).
pub fn pack(blocks: &[String], limit: usize) -> Vec<String> {
    let limit = limit.max(2);
    let mut messages = Vec::new();
    let mut current = String::new();
    let mut current_len = 0;
    for block in blocks {
        if block.trim().is_empty() {
            continue;
        }
        let len = utf16_len(block);
        if len <= limit {
            if current.is_empty() {
                current = block.clone();
                current_len = len;
            } else if current_len + 2 + len <= limit {
                current.push_str("\n\n");
                current.push_str(block);
                current_len += 2 + len;
            } else {
                messages.push(std::mem::replace(&mut current, block.clone()));
                current_len = len;
            }
        } else {
            if !current.is_empty() {
                messages.push(std::mem::take(&mut current));
            }
            let mut parts = split_block(block, limit);
            current = parts.pop().unwrap_or_default();
            current_len = utf16_len(&current);
            messages.extend(parts);
        }
    }
    if !current.is_empty() {
        messages.push(current);
    }
    messages
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AtomKind {
    /// A newline that may be dropped at a cut.
    LineBreak,
    /// A space that may be dropped at a cut.
    Space,
    Other,
}

/// A piece of a block that is never cut: both its ends are safe cut points.
#[derive(Debug, Clone)]
struct Atom {
    text: String,
    units: usize,
    kind: AtomKind,
}

impl Atom {
    fn new(text: &str) -> Atom {
        let kind = match text {
            "\n" => AtomKind::LineBreak,
            " " => AtomKind::Space,
            _ => AtomKind::Other,
        };
        Atom { text: text.to_string(), units: utf16_len(text), kind }
    }
}

/// Splits `block` into atoms at its safe cut points.
fn atoms(block: &str) -> Vec<Atom> {
    let mut bounds: Vec<usize> = match parse(block) {
        Ok(parsed) => {
            let mut bounds = parsed.cuts;
            for p in parsed.line_cuts {
                bounds.extend([p, p + 1]);
            }
            bounds
        }
        Err(_) => {
            // Not MarkdownV2: every character is a cut point, except right after a backslash.
            let mut bounds = Vec::new();
            let mut escaped = false;
            for (i, c) in block.char_indices() {
                if !escaped {
                    bounds.push(i);
                }
                escaped = !escaped && c == '\\';
            }
            bounds
        }
    };
    bounds.push(0);
    bounds.push(block.len());
    bounds.sort_unstable();
    bounds.dedup();
    bounds.windows(2).map(|w| Atom::new(&block[w[0]..w[1]])).collect()
}

/// An atom's text as escaped plain text, one atom per character.
fn unformatted(atom: &Atom) -> Vec<Atom> {
    let plain = plain_text(&atom.text).unwrap_or_else(|_| atom.text.clone());
    plain.chars().map(|c| Atom::new(&escape(c.encode_utf8(&mut [0; 4])))).collect()
}

/// Cuts one block longer than `limit` into valid parts of at most `limit` units (see [`pack`]).
fn split_block(block: &str, limit: usize) -> Vec<String> {
    let mut queue: std::collections::VecDeque<Atom> = atoms(block).into();
    let mut parts = Vec::new();
    let mut current: Vec<Atom> = Vec::new();
    let mut current_len = 0;
    while let Some(atom) = queue.pop_front() {
        if atom.units > limit {
            for piece in unformatted(&atom).into_iter().rev() {
                queue.push_front(piece);
            }
            continue;
        }
        while current_len + atom.units > limit {
            let (end, resume) = cut_point(&current, limit);
            push_part(&mut parts, &current[..end]);
            current.drain(..resume);
            current_len = current.iter().map(|a| a.units).sum();
        }
        current_len += atom.units;
        current.push(atom);
    }
    push_part(&mut parts, &current);
    parts
}

/// Where to cut the atoms of a part that cannot take the next atom: the part ends before atom
/// `end` and the next one resumes at atom `resume` (one further when a newline or space is
/// dropped).
fn cut_point(atoms: &[Atom], limit: usize) -> (usize, usize) {
    let half = limit / 2;
    for wanted in [AtomKind::LineBreak, AtomKind::Space] {
        let mut before = 0;
        let mut best = None;
        for (k, atom) in atoms.iter().enumerate() {
            if atom.kind == wanted && before >= half.max(1) {
                best = Some(k);
            }
            before += atom.units;
        }
        if let Some(k) = best {
            return (k, k + 1);
        }
    }
    (atoms.len(), atoms.len())
}

/// Adds the atoms as one part, without leading or trailing newlines and spaces; nothing when
/// that leaves nothing.
fn push_part(parts: &mut Vec<String>, atoms: &[Atom]) {
    let blank = |a: &Atom| a.kind != AtomKind::Other;
    let start = atoms.iter().position(|a| !blank(a));
    let end = atoms.iter().rposition(|a| !blank(a));
    if let (Some(start), Some(end)) = (start, end) {
        parts.push(atoms[start..=end].iter().map(|a| a.text.as_str()).collect());
    }
}

/// `text` escaped, shortened with `…` to at most `max_units` UTF-16 units; never cuts an
/// escape or a character.
pub fn escape_capped(text: &str, max_units: usize) -> String {
    let full = escape(text);
    if utf16_len(&full) <= max_units {
        return full;
    }
    let mut out = String::new();
    let mut units = 0;
    for c in text.chars() {
        let escaped = escape(c.encode_utf8(&mut [0; 4]));
        let n = utf16_len(&escaped);
        if units + n + 1 > max_units {
            break;
        }
        out.push_str(&escaped);
        units += n;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Removes the escaping backslashes of plain escaped text.
    fn unescape(text: &str) -> String {
        let mut out = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                out.extend(chars.next());
            } else {
                out.push(c);
            }
        }
        out
    }

    /// A small deterministic generator (xorshift), so the property tests need no crate.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    const HOSTILE: [&str; 24] = [
        "*",
        "_",
        "[",
        "]",
        "(",
        ")",
        "~",
        "`",
        ">",
        "#",
        "+",
        "-",
        "=",
        "|",
        "{",
        "}",
        ".",
        "!",
        "\\",
        "\n",
        " ",
        "<script>alert(1)</script>",
        "🏟",
        "é",
    ];

    fn hostile_string(rng: &mut Rng, max_pieces: usize) -> String {
        let n = rng.below(max_pieces + 1);
        (0..n)
            .map(|_| match rng.below(4) {
                0 => "word",
                1 => "\\\\",
                _ => HOSTILE[rng.below(HOSTILE.len())],
            })
            .collect()
    }

    #[test]
    fn escape_escapes_every_reserved_character_and_the_backslash() {
        assert_eq!(escape("_*[]()~`>#+-=|{}.!\\"), "\\_\\*\\[\\]\\(\\)\\~\\`\\>\\#\\+\\-\\=\\|\\{\\}\\.\\!\\\\");
        assert_eq!(escape("Rust & C++ 1.5 <b>é🏟"), "Rust & C\\+\\+ 1\\.5 <b\\>é🏟");
        assert_eq!(escape_code("a`b\\c*_."), "a\\`b\\\\c*_.");
        assert_eq!(escape_link_url("https://x.io/a_(b)\\"), "https://x.io/a_(b\\)\\\\");
    }

    #[test]
    fn helpers_wrap_escaped_text() {
        assert_eq!(bold("a.b"), "*a\\.b*");
        assert_eq!(italic("a*b"), "_a\\*b_");
        assert_eq!(code("a`b"), "`a\\`b`");
        assert_eq!(link("Open [it]", "https://x.io/q?a=(1)"), "[Open \\[it\\]](https://x.io/q?a=(1\\))");
        assert_eq!(link("", "https://x.io"), "[https://x\\.io](https://x.io)");
        assert_eq!((bold(""), italic(""), code("")), (String::new(), String::new(), String::new()));
        for s in [bold("x_y"), italic("x*y"), code("x`y\\"), link("a)", "b)c\\")] {
            assert_eq!(validate(&s), Ok(()), "{s}");
        }
        assert_eq!(plain_text(&link("a)", "https://b.io/c)")).unwrap(), "a)");
    }

    #[test]
    fn well_formed_text_validates() {
        for good in [
            "",
            "plain text, no reserved characters",
            "*bold* _italic_ __underline__ ~strike~ ||spoiler|| `code`",
            "*bold _italic bold ~strike ||spoiler||~ __underline italic___ bold*",
            "```rust\nfn main() { let x = a.b(); }\n```",
            "```\nno language *here*\n```",
            "`inline with *stars* and \\` and \\\\`",
            "[link text](https://example.com/a_(b\\)c)",
            "[*bold link*](https://example.com)",
            "![👍](tg://emoji?id=5368324170671202286)",
            ">a quote\n>on two lines\nafter it",
            ">quote with *bold*\n>more\n\\>not a quote",
            "**>expandable\n>quote||\nafter",
            "escaped \\. \\! \\- \\\\ \\a \\1 and emoji 🏟 é",
            "🏟 🏟____",
            "||test||",
        ] {
            assert_eq!(validate(good), Ok(()), "{good:?}");
        }
        assert_eq!(plain_text("*a* \\. _b_ [c](https://x.io)").unwrap(), "a . b c");
        assert_eq!(plain_text(">q\n>r\ns").unwrap(), "q\nr\ns");
    }

    #[test]
    fn bad_text_is_refused_with_telegrams_wording() {
        let reserved = |c: char| format!("Character '{c}' is reserved and must be escaped with the preceding '\\'");
        for c in "]()#+-=|{}.!".chars() {
            assert_eq!(validate(&format!("a{c}")), Err(reserved(c)));
        }
        assert_eq!(validate("Version 1.0"), Err(reserved('.')));
        assert_eq!(validate("a > b"), Err(reserved('>')));
        assert_eq!(validate(">\n*a*>2"), Err(reserved('>')));
        assert_eq!(validate("trailing \\"), Err(reserved('\\')));
        assert_eq!(validate("\\é"), Err(reserved('\\')));
        // tdlib's own cases ("🏟" is 4 bytes).
        for (bad, error) in [
            ("🏟 🏟_abacaba", "Can't find end of Italic entity at byte offset 9"),
            ("🏟 🏟_abac * asd ", "Can't find end of Bold entity at byte offset 15"),
            ("🏟 🏟`", "Can't find end of Code entity at byte offset 9"),
            ("🏟 🏟```", "Can't find end of Pre entity at byte offset 9"),
            ("🏟 🏟```a ", "Can't find end of PreCode entity at byte offset 9"),
            ("🏟 🏟__🏟 🏟_", "Can't find end of Italic entity at byte offset 20"),
            ("🏟 🏟_🏟 🏟__", "Can't find end of Underline entity at byte offset 19"),
            ("[telegram\\.org](asd\\)", "Can't find end of a URL at byte offset 16"),
            ("🏟 🏟||test\\|", "Can't find end of Spoiler entity at byte offset 9"),
            (">*b\n>ld \n>bo\nld*\nasd", "Can't find end of Bold entity at byte offset 1"),
            (">asd\n>q||ew\n||asdad", "Can't find end of Spoiler entity at byte offset 7"),
        ] {
            assert_eq!(validate(bad), Err(error.to_string()), "{bad:?}");
        }
        assert!(validate("<script>alert(1)</script>").is_err());
        assert!(validate("*unclosed bold").is_err());
        assert!(validate("[text](url").is_err());
    }

    #[test]
    fn escaped_hostile_strings_validate_and_unescape_to_themselves() {
        let mut fixed: Vec<String> = HOSTILE.iter().map(|s| s.to_string()).collect();
        fixed.extend([
            "*_[]()~>#+-=|{}.!".to_string(),
            "\\\\\\".to_string(),
            "```rust\n```".to_string(),
            "**>x||".to_string(),
            ">>> quote".to_string(),
            "a\r\n>b".to_string(),
        ]);
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let random = (0..2000).map(|_| hostile_string(&mut rng, 12));
        for s in fixed.into_iter().chain(random) {
            let escaped = escape(&s);
            assert_eq!(validate(&escaped), Ok(()), "{s:?} -> {escaped:?}");
            assert_eq!(plain_text(&escaped).unwrap(), s);
            assert_eq!(unescape(&escaped), s);
            for wrapped in [bold(&s), italic(&s), code(&s), link(&s, &s)] {
                assert_eq!(validate(&wrapped), Ok(()), "{wrapped:?}");
            }
        }
    }

    #[test]
    fn pack_joins_blocks_with_a_blank_line_into_few_messages() {
        let blocks: Vec<String> = (0..5).map(|n| format!("*job {n}*\nline")).collect();
        // Each block is 12 units; two blocks and a blank line are 26.
        assert_eq!(pack(&blocks, 4096), vec![blocks.join("\n\n")]);
        let packed = pack(&blocks, 26);
        assert_eq!(packed.len(), 3);
        assert_eq!(packed[0], format!("{}\n\n{}", blocks[0], blocks[1]));
        assert_eq!(packed[2], blocks[4]);
        assert_eq!(pack(&blocks, 25).len(), 5);
        assert!(pack(&[], 100).is_empty());
        assert!(pack(&[String::new(), " \n".into()], 100).is_empty());
    }

    #[test]
    fn pack_counts_utf16_units() {
        // "🏟" is 2 UTF-16 units but 1 char and 4 bytes.
        let block = "🏟".repeat(10);
        let packed = pack(&[block.clone(), block.clone()], 42);
        assert_eq!(packed, vec![format!("{block}\n\n{block}")]);
        assert_eq!(pack(&[block.clone(), block], 41).len(), 2);
        let parts = pack(&["🏟".repeat(25)], 10);
        assert_eq!(parts, vec!["🏟".repeat(5); 5]);
    }

    #[test]
    fn an_oversized_block_is_cut_between_lines() {
        let lines: Vec<String> =
            (0..40).map(|n| format!("{} {}", bold(&format!("Item {n}.")), escape("costs $1.50 (each)"))).collect();
        let block = lines.join("\n");
        let parts = pack(std::slice::from_ref(&block), 200);
        assert!(parts.len() > 1);
        for part in &parts {
            assert!(utf16_len(part) <= 200, "{part}");
            assert_eq!(validate(part), Ok(()), "{part}");
        }
        assert_eq!(parts.join("\n"), block, "only the newlines at the cuts are dropped");
    }

    #[test]
    fn a_long_line_is_cut_between_characters_never_after_a_backslash() {
        let text = "a.b-c!".repeat(100);
        let block = escape(&text);
        for limit in [7, 10, 33, 100] {
            let parts = pack(std::slice::from_ref(&block), limit);
            for part in &parts {
                assert!(utf16_len(part) <= limit);
                assert_eq!(validate(part), Ok(()), "{part}");
            }
            assert_eq!(parts.concat(), block);
        }
        // Words: cut at spaces, which are dropped.
        let words = escape(&"word. ".repeat(100));
        let parts = pack(&[words], 50);
        assert!(parts.iter().all(|p| p.ends_with("\\.")), "{parts:?}");
    }

    #[test]
    fn entities_are_never_cut() {
        // A bold entity spanning two lines: the cut goes around it, not through it.
        let block = format!(
            "{}\n*{}\n{}*\n{}",
            escape(&"x".repeat(30)),
            escape(&"y".repeat(30)),
            escape(&"z".repeat(30)),
            escape(&"w".repeat(30)),
        );
        let parts = pack(std::slice::from_ref(&block), 70);
        assert_eq!(parts.len(), 3, "{parts:?}");
        assert!(parts[1].starts_with('*') && parts[1].ends_with('*'), "{parts:?}");
        for part in &parts {
            assert_eq!(validate(part), Ok(()), "{part}");
        }
        // Links, code and quotes are kept whole too.
        let block = format!(
            "{} {}\n>{}\n>{}\n{}",
            link("first link", "https://example.com/1"),
            code("let x = y.z();"),
            escape("quoted."),
            bold("line two"),
            link("second link", "https://example.com/2"),
        );
        assert_eq!(validate(&block), Ok(()));
        for limit in [30, 40, 60] {
            for part in pack(std::slice::from_ref(&block), limit) {
                assert!(utf16_len(&part) <= limit);
                assert_eq!(validate(&part), Ok(()), "{part}");
            }
        }
    }

    #[test]
    fn an_entity_longer_than_a_message_loses_its_formatting() {
        let long = "bold text. ".repeat(30);
        let block = format!("intro\n{}\noutro", bold(&long));
        let parts = pack(std::slice::from_ref(&block), 100);
        let mut seen = String::new();
        for part in &parts {
            assert!(utf16_len(part) <= 100);
            assert_eq!(validate(part), Ok(()), "{part}");
            seen.push_str(&plain_text(part).unwrap());
        }
        let squeeze = |s: &str| s.split_whitespace().collect::<String>();
        assert_eq!(squeeze(&seen), squeeze(&format!("intro{long}outro")));
    }

    #[test]
    fn invalid_blocks_are_cut_like_plain_text() {
        let block = format!("{}\\.", "a*".repeat(21));
        assert!(validate(&block).is_err());
        for part in pack(&[block], 9) {
            assert!(utf16_len(&part) <= 9);
            assert!(!part.ends_with('\\'), "{part}");
        }
    }

    #[test]
    fn packed_random_blocks_always_validate_and_fit() {
        let mut rng = Rng(42);
        for round in 0..300 {
            let blocks: Vec<String> = (0..rng.below(6))
                .map(|_| {
                    let mut block = String::new();
                    let mut after_quote = false;
                    for n in 0..rng.below(8) {
                        let s = hostile_string(&mut rng, 8);
                        let (piece, quote) = match rng.below(6) {
                            0 => (bold(&s), false),
                            1 => (italic(&s), false),
                            2 => (code(&s), false),
                            3 => (link(&s, "https://example.com/(x)"), false),
                            4 => (format!(">{}", escape(&s)), true),
                            _ => (escape(&s), false),
                        };
                        if n > 0 {
                            let newline = quote || after_quote || rng.below(2) == 0;
                            block.push_str(if newline { "\n" } else { " " });
                        }
                        block.push_str(&piece);
                        after_quote = quote;
                    }
                    assert_eq!(validate(&block), Ok(()), "{block:?}");
                    block
                })
                .collect();
            let limit = 2 + rng.below(120);
            for part in pack(&blocks, limit) {
                assert!(utf16_len(&part) <= limit, "round {round}: {part:?}");
                assert_eq!(validate(&part), Ok(()), "round {round}: {part:?} of {blocks:?}");
            }
        }
    }
}
