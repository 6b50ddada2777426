//! TLS (`sslmode`, `sslrootcert`) against real servers: one started here with
//! `ssl = on` and a certificate from a throwaway CA made at test time (rcgen),
//! and the shared harness server, which has TLS off.

mod support;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use support::{Server, ServerSpec};

/// A password in every URL: it must never show up in any output.
const PASSWORD: &str = "s3cret";

/// The TLS server and the client-side files that go with it.
struct TlsServer {
    server: Server,
    /// The CA that signed the server's certificate.
    ca: PathBuf,
    /// A CA that signed nothing the server has.
    wrong_ca: PathBuf,
}

struct Pki {
    ca_pem: String,
    wrong_ca_pem: String,
    cert_pem: String,
    key_pem: String,
}

fn new_ca(name: &str) -> (CertificateParams, KeyPair, String) {
    let key = KeyPair::generate().expect("CA key");
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let pem = params.self_signed(&key).expect("CA cert").pem();
    (params, key, pem)
}

/// A CA, a server certificate for `localhost` and `127.0.0.1` signed by it,
/// and an unrelated CA.
fn pki() -> Pki {
    let (ca_params, ca_key, ca_pem) = new_ca("keyshift test CA");
    let (_, _, wrong_ca_pem) = new_ca("keyshift unrelated CA");
    let issuer = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate().expect("server key");
    let mut params = CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
        .expect("server params");
    params
        .distinguished_name
        .push(DnType::CommonName, "keyshift test server");
    let cert_pem = params.signed_by(&key, &issuer).expect("server cert").pem();
    Pki {
        ca_pem,
        wrong_ca_pem,
        cert_pem,
        key_pem: key.serialize_pem(),
    }
}

/// `keyshift_tls` must give a password, and only over TLS; everyone else is
/// trusted, as in the harness's default cluster.
const PG_HBA: &str = "\
local all all trust
hostssl all keyshift_tls 127.0.0.1/32 scram-sha-256
host all keyshift_tls 127.0.0.1/32 reject
host all all 127.0.0.1/32 trust
";

/// The shared harness server (TLS off) and this binary's TLS server, or
/// `None` when there is no PostgreSQL to run (see `support::server_or_skip`).
fn servers() -> Option<(&'static Server, &'static TlsServer)> {
    let plain = support::server_or_skip()?;
    static TLS: OnceLock<Result<TlsServer, String>> = OnceLock::new();
    let tls = TLS.get_or_init(|| {
        let pki = pki();
        let mut spec = ServerSpec::from_env()?;
        spec.max_connections = 30;
        spec.extra_conf = [
            "ssl = on",
            "ssl_cert_file = 'server.crt'",
            "ssl_key_file = 'server.key'",
            "log_connections = on",
        ]
        .map(String::from)
        .to_vec();
        spec.data_files = vec![
            ("server.crt".to_string(), pki.cert_pem.into_bytes()),
            ("server.key".to_string(), pki.key_pem.into_bytes()),
            ("pg_hba.conf".to_string(), PG_HBA.as_bytes().to_vec()),
        ];
        let server = Server::start(spec)?;
        let ca = server.base_dir().join("client-ca.pem");
        let wrong_ca = server.base_dir().join("client-wrong-ca.pem");
        std::fs::write(&ca, pki.ca_pem).map_err(|e| e.to_string())?;
        std::fs::write(&wrong_ca, pki.wrong_ca_pem).map_err(|e| e.to_string())?;
        Ok(TlsServer {
            server,
            ca,
            wrong_ca,
        })
    });
    match tls {
        Ok(tls) => Some((plain, tls)),
        Err(e) => panic!("the shared server started, but the TLS one did not: {e}"),
    }
}

/// Runs the CLI with no inherited libpq settings and an empty `HOME` (so no
/// `~/.postgresql/root.crt` of the machine's is picked up).
fn keyshift(args: &[&str]) -> Output {
    let home = tempfile::tempdir().expect("temp home");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_keyshift"));
    cmd.args(args)
        .env_remove("DATABASE_URL")
        .env("HOME", home.path());
    for var in [
        "PGHOST",
        "PGPORT",
        "PGUSER",
        "PGPASSWORD",
        "PGDATABASE",
        "PGSSLMODE",
        "PGSSLROOTCERT",
    ] {
        cmd.env_remove(var);
    }
    cmd.output().expect("run keyshift")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn url(user: &str, host: &str, port: u16, db: &str, params: &str) -> String {
    format!("postgres://{user}:{PASSWORD}@{host}:{port}/{db}?{params}")
}

fn path_param(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// `inspect` succeeds, and neither its output nor the catalog holds the password.
fn assert_inspects(url: &str) {
    let work = tempfile::tempdir().expect("temp dir");
    let json = work.path().join("catalog.json");
    let out = keyshift(&["inspect", url, "-o", path_param(&json)]);
    let output = text(&out);
    assert!(out.status.success(), "inspect {url} failed: {output}");
    assert!(!output.contains(PASSWORD), "password leaked: {output}");
    let catalog = std::fs::read_to_string(&json).expect("catalog written");
    assert!(!catalog.contains(PASSWORD), "password in the catalog");
    assert!(catalog.contains("tls_probe"), "the table was read");
}

/// `generate` fails with one `error:` line containing every one of
/// `expected`, no password, and no bundle.
fn assert_fails(url: &str, expected: &[&str]) {
    let work = tempfile::tempdir().expect("temp dir");
    let bundle = work.path().join("bundle");
    let out = keyshift(&["generate", url, "--out", path_param(&bundle)]);
    let output = text(&out);
    assert!(!out.status.success(), "{url} must fail: {output}");
    assert_eq!(output.trim().lines().count(), 1, "one line: {output}");
    assert!(output.starts_with("error:"), "an error line: {output}");
    for e in expected {
        assert!(output.contains(e), "expected {e:?} in: {output}");
    }
    assert!(!output.contains(PASSWORD), "password leaked: {output}");
    assert!(!bundle.exists(), "no bundle may be written");
}

/// Marks keyshift's own connections in the server log (psql's are there too).
const APP: &str = "application_name=keyshift_tls_probe";

/// The server's `log_connections` lines for keyshift's sessions on `db`
/// (URLs with [`APP`]), once written.
fn connection_log(server: &Server, db: &str) -> String {
    let needle = format!("database={db} {APP}");
    for _ in 0..50 {
        let lines: Vec<String> = server
            .log()
            .lines()
            .filter(|l| l.contains("connection authorized") && l.contains(&needle))
            .map(str::to_string)
            .collect();
        if !lines.is_empty() {
            return lines.join("\n");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("no connection to {db} in the server log:\n{}", server.log());
}

fn probe_db<'s>(server: &'s Server, prefix: &str) -> support::Database<'s> {
    let db = server.create_database(prefix);
    db.psql_sql("CREATE TABLE tls_probe (id bigint PRIMARY KEY, note text);")
        .expect("create table");
    db
}

/// Whether the session `url` opens (in-process, through keyshift's own
/// connect) is encrypted, as the server sees it.
fn server_sees_tls(url: &str) -> bool {
    let mut client = keyshift::introspect::source::connect(url).expect("connect");
    client
        .query_one(
            "SELECT ssl FROM pg_catalog.pg_stat_ssl WHERE pid = pg_catalog.pg_backend_pid()",
            &[],
        )
        .expect("pg_stat_ssl")
        .get(0)
}

#[test]
fn require_encrypts_without_verifying_the_certificate() {
    let Some((_, tls)) = servers() else { return };
    let server = &tls.server;
    let db = probe_db(server, "tls_require");
    assert_inspects(&url(
        "postgres",
        "127.0.0.1",
        server.port(),
        db.name(),
        &format!("sslmode=require&{APP}"),
    ));
    let log = connection_log(server, db.name());
    assert!(log.contains("SSL enabled"), "not encrypted: {log}");
}

#[test]
fn verify_full_checks_the_chain_and_the_host_name() {
    let Some((_, tls)) = servers() else { return };
    let server = &tls.server;
    let db = probe_db(server, "tls_full");
    let port = server.port();
    let ca = format!("sslmode=verify-full&sslrootcert={}", path_param(&tls.ca));

    for host in ["localhost", "127.0.0.1"] {
        let good = url("postgres", host, port, db.name(), &ca);
        assert_inspects(&good);
        assert!(
            server_sees_tls(&good),
            "verify-full via {host} is encrypted"
        );
    }

    let wrong_ca = format!(
        "sslmode=verify-full&sslrootcert={}",
        path_param(&tls.wrong_ca)
    );
    assert_fails(
        &url("postgres", "localhost", port, db.name(), &wrong_ca),
        &["cannot connect to localhost", "certificate", "verify-full"],
    );

    // A name the certificate does not hold, reaching the same server.
    let wrong_name = |mode: &str| {
        url(
            "postgres",
            "not-in-the-cert.invalid",
            port,
            db.name(),
            &format!(
                "hostaddr=127.0.0.1&sslmode={mode}&sslrootcert={}",
                path_param(&tls.ca)
            ),
        )
    };
    assert_fails(
        &wrong_name("verify-full"),
        &["certificate", "not-in-the-cert.invalid"],
    );
    // verify-ca checks the chain only.
    assert_inspects(&wrong_name("verify-ca"));
    // ... and still the chain.
    assert_fails(
        &url(
            "postgres",
            "localhost",
            port,
            db.name(),
            &format!(
                "sslmode=verify-ca&sslrootcert={}",
                path_param(&tls.wrong_ca)
            ),
        ),
        &["certificate", "verify-ca"],
    );
    // A root file that is not there is an error for verify-*.
    assert_fails(
        &url(
            "postgres",
            "localhost",
            port,
            db.name(),
            "sslmode=verify-full&sslrootcert=/nonexistent/ca.pem",
        ),
        &["/nonexistent/ca.pem", "does not exist"],
    );
}

#[test]
fn require_fails_on_a_server_without_tls_and_prefer_falls_back() {
    let Some((plain, _)) = servers() else { return };
    let db = probe_db(plain, "tls_off");
    let port = plain.port();
    assert_fails(
        &url("postgres", "127.0.0.1", port, db.name(), "sslmode=require"),
        &["server does not support TLS", "sslmode=require"],
    );
    for mode in ["prefer", "disable"] {
        assert_inspects(&url(
            "postgres",
            "127.0.0.1",
            port,
            db.name(),
            &format!("sslmode={mode}"),
        ));
    }
}

#[test]
fn prefer_falls_back_to_plain_when_the_handshake_fails() {
    let Some((_, tls)) = servers() else { return };
    let server = &tls.server;
    let db = probe_db(server, "tls_prefer");
    // The root file makes prefer check the chain (as libpq does); the check
    // fails, so libpq's prefer goes on without TLS.
    assert_inspects(&url(
        "postgres",
        "localhost",
        server.port(),
        db.name(),
        &format!(
            "sslmode=prefer&sslrootcert={}&{APP}",
            path_param(&tls.wrong_ca)
        ),
    ));
    let log = connection_log(server, db.name());
    assert!(!log.contains("SSL enabled"), "fell back to plain: {log}");
}

#[test]
fn a_password_over_tls_authenticates_and_never_shows() {
    let Some((_, tls)) = servers() else { return };
    let server = &tls.server;
    let db = probe_db(server, "tls_password");
    db.psql_sql(&format!(
        "DO $$ BEGIN CREATE ROLE keyshift_tls LOGIN PASSWORD '{PASSWORD}'; \
         EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;"
    ))
    .expect("role");
    let port = server.port();
    let ca = format!("sslmode=verify-full&sslrootcert={}", path_param(&tls.ca));
    // SCRAM over TLS, with channel binding (SCRAM-SHA-256-PLUS) when offered.
    assert_inspects(&url("keyshift_tls", "localhost", port, db.name(), &ca));
    assert_fails(
        &url("keyshift_tls", "localhost", port, db.name(), &ca).replace(PASSWORD, "wrong"),
        &["password authentication failed"],
    );
    // The role is refused without TLS, by pg_hba.conf.
    assert_fails(
        &url(
            "keyshift_tls",
            "localhost",
            port,
            db.name(),
            "sslmode=disable",
        ),
        &["pg_hba.conf"],
    );
}
