//! Schema files are UTF-8, except dumps that say otherwise: pg_dump writes
//! `SET client_encoding = '…';` near the top, and psql honours it. keyshift
//! does the same for the single-byte encodings seen in real dumps, and
//! refuses anything else with the line of the first bad byte rather than
//! guessing.

/// Decodes a schema file's bytes. `file` is used in the error message.
pub fn decode_sql(file: &str, bytes: &[u8]) -> Result<String, String> {
    let utf8_error = match std::str::from_utf8(bytes) {
        Ok(text) => return Ok(text.to_string()),
        Err(e) => e,
    };
    match declared_encoding(bytes).as_deref() {
        // Latin-1 maps each byte to the code point of the same value.
        Some("LATIN1" | "ISO_8859_1" | "ISO88591") => {
            Ok(bytes.iter().map(|&b| char::from(b)).collect())
        }
        declared => {
            let offset = utf8_error.valid_up_to();
            let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
            Err(match declared {
                Some(other) => format!(
                    "{file}:{line}: the file declares client_encoding {other}, which keyshift cannot read; convert it to UTF-8 (iconv -f {other} -t UTF-8)"
                ),
                None => format!(
                    "{file}:{line}: not valid UTF-8, and no SET client_encoding line declares another encoding"
                ),
            })
        }
    }
}

/// The value of the first `SET client_encoding = '…'` statement, upper-cased.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(64 * 1024)]);
    head.lines().find_map(|line| {
        let lower = line.trim().to_ascii_lowercase();
        let rest = lower.strip_prefix("set client_encoding")?;
        let value = rest
            .trim_start()
            .trim_start_matches(['=', ' '])
            .trim_start_matches("to ");
        let value = value.trim().trim_end_matches(';').trim().trim_matches('\'');
        Some(value.to_ascii_uppercase().replace('-', "_"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_passes_through() {
        assert_eq!(
            decode_sql("a.sql", "CREATE TABLE café ();".as_bytes()).unwrap(),
            "CREATE TABLE café ();"
        );
    }

    #[test]
    fn declared_latin1_is_decoded() {
        let bytes = b"SET client_encoding = 'LATIN1';\nINSERT INTO t VALUES ('\xb4s');\n";
        assert!(decode_sql("a.sql", bytes).unwrap().contains("'\u{b4}s'"));
    }

    #[test]
    fn undeclared_bytes_name_the_line() {
        let err = decode_sql("a.sql", b"SELECT 1;\nSELECT '\xff';\n").unwrap_err();
        assert_eq!(
            err,
            "a.sql:2: not valid UTF-8, and no SET client_encoding line declares another encoding"
        );
        let err = decode_sql("b.sql", b"SET client_encoding TO 'EUC_JP';\n\xff\n").unwrap_err();
        assert!(
            err.starts_with("b.sql:2: the file declares client_encoding EUC_JP"),
            "{err}"
        );
    }
}
