//! A location's address in parts (street, city, state, postal code), its phone, and when it was
//! archived: archived locations are offered for nothing new and stay on past records. The
//! one-line `address` stays, composed from the parts on every save; existing rows keep it whole
//! as their street.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TEXT_COLUMNS: [&str; 5] = ["street", "city", "state", "postal_code", "phone"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        for column in TEXT_COLUMNS {
            m.alter_table(
                Table::alter()
                    .table("locations")
                    .add_column(string(column).default(""))
                    .to_owned(),
            )
            .await?;
        }
        m.alter_table(
            Table::alter()
                .table("locations")
                .add_column(timestamp_with_time_zone_null("archived_at"))
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::update()
                .table("locations")
                .value("street", Expr::col("address"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in TEXT_COLUMNS.iter().chain(["archived_at"].iter()) {
            m.alter_table(
                Table::alter()
                    .table("locations")
                    .drop_column(*column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
