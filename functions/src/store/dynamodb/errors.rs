//! SDK failures as the store's errors: a request that failed, or a request that could not be
//! built, is a backend failure ([`StoreError`]) with the SDK's whole error chain as its text.

use crate::store::{MembershipChangeError, ProfileUpdateError, RedeemError, SettingsChangeError, StoreError};
use aws_sdk_dynamodb::error::{BuildError, DisplayErrorContext, SdkError};
use std::fmt::Debug;

impl<E, R> From<SdkError<E, R>> for StoreError
where
    E: std::error::Error + 'static,
    R: Debug,
{
    fn from(e: SdkError<E, R>) -> Self {
        Self(DisplayErrorContext(&e).to_string())
    }
}

impl From<BuildError> for StoreError {
    fn from(e: BuildError) -> Self {
        Self(format!("invalid DynamoDB request: {e}"))
    }
}

/// `From` SDK errors for an operation's error type that wraps [`StoreError`].
macro_rules! via_store_error {
    ($($error:ty),+) => {$(
        impl<E, R> From<SdkError<E, R>> for $error
        where
            E: std::error::Error + 'static,
            R: Debug,
        {
            fn from(e: SdkError<E, R>) -> Self {
                StoreError::from(e).into()
            }
        }

        impl From<BuildError> for $error {
            fn from(e: BuildError) -> Self {
                StoreError::from(e).into()
            }
        }
    )+};
}

via_store_error!(MembershipChangeError, ProfileUpdateError, RedeemError, SettingsChangeError);
