//! Appointment reminders: how many hours ahead a practice reminds (24 by default, 0 for none),
//! a portal login's own choice to receive them, when an appointment was reminded (its claim, so
//! that two server processes never remind twice), and an attachment (the .ics) on emails kept in
//! the outbox or waiting for another try.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("organizations")
                .add_column(integer("reminder_hours").default(24))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("portal_accounts")
                .add_column(boolean("appointment_reminders").default(true))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("bookings")
                .add_column(timestamp_with_time_zone_null("reminded_at"))
                .to_owned(),
        )
        .await?;
        // The job looks for appointments starting soon that are not reminded yet.
        m.create_index(
            Index::create()
                .name("bookings_to_remind")
                .table("bookings")
                .col("starts_at")
                .col("reminded_at")
                .to_owned(),
        )
        .await?;
        for table in ["outbox", "mail_retries"] {
            for column in ["attachment_name", "attachment"] {
                m.alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(text_null(column))
                        .to_owned(),
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["outbox", "mail_retries"] {
            for column in ["attachment", "attachment_name"] {
                m.alter_table(Table::alter().table(table).drop_column(column).to_owned())
                    .await?;
            }
        }
        m.drop_index(
            Index::drop()
                .name("bookings_to_remind")
                .table("bookings")
                .to_owned(),
        )
        .await?;
        for (table, column) in [
            ("bookings", "reminded_at"),
            ("portal_accounts", "appointment_reminders"),
            ("organizations", "reminder_hours"),
        ] {
            m.alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
