//! Billing & Insurance Info on both databases: the policy rule through the server, the settings'
//! 403s with staff access kept, client-added payers in the directory and its review queue,
//! deduplication by normalised name, merges that move policies, and simultaneous saves that
//! cannot both take one rank.

use crate::common;

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use app::server::store::entities::{insurance_policy, payer};
use common::{audited, call, client_id, each_database, futures_join, json, sign_in};

/// A policy form for `payer` (an id or `new`) with `rank` from `from`.
fn policy(client: i32, policy_id: i32, payer: &str, rank: &str, from: &str, to: &str) -> String {
    format!(
        "client_id={client}&policy_id={policy_id}&input[payer]={payer}&input[member_id]=W123456789\
         &input[group_number]=G-100&input[subscriber_name]=Jordan%20Lee&input[subscriber_dob]=2000-05-01\
         &input[relationship]=self&input[rank]={rank}&input[effective_on]={from}&input[terminates_on]={to}"
    )
}

fn new_payer(client: i32, name: &str) -> String {
    format!(
        "{}&input[new_payer][name]={}&input[new_payer][phone]=617-555-0100",
        policy(client, 0, "new", "secondary", "2026-01-01", ""),
        name.replace(' ', "%20")
    )
}

async fn payer_id(db: &sea_orm::DatabaseConnection, name: &str) -> i32 {
    payer::Entity::find()
        .filter(payer::Column::Name.eq(name))
        .one(db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no payer {name}"))
        .id
}

#[tokio::test]
async fn the_policy_rule_runs_on_the_server() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let jordan = client_id(&t.db, "Jordan").await;
            let aetna = payer_id(&t.db, "Aetna").await.to_string();
            let client = sign_in(&app, "client@brightpath.example").await;
            let view = json(
                &call(
                    &app,
                    "get_insurance",
                    &format!("client_id={jordan}"),
                    Some(&client),
                )
                .await
                .body,
            );
            assert_eq!(view["policies"].as_array().unwrap().len(), 0);
            assert_eq!(
                view["payers"].as_array().unwrap().len(),
                5,
                "the demo's payers"
            );
            assert_eq!(view["may_add_payers"], true);

            let bad = call(
                &app,
                "save_policy",
                &policy(jordan, 0, &aetna, "primary", "2026-01-01", "2025-12-31")
                    .replace("W123456789", "W%2012"),
                Some(&client),
            )
            .await;
            assert_eq!(bad.status, 400, "{}", bad.body);
            assert!(bad.body.contains("member ID has 2 to 30"), "{}", bad.body);
            assert!(
                bad.body.contains("termination date is before"),
                "{}",
                bad.body
            );

            let ok = call(
                &app,
                "save_policy",
                &policy(jordan, 0, &aetna, "primary", "2026-01-01", ""),
                Some(&client),
            )
            .await;
            assert_eq!(ok.status, 200, "{}", ok.body);
            let view = json(&ok.body);
            assert_eq!(view["policies"][0]["member_id"], "W123456789");
            let first = view["policies"][0]["id"].as_i64().unwrap() as i32;

            // A second primary over the same dates is refused; a secondary is fine.
            let clash = call(
                &app,
                "save_policy",
                &policy(jordan, 0, &aetna, "primary", "2026-06-01", ""),
                Some(&client),
            )
            .await;
            assert_eq!(clash.status, 400);
            assert!(
                clash
                    .body
                    .contains("primary policy with Aetna covers some of the same dates"),
                "{}",
                clash.body
            );
            let secondary = call(
                &app,
                "save_policy",
                &policy(jordan, 0, &aetna, "secondary", "2026-06-01", ""),
                Some(&client),
            )
            .await;
            assert_eq!(secondary.status, 200, "{}", secondary.body);
            // Ending the first primary makes room for the next one.
            let ended = call(
                &app,
                "save_policy",
                &policy(jordan, first, &aetna, "primary", "2026-01-01", "2026-05-31"),
                Some(&client),
            )
            .await;
            assert_eq!(ended.status, 200, "{}", ended.body);
            let next = call(
                &app,
                "save_policy",
                &policy(jordan, 0, &aetna, "primary", "2026-06-01", ""),
                Some(&client),
            )
            .await;
            assert_eq!(next.status, 200, "{}", next.body);
            assert_eq!(audited(&t.db, "insurance.policy.added").await, 3);
            assert_eq!(audited(&t.db, "insurance.policy.updated").await, 1);

            // Another organization's payer, or another client's policy, cannot be used.
            let foreign = call(
                &app,
                "save_policy",
                &policy(jordan, 0, "999999", "tertiary", "2026-01-01", ""),
                Some(&client),
            )
            .await;
            assert_eq!(foreign.status, 400);
            let sam = client_id(&t.db, "Sam").await;
            let sams = insurance_policy::Entity::find()
                .filter(insurance_policy::Column::ClientId.eq(sam))
                .one(&t.db)
                .await
                .unwrap()
                .unwrap();
            let hijack = call(
                &app,
                "save_policy",
                &policy(jordan, sams.id, &aetna, "tertiary", "2026-01-01", ""),
                Some(&client),
            )
            .await;
            assert_eq!(hijack.status, 404);
        }),
    )
    .await;
}

#[tokio::test]
async fn simultaneous_saves_cannot_both_take_one_rank() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let jordan = client_id(&t.db, "Jordan").await;
            let aetna = payer_id(&t.db, "Aetna").await.to_string();
            let client = sign_in(&app, "client@brightpath.example").await;
            // Eight primary policies over overlapping dates, sent at once.
            let replies = futures_join(8, |i| {
                let (app, client) = (app.clone(), client.clone());
                let args = policy(
                    jordan,
                    0,
                    &aetna,
                    "primary",
                    &format!("2026-0{}-01", i + 1),
                    "",
                );
                async move { call(&app, "save_policy", &args, Some(&client)).await }
            })
            .await;
            let statuses: Vec<u16> = replies.iter().map(|r| r.status.as_u16()).collect();
            assert_eq!(
                statuses.iter().filter(|s| **s == 200).count(),
                1,
                "exactly one save takes the rank on {}: {statuses:?}",
                t.kind
            );
            assert!(
                statuses.iter().all(|s| *s == 200 || *s == 400),
                "the others are refused by the rule: {statuses:?}"
            );
            let stored = insurance_policy::Entity::find()
                .filter(insurance_policy::Column::ClientId.eq(jordan))
                .count(&t.db)
                .await
                .unwrap();
            assert_eq!(stored, 1);
        }),
    )
    .await;
}

#[tokio::test]
async fn portal_access_follows_the_settings_and_staff_keep_theirs() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let jordan = client_id(&t.db, "Jordan").await;
            let aetna = payer_id(&t.db, "Aetna").await.to_string();
            let client = sign_in(&app, "client@brightpath.example").await;
            let admin = sign_in(&app, "admin@brightpath.example").await;
            let therapist = sign_in(&app, "therapist@brightpath.example").await;
            let args = format!("client_id={jordan}");
            assert_eq!(call(&app, "save_policy", &policy(jordan, 0, &aetna, "primary", "2026-01-01", ""), Some(&client)).await.status, 200);

            let off = call(&app, "change_setting", &format!("client_id={jordan}&setting=insurance_info&on=false"), Some(&admin)).await;
            assert_eq!(off.status, 200, "{}", off.body);
            assert_eq!(call(&app, "get_insurance", &args, Some(&client)).await.status, 403);
            assert_eq!(call(&app, "save_policy", &policy(jordan, 0, &aetna, "secondary", "2026-01-01", ""), Some(&client)).await.status, 403);
            // Staff keep full access: the assigned therapist reads and edits.
            let staff_view = call(&app, "get_insurance", &args, Some(&therapist)).await;
            assert_eq!(staff_view.status, 200);
            assert_eq!(json(&staff_view.body)["policies"].as_array().unwrap().len(), 1, "nothing was deleted");
            assert_eq!(json(&staff_view.body)["may_add_payers"], false);
            assert_eq!(call(&app, "save_policy", &policy(jordan, 0, &aetna, "secondary", "2026-01-01", ""), Some(&therapist)).await.status, 200);
            // Turned on again: everything is still there.
            call(&app, "change_setting", &format!("client_id={jordan}&setting=insurance_info&on=true"), Some(&admin)).await;
            let back = json(&call(&app, "get_insurance", &args, Some(&client)).await.body);
            assert_eq!(back["policies"].as_array().unwrap().len(), 2);

            // A contact needs the forms or the payments scope.
            let parent = sign_in(&app, "parent@brightpath.example").await;
            assert_eq!(call(&app, "get_insurance", &args, Some(&parent)).await.status, 200);
            let contact = json(&call(&app, "get_client", &format!("id={jordan}"), Some(&admin)).await.body)["contacts"][0]["id"].as_i64().unwrap();
            let scheduling_only = call(
                &app,
                "set_contact_access",
                &format!("client_id={jordan}&contact_id={contact}&access[portal_access]=true&access[scheduling]=true"),
                Some(&admin),
            )
            .await;
            assert_eq!(scheduling_only.status, 200, "{}", scheduling_only.body);
            assert_eq!(call(&app, "get_insurance", &args, Some(&parent)).await.status, 403);
        }),
    )
    .await;
}

#[tokio::test]
async fn client_added_payers_are_deduplicated_and_land_in_the_review_queue() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let jordan = client_id(&t.db, "Jordan").await;
            let client = sign_in(&app, "client@brightpath.example").await;
            let admin = sign_in(&app, "admin@brightpath.example").await;
            let before = payer::Entity::find().count(&t.db).await.unwrap();

            let added = call(
                &app,
                "save_policy",
                &new_payer(jordan, "Harbor Health Plan "),
                Some(&client),
            )
            .await;
            assert_eq!(added.status, 200, "{}", added.body);
            let view = json(&added.body);
            assert_eq!(view["policies"][0]["payer_name"], "Harbor Health Plan");
            assert!(
                view["payers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|p| p["name"] == "Harbor Health Plan"),
                "usable at once"
            );

            // "harbor  health-plan" is the same payer: no second row.
            let again = call(
                &app,
                "save_policy",
                &new_payer(jordan, "harbor  health-plan")
                    .replace("rank]=secondary", "rank]=tertiary"),
                Some(&client),
            )
            .await;
            assert_eq!(again.status, 200, "{}", again.body);
            assert_eq!(
                payer::Entity::find().count(&t.db).await.unwrap(),
                before + 1
            );
            assert_eq!(audited(&t.db, "payer.added_by_client").await, 1);

            let directory = json(&call(&app, "list_payers", "", Some(&admin)).await.body);
            assert_eq!(directory["review"].as_array().unwrap().len(), 1);
            assert_eq!(directory["review"][0]["name"], "Harbor Health Plan");
            assert_eq!(directory["review"][0]["added_by_client"], true);
            assert_eq!(directory["review"][0]["policies"], 2);
            assert!(directory["payers"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["name"] == "Harbor Health Plan"));

            // With Allow Clients to Add New Insurance Payers off, the server refuses.
            let off = call(
                &app,
                "change_setting",
                "setting=add_payers&on=false",
                Some(&admin),
            )
            .await;
            assert_eq!(off.status, 200, "{}", off.body);
            let view = json(
                &call(
                    &app,
                    "get_insurance",
                    &format!("client_id={jordan}"),
                    Some(&client),
                )
                .await
                .body,
            );
            assert_eq!(view["may_add_payers"], false);
            let refused = call(
                &app,
                "save_policy",
                &new_payer(jordan, "Seaside Mutual").replace("rank]=secondary", "rank]=tertiary"),
                Some(&client),
            )
            .await;
            assert_eq!(refused.status, 403);
            assert_eq!(
                payer::Entity::find().count(&t.db).await.unwrap(),
                before + 1
            );

            // Staff approve it: it leaves the queue.
            let harbor = payer_id(&t.db, "Harbor Health Plan").await;
            let approved = json(
                &call(
                    &app,
                    "approve_payer",
                    &format!("payer_id={harbor}"),
                    Some(&admin),
                )
                .await
                .body,
            );
            assert_eq!(approved["review"].as_array().unwrap().len(), 0);
        }),
    )
    .await;
}

#[tokio::test]
async fn administrators_correct_deactivate_and_merge_payers() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let jordan = client_id(&t.db, "Jordan").await;
            let client = sign_in(&app, "client@brightpath.example").await;
            let admin = sign_in(&app, "admin@brightpath.example").await;
            assert_eq!(call(&app, "save_policy", &new_payer(jordan, "Blue Cros of Mass"), Some(&client)).await.status, 200);
            let typo = payer_id(&t.db, "Blue Cros of Mass").await;
            let bcbs = payer_id(&t.db, "Blue Cross Blue Shield of Massachusetts").await;

            // Correcting to an existing name (normalised) is refused: merge instead.
            let dup = call(
                &app,
                "save_payer",
                &format!("payer_id={typo}&input[name]=blue%20cross%20blue%20shield%20of%20massachusetts.&input[payer_code]=&input[address]=&input[phone]="),
                Some(&admin),
            )
            .await;
            assert_eq!(dup.status, 409, "{}", dup.body);
            let merged = call(&app, "merge_payer", &format!("payer_id={typo}&into={bcbs}"), Some(&admin)).await;
            assert_eq!(merged.status, 200, "{}", merged.body);
            let moved = insurance_policy::Entity::find()
                .filter(insurance_policy::Column::ClientId.eq(jordan))
                .one(&t.db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(moved.payer_id, bcbs, "the policy moved");
            let directory = json(&merged.body);
            assert!(!directory["payers"].as_array().unwrap().iter().any(|p| p["id"] == typo));
            assert_eq!(directory["review"].as_array().unwrap().len(), 0);
            assert_eq!(audited(&t.db, "payer.merged").await, 1);
            assert_eq!(call(&app, "merge_payer", &format!("payer_id={bcbs}&into={bcbs}"), Some(&admin)).await.status, 400);

            // Create, correct, deactivate: a deactivated payer is not offered for new policies.
            let created = call(&app, "save_payer", "payer_id=0&input[name]=Seaside%20Mutual&input[payer_code]=sm-01&input[address]=1%20Harbor%20Way&input[phone]=", Some(&admin)).await;
            assert_eq!(created.status, 200, "{}", created.body);
            let seaside = payer_id(&t.db, "Seaside Mutual").await;
            let row = payer::Entity::find_by_id(seaside).one(&t.db).await.unwrap().unwrap();
            assert_eq!(row.payer_code.as_deref(), Some("SM-01"));
            let fixed = call(&app, "save_payer", &format!("payer_id={seaside}&input[name]=Seaside%20Mutual%20Insurance&input[payer_code]=SM-01&input[address]=&input[phone]=508-555-0199"), Some(&admin)).await;
            assert_eq!(fixed.status, 200, "{}", fixed.body);
            assert_eq!(audited(&t.db, "payer.updated").await, 1);
            let off = call(&app, "set_payer_active", &format!("payer_id={seaside}&active=false"), Some(&admin)).await;
            assert_eq!(off.status, 200);
            let view = json(&call(&app, "get_insurance", &format!("client_id={jordan}"), Some(&client)).await.body);
            assert!(!view["payers"].as_array().unwrap().iter().any(|p| p["id"] == seaside));
            let refused = call(&app, "save_policy", &policy(jordan, 0, &seaside.to_string(), "tertiary", "2026-01-01", ""), Some(&client)).await;
            assert_eq!(refused.status, 400);
            let bad = call(&app, "save_payer", "payer_id=0&input[name]=&input[payer_code]=&input[address]=&input[phone]=", Some(&admin)).await;
            assert_eq!(bad.status, 400);
        }),
    )
    .await;
}
