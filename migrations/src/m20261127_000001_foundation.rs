//! The foundation schema: organizations, locations, staff, clients, assignments, contacts,
//! portal accounts, sessions, sign-in attempts and the append-only audit log.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Tables in creation order; dropped in reverse.
const TABLES: [&str; 10] = [
    "organizations",
    "locations",
    "staff_users",
    "clients",
    "client_staff",
    "client_contacts",
    "client_contact_links",
    "portal_accounts",
    "sessions",
    "audit_log",
];

fn fk(from: (&'static str, &'static str), to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to, "id")
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

fn index(table: &'static str, name: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(*col);
    }
    stmt.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("organizations")
                .col(pk_auto("id"))
                .col(string("name"))
                .col(string("time_zone"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("locations")
                .col(pk_auto("id"))
                .col(integer("organization_id"))
                .col(string("name"))
                .col(string("address"))
                .col(boolean("telehealth"))
                .foreign_key(&mut fk(("locations", "organization_id"), "organizations"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("locations", "ix_locations_org", &["organization_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table("staff_users")
                .col(pk_auto("id"))
                .col(integer("organization_id"))
                .col(string("name"))
                .col(string_uniq("email"))
                .col(string("password_hash"))
                .col(boolean("is_admin"))
                .col(boolean("is_therapist"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(("staff_users", "organization_id"), "organizations"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("staff_users", "ix_staff_org", &["organization_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table("clients")
                .col(pk_auto("id"))
                .col(integer("organization_id"))
                .col(string("first_name"))
                .col(string("last_name"))
                // Lower-cased "first last" for case-insensitive search on both databases.
                .col(string("search_name"))
                .col(date("date_of_birth"))
                .col(string_null("email"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(("clients", "organization_id"), "organizations"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "clients",
            "ix_clients_org_name",
            &["organization_id", "last_name", "first_name"],
        ))
        .await?;
        m.create_index(index(
            "clients",
            "ix_clients_org_search",
            &["organization_id", "search_name"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("client_staff")
                .col(integer("client_id"))
                .col(integer("staff_id"))
                .primary_key(Index::create().col("client_id").col("staff_id"))
                .foreign_key(&mut fk(("client_staff", "client_id"), "clients"))
                .foreign_key(&mut fk(("client_staff", "staff_id"), "staff_users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "client_staff",
            "ix_client_staff_staff",
            &["staff_id", "client_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("client_contacts")
                .col(pk_auto("id"))
                .col(integer("organization_id"))
                .col(string("name"))
                .col(string_null("email"))
                .col(string_null("phone"))
                .col(string("relationship"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    ("client_contacts", "organization_id"),
                    "organizations",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "client_contacts",
            "ix_contacts_org",
            &["organization_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("client_contact_links")
                .col(pk_auto("id"))
                .col(integer("contact_id"))
                .col(integer("client_id"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    ("client_contact_links", "contact_id"),
                    "client_contacts",
                ))
                .foreign_key(&mut fk(("client_contact_links", "client_id"), "clients"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index(
                "client_contact_links",
                "ux_links_contact_client",
                &["contact_id", "client_id"],
            )
            .unique()
            .to_owned(),
        )
        .await?;
        m.create_index(index(
            "client_contact_links",
            "ix_links_client",
            &["client_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("portal_accounts")
                .col(pk_auto("id"))
                .col(integer("organization_id"))
                .col(string_uniq("email"))
                .col(string("password_hash"))
                .col(integer_null("client_id"))
                .col(integer_null("contact_id"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    ("portal_accounts", "organization_id"),
                    "organizations",
                ))
                .foreign_key(&mut fk(("portal_accounts", "client_id"), "clients"))
                .foreign_key(&mut fk(
                    ("portal_accounts", "contact_id"),
                    "client_contacts",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("portal_accounts", "ix_portal_client", &["client_id"]))
            .await?;
        m.create_index(index(
            "portal_accounts",
            "ix_portal_contact",
            &["contact_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("sessions")
                // SHA-256 of the cookie token: a leaked table cannot be replayed as cookies.
                .col(string("id").primary_key())
                .col(integer_null("staff_user_id"))
                .col(integer_null("portal_account_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("last_seen_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(string_null("ip"))
                .foreign_key(&mut fk(("sessions", "staff_user_id"), "staff_users"))
                .foreign_key(&mut fk(
                    ("sessions", "portal_account_id"),
                    "portal_accounts",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("sessions", "ix_sessions_staff", &["staff_user_id"]))
            .await?;
        m.create_index(index(
            "sessions",
            "ix_sessions_portal",
            &["portal_account_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("sign_in_attempts")
                .col(pk_auto("id"))
                .col(string("email"))
                .col(string("ip"))
                .col(boolean("succeeded"))
                .col(timestamp_with_time_zone("at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "sign_in_attempts",
            "ix_attempts_email",
            &["email", "at"],
        ))
        .await?;
        m.create_index(index("sign_in_attempts", "ix_attempts_ip", &["ip", "at"]))
            .await?;

        m.create_table(
            Table::create()
                .table("audit_log")
                .col(big_pk_auto("id"))
                .col(integer_null("organization_id"))
                .col(string("actor"))
                .col(string("action"))
                .col(string("object"))
                .col(text_null("old_value"))
                .col(text_null("new_value"))
                .col(timestamp_with_time_zone("at"))
                .col(string_null("ip"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "audit_log",
            "ix_audit_org_at",
            &["organization_id", "at"],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("sign_in_attempts").to_owned())
            .await?;
        for table in TABLES.iter().rev() {
            m.drop_table(Table::drop().table(*table).to_owned()).await?;
        }
        Ok(())
    }
}
