//! The demo's appointments: Jordan Lee has two past and two upcoming sessions with Taylor
//! Brooks at Main Clinic, at 10:00 in the practice's time zone on weekdays, each $120. The past
//! two are unpaid, so that a newcomer who enables the sandbox processor and Allow Payments
//! through Client Portal can pay at once.

use chrono::{Datelike, Duration, NaiveTime, TimeZone, Utc, Weekday};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, NotSet, Set};

use app::domain::schedule::BookingStatus;
use app::server::store::entities::booking;

/// Inserts the appointments (the demo loads into an empty database, so nothing overlaps).
pub async fn load(
    db: &impl ConnectionTrait,
    org: i32,
    therapist: i32,
    jordan: i32,
    main_clinic: i32,
) -> Result<(), DbErr> {
    let tz = chrono_tz::America::New_York;
    let today = Utc::now().with_timezone(&tz).date_naive();
    for offset in [-14i64, -7, 7, 14] {
        let mut date = today + Duration::days(offset);
        while matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            date += Duration::days(1);
        }
        let ten = NaiveTime::from_hms_opt(10, 0, 0).expect("a valid time");
        let Some(start) = tz.from_local_datetime(&date.and_time(ten)).earliest() else {
            continue;
        };
        let start = start.with_timezone(&Utc);
        booking::ActiveModel {
            id: NotSet,
            organization_id: Set(org),
            staff_id: Set(therapist),
            client_id: Set(jordan),
            status: Set(BookingStatus::Booked),
            starts_at: Set(start),
            ends_at: Set(start + Duration::minutes(60)),
            location_id: Set(Some(main_clinic)),
            telehealth: Set(false),
            service: Set("ABA therapy session".into()),
            price_cents: Set(Some(12_000)),
            note: Set(None),
            last_minute: Set(false),
            requested_by: Set(format!("staff:{therapist}")),
            decided_by: Set(None),
            decided_at: Set(None),
            decision_reason: Set(None),
            cancelled_by: Set(None),
            acknowledged_at: Set(None),
            reminded_at: Set(None),
            series_id: Set(None),
            video_link: Set(None),
            created_at: Set(Utc::now()),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}
