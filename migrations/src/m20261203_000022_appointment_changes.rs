//! Staff manage appointments: who cancelled one (`staff`, or `client` when staff cancel on the
//! client's behalf or the client does it in the portal), and when staff acknowledged a
//! last-minute cancellation, which takes it off the calendar icon's count.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        m.alter_table(
            Table::alter()
                .table("bookings")
                .add_column(string_null("cancelled_by"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("bookings")
                .add_column(timestamp_with_time_zone_null("acknowledged_at"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in ["acknowledged_at", "cancelled_by"] {
            m.alter_table(
                Table::alter()
                    .table("bookings")
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
