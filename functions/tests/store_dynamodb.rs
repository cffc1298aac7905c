//! The store suite on the DynamoDB adapter, against moto (one server per test binary, see
//! `moto/`): each test gets a table of its own, named after it, so none needs a reset.

use peershare_moto as moto;
mod store_suite;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{BillingMode, KeyType, TimeToLiveStatus};
use peershare_functions::store::dynamodb::DynamoStore;
use std::sync::Arc;

fn client() -> Client {
    moto::dynamodb_client()
}

async fn dynamo(test: &str) -> store_suite::Shared {
    let client = client();
    let table = format!("peershare-{test}");
    DynamoStore::ensure_table(&client, &table).await.expect("creates the table");
    Arc::new(DynamoStore::new(client, table))
}

store_suite!(dynamo);

#[tokio::test]
async fn ensure_table_creates_the_table_and_its_ttl_from_their_json_once() {
    let client = client();
    let table = "peershare-ensure-table";
    DynamoStore::ensure_table(&client, table).await.expect("creates");
    DynamoStore::ensure_table(&client, table).await.expect("a second run changes nothing");
    let described = client.describe_table().table_name(table).send().await.expect("describes");
    let described = described.table().expect("has a table");
    let keys: Vec<_> =
        described.key_schema().iter().map(|k| (k.attribute_name(), k.key_type().clone())).collect();
    assert_eq!(keys, vec![("pk", KeyType::Hash), ("sk", KeyType::Range)]);
    let indexes: Vec<_> =
        described.global_secondary_indexes().iter().filter_map(|i| i.index_name()).collect();
    assert_eq!(indexes, vec!["gsi1"]);
    let billing = described.billing_mode_summary().and_then(|b| b.billing_mode());
    assert_eq!(billing, Some(&BillingMode::PayPerRequest));
    let ttl = client.describe_time_to_live().table_name(table).send().await.expect("describes its TTL");
    let ttl = ttl.time_to_live_description().expect("has a TTL description");
    assert_eq!(
        (ttl.attribute_name(), ttl.time_to_live_status()),
        (Some("expires_ttl"), Some(&TimeToLiveStatus::Enabled)),
        "items expire by `expires_ttl`"
    );
}
