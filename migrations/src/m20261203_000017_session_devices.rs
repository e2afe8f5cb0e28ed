//! Which device a session belongs to ("Chrome on Android"), read from the browser's User-Agent at
//! sign-in, so that a person's Account page can list their sessions and sign one out.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("sessions")
                .add_column(string_null("device"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("sessions")
                .drop_column("device")
                .to_owned(),
        )
        .await
    }
}
