//! A private calendar feed per staff member: the SHA-256 of the secret in the feed's URL.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("staff_users")
                .add_column(string_null("calendar_feed_hash"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("staff_users")
                .drop_column("calendar_feed_hash")
                .to_owned(),
        )
        .await
    }
}
