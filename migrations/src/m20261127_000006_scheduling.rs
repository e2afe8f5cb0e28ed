//! Scheduling: each staff member's weekly hours and exceptions, and bookings (appointments and
//! pending requests). On PostgreSQL an exclusion constraint makes a double booking impossible,
//! whatever the concurrency; on SQLite the check and the insert share one write transaction.

use sea_orm::DbBackend;
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
        m.alter_table(
            Table::alter()
                .table("staff_users")
                .add_column(integer("slot_minutes").default(60))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("availability_hours")
                .col(pk_auto("id"))
                .col(integer("staff_id"))
                // 1 = Monday … 7 = Sunday.
                .col(integer("weekday"))
                // Minutes after local midnight.
                .col(integer("start_minute"))
                .col(integer("end_minute"))
                .foreign_key(&mut cascade(
                    ("availability_hours", "staff_id"),
                    "staff_users",
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("availability_exceptions")
                .col(pk_auto("id"))
                .col(integer("staff_id"))
                .col(date("date"))
                .col(integer("start_minute"))
                .col(integer("end_minute"))
                // `time_off` or `extra_hours`.
                .col(string("kind"))
                .foreign_key(&mut cascade(
                    ("availability_exceptions", "staff_id"),
                    "staff_users",
                ))
                .to_owned(),
        )
        .await?;
        for (name, table) in [
            ("ix_hours_staff", "availability_hours"),
            ("ix_exceptions_staff", "availability_exceptions"),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(table)
                    .col("staff_id")
                    .to_owned(),
            )
            .await?;
        }
        m.create_table(
            Table::create()
                .table("bookings")
                .col(pk_auto("id"))
                .col(integer("organization_id"))
                .col(integer("staff_id"))
                .col(integer("client_id"))
                // `requested`, `booked`, `declined` or `cancelled`; the first two hold the time.
                .col(string("status"))
                .col(timestamp_with_time_zone("starts_at"))
                .col(timestamp_with_time_zone("ends_at"))
                .col(integer_null("location_id"))
                .col(boolean("telehealth").default(false))
                .col(string("service"))
                .col(integer_null("price_cents"))
                .col(text_null("note"))
                .col(boolean("last_minute").default(false))
                .col(string("requested_by"))
                .col(string_null("decided_by"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .col(string_null("decision_reason"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut cascade(
                    ("bookings", "organization_id"),
                    "organizations",
                ))
                .foreign_key(&mut cascade(("bookings", "staff_id"), "staff_users"))
                .foreign_key(&mut cascade(("bookings", "client_id"), "clients"))
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("ix_bookings_staff_start", ["staff_id", "starts_at"]),
            ("ix_bookings_client_start", ["client_id", "starts_at"]),
        ] {
            let mut index = Index::create();
            index.name(name).table("bookings");
            for col in cols {
                index.col(col);
            }
            m.create_index(index.to_owned()).await?;
        }
        if m.get_database_backend() == DbBackend::Postgres {
            let db = m.get_connection();
            db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS btree_gist")
                .await?;
            db.execute_unprepared(
                "ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist \
                 (staff_id WITH =, tstzrange(starts_at, ends_at) WITH &&) \
                 WHERE (status IN ('requested', 'booked'))",
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["bookings", "availability_exceptions", "availability_hours"] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        m.alter_table(
            Table::alter()
                .table("staff_users")
                .drop_column("slot_minutes")
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
