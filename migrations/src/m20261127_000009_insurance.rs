//! Billing & Insurance Info: the organization's payer directory (with client-added payers
//! awaiting review, and merges) and clients' insurance policies.

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
                .table("payers")
                .col(pk_auto("id"))
                .col(integer("organization_id"))
                .col(string("name"))
                // The name normalised (lower case, punctuation and extra spaces removed), so that
                // "Blue Cross " and "blue cross" are one payer.
                .col(string("name_key"))
                .col(string_null("payer_code"))
                .col(string_null("address"))
                .col(string_null("phone"))
                // `active`, `inactive` or `merged`.
                .col(string("status"))
                .col(boolean("added_by_client").default(false))
                // Client-added payers wait here until staff approve, merge or correct them.
                .col(boolean("needs_review").default(false))
                .col(integer_null("merged_into"))
                .col(string("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut cascade(("payers", "organization_id"), "organizations"))
                .to_owned(),
        )
        .await?;
        // One payer per normalised name in an organization (merged payers step aside).
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_payers_org_name ON payers (organization_id, name_key) \
                 WHERE status <> 'merged'",
            )
            .await?;
        m.create_table(
            Table::create()
                .table("insurance_policies")
                .col(pk_auto("id"))
                .col(integer("organization_id"))
                .col(integer("client_id"))
                .col(integer("payer_id"))
                .col(string("member_id"))
                .col(string_null("group_number"))
                .col(string("subscriber_name"))
                .col(date("subscriber_dob"))
                // `self`, `spouse`, `child` or `other`.
                .col(string("relationship"))
                // `primary`, `secondary` or `tertiary`.
                .col(string("rank"))
                .col(date("effective_on"))
                .col(date_null("terminates_on"))
                .col(string("updated_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut cascade(
                    ("insurance_policies", "organization_id"),
                    "organizations",
                ))
                .foreign_key(&mut cascade(("insurance_policies", "client_id"), "clients"))
                .foreign_key(
                    &mut ForeignKey::create()
                        .from("insurance_policies", "payer_id")
                        .to("payers", "id")
                        .on_delete(ForeignKeyAction::Restrict)
                        .to_owned(),
                )
                .to_owned(),
        )
        .await?;
        for (name, table, col) in [
            ("ix_policies_client", "insurance_policies", "client_id"),
            ("ix_policies_payer", "insurance_policies", "payer_id"),
        ] {
            m.create_index(Index::create().name(name).table(table).col(col).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["insurance_policies", "payers"] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
