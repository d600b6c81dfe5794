//! `bridgehire generate`: synthetic candidates land in the user's agency, complete and
//! searchable, and nowhere else.

mod common;

use common::spawn_app;

#[actix_web::test]
async fn generated_candidates_are_complete_searchable_and_only_in_that_agency() {
    let app = spawn_app().await;
    let (ours, theirs) = app.two_agencies().await;
    let settings = common::settings(&app.database_url, &[]);
    bridgehire::generate::run(settings, 620, &ours.email, 7).expect("generates");

    let mut seen = 0;
    let mut cursor = String::new();
    let mut crossover = 0;
    loop {
        let page = app.get(&format!("/api/v1/candidates?limit=100{cursor}"), &ours.access).await;
        let page = page.ok(200).clone();
        for c in page["items"].as_array().unwrap() {
            seen += 1;
            assert!(!c["skills"].as_array().unwrap().is_empty(), "{c}");
            let (min, desired) = (c["min_rate_cents"].as_i64().unwrap(), c["desired_rate_cents"].as_i64().unwrap());
            assert!(0 < min && min <= desired, "{c}");
            crossover += usize::from(!c["crossover_signals"].as_array().unwrap().is_empty());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(seen, 620);
    assert!(crossover > 100, "only {crossover} candidates with crossover signals");

    let found = app.get("/api/v1/candidates?q=%22worked%20daily%22&limit=100", &ours.access).await;
    assert_eq!(found.ok(200)["items"].as_array().unwrap().len(), 100, "résumé text is indexed");
    let theirs_list = app.get("/api/v1/candidates", &theirs.access).await;
    assert!(theirs_list.ok(200)["items"].as_array().unwrap().is_empty());
}
