"""UI strings: Chinese is the source text, English a lookup table. Data (names, summaries, sources)
is shown as stored; only the interface around it is translated."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
LANG_COOKIE = "lang"

# Chinese UI text -> English. A missing entry falls back to the Chinese (a test keeps this complete).
EN: dict[str, str] = {
    "收藏": "Bookmark",
    "画像名称": "Profile name",
    "保存此画像": "Save this profile",
    # layout and navigation
    "工业低碳技术库": "Industrial Low-Carbon Technology Library",
    "新疆工业重点领域低碳技术库": "Xinjiang industrial low-carbon technology library",
    "跳到正文": "Skip to content",
    "主导航": "Main navigation",
    "首页": "Home",
    "技术检索": "Search",
    "技术对比": "Compare",
    "能效标杆": "Benchmarks",
    "节能诊断": "Diagnosis",
    "登录": "Sign in",
    "注册": "Register",
    "退出": "Sign out",
    "我的": "My account",
    "技术提供方": "Provider portal",
    "审核": "Curation",
    "依据《新疆维吾尔自治区工业能效提升行动计划》编目。": (
        "Catalogued after the Xinjiang Uygur Autonomous Region industrial energy-efficiency action plan."
    ),
    "接口文档": "API docs",
    "返回首页": "Back to home",
    "出错了": "Something went wrong",
    "第 {row} 行，": "row {row}, ",
    # home
    "按 12 个重点行业、80 个改造方向编目的节能降碳技术，企业画像匹配推荐，对标国家能效标杆/基准水平。": (
        "Energy-saving and low-carbon technologies indexed by 12 industry sections and 80 retrofit directions, "
        "matched to your plant, with the national benchmark (标杆) and baseline (基准) levels."
    ),
    "搜索技术": "Search technologies",
    "关键词": "Keywords",
    "例如：余热发电、变频、回转窑": "e.g. waste heat power, variable frequency, rotary kiln",
    "搜索": "Search",
    "重点行业": "Industry sections",
    "项技术": "technologies",
    "个方向": "directions",
    "最近发布": "Recently published",
    "获取改造建议": "Get retrofit recommendations",
    "描述企业工艺与能耗，获得排序的改造方向、适用技术、节能量估算和对标结果。": (
        "Describe your processes and energy use to get ranked retrofit directions, suitable technologies, "
        "savings estimates and a benchmark assessment."
    ),
    "开始诊断": "Start the diagnosis",
    # section / direction
    "改造方向": "Retrofit directions",
    "改造方向（本行业）": "Retrofit directions in this section",
    "技术": "Technologies",
    "适用范围": "Scope",
    "所属行业": "Section",
    "暂无已发布技术。": "No published technologies yet.",
    "在检索中查看": "Open in search",
    # technology
    "技术概要": "Summary",
    "技术原理": "Principle",
    "关键指标": "Key indicators",
    "适用条件": "Applicability",
    "规模限制": "Scale limits",
    "参数": "Parameter",
    "下限": "Minimum",
    "上限": "Maximum",
    "单位": "Unit",
    "标签": "Tags",
    "适用行业": "Industries",
    "工序": "Processes",
    "设备": "Equipment",
    "适用症状": "Symptoms",
    "量化指标": "Figures",
    "指标": "Indicator",
    "数值": "Value",
    "参照规模": "Reference scale",
    "来源": "Source",
    "节能率": "Saving rate",
    "单位产品节能量": "Specific saving",
    "年节能量": "Annual saving",
    "年减排二氧化碳": "Annual CO₂ reduction",
    "投资": "Investment",
    "投资回收期": "Payback",
    "年": "years",
    "万元": "10k CNY",
    "应用案例": "Cases",
    "企业类型": "Enterprise",
    "规模": "Scale",
    "措施": "Measures",
    "效果": "Result",
    "年份": "Year",
    "技术提供方（单位）": "Provider",
    "成熟度": "Maturity",
    "技术就绪度": "TRL",
    "证据等级": "Evidence",
    "参考来源": "Sources",
    "版本历史": "Version history",
    "版本": "Version",
    "发布时间": "Published",
    "说明": "Note",
    "所属方向": "Directions",
    "编码": "Code",
    "与同方向技术对比": "Compare with technologies of the same direction",
    "对比所选": "Compare selected",
    "选择对比": "Select to compare",
    "未填写": "not given",
    # evidence / maturity labels
    "申报": "Declared",
    "专家评审": "Expert reviewed",
    "案例验证": "Verified case",
    "第三方监测": "Third-party monitored",
    "研发阶段": "Research",
    "中试阶段": "Pilot",
    "示范阶段": "Demonstration",
    "推广阶段": "Promotion",
    "成熟应用": "Mature",
    # search
    "检索结果": "Results",
    "共 {n} 项": "{n} found",
    "筛选": "Filters",
    "全部": "All",
    "行业": "Section",
    "方向": "Direction",
    "最长回收期（年）": "Max payback (years)",
    "最低节能率（%）": "Min saving rate (%)",
    "排序": "Sort",
    "按名称": "By name",
    "按编码": "By code",
    "最新发布": "Newest",
    "回收期最短": "Shortest payback",
    "节能率最高": "Highest saving rate",
    "投资最少": "Lowest investment",
    "应用筛选": "Apply",
    "清除筛选": "Clear filters",
    "没有符合条件的技术。": "No technology matches.",
    "上一页": "Previous",
    "下一页": "Next",
    "第 {page} / {pages} 页": "Page {page} of {pages}",
    "分页": "Pagination",
    "移除": "remove",
    "常见设备": "Common equipment",
    "已忽略无效的数值：{names}": "Ignored invalid numbers: {names}",
    # compare
    "请选择 2–4 项技术进行对比。": "Choose 2 to 4 technologies to compare.",
    "最多对比 4 项技术，当前选择了 {n} 项。": "At most 4 technologies can be compared; {n} were chosen.",
    "未找到以下技术：{codes}": "These technologies were not found: {codes}",
    "项目": "Field",
    "在检索页勾选技术后点击“对比所选”，或在技术详情页选择同方向技术。": (
        "Tick technologies on the search page and press “Compare selected”, or pick technologies of the same "
        "direction on a technology page."
    ),
    "案例数": "Cases",
    # benchmarks
    "能效标杆水平和基准水平": "Energy-efficiency benchmark and baseline levels",
    "工业重点领域能效标杆水平和基准水平（2023年版）：低于基准水平的产能须限期改造，达到标杆水平的可获重点支持。": (
        "Benchmark (标杆) and baseline (基准) levels for key industrial sectors, 2023 edition: capacity below the "
        "baseline must be retrofitted by the deadline; plants at the benchmark get priority support."
    ),
    "领域": "Sector",
    "产品": "Product",
    "标杆水平": "Benchmark",
    "基准水平": "Baseline",
    "越低越好": "lower is better",
    "越高越好": "higher is better",
    "标准": "Standard",
    "改造期限": "Deadline",
    "重点用能产品设备能效水平": "Equipment efficiency levels",
    "重点用能产品设备能效先进水平、节能水平和准入水平（2024年版）。": (
        "Advanced, energy-saving and access levels of key energy-using equipment, 2024 edition."
    ),
    "类别": "Category",
    "规格": "Specification",
    "先进水平": "Advanced",
    "节能水平": "Energy-saving",
    "准入水平": "Access",
    "方向性": "Direction",
    # wizard
    "企业节能诊断": "Enterprise energy diagnosis",
    "填写企业情况，系统按行动计划的改造方向排序推荐适用技术，并对标能效标杆/基准水平。带 * 的至少填写一项。": (
        "Describe the plant; directions of the action plan are ranked with suitable technologies, and products "
        "are placed against the benchmark and baseline levels. Fill in at least one field marked *."
    ),
    "表单有误，请按提示修改。": "Please correct the fields marked below.",
    "请选择": "Choose…",
    "企业基本情况": "The plant",
    "企业情况描述 *": "Describe the plant *",
    "例如：水泥熟料线窑头窑尾废气温度高，余热未回收；空压机老旧、外购电量大。": (
        "e.g. the kiln's exhaust gas is hot and its heat is not recovered; old compressors, high power purchases."
    ),
    "主要产品与单位产品能耗 *": "Products and unit energy consumption *",
    "产品从能效标杆表中选择；单位产品能耗按所选产品的单位填写。": (
        "Products come from the benchmark table; give the unit consumption in that product's unit."
    ),
    "产品 {n}": "Product {n}",
    "年产量": "Annual output",
    "单位产品能耗": "Unit consumption",
    "添加产品": "Add a product",
    "工序与设备 *": "Processes and equipment *",
    "按行业列出的工序和设备，勾选企业现有的。": "Tick the processes and equipment the plant has, listed by section.",
    "年能源消费": "Annual energy use",
    "电力（kWh）": "Electricity (kWh)",
    "煤炭（t）": "Coal (t)",
    "天然气（m³）": "Natural gas (m³)",
    "蒸汽（GJ）": "Steam (GJ)",
    "约束条件": "Constraints",
    "可接受的最长回收期（年）": "Longest acceptable payback (years)",
    "改造预算（万元）": "Budget (10k CNY)",
    "获取推荐": "Get recommendations",
    "推荐服务正在准备索引，请稍后几秒再提交。": (
        "The recommender is still building its index; submit again in a few seconds."
    ),
    # wizard field errors
    "请输入数字": "Enter a number",
    "不能为负数": "Must not be negative",
    "须大于 0": "Must be greater than 0",
    "不能超过 {n}": "Must not exceed {n}",
    "最多 {n} 个字": "At most {n} characters",
    "请选择有效的行业": "Choose a valid section",
    "请填写企业情况描述，或选择产品、工序或设备": "Describe the plant, or choose products, processes or equipment",
    "请填写该产品的单位产品能耗": "Give this product's unit consumption",
    "请先选择产品": "Choose the product first",
    "最多 {n} 项": "At most {n} items",
    "输入有误": "Invalid value",
    # results
    "节能诊断报告": "Energy diagnosis report",
    "打印诊断报告": "Print the diagnosis report",
    "可使用浏览器的打印功能（Ctrl+P）打印本报告。": "Use your browser's print command (Ctrl+P) to print this report.",
    "重新诊断": "New diagnosis",
    "生成时间": "Generated",
    "企业画像": "Plant profile",
    "年综合能耗（折标煤）": "Annual energy use (tce)",
    "吨标准煤": "tce",
    "能效对标": "Benchmark assessment",
    "企业值": "Plant",
    "差距（至标杆）": "Gap to benchmark",
    "差距（至基准）": "Gap to baseline",
    "达标杆可年节能": "Saving at benchmark level",
    "政策要求": "Policy requirement",
    "推荐改造方向": "Recommended retrofit directions",
    "推荐理由": "Reasons",
    "适用技术": "Technologies",
    "预计节能量": "Estimated saving",
    "估算依据": "Basis",
    "匹配度": "Match",
    "未找到匹配的改造方向，请补充企业情况描述。": "No direction matched; describe the plant in more detail.",
    "检索方式": "Retrieval",
    "语义+关键词": "semantic + lexical",
    "仅关键词": "lexical only",
    "优于标杆": "better than benchmark",
    "标杆—基准之间": "between benchmark and baseline",
    "劣于基准": "worse than baseline",
    "{product}：企业值 {value} {unit}，标杆 {benchmark}，基准 {baseline}": (
        "{product}: plant {value} {unit}, benchmark {benchmark}, baseline {baseline}"
    ),
    "本报告由工业低碳技术库根据企业填报信息自动生成，数据仅供参考。": (
        "Generated by the industrial low-carbon technology library from the information entered; for reference only."
    ),
    # portal & curator & me (provider portal, curator workspace, the user's own area)
    "10–400 字": "10–400 characters",
    "下限不能大于上限": "The lower value must not exceed the upper value",
    "不能小于 {n}": "Must be at least {n}",
    "与已发布版本没有差异。": "No differences from the published version.",
    "与已发布版本的差异": "Changes against the published version",
    "与当前公开版本的差异": "Changes against the current public version",
    "中文名称": "Chinese name",
    "产品 {n} 项": "{n} product(s)",
    "仅顺序变化": "Only the order changed",
    "企业情况": "Plant description",
    "企业类型请写成“某5000 t/d 水泥熟料线”之类，不写企业名称。": (
        "Describe the enterprise type (e.g. “a 5000 t/d clinker line”), never a company name."
    ),
    "保存于": "Saved",
    "保存失败：此提交在您编辑期间已被修改（可能在另一个窗口中保存过，或状态已变化）。"
    "下面保留了您的输入；请先查看最新版本，确认后再次保存将覆盖它。": (
        "Not saved: this submission changed while you were editing (saved in another window, or its status changed). "
        "Your input is kept below; check the latest version first — saving again will overwrite it."
    ),
    "保存并提交审核": "Save and submit for review",
    "保存机构信息": "Save organisation details",
    "保存草稿": "Save draft",
    "修改": "Edit",
    "修改前": "Before",
    "修改后": "After",
    "修改已保存。": "Changes saved.",
    "修改已发布技术": "Edit of a published technology",
    "修改提交": "Edit submission",
    "全部状态": "All statuses",
    "全部行业": "All sections",
    "共 {n} 条": "{n} in total",
    "共 {n} 条，最新的在前。": "{n} in total, newest first.",
    "共 {n} 条，最早提交的在前。": "{n} in total, oldest submission first.",
    "关键词或代码": "Keyword or code",
    "其他": "Other",
    "其他工序（每行一个）": "Other processes (one per line)",
    "其他设备（每行一个）": "Other equipment (one per line)",
    "删除": "Delete",
    "删除画像": "Delete profile",
    "刷新选项并增加空行（不保存）": "Refresh choices and add blank rows (does not save)",
    "发布单位": "Publisher",
    "发表评论": "Post a comment",
    "取消收藏": "Remove bookmark",
    "变化": "Change",
    "只能使用小写字母、数字和连字符，例如 waste-heat-boiler": (
        "Use lower-case letters, digits and hyphens only, e.g. waste-heat-boiler"
    ),
    "可多选，按行业分组。": "Choose one or more, grouped by section.",
    "回复审核人员": "Reply to the curators",
    "基于版本": "based on version",
    "基本信息": "Basic information",
    "备注": "Note",
    "字段": "Field",
    "完整提交内容": "Full proposed record",
    "审核中": "In review",
    "审核人员": "Curator",
    "审核人员要求修改，请查看下方意见，修改后重新提交。": (
        "The curators asked for changes: read their comments below, revise and submit again."
    ),
    "审核工作台": "Curator workspace",
    "审核意见": "Review comments",
    "审核意见与讨论": "Review comments and discussion",
    "审核操作": "Review actions",
    "审核队列": "Review queue",
    "审计日志": "Audit log",
    "对象": "Target",
    "对象类型": "Target type",
    "对象编号或代码": "Target id or code",
    "导入": "Import",
    "导入与导出": "Import and export",
    "导入失败，未写入任何数据。": "Import failed; nothing was written.",
    "导入完成：新增 {created} 条，更新 {updated} 条，未变化 {unchanged} 条。": (
        "Import done: {created} created, {updated} updated, {unchanged} unchanged."
    ),
    "导出": "Export",
    "小写字母、数字和连字符，如 waste-heat-boiler；创建后不可更改": (
        "Lower-case letters, digits and hyphens, e.g. waste-heat-boiler; cannot change once created"
    ),
    "尚未发布。": "Not published yet.",
    "工序、设备与适用症状": "Processes, equipment and symptoms",
    "已保存的企业画像": "Saved plant profiles",
    "已创建修改草稿：已发布版本在审核通过前保持不变。": (
        "Edit draft created: the published version stays as it is until the edit is approved."
    ),
    "已发布": "Published",
    "已发布的技术": "Published technologies",
    "已取消收藏。": "Bookmark removed.",
    "已审核通过并发布。": "Approved and published.",
    "已归档": "Archived",
    "已归档：该技术不再出现在公开目录中（历史版本保留）。": (
        "Archived: the technology no longer appears in the public catalogue (its versions are kept)."
    ),
    "已提交": "Submitted",
    "已提交审核，审核人员处理后会在此显示意见。": "Submitted for review; the curators' comments will appear here.",
    "已收藏。": "Bookmarked.",
    "已有进行中的修改。": "An edit is already open.",
    "已等待至少（天）": "Waiting at least (days)",
    "已认领，状态变为“审核中”。": "Claimed; the status is now “in review”.",
    "已退回修改，提供方会看到您的意见。": "Returned for changes; the provider will see your comment.",
    "已通过并发布。": "Approved and published.",
    "已驳回": "Rejected",
    "已驳回。": "Rejected.",
    "带 * 的为必填项。没有 JavaScript 也可使用：选择行业后点击“刷新选项”即可显示该行业的工序与设备选项。": (
        "Fields marked * are required. Works without JavaScript: choose the section, then “Refresh choices” "
        "to list its processes and equipment."
    ),
    "年减排二氧化碳（tCO₂）": "Annual CO₂ reduction (tCO₂)",
    "年节能量（tce）": "Annual energy saving (tce)",
    "归档": "Archive",
    "归档后该技术不再出现在公开目录和推荐中；历史版本保留，操作写入审计日志。": (
        "Archived technologies leave the public catalogue and recommendations; versions are kept and the "
        "action is audited."
    ),
    "归档理由（必填）": "Reason for archiving (required)",
    "当前状态下没有可执行的审核操作。": "No review action is possible in the current status.",
    "当前记录": "Current record",
    "待审（已提交与审核中）": "To review (submitted and in review)",
    "必填": "Required",
    "我的提交": "My submissions",
    "截止日期": "Until",
    "所在地区": "Region",
    "技术代码": "Technology code",
    "技术代码不可更改": "The technology code cannot change",
    "技术名称": "Technology",
    "技术就绪度（TRL）": "Technology readiness level (TRL)",
    "技术描述": "Description",
    "技术提供方工作台": "Provider portal",
    "技术条目": "Technologies",
    "投资回收期须在 0–30 年之间": "The payback period must lie within 0–30 years",
    "投资回收期（年）": "Payback period (years)",
    "投资（万元）": "Investment (10k CNY)",
    "报告": "Report",
    "提交人": "Submitted by",
    "提交内容": "Proposed record",
    "提交审核": "Submit for review",
    "提交新技术": "Submit a new technology",
    "提交时间": "Submitted",
    "提出修改": "Propose an edit",
    "操作": "Action",
    "操作人": "Actor",
    "操作人邮箱": "Actor e-mail",
    "操作未执行，请按提示填写。": "Nothing was done; fill in what is marked.",
    "操作未执行：{detail}": "Nothing was done: {detail}",
    "支持 .json、.csv、.xlsx（列与导出文件相同）。先检查全部行：任何一行有误则整批不导入。按代码更新已有条目。": (
        ".json, .csv or .xlsx (the export's columns). Every row is checked first: one bad row means nothing "
        "is imported. Existing entries are updated by code."
    ),
    "收藏的技术": "Bookmarked technologies",
    "改造方向重复": "A retrofit direction is repeated",
    "政策": "Policy",
    "整条记录": "Whole record",
    "整行留空表示不填。单一数值只填下限即可。来源编号须是上面列出的来源之一。": (
        "Leave a row blank to omit it. For a single value fill in the lower value only. The source id must be "
        "one of the sources above."
    ),
    "文件": "File",
    "文章": "Article",
    "新增": "Added",
    "新技术": "New technology",
    "新技术：全部字段": "New technology: every field",
    "时间": "Time",
    "暂无审核意见。": "No review comments yet.",
    "暂无评论。": "No comments yet.",
    "更新时间": "Updated",
    "最新审核意见": "Latest curator comment",
    "未知的改造方向，请重新选择": "Unknown retrofit direction; choose again",
    "未知的机构": "Unknown organisation",
    "未知的行业，请重新选择": "Unknown section; choose again",
    "本行业常用": "common in this section",
    "机构信息": "Organisation",
    "机构信息已更新。": "Organisation details updated.",
    "机构名称": "Organisation name",
    "机构简介": "About the organisation",
    "机构类型": "Organisation type",
    "来源编号": "Source id",
    "来源编号“{id}”不在来源列表中": "Source id “{id}” is not one of the sources",
    "来源编号不能重复": "Source ids must be unique",
    "查找": "Find",
    "查看公开页面": "View the public page",
    "查看报告": "View the report",
    "查看最新版本（新窗口）": "View the latest version (new window)",
    "查看该技术的版本与归档": "Versions and archiving of this technology",
    "标题": "Title",
    "案例": "Case",
    "此提交已发布，与当前公开版本一致。": "This submission is published and matches the current public version.",
    "此提交已被驳回。": "This submission was rejected.",
    "每项最多 40 个字，且不能包含“|”": "At most 40 characters each, without “|”",
    "每项最多 {n} 个字": "At most {n} characters each",
    "没有使用该邮箱的账号。": "No account uses this e-mail address.",
    "没有提交记录（种子数据或导入）。": "No submissions (seed data or import).",
    "没有符合条件的记录。": "No matching events.",
    "版本记录": "Versions",
    "版次": "Edition",
    "状态": "Status",
    "理由": "Reason",
    "画像已保存。": "Profile saved.",
    "画像已删除。": "Profile deleted.",
    "目录": "Catalogue",
    "相关提交": "Submissions",
    "科研院所": "Research institute",
    "等待天数": "Days waiting",
    "类型": "Type",
    "编号": "Id",
    "编号只能使用字母、数字、“-”和“_”，最多 20 个字符": "Letters, digits, “-” and “_” only, at most 20 characters",
    "网址": "URL",
    "联系方式": "Contact",
    "至少 {n} 个字": "At least {n} characters",
    "至少一条。量化指标和案例用编号（如 S1）引用来源。整行留空即删除该行。": (
        "At least one. Figures and cases cite sources by id (e.g. S1). Leave a row blank to delete it."
    ),
    "节能服务公司（ESCO）": "Energy service company (ESCO)",
    "节能率须在 0–100 之间": "The saving rate must lie within 0–100",
    "节能率（%）": "Saving rate (%)",
    "英文名称": "English name",
    "草稿": "Draft",
    "草稿已保存。检查无误后请点击“提交审核”。": "Draft saved. When it is complete, click “Submit for review”.",
    "行": "Row",
    "表单有误，请按提示修改。尚未保存。": "The form has errors; correct what is marked. Nothing was saved.",
    "认领": "Claim",
    "认领人": "Claimed by",
    "设备制造商": "Equipment maker",
    "设计院": "Design institute",
    "评论": "Comment",
    "评论已发表。": "Comment posted.",
    "诊断记录": "Diagnosis history",
    "该代码已被已发布技术或进行中的提交使用，请换一个": (
        "This code is used by a catalogue entry or an open submission; choose another"
    ),
    "请修改标出的内容。": "Please correct what is marked.",
    "请填写数值": "Enter a value",
    "请填写机构名称（至少 2 个字）": "Enter the organisation name (at least 2 characters)",
    "请至少填写一条来源（编号、类型、标题）": "Give at least one source (id, type, title)",
    "请至少选择一个改造方向": "Choose at least one retrofit direction",
    "请说明归档理由": "Give a reason for archiving",
    "请输入整数": "Enter a whole number",
    "请选择有效的选项": "Choose a valid option",
    "起始日期": "From",
    "输入有误：{detail}": "Invalid value: {detail}",
    "还没有保存的画像。在诊断结果页点击“保存此画像”即可保存。": (
        "No saved profiles yet. Use “Save this profile” on a diagnosis report."
    ),
    "还没有提交。": "No submissions yet.",
    "还没有收藏。在技术页面点击“收藏”即可。": "No bookmarks yet. Use “Bookmark” on a technology page.",
    "还没有诊断记录。": "No diagnoses yet.",
    "退回修改": "Changes requested",
    "适用症状（每行一个，企业能源管理人员常说的问题）": (
        "Symptoms (one per line, as a plant's energy manager would put them)"
    ),
    "选择所属行业并点击“刷新选项”后，这里会列出该行业常用的工序与设备。": (
        "Choose the section and click “Refresh choices” to list its common processes and equipment here."
    ),
    "逐行问题（共 {n} 处）": "Problems by row ({n})",
    "通过并发布": "Approve and publish",
    "通过意见": "Approval note",
    "通过意见（可选）": "Approval note (optional)",
    "链接": "link",
    "问题": "Problem",
    "队列为空。": "The queue is empty.",
    "需要修改的内容（必填）": "What needs to change (required)",
    "页面已显示最新状态，请确认后重试。": "The page now shows the current state; check it and try again.",
    "驳回": "Reject",
    "驳回理由": "Reason for rejection",
    "驳回理由（必填）": "Reason for rejection (required)",
}


def normalise(lang: str | None) -> str:
    return lang if lang in LANGS else DEFAULT_LANG


def translator(lang: str) -> Callable[..., str]:
    """`_("中文", **fields)`: the UI text in `lang`, with `{fields}` filled in."""
    table: Mapping[str, str] = EN if lang == "en" else {}

    def gettext(text: str, **fields: Any) -> str:
        out = table.get(text, text)
        return out.format(**fields) if fields else out

    return gettext
