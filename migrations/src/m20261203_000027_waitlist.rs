//! The waitlist: a client's wish to be offered a therapist's time (preferred weekdays and parts of
//! the day), time that frees up (a cancellation, a move, a declined request, time off removed,
//! extra hours added) waiting to be offered, and the offers sent, three clients at a time.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("waitlist_entries")
                .col(pk_auto("id"))
                .col(integer("organization_id"))
                .col(integer("client_id"))
                .col(integer("staff_id"))
                // `mon,wed` and `morning,afternoon`.
                .col(string("weekdays"))
                .col(string("parts_of_day"))
                .col(string("joined_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("left_at"))
                // `booked`, `left` (by the family) or `removed` (by staff).
                .col(string_null("left_reason"))
                .foreign_key(
                    ForeignKey::create()
                        .from("waitlist_entries", "client_id")
                        .to("clients", "id"),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("waitlist_entries", "staff_id")
                        .to("staff_users", "id"),
                )
                .to_owned(),
        )
        .await?;
        // One open entry per client and therapist; both databases take a partial index.
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_waitlist_open ON waitlist_entries (client_id, staff_id) \
                 WHERE left_at IS NULL",
            )
            .await?;
        m.create_index(
            Index::create()
                .name("ix_waitlist_staff")
                .table("waitlist_entries")
                .col("staff_id")
                .col("created_at")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("freed_times")
                .col(pk_auto("id"))
                .col(integer("staff_id"))
                .col(timestamp_with_time_zone("starts_at"))
                .col(timestamp_with_time_zone("ends_at"))
                .col(timestamp_with_time_zone("created_at"))
                // Set by the pass that offers it (a claim: two processes never offer it twice).
                .col(timestamp_with_time_zone_null("claimed_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_freed_times_claimed")
                .table("freed_times")
                .col("claimed_at")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("waitlist_offers")
                .col(pk_auto("id"))
                .col(integer("entry_id"))
                .col(integer("staff_id"))
                .col(timestamp_with_time_zone("starts_at"))
                .col(timestamp_with_time_zone("ends_at"))
                .col(integer("batch"))
                .col(timestamp_with_time_zone("sent_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("waitlist_offers", "entry_id")
                        .to("waitlist_entries", "id"),
                )
                .to_owned(),
        )
        .await?;
        // A client is offered a slot once.
        m.create_index(
            Index::create()
                .name("ux_waitlist_offer")
                .table("waitlist_offers")
                .col("entry_id")
                .col("starts_at")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_waitlist_offers_slot")
                .table("waitlist_offers")
                .col("staff_id")
                .col("starts_at")
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["waitlist_offers", "freed_times", "waitlist_entries"] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
