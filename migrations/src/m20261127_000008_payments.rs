//! Payments: the organization's Stripe keys (sealed), payment attempts with their idempotency
//! keys, refunds, processor webhook events (for de-duplication), and the built-in sandbox
//! processor's own cards and charges. No table has a column for a card number or a CVC.

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
                .table("stripe_accounts")
                .col(integer("organization_id").primary_key())
                // Each key sealed with AES-256-GCM (`SECRETS_KEY`), plus its last four characters.
                .col(text("secret_key_sealed"))
                .col(string("secret_key_last4"))
                .col(text("publishable_key_sealed"))
                .col(string("publishable_key_last4"))
                .col(text("webhook_secret_sealed"))
                .col(string("webhook_secret_last4"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut cascade(
                    ("stripe_accounts", "organization_id"),
                    "organizations",
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("payments")
                .col(pk_auto("id"))
                .col(integer("organization_id"))
                .col(integer("client_id"))
                .col(integer("booking_id"))
                // `sandbox` or `stripe`.
                .col(string("processor"))
                .col(string_uniq("idempotency_key"))
                // The processor's payment id, once created.
                .col(string_null("processor_ref"))
                .col(integer("amount_cents"))
                .col(string("currency"))
                // `processing`, `interrupted`, `succeeded` or `declined`.
                .col(string("status"))
                .col(string_null("decline_reason"))
                .col(string_null("card_brand"))
                .col(string_null("card_last4"))
                .col(integer("refunded_cents").default(0))
                .col(string("paid_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("completed_at"))
                .foreign_key(&mut cascade(
                    ("payments", "organization_id"),
                    "organizations",
                ))
                .foreign_key(&mut cascade(("payments", "client_id"), "clients"))
                .foreign_key(&mut cascade(("payments", "booking_id"), "bookings"))
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("ix_payments_org_created", ["organization_id", "created_at"]),
            ("ix_payments_client_created", ["client_id", "created_at"]),
        ] {
            let mut index = Index::create();
            index.name(name).table("payments");
            for col in cols {
                index.col(col);
            }
            m.create_index(index.to_owned()).await?;
        }
        // At most one live or successful payment per appointment, whatever the concurrency
        // (partial unique indexes exist on both SQLite and PostgreSQL).
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_payments_one_per_booking ON payments (booking_id) \
                 WHERE status IN ('processing', 'interrupted', 'succeeded')",
            )
            .await?;
        m.create_table(
            Table::create()
                .table("refunds")
                .col(pk_auto("id"))
                .col(integer("payment_id"))
                .col(integer("amount_cents"))
                .col(string("reason"))
                .col(string_uniq("idempotency_key"))
                .col(string_null("processor_ref"))
                .col(string("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut cascade(("refunds", "payment_id"), "payments"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_refunds_payment")
                .table("refunds")
                .col("payment_id")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("processor_events")
                .col(string("processor"))
                .col(string("event_id"))
                .col(integer("organization_id"))
                .col(string("kind"))
                .col(timestamp_with_time_zone("received_at"))
                .primary_key(Index::create().col("processor").col("event_id"))
                .foreign_key(&mut cascade(
                    ("processor_events", "organization_id"),
                    "organizations",
                ))
                .to_owned(),
        )
        .await?;
        // The sandbox processor's own records, as a real processor would keep them on its side.
        m.create_table(
            Table::create()
                .table("sandbox_cards")
                .col(string("token").primary_key())
                .col(string("brand"))
                .col(string("last4"))
                // `approve`, `decline` or `insufficient_funds`, from the test card's number.
                .col(string("behaviour"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("sandbox_charges")
                .col(string("id").primary_key())
                .col(string_uniq("idempotency_key"))
                .col(integer("amount_cents"))
                .col(string("currency"))
                // `requires_confirmation`, `succeeded` or `declined`.
                .col(string("status"))
                .col(string_null("token"))
                .col(string_null("decline_code"))
                .col(integer("refunded_cents").default(0))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("sandbox_refunds")
                .col(string("id").primary_key())
                .col(string_uniq("idempotency_key"))
                .col(string("charge_id"))
                .col(integer("amount_cents"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "sandbox_refunds",
            "sandbox_charges",
            "sandbox_cards",
            "processor_events",
            "refunds",
            "payments",
            "stripe_accounts",
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
