//! The cloud's scaler against EC2 Auto Scaling as moto speaks it (one server per test binary,
//! see `moto/`): each region's group is reached in its region, grown to what the fleet needs
//! up to its maximum and never shrunk by growing; a node that left is terminated out of its
//! group, which then wants one node fewer; what is not an instance of the region's group is
//! left alone. Each test makes groups of its own names, so none needs a reset.

use aws_sdk_autoscaling::Client;
use aws_sdk_autoscaling::config::{BehaviorVersion, Credentials, Region};
use peershare_functions::fleet::{AsgGroups, AsgScaler, Scaler};
use peershare_moto as moto;

/// A group of media nodes named `name` in `region`: none running, at most `max`, new instances
/// protected from scale-in (as the CDK stack makes it). Its region's client.
async fn group(region: &str, name: &str, max: i32) -> Client {
    let client = moto::autoscaling_client(region);
    let launch = format!("{name}-launch");
    client
        .create_launch_configuration()
        .launch_configuration_name(&launch)
        .image_id("ami-12c6146b")
        .instance_type("c7gn.large")
        .send()
        .await
        .expect("creates the launch configuration");
    client
        .create_auto_scaling_group()
        .auto_scaling_group_name(name)
        .launch_configuration_name(&launch)
        .min_size(0)
        .max_size(max)
        .desired_capacity(0)
        .availability_zones(format!("{region}a"))
        .new_instances_protected_from_scale_in(true)
        .send()
        .await
        .expect("creates the group");
    client
}

/// The group's desired capacity and its instances (id, protected from scale-in), by id.
async fn state(client: &Client, name: &str) -> (i32, Vec<(String, bool)>) {
    let described =
        client.describe_auto_scaling_groups().auto_scaling_group_names(name).send().await.expect("describes");
    let group = described.auto_scaling_groups().first().unwrap_or_else(|| panic!("no group {name}"));
    let mut instances: Vec<(String, bool)> = group
        .instances()
        .iter()
        .map(|i| {
            (i.instance_id().unwrap_or_default().to_owned(), i.protected_from_scale_in().unwrap_or(false))
        })
        .collect();
    instances.sort();
    (group.desired_capacity().unwrap_or(-1), instances)
}

/// The ids of the group's instances.
async fn instances(client: &Client, name: &str) -> Vec<String> {
    state(client, name).await.1.into_iter().map(|(id, _)| id).collect()
}

/// The scaler of `groups` (`REGION=GROUP,…`), reaching moto as the Lambda reaches AWS: from one
/// SDK configuration (here with moto's endpoint), a client per region.
async fn scaler(groups: &str) -> AsgScaler {
    let aws = aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(moto::endpoint())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "moto"))
        .load()
        .await;
    AsgScaler::new(&aws, &groups.parse::<AsgGroups>().expect("valid groups"))
}

#[tokio::test]
async fn growing_raises_the_desired_capacity_up_to_the_maximum_and_never_lowers_it() {
    let eu = group("eu-west-1", "grow-eu", 3).await;
    let scaler = scaler("eu-west-1=grow-eu").await;
    assert!(scaler.can_grow());

    scaler.grow_to("eu-west-1", 2).await.expect("grows");
    let (desired, running) = state(&eu, "grow-eu").await;
    assert_eq!(desired, 2);
    assert_eq!(running.len(), 2, "{running:?}");
    assert!(running.iter().all(|(_, protected)| *protected), "launched protected: {running:?}");

    scaler.grow_to("eu-west-1", 1).await.expect("asks for fewer");
    scaler.grow_to("eu-west-1", 0).await.expect("asks for none");
    assert_eq!(state(&eu, "grow-eu").await.0, 2, "growing never shrinks: the fleet picks who leaves");

    scaler.grow_to("eu-west-1", 7).await.expect("grows as far as it may");
    let (desired, running) = state(&eu, "grow-eu").await;
    assert_eq!((desired, running.len()), (3, 3), "capped at the group's maximum");
}

#[tokio::test]
async fn each_region_grows_its_own_group_in_its_own_region() {
    let eu = group("eu-west-1", "regional-eu", 4).await;
    let us = group("us-east-1", "regional-us", 4).await;
    let scaler = scaler("eu-west-1=regional-eu,us-east-1=regional-us").await;
    scaler.grow_to("eu-west-1", 1).await.expect("grows eu");
    scaler.grow_to("us-east-1", 3).await.expect("grows us");
    assert_eq!(state(&eu, "regional-eu").await.0, 1);
    assert_eq!(state(&us, "regional-us").await.0, 3);
}

#[tokio::test]
async fn a_retired_node_is_terminated_out_of_its_group_which_wants_one_fewer() {
    let eu = group("eu-west-1", "retire-eu", 3).await;
    let scaler = scaler("eu-west-1=retire-eu").await;
    scaler.grow_to("eu-west-1", 3).await.expect("grows");
    let before = instances(&eu, "retire-eu").await;
    assert_eq!(before.len(), 3);

    scaler.retire(&before[1], "eu-west-1").await.expect("retires");
    let (desired, running) = state(&eu, "retire-eu").await;
    assert_eq!(desired, 2, "one fewer wanted: the node is not replaced");
    let kept: Vec<(String, bool)> = [&before[0], &before[2]].iter().map(|id| ((*id).clone(), true)).collect();
    assert_eq!(running, kept, "the others run on, still protected");
    let described =
        eu.describe_auto_scaling_instances().instance_ids(&before[1]).send().await.expect("describes");
    assert!(described.auto_scaling_instances().is_empty(), "it left the group");

    scaler.retire(&before[1], "eu-west-1").await.expect("retiring twice is harmless");
    assert_eq!(state(&eu, "retire-eu").await.0, 2, "and takes no other node with it");
    scaler.grow_to("eu-west-1", 3).await.expect("grows again");
    let after = instances(&eu, "retire-eu").await;
    assert_eq!(after.len(), 3);
    assert!(!after.contains(&before[1]), "a new instance, not the retired one");
}

#[tokio::test]
async fn what_is_not_an_instance_of_the_regions_group_is_left_alone() {
    let eu = group("eu-west-1", "alone-eu", 2).await;
    let other = group("eu-west-1", "alone-other", 2).await;
    let scaler = scaler("eu-west-1=alone-eu").await;
    scaler.grow_to("eu-west-1", 1).await.expect("grows");
    other
        .set_desired_capacity()
        .auto_scaling_group_name("alone-other")
        .desired_capacity(1)
        .send()
        .await
        .expect("sets");
    let outsider = instances(&other, "alone-other").await.remove(0);

    for id in ["local-1", "node-a", "i-0123456789abcdef0", outsider.as_str()] {
        scaler.retire(id, "eu-west-1").await.unwrap_or_else(|e| panic!("{id}: {e}"));
    }
    assert_eq!(state(&eu, "alone-eu").await.0, 1, "the region's group is untouched");
    assert_eq!(
        (state(&other, "alone-other").await.0, instances(&other, "alone-other").await),
        (1, vec![outsider]),
        "another group's instance is not ours to terminate"
    );
}

#[tokio::test]
async fn a_region_without_a_group_is_an_error_naming_it() {
    let scaler = scaler("eu-west-1=missing-eu").await;
    for nodes in [0, 1] {
        let error = scaler.grow_to("ap-south-1", nodes).await.expect_err("no group").to_string();
        assert!(error.contains("ap-south-1"), "{error}");
    }
    let error = scaler.retire("i-0123456789abcdef0", "ap-south-1").await.expect_err("no group").to_string();
    assert!(error.contains("ap-south-1"), "{error}");
    let error = scaler.grow_to("eu-west-1", 1).await.expect_err("the group does not exist").to_string();
    assert!(error.contains("missing-eu") && error.contains("eu-west-1"), "{error}");
}
