"""A person logs in through the real Chromium and sees the dashboard."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_script_or_csp_errors, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_chair_logs_in_with_the_keyboard_and_sees_the_dashboard(page, live_server, chair):
    page.goto("/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    screenshot(page, "login")
    page.get_by_label("Username").fill("chair")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    expect(page.get_by_role("heading", name="Welcome, Chair Tester")).to_be_visible()
    expect(page.get_by_test_id("current-user")).to_contain_text("Chair")
    screenshot(page, "dashboard")
    assert_no_script_or_csp_errors(page)


def test_a_wrong_password_is_reported_in_the_browser(page, chair):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("chair")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("Please enter a correct username and password")
    expect(page.get_by_label("Username")).to_have_value("chair")
