//! TLS for live introspection: libpq's `sslmode` and `sslrootcert` on
//! rustls (no OpenSSL), with libpq's meaning for each mode.
//!
//! | `sslmode`     | encrypted          | certificate checked                      |
//! |---------------|--------------------|------------------------------------------|
//! | `disable`     | never              | –                                        |
//! | `prefer`      | if the server can  | chain, if a root file exists; else none  |
//! | `require`     | always             | chain, if a root file exists; else none  |
//! | `verify-ca`   | always             | chain to a trusted root                  |
//! | `verify-full` | always             | chain, and the host name against the SAN |
//!
//! `prefer` falls back to a plain connection when the server declines TLS or
//! the handshake fails, as libpq does. The root file is `sslrootcert` (URL
//! parameter, else `PGSSLROOTCERT`), else `~/.postgresql/root.crt` if it
//! exists. `verify-ca` / `verify-full` without a root file use the
//! platform's trust store (falling back to the bundled Mozilla roots when it
//! is empty), where libpq would refuse; `sslrootcert=system` asks for that
//! explicitly and, as in libpq, needs `verify-full`.
//!
//! The settings are decided by a pure function ([`TlsSettings::trust`]) and
//! only then turned into a rustls [`ClientConfig`], so the decision table
//! above is unit-tested without files or servers.

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::verify_server_cert_signed_by_trust_anchor;
use rustls::crypto::{WebPkiSupportedAlgorithms, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// libpq's `sslmode` (`allow` is not offered: it is `prefer` backwards).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    /// Never TLS.
    Disable,
    /// TLS if the server offers it, else plain.
    Prefer,
    /// TLS or fail; the certificate is only checked if a root file exists.
    Require,
    /// TLS, and the certificate chains to a trusted root.
    VerifyCa,
    /// TLS, a trusted chain, and the certificate names the host.
    VerifyFull,
}

impl SslMode {
    /// Parses libpq's spelling.
    pub fn parse(value: &str) -> Result<SslMode, String> {
        Ok(match value {
            "disable" => SslMode::Disable,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            other => {
                return Err(format!(
                    "sslmode {other:?} is not one of disable, prefer, require, verify-ca, \
                     verify-full"
                ));
            }
        })
    }

    /// libpq's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }

    /// The driver's mode: it knows only whether to ask for TLS and whether
    /// a refusal is fatal; what is verified is the rustls config's job.
    pub fn driver_mode(self) -> postgres::config::SslMode {
        match self {
            SslMode::Disable => postgres::config::SslMode::Disable,
            SslMode::Prefer => postgres::config::SslMode::Prefer,
            SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => {
                postgres::config::SslMode::Require
            }
        }
    }
}

/// An explicit `sslrootcert`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RootCert {
    /// A PEM file of trusted root certificates.
    File(PathBuf),
    /// `sslrootcert=system`: the platform's trust store.
    System,
}

/// Where trusted roots come from once settled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Roots {
    /// A PEM file.
    File(PathBuf),
    /// The platform's trust store (or the bundled Mozilla roots if it is empty).
    Platform,
}

impl fmt::Display for Roots {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Roots::File(path) => write!(f, "{}", path.display()),
            Roots::Platform => f.write_str("the system's trusted roots"),
        }
    }
}

/// What a TLS connection checks about the server's certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trust {
    /// Nothing: encrypted, but open to a man in the middle (`prefer` and
    /// `require` without a root file, as in libpq).
    AnyCertificate,
    /// The chain to one of these roots, not the host name (`verify-ca`).
    Chain(Roots),
    /// The chain and the host name (`verify-full`).
    Full(Roots),
}

/// `sslmode` and `sslrootcert`, settled from the URL and the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsSettings {
    /// The mode (libpq's default is `prefer`).
    pub mode: SslMode,
    /// An explicit `sslrootcert`, if any.
    pub root_cert: Option<RootCert>,
}

impl TlsSettings {
    /// The URL's `sslmode` / `sslrootcert` if given, else `PGSSLMODE` /
    /// `PGSSLROOTCERT`. With `sslrootcert=system` the mode defaults to, and
    /// must be, `verify-full`.
    pub fn resolve(
        url_mode: Option<&str>,
        url_root_cert: Option<&str>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<TlsSettings, String> {
        let root_cert = url_root_cert
            .map(str::to_string)
            .or_else(|| env("PGSSLROOTCERT"))
            .filter(|s| !s.is_empty())
            .map(|s| match s.as_str() {
                "system" => RootCert::System,
                _ => RootCert::File(PathBuf::from(s)),
            });
        let mode = url_mode
            .map(str::to_string)
            .or_else(|| env("PGSSLMODE"))
            .filter(|s| !s.is_empty());
        let mode = match (mode, &root_cert) {
            (Some(m), _) => SslMode::parse(&m)?,
            (None, Some(RootCert::System)) => SslMode::VerifyFull,
            (None, _) => SslMode::Prefer,
        };
        if root_cert == Some(RootCert::System) && mode != SslMode::VerifyFull {
            return Err(format!(
                "sslmode={} may not be used with sslrootcert=system (use verify-full)",
                mode.as_str()
            ));
        }
        Ok(TlsSettings { mode, root_cert })
    }

    /// What to check, or `None` for no TLS. `home` is `$HOME` (for the
    /// default `~/.postgresql/root.crt`); `exists` tells whether a file is
    /// there. An explicit root file that is missing is an error for the
    /// `verify-*` modes and ignored otherwise, as in libpq.
    pub fn trust(
        &self,
        home: Option<&Path>,
        exists: impl Fn(&Path) -> bool,
    ) -> Result<Option<Trust>, String> {
        let verifies = matches!(self.mode, SslMode::VerifyCa | SslMode::VerifyFull);
        let roots = match &self.root_cert {
            Some(RootCert::System) => Some(Roots::Platform),
            Some(RootCert::File(path)) if exists(path) => Some(Roots::File(path.clone())),
            Some(RootCert::File(path)) if verifies => {
                return Err(format!(
                    "root certificate file {} does not exist (sslmode={}): give the CA's \
                     certificate as sslrootcert, or use sslrootcert=system",
                    path.display(),
                    self.mode.as_str()
                ));
            }
            Some(RootCert::File(_)) => None,
            None => home
                .map(|h| h.join(".postgresql/root.crt"))
                .filter(|p| exists(p))
                .map(Roots::File),
        };
        Ok(match self.mode {
            SslMode::Disable => None,
            SslMode::Prefer | SslMode::Require => {
                Some(roots.map_or(Trust::AnyCertificate, Trust::Chain))
            }
            SslMode::VerifyCa => Some(Trust::Chain(roots.unwrap_or(Roots::Platform))),
            SslMode::VerifyFull => Some(Trust::Full(roots.unwrap_or(Roots::Platform))),
        })
    }
}

/// A rustls client config that checks what `trust` says, with the `ring`
/// provider (passed explicitly, never the process default).
pub fn client_config(trust: &Trust) -> Result<ClientConfig, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let algorithms = provider.signature_verification_algorithms;
    let builder = ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup failed: {e}"))?;
    let config = match trust {
        Trust::AnyCertificate => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AnyCertificate { algorithms }))
            .with_no_client_auth(),
        Trust::Chain(roots) => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(ChainOnly {
                roots: Arc::new(load_roots(roots)?),
                algorithms,
            }))
            .with_no_client_auth(),
        Trust::Full(roots) => builder
            .with_root_certificates(load_roots(roots)?)
            .with_no_client_auth(),
    };
    Ok(config)
}

fn load_roots(roots: &Roots) -> Result<RootCertStore, String> {
    let mut store = RootCertStore::empty();
    match roots {
        Roots::File(path) => {
            let cant = |e: &dyn fmt::Display| {
                format!("cannot read root certificate file {}: {e}", path.display())
            };
            for cert in CertificateDer::pem_file_iter(path).map_err(|e| cant(&e))? {
                store
                    .add(cert.map_err(|e| cant(&e))?)
                    .map_err(|e| cant(&e))?;
            }
            if store.is_empty() {
                return Err(cant(&"no PEM certificates in it"));
            }
        }
        Roots::Platform => {
            // Unreadable entries are skipped, as the platform's own tools do.
            let native = rustls_native_certs::load_native_certs();
            store.add_parsable_certificates(native.certs);
            if store.is_empty() {
                store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            }
        }
    }
    Ok(store)
}

/// Accepts any server certificate, for `prefer` / `require` without a root
/// file.
///
/// Why this exists: libpq's `require` means "encrypt, but do not verify"
/// (its docs: protection from eavesdropping, not from a man in the middle),
/// and managed databases are routinely reached that way with self-signed or
/// private-CA certificates. rustls has no such mode, so this verifier
/// provides it, and only for those two modes: `verify-ca` / `verify-full`
/// never use it.
///
/// What it still checks: the handshake signatures (TLS 1.2
/// ServerKeyExchange, TLS 1.3 CertificateVerify) are verified against the
/// presented certificate's key with the provider's algorithms, so the peer
/// must hold the private key of the certificate it sent. That keeps the
/// session keys bound to that certificate, which is what SCRAM channel
/// binding (`tls-server-end-point`) relies on.
#[derive(Debug)]
struct AnyCertificate {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// `verify-ca`: the certificate must chain to a trusted root and be valid
/// now, but need not name the host (libpq's meaning). This is rustls's own
/// WebPKI check minus the final host-name step.
#[derive(Debug)]
struct ChainOnly {
    roots: Arc<RootCertStore>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let cert = ParsedCertificate::try_from(end_entity)?;
        verify_server_cert_signed_by_trust_anchor(
            &cert,
            &self.roots,
            intermediates,
            now,
            self.algorithms.all,
        )?;
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// Removes `sslmode` and `sslrootcert` from a connection string (the driver
/// knows neither `verify-*` nor `sslrootcert`) and returns them, decoded.
/// URLs: query parameters, percent-decoded. libpq `key=value` strings:
/// written without spaces around `=`; values may be single-quoted.
pub fn take_params(conn: &str) -> (String, Option<String>, Option<String>) {
    let (mut mode, mut root) = (None, None);
    let mut take = |key: &str, value: String| match key {
        "sslmode" => {
            mode = Some(value);
            true
        }
        "sslrootcert" => {
            root = Some(value);
            true
        }
        _ => false,
    };
    let rest = if conn.starts_with("postgres://") || conn.starts_with("postgresql://") {
        match conn.split_once('?') {
            None => conn.to_string(),
            Some((base, query)) => {
                let kept: Vec<&str> = query
                    .split('&')
                    .filter(|p| match p.split_once('=') {
                        Some((k, v)) => !take(k, percent_decode(v)),
                        None => true,
                    })
                    .collect();
                if kept.is_empty() {
                    base.to_string()
                } else {
                    format!("{base}?{}", kept.join("&"))
                }
            }
        }
    } else {
        let kept: Vec<&str> = keyword_tokens(conn)
            .into_iter()
            .filter(|t| match t.split_once('=') {
                Some((k, v)) => !take(k, unquote(v)),
                None => true,
            })
            .collect();
        kept.join(" ")
    };
    (rest, mode, root)
}

/// The whitespace-separated `key=value` tokens of a libpq keyword string,
/// as written (a single-quoted value may hold spaces and `\'`).
fn keyword_tokens(conn: &str) -> Vec<&str> {
    let mut tokens = Vec::new();
    let mut start = None;
    let (mut quoted, mut escaped) = (false, false);
    for (i, c) in conn.char_indices() {
        if start.is_none() {
            if c.is_whitespace() {
                continue;
            }
            start = Some(i);
        }
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == '\'' {
            quoted = !quoted;
        } else if c.is_whitespace() && !quoted {
            tokens.extend(start.take().map(|s| &conn[s..i]));
        }
    }
    tokens.extend(start.map(|s| &conn[s..]));
    tokens
}

/// A keyword value without its quotes and escapes.
fn unquote(value: &str) -> String {
    let inner = value
        .strip_prefix('\'')
        .and_then(|v| v.strip_suffix('\''))
        .unwrap_or(value);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            c => out.push(c),
        }
    }
    out
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(mode: Option<&str>, root: Option<&str>) -> Result<TlsSettings, String> {
        TlsSettings::resolve(mode, root, |_| None)
    }

    #[test]
    fn url_parameters_win_over_the_environment() {
        let env = |k: &str| match k {
            "PGSSLMODE" => Some("require".to_string()),
            "PGSSLROOTCERT" => Some("/env/ca.pem".to_string()),
            _ => None,
        };
        let s = TlsSettings::resolve(None, None, env).expect("settings");
        assert_eq!(s.mode, SslMode::Require);
        assert_eq!(s.root_cert, Some(RootCert::File("/env/ca.pem".into())));
        let s = TlsSettings::resolve(Some("verify-ca"), Some("/url/ca.pem"), env).expect("ok");
        assert_eq!(s.mode, SslMode::VerifyCa);
        assert_eq!(s.root_cert, Some(RootCert::File("/url/ca.pem".into())));
        assert_eq!(settings(None, None).expect("ok").mode, SslMode::Prefer);
        assert!(settings(Some("allow"), None).is_err());
        assert!(settings(Some("verify_full"), None).is_err());
    }

    #[test]
    fn system_roots_need_verify_full() {
        let s = settings(None, Some("system")).expect("ok");
        assert_eq!(
            (s.mode, s.root_cert),
            (SslMode::VerifyFull, Some(RootCert::System))
        );
        let e = settings(Some("require"), Some("system")).expect_err("weak mode");
        assert!(e.contains("verify-full"), "{e}");
    }

    #[test]
    fn trust_follows_libpq() {
        let home = Path::new("/home/u");
        let default_root = PathBuf::from("/home/u/.postgresql/root.crt");
        let trust = |mode: &str, root: Option<&str>, present: &[&Path]| {
            settings(Some(mode), root)
                .expect("settings")
                .trust(Some(home), |p| present.contains(&p))
        };
        let none: &[&Path] = &[];
        let with_default: &[&Path] = &[&default_root];
        let file = |p: &str| Roots::File(PathBuf::from(p));

        assert_eq!(trust("disable", None, with_default), Ok(None));
        for mode in ["prefer", "require"] {
            assert_eq!(trust(mode, None, none), Ok(Some(Trust::AnyCertificate)));
            // A root file present turns require into verify-ca, as in libpq.
            assert_eq!(
                trust(mode, None, with_default),
                Ok(Some(Trust::Chain(Roots::File(default_root.clone()))))
            );
            // An explicit but missing file is ignored below verify-ca.
            assert_eq!(
                trust(mode, Some("/x/ca.pem"), none),
                Ok(Some(Trust::AnyCertificate))
            );
        }
        assert_eq!(
            trust("verify-ca", None, none),
            Ok(Some(Trust::Chain(Roots::Platform)))
        );
        assert_eq!(
            trust("verify-full", None, with_default),
            Ok(Some(Trust::Full(Roots::File(default_root.clone()))))
        );
        let ca = Path::new("/x/ca.pem");
        assert_eq!(
            trust("verify-full", Some("/x/ca.pem"), &[ca, &default_root]),
            Ok(Some(Trust::Full(file("/x/ca.pem"))))
        );
        let e = trust("verify-full", Some("/x/ca.pem"), none).expect_err("missing file");
        assert!(
            e.contains("/x/ca.pem") && e.contains("does not exist"),
            "{e}"
        );
        assert_eq!(
            settings(None, Some("system"))
                .expect("ok")
                .trust(None, |_| false),
            Ok(Some(Trust::Full(Roots::Platform)))
        );
    }

    #[test]
    fn tls_parameters_are_taken_out_of_the_connection_string() {
        assert_eq!(
            take_params(
                "postgres://u:pw@h:1/d?sslmode=verify-full&application_name=x&sslrootcert=%2Ftmp%2Fmy%20ca.pem"
            ),
            (
                "postgres://u:pw@h:1/d?application_name=x".to_string(),
                Some("verify-full".to_string()),
                Some("/tmp/my ca.pem".to_string())
            )
        );
        assert_eq!(
            take_params("postgresql://h/d?sslmode=require"),
            (
                "postgresql://h/d".to_string(),
                Some("require".to_string()),
                None
            )
        );
        assert_eq!(
            take_params("postgres://h/d"),
            ("postgres://h/d".to_string(), None, None)
        );
        assert_eq!(
            take_params("host=h sslmode='verify-ca' dbname=d sslrootcert=/ca.pem"),
            (
                "host=h dbname=d".to_string(),
                Some("verify-ca".to_string()),
                Some("/ca.pem".to_string())
            )
        );
        assert_eq!(
            take_params(r"password='a b\' c'  sslrootcert='/my ca.pem' user=u"),
            (
                r"password='a b\' c' user=u".to_string(),
                None,
                Some("/my ca.pem".to_string())
            )
        );
    }

    #[test]
    fn every_trust_builds_a_config() {
        for trust in [Trust::AnyCertificate, Trust::Full(Roots::Platform)] {
            client_config(&trust).expect("config");
        }
        let e = client_config(&Trust::Chain(Roots::File("/nonexistent/ca.pem".into())))
            .expect_err("missing file");
        assert!(e.contains("cannot read root certificate file"), "{e}");
    }
}
