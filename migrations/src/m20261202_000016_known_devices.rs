//! Known devices: a browser that signed in to an account, or followed the account's unlock
//! email, holds a token (stored here as its SHA-256) so that its sign-in attempts are counted
//! apart from a stranger's, who then cannot keep the owner locked out.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("known_devices")
                .col(pk_auto("id"))
                .col(string("email"))
                .col(string_uniq("token_hash"))
                // False while the unlock email's link has not been followed.
                .col(boolean("confirmed"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_known_devices_email")
                .table("known_devices")
                .col("email")
                .col("created_at")
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("known_devices").to_owned())
            .await
    }
}
