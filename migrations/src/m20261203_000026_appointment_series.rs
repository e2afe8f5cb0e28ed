//! Recurring appointments: a series (its weekly pattern as staff chose it, in the organization's
//! local time) and, on each of its appointments, the series it belongs to.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("appointment_series")
                .col(pk_auto("id"))
                .col(integer("organization_id"))
                .col(integer("client_id"))
                .col(integer("staff_id"))
                // `mon,wed,fri`: the weekdays chosen.
                .col(string("weekdays"))
                // Local start time, in minutes after midnight, and the length.
                .col(integer("start_minute"))
                .col(integer("duration_minutes"))
                .col(date("first_date"))
                .col(date("last_date"))
                .col(string("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("appointment_series", "organization_id")
                        .to("organizations", "id"),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("appointment_series", "client_id")
                        .to("clients", "id"),
                )
                .to_owned(),
        )
        .await?;
        // SQLite adds a column but not a foreign key to an existing table: the index serves the
        // series' edits ("this and following", "the whole series").
        m.alter_table(
            Table::alter()
                .table("bookings")
                .add_column(integer_null("series_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_bookings_series")
                .table("bookings")
                .col("series_id")
                .col("starts_at")
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_bookings_series")
                .table("bookings")
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("bookings")
                .drop_column("series_id")
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table("appointment_series").to_owned())
            .await
    }
}
