"""The first hour, through a client generated from openapi.yaml by openapi-python-client and
nothing else: sign up, a client, candidates, a job order, a résumé upload, the matches, the
shortlist. Every answer must be the typed model the contract promises; anything else fails.

    python first_hour.py <base url> <path to a résumé>
"""

import sys
from pathlib import Path

from bridgehire_client import AuthenticatedClient, Client
from bridgehire_client.api.auth import signup
from bridgehire_client.api.candidates import create_candidate, update_candidate
from bridgehire_client.api.clients import create_client
from bridgehire_client.api.job_orders import create_job_order
from bridgehire_client.api.matching import get_job_order_matches
from bridgehire_client.api.resumes import upload_resume
from bridgehire_client.api.shortlist import add_to_shortlist, move_shortlist_entry
from bridgehire_client.models import (
    Candidate,
    CandidateCreate,
    CandidatePatch,
    CandidateSkillInput,
    ClientCreate,
    JobOrder,
    JobOrderCreate,
    JobOrderSkillInput,
    Matches,
    ResumeUpload,
    ShortlistAdd,
    ShortlistEntry,
    ShortlistMove,
    ShortlistStage,
    SignupRequest,
    TokenPair,
    UploadResult,
)
from bridgehire_client.models import Client as ClientModel
from bridgehire_client.types import File


def expect(answer, model, status):
    """The parsed answer, which must be `model` with HTTP `status`."""
    if answer.status_code != status or not isinstance(answer.parsed, model):
        raise SystemExit(f"expected {status} {model.__name__}, got {answer.status_code}: {answer.content[:500]!r}")
    return answer.parsed


def main(base: str, resume: Path) -> None:
    public = Client(base_url=base)
    tokens = expect(
        signup.sync_detailed(
            client=public,
            body=SignupRequest(
                agency_name="Generated Client Staffing",
                name="Gene Rated",
                email="gene@generated.example",
                password="granite-orchid-lantern-58",
            ),
        ),
        TokenPair,
        201,
    )
    api = AuthenticatedClient(base_url=base, token=tokens.access_token)

    clinic = expect(
        create_client.sync_detailed(client=api, body=ClientCreate(name="Cedar Valley Rural Clinic", max_rate_cents=6500)),
        ClientModel,
        201,
    )
    sam = expect(
        create_candidate.sync_detailed(
            client=api,
            body=CandidateCreate(
                full_name="Sam Okafor",
                remote_ok=True,
                skills=[CandidateSkillInput(name="HL7 v2", years=2), CandidateSkillInput(name="SQL", years=5)],
                it_experience_months=84,
                healthcare_experience_months=0,
                desired_rate_cents=5200,
                min_rate_cents=4500,
            ),
        ),
        Candidate,
        201,
    )
    # A PATCH through the generated model must change only what it sets (no defaults sent).
    patched = expect(
        update_candidate.sync_detailed(sam.id, client=api, body=CandidatePatch(headline="Network admin moving into HIT")),
        Candidate,
        200,
    )
    assert patched.remote_ok is True, "a PATCH of the headline kept remote_ok"
    assert [s.name for s in patched.skills] == ["HL7 v2", "SQL"], "and the skills"

    with resume.open("rb") as f:
        uploaded = expect(
            upload_resume.sync_detailed(
                client=api, body=ResumeUpload(file=File(payload=f, file_name=resume.name, mime_type="application/pdf"))
            ),
            UploadResult,
            201,
        )
    assert uploaded.candidate.full_name, "the résumé made a named candidate"

    job = expect(
        create_job_order.sync_detailed(
            client=api,
            body=JobOrderCreate(
                client_id=clinic.id,
                title="Interface Analyst",
                remote=True,
                required_skills=[JobOrderSkillInput(name="HL7 v2", weight=8)],
            ),
        ),
        JobOrder,
        201,
    )
    matches = expect(get_job_order_matches.sync_detailed(job.id, client=api), Matches, 200)
    assert matches.pay_ceiling_cents == 5000, matches.pay_ceiling_cents
    sam_match = next(m for m in matches.matches if m.candidate_id == sam.id)
    assert (sam_match.offer_pay_rate_cents, sam_match.margin_cents) == (5000, 1500)

    entry = expect(
        add_to_shortlist.sync_detailed(job.id, client=api, body=ShortlistAdd(candidate_id=sam.id)),
        ShortlistEntry,
        201,
    )
    moved = expect(
        move_shortlist_entry.sync_detailed(
            job.id, entry.candidate_id, client=api, body=ShortlistMove(stage=ShortlistStage.SUBMITTED)
        ),
        ShortlistEntry,
        200,
    )
    assert moved.stage == ShortlistStage.SUBMITTED
    print(f"generated client: signed up, {len(matches.matches)} match(es), {sam_match.full_name} submitted")


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
