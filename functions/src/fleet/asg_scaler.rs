//! [`AsgScaler`]: the cloud's [`Scaler`], one EC2 Auto Scaling group of media nodes per region.
//!
//! Growing raises a group's desired capacity (up to its `MaxSize`, ignoring cooldowns) and never
//! lowers it: the fleet, not the group's own policies, decides which node leaves. Nodes launch
//! protected from scale-in (the group's `NewInstancesProtectedFromScaleIn`, set by the CDK
//! stack), so the group never picks a node with calls on it when its capacity drops; when a
//! node that drained leaves, or one dies, retiring it lifts its protection and terminates that
//! very instance, decrementing the desired capacity with it.
//!
//! In the cloud a node's id is its EC2 instance id (`i-…`), which is how a node that left is
//! found in its group. An id that is not an instance id, or an instance no longer in the
//! region's group, is nothing to retire (logged).

use super::{Scaler, ScalerError};
use async_trait::async_trait;
use aws_sdk_autoscaling::Client;
use aws_sdk_autoscaling::config::Region;
use aws_sdk_autoscaling::error::DisplayErrorContext;
use peershare_core::fleet::valid_region;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// Longest Auto Scaling group name AWS allows.
const MAX_GROUP_CHARS: usize = 255;

/// The Auto Scaling group of each region, as `REGION=GROUP,…`
/// (`eu-west-1=peershare-nodes-eu,us-east-1=peershare-nodes-us`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AsgGroups(BTreeMap<String, String>);

/// Why a list of groups was refused; each names the part at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AsgGroupsError {
    /// An entry is not `REGION=GROUP`.
    #[error("`{0}` is not REGION=AUTO_SCALING_GROUP")]
    Entry(String),
    /// The region is not a region name.
    #[error("`{region}` in `{entry}` is not a region (1 to 32 letters, digits or '-')")]
    Region {
        /// The entry.
        entry: String,
        /// Its region.
        region: String,
    },
    /// The group is not an Auto Scaling group name.
    #[error(
        "`{group}` in `{entry}` is not an Auto Scaling group name (1 to 255 characters, no control characters)"
    )]
    Group {
        /// The entry.
        entry: String,
        /// Its group.
        group: String,
    },
    /// A region is given two groups.
    #[error("region `{0}` is given more than one group")]
    Duplicate(String),
}

impl AsgGroups {
    /// The group of `region`.
    pub fn group(&self, region: &str) -> Option<&str> {
        self.0.get(region).map(String::as_str)
    }

    /// Regions and their groups.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(r, g)| (r.as_str(), g.as_str()))
    }

    /// Whether no region has a group.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromStr for AsgGroups {
    type Err = AsgGroupsError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut groups = BTreeMap::new();
        if text.trim().is_empty() {
            return Ok(Self(groups));
        }
        for entry in text.split(',').map(str::trim) {
            let Some((region, group)) = entry.split_once('=') else {
                return Err(AsgGroupsError::Entry(entry.to_owned()));
            };
            let (region, group) = (region.trim(), group.trim());
            if !valid_region(region) {
                return Err(AsgGroupsError::Region { entry: entry.into(), region: region.into() });
            }
            let group_ok = !group.is_empty()
                && group.chars().count() <= MAX_GROUP_CHARS
                && !group.chars().any(char::is_control);
            if !group_ok {
                return Err(AsgGroupsError::Group { entry: entry.into(), group: group.into() });
            }
            if groups.insert(region.to_owned(), group.to_owned()).is_some() {
                return Err(AsgGroupsError::Duplicate(region.to_owned()));
            }
        }
        Ok(Self(groups))
    }
}

impl fmt::Display for AsgGroups {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let entries: Vec<String> = self.iter().map(|(r, g)| format!("{r}={g}")).collect();
        f.write_str(&entries.join(","))
    }
}

/// Whether `id` is an EC2 instance id: `i-` and 8 or 17 lowercase hex digits.
pub fn is_instance_id(id: &str) -> bool {
    id.strip_prefix("i-").is_some_and(|hex| {
        matches!(hex.len(), 8 | 17) && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// A region's group and the client that reaches it.
#[derive(Debug)]
struct RegionGroup {
    name: String,
    client: Client,
}

/// Media nodes as EC2 Auto Scaling groups, one per region.
#[derive(Debug)]
pub struct AsgScaler {
    regions: BTreeMap<String, RegionGroup>,
}

fn failed(what: &str, group: &str, error: impl std::error::Error) -> ScalerError {
    ScalerError(format!("{what} of Auto Scaling group {group} failed: {}", DisplayErrorContext(error)))
}

impl AsgScaler {
    /// A scaler of `groups`, each reached in its own region with `aws`'s credentials and
    /// endpoint (`AWS_ENDPOINT_URL` or `AWS_ENDPOINT_URL_AUTO_SCALING` point it elsewhere, as
    /// tests do).
    pub fn new(aws: &aws_config::SdkConfig, groups: &AsgGroups) -> Self {
        let regions = groups
            .iter()
            .map(|(region, name)| {
                let config = aws_sdk_autoscaling::config::Builder::from(aws)
                    .region(Region::new(region.to_owned()))
                    .build();
                (region.to_owned(), RegionGroup { name: name.to_owned(), client: Client::from_conf(config) })
            })
            .collect();
        Self { regions }
    }

    fn group(&self, region: &str) -> Result<&RegionGroup, ScalerError> {
        self.regions
            .get(region)
            .ok_or_else(|| ScalerError(format!("no Auto Scaling group is configured for region {region}")))
    }
}

#[async_trait]
impl Scaler for AsgScaler {
    fn can_grow(&self) -> bool {
        true
    }

    /// Raises the region's desired capacity to `nodes` (at most the group's `MaxSize`); a group
    /// that already wants as many, or more, is left alone.
    async fn grow_to(&self, region: &str, nodes: u32) -> Result<(), ScalerError> {
        let group = self.group(region)?;
        if nodes == 0 {
            return Ok(());
        }
        let described = group
            .client
            .describe_auto_scaling_groups()
            .auto_scaling_group_names(&group.name)
            .send()
            .await
            .map_err(|e| failed("DescribeAutoScalingGroups", &group.name, e))?;
        let Some(found) =
            described.auto_scaling_groups().iter().find(|g| g.auto_scaling_group_name() == Some(&group.name))
        else {
            return Err(ScalerError(format!(
                "Auto Scaling group {} of region {region} does not exist",
                group.name
            )));
        };
        let desired = found.desired_capacity().unwrap_or(0);
        let max = found.max_size().unwrap_or(0);
        let wanted = i32::try_from(nodes).unwrap_or(i32::MAX).min(max);
        if wanted < i32::try_from(nodes).unwrap_or(i32::MAX) {
            tracing::warn!(%region, group = %group.name, nodes, max, "the fleet wants more nodes than the group's MaxSize");
        }
        if wanted <= desired {
            return Ok(());
        }
        group
            .client
            .set_desired_capacity()
            .auto_scaling_group_name(&group.name)
            .desired_capacity(wanted)
            .honor_cooldown(false)
            .send()
            .await
            .map_err(|e| failed("SetDesiredCapacity", &group.name, e))?;
        tracing::info!(%region, group = %group.name, from = desired, to = wanted, "asked for more media nodes");
        Ok(())
    }

    /// Lifts the instance's scale-in protection and terminates it, decrementing the group's
    /// desired capacity, so it is not replaced.
    async fn retire(&self, id: &str, region: &str) -> Result<(), ScalerError> {
        if !is_instance_id(id) {
            tracing::info!(node = %id, "the node is not an EC2 instance: nothing to retire");
            return Ok(());
        }
        let group = self.group(region)?;
        let described = group
            .client
            .describe_auto_scaling_instances()
            .instance_ids(id)
            .send()
            .await
            .map_err(|e| failed("DescribeAutoScalingInstances", &group.name, e))?;
        let Some(instance) = described.auto_scaling_instances().iter().find(|i| i.instance_id() == Some(id))
        else {
            tracing::info!(node = %id, %region, "the instance is in no Auto Scaling group: nothing to retire");
            return Ok(());
        };
        if instance.auto_scaling_group_name() != Some(&group.name) {
            tracing::warn!(node = %id, %region, group = ?instance.auto_scaling_group_name(), "the instance is not in the region's group: left alone");
            return Ok(());
        }
        if instance.lifecycle_state().is_some_and(|s| s.starts_with("Terminat")) {
            tracing::info!(node = %id, state = ?instance.lifecycle_state(), "the instance is already terminating");
            return Ok(());
        }
        // Termination does not need it lifted, but an instance whose termination fails after
        // this is one the group may pick when it scales in, rather than one with calls.
        if let Err(e) = group
            .client
            .set_instance_protection()
            .auto_scaling_group_name(&group.name)
            .instance_ids(id)
            .protected_from_scale_in(false)
            .send()
            .await
        {
            tracing::warn!(node = %id, error = %DisplayErrorContext(e), "could not lift the instance's scale-in protection");
        }
        group
            .client
            .terminate_instance_in_auto_scaling_group()
            .instance_id(id)
            .should_decrement_desired_capacity(true)
            .send()
            .await
            .map_err(|e| failed("TerminateInstanceInAutoScalingGroup", &group.name, e))?;
        tracing::info!(node = %id, %region, group = %group.name, "retired: the instance terminates and is not replaced");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_read_by_region_and_junk_is_refused_naming_the_part() {
        let groups: AsgGroups =
            " eu-west-1=peershare-nodes-eu , us-east-1 = peershare-nodes-us ".parse().expect("valid");
        assert_eq!(groups.group("eu-west-1"), Some("peershare-nodes-eu"));
        assert_eq!(groups.group("us-east-1"), Some("peershare-nodes-us"));
        assert_eq!(groups.group("ap-south-1"), None);
        assert_eq!(groups.to_string(), "eu-west-1=peershare-nodes-eu,us-east-1=peershare-nodes-us");
        assert!("".parse::<AsgGroups>().expect("empty").is_empty());
        let refused = |text: &str| text.parse::<AsgGroups>().expect_err(text);
        assert_eq!(refused("eu-west-1"), AsgGroupsError::Entry("eu-west-1".into()));
        assert_eq!(refused("eu-west-1=a,"), AsgGroupsError::Entry("".into()));
        assert_eq!(
            refused("eu west=a"),
            AsgGroupsError::Region { entry: "eu west=a".into(), region: "eu west".into() }
        );
        let message = refused("eu=").to_string();
        assert!(message.starts_with("`` in `eu=` is not an Auto Scaling group name"), "{message}");
        assert!(matches!(refused(&format!("eu={}", "g".repeat(256))), AsgGroupsError::Group { .. }));
        assert!(matches!(refused("eu=a\u{7}b"), AsgGroupsError::Group { .. }));
        assert_eq!(refused("eu=a,eu=b"), AsgGroupsError::Duplicate("eu".into()));
    }

    #[test]
    fn only_ec2_instance_ids_are_instances() {
        for id in ["i-0123abcd", "i-0123456789abcdef0"] {
            assert!(is_instance_id(id), "{id}");
        }
        for id in [
            "local-1",
            "node-1",
            "i-",
            "i-0123abc",
            "i-0123456789ABCDEF0",
            "i-0123456789abcdef",
            "x-0123abcd",
        ] {
            assert!(!is_instance_id(id), "{id}");
        }
    }
}
