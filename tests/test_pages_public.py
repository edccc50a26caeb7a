"""The public pages over HTTP, on every database backend: content, filters, compare, the wizard."""

from __future__ import annotations

import re
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.app import create_app
from api.auth import SESSION_COOKIE
from api.recommending import RecommenderService
from catalogue.accounts import Role, TokenKind, create_user, issue_token
from catalogue.db import unit_of_work
from catalogue.models import RecommendationRun
from tests.conftest import REPO, make_settings
from web import public, wizard
from web.charts import benchmark_chart, savings_payback_chart
from web.i18n import EN

WIZARD = {
    "csrf_token": "",
    "industry": "building_materials",
    "description": "水泥熟料线窑头窑尾废气温度高，余热没有回收发电",
    "products.0.product": "cement-clinker",
    "products.0.annual_output": "1,500,000",
    "products.0.unit_consumption": "118",
    "products.1.product": "",
    "energy.coal_t": "150000",
    "energy.electricity_kwh": "90000000",
    "processes": ["熟料烧成", "余热发电"],
    "equipment": ["回转窑"],
    "constraints.max_payback_years": "5",
}


def _technologies(client: TestClient) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        body = client.get("/api/v1/technologies", params={"per_page": 100, "page": page}).json()
        items += body["items"]
        if len(items) >= body["total"]:
            return items
        page += 1


def _text(html: str) -> str:
    """The page's text without tags, to match phrases that markup splits."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _results(client: TestClient, **changes: Any) -> str:
    response = client.post("/recommend", data={**WIZARD, **changes}, follow_redirects=False)
    assert response.status_code == 303, response.text[:2000]
    location = response.headers["location"]
    assert re.fullmatch(r"/recommend/results/[\w-]+", location)
    page = client.get(location)
    assert page.status_code == 200
    return page.text


# ------------------------------------------------------------------ catalogue pages


def test_home_lists_sections_with_counts_and_recent(client: TestClient) -> None:
    sections = client.get("/api/v1/sections").json()
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert '<html lang="zh-CN">' in html and "重点行业" in html and 'action="/search"' in html
    for s in sections:
        assert f'href="/sections/{s["code"]}"' in html and s["name_zh"] in html
        assert f"{s['technology_count']} 项技术 · {s['direction_count']} 个方向" in html
    assert "最近发布" in html and html.count('href="/technologies/') >= 8
    assert 'href="/login"' in html and 'href="/register"' in html  # signed out
    assert "/static/style.css" in html and "://" not in re.sub(r'href="https?://[^"]*"', "", html.split("<main")[0])


def test_section_and_direction_pages(client: TestClient) -> None:
    directions = client.get("/api/v1/directions", params={"section": "building_materials"}).json()
    html = client.get("/sections/building_materials").text
    for d in directions:
        assert f'href="/directions/{d["code"]}"' in html and d["name_zh"] in html
    assert "对比所选" in html
    direction = next(d for d in directions if d["technology_count"] > 0)
    page = client.get(f"/directions/{direction['code']}")
    assert page.status_code == 200
    assert direction["scope_zh"] in page.text
    assert f"（{direction['technology_count']}）" in page.text
    listed = client.get("/api/v1/technologies", params={"direction": direction["code"], "per_page": 100}).json()
    for tech in listed["items"]:
        assert f'href="/technologies/{tech["code"]}"' in page.text


def test_unknown_pages_are_html_404s(client: TestClient) -> None:
    for path in ("/sections/nope", "/directions/nope.none", "/technologies/no-such-thing", "/recommend/results/nope"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html")
        assert "返回首页" in response.text


def test_technology_page_shows_every_field(client: TestClient) -> None:
    items = _technologies(client)
    tech = next(t for t in items if t["cases"] and t["saving_rate_pct"] and t["saving_rate_pct"].get("reference_scale"))
    page = client.get(f"/technologies/{tech['code']}")
    assert page.status_code == 200
    html = page.text
    for text in (tech["name_zh"], tech["summary"], tech["principle"], tech["key_indicators"], tech["applicability"]):
        assert escape(text, quote=False) in html
    figure = tech["saving_rate_pct"]
    assert escape(figure["reference_scale"], quote=False) in html
    source = next(s for s in tech["sources"] if s["id"] == figure["source"])
    assert escape(source["title"], quote=False) in html
    if source.get("url", "").startswith("http"):
        assert f'href="{escape(source["url"])}"' in html
    case = tech["cases"][0]
    assert escape(case["enterprise_type"], quote=False) in html and escape(case["result"], quote=False) in html
    for tag in tech["processes"] + tech["equipment"]:
        assert escape(tag, quote=False) in html
    assert tech["maturity"] in html and "版本历史" in html and "v1" in html
    assert 'action="/compare"' in html and f'name="codes" value="{tech["code"]}"' in html


def test_search_filters_facets_and_pagination(client: TestClient) -> None:
    everything = client.get("/search")
    assert everything.status_code == 200
    total = client.get("/api/v1/technologies", params={"per_page": 1}).json()["total"]
    assert f"共 {total} 项" in everything.text
    assert 'rel="next"' in everything.text and "第 1 / " in everything.text
    second = client.get("/search", params={"page": 2})
    assert "第 2 / " in second.text and 'rel="prev"' in second.text

    steel = client.get("/api/v1/technologies", params={"section": "steel", "per_page": 1, "facets": True}).json()
    page = client.get("/search", params={"section": "steel"}).text
    assert f"共 {steel['total']} 项" in page
    assert re.search(r'class="active"><strong>钢铁</strong> <span class="count">\d+</span>', page)
    mature = steel["facets"]["maturity"].get("成熟应用", 0)
    assert f'maturity=%E6%88%90%E7%86%9F%E5%BA%94%E7%94%A8">成熟应用</a> <span class="count">{mature}</span>' in page
    narrowed = client.get("/search", params={"section": "steel", "maturity": "成熟应用"}).text
    assert f"共 {mature} 项" in narrowed

    query = client.get("/search", params={"q": "余热", "max_payback": "abc", "sort": "-saving_rate"})
    assert query.status_code == 200
    expected = client.get("/api/v1/technologies", params={"q": "余热", "per_page": 1}).json()["total"]
    assert f"共 {expected} 项" in query.text and "已忽略无效的数值" in query.text
    assert client.get("/search", params={"q": "绝不会出现的字符串"}).text.count("没有符合条件的技术") == 1
    payback = client.get("/api/v1/technologies", params={"max_payback": 2, "per_page": 1}).json()["total"]
    assert f"共 {payback} 项" in client.get("/search", params={"max_payback": "2"}).text


def test_compare_side_by_side_and_its_errors(client: TestClient) -> None:
    a, b, c, d, e = (t["code"] for t in _technologies(client)[:5])
    both = client.get("/compare", params={"codes": f"{a},{b}"})
    assert both.status_code == 200
    assert both.text.count('<th scope="col"><a href="/technologies/') == 2
    for label in ("节能率", "投资回收期", "成熟度", "证据等级", "适用条件", "参考来源"):
        assert f'<th scope="row">{label}</th>' in both.text
    repeated = client.get(f"/compare?codes={a}&codes={b}&codes={c}")
    assert repeated.status_code == 200 and repeated.text.count('<th scope="col"><a href="/technologies/') == 3

    empty = client.get("/compare")
    assert empty.status_code == 200 and "对比所选" in empty.text
    one = client.get("/compare", params={"codes": a})
    assert one.status_code == 400 and "请选择 2–4 项技术进行对比。" in one.text
    five = client.get("/compare", params={"codes": ",".join([a, b, c, d, e])})
    assert five.status_code == 400 and "最多对比 4 项技术，当前选择了 5 项。" in five.text
    unknown = client.get("/compare", params={"codes": f"{a},no-such-tech"})
    assert unknown.status_code == 404 and "未找到以下技术：no-such-tech" in unknown.text


def test_benchmarks_page(client: TestClient) -> None:
    page = client.get("/benchmarks")
    assert page.status_code == 200
    html = page.text
    assert "能效标杆水平和基准水平" in html
    row = re.search(r'<tr id="benchmark-cement-clinker">(.*?)</tr>', html, re.S)
    assert row is not None
    assert "水泥熟料" in row.group(1) and ">100<" in row.group(1) and ">117<" in row.group(1)
    assert "越低越好" in row.group(1)
    assert "中小型三相异步电动机" in html and "先进水平" in html and "准入水平" in html


# ------------------------------------------------------------------ recommendation wizard


def test_wizard_form_offers_products_and_vocabulary(client: TestClient) -> None:
    page = client.get("/recommend", params={"industry": "building_materials"})
    assert page.status_code == 200
    html = page.text
    assert '<option value="cement-clinker">水泥熟料（kgce/t）</option>' in html
    assert '<option value="building_materials" selected>' in html
    assert '<details class="vocab" data-section="building_materials" open>' in html
    assert 'name="processes" value="熟料烧成"' in html and 'name="csrf_token"' in html
    for name in ("industry", "description", "products-0-product", "energy-coal_t", "constraints-budget_wan_cny"):
        assert f'<label for="{name}">' in html and f'id="{name}"' in html


def test_wizard_posts_redirects_and_shows_the_report(client: TestClient) -> None:
    html = _results(client)
    text = _text(html)
    assert "节能诊断报告" in html and "打印诊断报告" in html
    ranked = re.findall(r'<li class="card direction-hit" id="direction-([\w-]+)">', html)
    assert len(ranked) >= 5
    assert 'href="/technologies/' in html and "推荐理由" in html
    assert "cross_industry-waste_heat_pressure_power" in ranked[:5]
    # The benchmark assessment: 118 against 100 (标杆) and 117 (基准), lower is better.
    assert "未达到基准水平" in html and "淘汰" in html
    assert '<svg viewBox="0 0 600 112" role="img"' in html
    assert 'aria-label="水泥熟料：企业值 118 kgce/t，标杆 100，基准 117"' in html
    assert "zone zone-good" in html and "zone zone-bad" in html
    assert "差距（至标杆） 18 kgce/t" in text and "达标杆可年节能 27,000 吨标准煤" in text
    assert "年综合能耗（折标煤）" in html


def test_wizard_without_products_or_energy(client: TestClient) -> None:
    html = _results(
        client,
        **{"products.0.product": "", "products.0.annual_output": "", "products.0.unit_consumption": ""},
        **{"energy.coal_t": "", "energy.electricity_kwh": "", "processes": [], "equipment": []},
    )
    assert "能效对标" not in html and "direction-hit" in html


def test_wizard_reports_field_errors_and_keeps_input(client: TestClient) -> None:
    nothing = client.post("/recommend", data={"industry": "", "description": "  "})
    assert nothing.status_code == 422
    assert "表单有误，请按提示修改。" in nothing.text
    assert "请填写企业情况描述，或选择产品、工序或设备" in nothing.text

    bad = client.post(
        "/recommend",
        data={
            **WIZARD,
            "description": "我们的窑 <b>很旧</b>",
            "products.0.unit_consumption": "",
            "energy.coal_t": "很多",
            "energy.steam_gj": "-5",
            "constraints.max_payback_years": "500",
            "products.1.annual_output": "10",
        },
    )
    assert bad.status_code == 422
    html = bad.text
    assert 'id="products-0-unit_consumption-error">请填写该产品的单位产品能耗<' in html
    assert 'id="energy-coal_t-error">请输入数字<' in html
    assert 'id="energy-steam_gj-error">不能为负数<' in html
    assert 'id="constraints-max_payback_years-error">不能超过 100<' in html
    assert 'id="products-1-product-error">请先选择产品<' in html
    assert 'aria-invalid="true" aria-describedby="energy-coal_t-error"' in html
    # what was typed comes back, escaped
    assert 'value="很多"' in html and ">我们的窑 &lt;b&gt;很旧&lt;/b&gt;</textarea>" in html
    assert '<option value="cement-clinker" selected>' in html and 'value="熟料烧成" checked' in html

    unknown = client.post("/recommend", data={**WIZARD, "products.0.product": "不存在的产品"})
    assert unknown.status_code == 422
    assert 'id="products-0-product-error">未找到产品“不存在的产品”' in unknown.text
    bad_industry = client.post("/recommend", data={**WIZARD, "industry": "not_a_section"})
    assert bad_industry.status_code == 422 and 'id="industry-error">请选择有效的行业<' in bad_industry.text


def test_wizard_adds_product_rows_without_javascript(client: TestClient) -> None:
    three = {"products.2.product": "", "products.2.annual_output": "", "products.2.unit_consumption": ""}
    page = client.post("/recommend", data={**WIZARD, **three, "action": "add_product"})
    assert page.status_code == 200
    assert page.text.count("data-product-row>") == 4 and 'name="products.3.product"' in page.text
    assert '<option value="cement-clinker" selected>' in page.text


def test_results_escape_user_text(client: TestClient) -> None:
    html = _results(client, description='窑尾废气余热 <script>alert("x")</script> <img src=x onerror=alert(1)>')
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_wizard_says_when_the_index_is_not_ready(
    db_url: str, tmp_path: Path, vectors_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(RecommenderService, "start", lambda self, background=True: None)
    app = create_app(make_settings(db_url, tmp_path, vectors_dir, embedding_backend="none"))
    with TestClient(app) as client:
        response = client.post("/recommend", data=WIZARD)
    assert response.status_code == 503
    assert "推荐服务正在准备索引，请稍后几秒再提交。" in response.text and 'value="150000"' in response.text


# ------------------------------------------------------------------ layout, language, accounts contract


def test_language_switch(client: TestClient) -> None:
    response = client.get("/lang/en", params={"next": "/search?q=余热"}, follow_redirects=False)
    assert response.status_code == 303 and unquote(response.headers["location"]) == "/search?q=余热"
    assert "lang=en" in response.headers["set-cookie"]
    page = client.get("/search", params={"q": "余热"}).text
    assert '<html lang="en">' in page and ">Search</button>" in page and "Results" in page
    home = client.get("/").text
    assert "Industry sections" in home and "Building materials" in home
    client.get("/lang/zh")
    assert "重点行业" in client.get("/").text
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        away = client.get("/lang/en", params={"next": target}, follow_redirects=False)
        assert away.headers["location"] == "/"
    assert client.get("/lang/fr").status_code == 404


def test_signed_in_enterprise_sees_its_links_and_posts_with_csrf(client: TestClient) -> None:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with unit_of_work(engine) as session:
        user = create_user(
            session,
            email="e@example.com",
            password="a long password 123",
            display_name="<b>某水泥厂</b>",
            role=Role.ENTERPRISE,
        )
        secret, token = issue_token(session, user, TokenKind.SESSION)
        user_id, csrf = user.id, token.csrf_token
    assert csrf
    client.cookies.set(SESSION_COOKIE, secret)
    html = client.get("/").text
    assert "&lt;b&gt;某水泥厂&lt;/b&gt;" in html and "<b>某水泥厂" not in html
    assert 'href="/me"' in html and 'action="/logout"' in html and 'href="/login"' not in html
    assert html.count(f'name="csrf_token" value="{csrf}"') == 1
    form = client.get("/recommend").text
    assert f'name="csrf_token" value="{csrf}"' in form.split('action="/recommend"')[1]

    forged = client.post("/recommend", data={**WIZARD, "csrf_token": "wrong"}, follow_redirects=False)
    assert forged.status_code == 403 and forged.headers["content-type"].startswith("text/html")
    response = client.post("/recommend", data={**WIZARD, "csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303
    token_in_url = response.headers["location"].rsplit("/", 1)[1]
    with Session(engine) as session:
        run = session.exec(select(RecommendationRun).where(RecommendationRun.token == token_in_url)).one()
        assert run.user_id == user_id


def test_every_ui_string_has_an_english_translation() -> None:
    used: set[str] = set()
    for template in (REPO / "web" / "templates").rglob("*.html"):
        if template.parent.name in ("accounts", "portal", "curator", "me"):
            continue
        source = template.read_text(encoding="utf-8")
        used |= set(re.findall(r'_\(\s*"([^"]+)"', source)) | set(re.findall(r"_\(\s*'([^']+)'", source))
        for pairs in re.findall(r"\[((?:\(\"[^\"]*\", \"[^\"]+\"\),? ?)+)\]", source):
            used |= set(re.findall(r'\("[^"]*", "([^"]+)"\)', pairs))
    used |= set(public.SORT_LABELS.values()) | {label for label, _ in public.FIGURE_LABELS.values()}
    for module in (public, wizard):
        used |= set(re.findall(r'Message\(\s*"([^"]+)"', Path(module.__file__ or "").read_text(encoding="utf-8")))
    chinese = {s for s in used if re.search(r"[\u4e00-\u9fff]", s)}
    assert chinese and sorted(chinese - set(EN)) == []


def test_charts_cover_both_directions_and_missing_levels() -> None:
    lower = benchmark_chart({"value": 118, "benchmark": 100, "baseline": 117, "lower_is_better": True})
    assert lower is not None and [z.kind for z in lower.zones] == ["good", "mid", "bad"]
    assert lower.benchmark is not None and lower.baseline is not None
    assert lower.benchmark.x < lower.baseline.x < lower.value.x
    higher = benchmark_chart({"value": 80, "benchmark": 95, "baseline": 90, "lower_is_better": False})
    assert higher is not None and [z.kind for z in higher.zones] == ["bad", "mid", "good"]
    assert higher.value.x < higher.zones[1].x
    only_baseline = benchmark_chart({"value": 5, "benchmark": None, "baseline": 4, "lower_is_better": True})
    assert only_baseline is not None and [z.kind for z in only_baseline.zones] == ["mid", "bad"]
    assert benchmark_chart({"value": 5, "benchmark": None, "baseline": None}) is None
    scatter = savings_payback_chart(
        [
            {
                "technologies": [
                    {
                        "code": "a",
                        "name_zh": "甲",
                        "payback_years": {"min": 1, "max": 3},
                        "saving_rate_pct": {"min": 10, "max": 20},
                    },
                    {
                        "code": "b",
                        "name_zh": "乙",
                        "payback_years": {"min": 4, "max": 4},
                        "saving_rate_pct": {"min": 5, "max": 5},
                    },
                    {
                        "code": "a",
                        "name_zh": "甲",
                        "payback_years": {"min": 1, "max": 3},
                        "saving_rate_pct": {"min": 10, "max": 20},
                    },
                ]
            }
        ]
    )
    assert scatter is not None and [p.code for p in scatter.points] == ["a", "b"]
    assert scatter.points[0].x < scatter.points[1].x and scatter.points[0].y < scatter.points[1].y
