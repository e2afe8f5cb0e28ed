//! The access matrix: every server function, called as anonymous, a client, a contact, a
//! therapist not assigned to the client, and the administrator of another organization.
//! It fails when a server function is registered without a row here.

use crate::common;

use std::collections::BTreeSet;

use axum::http::StatusCode;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, NotSet, PaginatorTrait, QueryFilter, Set,
};

use app::server::access::password;
use app::server::store::entities::{
    client, client_contact, form_template, location, payer, sent_form, staff_user,
};
use common::{call, client_id, each_database, enable_payments, owed_bookings, sign_in};

/// The callers, in column order.
const CALLERS: [&str; 5] = [
    "anonymous",
    "client",
    "contact",
    "unassigned therapist",
    "other-org admin",
];

/// One row: the function, its arguments (`{client}`, `{contact}`, `{form}`, `{template}`,
/// `{staff}`, `{booking}` (an owed appointment), `{payment}` (a paid one), `{payer}` and `{payer2}`
/// (two of Bright Path's payers) and `{location}` (Bright Path's clinic) are filled in), and
/// the status per caller. Payments are enabled for Bright Path before the rows run.
struct Row {
    name: &'static str,
    args: &'static str,
    expect: [u16; 5],
}

const MATRIX: &[Row] = &[
    Row { name: "sign_in", args: "email=admin%40brightpath.example&password=wrong", expect: [401, 401, 401, 401, 401] },
    Row { name: "current_viewer", args: "", expect: [200, 200, 200, 200, 200] },
    Row { name: "list_clients", args: "query=", expect: [401, 403, 403, 200, 200] },
    Row { name: "get_client", args: "id={client}", expect: [401, 403, 403, 404, 404] },
    Row {
        name: "create_client",
        args: "input[first_name]=Matrix&input[last_name]=Row&input[date_of_birth]=2015-01-01&input[email]=",
        expect: [401, 403, 403, 403, 200],
    },
    Row {
        name: "update_client",
        args: "id={client}&input[first_name]=Hacked&input[last_name]=Name&input[date_of_birth]=2015-01-01&input[email]=",
        expect: [401, 403, 403, 403, 404],
    },
    Row { name: "assign_staff", args: "client_id={client}&staff_id={staff}", expect: [401, 403, 403, 403, 404] },
    Row { name: "unassign_staff", args: "client_id={client}&staff_id={staff}", expect: [401, 403, 403, 403, 404] },
    Row {
        name: "add_contact",
        args: "client_id={client}&input[name]=Eve&input[email]=&input[phone]=&input[relationship]=other",
        expect: [401, 403, 403, 404, 404],
    },
    Row { name: "link_contact", args: "client_id={client}&contact_id={contact}", expect: [401, 403, 403, 404, 404] },
    Row {
        name: "set_contact_access",
        args: "client_id={client}&contact_id={contact}&access[portal_access]=true&access[forms]=true",
        expect: [401, 403, 403, 404, 404],
    },
    Row { name: "invite_client", args: "client_id={client}", expect: [401, 403, 403, 404, 404] },
    Row { name: "invite_contact", args: "client_id={client}&contact_id={contact}", expect: [401, 403, 403, 404, 404] },
    Row { name: "revoke_invitation", args: "client_id={client}", expect: [401, 403, 403, 404, 404] },
    Row { name: "check_link", args: "token=not-a-real-token", expect: [200, 200, 200, 200, 200] },
    Row { name: "unlock_device", args: "token=not-a-real-token", expect: [409, 409, 409, 409, 409] },
    Row {
        name: "accept_link",
        args: "input[token]=not-a-real-token&input[password]=long%20enough%20pass&input[confirm]=long%20enough%20pass",
        expect: [409, 409, 409, 409, 409],
    },
    Row { name: "request_password_reset", args: "input[email]=nobody%40example.com", expect: [200, 200, 200, 200, 200] },
    Row { name: "get_portal_client", args: "client_id={client}", expect: [401, 200, 200, 403, 403] },
    Row { name: "list_outbox", args: "", expect: [401, 403, 403, 403, 200] },
    Row { name: "list_form_templates", args: "", expect: [401, 403, 403, 200, 200] },
    Row { name: "create_form_template", args: "name=Matrix%20Form", expect: [401, 403, 403, 403, 200] },
    Row { name: "get_form_template", args: "template_id={template}", expect: [401, 403, 403, 403, 404] },
    Row {
        name: "save_form_template",
        args: "template_id={template}&definition=%7B%22sections%22%3A%5B%7B%22title%22%3A%22S%22%2C%22fields%22%3A%5B%7B%22id%22%3A%22a%22%2C%22label%22%3A%22A%22%2C%22kind%22%3A%22ShortText%22%2C%22required%22%3Afalse%2C%22help%22%3Anull%2C%22options%22%3A%5B%5D%7D%5D%7D%5D%7D",
        expect: [401, 403, 403, 403, 404],
    },
    Row {
        name: "send_forms",
        args: "client_id={client}&input[template_ids][0]={template}&input[recipient]=client&input[location_id]=1&input[due_on]=2099-01-01",
        expect: [401, 403, 403, 404, 404],
    },
    Row { name: "list_client_forms", args: "client_id={client}", expect: [401, 403, 403, 404, 404] },
    Row { name: "remind_form", args: "client_id={client}&form_id={form}", expect: [401, 403, 403, 404, 404] },
    Row { name: "cancel_form", args: "client_id={client}&form_id={form}", expect: [401, 403, 403, 404, 404] },
    Row { name: "get_submission", args: "client_id={client}&form_id={form}", expect: [401, 403, 403, 404, 404] },
    Row { name: "list_portal_forms", args: "client_id={client}", expect: [401, 200, 200, 403, 403] },
    Row { name: "get_portal_form", args: "client_id={client}&form_id={form}", expect: [401, 403, 200, 403, 403] },
    Row { name: "save_form_draft", args: "client_id={client}&form_id={form}&answers=%7B%7D", expect: [401, 403, 200, 403, 403] },
    Row { name: "submit_form", args: "client_id={client}&form_id={form}&answers=%7B%7D", expect: [401, 403, 400, 403, 403] },
    Row { name: "list_open_slots", args: "client_id={client}", expect: [401, 200, 200, 403, 403] },
    Row { name: "get_request_slots", args: "client_id={client}", expect: [401, 200, 200, 403, 403] },
    Row { name: "get_appointments_tab", args: "client_id={client}", expect: [401, 200, 200, 403, 403] },
    Row {
        name: "request_slot",
        args: "client_id={client}&slot={staff}%40not-a-time&note=",
        expect: [401, 400, 400, 403, 403],
    },
    Row { name: "list_appointments", args: "client_id={client}", expect: [401, 200, 200, 403, 403] },
    Row { name: "get_access_log", args: "client_id={client}", expect: [401, 200, 200, 403, 403] },
    Row { name: "get_portal_waitlist", args: "client_id={client}", expect: [401, 200, 200, 403, 403] },
    Row { name: "join_waitlist", args: "client_id={client}&input[staff_id]={staff}", expect: [401, 400, 400, 403, 403] },
    Row { name: "leave_waitlist", args: "client_id={client}&entry_id=999999", expect: [401, 404, 404, 403, 403] },
    Row { name: "list_waitlist", args: "staff=", expect: [401, 403, 403, 200, 200] },
    Row { name: "remove_from_waitlist", args: "entry_id=999999", expect: [401, 403, 403, 404, 404] },
    Row { name: "cancel_appointment", args: "client_id={client}&booking_id=999999", expect: [401, 404, 404, 403, 403] },
    Row { name: "get_calendar_inbox", args: "", expect: [401, 403, 403, 200, 200] },
    Row { name: "decide_request", args: "booking_id=999999&accept=true&reason=", expect: [401, 403, 403, 404, 404] },
    Row {
        name: "create_appointment",
        args: "client_id={client}&input[staff_id]={staff}&input[location]=telehealth&input[date]=2099-01-05&input[time]=10%3A00&input[duration_minutes]=60&input[service]=Session&input[price]=",
        expect: [401, 403, 403, 404, 404],
    },
    Row { name: "get_calendar", args: "query[span]=month", expect: [401, 403, 403, 200, 200] },
    Row { name: "create_calendar_feed", args: "", expect: [401, 403, 403, 200, 200] },
    Row { name: "get_availability", args: "", expect: [401, 403, 403, 200, 200] },
    Row {
        name: "add_availability",
        args: "input[kind]=weekly&input[weekday]=6&input[date]=&input[start]=09%3A00&input[end]=10%3A00",
        expect: [401, 403, 403, 200, 200],
    },
    Row { name: "remove_availability", args: "weekly=true&id=999999", expect: [401, 403, 403, 404, 404] },
    Row { name: "set_slot_minutes", args: "minutes=60", expect: [401, 403, 403, 200, 200] },
    Row { name: "set_video_link", args: "link=", expect: [401, 403, 403, 200, 200] },
    Row { name: "get_billing", args: "client_id={client}", expect: [401, 200, 200, 403, 403] },
    Row { name: "get_pay_page", args: "client_id={client}&booking_id={booking}", expect: [401, 200, 200, 403, 403] },
    Row {
        name: "pay_appointment",
        args: "client_id={client}&booking_id=999999&card_token=tok_matrix&attempt_key=matrix-attempt-key-0001",
        expect: [401, 404, 404, 403, 403],
    },
    Row { name: "get_receipt", args: "client_id={client}&payment_id={payment}", expect: [401, 200, 200, 403, 403] },
    Row {
        name: "list_payments",
        args: "filter[status]=&filter[q]=&filter[from]=&filter[to]=",
        expect: [401, 403, 403, 200, 200],
    },
    Row { name: "get_payment", args: "payment_id={payment}", expect: [401, 403, 403, 404, 404] },
    Row {
        name: "refund_payment",
        args: "payment_id={payment}&refund_key=matrix-refund-key-0001&input[amount]=1&input[reason]=Matrix",
        expect: [401, 403, 403, 403, 404],
    },
    Row { name: "get_stripe_keys", args: "", expect: [401, 403, 403, 403, 200] },
    Row {
        name: "save_stripe_keys",
        args: "input[secret_key]=sk_test_matrix000001&input[publishable_key]=pk_test_matrix000001&input[webhook_secret]=whsec_matrix000001",
        expect: [401, 403, 403, 403, 200],
    },
    Row { name: "get_insurance", args: "client_id={client}", expect: [401, 200, 200, 404, 404] },
    Row {
        name: "save_policy",
        args: "client_id={client}&policy_id=0&input[payer]=&input[member_id]=&input[group_number]=&input[subscriber_name]=&input[subscriber_dob]=&input[relationship]=&input[rank]=&input[effective_on]=&input[terminates_on]=",
        expect: [401, 400, 400, 404, 404],
    },
    Row { name: "list_payers", args: "", expect: [401, 403, 403, 403, 200] },
    Row {
        name: "save_payer",
        args: "payer_id=0&input[name]=Matrix%20Mutual&input[payer_code]=&input[address]=&input[phone]=",
        expect: [401, 403, 403, 403, 200],
    },
    Row { name: "set_payer_active", args: "payer_id={payer}&active=true", expect: [401, 403, 403, 403, 404] },
    Row { name: "approve_payer", args: "payer_id={payer}", expect: [401, 403, 403, 403, 404] },
    Row { name: "merge_payer", args: "payer_id={payer}&into={payer2}", expect: [401, 403, 403, 403, 404] },
    Row { name: "get_message_inbox", args: "", expect: [401, 403, 403, 200, 200] },
    Row { name: "get_conversation", args: "client_id={client}", expect: [401, 200, 200, 404, 404] },
    Row { name: "send_message", args: "client_id={client}&body=Matrix%20hello", expect: [401, 200, 200, 404, 404] },
    Row { name: "get_organization", args: "", expect: [401, 403, 403, 403, 200] },
    Row { name: "get_portal_settings", args: "", expect: [401, 403, 403, 403, 200] },
    Row {
        name: "change_setting",
        args: "client_id={client}&setting=insurance_info&on=false",
        expect: [401, 403, 403, 403, 404],
    },
    Row { name: "set_card_processing", args: "processor=sandbox", expect: [401, 403, 403, 403, 200] },
    Row { name: "list_portal_clients", args: "query=", expect: [401, 403, 403, 403, 200] },
    Row { name: "get_effective_settings", args: "client_id={client}", expect: [401, 200, 200, 404, 404] },
    Row { name: "list_audit_log", args: "", expect: [401, 403, 403, 403, 200] },
    Row { name: "list_staff", args: "", expect: [401, 403, 403, 403, 200] },
    Row {
        name: "invite_staff",
        args: "input[name]=Matrix%20Staff&input[email]=matrix-staff%40example.org&input[roles][is_therapist]=true",
        expect: [401, 403, 403, 403, 200],
    },
    Row { name: "resend_staff_invitation", args: "staff_id={staff}", expect: [401, 403, 403, 403, 404] },
    Row { name: "revoke_staff_invitation", args: "staff_id={staff}", expect: [401, 403, 403, 403, 404] },
    Row {
        name: "update_staff",
        args: "staff_id={staff}&input[name]=Taken&input[roles][is_admin]=true",
        expect: [401, 403, 403, 403, 404],
    },
    Row { name: "deactivate_staff", args: "staff_id={staff}&open_requests=decline", expect: [401, 403, 403, 403, 404] },
    Row { name: "reactivate_staff", args: "staff_id={staff}", expect: [401, 403, 403, 403, 404] },
    Row { name: "list_locations", args: "", expect: [401, 403, 403, 403, 200] },
    Row {
        name: "save_location",
        args: "location_id={location}&input[name]=Taken&input[street]=1%20Main%20St&input[city]=Portland&input[state]=ME&input[postal_code]=04101",
        expect: [401, 403, 403, 403, 404],
    },
    Row { name: "set_location_archived", args: "location_id={location}&archived=true", expect: [401, 403, 403, 403, 404] },
    Row {
        name: "update_organization_profile",
        args: "input[name]=Other%20Clinic%20Speech%20Therapy&input[time_zone]=America%2FChicago",
        expect: [401, 403, 403, 403, 200],
    },
    Row { name: "get_second_step", args: "", expect: [200, 200, 200, 200, 200] },
    Row { name: "finish_second_step", args: "code=123456", expect: [409, 409, 409, 409, 409] },
    Row { name: "start_two_step", args: "", expect: [401, 403, 403, 200, 200] },
    Row { name: "confirm_two_step", args: "token=not-a-token&code=123456", expect: [401, 403, 403, 409, 409] },
    Row { name: "turn_off_two_step", args: "code=123456", expect: [401, 403, 403, 409, 409] },
    Row { name: "reset_two_step", args: "staff_id={staff}", expect: [401, 403, 403, 403, 404] },
    Row { name: "set_two_step_required", args: "on=false", expect: [401, 403, 403, 403, 200] },
    Row { name: "set_reminder_hours", args: "hours=24", expect: [401, 403, 403, 403, 200] },
    Row { name: "set_my_reminders", args: "on=true", expect: [401, 200, 200, 403, 403] },
    Row { name: "list_client_appointments", args: "client_id={client}", expect: [401, 403, 403, 404, 404] },
    Row {
        name: "change_appointment",
        args: "client_id={client}&booking_id={booking}&input[staff_id]={staff}&input[location]=telehealth&input[date]=2031-01-01&input[time]=10%3A00&input[duration_minutes]=60&input[service]=Taken",
        expect: [401, 403, 403, 404, 404],
    },
    Row {
        name: "staff_cancel_appointment",
        args: "client_id={client}&booking_id={booking}&input[reason]=Taken",
        expect: [401, 403, 403, 404, 404],
    },
    Row {
        name: "plan_series",
        args: "client_id={client}&input[staff_id]={staff}&input[location]=telehealth&input[date]=2099-02-02&input[time]=10%3A00&input[duration_minutes]=60&input[service]=Session&input[price]=&repeat[days][mon]=true&repeat[weeks]=2",
        expect: [401, 403, 403, 404, 404],
    },
    Row {
        name: "create_series",
        args: "client_id={client}&input[staff_id]={staff}&input[location]=telehealth&input[date]=2099-02-02&input[time]=10%3A00&input[duration_minutes]=60&input[service]=Session&input[price]=&repeat[days][mon]=true&repeat[weeks]=2",
        expect: [401, 403, 403, 404, 404],
    },
    Row { name: "acknowledge_cancellation", args: "booking_id={booking}", expect: [401, 403, 403, 404, 404] },
    // Last, because it ends each caller's session.
    Row { name: "get_account", args: "", expect: [401, 200, 200, 200, 200] },
    Row {
        name: "change_password",
        args: "input[current]=not-the-password&input[password]=another-long-password&input[confirm]=another-long-password",
        expect: [401, 400, 400, 400, 400],
    },
    Row { name: "end_session", args: "handle=0000000000000000", expect: [401, 404, 404, 404, 404] },
    Row { name: "revoke_calendar_feed", args: "", expect: [401, 403, 403, 200, 200] },
    Row { name: "session_left", args: "", expect: [200, 200, 200, 200, 200] },
    Row { name: "stay_signed_in", args: "", expect: [200, 200, 200, 200, 200] },
    Row { name: "sign_out", args: "", expect: [200, 200, 200, 200, 200] },
    Row { name: "idle_sign_out", args: "", expect: [200, 200, 200, 200, 200] },
];

#[test]
fn every_server_function_has_a_row() {
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/api/").to_owned())
        .collect();
    let covered: BTreeSet<String> = MATRIX.iter().map(|r| r.name.to_owned()).collect();
    let missing: Vec<_> = registered.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "server functions without a row in the access matrix: {missing:?}"
    );
    let stale: Vec<_> = covered.difference(&registered).collect();
    assert!(
        stale.is_empty(),
        "rows for server functions that no longer exist: {stale:?}"
    );
}

#[tokio::test]
async fn every_caller_gets_exactly_what_the_matrix_allows() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let org = staff_user::Entity::find()
                .filter(staff_user::Column::Email.eq("admin@brightpath.example"))
                .one(&t.db)
                .await
                .unwrap()
                .unwrap()
                .organization_id;
            staff_user::ActiveModel {
                id: NotSet,
                organization_id: Set(org),
                name: Set("Riley Unassigned".into()),
                email: Set("unassigned@brightpath.example".into()),
                password_hash: Set(password::hash("demo-password-1".into()).await.unwrap()),
                is_admin: Set(false),
                is_therapist: Set(true),
                slot_minutes: Set(60),
                calendar_feed_hash: Set(None),
                credentials: Set(String::new()),
                deactivated_at: Set(None),
                totp_secret: Set(None),
                totp_last_step: Set(None),
                video_link: Set(None),
                created_at: Set(Utc::now()),
            }
            .insert(&t.db)
            .await
            .unwrap();
            let therapist = staff_user::Entity::find()
                .filter(staff_user::Column::Email.eq("therapist@brightpath.example"))
                .one(&t.db)
                .await
                .unwrap()
                .unwrap();
            let jordan = client_id(&t.db, "Jordan").await;
            let form = sent_form::Entity::find()
                .one(&t.db)
                .await
                .unwrap()
                .unwrap()
                .id;
            let template = form_template::Entity::find()
                .one(&t.db)
                .await
                .unwrap()
                .unwrap()
                .id;
            let parent = client_contact::Entity::find()
                .filter(client_contact::Column::Email.eq("parent@brightpath.example"))
                .one(&t.db)
                .await
                .unwrap()
                .unwrap()
                .id;
            enable_payments(&t.db, jordan).await;
            let owed = owed_bookings(&t.db, jordan).await;
            let booking = owed[0];
            let payment = common::paid(&t.db, jordan, owed[1]).await;
            let payers: Vec<i32> = payer::Entity::find()
                .filter(payer::Column::OrganizationId.eq(org))
                .all(&t.db)
                .await
                .unwrap()
                .iter()
                .map(|p| p.id)
                .collect();
            let clinic = location::Entity::find()
                .filter(location::Column::OrganizationId.eq(org))
                .one(&t.db)
                .await
                .unwrap()
                .unwrap()
                .id;
            let bright_path_clients = client::Entity::find()
                .filter(client::Column::OrganizationId.eq(org))
                .count(&t.db)
                .await
                .unwrap();

            let mut cookies = vec![None];
            for email in [
                "client@brightpath.example",
                "parent@brightpath.example",
                "unassigned@brightpath.example",
                "admin@otherclinic.example",
            ] {
                cookies.push(Some(sign_in(&app, email).await));
            }
            let mut failures = Vec::new();
            for row in MATRIX {
                let args = row
                    .args
                    .replace("{client}", &jordan.to_string())
                    .replace("{contact}", &parent.to_string())
                    .replace("{form}", &form.to_string())
                    .replace("{template}", &template.to_string())
                    .replace("{staff}", &therapist.id.to_string())
                    .replace("{booking}", &booking.to_string())
                    .replace("{payment}", &payment.to_string())
                    .replace("{payer}", &payers[0].to_string())
                    .replace("{payer2}", &payers[1].to_string())
                    .replace("{location}", &clinic.to_string());
                for (i, caller) in CALLERS.iter().enumerate() {
                    let reply = call(&app, row.name, &args, cookies[i].as_deref()).await;
                    if reply.status.as_u16() != row.expect[i] {
                        failures.push(format!(
                            "{} as {caller}: expected {}, got {} {}",
                            row.name, row.expect[i], reply.status, reply.body
                        ));
                    }
                    let outsider = i == 0 || i >= 3;
                    if outsider && reply.status == StatusCode::OK && reply.body.contains("Jordan") {
                        failures.push(format!(
                            "{} as {caller} leaked Jordan's data: {}",
                            row.name, reply.body
                        ));
                    }
                }
            }
            assert!(
                failures.is_empty(),
                "on {}:\n{}",
                t.kind,
                failures.join("\n")
            );
            let after = client::Entity::find()
                .filter(client::Column::OrganizationId.eq(org))
                .count(&t.db)
                .await
                .unwrap();
            assert_eq!(
                after, bright_path_clients,
                "nobody outside Bright Path created a client in it"
            );
            assert_eq!(
                client::Entity::find_by_id(jordan)
                    .one(&t.db)
                    .await
                    .unwrap()
                    .unwrap()
                    .first_name,
                "Jordan"
            );
        }),
    )
    .await;
}
