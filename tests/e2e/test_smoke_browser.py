"""The browser can reach the app, and the home page is readable on a phone."""
from playwright.sync_api import expect


def test_home_page_fits_a_phone_screen_and_links_to_join(page):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page is {width}px wide on a 390px screen"
    page.get_by_role("link", name="Join").first.click()
    page.wait_for_url("**/join")
    expect(page.get_by_role("heading", name="Join LEAP")).to_be_visible()
