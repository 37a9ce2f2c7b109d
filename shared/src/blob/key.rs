//! Object keys in S3 event notifications are URL-encoded, with `+` for a space.

use percent_encoding::percent_decode_str;

/// Decodes an S3 event's object key: `uploads/my+jobs%2B1.csv` -> `uploads/my jobs+1.csv`.
pub fn decode_event_key(key: &str) -> String {
    let spaced = key.replace('+', " ");
    percent_decode_str(&spaced).decode_utf8_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_plus_and_percent_escapes() {
        assert_eq!(decode_event_key("uploads/my+jobs.csv"), "uploads/my jobs.csv");
        assert_eq!(decode_event_key("uploads/a%2Bb.csv"), "uploads/a+b.csv");
        assert_eq!(decode_event_key("uploads/caf%C3%A9+%282%29.json"), "uploads/café (2).json");
        assert_eq!(decode_event_key("plain.csv"), "plain.csv");
    }
}
