//! Live updates for more than conversations: `live_events` replaces `message_events`. Each row
//! says that one topic changed: a client's conversation (`conversation`, subject = client id)
//! or a staff member's calendar requests (`calendar`, subject = staff id). Rows live for an hour,
//! so nothing is carried over.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("message_events").to_owned())
            .await?;
        m.create_table(
            Table::create()
                .table("live_events")
                .col(big_pk_auto("id"))
                .col(string("topic"))
                .col(integer("subject_id"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("live_events_by_age")
                .table("live_events")
                .col("created_at")
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("live_events").to_owned())
            .await?;
        m.create_table(
            Table::create()
                .table("message_events")
                .col(big_pk_auto("id"))
                .col(integer("client_id"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await
    }
}
