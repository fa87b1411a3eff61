"""Asking for a draft PDF as a user does: POST, follow to the job's page, download what it offers."""

from django.urls import reverse

from cases.jobs.models import Job


def draft_pdf(client, url: str):
    """POST to URL (a PDF with drafts), check the job page it leads to says ready, return the download."""
    started = client.post(url)
    assert started.status_code == 303, started.status_code
    page = client.get(started["Location"])
    assert page.status_code == 200
    job = Job.objects.get(public_id=page.context["job"].public_id)
    assert job.is_done, (job.status, job.error)
    assert reverse("jobs:download", kwargs={"public_id": job.public_id}) in page.content.decode()
    response = client.get(reverse("jobs:download", kwargs={"public_id": job.public_id}))
    assert response.status_code == 200
    return response
