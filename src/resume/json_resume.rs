//! A candidate as a JSON Resume 1.0 document (https://jsonresume.org/schema), for tools that
//! speak that format. Work history comes from the current résumé's extraction.

use serde_json::{json, Map, Value};

use super::extract::Extraction;
use crate::domain::candidate::CandidateDraft;

fn location(raw: &str) -> Value {
    match raw.rsplit_once(',') {
        Some((city, region)) => json!({"city": city.trim(), "region": region.trim()}),
        None => json!({"address": raw}),
    }
}

/// `month` is "YYYY-MM" or "present"; JSON Resume dates are ISO 8601 (YYYY-MM here).
fn date(month: &str) -> Option<Value> {
    (month != "present").then(|| Value::String(month.to_owned()))
}

pub fn export(c: &CandidateDraft, extraction: Option<&Extraction>, last_modified: &str) -> Value {
    let mut basics = Map::new();
    basics.insert("name".into(), json!(c.full_name));
    if let Some(v) = &c.headline {
        basics.insert("label".into(), json!(v));
    }
    if let Some(v) = &c.email {
        basics.insert("email".into(), json!(v));
    }
    if let Some(v) = &c.phone {
        basics.insert("phone".into(), json!(v));
    }
    if let Some(v) = &c.location {
        basics.insert("location".into(), location(v));
    }
    let skills: Vec<Value> = c
        .skills
        .iter()
        .map(|s| {
            let mut skill = Map::new();
            skill.insert("name".into(), json!(s.name));
            if let Some(level) = s.level {
                skill.insert("level".into(), json!(level.as_str()));
            }
            if let Some(years) = s.years {
                skill.insert("keywords".into(), json!([format!("{years} years")]));
            }
            Value::Object(skill)
        })
        .collect();
    let work: Vec<Value> = extraction
        .map(|x| {
            x.jobs
                .iter()
                .map(|j| {
                    let mut job = Map::new();
                    job.insert("position".into(), json!(j.heading));
                    job.insert("startDate".into(), json!(j.start));
                    if let Some(end) = date(&j.end) {
                        job.insert("endDate".into(), end);
                    }
                    Value::Object(job)
                })
                .collect()
        })
        .unwrap_or_default();
    let certificates: Vec<Value> = c.certifications.iter().map(|n| json!({"name": n})).collect();
    json!({
        "$schema": "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json",
        "basics": basics,
        "work": work,
        "skills": skills,
        "certificates": certificates,
        "meta": {"version": "v1.0.0", "lastModified": last_modified},
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::candidate::{CandidateInput, SkillClaim};

    #[test]
    fn exports_basics_skills_and_certificates() {
        let draft = CandidateInput {
            full_name: "Dana Reyes".into(),
            location: Some("Tulsa, OK".into()),
            skills: Some(vec![SkillClaim { name: "HL7 v2".into(), years: Some(3), level: None }]),
            certifications: Some(vec!["CAHIMS".into()]),
            ..Default::default()
        }
        .validate()
        .unwrap();
        let doc = export(&draft, None, "2026-11-25T00:00:00Z");
        assert_eq!(doc["basics"]["name"], "Dana Reyes");
        assert_eq!(doc["basics"]["location"]["region"], "OK");
        assert_eq!(doc["skills"][0]["name"], "HL7 v2");
        assert_eq!(doc["certificates"][0]["name"], "CAHIMS");
    }
}
