//! The staff roster an administrator manages: a staff member's credentials ("BCBA", "RBT") and
//! when they were deactivated (their sessions end, they leave the pickers, their history stays).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        m.alter_table(
            Table::alter()
                .table("staff_users")
                .add_column(string("credentials").default(""))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("staff_users")
                .add_column(timestamp_with_time_zone_null("deactivated_at"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in ["deactivated_at", "credentials"] {
            m.alter_table(
                Table::alter()
                    .table("staff_users")
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
