//! Typed status columns. Each status is a domain enum (shared with the browser) stored as its
//! `key()`; this module lets the entities hold the enum itself. A stored value that is no known
//! key is a database error, logged where the row is read (`AppError::from(DbErr)`), never a
//! guess. This is what sea-orm's `DeriveValueType` generates for string enums, written once for
//! the domain's enums, which cannot carry sea-orm's derives because they also compile for the
//! browser.

use crate::domain::account::LinkPurpose;
use crate::domain::insurance::{PayerStatus, Rank, Relationship};
use crate::domain::intake::FormStatus;
use crate::domain::payments::PaymentStatus;
use crate::domain::portal_settings::CardProcessor;
use crate::domain::schedule::{BookingStatus, ExceptionKind};
use crate::domain::settings::Setting;

/// A stored key that names no value of the status.
#[derive(Debug)]
pub struct UnknownKey {
    pub status: &'static str,
    pub key: String,
}

impl std::fmt::Display for UnknownKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown {} {:?} stored", self.status, self.key)
    }
}

impl std::error::Error for UnknownKey {}

/// Implements sea-orm's value traits for a domain enum with `key()` and `from_key()`.
macro_rules! stored_as_key {
    ($($name:ident),* $(,)?) => {$(
        impl From<$name> for sea_orm::Value {
            fn from(value: $name) -> Self {
                value.key().into()
            }
        }

        impl sea_orm::TryGetable for $name {
            fn try_get_by<I: sea_orm::ColIdx>(
                res: &sea_orm::QueryResult,
                idx: I,
            ) -> Result<Self, sea_orm::TryGetError> {
                let key = String::try_get_by(res, idx)?;
                $name::from_key(&key).ok_or_else(|| {
                    sea_orm::TryGetError::DbErr(sea_orm::DbErr::TryIntoErr {
                        from: "String",
                        into: stringify!($name),
                        source: std::sync::Arc::new(UnknownKey {
                            status: stringify!($name),
                            key,
                        }),
                    })
                })
            }
        }

        impl sea_orm::sea_query::ValueType for $name {
            fn try_from(value: sea_orm::Value) -> Result<Self, sea_orm::sea_query::ValueTypeErr> {
                let key = <String as sea_orm::sea_query::ValueType>::try_from(value)?;
                $name::from_key(&key).ok_or(sea_orm::sea_query::ValueTypeErr)
            }

            fn type_name() -> String {
                stringify!($name).to_owned()
            }

            fn array_type() -> sea_orm::sea_query::ArrayType {
                sea_orm::sea_query::ArrayType::String
            }

            fn column_type() -> sea_orm::sea_query::ColumnType {
                sea_orm::sea_query::ColumnType::String(sea_orm::sea_query::StringLen::None)
            }
        }

        impl sea_orm::sea_query::Nullable for $name {
            fn null() -> sea_orm::Value {
                sea_orm::Value::String(None)
            }
        }

        impl sea_orm::TryFromU64 for $name {
            fn try_from_u64(_: u64) -> Result<Self, sea_orm::DbErr> {
                Err(sea_orm::DbErr::ConvertFromU64(stringify!($name)))
            }
        }

        impl sea_orm::IntoActiveValue<$name> for $name {
            fn into_active_value(self) -> sea_orm::ActiveValue<$name> {
                sea_orm::ActiveValue::Set(self)
            }
        }
    )*};
}

stored_as_key!(
    BookingStatus,
    CardProcessor,
    ExceptionKind,
    FormStatus,
    LinkPurpose,
    PayerStatus,
    PaymentStatus,
    Rank,
    Relationship,
    Setting,
);

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::sea_query::ValueType;

    #[test]
    fn a_status_is_stored_as_its_key_and_read_back() {
        let stored: sea_orm::Value = BookingStatus::Cancelled.into();
        assert_eq!(stored, sea_orm::Value::String(Some("cancelled".into())));
        assert_eq!(
            <BookingStatus as ValueType>::try_from(stored).ok(),
            Some(BookingStatus::Cancelled)
        );
    }

    #[test]
    fn an_unknown_stored_key_is_an_error_not_a_guess() {
        let stored = sea_orm::Value::String(Some("maybe".into()));
        assert!(<BookingStatus as ValueType>::try_from(stored.clone()).is_err());
        assert!(<FormStatus as ValueType>::try_from(stored).is_err());
    }
}
