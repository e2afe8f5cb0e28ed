//! Background emails that the mail server refused or could not take, kept to be tried again
//! with growing waits ("you have a new secure message": a greeting and a link, no content).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("mail_retries")
                .col(pk_auto("id"))
                .col(integer_null("organization_id"))
                .col(string("recipient"))
                .col(string("subject"))
                .col(text("body"))
                // Failed attempts so far; also the claim, so one process sends each retry.
                .col(integer("attempts"))
                .col(timestamp_with_time_zone("next_attempt_at"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("mail_retries_due")
                .table("mail_retries")
                .col("next_attempt_at")
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("mail_retries").to_owned())
            .await
    }
}
