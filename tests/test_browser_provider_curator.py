"""Real-browser journeys: a provider submits a technology through the form, a curator approves it from
the queue, and it can be found in the public search (Debian chromium through Playwright)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.accounts_support import PASSWORD, make_accounts

pytest_plugins = ["tests.browser_support"]
pytestmark = pytest.mark.browser
Shot = Callable[[Page, str], Path]

NAME = "浏览器测试余热回收装置"
CODE = "browser-waste-heat-unit"


def _sign_in(page: Page, base: str, email: str, target: str) -> None:
    page.goto(f"{base}{target}")
    expect(page).to_have_url(re.compile(r"/login\?next="))  # signed-in pages send visitors to sign in
    page.get_by_label("邮箱").fill(email)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(re.escape(target) + "$"))


def _fill_technology(page: Page) -> None:
    page.get_by_label("技术代码").fill(CODE)
    page.get_by_label("中文名称").fill(NAME)
    page.get_by_label("所属行业").select_option("general_equipment")
    group = page.locator("details.vocab").filter(has=page.locator("input[value^='general_equipment.']"))
    if group.first.get_attribute("open") is None:
        group.first.locator("summary").click()
    group.first.locator("input[type=checkbox]").first.check()
    page.get_by_label("技术概要").fill("回收空压机和工业炉窑排烟余热，用于工艺热水和冬季采暖，减少锅炉燃气消耗。")
    page.get_by_label("来源 1 · 编号", exact=True).fill("S1")
    page.locator("#sources-0-kind").select_option("article")
    page.locator("#sources-0-title").fill("浏览器测试来源")
    page.locator("#saving_rate_pct-min").fill("8")
    page.locator("#saving_rate_pct-max").fill("15")
    page.locator("#saving_rate_pct-source").fill("S1")


def test_provider_submits_and_curator_publishes(
    live_server: str, browser: Browser, sqlite_url: str, screenshot: Shot
) -> None:
    cast = make_accounts(sqlite_url, ("provider", "curator"))
    provider = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    curator = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    try:
        page = provider.new_page()
        page.set_default_timeout(15_000)
        _sign_in(page, live_server, cast["provider"].email, "/portal")
        page.get_by_role("link", name="提交新技术").click()
        expect(page.get_by_role("heading", name="提交新技术", level=1)).to_be_visible()

        _fill_technology(page)
        page.locator("#saving_rate_pct-max").fill("150")  # a mistake the server explains at the field
        page.get_by_role("button", name="保存并提交审核").click()
        expect(page.locator("#saving_rate_pct-error")).to_have_text("节能率须在 0–100 之间")
        expect(page.get_by_label("中文名称")).to_have_value(NAME)
        screenshot(page, "provider-form-error")

        page.locator("#saving_rate_pct-max").fill("15")
        page.get_by_role("button", name="保存并提交审核").click()
        expect(page).to_have_url(re.compile(r"/portal/submissions/\d+"))
        expect(page.get_by_text("已提交审核", exact=False).first).to_be_visible()
        expect(page.locator(".badge.wf-submitted")).to_be_visible()
        screenshot(page, "provider-submitted")

        review = curator.new_page()
        review.set_default_timeout(15_000)
        _sign_in(review, live_server, cast["curator"].email, "/curator")
        row = review.locator("table.queue tbody tr").filter(has_text=NAME)
        expect(row).to_have_count(1)
        screenshot(review, "curator-queue")
        row.get_by_role("link", name=NAME).click()
        expect(review.get_by_role("heading", name=NAME, level=1)).to_be_visible()
        expect(review.get_by_text("新技术：全部字段")).to_be_visible()
        review.get_by_label("通过意见（可选）").fill("资料齐全，同意发布。")
        review.get_by_role("button", name="通过并发布").click()
        expect(review.get_by_text("已通过并发布。")).to_be_visible()
        screenshot(review, "curator-approved")

        review.goto(f"{live_server}/search?q=浏览器测试余热")
        expect(review.get_by_role("link", name=NAME)).to_be_visible()
        review.get_by_role("link", name=NAME).click()
        expect(review).to_have_url(f"{live_server}/technologies/{CODE}")
        screenshot(review, "published-technology")

        page.reload()
        expect(page.locator(".badge.wf-published")).to_be_visible()
        expect(page.get_by_text("资料齐全，同意发布。")).to_be_visible()
    finally:
        provider.close()
        curator.close()


def test_technology_form_and_queue_fit_a_390_px_phone(
    live_server: str, browser: Browser, sqlite_url: str, screenshot: Shot
) -> None:
    cast = make_accounts(sqlite_url, ("provider", "curator"))
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        phone = context.new_page()
        phone.set_default_timeout(15_000)
        _sign_in(phone, live_server, cast["provider"].email, "/portal/submissions/new")
        _fill_technology(phone)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(phone, "provider-form-phone")
        phone.get_by_role("button", name="保存并提交审核").click()
        expect(phone).to_have_url(re.compile(r"/portal/submissions/\d+"))
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        context.clear_cookies()
        _sign_in(phone, live_server, cast["curator"].email, "/curator")
        expect(phone.locator("table.queue")).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(phone, "curator-queue-phone")
    finally:
        context.close()
