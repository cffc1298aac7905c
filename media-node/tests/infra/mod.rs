//! Reading `infra/` the way the cloud does, for the tests of the media node's deployment: the
//! systemd unit (INI lines, `Environment=` assignments), the cloud-init user data (its
//! `${Placeholder}`s filled the way CloudFormation's Fn::Sub fills them, its YAML, the setup
//! script in it) and the env file that script writes (rendered from its heredoc with the
//! instance's values). Every parser here is strict: a line it does not understand fails the
//! test, so a file cannot drift into syntax the tests silently skip.

#![allow(dead_code)]

use base64::Engine;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// The repository's root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("media-node/ has a parent").to_path_buf()
}

/// A file of the repository, as text.
pub fn read(path: &str) -> String {
    let full = repo_root().join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("cannot read {}: {e}", full.display()))
}

/// Where the unit, the user data and coturn's policy live.
pub const UNIT: &str = "infra/media-node/peershare-media-node.service";
pub const COMPOSER_UNIT: &str = "infra/media-node/peershare-composer.service";
pub const CLOUD_INIT: &str = "infra/media-node/cloud-init.yaml";
pub const COTURN_POLICY: &str = "infra/coturn/turnserver.conf";
pub const INFRA_README: &str = "infra/README.md";

/// Where the setup script lives on the instance (a `write_files` entry of the user data).
pub const SETUP_SCRIPT_PATH: &str = "/usr/local/sbin/peershare-media-node-setup";

/// Where the user data puts the drain watcher (stops the node when the group terminates the
/// instance, then completes the group's lifecycle hook), and its unit.
pub const DRAIN_WATCH_PATH: &str = "/usr/local/sbin/peershare-drain-watch";
pub const DRAIN_WATCH_UNIT_PATH: &str = "/etc/systemd/system/peershare-drain-watch.service";

/// A systemd unit file: its sections' `Key=Value` lines, in order.
#[derive(Debug)]
pub struct Unit {
    pub entries: Vec<(String, String, String)>,
}

impl Unit {
    /// Parses `text`: comments (`#`, `;`), blank lines, `[Unit]`, `[Service]`, `[Install]` and
    /// `Key=Value`; anything else (a continuation line, another section, a line without `=`)
    /// fails.
    pub fn parse(text: &str) -> Self {
        let mut section: Option<String> = None;
        let mut entries = Vec::new();
        for (n, raw) in text.lines().enumerate() {
            let line = raw.trim();
            let at = || format!("unit line {}: {raw:?}", n + 1);
            if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
                continue;
            }
            assert!(!line.ends_with('\\'), "{}: continuation lines are not understood here", at());
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                assert!(matches!(name, "Unit" | "Service" | "Install"), "{}: unexpected section", at());
                section = Some(name.to_owned());
                continue;
            }
            let section = section.clone().unwrap_or_else(|| panic!("{}: a key before any section", at()));
            let (key, value) = line.split_once('=').unwrap_or_else(|| panic!("{}: not Key=Value", at()));
            assert!(
                !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric()),
                "{}: not a key systemd has",
                at()
            );
            entries.push((section, key.to_owned(), value.trim().to_owned()));
        }
        Self { entries }
    }

    /// Every value of `key` in `section`, in order.
    pub fn values(&self, section: &str, key: &str) -> Vec<&str> {
        self.entries.iter().filter(|(s, k, _)| s == section && k == key).map(|(_, _, v)| v.as_str()).collect()
    }

    /// The one value of `key` in `section`; fails when it is missing or given twice.
    pub fn value(&self, section: &str, key: &str) -> &str {
        match self.values(section, key).as_slice() {
            [one] => one,
            other => panic!("[{section}] {key} should be set once, found {other:?}"),
        }
    }

    /// The variables the `Environment=` lines set, in order. Only plain `NAME=value` words are
    /// understood: quotes, escapes, specifiers (`%`) and `$` fail.
    pub fn environment(&self) -> Vec<(String, String)> {
        let mut vars = Vec::new();
        for line in self.values("Service", "Environment") {
            for word in line.split_whitespace() {
                vars.push(assignment(word, &format!("Environment={line}")));
            }
        }
        vars
    }
}

/// `NAME=value` with a plain name and a value without quotes, escapes, specifiers or `$`.
fn assignment(text: &str, context: &str) -> (String, String) {
    let (name, value) =
        text.split_once('=').unwrap_or_else(|| panic!("{context}: {text:?} is not NAME=value"));
    assert!(
        !name.is_empty()
            && name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            && !name.starts_with(|c: char| c.is_ascii_digit()),
        "{context}: {name:?} is not a plain variable name"
    );
    assert!(
        !value.is_empty() && !value.contains(['"', '\'', '\\', '%', '$', '#', ' ', '\t']),
        "{context}: the value of {name} is empty or needs quoting or expansion, which is not understood here"
    );
    (name.to_owned(), value.to_owned())
}

/// An env file as systemd's `EnvironmentFile=` reads it, limited to what the user data writes:
/// blank lines, `#` comments and plain `NAME=value` lines; anything else fails.
pub fn parse_env_file(text: &str) -> Vec<(String, String)> {
    let mut vars = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        vars.push(assignment(line, &format!("env file line {}", n + 1)));
    }
    let names: BTreeSet<&str> = vars.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names.len(), vars.len(), "a variable is set twice in the env file: {vars:?}");
    vars
}

/// The `${Name}`s used anywhere in `text`; a `$` that is not followed by `{Name}` (a shell
/// variable) is not one. Fails on `${` that does not close on a plain name (`${!Literal}`, a
/// shell `${var:-default}`): Fn::Sub would read it as a reference.
pub fn placeholders_used(text: &str) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find("${") {
        let after = &rest[at + 2..];
        let end = after.find('}').unwrap_or_else(|| panic!("`${{` without `}}` in {:?}", &rest[at..]));
        let name = &after[..end];
        assert!(
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()),
            "`${{{name}}}` is not a placeholder name: Fn::Sub would take it for a reference"
        );
        used.insert(name.to_owned());
        rest = &after[end + 1..];
    }
    used
}

/// The placeholders infra/README.md's table lists: rows starting with `` | `${Name}` ``.
pub fn placeholders_in_readme(readme: &str) -> BTreeSet<String> {
    readme
        .lines()
        .filter_map(|l| l.strip_prefix("| `${"))
        .map(|l| {
            l.split_once("}`").unwrap_or_else(|| panic!("a malformed placeholder row: {l:?}")).0.to_owned()
        })
        .collect()
}

/// `text` with every `${Name}` replaced by `values[Name]`, as Fn::Sub does; fails on a name
/// without a value.
pub fn fill(text: &str, values: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("${") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let end = after.find('}').unwrap_or_else(|| panic!("`${{` without `}}`"));
        let name = &after[..end];
        out.push_str(values.get(name).unwrap_or_else(|| panic!("no value for ${{{name}}}")));
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The placeholders' values the tests deploy with: what a stack would give, with the node's
/// ports and registry as the test says.
pub fn placeholder_values(registry_url: &str, ports: &Ports) -> BTreeMap<String, String> {
    let b64 = |path: &str| base64::engine::general_purpose::STANDARD.encode(without_comments(&read(path)));
    [
        (
            "NodeArtifactUrl",
            "s3://peershare-artifacts-0123456789ab/media-node/a1b2c3d4e5f6/peershare-media-node".into(),
        ),
        ("NodeUnitBase64", b64(UNIT)),
        (
            "ComposerArtifactUrl",
            "s3://peershare-artifacts-0123456789ab/composer/f6e5d4c3b2a1/peershare-composer".into(),
        ),
        ("ComposerUnitBase64", b64(COMPOSER_UNIT)),
        ("TableName", "peershare-prod-table".into()),
        ("CoturnPolicyBase64", b64(COTURN_POLICY)),
        ("HomeRegion", "eu-west-1".into()),
        ("FleetSecretParameter", "/peershare/prod/api/fleet-secret".into()),
        ("MediaPublicKeyParameter", "/peershare/prod/media/media-public-key".into()),
        ("TurnSecretParameter", "/aws/reference/secretsmanager/peershare/prod/turn-secret".into()),
        ("RegistryUrl", registry_url.into()),
        ("RecordingsBucket", "peershare-production-recordings-0123456789ab".into()),
        ("NodeCapacity", "500".into()),
        ("MediaUdpPort", ports.media_udp.to_string()),
        ("ControlPort", ports.control.to_string()),
        ("TurnPort", ports.turn.to_string()),
        ("TurnRelayPortMin", ports.relay_min.to_string()),
        ("TurnRelayPortMax", ports.relay_max.to_string()),
        ("FleetGroupName", "peershare-prod-media-nodes".into()),
        ("DrainHookName", "drain".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// The ports the user data is filled with.
#[derive(Debug, Clone)]
pub struct Ports {
    pub media_udp: u16,
    pub control: u16,
    pub turn: u16,
    pub relay_min: u16,
    pub relay_max: u16,
}

impl Ports {
    /// The ports infra/README.md recommends (what a stack would open).
    pub fn recommended() -> Self {
        Self { media_udp: 50000, control: 8090, turn: 3478, relay_min: 40000, relay_max: 49999 }
    }
}

/// The shell variables the setup script sets from IMDS and SSM, as one instance would have
/// them: loopback addresses for a test, the given media public key.
pub fn instance_values(media_public_key: &str) -> BTreeMap<String, String> {
    [
        ("token", "AQAEAExampleImdsToken=="),
        ("instance_id", "i-0123456789abcdef0"),
        ("region", "eu-west-1"),
        ("private_ip", "127.0.0.1"),
        ("public_ip", "127.0.0.1"),
        ("fleet_secret", "fleet-secret-0123456789abcdef"),
        ("media_public_key", media_public_key),
        ("turn_secret", "turn-secret-0123456789abcdef"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

/// The user data, filled with `values`, parsed as YAML.
pub fn user_data(values: &BTreeMap<String, String>) -> yaml_rust2::Yaml {
    let filled = fill(&read(CLOUD_INIT), values);
    assert!(
        filled.starts_with("#cloud-config\n"),
        "cloud-init reads user data as cloud-config only after #cloud-config"
    );
    let mut docs = yaml_rust2::YamlLoader::load_from_str(&filled).expect("the filled user data is YAML");
    assert_eq!(docs.len(), 1, "one YAML document");
    docs.remove(0)
}

/// The `content` of the `write_files` entry for `path`.
pub fn written_file<'a>(user_data: &'a yaml_rust2::Yaml, path: &str) -> &'a yaml_rust2::yaml::Hash {
    let files = user_data["write_files"].as_vec().expect("write_files is a list");
    let mut matching = files.iter().filter(|f| f["path"].as_str() == Some(path));
    let file = matching.next().unwrap_or_else(|| panic!("the user data writes no {path}"));
    assert!(matching.next().is_none(), "the user data writes {path} twice");
    file.as_hash().expect("a write_files entry is a mapping")
}

/// A `write_files` entry's field as text.
pub fn field<'a>(entry: &'a yaml_rust2::yaml::Hash, name: &str) -> Option<&'a str> {
    entry.get(&yaml_rust2::Yaml::String(name.to_owned())).and_then(|v| v.as_str())
}

/// The setup script the user data writes.
pub fn setup_script(user_data: &yaml_rust2::Yaml) -> String {
    written_text(user_data, SETUP_SCRIPT_PATH)
}

/// The text of a file the user data writes inline.
pub fn written_text(user_data: &yaml_rust2::Yaml, path: &str) -> String {
    let entry = written_file(user_data, path);
    field(entry, "content").unwrap_or_else(|| panic!("{path} has content")).to_owned()
}

/// The body of the heredoc `<<EOF` on the line `opening` of `script`, up to its `EOF`.
pub fn heredoc(script: &str, opening: &str) -> Vec<String> {
    let mut lines = script.lines().skip_while(|l| l.trim() != opening);
    assert!(lines.next().is_some(), "the setup script has no line {opening:?}");
    let body: Vec<String> = lines.by_ref().take_while(|l| *l != "EOF").map(str::to_owned).collect();
    body
}

/// `line` with the shell's `$name` expansions made from `shell`; fails on any other use of
/// `$` (braces, commands, a name without a value).
pub fn expand(line: &str, shell: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        let rest = &line[i + 1..];
        let len = rest
            .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
            .unwrap_or(rest.len());
        let name = &rest[..len];
        let value =
            shell.get(name).unwrap_or_else(|| panic!("{line:?}: `${name}` is not a value the script has"));
        out.push_str(value);
        for _ in 0..len {
            chars.next();
        }
    }
    out
}

/// The line of the setup script that writes the node's env file (a heredoc into a new file
/// moved into place after).
pub const ENV_FILE_WRITE: &str = "cat > /etc/peershare/media-node.env.new <<EOF";

/// The env file as the setup script writes it for the instance `shell`.
pub fn rendered_env_file(script: &str, shell: &BTreeMap<String, String>) -> String {
    let body = heredoc(script, ENV_FILE_WRITE);
    assert!(!body.is_empty(), "the env file's heredoc is empty");
    body.iter().map(|l| expand(l, shell) + "\n").collect()
}

/// Variables the node reads that are not its own flags' (`--help` lists those): the AWS SDK's
/// region, for the recordings bucket's S3 client.
pub const SDK_VARIABLES: &[&str] = &["AWS_REGION"];

/// The environment variables the node's flags read, from its `--help` (`[env: NAME=…]`).
pub fn node_env_names() -> BTreeSet<String> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_peershare-media-node"))
        .arg("--help")
        .env_clear()
        .output()
        .expect("the node runs");
    assert!(out.status.success(), "--help succeeds");
    let help = String::from_utf8(out.stdout).expect("UTF-8 help");
    let names: BTreeSet<String> = help
        .split("[env: ")
        .skip(1)
        .map(|tail| tail.split(['=', ']']).next().unwrap_or_default().to_owned())
        .collect();
    assert!(names.contains("PEERSHARE_MEDIA_NODE_ID"), "--help lists the node's variables: {names:?}");
    names
}

/// A temporary folder, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    /// A new, empty folder under the system's temporary folder.
    pub fn new(prefix: &str) -> Self {
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let path = std::env::temp_dir().join(format!("{prefix}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path).expect("create a temporary folder");
        Self(path)
    }

    /// Its path.
    pub fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A configuration file as the user data carries it (the CDK stack does the same): without its
/// comment lines (`#` first) and blank lines, which only cost room in EC2's 16 KiB.
pub fn without_comments(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect()
}
