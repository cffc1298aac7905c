//! The table's definition, kept as data so that `peershare migrate` and the CDK stack read the
//! same files: `migrations/dynamodb/table.json` (the CreateTable request, with `${TABLE_NAME}`
//! for the name) and `migrations/dynamodb/time_to_live.json` (the UpdateTimeToLive request's
//! TimeToLiveSpecification); and [`ensure_table`], which creates the table when missing and
//! applies its TTL when not applied.

use crate::store::StoreError;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::client::Waiters;
use aws_sdk_dynamodb::error::{DisplayErrorContext, SdkError};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, TimeToLiveSpecification, TimeToLiveStatus,
};
use serde::Deserialize;
use std::time::Duration;

/// The table's CreateTable request, as JSON.
pub const TABLE_JSON: &str = include_str!("../../../../migrations/dynamodb/table.json");

/// The table's TTL: the TimeToLiveSpecification of an UpdateTimeToLive request, as JSON.
pub const TIME_TO_LIVE_JSON: &str = include_str!("../../../../migrations/dynamodb/time_to_live.json");

/// What `TableName` says in [`TABLE_JSON`], to be replaced by the real name.
pub const TABLE_NAME_PLACEHOLDER: &str = "${TABLE_NAME}";

/// Longest wait for a new table to become active.
const ACTIVE_WITHIN: Duration = Duration::from_secs(300);

/// The parts of a CreateTable request the table uses.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct TableSpec {
    table_name: String,
    billing_mode: String,
    attribute_definitions: Vec<AttributeSpec>,
    key_schema: Vec<KeySpec>,
    #[serde(default)]
    global_secondary_indexes: Vec<IndexSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct AttributeSpec {
    attribute_name: String,
    attribute_type: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct KeySpec {
    attribute_name: String,
    key_type: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct IndexSpec {
    index_name: String,
    key_schema: Vec<KeySpec>,
    projection: ProjectionSpec,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct ProjectionSpec {
    projection_type: String,
    #[serde(default)]
    non_key_attributes: Vec<String>,
}

/// A TimeToLiveSpecification.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct TimeToLiveSpec {
    attribute_name: String,
    enabled: bool,
}

/// Creates the table `table_name` from [`TABLE_JSON`] unless it exists, waits until it is
/// active, then applies [`TIME_TO_LIVE_JSON`] unless the table has it already. Running it
/// again, or while another process creates the table, changes nothing.
pub async fn ensure_table(client: &Client, table_name: &str) -> Result<(), StoreError> {
    match client.describe_table().table_name(table_name).send().await {
        Ok(_) => {}
        Err(e) if e.as_service_error().is_some_and(|e| e.is_resource_not_found_exception()) => {
            create(client, table_name).await?;
        }
        Err(e) => return Err(e.into()),
    }
    client.wait_until_table_exists().table_name(table_name).wait(ACTIVE_WITHIN).await.map_err(|e| {
        StoreError(format!("table {table_name} did not become active: {}", DisplayErrorContext(e)))
    })?;
    ensure_time_to_live(client, table_name).await
}

/// Applies [`TIME_TO_LIVE_JSON`] to the table unless it has it already.
async fn ensure_time_to_live(client: &Client, table_name: &str) -> Result<(), StoreError> {
    let spec = time_to_live_spec()?;
    if time_to_live_is(client, table_name, &spec).await? {
        return Ok(());
    }
    let specification = TimeToLiveSpecification::builder()
        .attribute_name(&spec.attribute_name)
        .enabled(spec.enabled)
        .build()?;
    let updated = client
        .update_time_to_live()
        .table_name(table_name)
        .time_to_live_specification(specification)
        .send()
        .await;
    match updated {
        Ok(_) => Ok(()),
        Err(e) => {
            // DynamoDB refuses to enable it twice: someone else applied it meanwhile.
            if time_to_live_is(client, table_name, &spec).await? { Ok(()) } else { Err(e.into()) }
        }
    }
}

/// Whether the table's TTL is as `spec` says (or on its way there).
async fn time_to_live_is(
    client: &Client,
    table_name: &str,
    spec: &TimeToLiveSpec,
) -> Result<bool, StoreError> {
    let described = client.describe_time_to_live().table_name(table_name).send().await?;
    let described = described.time_to_live_description();
    let status = described.and_then(|d| d.time_to_live_status());
    Ok(if spec.enabled {
        matches!(status, Some(TimeToLiveStatus::Enabled | TimeToLiveStatus::Enabling))
            && described.and_then(|d| d.attribute_name()) == Some(spec.attribute_name.as_str())
    } else {
        matches!(status, None | Some(TimeToLiveStatus::Disabled | TimeToLiveStatus::Disabling))
    })
}

/// The table's TTL specification.
fn time_to_live_spec() -> Result<TimeToLiveSpec, StoreError> {
    serde_json::from_str(TIME_TO_LIVE_JSON)
        .map_err(|e| StoreError(format!("migrations/dynamodb/time_to_live.json: {e}")))
}

async fn create(client: &Client, table_name: &str) -> Result<(), StoreError> {
    let spec = spec()?;
    let name = spec.table_name.replace(TABLE_NAME_PLACEHOLDER, table_name);
    let indexes = spec
        .global_secondary_indexes
        .iter()
        .map(|index| {
            let projection = Projection::builder()
                .projection_type(ProjectionType::from(index.projection.projection_type.as_str()))
                .set_non_key_attributes(
                    (!index.projection.non_key_attributes.is_empty())
                        .then(|| index.projection.non_key_attributes.clone()),
                )
                .build();
            GlobalSecondaryIndex::builder()
                .index_name(&index.index_name)
                .set_key_schema(Some(key_schema(&index.key_schema)?))
                .projection(projection)
                .build()
                .map_err(StoreError::from)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let attributes = spec
        .attribute_definitions
        .iter()
        .map(|a| {
            AttributeDefinition::builder()
                .attribute_name(&a.attribute_name)
                .attribute_type(ScalarAttributeType::from(a.attribute_type.as_str()))
                .build()
                .map_err(StoreError::from)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let created = client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::from(spec.billing_mode.as_str()))
        .set_attribute_definitions(Some(attributes))
        .set_key_schema(Some(key_schema(&spec.key_schema)?))
        .set_global_secondary_indexes((!indexes.is_empty()).then_some(indexes))
        .send()
        .await;
    match created {
        Ok(_) => Ok(()),
        // Someone else created it meanwhile: the waiter takes it from here.
        Err(SdkError::ServiceError(e)) if e.err().is_resource_in_use_exception() => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// The table's definition, refused when it names a value the SDK does not know.
fn spec() -> Result<TableSpec, StoreError> {
    let invalid = |what: String| StoreError(format!("migrations/dynamodb/table.json: {what}"));
    let spec: TableSpec = serde_json::from_str(TABLE_JSON).map_err(|e| invalid(e.to_string()))?;
    let known = |value: &str, values: &[&str], what: &str| {
        if values.contains(&value) { Ok(()) } else { Err(invalid(format!("unknown {what} {value:?}"))) }
    };
    known(&spec.billing_mode, BillingMode::values(), "billing mode")?;
    for a in &spec.attribute_definitions {
        known(&a.attribute_type, ScalarAttributeType::values(), "attribute type")?;
    }
    let keys = spec.key_schema.iter().chain(spec.global_secondary_indexes.iter().flat_map(|i| &i.key_schema));
    for k in keys {
        known(&k.key_type, KeyType::values(), "key type")?;
    }
    for index in &spec.global_secondary_indexes {
        known(&index.projection.projection_type, ProjectionType::values(), "projection type")?;
    }
    Ok(spec)
}

fn key_schema(keys: &[KeySpec]) -> Result<Vec<KeySchemaElement>, StoreError> {
    keys.iter()
        .map(|k| {
            KeySchemaElement::builder()
                .attribute_name(&k.attribute_name)
                .key_type(KeyType::from(k.key_type.as_str()))
                .build()
                .map_err(StoreError::from)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_definition_reads_and_names_only_known_values() {
        let spec = spec().expect("table.json is valid");
        assert_eq!(spec.table_name, TABLE_NAME_PLACEHOLDER);
        assert_eq!(BillingMode::from(spec.billing_mode.as_str()), BillingMode::PayPerRequest);
        let keys: Vec<_> =
            spec.key_schema.iter().map(|k| (k.attribute_name.as_str(), k.key_type.as_str())).collect();
        assert_eq!(keys, vec![("pk", "HASH"), ("sk", "RANGE")]);
    }

    #[test]
    fn the_time_to_live_definition_reads() {
        let spec = time_to_live_spec().expect("time_to_live.json is valid");
        assert_eq!((spec.attribute_name.as_str(), spec.enabled), ("expires_ttl", true));
    }
}
