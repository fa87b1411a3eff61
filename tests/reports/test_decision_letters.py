"""Letters to the GP and the referrer about a signed decision: plain words, escaped free text, stored and
signed once like the outcome record, listed on the decision page, and a "sent" status with its history.

WeasyPrint is stubbed (the PDF's subject is the HTML's SHA-256), so what a letter says is read from the HTML
it is rendered from; one real_pdf test reads the text layer of a real rendering.
"""

import io
import re
import threading
from datetime import date

import pypdf
import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from cases.audit.models import AccessAction, AccessLog
from cases.meetings import services as meeting_services
from cases.meetings.services import canonical_content
from cases.pathways.engine import RECOMMENDATION_CODES
from cases.reports import services
from cases.reports.letters import letter_html
from cases.reports.models import LetterSending, LetterSettings, StoredLetter, StoredLetterError, StoredSummary
from cases.reports.signing import attached_record, pades_problems
from cases.reports.summary import record_name
from tests.meetings.factories import add_item, make_meeting, record, signed
from tests.reports.tampering import as_owner
from tests.reports.test_concurrent_records import THREADED, clean_meetings, run_together  # noqa: F401 (a fixture)
from tests.reports.test_verify_records import verify as verify_records

pytestmark = pytest.mark.django_db

HOSTILE = '<img src="file:///etc/passwd">&<b>x</b>'
VERDICT_WORDS = ("Recommended", "Not recommended", "Consider", "engine", "verdict", "departure")


def recommended_code(decision) -> str:
    return next(o["code"] for o in decision.outcomes if o["engine_verdict"] == "recommended")


def title_of(decision, code: str) -> str:
    return next(o["title"] for o in decision.outcomes if o["code"] == code)


@pytest.fixture
def item(chair):
    return add_item(make_meeting(chair))


@pytest.fixture
def decision(item, clinician, chair):
    return signed(item, clinician, chair, plan="Resect the primary and both liver metastases in one operation.")


def letter_url(decision, recipient: str = "gp") -> str:
    return reverse("reports:decision_letter", kwargs={"public_id": decision.public_id, "recipient": recipient})


def sent_url(decision, recipient: str = "gp") -> str:
    return reverse("reports:letter_sent", kwargs={"public_id": decision.public_id, "recipient": recipient})


def visible_text(html: str) -> str:
    """The letter's words without its markup, spaces collapsed (what a reader sees)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" :", ":")


# --- what the letters say -------------------------------------------------------------------------------


def test_the_gp_letter_names_no_engine_code_and_no_engine_verdict(decision):
    text = visible_text(letter_html(decision, "gp"))
    for code in RECOMMENDATION_CODES:
        assert not re.search(rf"\b{re.escape(code)}\b", text), code
    for word in VERDICT_WORDS:
        assert word not in text, word


def test_the_gp_letter_says_what_the_board_recommends_in_words(decision):
    text = visible_text(letter_html(decision, "gp"))
    assert "The board recommends:" in text
    chosen = [o["title"] for o in decision.outcomes if o["outcome"] in ("accept", "modify")]
    assert chosen and all(title in text for title in chosen)
    assert "Resect the primary and both liver metastases in one operation." in text
    assert "to remove the tumour completely, with the aim of cure" in text  # curative, in words
    assert "Book surgery (Surgery)" in text
    assert "St Elsewhere University Hospital" in text and "Dr A. Example" in text  # the seeded letterhead


def test_the_referrer_letter_gives_the_boards_reason_for_a_departure(item, clinician, chair):
    draft = record(item, clinician)
    code = recommended_code(draft)
    decision = signed(item, clinician, chair, choices={code: ("reject", "Patient declines an operation.")})
    referrer = visible_text(letter_html(decision, "referrer"))
    assert f"{title_of(decision, code)}: Patient declines an operation." in referrer
    assert f"To {item.case.referring_clinician}" in referrer
    gp = visible_text(letter_html(decision, "gp"))
    assert "The board decided against:" in gp and "Patient declines an operation." in gp
    assert not re.search(rf"\b{re.escape(code)}\b", gp)


def test_every_free_text_is_escaped_in_both_letters(item, clinician, chair):
    case = item.case
    case.referring_clinician = HOSTILE
    case.save()
    patient = case.patient
    patient.given_name, patient.family_name = HOSTILE, HOSTILE
    patient.save()
    LetterSettings.objects.update(
        hospital_name=HOSTILE, address=HOSTILE, signatory_name=HOSTILE, contact_note=HOSTILE, telephone=HOSTILE
    )
    draft = record(item, clinician)
    code = recommended_code(draft)
    decision = signed(
        item,
        clinician,
        chair,
        plan=HOSTILE,
        choices={code: ("reject", HOSTILE)},
        actions=[{"what": HOSTILE, "owner": HOSTILE, "due_date": None}],
    )
    for recipient in ("gp", "referrer"):
        html = letter_html(decision, recipient)
        assert "<img" not in html and "<b>x</b>" not in html
        assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;&amp;&lt;b&gt;x&lt;/b&gt;" in html


def test_an_amendments_letters_are_addenda_that_say_what_changed(item, clinician, chair):
    original = signed(item, clinician, chair, plan="Operate.")
    code = recommended_code(original)
    meeting_services.amend_decision(original, chair, "New imaging: more liver metastases <script>.")
    record(item, clinician, plan="Somatostatin analogue first.", choices={code: ("reject", "Too extensive now.")})
    amendment = meeting_services.sign_decision(
        meeting_services.head_decision(item), chair, meeting_services.head_decision(item).lock_version
    )
    for recipient in ("gp", "referrer"):
        html = letter_html(amendment, recipient)
        text = visible_text(html)
        assert "Addendum: the board has changed its decision" in text
        assert "New imaging: more liver metastases &lt;script&gt;." in text
        assert "The plan has changed (the new plan is below). It was: “Operate.”" in text
        assert "The plan: Somatostatin analogue first." in text
        assert f"{title_of(amendment, code)}: was planned, is now not planned." in text
    # The original's letters stay letters, not addenda.
    assert "Addendum" not in visible_text(letter_html(original, "gp"))


def test_an_addendum_names_follow_ups_changed_added_and_dropped(item, clinician, chair):
    before = [
        {"what": "Book surgery", "owner": "Surgery", "due_date": None},
        {"what": "Repeat CgA", "owner": "GP", "due_date": None},
    ]
    original = signed(item, clinician, chair, actions=before)
    meeting_services.amend_decision(original, chair, "Dates agreed.")
    after = [
        {"what": "Book surgery", "owner": "Surgery", "due_date": date(2026, 12, 27)},
        {"what": "Octreotide cover", "owner": "Anaesthesia", "due_date": None},
    ]
    record(item, clinician, actions=after)
    head = meeting_services.head_decision(item)
    amendment = meeting_services.sign_decision(head, chair, head.lock_version)
    changes = visible_text(letter_html(amendment, "gp"))
    assert "Follow-up changed: Book surgery (Surgery, by 27 Dec 2026); it was Book surgery (Surgery)." in changes
    assert "New follow-up: Octreotide cover (Anaesthesia)." in changes
    assert "No longer planned: Repeat CgA (GP)." in changes
    assert "The plan has changed" not in changes  # the plan itself is the same


def test_an_amendment_that_changes_nothing_in_the_plan_says_so(item, clinician, chair):
    original = signed(item, clinician, chair, plan="Operate.")
    draft = meeting_services.amend_decision(original, chair, "Typo in the attendance.")
    amendment = meeting_services.sign_decision(draft, chair, draft.lock_version)
    assert "The plan itself did not change" in visible_text(letter_html(amendment, "gp"))


# --- stored, signed, never regenerated ------------------------------------------------------------------


def test_the_first_download_stores_the_signed_letter_and_every_later_one_serves_the_same_bytes(
    client, coordinator, decision
):
    client.force_login(coordinator)
    first = client.get(letter_url(decision))
    assert first.status_code == 200
    assert first["Content-Disposition"] == f'attachment; filename="mdt-letter-gp-decision-{decision.public_id}.pdf"'
    letter = StoredLetter.objects.get(decision=decision, recipient="gp")
    body = b"".join(first.streaming_content) if first.streaming else first.content
    assert bytes(letter.pdf) == body and letter.matches() and letter.byte_size == len(body)
    # Signed like the outcome record: the decision's canonical JSON attached, one valid PAdES signature.
    assert attached_record(body, record_name(decision)) == canonical_content(decision)
    assert pades_problems(body) == []
    LetterSettings.objects.update(signatory_name="Someone Else")  # today's letterhead does not rewrite a letter
    second = client.get(letter_url(decision))
    assert (b"".join(second.streaming_content) if second.streaming else second.content) == body
    assert StoredLetter.objects.filter(decision=decision).count() == 1
    downloads = AccessLog.objects.filter(action=AccessAction.PDF_DOWNLOAD, detail="letter to the general practitioner")
    assert downloads.count() == 2


def test_a_stored_letter_is_not_rendered_again(decision, monkeypatch):
    stored = services.store_letter(decision, "referrer")

    def render_again(*args):
        raise AssertionError("a stored letter was rendered again")

    monkeypatch.setattr(services, "render_signed_letter", render_again)
    assert services.store_letter(decision, "referrer").pk == stored.pk


def test_two_servers_rendering_at_once_store_one_letter(decision, monkeypatch):
    """The other server stores its letter while this one renders: this one's insert fails, theirs is served."""
    real_render = services.render_signed_letter

    def render_while_another_server_stores(d, recipient):
        theirs = real_render(d, recipient)
        StoredLetter.objects.create(
            decision=d, recipient=recipient, pdf=theirs, sha256=StoredSummary.digest(theirs), byte_size=len(theirs)
        )
        return theirs + b"% ours"

    monkeypatch.setattr(services, "render_signed_letter", render_while_another_server_stores)
    letter = services.store_letter(decision, "gp")
    assert not bytes(letter.pdf).endswith(b"% ours")
    assert StoredLetter.objects.filter(decision=decision, recipient="gp").count() == 1


@THREADED
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("clean_meetings")
def test_two_first_downloads_at_once_store_one_letter_and_get_the_same_bytes(clinician, chair, viewer, monkeypatch):
    """Two app servers: both find no letter, both render it (held until both have), one insert wins."""
    decision = signed(add_item(make_meeting(chair)), clinician, chair)
    both_rendered = threading.Barrier(2, timeout=30)
    real_render = services.render_signed_letter

    def render_side_by_side(d, recipient):
        pdf = real_render(d, recipient)
        both_rendered.wait()
        return pdf + b"% rendered by " + threading.current_thread().name.encode()

    monkeypatch.setattr(services, "render_signed_letter", render_side_by_side)

    def download(n):
        client = Client()
        client.force_login(viewer)
        response = client.get(letter_url(decision))
        return response.status_code, b"".join(response)

    results = run_together(download, 2)
    stored = bytes(StoredLetter.objects.get(decision=decision, recipient="gp").pdf)
    assert results == [(200, stored), (200, stored)]
    assert StoredLetter.objects.count() == 1


def test_the_database_refuses_to_change_or_delete_a_stored_letter(decision):
    letter = services.store_letter(decision, "gp")
    with pytest.raises(StoredLetterError):
        letter.save()
    with pytest.raises(StoredLetterError):
        letter.delete()
    for attempt in (
        lambda: StoredLetter.objects.filter(pk=letter.pk).update(sha256="0" * 64),
        lambda: StoredLetter.objects.filter(pk=letter.pk).delete(),
    ):
        with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
            attempt()
    assert StoredLetter.objects.get(pk=letter.pk).matches()


def test_verify_records_checks_every_stored_letter_and_finds_one_changed_around_the_database(decision):
    gp = services.store_letter(decision, "gp")
    services.store_letter(decision, "referrer")
    status, out = verify_records()
    assert status == 0 and "Checked 2 stored letters (to GPs and referrers)." in out
    pdf = bytes(gp.pdf)
    as_owner(
        "UPDATE reports_storedletter SET pdf = %s WHERE id = %s", [pdf.replace(b"/Producer", b"/Pr0ducer", 1), gp.pk]
    )
    status, out = verify_records()
    assert status == 1
    assert f"PROBLEM letter {gp.public_id} (gp): its stored PDF does not match the SHA-256 stored with it" in out


def test_a_draft_has_no_letter(client, clinician, item):
    draft = record(item, clinician)
    client.force_login(clinician)
    assert client.get(letter_url(draft)).status_code == 404
    assert client.get(letter_url(draft).replace("/gp.pdf", "/patient.pdf")).status_code == 404
    assert not StoredLetter.objects.exists()


# --- the decision page and the "sent" status ------------------------------------------------------------


def test_the_decision_page_lists_both_letters_for_a_signed_decision_only(client, viewer, decision, item, clinician):
    client.force_login(viewer)
    page = client.get(decision.get_absolute_url()).content.decode()
    assert letter_url(decision, "gp") in page and letter_url(decision, "referrer") in page
    assert "Record as sent" not in page  # a viewer reads, and records nothing
    other = add_item(item.meeting)
    draft = record(other, clinician)
    draft_page = client.get(draft.get_absolute_url()).content.decode()
    assert 'id="letters"' not in draft_page and letter_url(draft) not in draft_page


def test_recording_a_sent_letter_keeps_who_when_and_how_with_its_history(client, coordinator, decision):
    client.force_login(coordinator)
    client.get(letter_url(decision))
    response = client.post(sent_url(decision), {"method": "secure_email", "note": "to nhs.net <address>"})
    assert response.status_code == 303
    sending = LetterSending.objects.get()
    assert (sending.letter.recipient, sending.method, sending.sent_by) == ("gp", "secure_email", coordinator)
    assert sending.note == "to nhs.net <address>"
    history = sending.history.get()
    assert history.history_type == "+" and history.history_user == coordinator and history.method == "secure_email"
    page = client.get(decision.get_absolute_url()).content.decode()
    assert "Sent by secure e-mail on" in page and "to nhs.net &lt;address&gt;" in page


def test_a_sent_form_without_a_method_is_refused_and_records_nothing(client, coordinator, decision):
    client.force_login(coordinator)
    client.get(letter_url(decision))
    plain = client.post(sent_url(decision), {"note": "posted"})
    assert plain.status_code == 422
    assert "How it was sent: choose post, secure e-mail or printed." in plain.content.decode()
    htmx = client.post(sent_url(decision), {"note": "posted"}, headers={"HX-Request": "true"})
    assert htmx.status_code == 200 and "How it was sent: choose" in htmx.content.decode()
    assert 'id="letters"' in htmx.content.decode()
    assert not LetterSending.objects.exists()


def test_a_letter_not_generated_yet_cannot_be_recorded_as_sent(client, coordinator, decision):
    client.force_login(coordinator)
    response = client.post(sent_url(decision, "referrer"), {"method": "post"})
    assert response.status_code == 422
    assert "has not been generated yet: download it first" in response.content.decode()
    assert not LetterSending.objects.exists() and not StoredLetter.objects.exists()


def test_a_viewer_may_download_a_letter_but_not_record_it_sent(client, viewer, decision):
    client.force_login(viewer)
    assert client.get(letter_url(decision)).status_code == 200
    assert client.post(sent_url(decision), {"method": "post"}).status_code == 403
    assert not LetterSending.objects.exists()


@pytest.mark.real_pdf
def test_the_real_gp_letter_prints_on_one_page_without_engine_codes(decision):
    letter = services.store_letter(decision, "gp")
    reader = pypdf.PdfReader(io.BytesIO(bytes(letter.pdf)))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) == 1
    patient = decision.agenda_item.case.patient
    assert patient.family_name.upper() in text and "The board recommends:" in text
    for code in RECOMMENDATION_CODES:
        assert not re.search(rf"\b{re.escape(code)}\b", text), code
    assert "Recommended" not in text and "engine" not in text
