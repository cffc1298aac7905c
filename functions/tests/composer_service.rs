//! The composer as a fleet instance runs it: `peershare-composer` started with exactly the
//! environment its unit (`infra/media-node/peershare-composer.service`) and the env file the
//! user data writes (`infra/media-node/cloud-init.yaml`) give it, against the AWS stand-ins;
//! it runs, and on SIGTERM (the instance draining) it stops within the unit's stop timeout,
//! exiting 0, so systemd does not restart it.

use peershare_functions::store::dynamodb::DynamoStore;
use peershare_moto as moto;
use peershare_recording::storage::S3Store;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};

/// Generous: the machine may be busy.
const DEADLINE: Duration = Duration::from_secs(60);

fn repo_file(path: &str) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `KEY=value` lines of the composer's env file as the setup script writes it, its
/// placeholders filled with `values`.
fn env_file(values: &BTreeMap<&str, &str>) -> Vec<(String, String)> {
    let cloud_init = repo_file("infra/media-node/cloud-init.yaml");
    let lines: Vec<&str> = cloud_init
        .lines()
        .map(str::trim)
        .skip_while(|l| *l != "cat > /etc/peershare/composer.env.new <<EOF")
        .skip(1)
        .take_while(|l| *l != "EOF")
        .collect();
    assert!(!lines.is_empty(), "the setup script writes the composer's env file");
    lines
        .into_iter()
        .map(|line| {
            let (name, value) = line.split_once('=').expect("KEY=value");
            let value = values
                .iter()
                .fold(value.to_owned(), |v, (k, filled)| v.replace(&format!("${{{k}}}"), filled));
            assert!(!value.contains('$'), "{line}: every placeholder is filled");
            (name.to_owned(), value)
        })
        .collect()
}

/// The unit's `Environment=` settings.
fn unit_environment() -> Vec<(String, String)> {
    repo_file("infra/media-node/peershare-composer.service")
        .lines()
        .filter_map(|l| l.strip_prefix("Environment="))
        .map(|kv| {
            let (k, v) = kv.split_once('=').expect("KEY=value");
            (k.to_owned(), v.to_owned())
        })
        .collect()
}

fn composer_env_names() -> Vec<String> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_peershare-composer"))
        .arg("--help")
        .env_clear()
        .output()
        .expect("the composer runs");
    assert!(out.status.success(), "--help succeeds");
    let help = String::from_utf8(out.stdout).expect("UTF-8");
    help.split("[env: ").skip(1).map(|t| t.split(['=', ']']).next().unwrap_or_default().to_owned()).collect()
}

#[tokio::test]
async fn the_composer_runs_with_its_units_environment_and_stops_cleanly_on_sigterm() {
    let table = "peershare-composer-service";
    DynamoStore::ensure_table(&moto::dynamodb_client(), table).await.expect("a table");
    let bucket = "composer-service-recordings";
    S3Store::new(moto::s3_client(), bucket).ensure_bucket().await.expect("a bucket");
    // moto keeps regions apart: the stand-ins' region is the home region here.
    let values =
        BTreeMap::from([("TableName", table), ("RecordingsBucket", bucket), ("HomeRegion", "us-east-1")]);
    let from_file = env_file(&values);
    let from_unit = unit_environment();
    let known = composer_env_names();
    for (name, _) in from_file.iter().chain(&from_unit) {
        assert!(
            known.contains(name) || name == "AWS_REGION",
            "{name} is not a variable the composer reads ({known:?})"
        );
    }
    assert!(
        from_unit.iter().any(|(k, _)| k == "PEERSHARE_COMPOSER_WORK_DIR"),
        "the unit names its scratch folder"
    );

    // What the instance has besides (its role's credentials come from IMDS there), and the
    // stand-ins' endpoints; the scratch folder is the unit's CacheDirectory there, a temporary
    // one here.
    let work = std::env::temp_dir().join(format!("peershare-composer-service-{}", std::process::id()));
    let mut composer = tokio::process::Command::new(env!("CARGO_BIN_EXE_peershare-composer"))
        .env_clear()
        .envs(from_unit.iter().chain(&from_file).map(|(k, v)| (k.as_str(), v.as_str())))
        .envs([
            ("PATH", std::env::var("PATH").unwrap_or_default().as_str()),
            ("AWS_ACCESS_KEY_ID", "test"),
            ("AWS_SECRET_ACCESS_KEY", "test"),
            ("AWS_ENDPOINT_URL", moto::endpoint()),
            ("PEERSHARE_S3_ENDPOINT", moto::endpoint()),
            ("PEERSHARE_COMPOSER_WORK_DIR", work.to_str().expect("UTF-8")),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the composer starts");

    // It reads the queue in the table the env file names, says so, and keeps running.
    let mut lines = BufReader::new(composer.stderr.take().expect("stderr")).lines();
    let mut log = String::new();
    let ready = tokio::time::timeout(DEADLINE, async {
        while let Ok(Some(line)) = lines.next_line().await {
            log.push_str(&line);
            log.push('\n');
            if line.contains("composing recordings") {
                return true;
            }
        }
        false
    })
    .await
    .expect("it starts in time");
    assert!(ready, "the composer exited before it was ready:\n{log}");
    assert!(log.contains(table), "it names its table: {log}");
    assert!(composer.try_wait().expect("polls").is_none(), "the composer exited by itself");

    let stop_within: u64 = repo_file("infra/media-node/peershare-composer.service")
        .lines()
        .find_map(|l| l.strip_prefix("TimeoutStopSec="))
        .expect("a stop timeout")
        .parse()
        .expect("plain seconds");
    let pid = composer.id().expect("running").to_string();
    assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().expect("kill runs").success());
    let status = tokio::time::timeout(Duration::from_secs(stop_within).min(DEADLINE), composer.wait())
        .await
        .expect("it stops within the unit's TimeoutStopSec")
        .expect("waits");
    while let Ok(Some(line)) = lines.next_line().await {
        log.push_str(&line);
        log.push('\n');
    }
    assert!(status.success(), "exits 0 (not restarted by systemd): {status:?}\n{log}");
    let _ = std::fs::remove_dir_all(&work);
}
