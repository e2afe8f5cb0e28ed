//! Telehealth video links: a therapist's default one, and one set on an appointment. The portal
//! shows "Join" from 15 minutes before a telehealth appointment; emails and calendar files never
//! carry the link.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["staff_users", "bookings"] {
            m.alter_table(
                Table::alter()
                    .table(table)
                    .add_column(string_null("video_link"))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["bookings", "staff_users"] {
            m.alter_table(
                Table::alter()
                    .table(table)
                    .drop_column("video_link")
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
