//! Telegram's HTML style (`parse_mode: "HTML"`): escaping ([`escape`], [`escape_attr`],
//! [`escape_capped`]), small formatting helpers ([`bold`], [`italic`], [`code`], [`link`]), a
//! checker that parses text the way Telegram does ([`check`], [`plain_text`]) and packing of
//! formatted blocks into messages under Telegram's length limit ([`pack`]). It replaced
//! MarkdownV2, whose eighteen reserved characters were much easier to get wrong: HTML needs
//! only `&`, `<` and `>` escaped.
//!
//! The checker is a port of Telegram's own parser (tdlib's `parse_html`), with one deliberate
//! difference: an `&` that does not start one of the entities Telegram knows (`&lt;`, `&gt;`,
//! `&amp;`, `&quot;`, `&#NNN;`, `&#xHH;`), or that starts one without its closing `;`, is an
//! error here. The Bot API documentation requires every such `&` to be written `&amp;`, but
//! Telegram's parser keeps it as a literal `&`; here it is always a bug in our formatting (an
//! unescaped URL query, say), and it would combine with whatever text follows. A bare `<` is an
//! error in Telegram too (`a < b` gives `Unsupported start tag "" at byte offset 2`); a bare `>`
//! is accepted, as Telegram does, though [`escape`] still escapes it.
//!
//! As in Telegram, tag names are case-insensitive but attribute names are not: Telegram ignores
//! `<a HREF="...">` (the link goes to its text) and refuses `<span CLASS="tg-spoiler">`.
//! Telegram's other checks (the URL of a link is valid, a custom emoji exists) are not syntax and
//! are not made: Telegram silently drops such entities rather than refusing the text. The id of
//! a custom emoji must be a number, though, as Telegram refuses the text otherwise.

/// Telegram's limit on a message's text, in UTF-16 code units.
pub const MAX_MESSAGE: usize = 4096;

/// The tags Telegram supports, lowercase.
const TAGS: [&str; 16] = [
    "a",
    "b",
    "strong",
    "i",
    "em",
    "s",
    "strike",
    "del",
    "u",
    "ins",
    "tg-spoiler",
    "tg-emoji",
    "span",
    "pre",
    "code",
    "blockquote",
];

/// Length as Telegram counts it: UTF-16 code units.
pub fn utf16_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// Escapes plain text for anywhere in a message, `code` and `pre` included: `&`, `<` and `>`
/// become `&amp;`, `&lt;` and `&gt;`. Quotes are left alone: text needs no other escape.
pub fn escape(text: &str) -> String {
    escape_with(text, false)
}

/// Escapes a URL (or any text) for inside the double quotes of an attribute such as
/// `href="..."`: as [`escape`], and `"` becomes `&quot;`.
pub fn escape_attr(url: &str) -> String {
    escape_with(url, true)
}

fn escape_with(text: &str, in_attr: bool) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match entity_for(c, in_attr) {
            Some(entity) => out.push_str(entity),
            None => out.push(c),
        }
    }
    out
}

/// The entity that stands for `c`, when `c` must be escaped.
fn entity_for(c: char, in_attr: bool) -> Option<&'static str> {
    match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        '"' if in_attr => Some("&quot;"),
        _ => None,
    }
}

/// A link `<a href="url">text</a>`, both escaped. An empty `text` shows the URL instead
/// (Telegram drops links without text).
pub fn link(text: &str, url: &str) -> String {
    let text = if text.is_empty() { url } else { text };
    format!("<a href=\"{}\">{}</a>", escape_attr(url), escape(text))
}

/// `<b>text</b>`, escaped; empty text gives an empty string.
pub fn bold(text: &str) -> String {
    wrap("b", &escape(text))
}

/// `<i>text</i>`, escaped; empty text gives an empty string.
pub fn italic(text: &str) -> String {
    wrap("i", &escape(text))
}

/// `<code>text</code>`, escaped; empty text gives an empty string.
pub fn code(text: &str) -> String {
    wrap("code", &escape(text))
}

fn wrap(tag: &str, escaped: &str) -> String {
    if escaped.is_empty() {
        String::new()
    } else {
        format!("<{tag}>{escaped}</{tag}>")
    }
}

/// `text` escaped, shortened with `…` to at most `max_units` UTF-16 units; never cuts an
/// entity (`&amp;`) or a character. Text that needs shortening keeps at least the `…`, so a
/// `max_units` of 0 still gives `…`.
pub fn escape_capped(text: &str, max_units: usize) -> String {
    let full = escape(text);
    if utf16_len(&full) <= max_units {
        return full;
    }
    let mut out = String::new();
    let mut units = 0;
    for c in text.chars() {
        let mut buf = [0; 4];
        let escaped = entity_for(c, false).unwrap_or_else(|| c.encode_utf8(&mut buf));
        let n = utf16_len(escaped);
        if units + n + 1 > max_units {
            break;
        }
        out.push_str(escaped);
        units += n;
    }
    out.push('…');
    out
}

/// Checks `text` as Telegram parses HTML. The error is Telegram's own wording (without its
/// `Bad Request: can't parse entities: ` prefix), for instance `Unsupported start tag "x" at
/// byte offset 3`, `Can't find end tag corresponding to start tag "b"`, `Unmatched end tag at
/// byte offset 9, expected "</b>", found "</i>"` or `Unclosed start tag at byte offset 0`. A
/// bare `<` is refused as Telegram refuses it; a bare `&` is refused too, where Telegram keeps
/// it (see the [module documentation](self)).
pub fn check(text: &str) -> Result<(), String> {
    plain_text(text).map(|_| ())
}

/// The text a reader sees: `text` parsed as Telegram's HTML, without its tags and with its
/// entities decoded. Fails as [`check`] does.
pub fn plain_text(text: &str) -> Result<String, String> {
    parse(text).map(|p| p.plain)
}

/// What parsing found besides the plain text: where the text may be cut.
struct Parsed {
    plain: String,
    /// Byte offsets where no tag is open and no entity, character or tag is under way: cutting
    /// there leaves two valid texts.
    cuts: Vec<usize>,
}

/// A start tag whose end tag has not been seen yet.
struct Open {
    /// Lowercase, one of [`TAGS`].
    tag: &'static str,
    /// What Telegram keeps of the attributes: the `href`, the `emoji-id`, the class of a `span`
    /// without its `tg-`.
    argument: String,
    /// The length of the plain text when the tag opened.
    plain_start: usize,
}

/// The byte at `i`, or 0 past the end: tdlib reads the text as a NUL-terminated C string.
fn at(b: &[u8], i: usize) -> u8 {
    b.get(i).copied().unwrap_or(0)
}

/// tdlib's `is_space`, which counts the terminating NUL as a space.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b'\0' | 0x0b)
}

/// The character at byte `i` of `text`, which is on a character boundary before the end.
fn char_at(text: &str, i: usize) -> char {
    text[i..].chars().next().expect("a character starts here")
}

/// tdlib's `parse_html`, recording cut points on the way.
fn parse(text: &str) -> Result<Parsed, String> {
    let b = text.as_bytes();
    let mut plain = String::with_capacity(text.len());
    let mut cuts = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if stack.is_empty() {
            cuts.push(i);
        }
        match b[i] {
            b'&' => {
                let (c, next) = entity(text, i)?;
                plain.push(c);
                i = next;
            }
            b'<' if at(b, i + 1) == b'/' => i = end_tag(text, i, &mut stack, plain.len())?,
            b'<' => {
                let (open, next) = start_tag(text, i, plain.len())?;
                stack.push(open);
                i = next;
            }
            _ => {
                let c = char_at(text, i);
                plain.push(c);
                i += c.len_utf8();
            }
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!("Can't find end tag corresponding to start tag \"{}\"", open.tag));
    }
    Ok(Parsed { plain, cuts })
}

/// Telegram's error for an entity that stands for half of a UTF-16 surrogate pair.
const SURROGATE: &str =
    "Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units";

/// Decodes the entity that starts with the `&` at byte `i`: its character and the offset after
/// its `;`. Telegram's `decode_html_entity`, except that what it would keep as a literal `&` is
/// an error.
fn entity(text: &str, i: usize) -> Result<(char, usize), String> {
    let b = text.as_bytes();
    let bare =
        || format!("Character \"&\" at byte offset {i} does not start an HTML entity and must be written \"&amp;\"");
    let mut end = i + 1;
    let code = if at(b, end) == b'#' {
        end += 1;
        let radix = if at(b, end) == b'x' {
            end += 1;
            16
        } else {
            10
        };
        let mut code: u32 = 0;
        while let Some(digit) = (at(b, end) as char).to_digit(radix) {
            code = code.wrapping_mul(radix).wrapping_add(digit);
            end += 1;
        }
        if code == 0 || code >= 0x10ffff || end - i >= 10 {
            return Err(bare());
        }
        code
    } else {
        while at(b, end).is_ascii_alphabetic() {
            end += 1;
        }
        match &b[i + 1..end] {
            b"lt" => '<' as u32,
            b"gt" => '>' as u32,
            b"amp" => '&' as u32,
            b"quot" => '"' as u32,
            _ => return Err(bare()),
        }
    };
    if at(b, end) != b';' {
        return Err(bare());
    }
    let c = char::from_u32(code).ok_or_else(|| SURROGATE.to_string())?;
    Ok((c, end + 1))
}

/// Parses the start tag whose `<` is at byte `begin`: what is opened, and the offset after its
/// `>`.
fn start_tag(text: &str, begin: usize, plain_len: usize) -> Result<(Open, usize), String> {
    let b = text.as_bytes();
    let mut i = begin + 1;
    while !is_space(at(b, i)) && at(b, i) != b'>' {
        i += 1;
    }
    if at(b, i) == 0 {
        return Err(format!("Unclosed start tag at byte offset {begin}"));
    }
    let name = &text[begin + 1..i];
    let Some(&tag) = TAGS.iter().find(|t| t.eq_ignore_ascii_case(name)) else {
        return Err(format!("Unsupported start tag \"{}\" at byte offset {begin}", name.to_ascii_lowercase()));
    };
    let unclosed = || format!("Unclosed start tag \"{tag}\" at byte offset {begin}");
    let mut argument = String::new();
    while at(b, i) != b'>' {
        while at(b, i) != 0 && is_space(at(b, i)) {
            i += 1;
        }
        if at(b, i) == b'>' {
            break;
        }
        let name_start = i;
        while !is_space(at(b, i)) && !b"=>/\"'".contains(&at(b, i)) {
            i += 1;
        }
        let attribute = &text[name_start..i];
        if attribute.is_empty() {
            return Err(format!("Empty attribute name in the tag \"{tag}\" at byte offset {begin}"));
        }
        while at(b, i) != 0 && is_space(at(b, i)) {
            i += 1;
        }
        if at(b, i) != b'=' {
            // An attribute without a value.
            if at(b, i) == 0 {
                return Err(unclosed());
            }
            if tag == "blockquote" && attribute == "expandable" {
                argument = "1".into();
            }
            continue;
        }
        i += 1;
        while at(b, i) != 0 && is_space(at(b, i)) {
            i += 1;
        }
        if at(b, i) == 0 {
            return Err(unclosed());
        }
        let quote = at(b, i);
        let value = if quote != b'"' && quote != b'\'' {
            // A name token: letters, digits, periods and hyphens, case-insensitive.
            let token_start = i;
            while at(b, i).is_ascii_alphanumeric() || at(b, i) == b'.' || at(b, i) == b'-' {
                i += 1;
            }
            if !is_space(at(b, i)) && at(b, i) != b'>' {
                return Err(format!("Unexpected end of name token at byte offset {token_start}"));
            }
            text[token_start..i].to_ascii_lowercase()
        } else {
            i += 1;
            let mut value = String::new();
            while at(b, i) != quote && at(b, i) != 0 {
                if b[i] == b'&' {
                    let (c, next) = entity(text, i)?;
                    value.push(c);
                    i = next;
                } else {
                    let c = char_at(text, i);
                    value.push(c);
                    i += c.len_utf8();
                }
            }
            if at(b, i) == quote {
                i += 1;
            }
            value
        };
        if at(b, i) == 0 {
            return Err(format!("Unclosed start tag at byte offset {begin}"));
        }
        match (tag, attribute) {
            ("a", "href") | ("tg-emoji", "emoji-id") => argument = value,
            ("code", "class") if value.starts_with("language-") => argument = value["language-".len()..].into(),
            ("span", "class") if value.starts_with("tg-") => argument = value["tg-".len()..].into(),
            ("blockquote", "expandable") => argument = "1".into(),
            _ => {}
        }
    }
    if tag == "span" && argument != "spoiler" {
        return Err(format!("Tag \"span\" must have class \"tg-spoiler\" at byte offset {begin}"));
    }
    Ok((Open { tag, argument, plain_start: plain_len }, i + 1))
}

/// Parses the end tag whose `<` is at byte `begin`, closing the innermost open tag; returns the
/// offset after its `>`.
fn end_tag(text: &str, begin: usize, stack: &mut Vec<Open>, plain_len: usize) -> Result<usize, String> {
    let b = text.as_bytes();
    let Some(open) = stack.pop() else {
        return Err(format!("Unexpected end tag at byte offset {begin}"));
    };
    let mut i = begin + 2;
    while !is_space(at(b, i)) && at(b, i) != b'>' {
        i += 1;
    }
    let name = text[begin + 2..i].to_ascii_lowercase();
    while at(b, i) != 0 && is_space(at(b, i)) {
        i += 1;
    }
    if at(b, i) != b'>' {
        return Err(format!("Unclosed end tag at byte offset {begin}"));
    }
    // `</>` closes whatever is open.
    if !name.is_empty() && name != open.tag {
        return Err(format!(
            "Unmatched end tag at byte offset {begin}, expected \"</{}>\", found \"</{name}>\"",
            open.tag
        ));
    }
    if open.tag == "tg-emoji" && plain_len > open.plain_start {
        // tdlib's `to_integer_safe<int64>`: the number must print back as written.
        let id = open.argument.parse::<i64>().ok().filter(|&id| id != 0 && id.to_string() == open.argument);
        if id.is_none() {
            return Err("Invalid custom emoji identifier specified".into());
        }
    }
    Ok(i + 1)
}

/// Joins already-formatted blocks (one per job, say) with a blank line into as few messages as
/// possible, each at most `limit` UTF-16 code units of markup (more than Telegram counts, which
/// is the text without its tags), keeping their order. A block that fits a message is never
/// split; empty blocks are skipped.
///
/// A block longer than `limit` starts a new message and is cut, and every part stays valid HTML.
/// The rule: a cut is only made where no tag is open, so no tag is ever closed or reopened.
/// Among those places, the last line break that keeps the part at least half full wins,
/// dropping the newline; failing that, the last space that does, dropping the space; failing
/// that, the part is filled up to the last place that fits, which is never inside an entity
/// (`&amp;`), a character or a tag. An element that is longer than `limit` by itself loses its
/// tags (its text is kept, escaped) so it can be cut. A block that is not valid HTML is cut
/// like plain text (at newlines, spaces, or anywhere but inside an entity).
///
/// `limit` is at least 16 (a smaller one counts as 16), so that every entity fits a part.
pub fn pack(blocks: &[String], limit: usize) -> Vec<String> {
    let limit = limit.max(16);
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
    let mut bounds = match parse(block) {
        Ok(parsed) => parsed.cuts,
        Err(_) => loose_cuts(block),
    };
    bounds.push(0);
    bounds.push(block.len());
    bounds.sort_unstable();
    bounds.dedup();
    bounds.windows(2).map(|w| Atom::new(&block[w[0]..w[1]])).collect()
}

/// The cut points of text that is not valid HTML: before every character, except inside
/// something shaped like an entity (`&`, then letters, digits or `#`, then `;`).
fn loose_cuts(block: &str) -> Vec<usize> {
    let b = block.as_bytes();
    let mut cuts = Vec::new();
    let mut i = 0;
    while i < b.len() {
        cuts.push(i);
        if b[i] == b'&' {
            let name_len = b[i + 1..].iter().take_while(|c| c.is_ascii_alphanumeric() || **c == b'#').count();
            if at(b, i + 1 + name_len) == b';' {
                i += name_len + 2;
                continue;
            }
        }
        i += char_at(block, i).len_utf8();
    }
    cuts
}

/// An atom's text without its tags, escaped again, one atom per character.
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

#[cfg(test)]
mod tests {
    use super::*;

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

    const HOSTILE: [&str; 20] = [
        "&",
        "<",
        ">",
        "\"",
        "'",
        "&amp;",
        "&lt;",
        "&#65;",
        "&#x1F3DF;",
        "&nbsp;",
        "<b>",
        "</b>",
        "</>",
        "<script>alert(1)</script>",
        "<a href=\"x\">",
        "\n",
        " ",
        "🏟",
        "é",
        "*_`[]\\",
    ];

    fn hostile_string(rng: &mut Rng, max_pieces: usize) -> String {
        let n = rng.below(max_pieces + 1);
        (0..n).map(|_| if rng.below(3) == 0 { "word" } else { HOSTILE[rng.below(HOSTILE.len())] }).collect()
    }

    /// The text without its whitespace, which cuts may drop.
    fn squeeze(text: &str) -> String {
        text.split_whitespace().collect()
    }

    /// Asserts that every part fits and is valid, and that together they show the text of
    /// `blocks` (up to whitespace).
    fn assert_packed(blocks: &[String], parts: &[String], limit: usize) {
        let mut seen = String::new();
        for part in parts {
            assert!(utf16_len(part) <= limit, "{} > {limit}: {part:?}", utf16_len(part));
            assert_eq!(check(part), Ok(()), "{part:?} of {blocks:?}");
            seen.push_str(&plain_text(part).unwrap());
        }
        let wanted: String = blocks.iter().map(|b| plain_text(b).unwrap()).collect();
        assert_eq!(squeeze(&seen), squeeze(&wanted), "{parts:?}");
    }

    #[test]
    fn escape_replaces_only_the_three_characters() {
        assert_eq!(escape("a & b < c > d \"e\" 'f'"), "a &amp; b &lt; c &gt; d \"e\" 'f'");
        // `&` first: the `&` of an entity made for `<` is not escaped again.
        assert_eq!(escape("&<&lt;"), "&amp;&lt;&amp;lt;");
        assert_eq!(escape("_*[]()~`#+-=|{}.!\\ é🏟"), "_*[]()~`#+-=|{}.!\\ é🏟");
        assert_eq!(escape_attr("https://x.io/?q=\"a\"&b=<c>'d'"), "https://x.io/?q=&quot;a&quot;&amp;b=&lt;c&gt;'d'");
    }

    #[test]
    fn helpers_wrap_escaped_text() {
        assert_eq!(bold("a<b"), "<b>a&lt;b</b>");
        assert_eq!(italic("a&b"), "<i>a&amp;b</i>");
        assert_eq!(code("x > y"), "<code>x &gt; y</code>");
        assert_eq!((bold(""), italic(""), code("")), (String::new(), String::new(), String::new()));
        assert_eq!(
            link("", "https://x.io/?a=1&b=2"),
            "<a href=\"https://x.io/?a=1&amp;b=2\">https://x.io/?a=1&amp;b=2</a>"
        );
    }

    #[test]
    fn links_keep_quotes_in_their_url_inside_the_attribute() {
        let url = "https://x.io/search?q=\"rust\"&lang='en'";
        let html = link("Say \"hi\" <now>", url);
        assert_eq!(html, "<a href=\"https://x.io/search?q=&quot;rust&quot;&amp;lang='en'\">Say \"hi\" &lt;now&gt;</a>");
        assert_eq!(check(&html), Ok(()));
        assert_eq!(plain_text(&html).unwrap(), "Say \"hi\" <now>");
        assert_eq!(parse(&html).unwrap().cuts, vec![0], "the link is one piece");
        // The URL as Telegram reads it back from the attribute.
        assert_eq!(start_tag(&html, 0, 0).unwrap().0.argument, url);
    }

    #[test]
    fn well_formed_text_checks() {
        for good in [
            "",
            "plain text, with 'quotes' and \"double quotes\" and a > b",
            "<b>bold <i>bold italic <u>and underlined</u></i></b> <s>gone</s>",
            "<strong>a</strong><em>b</em><ins>c</ins><strike>d</strike><del>e</del>",
            "<B>upper case</b> <I>tags</I>",
            "<span class=\"tg-spoiler\">spoiler</span> <tg-spoiler>spoiler</tg-spoiler>",
            "<span class=tg-spoiler>unquoted</span>",
            "<a href=\"https://x.io/?a=1&amp;b=&quot;2&quot;\">link</a> <a href='https://y.io'>single</a>",
            "<a href=\"https://x.io\"><b>bold link</b></a>",
            "<code>inline &lt;code&gt;</code>",
            "<pre>preformatted</pre>",
            "<pre><code class=\"language-rust\">fn main() {}</code></pre>",
            "<blockquote>quote</blockquote><blockquote expandable>long quote</blockquote>",
            "<tg-emoji emoji-id=\"5368324170671202286\">👍</tg-emoji>",
            "<b >spaces </b >",
            "<b>closed by an empty end tag</>",
            "<b></b>empty entity",
            "entities: &lt; &gt; &amp; &quot; &#65; &#x41; &#x1f3df;",
        ] {
            assert_eq!(check(good), Ok(()), "{good:?}");
        }
        assert_eq!(
            plain_text(
                "<b>a</b> <i>b</i> <a href=\"https://x.io\">c</a> <pre><code class=\"language-x\">d</code></pre>"
            )
            .unwrap(),
            "a b c d"
        );
    }

    #[test]
    fn plain_text_decodes_entities() {
        assert_eq!(plain_text("&#65;&#x42;&#x63;&#233;&#x1F3DF;&#128512;").unwrap(), "ABcé🏟😀");
        assert_eq!(plain_text("&lt;b&gt; &amp;amp; &quot;q&quot;").unwrap(), "<b> &amp; \"q\"");
        assert_eq!(plain_text("<code>&lt;&#47;code&gt;</code>").unwrap(), "</code>");
    }

    #[test]
    fn bad_text_is_refused_with_telegrams_wording() {
        for (bad, error) in [
            ("a <x>b</x>", "Unsupported start tag \"x\" at byte offset 2"),
            ("a <BR>", "Unsupported start tag \"br\" at byte offset 2"),
            ("1 < 2", "Unsupported start tag \"\" at byte offset 2"),
            ("<b>bold", "Can't find end tag corresponding to start tag \"b\""),
            ("<b><i>x</i>", "Can't find end tag corresponding to start tag \"b\""),
            ("<b>x</i>", "Unmatched end tag at byte offset 4, expected \"</b>\", found \"</i>\""),
            ("<b><i>x</b></i>", "Unmatched end tag at byte offset 7, expected \"</i>\", found \"</b>\""),
            ("text <b", "Unclosed start tag at byte offset 5"),
            ("x <", "Unclosed start tag at byte offset 2"),
            ("<a href=\"x\"", "Unclosed start tag at byte offset 0"),
            ("<a href=", "Unclosed start tag \"a\" at byte offset 0"),
            ("<blockquote expandable", "Unclosed start tag \"blockquote\" at byte offset 0"),
            ("x</b>", "Unexpected end tag at byte offset 1"),
            ("<b>x</b", "Unclosed end tag at byte offset 4"),
            ("<b>x</b y>", "Unclosed end tag at byte offset 4"),
            ("<a href=\"x\"/>y</a>", "Empty attribute name in the tag \"a\" at byte offset 0"),
            ("<a href=x/y>z</a>", "Unexpected end of name token at byte offset 8"),
            ("<span>x</span>", "Tag \"span\" must have class \"tg-spoiler\" at byte offset 0"),
            ("<span CLASS=\"tg-spoiler\">x</span>", "Tag \"span\" must have class \"tg-spoiler\" at byte offset 0"),
            ("<tg-emoji emoji-id=\"abc\">👍</tg-emoji>", "Invalid custom emoji identifier specified"),
            ("<tg-emoji emoji-id=\"+5\">👍</tg-emoji>", "Invalid custom emoji identifier specified"),
            ("&#xD83D;&#xDE00;", SURROGATE),
        ] {
            assert_eq!(check(bad), Err(error.to_string()), "{bad:?}");
        }
        // Where Telegram would keep a literal `&`.
        let bare = |offset: usize| {
            Err(format!(
                "Character \"&\" at byte offset {offset} does not start an HTML entity and must be written \"&amp;\""
            ))
        };
        for (bad, offset) in [
            ("AT&T", 2),
            ("a & b", 2),
            ("trailing &", 9),
            ("&amp without semicolon", 0),
            ("&nbsp;", 0),
            ("&AMP;", 0),
            ("&#0;", 0),
            ("&#;", 0),
            ("&#X41;", 0),
            ("&#x110000;", 0),
            ("&#00000065;", 0),
            ("<a href=\"https://x.io/?a=1&b=2\">x</a>", 26),
        ] {
            assert_eq!(check(bad), bare(offset), "{bad:?}");
        }
        assert!(check("<script>alert(1)</script>").is_err());
    }

    #[test]
    fn escaped_hostile_strings_check_and_read_as_themselves() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let fixed = HOSTILE.iter().map(|s| s.to_string());
        let random = (0..2000).map(|_| hostile_string(&mut rng, 12));
        for s in fixed.chain(random) {
            let escaped = escape(&s);
            assert_eq!(plain_text(&escaped), Ok(s.clone()), "{escaped:?}");
            for wrapped in
                [bold(&s), italic(&s), code(&s), link(&s, &s), format!("<a href=\"{}\">x</a>", escape_attr(&s))]
            {
                assert_eq!(check(&wrapped), Ok(()), "{wrapped:?}");
            }
            assert_eq!(start_tag(&link("x", &s), 0, 0).unwrap().0.argument, s);
        }
    }

    #[test]
    fn escape_capped_never_exceeds_its_cap_nor_breaks_an_entity() {
        assert_eq!(escape_capped("a<b", 10), "a&lt;b");
        assert_eq!(escape_capped("abcdef", 4), "abc…");
        // "&lt;" does not fit in 4 units with the `…`: it is left out whole.
        assert_eq!(escape_capped("ab<cd", 6), "ab…");
        assert_eq!(escape_capped("🏟🏟🏟", 4), "🏟…");
        assert_eq!(escape_capped("abc", 1), "…");
        assert_eq!(escape_capped("abc", 0), "…", "at least the ellipsis");
        assert_eq!(escape_capped("", 0), "");
        let mut rng = Rng(7);
        for _ in 0..500 {
            let s = hostile_string(&mut rng, 10);
            for max_units in 1..40 {
                let capped = escape_capped(&s, max_units);
                assert!(utf16_len(&capped) <= max_units, "{max_units}: {capped:?}");
                let plain = plain_text(&capped).unwrap_or_else(|e| panic!("{capped:?}: {e}"));
                if capped != escape(&s) {
                    let kept = plain.strip_suffix('…').expect("an ellipsis");
                    assert!(s.starts_with(kept), "{s:?} -> {capped:?}");
                }
            }
        }
    }

    #[test]
    fn pack_joins_blocks_with_a_blank_line_into_few_messages() {
        let blocks: Vec<String> = (0..5).map(|n| format!("<b>job {n}</b>\nline")).collect();
        // Each block is 17 units; two blocks and a blank line are 36.
        assert_eq!(pack(&blocks, 4096), vec![blocks.join("\n\n")]);
        let packed = pack(&blocks, 36);
        assert_eq!(packed.len(), 3);
        assert_eq!(packed[0], format!("{}\n\n{}", blocks[0], blocks[1]));
        assert_eq!(packed[2], blocks[4]);
        assert_eq!(pack(&blocks, 35).len(), 5);
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
        assert_eq!(pack(&["🏟".repeat(25)], 20), vec!["🏟".repeat(10), "🏟".repeat(10), "🏟".repeat(5)]);
    }

    #[test]
    fn an_oversized_block_is_cut_between_lines() {
        let lines: Vec<String> =
            (0..40).map(|n| format!("{} {}", bold(&format!("Item {n}")), escape("costs <$1.50> & more"))).collect();
        let block = lines.join("\n");
        let parts = pack(std::slice::from_ref(&block), 200);
        assert!(parts.len() > 1);
        assert_packed(std::slice::from_ref(&block), &parts, 200);
        assert_eq!(parts.join("\n"), block, "only the newlines at the cuts are dropped");
    }

    #[test]
    fn a_long_line_is_cut_between_entities_and_characters() {
        let block = escape(&"a&b<c>é🏟\"".repeat(100));
        for limit in [16, 17, 18, 33, 100] {
            let parts = pack(std::slice::from_ref(&block), limit);
            assert_packed(std::slice::from_ref(&block), &parts, limit);
            assert_eq!(parts.concat(), block, "nothing is dropped without spaces or newlines");
        }
        // Words: cut at spaces, which are dropped.
        let words = escape(&"word&amp; ".repeat(100));
        let parts = pack(std::slice::from_ref(&words), 50);
        assert!(parts.iter().all(|p| p.ends_with("&amp;amp;")), "{parts:?}");
        assert_packed(&[words], &parts, 50);
    }

    #[test]
    fn tags_are_never_cut_through() {
        // A bold element spanning two lines: the cut goes around it, not through it.
        let block = format!(
            "{}\n<b>{}\n{}</b>\n{}",
            escape(&"x".repeat(30)),
            escape(&"y".repeat(30)),
            escape(&"z".repeat(30)),
            escape(&"w".repeat(30)),
        );
        let parts = pack(std::slice::from_ref(&block), 70);
        assert_eq!(parts.len(), 3, "{parts:?}");
        assert!(parts[1].starts_with("<b>") && parts[1].ends_with("</b>"), "{parts:?}");
        assert_packed(std::slice::from_ref(&block), &parts, 70);
        // Links, code and quotes are kept whole too.
        let block = format!(
            "{} {}\n<blockquote>{}\n{}</blockquote>\n{}",
            link("first link", "https://example.com/1?a=1&b=2"),
            code("let x = y < z;"),
            escape("quoted & more"),
            bold("line two"),
            link("second link", "https://example.com/2"),
        );
        assert_eq!(check(&block), Ok(()));
        for limit in [16, 30, 60, 80] {
            let parts = pack(std::slice::from_ref(&block), limit);
            assert_packed(std::slice::from_ref(&block), &parts, limit);
            if limit == 80 {
                assert!(parts.iter().any(|p| p.starts_with("<blockquote>")), "{parts:?}");
            }
        }
    }

    #[test]
    fn a_bold_element_longer_than_a_message_loses_its_tags_and_is_cut() {
        let long = "bold & text. ".repeat(30);
        let block = format!("intro\n{}\noutro", bold(&long));
        let parts = pack(std::slice::from_ref(&block), 100);
        assert!(parts.len() >= 4, "{parts:?}");
        assert!(parts.iter().all(|p| !p.contains("<b>")), "{parts:?}");
        assert!(parts.iter().any(|p| p.contains("&amp;")), "the text stays escaped: {parts:?}");
        assert_packed(std::slice::from_ref(&block), &parts, 100);
        // Alone in its block, with no spaces to cut at.
        let block = bold(&"x&".repeat(100));
        let parts = pack(std::slice::from_ref(&block), 64);
        assert_packed(std::slice::from_ref(&block), &parts, 64);
        assert_eq!(parts.concat(), escape(&"x&".repeat(100)));
    }

    #[test]
    fn invalid_blocks_are_cut_like_plain_text() {
        let block = format!("{}&amp;", "a<".repeat(21));
        assert!(check(&block).is_err());
        let parts = pack(std::slice::from_ref(&block), 16);
        assert_eq!(parts.concat(), block);
        assert!(parts.iter().all(|p| utf16_len(p) <= 16));
        assert!(parts.last().unwrap().ends_with("&amp;"), "{parts:?}");
    }

    #[test]
    fn packed_random_blocks_always_check_fit_and_keep_their_text() {
        let mut rng = Rng(42);
        for round in 0..300 {
            let blocks: Vec<String> = (0..rng.below(6))
                .map(|_| {
                    let mut block = String::new();
                    for n in 0..rng.below(8) {
                        let s = hostile_string(&mut rng, 8);
                        let piece = match rng.below(6) {
                            0 => bold(&s),
                            1 => italic(&s),
                            2 => code(&s),
                            3 => link(&s, "https://example.com/?a=\"x\"&b=1"),
                            4 => format!("<blockquote>{}</blockquote>", escape(&s)),
                            _ => escape(&s),
                        };
                        if n > 0 {
                            block.push_str(if rng.below(2) == 0 { "\n" } else { " " });
                        }
                        block.push_str(&piece);
                    }
                    assert_eq!(check(&block), Ok(()), "{block:?}");
                    block
                })
                .collect();
            let limit = 16 + rng.below(120);
            let parts = pack(&blocks, limit);
            for part in &parts {
                assert!(utf16_len(part) <= limit, "round {round}: {part:?}");
                assert_eq!(check(part), Ok(()), "round {round}: {part:?} of {blocks:?}");
            }
            let seen: String = parts.iter().map(|p| plain_text(p).unwrap()).collect();
            let wanted: String = blocks.iter().map(|b| plain_text(b).unwrap()).collect();
            assert_eq!(squeeze(&seen), squeeze(&wanted), "round {round}");
        }
    }
}
