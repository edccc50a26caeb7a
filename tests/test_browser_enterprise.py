"""Real-browser journeys of an enterprise user (Debian chromium through Playwright)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

pytest_plugins = ["tests.browser_support"]
pytestmark = pytest.mark.browser
Shot = Callable[[Page, str], Path]


def _fill_wizard(page: Page, base: str) -> None:
    page.goto(f"{base}/recommend")
    page.get_by_label("所属行业", exact=True).select_option("building_materials")
    page.get_by_label("企业情况描述 *").fill("水泥熟料线窑头窑尾废气温度高，余热没有回收发电；篦冷机老旧。")
    page.locator("#products-0-product").select_option("cement-clinker")
    page.locator("#products-0-annual_output").fill("1500000")
    page.locator("#products-0-unit_consumption").fill("118")
    page.get_by_label("煤炭（t）").fill("150000")


def test_enterprise_gets_recommendations_from_the_wizard(live_server: str, page: Page, screenshot: Shot) -> None:
    _fill_wizard(page, live_server)
    # JavaScript adds product rows in place (without it, the same button asks the server for one more).
    page.get_by_role("button", name="添加产品").click()
    expect(page.locator("[data-product-row]")).to_have_count(4)
    expect(page.locator("#products-3-product")).to_be_focused()
    page.get_by_role("button", name="获取推荐").click()

    expect(page).to_have_url(re.compile(r"/recommend/results/[\w-]+$"))
    expect(page.get_by_role("heading", name="节能诊断报告", level=1)).to_be_visible()
    ranked = page.locator("ol.ranked > li")
    assert ranked.count() >= 3
    expect(ranked.first.locator("a").first).to_have_attribute("href", re.compile(r"^/directions/"))
    expect(page.locator("ol.ranked").get_by_text("余热", exact=False).first).to_be_visible()

    chart = page.locator(".benchmark-chart svg")
    expect(chart).to_be_visible()
    expect(chart).to_have_attribute("aria-label", re.compile("水泥熟料.*118.*标杆 100.*基准 117"))
    expect(page.get_by_text("未达到基准水平").first).to_be_visible()
    expect(page.get_by_role("button", name="打印诊断报告")).to_be_visible()
    screenshot(page, "enterprise-results")

    page.emulate_media(media="print")
    expect(page.locator("header.site")).to_be_hidden()
    expect(page.get_by_role("button", name="打印诊断报告")).to_be_hidden()
    expect(page.locator(".benchmark-chart svg")).to_be_visible()


def test_wizard_and_report_fit_a_390_px_phone(live_server: str, browser: Browser, screenshot: Shot) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        phone = context.new_page()
        _fill_wizard(phone, live_server)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        phone.get_by_role("button", name="获取推荐").click()
        expect(phone).to_have_url(re.compile(r"/recommend/results/"))
        expect(phone.locator(".benchmark-chart svg")).to_be_visible()
        box = phone.locator(".benchmark-chart svg").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(phone, "enterprise-results-390px")
    finally:
        context.close()


def test_search_works_with_the_keyboard_only(live_server: str, page: Page, screenshot: Shot) -> None:
    page.goto(live_server)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="跳到正文")).to_be_focused()
    page.get_by_label("搜索技术").fill("余热")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q="))
    expect(page.get_by_role("heading", name=re.compile("检索结果"))).to_be_visible()
    assert page.locator("ul.cards > li").count() >= 1
    screenshot(page, "search")
