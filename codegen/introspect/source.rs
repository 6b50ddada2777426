//! Connecting: a `postgres://` / `postgresql://` URL (or libpq key=value
//! string) completed from the libpq environment, over TLS as `sslmode`
//! says (see [`tls`]), and errors that never show a password.

use super::tls;

use super::{IntrospectError, describe, introspect};
use crate::catalog::Catalog;
use postgres::config::Host;
use postgres::{Client, Config, NoTls};
use std::path::Path;
use std::str::FromStr;
use tls::{SslMode, TlsSettings};
use tokio_postgres_rustls::MakeRustlsConnect;

/// Whether a command-line source names a database rather than a file.
pub fn is_database_url(source: &str) -> bool {
    source.starts_with("postgres://") || source.starts_with("postgresql://")
}

/// The URL with any password replaced by `***`, for messages and headers.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, hosts)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{user}:***@{hosts}"),
            None => authority.to_string(),
        },
        None => authority.to_string(),
    };
    format!("{scheme}://{authority}{}", redact_query_password(tail))
}

fn redact_query_password(tail: &str) -> String {
    let Some((path, query)) = tail.split_once('?') else {
        return tail.to_string();
    };
    let params: Vec<String> = query
        .split('&')
        .map(|p| match p.split_once('=') {
            Some((k, _)) if k == "password" => format!("{k}=***"),
            _ => p.to_string(),
        })
        .collect();
    format!("{path}?{}", params.join("&"))
}

/// Where and how to connect, settled from the URL and the environment.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The driver's settings; its `ssl_mode` already follows `tls.mode`.
    pub config: Config,
    /// `sslmode` and `sslrootcert`.
    pub tls: TlsSettings,
}

/// Builds the connection settings: the URL's, then `PGHOST`, `PGPORT`,
/// `PGUSER`, `PGPASSWORD`, `PGDATABASE`, `PGSSLMODE`, `PGSSLROOTCERT` for
/// whatever it leaves out, as libpq does. A host starting with `/` is a
/// unix-socket directory; as in libpq, `sslmode` does not apply to sockets.
pub fn config(url: &str, env: impl Fn(&str) -> Option<String>) -> Result<Settings, String> {
    let (rest, url_mode, url_root_cert) = tls::take_params(url);
    let tls = TlsSettings::resolve(url_mode.as_deref(), url_root_cert.as_deref(), &env)?;
    let mut config = Config::from_str(&rest)
        .map_err(|e| format!("{} is not a valid connection URL: {e}", redact(url)))?;
    if config.get_hosts().is_empty() {
        let hosts = env("PGHOST").unwrap_or_else(|| "localhost".to_string());
        for host in hosts.split(',') {
            if host.starts_with('/') {
                config.host_path(host);
            } else {
                config.host(host);
            }
        }
    }
    if config.get_ports().is_empty()
        && let Some(port) = env("PGPORT")
    {
        let port: u16 = port
            .parse()
            .map_err(|_| format!("PGPORT {port:?} is not a port number"))?;
        config.port(port);
    }
    if config.get_user().is_none() {
        match env("PGUSER").or_else(|| env("USER")) {
            Some(user) => config.user(&user),
            None => return Err("no user: put one in the URL or set PGUSER".to_string()),
        };
    }
    if config.get_password().is_none()
        && let Some(password) = env("PGPASSWORD")
    {
        config.password(password);
    }
    if config.get_dbname().is_none()
        && let Some(db) = env("PGDATABASE")
    {
        config.dbname(&db);
    }
    let only_sockets = config.get_hostaddrs().is_empty()
        && config
            .get_hosts()
            .iter()
            .all(|h| matches!(h, Host::Unix(_)));
    config.ssl_mode(if only_sockets {
        postgres::config::SslMode::Disable
    } else {
        tls.mode.driver_mode()
    });
    Ok(Settings { config, tls })
}

/// Where the connection goes, for messages: `host:port/db` or the socket.
fn target(config: &Config) -> String {
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        Some(Host::Unix(p)) => p.display().to_string(),
        None => "localhost".to_string(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let db = config
        .get_dbname()
        .or(config.get_user())
        .unwrap_or_default();
    format!("{host}:{port}/{db}")
}

/// Connects to `url`, completed from the process environment, with TLS as
/// its `sslmode` says. Errors are one line and never contain the password.
pub fn connect(url: &str) -> Result<Client, String> {
    open(url).map(|(client, _)| client)
}

/// Connects to `url` (completed from the process environment) and reads the
/// catalog. Errors are one line and never contain the password.
pub fn read_catalog(url: &str) -> Result<Catalog, String> {
    let (mut client, target) = open(url)?;
    introspect(&mut client).map_err(|e: IntrospectError| format!("{target}: {e}"))
}

/// [`connect`], also returning the target for messages.
fn open(url: &str) -> Result<(Client, String), String> {
    let env = |k: &str| std::env::var(k).ok();
    let Settings { mut config, tls } = config(url, env)?;
    let home = env("HOME");
    let trust = tls.trust(home.as_deref().map(Path::new), Path::is_file)?;
    let is_tls_error =
        |e: &postgres::Error| e.as_db_error().is_none() && e.to_string().contains("TLS");
    let failed = |e: postgres::Error, config: &Config| {
        let mut message = format!("cannot connect to {}: {}", target(config), describe(&e));
        if is_tls_error(&e) {
            // rustls prints this one as a bare variant name.
            message = message.replace(
                "UnknownIssuer",
                "not signed by a trusted CA (UnknownIssuer)",
            );
            message.push_str(&format!(" (sslmode={}", tls.mode.as_str()));
            match &trust {
                Some(tls::Trust::Chain(roots) | tls::Trust::Full(roots)) => {
                    message.push_str(&format!(", trusting {roots})"));
                }
                _ => message.push(')'),
            }
        }
        message
    };
    let client = match &trust {
        None => config.connect(NoTls).map_err(|e| failed(e, &config))?,
        Some(trust) => {
            let make_tls = MakeRustlsConnect::new(tls::client_config(trust)?);
            match config.connect(make_tls) {
                Ok(client) => client,
                // libpq's `prefer` retries in plain text when the handshake
                // fails, not only when the server declines TLS (which the
                // driver handles itself).
                Err(e) if tls.mode == SslMode::Prefer && is_tls_error(&e) => {
                    config.ssl_mode(postgres::config::SslMode::Disable);
                    config.connect(NoTls).map_err(|e| failed(e, &config))?
                }
                Err(e) => return Err(failed(e, &config)),
            }
        }
    };
    Ok((client, target(&config)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/app?sslmode=require"),
            "postgres://app:***@db:5432/app?sslmode=require"
        );
        assert_eq!(redact("postgresql://app@db/app"), "postgresql://app@db/app");
        assert_eq!(
            redact("postgres://db/app?user=a&password=s3cret"),
            "postgres://db/app?user=a&password=***"
        );
    }

    #[test]
    fn the_environment_fills_what_the_url_leaves_out() {
        let env = |k: &str| match k {
            "PGHOST" => Some("/var/run/postgresql".to_string()),
            "PGPORT" => Some("5433".to_string()),
            "PGUSER" => Some("envuser".to_string()),
            "PGPASSWORD" => Some("pw".to_string()),
            "PGDATABASE" => Some("envdb".to_string()),
            _ => None,
        };
        let c = config("postgres://", env).expect("config").config;
        assert_eq!(c.get_hosts(), [Host::Unix("/var/run/postgresql".into())]);
        assert_eq!(c.get_ports(), [5433]);
        assert_eq!(c.get_user(), Some("envuser"));
        assert_eq!(c.get_password(), Some(&b"pw"[..]));
        assert_eq!(c.get_dbname(), Some("envdb"));
        let c = config("postgres://u@h:1/d", env).expect("config").config;
        assert_eq!(c.get_hosts(), [Host::Tcp("h".into())]);
        assert_eq!(
            (c.get_ports(), c.get_user(), c.get_dbname()),
            (&[1][..], Some("u"), Some("d"))
        );
    }

    #[test]
    fn sslmode_comes_from_the_url_or_pgsslmode_and_skips_sockets() {
        use postgres::config::SslMode as Driver;
        let env = |k: &str| match k {
            "PGUSER" => Some("u".to_string()),
            "PGSSLMODE" => Some("require".to_string()),
            _ => None,
        };
        let s = config(
            "postgres://h/d?sslmode=verify-full&sslrootcert=/ca.pem",
            env,
        )
        .expect("config");
        assert_eq!(s.tls.mode, SslMode::VerifyFull);
        assert_eq!(s.config.get_ssl_mode(), Driver::Require);
        let s = config("postgres://h/d", env).expect("config");
        assert_eq!(s.tls.mode, SslMode::Require);
        let s = config("postgres://h/d", |k| {
            (k == "PGUSER").then(|| "u".to_string())
        })
        .expect("config");
        assert_eq!(
            (s.tls.mode, s.config.get_ssl_mode()),
            (SslMode::Prefer, Driver::Prefer)
        );
        let s = config("postgres://%2Ftmp/d", env).expect("config");
        assert_eq!(
            s.config.get_ssl_mode(),
            Driver::Disable,
            "no TLS on sockets"
        );
        let e = config("postgres://h/d?sslmode=verify", env).expect_err("bad mode");
        assert!(e.contains("verify-full"), "{e}");
    }
}
