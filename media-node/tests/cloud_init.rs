//! The fleet's user data (`infra/media-node/cloud-init.yaml`): valid by cloud-init's own schema
//! once filled in, every placeholder documented (in its header and in infra/README.md) and
//! every documented one used, its setup script clean by shellcheck, the env file it writes
//! naming only variables the node reads, coturn starting on the configuration it writes, the
//! unit and the script agreeing on paths, and the whole within EC2's 16 KiB.

mod infra;

use infra::{
    COTURN_POLICY, DRAIN_WATCH_PATH, DRAIN_WATCH_UNIT_PATH, ENV_FILE_WRITE, INFRA_README, Ports,
    SDK_VARIABLES, SETUP_SCRIPT_PATH, TempDir, UNIT, Unit, field, fill, heredoc, instance_values,
    node_env_names, parse_env_file, placeholder_values, placeholders_in_readme, placeholders_used, read,
    without_comments, written_file, written_text,
};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

/// The API a stack would fill in.
const REGISTRY: &str = "https://abcdef1234.execute-api.eu-west-1.amazonaws.com";

fn filled(ports: &Ports) -> String {
    fill(&read(infra::CLOUD_INIT), &placeholder_values(REGISTRY, ports))
}

fn script(ports: &Ports) -> String {
    infra::setup_script(&infra::user_data(&placeholder_values(REGISTRY, ports)))
}

fn home_cache(tail: &str) -> PathBuf {
    PathBuf::from(std::env::var_os("HOME").expect("HOME is set")).join(".cache/peershare").join(tail)
}

/// cloud-init 22.4 as Debian 12 ships it (the release the instances run), unpacked but not
/// installed, and the project venv's Python with what its schema code imports; `cargo xtask
/// deps` puts both there and `cargo xtask test` names them.
fn cloud_init_python() -> (PathBuf, PathBuf) {
    let python = std::env::var_os("PEERSHARE_CLOUD_INIT_PYTHON")
        .map_or_else(|| home_cache("venv/bin/python3"), PathBuf::from);
    let path = std::env::var_os("PEERSHARE_CLOUD_INIT_PATH")
        .map_or_else(|| home_cache("cloud-init/usr/lib/python3/dist-packages"), PathBuf::from);
    assert!(
        python.is_file() && path.join("cloudinit").is_dir(),
        "no cloud-init at {} for {}: run `cargo xtask deps`",
        path.display(),
        python.display()
    );
    (python, path)
}

#[test]
fn cloud_init_accepts_the_filled_user_data_by_its_own_schema() {
    let dir = TempDir::new("peershare-cloud-init");
    let file = dir.path().join("user-data.yaml");
    std::fs::write(&file, filled(&Ports::recommended())).expect("write the user data");
    let (python, path) = cloud_init_python();
    let check = "import sys\n\
                 from cloudinit.config.schema import get_schema, validate_cloudconfig_file\n\
                 validate_cloudconfig_file(sys.argv[1], get_schema())\n\
                 print('VALID')\n";
    let out =
        Command::new(python).args(["-c", check]).arg(&file).env("PYTHONPATH", path).output().expect("python");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(
        out.status.success() && text.contains("VALID"),
        "cloud-init's schema refuses the user data:\n{text}"
    );
    // The schema lets unknown top-level keys through (other modules may read them): these two
    // are all the user data means to use.
    let user_data = infra::user_data(&placeholder_values(REGISTRY, &Ports::recommended()));
    let keys: Vec<&str> =
        user_data.as_hash().expect("a mapping").keys().map(|k| k.as_str().expect("a key")).collect();
    assert_eq!(keys, ["write_files", "runcmd"], "the user data's cloud-config modules");
    // Deprecated keys are listed after this heading; there must be none.
    let deprecations = text.split("Cloud config schema deprecations:").nth(1).map(|t| t.trim_start());
    assert!(deprecations.is_none_or(|t| t.starts_with("VALID")), "deprecated cloud-config:\n{text}");
}

#[test]
fn every_placeholder_is_documented_in_the_readme_and_every_documented_one_is_used() {
    let used = placeholders_used(&read(infra::CLOUD_INIT));
    let documented = placeholders_in_readme(&read(INFRA_README));
    assert_eq!(used, documented, "placeholders used in the user data vs listed in infra/README.md's table");
    let values: BTreeSet<String> = placeholder_values(REGISTRY, &Ports::recommended()).into_keys().collect();
    assert_eq!(values, documented, "the tests fill in every placeholder");
}

#[test]
fn the_setup_script_and_the_drain_watcher_pass_shellcheck_and_sh() {
    let dir = TempDir::new("peershare-setup-script");
    let user_data = infra::user_data(&placeholder_values(REGISTRY, &Ports::recommended()));
    for path in [SETUP_SCRIPT_PATH, DRAIN_WATCH_PATH] {
        let file = dir.path().join(path.rsplit('/').next().expect("a file name"));
        let script = written_text(&user_data, path);
        assert!(script.starts_with("#!/bin/sh\n"), "{path} is a POSIX shell script");
        std::fs::write(&file, &script).expect("write the script");
        let syntax = Command::new("sh").arg("-n").arg(&file).output().expect("sh runs");
        assert!(syntax.status.success(), "sh -n {path}: {}", String::from_utf8_lossy(&syntax.stderr));
        let lint = Command::new("shellcheck")
            .args(["--shell=sh", "--severity=style", "--norc"])
            .arg(&file)
            .output()
            .expect("shellcheck runs (Debian's shellcheck; `cargo xtask deps` installs it)");
        assert!(lint.status.success(), "shellcheck {path}:\n{}", String::from_utf8_lossy(&lint.stdout));
    }
}

#[test]
fn the_drain_watcher_runs_as_a_unit_the_setup_enables_and_completes_the_groups_hook() {
    let values = placeholder_values(REGISTRY, &Ports::recommended());
    let user_data = infra::user_data(&values);
    let unit = Unit::parse(&written_text(&user_data, DRAIN_WATCH_UNIT_PATH));
    assert_eq!(unit.value("Service", "ExecStart"), DRAIN_WATCH_PATH, "the watcher's unit runs the watcher");
    assert_eq!(unit.value("Install", "WantedBy"), "multi-user.target", "it starts at every boot");
    let setup = script(&Ports::recommended());
    let unit_name = DRAIN_WATCH_UNIT_PATH.rsplit('/').next().expect("a unit name");
    let enables = setup.lines().position(|l| l.contains("systemctl enable --now") && l.contains(unit_name));
    let enables = enables.unwrap_or_else(|| panic!("the setup script enables and starts {unit_name}"));
    let fetches_secrets =
        setup.lines().position(|l| l.contains("aws ssm get-parameter")).expect("reads the secrets");
    assert!(enables < fetches_secrets, "the watcher runs before anything that may fail after the packages");
    let watcher = written_text(&user_data, DRAIN_WATCH_PATH);
    for expected in [
        "autoscaling/target-lifecycle-state",
        "systemctl stop peershare-media-node.service peershare-composer.service || true",
        "complete-lifecycle-action",
        &format!("--auto-scaling-group-name \"{}\"", values["FleetGroupName"]),
        &format!("--lifecycle-hook-name \"{}\"", values["DrainHookName"]),
    ] {
        assert!(watcher.contains(expected), "the drain watcher has {expected:?}:\n{watcher}");
    }
    let stop = watcher.find("systemctl stop").expect("stops the node");
    let complete = watcher.find("complete-lifecycle-action").expect("completes the hook");
    assert!(stop < complete, "the node has left before the termination goes on");
}

#[test]
fn the_env_file_and_the_unit_set_only_variables_the_node_reads() {
    let template = heredoc(&script(&Ports::recommended()), ENV_FILE_WRITE);
    let shell = instance_values("bm90LWEtcmVhbC1rZXktMDEyMzQ1Njc4OWFiY2RlZg");
    let env_file =
        parse_env_file(&template.iter().map(|l| infra::expand(l, &shell) + "\n").collect::<String>());
    let unit = Unit::parse(&read(UNIT)).environment();
    let known = node_env_names();
    for (name, _) in env_file.iter().chain(&unit) {
        assert!(
            known.contains(name) || SDK_VARIABLES.contains(&name.as_str()),
            "{name} is not a variable the node reads (its --help lists {known:?})"
        );
    }
    // What a fleet node must be told, and from where: its id is the instance id (the scaler
    // terminates instances by node id), its region the instance's region.
    for line in [
        "PEERSHARE_MEDIA_NODE_ID=$instance_id",
        "PEERSHARE_MEDIA_REGION=$region",
        "PEERSHARE_MEDIA_PUBLIC_IP=$public_ip",
        "PEERSHARE_MEDIA_PUBLIC_KEY=$media_public_key",
        "PEERSHARE_FLEET_SECRET=$fleet_secret",
        &format!("PEERSHARE_REGISTRY_URL={REGISTRY}"),
        "PEERSHARE_RECORDINGS_BUCKET=peershare-production-recordings-0123456789ab",
        "AWS_REGION=eu-west-1",
    ] {
        assert!(template.iter().any(|l| l == line), "the env file lacks {line:?}: {template:#?}");
    }
}

#[test]
fn the_unit_and_the_user_data_agree_on_paths() {
    let values = placeholder_values(REGISTRY, &Ports::recommended());
    let user_data = infra::user_data(&values);
    let unit = Unit::parse(&read(UNIT));
    let script = infra::setup_script(&user_data);
    let lines: Vec<&str> = script.lines().map(str::trim).collect();
    let has = |line: &str| assert!(lines.contains(&line), "the setup script lacks {line:?}");

    // The unit is written where systemd loads it, from the repository's file.
    let unit_file = written_file(&user_data, "/etc/systemd/system/peershare-media-node.service");
    assert_eq!(field(unit_file, "encoding"), Some("b64"));
    assert_eq!(field(unit_file, "content"), Some(values["NodeUnitBase64"].as_str()));
    // coturn's policy likewise, and the script builds coturn's configuration on it.
    let policy = written_file(&user_data, "/etc/peershare/coturn-policy.conf");
    assert_eq!(field(policy, "content"), Some(values["CoturnPolicyBase64"].as_str()));
    has("cat /etc/peershare/coturn-policy.conf");
    has("mv /etc/turnserver.conf.new /etc/turnserver.conf");
    // The env file and the binary where the unit looks for them.
    let env_file = unit.value("Service", "EnvironmentFile");
    has(&format!("mv {env_file}.new {env_file}"));
    let binary = unit.value("Service", "ExecStart");
    has(&format!("mv {binary}.new {binary}"));
    has("systemctl enable coturn.service peershare-media-node.service");
    has("systemctl restart coturn.service peershare-media-node.service");
    // The composer likewise: its unit, env file and binary where it looks for them, started
    // after the node (ffmpeg is installed first).
    let composer = Unit::parse(&read(infra::COMPOSER_UNIT));
    let composer_unit = written_file(&user_data, "/etc/systemd/system/peershare-composer.service");
    assert_eq!(field(composer_unit, "content"), Some(values["ComposerUnitBase64"].as_str()));
    let env_file = composer.value("Service", "EnvironmentFile");
    has(&format!("mv {env_file}.new {env_file}"));
    let binary = composer.value("Service", "ExecStart");
    has(&format!("mv {binary}.new {binary}"));
    has("apt-get install -y -q --no-install-recommends ffmpeg && break");
    has("systemctl enable --now peershare-composer.service");
    let position = |line: &str| lines.iter().position(|l| *l == line).unwrap_or_else(|| panic!("{line}"));
    assert!(
        position("systemctl restart coturn.service peershare-media-node.service")
            < position("apt-get install -y -q --no-install-recommends ffmpeg && break"),
        "the node takes calls before ffmpeg is installed"
    );
    // cloud-init runs the script once, on the first boot.
    let runcmd = user_data["runcmd"].as_vec().expect("runcmd is a list");
    let run: Vec<Vec<&str>> = runcmd
        .iter()
        .map(|c| c.as_vec().expect("a command").iter().filter_map(|a| a.as_str()).collect())
        .collect();
    assert_eq!(run, vec![vec![SETUP_SCRIPT_PATH]]);
    assert_eq!(field(written_file(&user_data, SETUP_SCRIPT_PATH), "permissions"), Some("0700"));
}

#[test]
fn the_user_data_fits_in_ec2s_16_kib_with_long_names() {
    let mut values = placeholder_values(REGISTRY, &Ports::recommended());
    for (name, long) in [
        (
            "NodeArtifactUrl",
            format!("s3://cdk-hnb659fds-assets-123456789012-ap-southeast-2/{}.bin", "0a".repeat(32)),
        ),
        (
            "ComposerArtifactUrl",
            format!("s3://cdk-hnb659fds-assets-123456789012-ap-southeast-2/{}.bin", "0b".repeat(32)),
        ),
        ("TableName", "PeerShare-staging-europe-1-DataTable1A2B3C4D-1A2B3C4D5E6F7".to_owned()),
        ("RegistryUrl", "https://abcdef1234.execute-api.ap-southeast-2.amazonaws.com".to_owned()),
        ("RecordingsBucket", "peershare-staging-eu-recordingsbucketb0c8199f-1a2b3c4d5e6f".to_owned()),
        ("FleetGroupName", "peershare-staging-europe-1-media-nodes".to_owned()),
        ("HomeRegion", "ap-southeast-2".to_owned()),
        ("FleetSecretParameter", "/peershare/staging-europe-1/api/fleet-secret".to_owned()),
        ("MediaPublicKeyParameter", "/peershare/staging-europe-1/media/media-public-key".to_owned()),
        ("TurnSecretParameter", "/peershare/staging-europe-1/media/turn-secret".to_owned()),
    ] {
        values.insert(name.to_owned(), long);
    }
    let size = fill(&read(infra::CLOUD_INIT), &values).len();
    eprintln!("user data with long names: {size} bytes");
    assert!(
        size < 15 * 1024,
        "EC2 takes at most 16 KiB of user data; this is {size} bytes, leaving less than 1 KiB to grow"
    );
}

#[test]
fn the_unit_and_coturns_policy_lose_nothing_but_comments_in_the_user_data() {
    let full = Unit::parse(&read(UNIT));
    let carried = Unit::parse(&without_comments(&read(UNIT)));
    assert_eq!(full.entries, carried.entries, "the unit's settings");
    let settings = |text: &str| -> Vec<String> {
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(settings(&without_comments(&read(COTURN_POLICY))), settings(&read(COTURN_POLICY)));
    assert!(without_comments(&read(UNIT)).len() < read(UNIT).len());
}

/// A STUN Binding request (RFC 5389) with `id` as its transaction id.
fn stun_binding_request(id: [u8; 12]) -> Vec<u8> {
    let mut request = vec![0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42];
    request.extend_from_slice(&id);
    request
}

fn free_udp_port() -> u16 {
    std::net::UdpSocket::bind("127.0.0.1:0").and_then(|s| s.local_addr()).expect("a port").port()
}

#[test]
fn coturn_starts_on_the_configuration_the_setup_script_writes_and_answers_stun() {
    // The script's configuration for an instance whose addresses are loopback, with a free
    // port; then coturn run as Debian's coturn.service runs it (`-c FILE --pidfile=`), its user
    // database in a folder of the test's instead of /var/lib/turn.
    let turn = free_udp_port();
    let ports = Ports { turn, relay_min: 41000, relay_max: 41099, ..Ports::recommended() };
    let shell = instance_values("unused");
    let ours: String =
        heredoc(&script(&ports), "cat <<EOF").iter().map(|l| infra::expand(l, &shell) + "\n").collect();
    let config = format!("{}\n{ours}", read(COTURN_POLICY));
    for line in ["static-auth-secret=turn-secret-0123456789abcdef", "denied-peer-ip=10.0.0.0-10.255.255.255"]
    {
        assert!(config.lines().any(|l| l == line), "coturn's configuration lacks {line}");
    }
    let dir = TempDir::new("peershare-coturn");
    let file = dir.path().join("turnserver.conf");
    std::fs::write(&file, &config).expect("write coturn's configuration");
    let log = std::fs::File::create(dir.path().join("coturn.log")).expect("a log file");
    let mut coturn = Command::new("turnserver")
        .arg("-c")
        .arg(&file)
        .arg("--pidfile=")
        .arg(format!("--userdb={}", dir.path().join("turndb").display()))
        .stdout(log.try_clone().expect("log"))
        .stderr(log)
        .spawn()
        .expect("turnserver runs (Debian's coturn; `cargo xtask deps` installs it)");

    let socket = std::net::UdpSocket::bind("127.0.0.1:0").expect("a socket");
    socket.set_read_timeout(Some(Duration::from_millis(250))).expect("timeout");
    let id = *b"peershare-12";
    let mut answered = false;
    for _ in 0..80 {
        socket.send_to(&stun_binding_request(id), ("127.0.0.1", turn)).expect("send");
        let mut buf = [0u8; 1500];
        if let Ok((n, _)) = socket.recv_from(&mut buf) {
            assert!(n >= 20, "a STUN message");
            assert_eq!(&buf[..2], &[0x01, 0x01], "a Binding success response");
            assert_eq!(&buf[8..20], &id, "to our request");
            answered = true;
            break;
        }
        if coturn.try_wait().expect("wait").is_some() {
            break;
        }
    }
    let tcp = std::net::TcpStream::connect(("127.0.0.1", turn));
    let _ = coturn.kill();
    let _ = coturn.wait();
    let output = std::fs::read_to_string(dir.path().join("coturn.log")).unwrap_or_default();
    assert!(answered, "coturn did not answer STUN on UDP {turn} within 20 s:\n{output}");
    assert!(tcp.is_ok(), "coturn listens on TCP {turn} too: {tcp:?}");
    assert!(!output.contains("Bad configuration format"), "coturn did not understand a line:\n{output}");
}
