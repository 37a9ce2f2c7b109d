//! Client countries: ISO 3166-1 codes (`USA`, `IND`, `US`, `GB`) are expanded to the common
//! English short name (`United States`, `India`, `United Kingdom`), the names Upwork itself
//! shows, so a client reads the same whether an export gives a code or a name. A few official
//! or alternative spellings (`United States of America`, `U.S.`, `UK`, `Viet Nam`, `Russian
//! Federation`, ...) map to the same names; any other name passes through trimmed.

use super::text::trim;

/// Parses a client country. An all-uppercase 2- or 3-letter input is looked up as an ISO
/// 3166-1 alpha-2 or alpha-3 code (`IND` -> `India`, `VN` -> `Vietnam`); known alternative
/// spellings map to the common name (`Viet Nam` -> `Vietnam`, `UK` -> `United Kingdom`,
/// case-insensitively); anything else is returned trimmed (`Chad`, `New Zealand`). Empty and
/// `N/A` are `None`.
pub fn normalise_country(s: &str) -> Option<String> {
    let t = trim(s);
    if t.is_empty() || t.eq_ignore_ascii_case("n/a") || t.eq_ignore_ascii_case("null") {
        return None;
    }
    let b = t.as_bytes();
    if (2..=3).contains(&b.len()) && b.iter().all(u8::is_ascii_uppercase) {
        if let Some(name) = iso_name(b) {
            return Some(name.to_owned());
        }
    }
    let name = VARIANTS
        .iter()
        .find(|(variant, _)| variant.len() == t.len() && variant.eq_ignore_ascii_case(t))
        .map_or(t, |(_, name)| name);
    Some(name.to_owned())
}

/// The name for an ISO 3166-1 alpha-2 or alpha-3 code (uppercase), by binary search on the
/// code read as one big-endian number ([`code_key`]): for codes of one length that orders as
/// the bytes do. The tables' keys are computed once, at compile time ([`ALPHA2_KEYS`]).
fn iso_name(code: &[u8]) -> Option<&'static str> {
    let (keys, table): (&[u32], &[(&str, &str)]) =
        if code.len() == 2 { (&ALPHA2_KEYS, &ALPHA2) } else { (&ALPHA3_KEYS, &ALPHA3) };
    let i = keys.binary_search(&code_key(code)).ok()?;
    Some(table[i].1)
}

/// A code's bytes as one big-endian number.
const fn code_key(code: &[u8]) -> u32 {
    let mut key = 0;
    let mut i = 0;
    while i < code.len() {
        key = key << 8 | code[i] as u32;
        i += 1;
    }
    key
}

/// The [`code_key`] of each code of a table, in the table's order.
const fn table_keys(table: &[(&str, &str); 249]) -> [u32; 249] {
    let mut keys = [0; 249];
    let mut i = 0;
    while i < 249 {
        keys[i] = code_key(table[i].0.as_bytes());
        i += 1;
    }
    keys
}

/// [`ALPHA2`]'s and [`ALPHA3`]'s codes as [`code_key`]s (ascending, as the codes are).
static ALPHA2_KEYS: [u32; 249] = table_keys(&ALPHA2);
static ALPHA3_KEYS: [u32; 249] = table_keys(&ALPHA3);

/// Every name a 2- or 3-letter uppercase code expands to ([`normalise_country`] of `IN`,
/// `IND`, `UK`, ...): the names of the ISO tables and of the variants spelled as such a code.
pub(crate) fn code_names() -> impl Iterator<Item = &'static str> {
    let is_code = |v: &str| (2..=3).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_uppercase());
    ALPHA2
        .iter()
        .chain(ALPHA3.iter())
        .map(|(_, name)| *name)
        .chain(VARIANTS.iter().filter(move |(variant, _)| is_code(variant)).map(|(_, name)| *name))
}

/// The form in which two spellings of one country compare equal, for matching a profile's list
/// against a job (`USA`, `US`, `us`, `United States of America` and `united  states` all give
/// `united states`): [`normalise_country`] of the input with whitespace runs collapsed and a
/// 2- or 3-letter input read as an ISO code in any case, then lowercased. `None` when
/// [`normalise_country`] gives `None`.
pub fn country_key(s: &str) -> Option<String> {
    let t = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let t = if (2..=3).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_alphabetic()) {
        t.to_ascii_uppercase()
    } else {
        t
    };
    normalise_country(&t).map(|name| name.to_lowercase())
}

/// Alternative spellings (matched case-insensitively) and the name each stands for.
const VARIANTS: [(&str, &str); 42] = [
    ("United States of America", "United States"),
    ("U.S.", "United States"),
    ("U.S.A.", "United States"),
    ("U.S.A", "United States"),
    ("UK", "United Kingdom"),
    ("U.K.", "United Kingdom"),
    ("Great Britain", "United Kingdom"),
    ("Britain", "United Kingdom"),
    ("UAE", "United Arab Emirates"),
    ("U.A.E.", "United Arab Emirates"),
    ("Viet Nam", "Vietnam"),
    ("Russian Federation", "Russia"),
    ("Korea, Republic of", "South Korea"),
    ("Republic of Korea", "South Korea"),
    ("Korea, Democratic People's Republic of", "North Korea"),
    ("Iran, Islamic Republic of", "Iran"),
    ("Syrian Arab Republic", "Syria"),
    ("Czechia", "Czech Republic"),
    ("Türkiye", "Turkey"),
    ("Turkiye", "Turkey"),
    ("Lao People's Democratic Republic", "Laos"),
    ("Macedonia", "North Macedonia"),
    ("Burma", "Myanmar"),
    ("East Timor", "Timor-Leste"),
    ("Ivory Coast", "Côte d'Ivoire"),
    ("Cote d'Ivoire", "Côte d'Ivoire"),
    ("Cabo Verde", "Cape Verde"),
    ("Brunei Darussalam", "Brunei"),
    ("Moldova, Republic of", "Moldova"),
    ("Tanzania, United Republic of", "Tanzania"),
    ("Taiwan, Province of China", "Taiwan"),
    ("Venezuela, Bolivarian Republic of", "Venezuela"),
    ("Bolivia, Plurinational State of", "Bolivia"),
    ("Palestine, State of", "Palestine"),
    ("Palestinian Territories", "Palestine"),
    ("Holy See", "Vatican City"),
    ("Swaziland", "Eswatini"),
    ("Congo, The Democratic Republic of the", "Democratic Republic of the Congo"),
    ("DR Congo", "Democratic Republic of the Congo"),
    ("The Netherlands", "Netherlands"),
    ("Hong Kong SAR", "Hong Kong"),
    ("Macao", "Macau"),
];

/// ISO 3166-1 alpha-2 codes, sorted by code, with the common English short name.
static ALPHA2: [(&str, &str); 249] = [
    ("AD", "Andorra"),
    ("AE", "United Arab Emirates"),
    ("AF", "Afghanistan"),
    ("AG", "Antigua and Barbuda"),
    ("AI", "Anguilla"),
    ("AL", "Albania"),
    ("AM", "Armenia"),
    ("AO", "Angola"),
    ("AQ", "Antarctica"),
    ("AR", "Argentina"),
    ("AS", "American Samoa"),
    ("AT", "Austria"),
    ("AU", "Australia"),
    ("AW", "Aruba"),
    ("AX", "Åland Islands"),
    ("AZ", "Azerbaijan"),
    ("BA", "Bosnia and Herzegovina"),
    ("BB", "Barbados"),
    ("BD", "Bangladesh"),
    ("BE", "Belgium"),
    ("BF", "Burkina Faso"),
    ("BG", "Bulgaria"),
    ("BH", "Bahrain"),
    ("BI", "Burundi"),
    ("BJ", "Benin"),
    ("BL", "Saint Barthélemy"),
    ("BM", "Bermuda"),
    ("BN", "Brunei"),
    ("BO", "Bolivia"),
    ("BQ", "Caribbean Netherlands"),
    ("BR", "Brazil"),
    ("BS", "Bahamas"),
    ("BT", "Bhutan"),
    ("BV", "Bouvet Island"),
    ("BW", "Botswana"),
    ("BY", "Belarus"),
    ("BZ", "Belize"),
    ("CA", "Canada"),
    ("CC", "Cocos (Keeling) Islands"),
    ("CD", "Democratic Republic of the Congo"),
    ("CF", "Central African Republic"),
    ("CG", "Republic of the Congo"),
    ("CH", "Switzerland"),
    ("CI", "Côte d'Ivoire"),
    ("CK", "Cook Islands"),
    ("CL", "Chile"),
    ("CM", "Cameroon"),
    ("CN", "China"),
    ("CO", "Colombia"),
    ("CR", "Costa Rica"),
    ("CU", "Cuba"),
    ("CV", "Cape Verde"),
    ("CW", "Curaçao"),
    ("CX", "Christmas Island"),
    ("CY", "Cyprus"),
    ("CZ", "Czech Republic"),
    ("DE", "Germany"),
    ("DJ", "Djibouti"),
    ("DK", "Denmark"),
    ("DM", "Dominica"),
    ("DO", "Dominican Republic"),
    ("DZ", "Algeria"),
    ("EC", "Ecuador"),
    ("EE", "Estonia"),
    ("EG", "Egypt"),
    ("EH", "Western Sahara"),
    ("ER", "Eritrea"),
    ("ES", "Spain"),
    ("ET", "Ethiopia"),
    ("FI", "Finland"),
    ("FJ", "Fiji"),
    ("FK", "Falkland Islands"),
    ("FM", "Micronesia"),
    ("FO", "Faroe Islands"),
    ("FR", "France"),
    ("GA", "Gabon"),
    ("GB", "United Kingdom"),
    ("GD", "Grenada"),
    ("GE", "Georgia"),
    ("GF", "French Guiana"),
    ("GG", "Guernsey"),
    ("GH", "Ghana"),
    ("GI", "Gibraltar"),
    ("GL", "Greenland"),
    ("GM", "Gambia"),
    ("GN", "Guinea"),
    ("GP", "Guadeloupe"),
    ("GQ", "Equatorial Guinea"),
    ("GR", "Greece"),
    ("GS", "South Georgia and the South Sandwich Islands"),
    ("GT", "Guatemala"),
    ("GU", "Guam"),
    ("GW", "Guinea-Bissau"),
    ("GY", "Guyana"),
    ("HK", "Hong Kong"),
    ("HM", "Heard Island and McDonald Islands"),
    ("HN", "Honduras"),
    ("HR", "Croatia"),
    ("HT", "Haiti"),
    ("HU", "Hungary"),
    ("ID", "Indonesia"),
    ("IE", "Ireland"),
    ("IL", "Israel"),
    ("IM", "Isle of Man"),
    ("IN", "India"),
    ("IO", "British Indian Ocean Territory"),
    ("IQ", "Iraq"),
    ("IR", "Iran"),
    ("IS", "Iceland"),
    ("IT", "Italy"),
    ("JE", "Jersey"),
    ("JM", "Jamaica"),
    ("JO", "Jordan"),
    ("JP", "Japan"),
    ("KE", "Kenya"),
    ("KG", "Kyrgyzstan"),
    ("KH", "Cambodia"),
    ("KI", "Kiribati"),
    ("KM", "Comoros"),
    ("KN", "Saint Kitts and Nevis"),
    ("KP", "North Korea"),
    ("KR", "South Korea"),
    ("KW", "Kuwait"),
    ("KY", "Cayman Islands"),
    ("KZ", "Kazakhstan"),
    ("LA", "Laos"),
    ("LB", "Lebanon"),
    ("LC", "Saint Lucia"),
    ("LI", "Liechtenstein"),
    ("LK", "Sri Lanka"),
    ("LR", "Liberia"),
    ("LS", "Lesotho"),
    ("LT", "Lithuania"),
    ("LU", "Luxembourg"),
    ("LV", "Latvia"),
    ("LY", "Libya"),
    ("MA", "Morocco"),
    ("MC", "Monaco"),
    ("MD", "Moldova"),
    ("ME", "Montenegro"),
    ("MF", "Saint Martin"),
    ("MG", "Madagascar"),
    ("MH", "Marshall Islands"),
    ("MK", "North Macedonia"),
    ("ML", "Mali"),
    ("MM", "Myanmar"),
    ("MN", "Mongolia"),
    ("MO", "Macau"),
    ("MP", "Northern Mariana Islands"),
    ("MQ", "Martinique"),
    ("MR", "Mauritania"),
    ("MS", "Montserrat"),
    ("MT", "Malta"),
    ("MU", "Mauritius"),
    ("MV", "Maldives"),
    ("MW", "Malawi"),
    ("MX", "Mexico"),
    ("MY", "Malaysia"),
    ("MZ", "Mozambique"),
    ("NA", "Namibia"),
    ("NC", "New Caledonia"),
    ("NE", "Niger"),
    ("NF", "Norfolk Island"),
    ("NG", "Nigeria"),
    ("NI", "Nicaragua"),
    ("NL", "Netherlands"),
    ("NO", "Norway"),
    ("NP", "Nepal"),
    ("NR", "Nauru"),
    ("NU", "Niue"),
    ("NZ", "New Zealand"),
    ("OM", "Oman"),
    ("PA", "Panama"),
    ("PE", "Peru"),
    ("PF", "French Polynesia"),
    ("PG", "Papua New Guinea"),
    ("PH", "Philippines"),
    ("PK", "Pakistan"),
    ("PL", "Poland"),
    ("PM", "Saint Pierre and Miquelon"),
    ("PN", "Pitcairn Islands"),
    ("PR", "Puerto Rico"),
    ("PS", "Palestine"),
    ("PT", "Portugal"),
    ("PW", "Palau"),
    ("PY", "Paraguay"),
    ("QA", "Qatar"),
    ("RE", "Réunion"),
    ("RO", "Romania"),
    ("RS", "Serbia"),
    ("RU", "Russia"),
    ("RW", "Rwanda"),
    ("SA", "Saudi Arabia"),
    ("SB", "Solomon Islands"),
    ("SC", "Seychelles"),
    ("SD", "Sudan"),
    ("SE", "Sweden"),
    ("SG", "Singapore"),
    ("SH", "Saint Helena"),
    ("SI", "Slovenia"),
    ("SJ", "Svalbard and Jan Mayen"),
    ("SK", "Slovakia"),
    ("SL", "Sierra Leone"),
    ("SM", "San Marino"),
    ("SN", "Senegal"),
    ("SO", "Somalia"),
    ("SR", "Suriname"),
    ("SS", "South Sudan"),
    ("ST", "Sao Tome and Principe"),
    ("SV", "El Salvador"),
    ("SX", "Sint Maarten"),
    ("SY", "Syria"),
    ("SZ", "Eswatini"),
    ("TC", "Turks and Caicos Islands"),
    ("TD", "Chad"),
    ("TF", "French Southern Territories"),
    ("TG", "Togo"),
    ("TH", "Thailand"),
    ("TJ", "Tajikistan"),
    ("TK", "Tokelau"),
    ("TL", "Timor-Leste"),
    ("TM", "Turkmenistan"),
    ("TN", "Tunisia"),
    ("TO", "Tonga"),
    ("TR", "Turkey"),
    ("TT", "Trinidad and Tobago"),
    ("TV", "Tuvalu"),
    ("TW", "Taiwan"),
    ("TZ", "Tanzania"),
    ("UA", "Ukraine"),
    ("UG", "Uganda"),
    ("UM", "U.S. Outlying Islands"),
    ("US", "United States"),
    ("UY", "Uruguay"),
    ("UZ", "Uzbekistan"),
    ("VA", "Vatican City"),
    ("VC", "Saint Vincent and the Grenadines"),
    ("VE", "Venezuela"),
    ("VG", "British Virgin Islands"),
    ("VI", "U.S. Virgin Islands"),
    ("VN", "Vietnam"),
    ("VU", "Vanuatu"),
    ("WF", "Wallis and Futuna"),
    ("WS", "Samoa"),
    ("YE", "Yemen"),
    ("YT", "Mayotte"),
    ("ZA", "South Africa"),
    ("ZM", "Zambia"),
    ("ZW", "Zimbabwe"),
];

/// ISO 3166-1 alpha-3 codes, sorted by code, with the same names as [`ALPHA2`].
static ALPHA3: [(&str, &str); 249] = [
    ("ABW", "Aruba"),
    ("AFG", "Afghanistan"),
    ("AGO", "Angola"),
    ("AIA", "Anguilla"),
    ("ALA", "Åland Islands"),
    ("ALB", "Albania"),
    ("AND", "Andorra"),
    ("ARE", "United Arab Emirates"),
    ("ARG", "Argentina"),
    ("ARM", "Armenia"),
    ("ASM", "American Samoa"),
    ("ATA", "Antarctica"),
    ("ATF", "French Southern Territories"),
    ("ATG", "Antigua and Barbuda"),
    ("AUS", "Australia"),
    ("AUT", "Austria"),
    ("AZE", "Azerbaijan"),
    ("BDI", "Burundi"),
    ("BEL", "Belgium"),
    ("BEN", "Benin"),
    ("BES", "Caribbean Netherlands"),
    ("BFA", "Burkina Faso"),
    ("BGD", "Bangladesh"),
    ("BGR", "Bulgaria"),
    ("BHR", "Bahrain"),
    ("BHS", "Bahamas"),
    ("BIH", "Bosnia and Herzegovina"),
    ("BLM", "Saint Barthélemy"),
    ("BLR", "Belarus"),
    ("BLZ", "Belize"),
    ("BMU", "Bermuda"),
    ("BOL", "Bolivia"),
    ("BRA", "Brazil"),
    ("BRB", "Barbados"),
    ("BRN", "Brunei"),
    ("BTN", "Bhutan"),
    ("BVT", "Bouvet Island"),
    ("BWA", "Botswana"),
    ("CAF", "Central African Republic"),
    ("CAN", "Canada"),
    ("CCK", "Cocos (Keeling) Islands"),
    ("CHE", "Switzerland"),
    ("CHL", "Chile"),
    ("CHN", "China"),
    ("CIV", "Côte d'Ivoire"),
    ("CMR", "Cameroon"),
    ("COD", "Democratic Republic of the Congo"),
    ("COG", "Republic of the Congo"),
    ("COK", "Cook Islands"),
    ("COL", "Colombia"),
    ("COM", "Comoros"),
    ("CPV", "Cape Verde"),
    ("CRI", "Costa Rica"),
    ("CUB", "Cuba"),
    ("CUW", "Curaçao"),
    ("CXR", "Christmas Island"),
    ("CYM", "Cayman Islands"),
    ("CYP", "Cyprus"),
    ("CZE", "Czech Republic"),
    ("DEU", "Germany"),
    ("DJI", "Djibouti"),
    ("DMA", "Dominica"),
    ("DNK", "Denmark"),
    ("DOM", "Dominican Republic"),
    ("DZA", "Algeria"),
    ("ECU", "Ecuador"),
    ("EGY", "Egypt"),
    ("ERI", "Eritrea"),
    ("ESH", "Western Sahara"),
    ("ESP", "Spain"),
    ("EST", "Estonia"),
    ("ETH", "Ethiopia"),
    ("FIN", "Finland"),
    ("FJI", "Fiji"),
    ("FLK", "Falkland Islands"),
    ("FRA", "France"),
    ("FRO", "Faroe Islands"),
    ("FSM", "Micronesia"),
    ("GAB", "Gabon"),
    ("GBR", "United Kingdom"),
    ("GEO", "Georgia"),
    ("GGY", "Guernsey"),
    ("GHA", "Ghana"),
    ("GIB", "Gibraltar"),
    ("GIN", "Guinea"),
    ("GLP", "Guadeloupe"),
    ("GMB", "Gambia"),
    ("GNB", "Guinea-Bissau"),
    ("GNQ", "Equatorial Guinea"),
    ("GRC", "Greece"),
    ("GRD", "Grenada"),
    ("GRL", "Greenland"),
    ("GTM", "Guatemala"),
    ("GUF", "French Guiana"),
    ("GUM", "Guam"),
    ("GUY", "Guyana"),
    ("HKG", "Hong Kong"),
    ("HMD", "Heard Island and McDonald Islands"),
    ("HND", "Honduras"),
    ("HRV", "Croatia"),
    ("HTI", "Haiti"),
    ("HUN", "Hungary"),
    ("IDN", "Indonesia"),
    ("IMN", "Isle of Man"),
    ("IND", "India"),
    ("IOT", "British Indian Ocean Territory"),
    ("IRL", "Ireland"),
    ("IRN", "Iran"),
    ("IRQ", "Iraq"),
    ("ISL", "Iceland"),
    ("ISR", "Israel"),
    ("ITA", "Italy"),
    ("JAM", "Jamaica"),
    ("JEY", "Jersey"),
    ("JOR", "Jordan"),
    ("JPN", "Japan"),
    ("KAZ", "Kazakhstan"),
    ("KEN", "Kenya"),
    ("KGZ", "Kyrgyzstan"),
    ("KHM", "Cambodia"),
    ("KIR", "Kiribati"),
    ("KNA", "Saint Kitts and Nevis"),
    ("KOR", "South Korea"),
    ("KWT", "Kuwait"),
    ("LAO", "Laos"),
    ("LBN", "Lebanon"),
    ("LBR", "Liberia"),
    ("LBY", "Libya"),
    ("LCA", "Saint Lucia"),
    ("LIE", "Liechtenstein"),
    ("LKA", "Sri Lanka"),
    ("LSO", "Lesotho"),
    ("LTU", "Lithuania"),
    ("LUX", "Luxembourg"),
    ("LVA", "Latvia"),
    ("MAC", "Macau"),
    ("MAF", "Saint Martin"),
    ("MAR", "Morocco"),
    ("MCO", "Monaco"),
    ("MDA", "Moldova"),
    ("MDG", "Madagascar"),
    ("MDV", "Maldives"),
    ("MEX", "Mexico"),
    ("MHL", "Marshall Islands"),
    ("MKD", "North Macedonia"),
    ("MLI", "Mali"),
    ("MLT", "Malta"),
    ("MMR", "Myanmar"),
    ("MNE", "Montenegro"),
    ("MNG", "Mongolia"),
    ("MNP", "Northern Mariana Islands"),
    ("MOZ", "Mozambique"),
    ("MRT", "Mauritania"),
    ("MSR", "Montserrat"),
    ("MTQ", "Martinique"),
    ("MUS", "Mauritius"),
    ("MWI", "Malawi"),
    ("MYS", "Malaysia"),
    ("MYT", "Mayotte"),
    ("NAM", "Namibia"),
    ("NCL", "New Caledonia"),
    ("NER", "Niger"),
    ("NFK", "Norfolk Island"),
    ("NGA", "Nigeria"),
    ("NIC", "Nicaragua"),
    ("NIU", "Niue"),
    ("NLD", "Netherlands"),
    ("NOR", "Norway"),
    ("NPL", "Nepal"),
    ("NRU", "Nauru"),
    ("NZL", "New Zealand"),
    ("OMN", "Oman"),
    ("PAK", "Pakistan"),
    ("PAN", "Panama"),
    ("PCN", "Pitcairn Islands"),
    ("PER", "Peru"),
    ("PHL", "Philippines"),
    ("PLW", "Palau"),
    ("PNG", "Papua New Guinea"),
    ("POL", "Poland"),
    ("PRI", "Puerto Rico"),
    ("PRK", "North Korea"),
    ("PRT", "Portugal"),
    ("PRY", "Paraguay"),
    ("PSE", "Palestine"),
    ("PYF", "French Polynesia"),
    ("QAT", "Qatar"),
    ("REU", "Réunion"),
    ("ROU", "Romania"),
    ("RUS", "Russia"),
    ("RWA", "Rwanda"),
    ("SAU", "Saudi Arabia"),
    ("SDN", "Sudan"),
    ("SEN", "Senegal"),
    ("SGP", "Singapore"),
    ("SGS", "South Georgia and the South Sandwich Islands"),
    ("SHN", "Saint Helena"),
    ("SJM", "Svalbard and Jan Mayen"),
    ("SLB", "Solomon Islands"),
    ("SLE", "Sierra Leone"),
    ("SLV", "El Salvador"),
    ("SMR", "San Marino"),
    ("SOM", "Somalia"),
    ("SPM", "Saint Pierre and Miquelon"),
    ("SRB", "Serbia"),
    ("SSD", "South Sudan"),
    ("STP", "Sao Tome and Principe"),
    ("SUR", "Suriname"),
    ("SVK", "Slovakia"),
    ("SVN", "Slovenia"),
    ("SWE", "Sweden"),
    ("SWZ", "Eswatini"),
    ("SXM", "Sint Maarten"),
    ("SYC", "Seychelles"),
    ("SYR", "Syria"),
    ("TCA", "Turks and Caicos Islands"),
    ("TCD", "Chad"),
    ("TGO", "Togo"),
    ("THA", "Thailand"),
    ("TJK", "Tajikistan"),
    ("TKL", "Tokelau"),
    ("TKM", "Turkmenistan"),
    ("TLS", "Timor-Leste"),
    ("TON", "Tonga"),
    ("TTO", "Trinidad and Tobago"),
    ("TUN", "Tunisia"),
    ("TUR", "Turkey"),
    ("TUV", "Tuvalu"),
    ("TWN", "Taiwan"),
    ("TZA", "Tanzania"),
    ("UGA", "Uganda"),
    ("UKR", "Ukraine"),
    ("UMI", "U.S. Outlying Islands"),
    ("URY", "Uruguay"),
    ("USA", "United States"),
    ("UZB", "Uzbekistan"),
    ("VAT", "Vatican City"),
    ("VCT", "Saint Vincent and the Grenadines"),
    ("VEN", "Venezuela"),
    ("VGB", "British Virgin Islands"),
    ("VIR", "U.S. Virgin Islands"),
    ("VNM", "Vietnam"),
    ("VUT", "Vanuatu"),
    ("WLF", "Wallis and Futuna"),
    ("WSM", "Samoa"),
    ("YEM", "Yemen"),
    ("ZAF", "South Africa"),
    ("ZMB", "Zambia"),
    ("ZWE", "Zimbabwe"),
];

/// [`normalise_country`] as it was before its lookup by number, for tests to compare with.
#[cfg(test)]
mod reference {
    use super::{ALPHA2, ALPHA3, VARIANTS};

    pub(super) fn normalise_country(s: &str) -> Option<String> {
        let t = s.trim();
        if t.is_empty() || t.eq_ignore_ascii_case("n/a") || t.eq_ignore_ascii_case("null") {
            return None;
        }
        let b = t.as_bytes();
        if (2..=3).contains(&b.len()) && b.iter().all(u8::is_ascii_uppercase) {
            let table: &[(&str, &str)] = if b.len() == 2 { &ALPHA2 } else { &ALPHA3 };
            if let Ok(i) = table.binary_search_by(|(code, _)| code.as_bytes().cmp(b)) {
                return Some(table[i].1.to_owned());
            }
        }
        let name = VARIANTS
            .iter()
            .find(|(variant, _)| variant.len() == t.len() && variant.eq_ignore_ascii_case(t))
            .map_or(t, |(_, name)| name);
        Some(name.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalise::samples;

    /// The lookup by number gives what the slice comparison gave: every code, every name,
    /// every fixture value, odd spellings, and random two- and three-letter strings.
    #[test]
    fn agrees_with_the_reference() {
        let mut texts: Vec<String> = Vec::new();
        for (code, name) in ALPHA2.iter().chain(ALPHA3.iter()).chain(VARIANTS.iter()) {
            texts.extend(samples::variants(code));
            texts.extend(samples::variants(name));
        }
        for v in samples::fixture_values() {
            texts.extend(samples::variants(&v));
        }
        let letters = ["A", "B", "C", "G", "N", "S", "U", "Y", "Z", "a", "@", "[", "É", " "];
        for len in 1..=4 {
            texts.extend(samples::random_texts(len as u64, &letters, len, 5_000));
        }
        let mut codes = 0;
        for t in &texts {
            let got = normalise_country(t);
            assert_eq!(got, reference::normalise_country(t), "{t:?}");
            codes += usize::from(got.as_deref() != Some(t.trim()));
        }
        assert!(codes > 2_000, "{codes}");
    }

    fn n(s: &str) -> Option<String> {
        normalise_country(s)
    }

    #[test]
    fn tables_are_complete_sorted_and_consistent() {
        assert_eq!(ALPHA2.len(), 249);
        assert_eq!(ALPHA3.len(), 249);
        assert!(ALPHA2.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(ALPHA3.windows(2).all(|w| w[0].0 < w[1].0));
        // The keys searched are the codes', in the same order.
        for (keys, table) in [(&ALPHA2_KEYS, &ALPHA2), (&ALPHA3_KEYS, &ALPHA3)] {
            assert!(keys.windows(2).all(|w| w[0] < w[1]));
            for (key, (code, name)) in keys.iter().zip(table.iter()) {
                assert_eq!(*key, code.bytes().fold(0, |k, c| k << 8 | u32::from(c)), "{code}");
                assert_eq!(iso_name(code.as_bytes()), Some(*name));
            }
        }
        assert!(ALPHA2.iter().all(|(c, _)| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())));
        assert!(ALPHA3.iter().all(|(c, _)| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase())));
        // Both tables name the same 249 countries.
        let mut a: Vec<&str> = ALPHA2.iter().map(|(_, n)| *n).collect();
        let mut b: Vec<&str> = ALPHA3.iter().map(|(_, n)| *n).collect();
        a.sort_unstable();
        b.sort_unstable();
        assert_eq!(a, b);
        a.dedup();
        assert_eq!(a.len(), 249);
        // Every variant leads to a name in the tables, and no variant is itself a table name.
        for (variant, name) in VARIANTS {
            assert!(a.contains(&name), "{name}");
            assert!(!a.contains(&variant), "{variant}");
        }
    }

    #[test]
    fn values_from_real_exports() {
        assert_eq!(n("USA").as_deref(), Some("United States"));
        assert_eq!(n("IND").as_deref(), Some("India"));
        assert_eq!(n("AUS").as_deref(), Some("Australia"));
        assert_eq!(n("Vietnam").as_deref(), Some("Vietnam"));
        assert_eq!(n("Philippines").as_deref(), Some("Philippines"));
        assert_eq!(n("New Zealand").as_deref(), Some("New Zealand"));
        assert_eq!(n("United States").as_deref(), Some("United States"));
        assert_eq!(n("Australia").as_deref(), Some("Australia"));
    }

    #[test]
    fn codes() {
        assert_eq!(n("US").as_deref(), Some("United States"));
        assert_eq!(n("GB").as_deref(), Some("United Kingdom"));
        assert_eq!(n("GBR").as_deref(), Some("United Kingdom"));
        assert_eq!(n("IN").as_deref(), Some("India"));
        assert_eq!(n("VN").as_deref(), Some("Vietnam"));
        assert_eq!(n("VNM").as_deref(), Some("Vietnam"));
        assert_eq!(n("KR").as_deref(), Some("South Korea"));
        assert_eq!(n("KOR").as_deref(), Some("South Korea"));
        assert_eq!(n("RUS").as_deref(), Some("Russia"));
        assert_eq!(n("DEU").as_deref(), Some("Germany"));
        assert_eq!(n("PHL").as_deref(), Some("Philippines"));
        assert_eq!(n("NZL").as_deref(), Some("New Zealand"));
        assert_eq!(n("TCD").as_deref(), Some("Chad"));
        assert_eq!(n("AX").as_deref(), Some("Åland Islands"));
        assert_eq!(n("ZWE").as_deref(), Some("Zimbabwe"));
        assert_eq!(n("AW").as_deref(), Some("Aruba"));
        assert_eq!(n("CYP").as_deref(), Some("Cyprus"));
        assert_eq!(n("CY").as_deref(), Some("Cyprus"));
        assert_eq!(n("USA").as_deref(), Some("United States"));
        assert_eq!(n("FRA").as_deref(), Some("France"));
        assert_eq!(n("UKR").as_deref(), Some("Ukraine"));
        assert_eq!(n("CHE").as_deref(), Some("Switzerland"));
        assert_eq!(n(" usa ").as_deref(), Some("usa"));
        assert_eq!(n("Usa").as_deref(), Some("Usa"));
        // Unassigned codes pass through.
        assert_eq!(n("XX").as_deref(), Some("XX"));
        assert_eq!(n("ZZZ").as_deref(), Some("ZZZ"));
    }

    #[test]
    fn names_are_never_codes() {
        assert_eq!(n("Chad").as_deref(), Some("Chad"));
        assert_eq!(n("Mali").as_deref(), Some("Mali"));
        assert_eq!(n("Peru").as_deref(), Some("Peru"));
        assert_eq!(n("Oman").as_deref(), Some("Oman"));
        assert_eq!(n("  Canada  ").as_deref(), Some("Canada"));
    }

    #[test]
    fn variants() {
        assert_eq!(n("United States of America").as_deref(), Some("United States"));
        assert_eq!(n("U.S.").as_deref(), Some("United States"));
        assert_eq!(n("UK").as_deref(), Some("United Kingdom"));
        assert_eq!(n("uk").as_deref(), Some("United Kingdom"));
        assert_eq!(n("Viet Nam").as_deref(), Some("Vietnam"));
        assert_eq!(n("viet nam").as_deref(), Some("Vietnam"));
        assert_eq!(n("Russian Federation").as_deref(), Some("Russia"));
        assert_eq!(n("Korea, Republic of").as_deref(), Some("South Korea"));
        assert_eq!(n("Czechia").as_deref(), Some("Czech Republic"));
        assert_eq!(n("CZE").as_deref(), Some("Czech Republic"));
        assert_eq!(n("Türkiye").as_deref(), Some("Turkey"));
        assert_eq!(n("UAE").as_deref(), Some("United Arab Emirates"));
    }

    #[test]
    fn every_spelling_of_a_country_has_one_key() {
        let k = |s: &str| country_key(s);
        for spelling in [
            "USA",
            "US",
            "us",
            "usa",
            "United States",
            "united states",
            "United States of America",
            "U.S.",
            "u.s.a.",
            " United\tStates ",
        ] {
            assert_eq!(k(spelling).as_deref(), Some("united states"), "{spelling:?}");
        }
        for spelling in ["UK", "uk", "GB", "gb", "GBR", "United Kingdom", "Great Britain", "U.K."] {
            assert_eq!(k(spelling).as_deref(), Some("united kingdom"), "{spelling:?}");
        }
        assert_eq!(k("RUS"), k("Russian Federation"));
        for spelling in ["CYP", "cyp", "CY", "Cyprus", " cyprus "] {
            assert_eq!(k(spelling).as_deref(), Some("cyprus"), "{spelling:?}");
        }
        assert_eq!(k("deu"), k("Germany"));
        // Every alpha-3 code has the key of its country's name.
        for (code, name) in ALPHA3 {
            assert_eq!(k(code), k(name), "{code}");
        }
        assert_eq!(k("vn"), k("Viet Nam"));
        assert_eq!(k("Chad").as_deref(), Some("chad"));
        assert_ne!(k("India"), k("Indonesia"));
        assert_eq!(k("N/A"), None);
    }

    #[test]
    fn empty() {
        for bad in ["", "  ", "N/A", "n/a", "null"] {
            assert_eq!(n(bad), None, "{bad:?}");
        }
    }
}
