//! Secure messaging: one conversation per client (its messages), how far each participant has
//! read, and a short-lived log of conversation changes that every server process polls to push
//! live updates (so that several processes on one database all see every change).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn cascade(from: (&'static str, &'static str), to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to, "id")
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("messages")
                .col(pk_auto("id"))
                .col(integer("organization_id"))
                .col(integer("client_id"))
                // `staff:ID` or `portal:ID` (a portal account).
                .col(string("sender_key"))
                .col(string("sender_name"))
                // Plain text, at most 5,000 characters; rendered escaped.
                .col(text("body"))
                .col(timestamp_with_time_zone("created_at"))
                // When someone on the other side first read it (the read receipt).
                .col(timestamp_with_time_zone_null("seen_at"))
                // When the "you have a new message" emails went out (or were found unneeded).
                .col(timestamp_with_time_zone_null("notified_at"))
                .foreign_key(&mut cascade(
                    ("messages", "organization_id"),
                    "organizations",
                ))
                .foreign_key(&mut cascade(("messages", "client_id"), "clients"))
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("ix_messages_client_id", ["client_id", "id"]),
            (
                "ix_messages_notified_created",
                ["notified_at", "created_at"],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table("messages");
            for col in cols {
                index.col(col);
            }
            m.create_index(index.to_owned()).await?;
        }
        m.create_table(
            Table::create()
                .table("message_reads")
                .col(integer("client_id"))
                // `staff:ID` or `portal:ID`.
                .col(string("reader_key"))
                .col(integer("last_read_id"))
                .col(timestamp_with_time_zone("read_at"))
                .primary_key(Index::create().col("client_id").col("reader_key"))
                .foreign_key(&mut cascade(("message_reads", "client_id"), "clients"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("message_events")
                .col(big_pk_auto("id"))
                .col(integer("client_id"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["message_events", "message_reads", "messages"] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
