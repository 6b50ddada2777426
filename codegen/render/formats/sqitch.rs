//! Sqitch: a project of its own (`sqitch.plan`, `deploy/`, `revert/`,
//! `verify/`), and the contract as a second project that requires it.

use super::{CONTRACT_DIR, CONTRACT_NAME, IRREVERSIBLE_SQL, Migration, UP_NAME};

/// PLAN.md's words for Sqitch.
pub const NOTES: &str = "Sqitch: run `sqitch deploy db:pg:…` in this folder (the project is \
`keyshift`; its `sqitch.conf` turns on verify after deploy), and `sqitch revert db:pg:…` to run \
down. Sqitch runs each script with psql and opens no transaction of its own, so it needs no \
marker: the scripts' own transactions hold. deploy runs preflight and forward, verify runs \
verify_forward, revert runs rollback and verify_rollback. The contract is the project \
`keyshift_contract` under `contract/`, whose change requires `keyshift:keyshift_uuid_keys`; \
Sqitch has no irreversible changes, so its revert script fails and changes nothing. Plan \
entries carry a fixed date (1970-01-01), never the clock, so the files are the same each time.";

/// A plan with one change.
fn plan(m: &Migration, project: &str, change: &str, requires: &str) -> String {
    format!(
        "%syntax-version=1.0.0\n%project={project}\n\n\
         {change} {requires}1970-01-01T00:00:00Z keyshift <keyshift@invalid> # {}\n",
        m.generated()
    )
}

/// Engine pg, and verify after every deploy.
const CONF: &str = "[core]\n\tengine = pg\n[deploy]\n\tverify = true\n[rebase]\n\tverify = true\n";

/// The two projects.
pub fn files(m: &Migration) -> Vec<(String, String)> {
    let h = m.sql_header();
    let up = &m.up.stages;
    let deploy = up[..up.len() - 1].join("\n");
    let verify = up[up.len() - 1].clone();
    let c = CONTRACT_DIR;
    vec![
        ("sqitch.conf".to_string(), CONF.to_string()),
        ("sqitch.plan".to_string(), plan(m, "keyshift", UP_NAME, "")),
        (format!("deploy/{UP_NAME}.sql"), format!("{h}{deploy}")),
        (format!("verify/{UP_NAME}.sql"), format!("{h}{verify}")),
        (
            format!("revert/{UP_NAME}.sql"),
            format!("{h}{}", m.down.joined()),
        ),
        (format!("{c}/sqitch.conf"), CONF.to_string()),
        (
            format!("{c}/sqitch.plan"),
            plan(
                m,
                "keyshift_contract",
                CONTRACT_NAME,
                &format!("[keyshift:{UP_NAME}] "),
            ),
        ),
        (
            format!("{c}/deploy/{CONTRACT_NAME}.sql"),
            format!("{h}{}", m.contract.stages[0]),
        ),
        (
            format!("{c}/verify/{CONTRACT_NAME}.sql"),
            format!("{h}{}", m.contract.stages[1..].join("\n")),
        ),
        (
            format!("{c}/revert/{CONTRACT_NAME}.sql"),
            format!("{h}{IRREVERSIBLE_SQL}"),
        ),
    ]
}
