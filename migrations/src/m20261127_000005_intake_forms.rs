//! Intake forms: templates with immutable versions (a sent form keeps the version it was sent
//! with), and the forms sent to clients with their draft, answers and signature.

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
                .table("form_templates")
                .col(pk_auto("id"))
                .col(integer("organization_id"))
                .col(string("name"))
                .col(integer("current_version"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut cascade(
                    ("form_templates", "organization_id"),
                    "organizations",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_form_templates_org_name")
                .table("form_templates")
                .col("organization_id")
                .col("name")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("form_template_versions")
                .col(pk_auto("id"))
                .col(integer("template_id"))
                .col(integer("version"))
                // The `FormDefinition` as JSON; never changed once written.
                .col(text("definition"))
                .col(string("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut cascade(
                    ("form_template_versions", "template_id"),
                    "form_templates",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_form_versions_template_version")
                .table("form_template_versions")
                .col("template_id")
                .col("version")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("sent_forms")
                .col(pk_auto("id"))
                .col(integer("organization_id"))
                .col(integer("client_id"))
                // The contact it was sent to; null when sent to the client.
                .col(integer_null("contact_id"))
                .col(integer("template_version_id"))
                .col(integer("location_id"))
                .col(date("due_on"))
                // `sent`, `in_progress`, `completed` or `cancelled`.
                .col(string("status"))
                .col(text_null("draft"))
                .col(text_null("answers"))
                .col(string_null("signed_name"))
                .col(timestamp_with_time_zone_null("signed_at"))
                .col(string_null("signed_ip"))
                .col(string("sent_by"))
                .col(timestamp_with_time_zone("sent_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(timestamp_with_time_zone_null("submitted_at"))
                .col(timestamp_with_time_zone_null("reminded_at"))
                .foreign_key(&mut cascade(
                    ("sent_forms", "organization_id"),
                    "organizations",
                ))
                .foreign_key(&mut cascade(("sent_forms", "client_id"), "clients"))
                .foreign_key(
                    ForeignKey::create()
                        .from("sent_forms", "template_version_id")
                        .to("form_template_versions", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("sent_forms", "location_id")
                        .to("locations", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_sent_forms_client")
                .table("sent_forms")
                .col("client_id")
                .col("status")
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["sent_forms", "form_template_versions", "form_templates"] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
