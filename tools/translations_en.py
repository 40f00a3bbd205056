# ruff: noqa: E501  (the keys are the Chinese msgids, some longer than a line)
"""English translations of the UI text, keyed by the Chinese msgid.

`tools/apply_translations.py` copies these into app/translations/en/LC_MESSAGES/messages.po after
`pybabel update` (run by `make translations`). A plural message maps to a (singular, plural) pair;
a message with a context (`pgettext('nav', '企业')`) is keyed by the pair (context, msgid).
Keep every placeholder (`%(name)s`, `%(n)d`, `%%`) exactly as in the msgid.
"""

TRANSLATIONS: dict[str | tuple[str, str], str | tuple[str, str]] = {}

# --- messages with a context (the same Chinese word needing two English ones) --------------------
TRANSLATIONS.update({
    ("nav", "企业"): "Companies",  # the menu entry and list title; plain "企业" is a column "Company"
})

# --- accounts, API -------------------------------------------------------------------------------
TRANSLATIONS.update({
    "用户名": "Username",
    "请输入用户名。": "Enter your username.",
    "密码": "Password",
    "请输入密码。": "Enter your password.",
    "登录": "Sign in",
    "当前密码": "Current password",
    "请输入当前密码。": "Enter your current password.",
    "新密码": "New password",
    "请输入新密码。": "Enter a new password.",
    "再次输入新密码": "Repeat new password",
    "请再次输入新密码。": "Enter the new password again.",
    "两次输入的新密码不一致。": "The two new passwords do not match.",
    "修改密码": "Change password",
    "当前密码不正确。": "The current password is incorrect.",
    "新密码不能与当前密码相同。": "The new password must differ from the current one.",
    "令牌名称": "Token name",
    "请填写令牌名称。": "Enter a token name.",
    "写明用途，如“热线系统对接”，便于日后识别和吊销。":
        "Describe its purpose, e.g. “hotline integration”, so it is easy to recognise and revoke later.",
    "有效期": "Valid for",
    "30 天": "30 days",
    "90 天": "90 days",
    "180 天": "180 days",
    "1 年": "1 year",
    "创建令牌": "Create token",
    "系统管理员": "System administrator",
    "专班管理人员": "Task-force manager",
    "助企陪跑员": "Enterprise-support escort",
    "帮帮团成员": "Help-team member",
    "企业用户": "Company user",
    "密码至少需要%(n)d个字符。": "The password must be at least %(n)d characters long.",
    "密码最多128个字符。": "The password can be at most 128 characters long.",
    "这个密码太常见，很容易被猜到，请换一个。": "This password is too common and easy to guess. Please choose another.",
    "密码不能包含您的用户名、姓名或系统名称。": "The password must not contain your username, your name or the system name.",
    "用户名或密码不正确。": "Incorrect username or password.",
    "首次登录请先修改密码。": "Please change your password before continuing.",
    "您已退出登录。": "You have signed out.",
    "密码已修改。": "Your password has been changed.",
    "令牌已创建，请立即复制保存，它只显示这一次。": "Token created. Copy it now — it is shown only once.",
    "令牌已吊销。": "Token revoked.",
    "这是您第一次登录（或密码已被重置），请先设置您自己的新密码。":
        "This is your first sign-in (or your password was reset). Please set your own new password first.",
    "新密码至少 %(n)d 个字符，可以使用任意文字、空格和符号；请不要使用常见密码或包含用户名。":
        "The new password needs at least %(n)d characters; any letters, spaces and symbols are allowed. "
        "Do not use a common password or include your username.",
    "登录陪跑平台": "Sign in to Peipao",
    "个人设置": "Profile",
    "姓名": "Name",
    "角色": "Role",
    "API 访问令牌": "API access tokens",
    "令牌用于其他系统通过接口访问本平台，权限与您的账号相同。":
        "Tokens let other systems access this platform through the API with the same permissions as your account.",
    "接口文档": "API documentation",
    "新令牌（只显示这一次）：": "New token (shown only once):",
    "名称": "Name",
    "创建时间": "Created",
    "到期": "Expires",
    "最近使用": "Last used",
    "状态": "Status",
    "已吊销": "Revoked",
    "已过期": "Expired",
    "有效": "Active",
    "吊销": "Revoke",
    "还没有令牌。": "No tokens yet.",
    "缺少或无效的访问令牌。": "Missing or invalid access token.",
    "不能包含 NUL 字符。": "Must not contain NUL characters.",
    "不是有效的 UTF-8 文本。": "Not valid UTF-8 text.",
    "数值超出范围。": "Value out of range.",
    "请求体必须是 JSON（Content-Type: application/json）。":
        "The request body must be JSON (Content-Type: application/json).",
    "请求体不是有效的 JSON。": "The request body is not valid JSON.",
    "无法解析的 JSON。": "Unparseable JSON.",
    "请求体不是有效的 JSON 对象。": "The request body is not a valid JSON object.",
    "应为 JSON 对象。": "Must be a JSON object.",
    "提交的数据有误。": "The submitted data is invalid.",
    "不支持的查询参数。": "Unsupported query parameter.",
    "未知参数。": "Unknown parameter.",
    "参数取值无效。": "Invalid parameter value.",
    "cursor 参数无效。": "Invalid cursor parameter.",
    "无效的游标。": "Invalid cursor.",
    "参数格式不正确。": "Malformed parameter.",
    "应为整数。": "Must be an integer.",
    "可选值：%(values)s。": "Allowed values: %(values)s.",
    "应为 true 或 false。": "Must be true or false.",
    "limit 必须是 1 到 200 之间的整数。": "limit must be an integer from 1 to 200.",
    "1–200 之间的整数。": "An integer from 1 to 200.",
    "您没有权限执行此操作。": "You do not have permission to do this.",
    "应为文本。": "Must be text.",
    "应为编号或名称。": "Must be an ID or a name.",
    "应为数字。": "Must be a number.",
    "接口参考": "API reference",
    "您的账号未关联企业，不能提交问题。": "Your account is not linked to a company, so you cannot submit problems.",
    "请选择企业。": "Select a company.",
    "企业不存在或不在您的服务范围内。": "The company does not exist or is outside your scope.",
    "您不能为该企业提交问题。": "You cannot submit problems for this company.",
    "请提供问题的当前版本号（version）。": "Provide the problem's current version number (version).",
    "必填。": "Required.",
    "请提供用户名和密码。": "Provide a username and password.",
    "请填写企业编号（整数）。": "Enter the company ID (an integer).",
    "只有该企业当前的陪跑员可以记录走访。": "Only the company's current escort can record visits.",
    "字段": "Field",
    "类型": "Type",
    "说明": "Description",
    "必填/必有": "Required",
    "陪跑": "Peipao",
    "目录": "Contents",
    "数据结构": "Schemas",
    "机器可读的 OpenAPI 3 文档：": "Machine-readable OpenAPI 3 document:",
    "快速开始": "Quick start",
    "错误的统一形状：": "Common error shape:",
    "无需令牌": "No token required",
    "参数": "Parameters",
    "位置": "In",
    "请求体": "Request body",
    "响应": "Responses",
    "示例": "Example",
    "以下之一（按 action 区分）：": "One of the following (by action):",
})

# --- companies -----------------------------------------------------------------------------------
TRANSLATIONS.update({
    "请输入合理的金额。": "Enter a reasonable amount.",
    "该统一社会信用代码已登记，不能重复添加。": "This unified social credit code is already registered.",
    "企业名称": "Company name",
    "请填写企业名称。": "Enter the company name.",
    "统一社会信用代码": "Unified social credit code",
    "请填写统一社会信用代码。": "Enter the unified social credit code.",
    "所属镇街": "Town/street",
    "请选择镇街。": "Select a town/street.",
    "行业门类": "Industry section",
    "请选择行业。": "Select an industry.",
    "陪跑类别": "Escort category",
    "请选择类别。": "Select a category.",
    "专精特新梯度": "SRDI tier",
    "规上企业（年主营业务收入2000万元及以上）": "Above-scale enterprise (annual main business revenue ≥ CNY 20 million)",
    "年营业收入（万元）": "Annual revenue (CNY 10,000)",
    "不能为负数。": "Must not be negative.",
    "从业人数": "Employees",
    "请输入合理的人数。": "Enter a reasonable number of employees.",
    "地址": "Address",
    "联系人": "Contact person",
    "联系电话": "Contact phone",
    "陪跑员": "Escort",
    "分配/调整原因": "Reason for assignment/change",
    "保存": "Save",
    "暂不分配": "Unassigned for now",
    "更换陪跑员时请填写原因。": "Give a reason when changing the escort.",
    "名称或信用代码": "Name or credit code",
    "企业名称或统一社会信用代码": "Company name or unified social credit code",
    "取消企业条件": "Remove the company condition",
    "类别": "Category",
    "镇街": "Town/street",
    "规上": "Above scale",
    "目标进度": "Goal progress",
    "全部": "All",
    "规下": "Below scale",
    "请填写用户名。": "Enter a username.",
    "请填写姓名。": "Enter a name.",
    "电话": "Phone",
    "初始密码": "Initial password",
    "留空则自动生成。首次登录必须修改密码。":
        "Leave blank to generate one. The password must be changed at first sign-in.",
    "创建企业账号": "Create company account",
    "请选择目标进度。": "Select the goal progress.",
    "日期": "Date",
    "请填写日期。": "Enter a date.",
    "进展说明": "Progress note",
    "说明最多500字。": "The note can be at most 500 characters.",
    "更新目标进度": "Update goal progress",
    "日期不能晚于今天。": "The date cannot be later than today.",
    "必填，不超过200字。": "Required, at most 200 characters.",
    "必填，18位，校验位须正确；不能与已登记企业或本表其他行重复。":
        "Required, 18 characters with a valid check digit; must not duplicate a registered company "
        "or another row in this sheet.",
    "必填，填写镇街名称（见“选项”表）。": "Required: the town/street name (see the “Options” sheet).",
    "必填，填写门类字母（如 C）或名称（如 制造业）。":
        "Required: the section letter (e.g. C) or name (e.g. 制造业 Manufacturing).",
    "必填，填写类别名称（如 新势力企业）或代码（如 new_force）。":
        "Required: the category name (e.g. 新势力企业) or code (e.g. new_force).",
    "选填，见“选项”表；不属于可留空或填“无”。":
        "Optional, see the “Options” sheet; leave blank or enter “无” if not applicable.",
    "选填，填“是”或“否”，留空视为“否”。": "Optional: “是” (yes) or “否” (no); blank means no.",
    "选填，数字，单位万元，不能为负数。": "Optional: a number in CNY 10,000, not negative.",
    "选填，非负整数。": "Optional: a non-negative integer.",
    "选填，不超过300字。": "Optional, at most 300 characters.",
    "选填，不超过50字。": "Optional, at most 50 characters.",
    "选填，不超过32位。": "Optional, at most 32 characters.",
    "选填，填写在岗陪跑员的登录用户名，导入后即分配给该陪跑员。":
        "Optional: the username of an active escort; the company is assigned to that escort on import.",
    "请填写镇街。": "Enter the town/street.",
    "找不到该镇街，请填写“选项”表中的镇街名称。":
        "Town/street not found. Use a name from the “Options” sheet.",
    "该镇街已停用。": "This town/street is no longer in use.",
    "请填写行业门类。": "Enter the industry section.",
    "找不到该行业门类，请填写门类字母或名称。": "Industry section not found. Enter the section letter or name.",
    "该行业门类已停用。": "This industry section is no longer in use.",
    "不能超过%(max)d个字符（当前%(n)d个）。": "At most %(max)d characters (currently %(n)d).",
    "与第%(row)d行的统一社会信用代码重复。": "Same unified social credit code as row %(row)d.",
    "请填写陪跑类别。": "Enter the escort category.",
    "无法识别的陪跑类别，可填：%(choices)s。": "Unrecognised escort category. Allowed: %(choices)s.",
    "无法识别的专精特新梯度，可填：%(choices)s。": "Unrecognised SRDI tier. Allowed: %(choices)s.",
    "请填写“是”或“否”。": "Enter “是” (yes) or “否” (no).",
    "请填写数字。": "Enter a number.",
    "数值过大，请核对单位（万元）。": "The value is too large; check the unit (CNY 10,000).",
    "请填写整数。": "Enter a whole number.",
    "找不到该用户名。": "Username not found.",
    "该用户不是陪跑员。": "This user is not an escort.",
    "该陪跑员账号已停用。": "This escort's account is deactivated.",
    "文件中没有数据行（第1行为表头，数据从第2行开始）。":
        "The file has no data rows (row 1 is the header; data starts in row 2).",
    "无法识别的列，请使用导入模板中的表头。": "Unrecognised column. Use the headers from the import template.",
    "与“%(other)s”列重复。": "Duplicates the “%(other)s” column.",
    "缺少必填列“%(header)s”。": "The required column “%(header)s” is missing.",
    "填写说明": "Instructions",
    "列名": "Column",
    "是否必填": "Required?",
    "填写要求": "Requirements",
    "必填": "Required",
    "选填": "Optional",
    "第1行为表头，请勿修改；数据从第2行开始。全部行检查无误后才会导入，有任何错误则一行都不导入。":
        "Row 1 is the header — do not change it; data starts in row 2. Rows are imported only when every "
        "row passes the checks; if there is any error, nothing is imported.",
    "选择文件（.xlsx 或 .csv）": "Choose a file (.xlsx or .csv)",
    "请选择要上传的文件。": "Choose a file to upload.",
    "只能上传 .xlsx 或 .csv 文件（.xls 等格式请在表格软件中另存为 .xlsx 或 .csv）。":
        "Only .xlsx or .csv files can be uploaded (save .xls and other formats as .xlsx or .csv "
        "in your spreadsheet program).",
    "检查并导入": "Check and import",
    "导入时发现部分统一社会信用代码刚被登记，未导入任何企业，请重新上传。":
        "Some unified social credit codes were registered while importing, so no companies were imported. "
        "Please upload again.",
    "企业导入模板.xlsx": "company-import-template.xlsx",
    "企业名单-%(day)s.xlsx": "companies-%(day)s.xlsx",
    "新势力企业": "New-force enterprise",
    "跑在前": "Running ahead",
    "专精特新梯度企业": "SRDI-tier enterprise",
    "跑长大": "Growing up",
    "内生裂变企业": "Spin-off enterprise",
    "跑落地": "Landing projects",
    "培育升规企业": "Enterprise being fostered to above scale",
    "跑入库": "Getting on the register",
    "“新雏鹰计划”培育企业": "“New Eaglet Program” enterprise",
    "跑腾飞": "Taking off",
    "无": "None",
    "科技型中小企业": "Tech-based SME",
    "创新型中小企业": "Innovative SME",
    "专精特新中小企业": "Specialized & innovative (SRDI) SME",
    "专精特新“小巨人”企业": "SRDI “Little Giant” enterprise",
    "未开始": "Not started",
    "推进中": "In progress",
    "已达成": "Achieved",
    "统一社会信用代码应为18位，当前为%(n)d位。":
        "A unified social credit code has 18 characters; this one has %(n)d.",
    "统一社会信用代码含有不允许的字符：%(chars)s（不使用 I、O、S、V、Z）。":
        "The unified social credit code contains characters that are not allowed: %(chars)s "
        "(I, O, S, V and Z are not used).",
    "统一社会信用代码校验位不正确，请核对后重新输入。":
        "The check digit of the unified social credit code is wrong. Please check and re-enter it.",
    "企业“%(name)s”已添加。": "Company “%(name)s” added.",
    "目标进度未保存，请检查填写的内容。": "Goal progress not saved. Please check your entries.",
    "目标进度已更新。": "Goal progress updated.",
    "目标进度没有变化。": "Goal progress unchanged.",
    "用户名“%(name)s”已被使用，请换一个。": "The username “%(name)s” is taken. Please choose another.",
    "企业账号已创建": "Company account created",
    "企业账号未创建，请检查填写的内容。": "Company account not created. Please check your entries.",
    "企业账号密码已重置": "Company account password reset",
    "已启用企业账号 %(name)s。": "Company account %(name)s activated.",
    "已停用企业账号 %(name)s，其登录会话已全部结束。":
        "Company account %(name)s deactivated; all its sessions have been ended.",
    "企业信息已保存。": "Company details saved.",
    "请把以下登录信息当面或通过安全渠道交给企业联系人。临时密码只显示这一次，离开本页后无法再查看。":
        "Give these sign-in details to the company contact in person or through a secure channel. "
        "The temporary password is shown only once and cannot be viewed after you leave this page.",
    "临时密码": "Temporary password",
    "首次登录时系统会要求修改这个密码。": "The system will ask for this password to be changed at first sign-in.",
    "返回企业页面": "Back to company",
    "曾陪跑（只读）": "Formerly escorted (read-only)",
    "编辑": "Edit",
    "走访记录": "Visit records",
    "记录走访": "Record visit",
    "规上企业": "Above-scale enterprise",
    "是": "Yes",
    "否": "No",
    "未分配": "Unassigned",
    "陪跑员分配记录": "Escort assignment history",
    "至今": "present",
    "原因": "Reason",
    "暂无分配记录。": "No assignments yet.",
    "企业账号（门户）": "Company accounts (portal)",
    "企业人员用这些账号登录门户提交和跟踪问题。新账号首次登录必须修改密码。":
        "Company staff use these accounts to sign in to the portal to submit and track problems. "
        "New accounts must change their password at first sign-in.",
    "最近登录": "Last sign-in",
    "已停用": "Deactivated",
    "待首次登录改密": "Awaiting first sign-in",
    "在用": "Active",
    "重置密码": "Reset password",
    "停用": "Deactivate",
    "启用": "Activate",
    "还没有企业账号。": "No company accounts yet.",
    "新建企业账号": "New company account",
    "编辑企业": "Edit company",
    "新增企业": "Add company",
    "取消": "Cancel",
    "导入企业": "Import companies",
    "返回企业列表": "Back to companies",
    "导入完成": "Import complete",
    "已从“%(file)s”导入 %(count)d 家企业，其中 %(assigned)d 家已分配陪跑员。":
        "Imported %(count)d companies from “%(file)s”; %(assigned)d of them have been assigned an escort.",
    "查看企业列表": "View companies",
    "文件中有 %(n)d 处错误（涉及 %(rows)d 行），未导入任何企业。请修改后重新上传。":
        "The file has %(n)d errors (in %(rows)d rows), so no companies were imported. "
        "Please correct them and upload again.",
    "以下仅列出前 %(shown)d 处。": "Only the first %(shown)d are listed below.",
    "行": "Row",
    "列": "Column",
    "内容": "Content",
    "问题": "Problem",
    "请先下载模板，按表头填写后上传。系统会先检查每一行，全部无误才会导入；有任何错误则一行都不导入，并列出出错的行和列。":
        "Download the template, fill it in under the headers and upload it. Every row is checked first and "
        "the file is imported only if all rows are valid; if there is any error nothing is imported and the "
        "rows and columns with errors are listed.",
    "下载导入模板": "Download import template",
    "支持 .xlsx 和 .csv（UTF-8 或 GBK 编码均可）；单个文件不超过 %(mb)d MB、%(rows)d 行。":
        ".xlsx and .csv (UTF-8 or GBK) are supported; at most %(mb)d MB and %(rows)d rows per file.",
    "企业": "Company",
    "我陪跑的企业": "My companies",
    "陪跑企业": "Escorted companies",
    "导出Excel": "Export to Excel",
    "导入": "Import",
    "筛选": "Filter",
    "行业": "Industry",
    "没有符合条件的企业。": "No matching companies.",
})

# --- audit, errors, core -------------------------------------------------------------------------
TRANSLATIONS.update({
    "操作人（用户名）": "Actor (username)",
    "操作": "Action",
    "对象类型": "Object type",
    "对象编号": "Object ID",
    "日期自": "Date from",
    "日期至": "Date to",
    "请求有误，请检查后重试。": "Bad request. Please check and try again.",
    "请先登录。": "Please sign in first.",
    "页面或记录不存在，或您无权查看。": "The page or record does not exist, or you are not allowed to view it.",
    "不支持该请求方式。": "This request method is not supported.",
})
TRANSLATIONS.update({
    "数据已被他人修改，请刷新后重试。": "Someone else changed this data. Please refresh and try again.",
    "上传的内容过大。": "The upload is too large.",
    "不支持的内容类型。": "Unsupported content type.",
    "提交的内容无法处理。": "The submitted content could not be processed.",
    "操作过于频繁，请稍后再试。": "Too many requests. Please try again later.",
    "系统出现错误，我们已记录，请稍后再试。": "Something went wrong. The error has been logged; please try again later.",
    "服务暂时不可用（数据库无法连接），请稍后再试。":
        "The service is temporarily unavailable (cannot reach the database). Please try again later.",
    "页面已过期或表单无效，请返回并刷新页面后重新提交。":
        "The page has expired or the form is invalid. Go back, refresh the page and submit again.",
    "已将 %(n)d 条通知标为已读。": "Marked %(n)d notifications as read.",
    "不支持 .%(ext)s 格式，请在表格软件中另存为 .xlsx 或 .csv 后再上传。":
        "The .%(ext)s format is not supported. Save it as .xlsx or .csv in your spreadsheet program and upload again.",
    "只能上传 .xlsx 或 .csv 文件。": "Only .xlsx or .csv files can be uploaded.",
    "文件超过 %(mb)d MB，请分批导入。": "The file is larger than %(mb)d MB. Please import in batches.",
    "文件是空的。": "The file is empty.",
    "无法读取该 .xlsx 文件（文件损坏或不是 Excel 工作簿）。":
        "Cannot read this .xlsx file (it is damaged or not an Excel workbook).",
    "工作簿中没有工作表。": "The workbook has no worksheets.",
    "无法识别 CSV 文件的编码，请另存为“CSV UTF-8”或 .xlsx 后再上传。":
        "Cannot detect the CSV file's encoding. Save it as “CSV UTF-8” or .xlsx and upload again.",
    "CSV 文件中含有无法识别的内容，请另存为“CSV UTF-8”或 .xlsx 后再上传。":
        "The CSV file contains unreadable content. Save it as “CSV UTF-8” or .xlsx and upload again.",
    "CSV 文件格式有误：%(error)s": "Malformed CSV file: %(error)s",
    "文件中没有表头，第1行应为列名。": "The file has no header; row 1 must contain the column names.",
    "表头“%(header)s”出现了不止一次。": "The header “%(header)s” appears more than once.",
    "数据超过 %(n)d 行，请分批导入。": "More than %(n)d data rows. Please import in batches.",
})

# --- monitoring ----------------------------------------------------------------------------------
TRANSLATIONS.update({
    "未办结：状态为待受理、已受理、待交办、已交办、办理中、已答复的问题（不含已办结、不予受理、已撤回）。":
        "Open: problems that are awaiting acceptance, accepted, awaiting dispatch, dispatched, in progress "
        "or replied (not closed, rejected or withdrawn).",
    "已超期：有办理期限的环节（待受理至办理中）当前期限早于此刻的问题。并入共性问题的成员问题，期限即共性问题当前环节的期限（每个成员问题各计一个）。":
        "Overdue: problems in a stage with a deadline (awaiting acceptance to in progress) whose current "
        "deadline has passed. A problem grouped into a common problem has the common problem's current deadline "
        "(each member problem counts as one).",
    "一个工作日内到期：有办理期限的环节，期限在此刻至下一个工作日结束之间的问题。":
        "Due within one working day: problems in a stage with a deadline that falls between now and the end "
        "of the next working day.",
    "本月办结：状态为已办结、办结时间在本月（北京时间自然月）的问题。":
        "Closed this month: problems that are closed, with the closing time in this calendar month "
        "(Beijing time).",
    "本月满意率：本月评价的问题中，最近一次评价为“满意”或“基本满意”的数量 ÷ 本月评价的问题数；每个问题只计最近一次评价。":
        "Satisfaction this month: of the problems rated this month, the number whose latest rating is "
        "“satisfied” or “basically satisfied” ÷ the number of problems rated this month; only the latest "
        "rating of each problem counts.",
    "走访覆盖率：已分配陪跑员、且在本走访周期内达到规定走访次数的企业数 ÷ 已分配陪跑员的企业数。未走访企业数含尚未分配陪跑员的企业，与“未走访企业”名单一致。":
        "Visit coverage: companies with an escort that received the required number of visits in this visit "
        "cycle ÷ companies with an escort. The count of unvisited companies includes companies without an "
        "escort, matching the “Unvisited companies” list.",
    "分组统计：未办结问题按问题类别、承办部门（仅已交办过部门的问题）、企业所在镇街、企业类别分组，每组给出未办结、已超期、一个工作日内到期的数量。":
        "Breakdown: open problems grouped by problem category, handling department (only problems that have "
        "been dispatched), the company's town/street and company category; each group shows the number "
        "open, overdue and due within one working day.",
    "账龄：未办结问题自提交之日起至今的工作日数（不含提交当日，节假日不计），分为 ≤5、6–15、16–30、>30 个工作日。":
        "Age: working days since an open problem was submitted (excluding the day of submission and "
        "holidays), in bands of ≤5, 6–15, 16–30 and >30 working days.",
    "督办清单：未办结且被督办（催办、督办、挂牌督办）或被评为不满意而重新办理两次及以上的问题。":
        "Supervision list: open problems that are under supervision (remind, supervise, flagged supervision) "
        "or have been reopened two or more times after an “unsatisfied” rating.",
    "12个月趋势：近12个自然月（含本月）每月新提交的问题数，与每月办结（状态为已办结、办结时间在该月）的问题数。":
        "12-month trend: problems submitted in each of the last 12 calendar months (including this one), and "
        "problems closed in each month (status closed, closing time in that month).",
    "按问题类别": "By problem category",
    "按承办部门": "By handling department",
    "按镇街": "By town/street",
    "按企业类别": "By company category",
    "≤5个工作日": "≤5 working days",
    "6–15个工作日": "6–15 working days",
    "16–30个工作日": "16–30 working days",
    ">30个工作日": ">30 working days",
    "%(y)d年%(m)d月": "%(y)d-%(m)02d",
    "%(m)d月": "%(m)d",
    "已超期": "Overdue",
    "一个工作日内到期": "Due within 1 working day",
    "其他未办结": "Other open",
    "暂无未办结问题": "No open problems",
    "未办结问题账龄": "Age of open problems",
    "未办结": "Open",
    "新提交": "Submitted",
    "办结": "Closed",
    "近12个月问题提交与办结": "Problems submitted and closed, last 12 months",
    "%(y)d年": "%(y)d",
    "编号": "No.",
    "标题": "Title",
    "承办部门": "Handling department",
    "当前期限": "Current deadline",
    "提示": "Note",
    "待评价，%(d)s 自动办结": "Awaiting rating; closes automatically on %(d)s",
    "跟踪监测": "Tracking & monitoring",
    "数据截至 %(t)s；本月为 %(a)s 至 %(b)s。点击任一数字查看对应的问题清单。":
        "Data as of %(t)s; this month is %(a)s to %(b)s. Click any number to see the problems behind it.",
    "本月办结": "Closed this month",
    "本月满意率": "Satisfaction this month",
    "本月已评价": "Rated this month",
    "走访覆盖率（%(p)s）": "Visit coverage (%(p)s)",
    "已走访 %(a)d / 应走访 %(b)d 家": "Visited %(a)d of %(b)d companies",
    "未走访": "Not visited",
    "家": "companies",
    "（含未分配陪跑员 %(n)d 家）": "(including %(n)d without an escort)",
    "未办结问题分布": "Open problems breakdown",
    "暂无未办结问题。": "No open problems.",
    "账龄": "Age",
    "已历时": "Elapsed",
    "提交日期": "Submitted on",
    "%(d)s 及以后": "%(d)s or later",
    "%(d)s 及以前": "%(d)s or earlier",
    "督办清单": "Supervision list",
    "没有督办中的问题。": "No problems under supervision.",
    "查看全部 %(n)d 个督办问题": "View all %(n)d supervised problems",
    "近12个月趋势": "Last 12 months",
    "月份": "Month",
    "我的工作台": "My workbench",
    "数据截至 %(t)s。点击数字查看对应清单。": "Data as of %(t)s. Click a number to see the list behind it.",
    "待我处理": "Waiting for me",
    "待受理或已受理待答复的问题。": "Problems awaiting acceptance, or accepted and awaiting a reply.",
    "我的企业未办结问题": "Open problems of my companies",
    "%(p)s未走访企业": "Companies not visited in %(p)s",
    "本走访周期内走访次数未达要求（%(n)d 次）的企业。":
        "Companies that have not had the required number of visits (%(n)d) in this visit cycle.",
    "类别与目标": "Category and goal",
    "上次走访": "Last visit",
    "未办结问题": "Open problems",
    "从未走访": "Never visited",
    "本周期未走访": "Not visited this cycle",
    "目前没有分配给您的企业。": "No companies are assigned to you.",
    "上次走访：%(d)s": "Last visit: %(d)s",
    "本周期内所有企业均已走访。": "All companies have been visited this cycle.",
    "我的企业未办结问题（按期限）": "Open problems of my companies (by deadline)",
    "没有未办结的问题。": "No open problems.",
    "查看全部 %(n)d 个未办结问题": "View all %(n)d open problems",
    "本部门的办理队列，数据截至 %(t)s。点击数字查看对应清单。":
        "Your department's queue, data as of %(t)s. Click a number to see the list behind it.",
    "待签收": "Awaiting sign-for",
    "已交办本部门、尚未签收的问题。": "Problems dispatched to your department that have not been signed for.",
    "办理中": "In progress",
    "本部门已签收、尚未答复的问题。": "Problems your department has signed for but not yet replied to.",
    "延期申请待审批": "Extension requests pending",
    "本部门已申请延期、等待管理人员审批的问题。":
        "Problems for which your department requested an extension awaiting a manager's approval.",
    "没有待签收的问题。": "No problems awaiting sign-for.",
    "查看全部 %(n)d 个": "View all %(n)d",
    "办理中（按期限）": "In progress (by deadline)",
    "没有办理中的问题。": "No problems in progress.",
    "没有超期的问题。": "No overdue problems.",
    "申请人": "Requested by",
    "申请时间": "Requested at",
    "原期限": "Original deadline",
    "申请延期至": "Extend to",
    "没有待审批的延期申请。": "No extension requests pending.",
})

# --- personnel -----------------------------------------------------------------------------------
TRANSLATIONS.update({
    "用户名、姓名或电话": "Username, name or phone",
    "职能部门": "Department",
    "帮帮团成员必填。": "Required for help-team members.",
    "电子邮箱": "Email",
    "请输入有效的电子邮箱。": "Enter a valid email address.",
    "留空则自动生成一个安全的临时密码。无论哪种，对方首次登录都必须修改密码。":
        "Leave blank to generate a secure temporary password. Either way, the user must change it at first "
        "sign-in.",
    "不能修改自己的角色。": "You cannot change your own role.",
    "您不能设置这个角色。": "You cannot assign this role.",
    "帮帮团成员必须选择所属职能部门。": "Help-team members must belong to a department.",
    "新的临时密码": "New temporary password",
    "留空则自动生成。对方下次登录必须修改密码，其所有已登录的会话将立即失效。":
        "Leave blank to generate one. The user must change it at next sign-in; all their current sessions "
        "end immediately.",
    "停用原因": "Reason for deactivation",
    "停用账号": "Deactivate account",
    "移交方式": "Hand-over method",
    "接手的陪跑员": "New escort",
    "参与轮流分配的陪跑员": "Escorts in the rotation",
    "调整原因": "Reason for change",
    "请填写调整原因。": "Enter the reason for the change.",
    "确认移交": "Confirm hand-over",
    "全部移交给一位陪跑员": "Hand all over to one escort",
    "轮流分配给多位陪跑员": "Rotate among several escorts",
    "%(name)s（现有%(n)d家）": "%(name)s (currently %(n)d)",
    "请选择": "Select",
    "请选择移交方式。": "Select a hand-over method.",
    "请选择接手的陪跑员。": "Select the new escort.",
    "请至少勾选一位陪跑员。": "Tick at least one escort.",
    "所选陪跑员不可用，请重新选择。": "The selected escort is not available. Please select again.",
    "范围": "Scope",
    "全部符合筛选条件的企业": "All companies matching the filter",
    "全部符合筛选条件的企业（共%(n)d家）": "All companies matching the filter (%(n)d in total)",
    "仅勾选的企业": "Only the ticked companies",
    "（未分配）": "(unassigned)",
    "用户名须为3–64位字母、数字或 _ . @ -，并以字母或数字开头。":
        "A username has 3–64 letters, digits or _ . @ - and starts with a letter or digit.",
    "所选职能部门不存在。": "The selected department does not exist.",
    "所选镇街不存在。": "The selected town/street does not exist.",
    "请选择有效的角色。": "Select a valid role.",
    "您不能创建“%(role)s”账号。": "You cannot create “%(role)s” accounts.",
    "您不能修改这个账号。": "You cannot edit this account.",
    "您不能把角色设为“%(role)s”。": "You cannot set the role to “%(role)s”.",
    "%(name)s 名下还有 %(n)d 家企业，请先移交给其他陪跑员再更改角色。":
        "%(name)s still has %(n)d companies. Hand them over to other escorts before changing the role.",
    "不能停用自己的账号。": "You cannot deactivate your own account.",
    "您不能停用这个账号。": "You cannot deactivate this account.",
    "该账号已是停用状态。": "This account is already deactivated.",
    "%(name)s 名下还有 %(n)d 家企业，请先移交给其他陪跑员再停用。":
        "%(name)s still has %(n)d companies. Hand them over to other escorts before deactivating.",
    "您不能启用这个账号。": "You cannot activate this account.",
    "该账号已是启用状态。": "This account is already active.",
    "不能在这里重置自己的密码，请使用“修改密码”。":
        "You cannot reset your own password here; use “Change password”.",
    "您不能重置这个账号的密码。": "You cannot reset this account's password.",
    "%(name)s 不是在岗的陪跑员，不能接手企业。": "%(name)s is not an active escort and cannot take over companies.",
    "接手的陪跑员不能是要停用的本人。": "The new escort cannot be the person being deactivated.",
    "“全部移交给一位陪跑员”只能选择一位陪跑员。": "“Hand all over to one escort” allows only one escort.",
    "您没有调整陪跑员的权限。": "You are not allowed to reassign escorts.",
    "请至少选择一家企业。": "Select at least one company.",
    "这不是企业用户账号。": "This is not a company user account.",
    "账号已创建": "Account created",
    "%(name)s 的信息已保存。": "Details of %(name)s saved.",
    "已将 %(n)d 家企业移交，并停用 %(name)s 的账号。":
        "Handed over %(n)d companies and deactivated the account of %(name)s.",
    "已停用 %(name)s 的账号，其所有登录会话已结束。":
        "Deactivated the account of %(name)s; all their sessions have ended.",
    "已重新启用 %(name)s 的账号。": "Reactivated the account of %(name)s.",
    "密码已重置": "Password reset",
    "未设置任何筛选条件时不能“全部移交”，请先筛选，或逐家勾选企业。":
        "“All matching” needs a filter. Filter first, or tick the companies one by one.",
    "部分所选企业已不在当前筛选结果中，请刷新页面后重试。":
        "Some selected companies are no longer in the filter results. Refresh the page and try again.",
    "已调整 %(n)d 家企业的陪跑员，原分配记录已保留。":
        "Changed the escort of %(n)d companies; the previous assignments are kept in the history.",
    "方式一：全部移交给一位陪跑员": "Option 1: hand all over to one escort",
    "方式二：轮流分配给多位陪跑员": "Option 2: rotate among several escorts",
    "按企业名称顺序逐家轮流分给下面勾选的陪跑员，从目前企业最少的人开始，每人分得的数量最多相差1家。":
        "Companies are dealt out in name order to the escorts ticked below, starting with the one who has the "
        "fewest companies; the shares differ by at most one company.",
    "没有可接手的在岗陪跑员。": "No active escort is available to take over.",
    "例如：原陪跑员岗位调整": "e.g. previous escort changed jobs",
    "原因会记入每家企业的陪跑员分配记录。原记录保留，不会删除。":
        "The reason is recorded in each company's escort assignment history. Earlier records are kept.",
    "%(name)s 名下还有 %(n)d 家企业。企业不能没有陪跑员，停用前必须先移交。下面可以一步完成：选择接手的陪跑员，提交后移交全部企业并停用账号。":
        "%(name)s still has %(n)d companies. A company cannot be left without an escort, so they must be "
        "handed over before deactivation. You can do both in one step below: choose the new escort and "
        "submit to hand over all companies and deactivate the account.",
    "待移交的企业": "Companies to hand over",
    "停用后，该账号的所有登录会话立即结束，无法再登录；分配记录和工作记录全部保留。":
        "After deactivation all sessions of this account end immediately and it can no longer sign in; "
        "assignment and work records are all kept.",
    "移交企业并停用": "Hand over and deactivate",
    "停用后，该账号的所有登录会话立即结束，无法再登录；历史记录全部保留，之后可以重新启用。":
        "After deactivation all sessions of this account end immediately and it can no longer sign in; "
        "its history is kept and the account can be reactivated later.",
    "重新启用": "Reactivate",
    "须在下次登录时修改": "Must change at next sign-in",
    "已由本人设置": "Set by the user",
    "当前陪跑企业（%(n)d家）": "Current companies (%(n)d)",
    "调整这些企业的陪跑员": "Reassign these companies",
    "目前没有分配企业。": "No companies assigned.",
    "分配记录": "Assignment history",
    "起": "From",
    "止": "To",
    "操作人": "By",
    "返回人员名录": "Back to staff directory",
    "编辑人员": "Edit staff member",
    "新增人员": "Add staff member",
    "您不能修改自己的角色。": "You cannot change your own role.",
    "人员管理": "Staff",
    "人员名录": "Staff directory",
    "陪跑员工作量": "Escort workload",
    "批量调整陪跑员": "Bulk reassign escorts",
    "没有符合条件的人员。": "No matching staff.",
    "请把以下登录信息当面或通过安全渠道告知本人。临时密码只显示这一次，离开本页后无法再查看。":
        "Give these sign-in details to the person in person or through a secure channel. The temporary "
        "password is shown only once and cannot be viewed after you leave this page.",
    "对方首次登录时必须修改这个密码。": "The user must change this password at first sign-in.",
    "完成": "Done",
    "%(name)s 的企业": "Companies of %(name)s",
    "先筛选企业（例如某位陪跑员的全部企业），勾选要调整的企业，或选择“全部符合筛选条件的企业”，再选择接手的陪跑员并填写原因。所有调整在一次提交中完成，原分配记录保留。":
        "Filter the companies first (e.g. all companies of one escort), tick the ones to reassign or choose "
        "“All companies matching the filter”, then choose the new escort and give a reason. All changes are "
        "made in one submission and the previous assignments are kept.",
    "选择": "Select",
    "现陪跑员": "Current escort",
    "调整范围": "Companies to reassign",
    "确认调整": "Confirm reassignment",
    "在岗陪跑员 %(e)d 人，共陪跑 %(c)d 家企业。": "%(e)d active escorts looking after %(c)d companies.",
    "尚有 %(n)d 家企业未分配陪跑员": "%(n)d companies have no escort yet",
    "通常每位陪跑员负责%(a)d–%(b)d家企业，超出范围的会标出。":
        "Each escort usually looks after %(a)d–%(b)d companies; numbers outside that range are highlighted.",
    "当前企业数": "Companies",
    "目标已达成": "Goals achieved",
    "偏多": "Too many",
    "偏少": "Too few",
    "查看企业": "View companies",
    "调整": "Reassign",
    "还没有在岗的陪跑员。": "No active escorts yet.",
})

# --- portal --------------------------------------------------------------------------------------
TRANSLATIONS.update({
    "可多选；仅限 PDF、JPG、PNG、DOCX、XLSX，每个不超过 %(mb)d MB。":
        "You can choose several files: PDF, JPG, PNG, DOCX or XLSX, each up to %(mb)d MB.",
    "问题标题": "Problem title",
    "请填写问题标题。": "Enter a title for the problem.",
    "一句话概括遇到的问题": "Sum up the problem in one sentence",
    "问题描述": "Description",
    "请描述遇到的问题。": "Describe the problem.",
    "具体情况、已做过的努力、希望得到的帮助": "Details, what you have already tried, and what help you need",
    "问题类别": "Problem category",
    "紧急程度": "Urgency",
    "附件（可选）": "Attachments (optional)",
    "提交问题": "Submit a problem",
    "留言": "Message",
    "补充情况或向陪跑员、承办部门提问": "Add information or ask your escort or the handling department",
    "发送留言": "Send message",
    "撤回原因（可选）": "Reason for withdrawing (optional)",
    "确认撤回": "Confirm withdrawal",
    "您对答复的评价": "Your rating of the reply",
    "评价意见": "Comments",
    "选择“不满意”时请说明原因，问题将重新办理": "If you choose “Unsatisfied”, say why; the problem will be reopened",
    "提交评价": "Submit rating",
    "待您评价": "Awaiting your rating",
    "办理中的问题": "Problems in progress",
    "已结束的问题": "Finished problems",
    "超期未评价，自动办结": "Not rated in time; closed automatically",
    "问题已提交，编号 %(number)s。陪跑员将尽快受理，您可在此查看办理进度。":
        "Problem submitted as %(number)s. Your escort will accept it soon; you can follow its progress here.",
    "撤回原因：%(reason)s": "Reason for withdrawing: %(reason)s",
    "问题 %(number)s 已撤回。": "Problem %(number)s withdrawn.",
    "感谢您的评价，问题 %(number)s 已办结。": "Thank you for your rating. Problem %(number)s is closed.",
    "已收到您的意见，问题 %(number)s 将重新办理。": "We have received your comments; problem %(number)s will be reopened.",
    "该问题已结束，不能再上传附件。": "This problem is finished; no more attachments can be uploaded.",
    "留言已发送。": "Message sent.",
    "请于 %(date)s 前评价": "Please rate by %(date)s",
    "办理期限": "Deadline",
    "超期 %(n)d 个工作日": "%(n)d working days overdue",
    "我的问题": "My problems",
    "待您评价 %(n)d": "Awaiting your rating %(n)d",
    "办理中 %(n)d": "In progress %(n)d",
    "已结束 %(n)d": "Finished %(n)d",
    "请查看答复并评价；逾期未评价将自动办结。":
        "Please read the reply and rate it; problems not rated in time are closed automatically.",
    "提交于 %(date)s": "Submitted %(date)s",
    "结束于 %(date)s": "Finished %(date)s",
    "您还没有提交过问题。": "You have not submitted any problems yet.",
    "提交第一个问题": "Submit your first problem",
    "提交后由您的陪跑员受理，需要时交由相关职能部门办理。您可以随时在“我的问题”中查看进度。":
        "Your escort accepts the problem and, if needed, dispatches it to the relevant department. "
        "You can follow its progress at any time under “My problems”.",
    "附件未能上传，问题尚未提交。已填写的内容已保留，请重新选择附件后再提交。":
        "The attachments could not be uploaded, so the problem was not submitted. Your entries are kept; "
        "choose the attachments again and resubmit.",
    "评价：%(r)s": "Rating: %(r)s",
    "答复意见（待您评价）": "Reply (awaiting your rating)",
    "请于 %(date)s 前评价，逾期未评价将自动办结。":
        "Please rate by %(date)s; otherwise the problem closes automatically.",
    "答复意见": "Reply",
    "上次答复意见": "Previous reply",
    "您的评价意见：": "Your comments:",
    "附件": "Attachments",
    "办理过程": "Progress",
    "重新办理": "Reopened",
    "系统": "System",
    "提交时间": "Submitted at",
    "时限": "Deadline",
    "您的陪跑员": "Your escort",
    "结束时间": "Finished at",
    "撤回问题": "Withdraw problem",
    "问题已解决或不再需要办理时可撤回。撤回后不能恢复，如有需要请重新提交。":
        "You can withdraw a problem once it is solved or no longer needs handling. A withdrawal cannot be "
        "undone; submit again if needed.",
})

# --- rankings ------------------------------------------------------------------------------------
TRANSLATIONS.update({
    "参与排名的最少样本数": "Minimum sample size to be ranked",
    "请填写最少样本数。": "Enter the minimum sample size.",
    "请填写 %(low)d–%(high)d 之间的整数。": "Enter a whole number from %(low)d to %(high)d.",
    "样本数不足的对象单列显示，不参与排名。默认：3": "Entries below the sample size are listed separately and not ranked. Default: 3",
    "黄牌数量": "Number of yellow cards",
    "每个榜单末位标注黄牌的数量；留空为自动（参与排名对象的10%，向上取整，至少1名）；填0则不标注。":
        "How many entries at the bottom of each ranking get a yellow card; leave blank for automatic (10 percent "
        "of the ranked entries, rounded up, at least 1); enter 0 for none.",
    "每个榜单至少要有一项权重大于0。": "Each ranking needs at least one weight above 0.",
    "请填写权重。": "Enter a weight.",
    "请填写 0–%(max)d 之间的整数。": "Enter a whole number from 0 to %(max)d.",
    "默认：%(n)d": "Default: %(n)d",
    "%(y)d年第%(q)d季度": "Q%(q)d %(y)d",
    "%(start)s 至 %(end)s": "%(start)s to %(end)s",
    "年份应在 %(low)d–%(high)d 之间。": "The year must be between %(low)d and %(high)d.",
    "日期格式应为 YYYY-MM-DD。": "Dates must be in YYYY-MM-DD format.",
    "结束日期不能早于开始日期。": "The end date cannot be before the start date.",
    "自定义区间最长 %(n)d 天。": "A custom period can be at most %(n)d days.",
    "月份应在 1–12 之间。": "The month must be between 1 and 12.",
    "统计期格式应为 YYYY-MM（月）、YYYY-Qn（季度）或 YYYY-MM-DD..YYYY-MM-DD（自定义）。":
        "The period must be YYYY-MM (month), YYYY-Qn (quarter) or YYYY-MM-DD..YYYY-MM-DD (custom).",
    "请填写开始日期。": "Enter a start date.",
    "请填写结束日期。": "Enter an end date.",
    "比率 × 100": "rate × 100",
    "(1 − 比率) × 100，比率超过100%按100%计": "(1 − rate) × 100; a rate above 100 percent counts as 100 percent",
    "走访覆盖率": "Visit coverage",
    "统计期内与该陪跑员有包联关系（包联期与统计期有重叠）的企业中，该陪跑员在统计期内至少走访一次的企业所占比例。无包联企业的不计此项。":
        "Of the companies assigned to the escort during the period (assignment overlapping the period), the "
        "share the escort visited at least once in the period. Not scored for escorts without assigned "
        "companies.",
    "收集问题数": "Problems collected",
    "统计期内创建、收集人（问题提出时企业的陪跑员）为该陪跑员的问题数。":
        "Problems created in the period whose collector (the company's escort when the problem was raised) "
        "is this escort.",
    "问题数 ÷ 本榜最高问题数 × 100": "problems ÷ highest count in this ranking × 100",
    "按期办结率": "On-time closure rate",
    "统计期内办结（状态为已办结，办结时间在统计期内）的该陪跑员收集的问题中，答复未超过当时期限的比例。期限按工作日计算，节假日顺延。":
        "Of the problems collected by this escort and closed in the period (status closed, closing time in "
        "the period), the share replied to within the deadline in force at the time. Deadlines are counted "
        "in working days; holidays push them back.",
    "满意率": "Satisfaction rate",
    "统计期内评价的该陪跑员收集的问题中，评价为满意或基本满意的比例。只计最后一次评价：重新办理后再评价的问题只算一次。自动办结的问题没有评价，不计入。":
        "Of the problems collected by this escort and rated in the period, the share rated satisfied or "
        "basically satisfied. Only the latest rating counts: a problem rated again after reopening counts "
        "once. Automatically closed problems have no rating and are not counted.",
    "平均办结工作日": "Average working days to close",
    "统计期内办结的该陪跑员收集的问题，从提交日到办结日的工作日数的平均值（节假日不计）。":
        "Average number of working days from submission to closing (holidays excluded) for problems collected "
        "by this escort and closed in the period.",
})
TRANSLATIONS.update({
    "(1 − 天数 ÷ %(cap)d) × 100，%(cap)d 个工作日及以上得0分":
        "(1 − days ÷ %(cap)d) × 100; %(cap)d working days or more scores 0",
    "重新办理率": "Reopen rate",
    "统计期内办结的该陪跑员收集的问题中，曾因“不满意”被重新办理过的比例。反复办结的问题按最后一次办结时间计入一次。":
        "Of the problems collected by this escort and closed in the period, the share that were ever reopened "
        "after an “unsatisfied” rating. A problem closed more than once counts once, at its last closing time.",
    "按时签收率": "On-time sign-for rate",
    "统计期内签收的交办记录中，在签收期限内签收的比例（每交办一次为一条记录）。":
        "Of the dispatches signed for in the period, the share signed for within the sign-for deadline "
        "(each dispatch is one record).",
    "按时答复率": "On-time reply rate",
    "统计期内答复的交办记录中，在答复期限（含批准的延期）内答复的比例。重新办理后再次答复的按最后一次答复计。":
        "Of the dispatches replied to in the period, the share replied to within the reply deadline "
        "(including approved extensions). After a reopening, the latest reply counts.",
    "当前承办部门为该部门、统计期内评价的问题中，评价为满意或基本满意的比例（只计最后一次评价）。":
        "Of the problems currently handled by this department and rated in the period, the share rated "
        "satisfied or basically satisfied (latest rating only).",
    "退回率": "Return rate",
    "统计期内退回的交办记录数 ÷ 统计期内交办给该部门的记录数。":
        "Dispatches returned in the period ÷ dispatches to this department in the period.",
    "当前承办部门为该部门、统计期内办结的问题中，曾被重新办理过的比例。":
        "Of the problems currently handled by this department and closed in the period, the share that were "
        "ever reopened.",
    "超期件数": "Overdue problems",
    "承办部门为该部门、状态为已交办或办理中、期限早于统计期结束（当期为当前时刻）的问题数。":
        "Problems handled by this department that are dispatched or in progress with a deadline before the "
        "end of the period (now, for the current period).",
    "(1 − 件数 ÷ %(cap)d) × 100，%(cap)d 件及以上得0分":
        "(1 − count ÷ %(cap)d) × 100; %(cap)d or more scores 0",
    "辖区企业（按企业当前所属镇街）中，统计期内至少被走访一次的企业所占比例。":
        "Of the companies in the area (by their current town/street), the share visited at least once in the "
        "period.",
    "办结率": "Closure rate",
    "辖区企业在统计期内提出的问题中，到统计期结束时已办结的比例（统计期后才办结的不计）。":
        "Of the problems raised by companies in the area during the period, the share closed by the end of "
        "the period (problems closed later do not count).",
    "统计期内新收集、办结或评价的问题数": "problems collected, closed or rated in the period",
    "部门": "Department",
    "统计期内交办、签收、答复或退回的交办记录数": "dispatches made, signed for, replied to or returned in the period",
    "辖区企业数": "companies in the area",
    "排名": "Rank",
    "上期排名": "Previous rank",
    "综合得分": "Overall score",
    "黄牌": "Yellow card",
    "样本数": "Sample size",
    "是否参与排名": "Ranked?",
    "否（样本不足）": "No (sample too small)",
    "晾晒比拼-%(board)s-%(period)s.xlsx": "ranking-%(board)s-%(period)s.xlsx",
    "排名设置已保存。": "Ranking settings saved.",
    "没有修改。": "No changes.",
    "较上期": "Change",
    "新上榜": "New",
    "上期第%(n)d名": "Previously #%(n)d",
    "持平": "Unchanged",
    "没有参与排名的对象。": "Nothing ranked.",
    "无。": "None.",
    "晾晒比拼": "Public ranking",
    "排名设置": "Ranking settings",
    "已显示本月排名。": "Showing this month's ranking.",
    "按月": "Monthly",
    "查看": "View",
    "按季度": "Quarterly",
    "自定义：开始": "Custom: start",
    "结束": "End",
    "统计期：%(start)s 至 %(end)s（北京时间，含首尾两日）。":
        "Period: %(start)s to %(end)s (Beijing time, both days included).",
    "名次变化对比上期：%(start)s 至 %(end)s。": "Rank changes compared with the previous period: %(start)s to %(end)s.",
    "%(label)s榜": "%(label)s ranking",
    "排名（%(n)d）": "Ranked (%(n)d)",
    "样本不足，不参与排名（%(n)d）": "Sample too small, not ranked (%(n)d)",
    "样本数（%(what)s）少于 %(n)d 的对象单列显示，不参与排名和黄牌评定。":
        "Entries with a sample size (%(what)s) below %(n)d are listed separately and get no rank or yellow card.",
    "计分公式与指标口径": "Scoring formula and metric definitions",
    "综合得分 = Σ（权重 × 指标得分）÷ Σ 权重": "Overall score = Σ(weight × metric score) ÷ Σ weights",
    "，只计入对该对象适用的指标（分母为0、无包联企业等不适用，显示为“—”），结果为0–100分，保留一位小数。":
        ", counting only the metrics that apply to the entry (metrics with a zero denominator, no assigned "
        "companies, etc. do not apply and show “—”); the result is 0–100, with one decimal place.",
    "指标": "Metric",
    "权重": "Weight",
    "指标得分": "Metric score",
    "口径": "Definition",
    "统计期内：事件时间在开始日 00:00 至结束日次日 00:00（北京时间）之前即计入；走访按走访日期计。":
        "In the period: an event counts if it happened from 00:00 on the start day up to 00:00 on the day "
        "after the end day (Beijing time); visits count by visit date.",
    "办结：状态为“已办结”（评价满意、基本满意或到期自动办结）且办结时间在统计期内；不予受理、撤回的问题不算办结。重新办理后再次办结的问题按最后一次办结时间只计一次，并计入重新办理。":
        "Closed: status “closed” (rated satisfied or basically satisfied, or closed automatically when due) "
        "with the closing time in the period; rejected or withdrawn problems do not count as closed. A "
        "problem closed again after reopening counts once, at its last closing time, and counts as reopened.",
    "按期：最后一次答复在当时的期限之内；期限按工作日计算，法定节假日顺延、调休上班日计入。":
        "On time: the latest reply was within the deadline in force at the time; deadlines are counted in "
        "working days, skipping public holidays and including swapped workdays.",
    "问题数的得分与本榜最高者相比；平均办结工作日 %(d)d 天及以上、超期 %(o)d 件及以上得0分。":
        "The problem count is scored against the highest in this ranking; an average of %(d)d working days or "
        "more to close, or %(o)d or more overdue problems, scores 0.",
    "样本数：%(what)s；少于 %(n)d 的不参与排名。": "Sample size: %(what)s; entries below %(n)d are not ranked.",
    "黄牌：参与排名的对象中末位 %(n)d 名（得分并列者一并标注，第一名不标注）。":
        "Yellow card: the bottom %(n)d ranked entries (ties included; never the top entry).",
    "黄牌：本期不标注。": "Yellow card: none this period.",
    "（自动：参与排名对象的10%%，向上取整，至少1名）":
        "(automatic: 10%% of the ranked entries, rounded up, at least 1)",
    "名次变化：与上一个等长统计期的名次比较（按相同权重），上期未参与排名的显示“新上榜”。得分相同者名次并列。":
        "Rank change: compared with the rank in the previous period of the same length (same weights); entries "
        "not ranked last time show “New”. Equal scores share a rank.",
    "晾晒比拼 · 排名设置": "Public ranking · Settings",
    "返回排名": "Back to ranking",
    "综合得分 = Σ（权重 × 指标得分）÷ Σ 权重，只计入对该对象适用的指标。权重为 0–100 的整数，只看相对大小；权重为0的指标不计分。修改后所有统计期（含上期对比）都按新权重重新计算。":
        "Overall score = Σ(weight × metric score) ÷ Σ weights, counting only the metrics that apply to the "
        "entry. Weights are whole numbers from 0 to 100 and only their relative size matters; a metric with "
        "weight 0 is not scored. After a change, every period (including the previous-period comparison) is "
        "recalculated with the new weights.",
    "%(label)s榜权重": "%(label)s ranking weights",
})

# --- reference data, settings, calendar ----------------------------------------------------------
TRANSLATIONS.update({
    "编码": "Code",
    "请填写编码。": "Enter a code.",
    "请填写名称。": "Enter a name.",
    "已存在相同的值。": "This value already exists.",
    "行业门类（GB/T 4754）": "Industry sections (GB/T 4754)",
    "已保存。": "Saved.",
    "新增": "Add",
    "休息日": "Day off",
    "工作日（调休上班）": "Working day (swapped workday)",
    "请选择类型。": "Select a type.",
    "备注": "Note",
    "备注不能超过 %(max)d 个字。": "The note can be at most %(max)d characters.",
    "例如：国庆节、春节调休上班": "e.g. National Day, Spring Festival swapped workday",
    "请填写 %(low)d–%(high)d 年之间的日期。": "Enter a date between %(low)d and %(high)d.",
    "这一天已有设置，请在列表中编辑它。": "This day already has an entry; edit it in the list.",
    "年份": "Year",
    "请填写年份。": "Enter a year.",
    "请填写 %(low)d–%(high)d 之间的年份。": "Enter a year from %(low)d to %(high)d.",
    "放假与调休安排（每行一条）": "Holidays and swapped workdays (one per line)",
    "请粘贴至少一行。": "Paste at least one line.",
    "格式：日期 休/班 备注。例如“2027-01-01 休 元旦”、“2027-02-06 班 春节调休上班”、“2027-10-01..2027-10-07 休 国庆节”。以 # 开头的行忽略。任何一行有误则全部不录入。":
        "Format: date 休/班 note, where 休 = day off and 班 = working day, e.g. “2027-01-01 休 元旦”, "
        "“2027-02-06 班 春节调休上班”, “2027-10-01..2027-10-07 休 国庆节”. Lines starting with # are ignored. "
        "If any line is wrong, nothing is saved.",
    "替换该年已有的全部条目（未列出的日期将被删除）": "Replace all existing entries for that year (dates not listed are deleted)",
    "全部录入": "Save all",
    "请填写天数。": "Enter a number of days.",
    "人工设置": "Manual entries",
    "chinesecalendar": "chinesecalendar",
    "周末规则": "Weekend rule",
    "人工": "Manual",
    "日历包": "Calendar package",
    "元旦": "New Year's Day",
    "春节": "Spring Festival",
    "清明节": "Qingming Festival",
    "劳动节": "Labour Day",
    "端午节": "Dragon Boat Festival",
    "国庆节": "National Day",
    "中秋节": "Mid-Autumn Festival",
    "抗战胜利纪念日": "Victory Day",
    "%(years)s 年的法定节假日与调休安排尚未录入（chinesecalendar 数据只到 %(last)d 年），这些年份的工作日暂按周一至周五计算，时限可能算错。请在“工作日历”中录入。":
        "Public holidays and swapped workdays for %(years)s have not been entered (chinesecalendar data ends "
        "in %(last)d), so working days in those years are assumed to be Monday to Friday and deadlines may be "
        "wrong. Please enter them under “Working calendar”.",
    "调休上班": "Swapped workday",
    "上班": "Working day",
    "休息": "Day off",
    "%(name)s调休上班": "%(name)s swapped workday",
    "一次最多录入 %(max)d 行，请分批粘贴。": "At most %(max)d lines at a time; paste in batches.",
    "第%(n)d行：格式不正确，应为“日期 休/班 备注”，例如“2027-01-01 休 元旦”。":
        "Line %(n)d: wrong format; it should be “date 休/班 note”, e.g. “2027-01-01 休 元旦”.",
    "第%(n)d行：日期“%(text)s”不存在。": "Line %(n)d: the date “%(text)s” does not exist.",
    "第%(n)d行：日期“%(text)s”无效，请写成 2027-01-01 的格式。":
        "Line %(n)d: invalid date “%(text)s”; write it as 2027-01-01.",
    "第%(n)d行：起始日期晚于结束日期。": "Line %(n)d: the start date is after the end date.",
    "第%(n)d行：日期不在 %(year)d 年内。": "Line %(n)d: the date is not in %(year)d.",
    "第%(n)d行：缺少类型，请在日期后写“休”（放假）或“班”（上班）。":
        "Line %(n)d: missing type; write “休” (day off) or “班” (working day) after the date.",
    "第%(n)d行：“调休”含义不明确，请写“休”（放假）或“班”（调休上班）。":
        "Line %(n)d: “调休” is ambiguous; write “休” (day off) or “班” (swapped workday).",
    "第%(n)d行：无法识别类型“%(kind)s”，请写“休”（放假）或“班”（上班）。":
        "Line %(n)d: unknown type “%(kind)s”; write “休” (day off) or “班” (working day).",
    "第%(n)d行：备注不能超过 %(max)d 个字。": "Line %(n)d: the note can be at most %(max)d characters.",
    "第%(n)d行：%(day)s 已在第%(first)d行出现。": "Line %(n)d: %(day)s already appears on line %(first)d.",
    "没有可录入的内容。": "Nothing to save.",
    "受理时限（工作日）": "Acceptance deadline (working days)",
    "签收时限（工作日）": "Sign-for deadline (working days)",
    "一般问题办理时限（工作日）": "Handling deadline, ordinary problems (working days)",
    "紧急问题办理时限（工作日）": "Handling deadline, urgent problems (working days)",
    "复杂问题办理时限（工作日）": "Handling deadline, complex problems (working days)",
    "申请延期须提前（工作日）": "Extension requests due in advance (working days)",
    "答复后未评价自动办结（工作日）": "Auto-close after reply without rating (working days)",
    "超期多少个工作日自动督办": "Auto-supervise after this many working days overdue",
    "陪跑员直接答复时限（工作日）": "Escort direct reply deadline (working days)",
    "已保存 %(day)s 的设置。": "Saved the entry for %(day)s.",
    "已删除 %(day)s 的设置，该日恢复按法定安排或周末规则计算。":
        "Deleted the entry for %(day)s; the day now follows the official schedule or the weekend rule.",
    "%(year)d 年已录入：新增 %(created)d 条，更新 %(updated)d 条，未变 %(unchanged)d 条，删除 %(deleted)d 条。":
        "%(year)d saved: %(created)d added, %(updated)d updated, %(unchanged)d unchanged, %(deleted)d deleted.",
    "时限设置已保存（修改了 %(n)d 项）。": "Deadline settings saved (%(n)d changed).",
    "录入放假安排": "Enter holidays",
    "批量录入放假安排": "Enter holidays in bulk",
    "把国务院办公厅公布的当年放假安排逐行粘贴进来：放假的日子写“休”，调休上班的周末写“班”，连续几天可写成“起始..结束”。会逐行检查，任何一行有误则整批都不录入。":
        "Paste the year's holiday schedule published by the General Office of the State Council, one line "
        "each: write “休” for days off and “班” for weekend swapped workdays; consecutive days can be written "
        "as “start..end”. Every line is checked, and if any line is wrong nothing is saved.",
    "春节调休上班": "Spring Festival swapped workday",
    "“休”也可写作“休息”“放假”；“班”也可写作“上班”“补班”。日期区间可用“..”“~”或“至”连接。":
        "“休” can also be written “休息” or “放假”; “班” can also be written “上班” or “补班”. Join a date range "
        "with “..”, “~” or “至”.",
    "工作日历": "Working calendar",
    "新增条目": "Add entry",
    "批量录入": "Bulk entry",
    "判断某天是否为工作日的顺序：人工设置优先；其次是 chinesecalendar 收录的国务院放假与调休安排（%(last)d 年及以前）；都没有时按周一至周五上班、周六周日休息。":
        "Whether a day is a working day is decided in this order: manual entries first; then the State "
        "Council holidays and swapped workdays in chinesecalendar (up to %(last)d); otherwise Monday to "
        "Friday are working days and Saturday and Sunday are days off.",
    "人工条目": "Manual entries",
    "已收录": "Covered",
    "未收录": "Not covered",
    "已覆盖": "Covered",
    "未覆盖": "Not covered",
    "上月": "Previous month",
    "下月": "Next month",
    "一": "Mon",
    "二": "Tue",
    "三": "Wed",
    "四": "Thu",
    "五": "Fri",
    "六": "Sat",
    "日": "Sun",
    "来源": "Source",
    "班": "Work",
    "工作日": "Working day",
    "休": "Off",
    "节假日": "Holiday",
    "周末": "Weekend",
    "来源：“人工”＝管理员在本页的设置；“日历包”＝chinesecalendar 收录的国务院放假安排；“周末规则”＝该年没有数据，按周一至周五上班计算。":
        "Source: “Manual” = entries made by an administrator on this page; “Calendar package” = State Council "
        "holidays from chinesecalendar; “Weekend rule” = no data for that year, Monday to Friday are working "
        "days.",
    "%(y)d 年人工设置（%(n)d 条）": "Manual entries for %(y)d (%(n)d)",
    "星期": "Weekday",
    "删除": "Delete",
    "这一年没有人工设置。": "No manual entries for this year.",
    "编辑条目": "Edit entry",
    "人工设置优先于 chinesecalendar 和周末规则。标为“休息日”的日子不计入时限；标为“工作日”的周末（调休上班）计入时限。":
        "Manual entries override chinesecalendar and the weekend rule. Days marked “Day off” do not count "
        "towards deadlines; weekends marked “Working day” (swapped workdays) do.",
    "返回工作日历": "Back to working calendar",
    "时限设置": "Deadlines",
    "时限设置（SLA）": "Deadline settings (SLA)",
    "所有时限均按工作日计算（节假日与调休见“工作日历”）。修改只影响此后新计算的时限。":
        "All deadlines are counted in working days (see “Working calendar” for holidays and swapped "
        "workdays). Changes only affect deadlines calculated from now on.",
})

# --- base layout, audit, notifications, uploads --------------------------------------------------
TRANSLATIONS.update({
    "陪跑 · 助企服务平台": "Peipao · Enterprise Support Platform",
    # the pager (app/templates/_macros/pagination.html)
    "分页": "Pages",
    "上一页": "Previous",
    "下一页": "Next",
    "第 %(a)d–%(b)d 条": "Items %(a)d–%(b)d",
    "超过 %(n)d 条": "More than %(n)d",
    "共 %(n)d 条": "%(n)d in all",
    "菜单": "Menu",
    "问题工单": "Problems",
    "走访": "Visits",
    "企业信息": "Company details",
    "系统设置": "Settings",
    "审计日志": "Audit log",
    "通知": "Notifications",
    "%(n)d 条未读": "%(n)d unread",
    "个人设置与API令牌": "Profile and API tokens",
    "退出登录": "Sign out",
    "陪跑 · 助企陪跑员服务平台": "Peipao · Enterprise-Support Escort Platform",
    "记录所有写操作、登录成功与失败以及被拒绝的访问；只能追加，不能修改或删除。时间为北京时间。":
        "Records every write, successful and failed sign-in and denied access; entries can only be added, "
        "never changed or deleted. Times are Beijing time.",
    "时间": "Time",
    "IP": "IP",
    "对象": "Object",
    "修改前": "Before",
    "修改后": "After",
    "匿名": "Anonymous",
    "没有符合条件的记录。": "No matching entries.",
    "错误编号": "Error ID",
    "返回首页": "Back to home",
    "全部标为已读": "Mark all as read",
    "未读": "Unread",
    "标为已读": "Mark as read",
    "暂无通知。": "No notifications.",
    "您今天上传的文件已达每日 %(mb)d MB 的上限，请明天再上传；如确有需要，请联系系统管理员。":
        "You have reached today's upload limit of %(mb)d MB. Please upload again tomorrow, or contact the "
        "system administrator if it is urgent.",
    "“%(name)s”的文件类型不允许，只能上传 PDF、JPG、PNG、DOCX、XLSX 文件。":
        "“%(name)s” has a file type that is not allowed; only PDF, JPG, PNG, DOCX and XLSX files can be uploaded.",
    "“%(name)s”是空文件。": "“%(name)s” is empty.",
    "“%(name)s”超过 %(mb)d MB 的大小限制。": "“%(name)s” exceeds the %(mb)d MB size limit.",
    "“%(name)s”的内容与扩展名不符，或不是允许的文件类型。":
        "The content of “%(name)s” does not match its extension, or it is not an allowed file type.",
})

# --- tickets -------------------------------------------------------------------------------------
TRANSLATIONS.update({
    "标题最多200字。": "The title can be at most 200 characters.",
    "请选择企业": "Select a company",
    "请选择类别": "Select a category",
    "确定": "OK",
    "受理": "Accept",
    "不予受理的理由": "Reason for rejecting",
    "不予受理": "Reject",
    "撤回": "Withdraw",
    "答复内容": "Reply",
    "答复": "Reply",
    "提请交办的理由": "Reason for requesting dispatch",
    "提请交办": "Request dispatch",
    "指定经办人（可选）": "Assign a handler (optional)",
    "复杂程度": "Complexity",
    "复杂问题的办理时限更长。": "Complex problems have a longer handling deadline.",
    "交办": "Dispatch",
    "请选择部门": "Select a department",
    "不指定（部门内签收）": "Not assigned (signed for within the department)",
    "签收": "Sign for",
    "退回理由": "Reason for returning",
    "建议承办部门（可选）": "Suggested handling department (optional)",
    "退回": "Return",
    "不建议": "No suggestion",
    "企业评价": "Company rating",
    "回访情况": "Follow-up call notes",
    "选择“不满意”时必须说明原因。": "A reason is required for “Unsatisfied”.",
    "记录回访评价": "Record follow-up call rating",
    "督办级别": "Supervision level",
    "督办": "Supervise",
    "延期理由": "Reason for extension",
    "申请延期": "Request extension",
    "同意延期": "Approve extension",
    "不同意": "Decline",
    "留言内容": "Message",
    "内部备注（企业不可见）": "Internal note (not visible to the company)",
    "发表": "Post",
    "文件": "File",
    "允许 PDF、JPG、PNG、DOCX、XLSX。": "PDF, JPG, PNG, DOCX and XLSX are allowed.",
    "说明（可选）": "Description (optional)",
    "仅工作人员可见": "Staff only",
    "上传": "Upload",
    "编号或标题": "Number or title",
    "企业类别": "Company category",
    "督办中": "Under supervision",
    "延期待审批": "Extension pending",
    "评价": "Rating",
    "提交日期自": "Submitted from",
    "提交日期至": "Submitted to",
    "办结日期自": "Closed from",
    "办结日期至": "Closed to",
    "评价日期自": "Rated from",
    "评价日期至": "Rated to",
    "问题台账": "Problem ledger",
    "经办人": "Handler",
    "受理期限": "Acceptance deadline",
    "受理时间": "Accepted at",
    "交办时间": "Dispatched at",
    "签收期限": "Sign-for deadline",
    "签收时间": "Signed for at",
    "答复时间": "Replied at",
    "办结时间": "Closed at",
    "是否超期": "Overdue?",
    "超期工作日": "Working days overdue",
    "评价说明": "Rating comments",
    "评价时间": "Rated at",
    "自动办结": "Closed automatically",
    "重办次数": "Times reopened",
    "退回次数": "Times returned",
    "融资": "Financing",
    "用地": "Land use",
    "用工人才": "Labour and talent",
    "政策兑现": "Policy benefits",
    "审批": "Approvals",
    "能耗环保": "Energy and environment",
    "物流": "Logistics",
    "市场": "Market",
    "科技创新": "Technology and innovation",
    "其他": "Other",
    "企业自主提交": "Submitted by the company",
    "走访收集": "Collected on a visit",
    "陪跑员代报": "Reported by the escort",
    "热线及其他渠道": "Hotline and other channels",
    "一般": "Ordinary",
    "紧急": "Urgent",
    "复杂": "Complex",
    "待受理": "Awaiting acceptance",
    "已受理": "Accepted",
    "已撤回": "Withdrawn",
    "待交办": "Awaiting dispatch",
    "已交办": "Dispatched",
    "已答复": "Replied",
    "已办结": "Closed",
    "满意": "Satisfied",
    "基本满意": "Basically satisfied",
    "不满意": "Unsatisfied",
    "催办": "Remind",
    "挂牌督办": "Flagged supervision",
    "该问题已被他人修改，请查看最新内容后重试。":
        "Someone else changed this problem. Please review the latest version and try again.",
    "您无权处理该问题。": "You are not allowed to handle this problem.",
    "您的角色不能对问题执行“%(action)s”。": "Your role cannot perform “%(action)s” on problems.",
    "问题当前状态为“%(status)s”，不能执行“%(action)s”。":
        "The problem is currently “%(status)s”, so “%(action)s” is not possible.",
    "版本号无效。": "Invalid version number.",
    "内容过长（最多5000字）。": "Too long (at most 5000 characters).",
    "描述最多5000字。": "The description can be at most 5000 characters.",
    "请选择问题类别。": "Select a problem category.",
    "紧急程度无效。": "Invalid urgency.",
    "来源无效。": "Invalid source.",
    "新问题 %(number)s：%(title)s": "New problem %(number)s: %(title)s",
    "问题 %(number)s 已受理": "Problem %(number)s accepted",
    "请填写不予受理的理由。": "Enter the reason for rejecting.",
    "问题 %(number)s 不予受理": "Problem %(number)s rejected",
    "问题 %(number)s 已被企业撤回": "Problem %(number)s withdrawn by the company",
    "请填写答复内容。": "Enter the reply.",
    "问题 %(number)s 已答复，请评价": "Problem %(number)s has been replied to; please rate it",
    "请填写提请交办的理由。": "Enter the reason for requesting dispatch.",
    "问题 %(number)s 待交办": "Problem %(number)s awaiting dispatch",
    "请选择有效的承办部门。": "Select a valid handling department.",
    "指定的经办人不属于该部门。": "The assigned handler does not belong to this department.",
    "复杂程度无效。": "Invalid complexity.",
    "应为 ordinary 或 complex。": "Must be ordinary or complex.",
    "新交办问题 %(number)s：%(title)s": "Newly dispatched problem %(number)s: %(title)s",
    "请于 %(due)s 前签收。": "Please sign for it by %(due)s.",
    "请填写退回理由。": "Enter the reason for returning.",
    "建议的部门不存在。": "The suggested department does not exist.",
    "问题 %(number)s 被退回，需重新交办": "Problem %(number)s was returned and needs to be dispatched again",
    "请选择评价结果。": "Select a rating.",
    "应为 satisfied、basically_satisfied 或 unsatisfied。": "Must be satisfied, basically_satisfied or unsatisfied.",
    "选择“不满意”时请说明原因。": "Please give a reason for “Unsatisfied”.",
    "问题 %(number)s 评价为不满意，已重新办理": "Problem %(number)s was rated unsatisfied and has been reopened",
    "督办级别无效。": "Invalid supervision level.",
    "应为 remind、supervise 或 flagged。": "Must be remind, supervise or flagged.",
    "该问题已处于“%(level)s”，只能提升督办级别。":
        "This problem is already at “%(level)s”; the supervision level can only be raised.",
    "问题 %(number)s 被%(level)s": "Problem %(number)s under supervision: %(level)s",
    "已有一项延期申请在审批中。": "An extension request is already pending.",
    "请填写延期理由。": "Enter the reason for the extension.",
    "请填写有效的新期限（YYYY-MM-DD）。": "Enter a valid new deadline (YYYY-MM-DD).",
    "新期限必须晚于当前期限 %(due)s。": "The new deadline must be after the current deadline %(due)s.",
    "新期限必须晚于当前期限。": "The new deadline must be after the current deadline.",
    "延期须在期限前至少 %(n)d 个工作日提出，当前期限为 %(due)s。":
        "Extensions must be requested at least %(n)d working days before the deadline; the current deadline "
        "is %(due)s.",
    "问题 %(number)s 申请延期至 %(due)s": "Problem %(number)s: extension requested to %(due)s",
    "请选择同意或不同意。": "Choose approve or decline.",
    "不同意延期": "Decline extension",
    "问题 %(number)s 的延期申请%(result)s": "Extension request for problem %(number)s %(result)s",
    "已获同意": "approved",
    "未获同意": "declined",
    "企业用户不能添加内部备注。": "Company users cannot add internal notes.",
    "请填写内容。": "Enter some text.",
    "问题 %(number)s 有新留言": "New message on problem %(number)s",
    "问题 %(number)s 有新回复": "New reply on problem %(number)s",
    "未知的操作。": "Unknown action.",
    "答复后超过 %(n)d 个工作日未评价，系统自动办结。":
        "Not rated within %(n)d working days of the reply; closed automatically by the system.",
    "问题 %(number)s 已超期": "Problem %(number)s is overdue",
    "已超期 %(n)d 个工作日：%(title)s": "%(n)d working days overdue: %(title)s",
    "问题 %(number)s 即将到期": "Problem %(number)s is due soon",
    "审批延期": "Decide on extension",
    "问题 %(number)s 已提交。": "Problem %(number)s submitted.",
    "请检查填写的内容。": "Please check your entries.",
    "已完成“%(action)s”。": "Done: “%(action)s”.",
    "内部备注已保存。": "Internal note saved.",
    "留言已发表。": "Message posted.",
    "附件“%(name)s”已上传。": "Attachment “%(name)s” uploaded.",
    "超期自动督办": "Auto-supervised for being overdue",
    "内部备注": "Internal note",
    "逾期未评价，自动办结": "Not rated in time; closed automatically",
    "状态：%(a)s → %(b)s": "Status: %(a)s → %(b)s",
    "承办部门：%(name)s": "Handling department: %(name)s",
    "复杂程度：%(c)s": "Complexity: %(c)s",
    "建议承办部门：%(name)s": "Suggested handling department: %(name)s",
    "陪跑员回访记录": "Escort's follow-up call record",
    "新期限：%(d)s": "New deadline: %(d)s",
    "重新办理 %(n)d 次": "Reopened %(n)d times",
    "办理记录": "History",
    "内部": "Internal",
    "暂无记录。": "No entries yet.",
    "留言或内部备注": "Message or internal note",
    "留言企业可见；内部备注仅工作人员可见。": "Messages are visible to the company; internal notes only to staff.",
    "基本信息": "Details",
    "提交": "Submitted",
    "收集人：%(name)s": "Collected by: %(name)s",
    "已于 %(d)s 受理": "Accepted on %(d)s",
    "已于 %(d)s 签收": "Signed for on %(d)s",
    "%(d)s 前未评价将自动办结": "Closes automatically if not rated by %(d)s",
    "自动": "automatic",
    "%(n)d 次": "%(n)d×",
    "%(name)s 于 %(at)s 申请延期至 %(due)s": "%(name)s requested an extension to %(due)s on %(at)s",
    "可执行的操作": "Available actions",
    "回访评价": "Follow-up call rating",
    "您当前没有可执行的操作。": "There is nothing for you to do on this problem right now.",
    "您填写但未能提交的内容（“%(action)s”已不适用）":
        "What you entered but could not submit (“%(action)s” no longer applies)",
    "暂无附件。": "No attachments.",
    "代企业提交问题": "Submit a problem for a company",
    "您当前没有可以代为提交问题的企业。": "There are no companies you can submit problems for.",
    "导出台账": "Export ledger",
    "更多条件：评价、提交/办结/评价日期": "More filters: rating, submitted/closed/rated dates",
    "没有符合条件的问题。": "No matching problems.",
    "排序：有办理期限的问题在前，期限最早（超期最久）的在最前；其余按提交时间从新到旧。":
        "Order: problems with a deadline first, earliest deadline (most overdue) at the top; the rest newest "
        "first.",
})

# --- visits --------------------------------------------------------------------------------------
TRANSLATIONS.update({
    "走访日期": "Visit date",
    "走访方式": "Visit type",
    "参与人员": "Participants",
    "如：企业总经理张三、陪跑员李四": "e.g. general manager Zhang San, escort Li Si",
    "走访情况": "Visit notes",
    "生产经营状况": "Business operations",
    "产值、订单、用工等": "Output, orders, staffing, etc.",
    "下一步工作": "Next steps",
    "现场照片": "Photos",
    "JPG 或 PNG，最多 9 张": "JPG or PNG, up to 9",
    "再添加一个问题": "Add another problem",
    "保存走访记录": "Save visit record",
    "起始日期": "Start date",
    "截止日期": "End date",
    "实地走访": "On-site visit",
    "视频": "Video call",
    "座谈会": "Meeting",
    "请填写有效的走访日期（YYYY-MM-DD）。": "Enter a valid visit date (YYYY-MM-DD).",
    "走访日期不能晚于今天。": "The visit date cannot be later than today.",
    "走访日期不能早于 %(day)s：只能补记 %(n)d 天内的走访。":
        "The visit date cannot be before %(day)s: visits can be recorded up to %(n)d days afterwards.",
    "请选择走访方式（实地走访、电话、视频或座谈会）。":
        "Select the visit type (on-site visit, phone, video call or meeting).",
    "最多 %(n)d 字。": "At most %(n)d characters.",
    "请填写走访情况。": "Enter the visit notes.",
    "应为问题列表。": "Must be a list of problems.",
    "应为对象。": "Must be an object.",
    "第%(n)d个问题：%(message)s": "Problem %(n)d: %(message)s",
    "“%(name)s”不是照片：只能上传 JPG 或 PNG 图片。": "“%(name)s” is not a photo: only JPG or PNG images can be uploaded.",
    "每次走访最多上传 %(n)d 张照片。": "At most %(n)d photos per visit.",
    "走访记录未保存，请检查填写的内容。": "Visit record not saved. Please check your entries.",
    "第%(rows)s个问题填写不完整。": " Incomplete problems: %(rows)s.",
    "页面已过期，请重新提交。": "The page has expired. Please submit again.",
    "请重新选择照片（浏览器不会保留已选的文件）。":
        "Please choose the photos again (the browser does not keep selected files).",
    "所选照片未上传，请重新选择照片（浏览器不会保留已选的文件）。":
        "The selected photos were not uploaded. Please choose them again (the browser does not keep "
        "selected files).",
    "走访记录已保存，提出的 %(num)d 个问题已生成工单。": (
        "Visit record saved; %(num)d problem raised has been logged.",
        "Visit record saved; %(num)d problems raised have been logged.",
    ),
    "走访记录已保存。": "Visit record saved.",
    "走访记录-%(day)s.xlsx": "visits-%(day)s.xlsx",
    "%(y)d年上半年": "H1 %(y)d",
    "%(y)d年下半年": "H2 %(y)d",
    "记录走访：选择企业": "Record visit: choose a company",
    "上次走访：%(day)s": "Last visit: %(day)s",
    "%(period)s未走访": "Not visited in %(period)s",
    "您当前没有陪跑的企业。": "You have no companies to escort right now.",
    "再记录一次走访": "Record another visit",
    "登记": "Recorded",
    "提出的问题": "Problems raised",
    "另有 %(n)d 个问题，您当前无权查看。": "%(n)d more problems that you are not allowed to view.",
    "本次走访未提出问题。": "No problems were raised on this visit.",
    "下载": "Download",
    "没有照片。": "No photos.",
    "返回走访记录": "Back to visit records",
    "企业提出的问题": "Problems raised by the company",
    "每个问题保存后生成一张工单（来源：走访收集）。没有填写的行会被忽略。":
        "Each problem becomes a ticket when saved (source: collected on a visit). Empty rows are ignored.",
    "问题 %(n)d": "Problem %(n)d",
    "走访日期不能晚于今天，最多补记 %(n)d 天内的走访。":
        "The visit date cannot be later than today; visits can be recorded up to %(n)d days afterwards.",
    "未走访企业": "Unvisited companies",
    "%(period)s还有 %(n)d 家企业未走访。": "%(n)d companies not yet visited in %(period)s.",
    "查看名单": "View list",
    "%(period)s您陪跑的企业均已走访。": "All your companies have been visited in %(period)s.",
    "提出问题": "Raise a problem",
    "没有符合条件的走访记录。": "No matching visit records.",
    "%(period)s未走访企业": "Companies not visited in %(period)s",
    "要求：每家企业每个周期（当前为%(period)s）至少走访 %(n)d 次。":
        "Requirement: each company must be visited at least %(n)d times per cycle (currently %(period)s).",
})

# --- added later ---------------------------------------------------------------------------------
TRANSLATIONS.update({
    "请先在网页上登录并修改初始密码，然后再申请令牌。":
        "Sign in on the website and change your initial password first, then request a token.",
    "提出问题数": "Problems raised",
    "登记时间": "Recorded at",
})

# --- issue 18 ---
TRANSLATIONS.update({
    "陪跑员榜": "Escort board",
    "所在部门（职能部门榜）": "Their department (department board)",
    "排名与黄牌记录": "Rankings and yellow cards",
    "近 %(n)d 个已发布月份中，黄牌 %(c)d 次。": "Yellow cards in the last %(n)d published months: %(c)d.",
    "完整记录": "Full record",
    "%(year)d年第%(n)d期": "%(year)d, issue %(n)d",
    "%(org)s　%(date)s": "%(org)s, %(date)s",
    "区助企服务专班": "District enterprise-support task force",
    "一、总体情况": "1. Overview",
    "%(period)s，全区陪跑员走访企业 %(visits)d 次，收集问题 %(collected)d 个，办结 %(closed)d 个；"
    "评价 %(rated)d 个，满意率（满意与基本满意）%(satisfaction)s；统计期末仍超期未办的问题 %(overdue)d 个。":
        "In %(period)s escorts made %(visits)d visits; %(collected)d problems came in and %(closed)d were closed; "
        "%(rated)d were rated, satisfaction (satisfied or basically satisfied) %(satisfaction)s; "
        "%(overdue)d problems were still overdue at the end of the period.",
    "二、晾晒比拼结果": "2. Rankings",
    "（%(n)s）%(board)s榜": "(%(n)s) %(board)s board",
    "第%(v)d版，发布于 %(at)s。": "Version %(v)d, published %(at)s.",
    "更正原因：%(reason)s": "Reason for the correction: %(reason)s",
    "名次": "Rank",
    "样本不足、不参与排名：%(names)s。": "Too little data, not ranked: %(names)s.",
    "三、黄牌名单": "3. Yellow cards",
    "榜单": "Board",
    "本期无黄牌。": "No yellow cards this period.",
    "四、共性问题": "4. Common problems",
    "问题数": "Problems",
    "涉及企业数": "Companies",
    "本期未收集到问题。": "No problems came in this period.",
    "五、超期问题": "5. Overdue problems",
    "期限": "Deadline",
    "统计期末没有超期未办的问题。": "No problem was overdue at the end of the period.",
    "综合得分 = Σ（权重 × 指标得分）÷ Σ 权重，只计入对该对象适用的指标（分母为0、无包联企业等不适用，显示为“—”），"
    "结果为0–100分，保留一位小数。":
        "Score = Σ(weight × metric score) ÷ Σ weight over the metrics that apply (a zero denominator, no "
        "assigned companies and the like do not apply and show as “—”), 0–100, one decimal.",
    "按期：在当时的期限之内完成；期限按工作日计算，法定节假日顺延、调休上班日计入。":
        "On time: done within the deadline in force then; deadlines are in working days, public holidays "
        "move them and swapped working days count.",
    "样本数：%(what)s；少于 %(n)d 的显示“样本不足”，不计综合得分、不参与排名和黄牌。":
        "Cases: %(what)s; with fewer than %(n)d a row shows “too little data”: no score, no rank, no yellow card.",
    "得分相同者名次并列（如 1、2、2、4）。名次变化与上一个等长统计期比较（按相同权重），上期未参与排名的显示“新上榜”。":
        "Equal scores share a rank (e.g. 1, 2, 2, 4). The rank change compares with the previous period of the "
        "same length (same weights); rows not ranked then show “new”.",
    "黄牌：本统计期尚未结束，排名为暂定，不评黄牌。":
        "Yellow cards: the period is still running; the ranking is provisional and gives no yellow card.",
    "黄牌：统计期结束后评定，名额为参与排名对象的末位 %(n)d 名；从末位起按并列组整体标注，"
    "某一并列组超出剩余名额时该组及其以上均不标注（并列者不会只标一部分，也不会全部被标），第一名不标注。":
        "Yellow cards: given once the period is over, to the bottom %(n)d ranked rows; tied rows are carded as a "
        "whole group from the bottom up, and a group larger than the cards left gets none, nor does anyone above "
        "it (a tie is never split nor carded beyond the quota); the first place is never carded.",
    "黄牌名额自动为参与排名对象的10%，向上取整，至少1名。":
        "The number of yellow cards is automatic: 10% of the ranked rows, rounded up, at least 1.",
    "历次发布排名": "Published ranks",
    "{label}：第{rank}名 / 共{count}名": "{label}: rank {rank} of {count}",
    "{label}：未参与排名": "{label}: not ranked",
    "更正原因": "Reason for the correction",
    "首次发布不必填写；重新发布（更正）必须说明原因，原版本保留并公开。":
        "Not needed the first time; publishing again is a correction and needs a reason. The earlier version "
        "is kept and shown.",
    "发布本期排名": "Publish this period's ranking",
    "统计期内该陪跑员走访收集或代企业填报（来源为“走访收集”“陪跑员代报”）的问题数。企业自主提交和热线转来的问题不计。":
        "Problems the escort logged in the period, at a visit or for the company (sources “collected at a "
        "visit” and “filed by the escort”). Problems the company filed itself or that came from the hotline "
        "do not count.",
    "按期处理率": "On-time handling",
    "只计陪跑员自己的环节：统计期内受理企业自主提交或热线转来的问题、提请交办、直接答复企业，在当时期限内完成的比例。"
    "交办后部门签收、办理的时间不计入陪跑员。期限按工作日计算，节假日顺延。":
        "Only the escort's own stages: accepting a problem from the portal or the hotline, escalating it, or "
        "answering the company directly, done in the period within the deadline in force. The department's "
        "signing and handling after dispatch never count for the escort. Deadlines in working days; holidays "
        "move them.",
    "统计期内办结、由该陪跑员直接答复（未交办部门）的问题，从提交日到办结日的工作日数的平均值（节假日不计）。":
        "Average working days from submission to closing of the problems closed in the period that the escort "
        "answered directly (not dispatched to a department); holidays excluded.",
    "统计期内办结、由该陪跑员直接答复的问题中，曾因“不满意”被重新办理过的比例。反复办结的问题按最后一次办结时间计入一次。":
        "Of the problems closed in the period that the escort answered directly, the share reopened after an "
        "“unsatisfied” rating. A problem closed more than once counts once, at its last closing.",
    "统计期内收集、经其受理/交办/答复或评价的问题数":
        "Problems the escort logged, accepted, escalated or answered, or that were rated, in the period",
    "没有这个榜单。": "No such board.",
    "统计期尚未结束，不能发布；结束后再发布。": "The period is not over yet; publish it once it has ended.",
    "该统计期已发布过；重新发布是更正，请填写更正原因。":
        "This period has been published; publishing again is a correction: give the reason.",
    "更正原因最多 2000 字。": "The reason may be at most 2,000 characters.",
    "发布失败：请重试。": "Publishing failed: please try again.",
    "已发布%(period)s%(board)s榜。": "The %(board)s board of %(period)s is published.",
    "已发布更正（第%(n)d版）。": "Correction published (version %(n)d).",
    "通报按月生成，请选择月份。": "Bulletins are monthly: choose a month.",
    "%(period)s还没有发布的榜单，发布后才能生成通报。":
        "Nothing has been published for %(period)s yet; publish the boards first, then make the bulletin.",
    "助企陪跑晾晒比拼通报": "Enterprise-support escort ranking bulletin",
    "晾晒比拼通报-%(period)s.docx": "ranking-bulletin-%(period)s.docx",
    "纵轴为名次（第1名在上），橙色点为黄牌；“—”为该月未参与排名（样本不足或不在榜）。只计已发布的月度榜单，每月取最新发布版本。":
        "The vertical axis is the rank (first at the top); orange points are yellow cards; “—” means not ranked "
        "that month (too little data or not on the board). Only published monthly boards count, each month's "
        "latest version.",
    "统计期": "Period",
    "发布版本": "Version",
    "第%(rank)d名 / 共%(n)d名": "%(rank)d of %(n)d",
    "样本不足": "Too little data",
    "未在榜": "Not on the board",
    "第%(n)d版": "Version %(n)d",
    "还没有发布过的月度榜单。": "No monthly board has been published yet.",
    "排名记录": "Ranking history",
    "已发布（第%(n)d版）": "Published (version %(n)d)",
    "暂定：统计期未结束": "Provisional: the period is still running",
    "实时数据，供核对（本期已发布，以已发布版本为准）":
        "Live figures for review (this period is published: the published version is the official one)",
    "未发布：实时数据，供核对": "Not published: live figures for review",
    "下载通报（Word）": "Download the bulletin (Word)",
    "数据时间：%(at)s。": "Data as of %(at)s.",
    "样本数（%(what)s）少于 %(n)d 的对象不计综合得分，单列显示，不参与排名和黄牌评定。":
        "Rows with fewer than %(n)d cases (%(what)s) get no score and are listed apart: no rank, no yellow card.",
    "发布": "Publish",
    "发布后，本期榜单的名次、得分、权重和口径即固定，之后修改权重或数据都不会改变已发布的榜单。":
        "Once published, this period's ranks, scores, weights and definitions are fixed: later changes to the "
        "weights or the data never change a published board.",
    "发布更正": "Publish a correction",
    "查看实时数据": "See the live figures",
    "查看已发布榜单": "See the published board",
    "发布记录": "Publications",
    "综合得分 = Σ（权重 × 指标得分）÷ Σ 权重，只计入对该对象适用的指标。权重为 0–100 的整数，只看相对大小；权重为0的指标不计分。"
    "修改后，尚未发布的统计期（含上期对比）按新权重计算；已发布的榜单连同其权重固定不变。":
        "Score = Σ(weight × metric score) ÷ Σ weight over the metrics that apply. Weights are whole numbers "
        "0–100; only their proportions matter, and a weight of 0 leaves the metric out. A change applies to "
        "every period not yet published (and its comparison); a published board keeps its weights for good.",
    # goals
    "入库日期": "Date entered the statistics database",
    "进入规上统计库的日期": "The date it entered the above-scale statistics database",
    "年主营业务收入（万元）": "Annual main-business revenue (10k yuan)",
    "请填写 0 以上的金额。": "Enter an amount of 0 or more.",
    "达到的梯度": "Tier reached",
    "认定日期": "Recognised on",
    "新主体注册/投产日期": "New entity registered / in operation on",
    "年度": "Year",
    "年份应在 2000–2100 之间。": "The year must be between 2000 and 2100.",
    "营业收入增长率（%）": "Revenue growth (%)",
    "请填写 -100 以上的百分比。": "Enter a percentage of -100 or more.",
    "（不变）": "(unchanged)",
    "请选择梯度。": "Choose a tier.",
    "填写入库日期时请同时填写年主营业务收入，反之亦然。":
        "Give the annual main-business revenue with the date it entered the database, and the other way round.",
    "请同时填写达到的梯度和认定日期。": "Give both the tier reached and the date it was recognised.",
    "请同时填写年度和营业收入增长率。": "Give both the year and the revenue growth.",
    "入库：年主营业务收入达到 2,000 万元并进入统计库（规上），以入库日期为达成日期。":
        "Database entry: annual main-business revenue of 20 million yuan or more and entry into the statistics "
        "database (above scale); reached on the entry date.",
    "梯度：科技型/创新型中小企业 → 专精特新中小企业 → 专精特新“小巨人”，每升一级记一次达成，以认定日期为达成日期。":
        "Ladder: tech-based / innovative SME → specialised SME → “little giant”; each step up is a goal reached, "
        "on the date it was recognised.",
    "落地：新主体完成注册或投产，以注册/投产日期为达成日期。":
        "Landing: the new entity is registered or operating; reached on that date.",
    "跑在前：当年营业收入增长率达到管理员设定的年度目标。":
        "Stay ahead: the year's revenue growth reaches the yearly target set by the administrator.",
    "跑腾飞：当年营业收入增长率达到管理员设定的年度目标。":
        "Take off: the year's revenue growth reaches the yearly target set by the administrator.",
    "入库日期 %(on)s，年主营业务收入 %(revenue)s 万元":
        "Entered the database %(on)s, annual main-business revenue %(revenue)s (10k yuan)",
    "梯度 %(before)s → %(tier)s（%(on)s）": "Tier %(before)s → %(tier)s (%(on)s)",
    "新主体注册/投产日期 %(on)s": "New entity registered / operating %(on)s",
    "%(year)s 年营收增长 %(growth)s%%（目标 %(target)s%%）": "%(year)s revenue growth %(growth)s%% (target %(target)s%%)",
    "这家培育升规企业已标为规上企业，但没有记录入库日期和营收：请补录入库指标，或核对类别。":
        "This company, in the above-scale programme, is already marked above scale but has no database entry "
        "date or revenue recorded: record them, or check its category.",
    "目标已标为“已达成”，但没有达到目标的指标和日期：请补录指标。":
        "The goal is marked achieved but has no indicator or date showing it: record them.",
    "目标进度已更新：已达到目标（%(on)s）。": "Goal progress updated: the goal was reached (%(on)s).",
    "目标达成日期": "Goal reached on",
    "尚未达成": "Not yet reached",
    "本年度目标：营业收入增长 %(n)d%%。": "This year's target: revenue growth of %(n)d%%.",
    "目标进度记录": "Goal progress history",
    "达成": "Reached",
    "记录人": "Recorded by",
    "暂无目标进度记录。": "No goal progress recorded yet.",
    "只显示 %(y)d 年达到目标的企业。": "Only companies that reached their goal in %(y)d.",
    "只显示目标记录需要核对的企业（培育升规企业已是规上但没有入库记录，或已达成但没有指标）。":
        "Only companies whose goal record needs checking (an above-scale programme company already above scale "
        "without its database entry, or an achieved goal without its indicator).",
    "清除": "Clear",
    "%(y)d年目标达成": "Goals reached in %(y)d",
    "本年度内达到本类别目标指标的企业数（每家企业每年计一次）：培育升规以入库日期、专精特新以升级认定日期、内生裂变以新主体注册/投产日期、新势力和新雏鹰以达到年度增长目标的日期计。":
        "Companies that reached their category's goal indicator this year (each company once a year): database "
        "entry date for the above-scale programme, the recognition of a step for specialised firms, the new "
        "entity's registration/operation for spin-offs, and the date the yearly growth target was met for new "
        "forces and young eagles.",
    "%(n)d 家企业的目标记录需要核对": "%(n)d companies' goal records need checking",
    "：培育升规企业已是规上但没有入库记录，或目标已达成但没有指标。":
        ": an above-scale programme company already above scale without its database entry, or an achieved goal "
        "without its indicator.",
})

# --- issue 18 (goal targets) ---
TRANSLATIONS.update({
    "新势力企业：年营业收入增长率目标（%）": "New forces: yearly revenue growth target (%)",
    "“新雏鹰计划”培育企业：年营业收入增长率目标（%）": "Young Eagle programme: yearly revenue growth target (%)",
    "请填写目标。": "Enter the target.",
    "请填写 0–1000 之间的整数。": "Enter a whole number from 0 to 1000.",
    "年度目标已保存。": "Yearly targets saved.",
    "企业目标的年度指标": "Yearly goal targets",
    "新势力企业（跑在前）和“新雏鹰计划”培育企业（跑腾飞）的目标按当年营业收入增长率衡量：陪跑员记录的增长率达到这里的目标即为达成。修改只影响此后的记录，已记录的按当时的目标。其他类别的指标固定：入库（年主营业务收入 2,000 万元）、梯度升级、新主体注册/投产。":
        "The goals of new forces (stay ahead) and Young Eagle firms (take off) are measured by the year's revenue "
        "growth: a growth the escort records at or above the target here reaches the goal. A change applies to "
        "later records; earlier ones keep the target they were measured with. The other categories' indicators "
        "are fixed: database entry (20 million yuan of annual main-business revenue), a step up the ladder, the "
        "new entity registered or operating.",
    # deadlines follow the calendar
    "工作日历调整（%(days)s），期限按新日历重新计算。":
        "Working-day calendar changed (%(days)s): deadlines computed again with the new calendar.",
    "%(n)d 个未办结问题的期限已按新日历重新计算（见各问题的时间线）。":
        "The deadlines of %(n)d open problems were computed again with the new calendar (see their timelines).",
    "工作日历调整，期限重算": "Calendar changed, deadline recomputed",
    "期限：%(a)s → %(b)s": "Deadline: %(a)s → %(b)s",
    "请填写统计期。": "Give the period.",
    "第%(n)d名": "No. %(n)d",
})

# --- issue 15 ---
TRANSLATIONS.update({
    "包含无法保存的控制字符，请删除后重试。":
        "Contains control characters that cannot be saved; remove them and try again.",
    "数值超出允许范围。": "The number is outside the allowed range.",
    "日期应在 %(start)s 至 %(end)s 之间。": "The date must be between %(start)s and %(end)s.",
    "文件名包含无法保存的控制字符，请改名后重试。":
        "The file name contains control characters that cannot be saved; rename the file and try again.",
    "以下筛选条件无效，已忽略：%(names)s。": "These filter conditions were invalid and have been ignored: %(names)s.",
    "同时吊销我的全部 API 令牌": "Also revoke all my API tokens",
    "建议保留勾选：如果旧密码可能已泄露，用它申请的令牌也应作废。对接系统需重新申请令牌。":
        "Recommended: if the old password may have leaked, tokens obtained with it should be void too. "
        "Connected systems will then need new tokens.",
    "密码已修改，您的 %(n)d 个 API 令牌已吊销。": "Password changed; your %(n)d API tokens have been revoked.",
    "文件解压后内容过大（超过 %(mb)d MB），请删除多余的行、列和工作表，或分批导入。":
        "The file is too large once unpacked (over %(mb)d MB); delete unused rows, columns and sheets, "
        "or import in batches.",
    "文件中的文字内容过多（解压后超过 %(mb)d MB），请分批导入。":
        "The file holds too much text (over %(mb)d MB unpacked); import in batches.",
    "文件过于复杂，未能在 %(s)d 秒内读完，请删除多余内容或分批导入。":
        "The file is too complex to read within %(s)d seconds; delete unused content or import in batches.",
    "工作表超过 %(n)d 行（空行也计算在内），请删除多余的行或分批导入。":
        "The sheet has more than %(n)d rows (empty rows included); delete unused rows or import in batches.",
    "工作表超过 %(n)d 列，请删除多余的列后再上传。":
        "The sheet has more than %(n)d columns; delete the unused columns and upload again.",
    "以下 %(n)d 个单元格是公式，导入不会计算公式：%(cells)s。请在表格软件中把它们改为数值（复制后“选择性粘贴 → 数值”）再上传。":
        "These %(n)d cells hold formulas, which the import does not calculate: %(cells)s. Turn them into "
        "values in your spreadsheet program (copy, then Paste Special → Values) and upload again.",
    "第%(row)d行第%(column)d列（%(ref)s）": "row %(row)d, column %(column)d (%(ref)s)",
})

# --- issue 13 ---
TRANSLATIONS.update({
    "走访收集并受理": "Collected and accepted by the escort",
    "%(p)s待走访企业": "Companies to visit in %(p)s",
    "下一步：%(s)s": "Next step: %(s)s",
    "不填则以标题作为描述": "Leave empty to use the title as the description",
    "为必填项，其余可不填。": "marks a required field; everything else may be left empty.",
    "保存时出错，走访记录可能没有保存。填写的内容已作为草稿保存在本机，请稍后再试。":
        "Saving failed; the visit may not have been saved. What you typed is kept as a draft on this device; "
        "please try again later.",
    "全部走访": "All visits",
    "全部问题": "All problems",
    "办理": "Handle",
    "已恢复您在本机上次未保存的填写内容（照片需重新选择）。":
        "Restored what you typed here last time and did not save (choose the photos again).",
    "待我处理（按期限）": "Waiting for me (by deadline)",
    "我的企业在办问题（交办、办理中、待评价）": "My companies' problems in hand elsewhere (dispatched, in progress, awaiting rating)",
    "数字的口径": "What the numbers count",
    "数据时间": "Data as of",
    "更多：参与人员、生产经营状况、下一步工作": "More: participants, business situation, next step",
    "最近办结或终止的问题": "Recently closed or ended problems",
    "最近走访": "Recent visits",
    "期限 %(d)s": "Due %(d)s",
    "本周期已走访的企业": "Companies visited this period",
    "本周期还没有走访过的企业。": "No company visited yet this period.",
    "本期未走访": "Not visited",
    "本走访周期（%(p)s）内走访次数未达要求（%(n)d 次）的企业。":
        "Companies visited fewer times than required (%(n)d) in this period (%(p)s).",
    "每个问题只需标题和类别，保存后即生成工单并由您受理。":
        "Each problem needs only a title and a category; on saving it becomes a problem accepted by you.",
    "没有其他未办结的问题。": "No other open problems.",
    "没有等待您处理的问题。": "Nothing is waiting for you.",
    "清除草稿": "Discard the draft",
    "第%(n)d名": "No. %(n)d",
    "网络连接中断，走访记录还没有保存。填写的内容已作为草稿保存在本机，网络恢复后请再点“保存走访记录”（照片需重新选择）。":
        "The network connection dropped and the visit has not been saved yet. What you typed is kept as a draft on "
        "this device; when the network is back, tap “Save visit record” again (choose the photos again).",
    "还没有走访记录。": "No visits yet.",
    "（可选）": " (optional)",
    "（必填）": " (required)",
    "＋ 添加问题": "+ Add a problem",
    "＋ 记录走访": "+ Log a visit",
    "查看全部 %(n)d 家待走访企业": "All %(n)d companies to visit",
})

# --- issue 16 ---
TRANSLATIONS.update({
    "搜索": "Search",
    "编号、标题、内容或留言中的词": "Words from the number, title, text or comments",
    "排序：编号或标题含搜索词的问题在前，其余（描述、答复、留言中含搜索词）在后；各自从新到旧。":
        "Order: problems whose number or title contains the words first, then those with them in the "
        "description, answer or comments; newest first within each.",
    "最多 100 个字符。": "At most 100 characters.",
    "相似问题": "Similar problems",
    "相似度": "Similarity",
    "未交办": "Not dispatched",
    "答复：": "Answer: ",
    "没有找到相似的问题。": "No similar problems found.",
    "仅工作人员可以查看相似问题。": "Only staff can see similar problems.",
    "发布为政策问答": "Publish as policy Q&A",
    "适用范围": "Applies to",
    "添加": "Add",
    "全区通用": "District-wide",
    "已发布为政策问答。": "Published as policy Q&A.",
    "已撤下该政策问答。": "The policy Q&A entry has been withdrawn.",
    "常用答复已添加。": "Reply template added.",
    "常用答复已删除。": "Reply template deleted.",
    "请填写此项。": "Please fill this in.",
    "最多 %(n)d 个字符。": "At most %(n)d characters.",
    "请删去企业名称或统一社会信用代码：政策问答不显示提问的企业。":
        "Remove the company's name or credit code: policy Q&A never shows the company that asked.",
    "您不能发布该问题的答复。": "You cannot publish this problem's answer.",
    "该问题已发布为政策问答。": "This problem has already been published as policy Q&A.",
    "您不能撤下该条目。": "You cannot withdraw this entry.",
    "您不能添加该常用答复。": "You cannot add this reply template.",
    "请填写标题（最多 100 个字符）。": "Please enter a title (at most 100 characters).",
    "请填写答复内容（最多 5000 个字符）。": "Please enter the answer text (at most 5000 characters).",
    "您不能删除该常用答复。": "You cannot delete this reply template.",
    "政策问答": "Policy Q&A",
    "常用答复": "Reply templates",
    "已答复的问题经整理后发布，不显示提问的企业。":
        "Answered problems, edited and published; the company that asked is never shown.",
    "例如：研发费用加计扣除": "e.g. R&D expense super deduction",
    "没有符合条件的政策问答。": "No matching policy Q&A.",
    "答复部门：%(d)s": "Answered by: %(d)s",
    "来源问题（仅工作人员可见）：": "Source problem (staff only): ",
    "撤下": "Withdraw",
    "这些答复可能已经解决您的问题": "These answers may already solve your problem",
    "如仍需办理，请继续提交。": "If you still need help, go on and submit.",
    "企业名称和统一社会信用代码已替换为“某企业”；请再检查一遍，删去能认出企业的其他内容（地址、人名、产品等）。发布后所有用户（包括企业）都能看到。":
        "The company's name and credit code have been replaced by “某企业”; check again and remove anything else "
        "that identifies the company (address, people, products). Once published, every user (companies "
        "included) can read it.",
    "答复问题时可在答复框上方选用，插入后仍可修改再发送。":
        "Choose one above the reply box when answering; edit the inserted text before sending.",
    "还没有常用答复。": "No reply templates yet.",
    "添加常用答复": "Add a reply template",
    "插入常用答复": "Insert a reply template",
    "插入常用答复…": "Insert a reply template…",
    "没有相近的政策问答。": "No similar policy Q&A.",
})

# --- issue 19 ---
TRANSLATIONS.update({
    "【陪跑】%(title)s": "[Peipao] %(title)s",
    "打开": "Open",
    "今日到期": "Due today",
    "已超期": "Overdue",
    "待签收": "To sign",
    "待评价": "To rate",
    "每日待办：今日到期 %(due)d，超期 %(overdue)d，待签收 %(sign)d，待评价 %(rate)d":
        "Daily to-do: due today %(due)d, overdue %(overdue)d, to sign %(sign)d, to rate %(rate)d",
    "另有 %(n)d 项": "%(n)d more",
    "%(window)s尚未走访的企业：%(n)d 家": "Companies not yet visited in %(window)s: %(n)d",
    "本周小结：新增 %(new)d，办结 %(closed)d，在办 %(open)d，超期 %(overdue)d，督办中 %(supervised)d":
        "This week: %(new)d new, %(closed)d closed, %(open)d open, %(overdue)d overdue, %(supervised)d supervised",
    "电子邮件": "E-mail",
    "短信": "SMS",
    "紧急问题的任何通知": "Any notice about an urgent problem",
    "问题超期": "Problem overdue",
    "督办": "Supervision",
    "即将到期": "Due soon",
    "新问题": "New problem",
    "交办给本部门": "Dispatched to my department",
    "提请交办": "Escalated for dispatch",
    "问题被退回": "Problem returned",
    "问题已受理": "Problem accepted",
    "问题不予受理": "Problem rejected",
    "问题已答复": "Problem answered",
    "不满意重新办理": "Reopened after an unsatisfied rating",
    "企业撤回问题": "Problem withdrawn by the company",
    "留言和回复": "Comments and replies",
    "延期申请": "Extension requests",
    "延期审批结果": "Extension decisions",
    "每日待办摘要": "Daily to-do digest",
    "每月未走访提醒": "Monthly reminder of unvisited companies",
    "每周工作小结": "Weekly summary",
    "请填写有效的网址。": "Enter a valid URL.",
    "请填写 http 或 https 网址（最多500字符）。": "Enter an http or https URL (at most 500 characters).",
    "不能向内网或本机地址发送（除非管理员明确允许）。":
        "Private and loopback addresses are refused (unless an administrator allows them explicitly).",
    "该地址属于内网或本机，或不是 http/https 网址。": "This address is private or loopback, or not an http/https URL.",
    "请选择要订阅的事件。": "Choose the events to subscribe to.",
    "可选：%(events)s": "One or more of: %(events)s",
    "密钥至少16个字符。": "The secret needs at least 16 characters.",
    "密钥至少16个字符，最多200个字符。": "The secret needs 16 to 200 characters.",
    "最多200字。": "At most 200 characters.",
    "请选择机器人所属。": "Choose whose robot this is.",
    "请选择机器人类型。": "Choose the robot's type.",
    "通知方式已保存。": "Notification channels saved.",
    "专班": "Task force",
    "%(town)s陪跑员": "Escorts of %(town)s",
    "机器人已添加。": "Robot added.",
    "机器人已删除。": "Robot removed.",
    "订阅已添加。": "Subscription added.",
    "订阅已删除。": "Subscription removed.",
    "通知渠道": "Notification channels",
    "群机器人": "Group robots",
    "部门、镇街陪跑员和专班的钉钉/浙政钉或企业微信群机器人。钉钉机器人请选择“加签”安全设置并填写密钥。":
        "DingTalk / Zhezhengding or WeCom group robots of departments, of a town's escorts and of the task force. "
        "For a DingTalk robot choose the \u201csign\u201d security setting and enter its secret.",
    "所属": "Belongs to",
    "网址": "URL",
    "加签": "Signed",
    "还没有机器人。": "No robots yet.",
    "加签密钥": "Signing secret",
    "添加": "Add",
    "事件订阅（Webhook）": "Event subscriptions (webhooks)",
    "其他系统订阅事件后，平台以签名的 JSON POST 推送，失败按指数退避重试。":
        "Subscribed systems receive signed JSON POSTs; failures are retried with exponential backoff.",
    "事件": "Event",
    "内网地址": "Private addresses",
    "允许": "Allowed",
    "拒绝": "Refused",
    "投递记录": "Delivery log",
    "还没有订阅。": "No subscriptions yet.",
    "签名密钥（至少16个字符）": "Signing secret (at least 16 characters)",
    "允许内网或本机地址（仅限可信的内部系统）": "Allow a private or loopback address (trusted internal systems only)",
    "添加订阅": "Add subscription",
    "尝试次数": "Attempts",
    "状态码": "Status code",
    "最近错误": "Last error",
    "下次尝试": "Next attempt",
    "已送达": "Delivered",
    "失败": "Failed",
    "待重试": "Retrying",
    "还没有投递。": "No deliveries yet.",
    "返回通知渠道": "Back to notification channels",
    "通知方式": "Notification channels",
    "站内通知始终保留；请选择每类事件还要通过哪些渠道通知您。未设置时：超期、督办和紧急问题通过全部渠道，其余只在站内。":
        "In-app notices are always kept; choose which other channels each kind of event should reach you through. "
        "Until you choose: overdue, supervision and urgent problems through every channel, the rest in-app only.",
    "您的账号没有电子邮箱，邮件不会发送。": "Your account has no e-mail address, so no e-mail is sent.",
    "您的账号没有手机号，短信不会发送。": "Your account has no phone number, so no SMS is sent.",
    "站内": "In-app",
    "返回个人设置": "Back to your settings",
    "（%(due)s 到期）": " (due %(due)s)",
    "%(label)s（%(n)d）": "%(label)s (%(n)d)",
})

# --- issue 18 (after merging main) ---
TRANSLATIONS.update({
    "发布失败：请检查填写的内容。": "Not published: check what was entered.",
})

# --- issue 17 ---
TRANSLATIONS.update({
    "经办人退回时建议": "Suggested by the helper on returning it",
    "过去 %(n)d 个相似问题中 %(k)d 个交办%(name)s": "%(k)d of the past %(n)d similar problems went to %(name)s",
    "同类问题中 %(k)d 次由该部门办理": "Handled %(k)d problems of this category",
    "曾退回本问题": "Returned this problem before",
    "请填写有效的办理期限（YYYY-MM-DD）。": "Enter a valid deadline (YYYY-MM-DD).",
    "办理期限应在 %(a)s 至 %(b)s 之间（超过时限请在办理中申请延期）。":
        "The deadline must be between %(a)s and %(b)s (for more time, ask for an extension while handling it).",
    "%(d)s 不是工作日，请选择工作日。": "%(d)s is not a working day; choose a working day.",
    "办理期限（可选）": "Deadline (optional)",
    "不填则按办理时限（工作日）计算；只能提前，不能超过时限。":
        "Left empty, the time limit (working days) applies; it can only be earlier, never later than the limit.",
    "办理期限：%(d)s": "Deadline: %(d)s",
    "建议承办部门": "Suggested departments",
    "仅管理者可以查看交办建议。": "Only managers can see dispatch suggestions.",
    "暂停计时（待企业补充材料）": "Pause the clock (waiting for the company's documents)",
    "恢复计时": "Resume the clock",
    "该问题未暂停计时。": "This problem's clock is not paused.",
    "该问题正在等待企业补充材料（已暂停计时），请先恢复计时。":
        "This problem is waiting for the company's documents (clock paused); resume the clock first.",
    "请说明企业需要补充的材料。": "Say which documents the company must supply.",
    "问题 %(number)s 需要补充材料": "Problem %(number)s needs more documents",
    "问题 %(number)s 企业已补充材料，恢复计时": "Problem %(number)s: the company supplied documents, the clock runs again",
    "问题 %(number)s 已恢复办理": "Problem %(number)s is being handled again",
    "需要企业补充的材料": "Documents the company must supply",
    "企业会收到通知并在企业端看到这段说明；暂停期间不计时。":
        "The company is notified and sees this in the portal; the clock stops meanwhile.",
    "暂停计时": "Pause the clock",
    "待企业补充材料": "Waiting for the company's documents",
    "请补充材料": "Please supply documents",
    "在下方留言并上传材料后，办理将恢复计时。": "Once you leave a message with the documents below, the clock runs again.",
    "暂停 %(n)d 个工作日，期限相应顺延": "Paused %(n)d working days; deadlines moved on accordingly",
    "企业上传材料后自动恢复": "Resumed by the company's upload",
    "待企业补充材料（已暂停计时）": "Waiting for the company's documents (clock paused)",
    "自 %(at)s 起暂停": "Paused since %(at)s",
})

# --- issue 16b (tags on problems) ---
TRANSLATIONS.update({
    "标签": "Tag",
    "全部标签": "All tags",
    "问题标签": "Problem tags",
    "您可查看的问题上使用的标签及问题数，点击标签查看这些问题。":
        "Tags used on the problems you can see, with how many problems carry each; click a tag to list them.",
    "问题数": "Problems",
    "还没有标签。": "No tags yet.",
    "删除标签 %(name)s": "Remove tag %(name)s",
    "暂无标签。": "No tags.",
    "新标签": "New tag",
    "添加标签": "Add tag",
    "请填写标签。": "Please enter a tag.",
    "标签最多 %(n)d 个字。": "A tag has at most %(n)d characters.",
    "标签不能包含控制字符或逗号。": "A tag cannot contain control characters or commas.",
    "每个问题最多 %(n)d 个标签。": "A problem has at most %(n)d tags.",
    "该问题没有这个标签。": "This problem does not have that tag.",
    "已添加标签“%(name)s”。": "Tag “%(name)s” added.",
    "已删除标签“%(name)s”。": "Tag “%(name)s” removed.",
})

# --- issue 17 (suggested common problems) ---
TRANSLATIONS.update({
    "疑似共性问题": "Possible common problems",
    "近 %(d)d 天内提交、尚未答复（待受理至办理中）的问题中，标题和描述相似、来自至少 %(n)d 家不同企业的问题，建议作为一个共性问题统一处理。为保证页面速度，只比较其中最新的 %(cap)d 个问题；相似度为字符 n-gram TF-IDF 余弦相似度（0–1），分数为各成员与首个问题相似度的平均值。":
        "Problems submitted in the last %(d)d days and not yet answered (submitted to in progress) whose titles "
        "and descriptions are alike and that come from at least %(n)d different companies, suggested to be "
        "handled once as a common problem. To keep the page fast only the newest %(cap)d of them are compared; "
        "similarity is the character n-gram TF-IDF cosine (0–1), the score the mean similarity of the members "
        "to the first problem.",
    "%(m)d 个问题 · %(c)d 家企业 · 相似度 %(s)s": "%(m)d problems · %(c)d companies · similarity %(s)s",
    "暂无疑似共性问题。": "No possible common problems.",
    "仅管理者可以查看疑似共性问题。": "Only managers may see suggested common problems.",
})

# --- issue 17 (协办 co-departments) ---
TRANSLATIONS.update({
    "请本部门协办": "Co-handling requested of my department",
    "收到协办意见": "Co-department opinion received",
    "统计期内签收的交办记录中，在签收期限内签收的比例（每交办一次为一条记录；作为协办部门的签收按其自身的签收期限计入本部门）。":
        "Of the dispatch records signed in the period, the share signed within the signing deadline (one record "
        "per dispatch; signing as a co-department counts for this department against its own signing deadline).",
    "统计期内答复的交办记录中，在答复期限（含批准的延期）内答复的比例。重新办理后再次答复的按最后一次答复计。作为协办部门提交的协办意见按其自身的意见期限计入本部门，不计入承办部门。":
        "Of the dispatch records replied to in the period, the share replied within the deadline (approved "
        "extensions included). A record replied to again after reopening counts with its last reply. An opinion "
        "given as a co-department counts for this department against its own opinion deadline, not for the lead.",
    "承办部门为该部门、状态为已交办或办理中、期限早于统计期结束（当期为当前时刻）的问题数，加上该部门作为协办部门、签收或协办意见超过其自身期限仍未完成的问题数（暂停计时的除外），加上交办给该部门、签收或答复已超期的共性问题数（每个共性问题计一件，不按成员计）。":
        "Problems dispatched to the department (dispatched or in progress) whose deadline is before the end of "
        "the period (now, for the current period), plus the problems on which the department, as a "
        "co-department, has not signed or given its opinion by its own deadline (paused ones excluded), plus the "
        "common problems dispatched to the department whose signing or reply is overdue (one each, not one per member).",
    "协办部门提交意见时限（工作日）": "Co-department opinion limit (working days)",
    "协办部门应为部门编号的列表。": "Co-departments must be a list of department ids.",
    "协办部门最多 %(n)d 个。": "At most %(n)d co-departments.",
    "协办部门编号无效：%(value)s。": "Invalid co-department id: %(value)s.",
    "协办部门不存在或已停用（编号 %(id)d）。": "The co-department does not exist or is inactive (id %(id)d).",
    "协办部门不能是承办部门本身（%(name)s）。": "A co-department cannot be the lead department itself (%(name)s).",
    "协办部门重复：%(name)s。": "Co-department named twice: %(name)s.",
    "新协办问题 %(number)s：%(title)s": "New problem to co-handle %(number)s: %(title)s",
    "请于 %(due)s 前签收，%(opinion)s 前提交协办意见。":
        "Please sign by %(due)s and give your opinion by %(opinion)s.",
    "尚待协办部门提交意见：%(names)s。请在其提交意见或逾期后再答复。":
        "Waiting for the co-departments' opinions: %(names)s. Reply once they are in or overdue.",
    "您的部门不是该问题的协办部门。": "Your department is not a co-department of this problem.",
    "贵部门已签收该协办问题。": "Your department has already signed for this problem.",
    "请先签收该协办问题，再提交协办意见。": "Sign for the problem before giving your opinion.",
    "贵部门已提交协办意见。": "Your department has already given its opinion.",
    "请填写协办意见。": "Please enter your opinion.",
    "问题 %(number)s 收到%(department)s的协办意见": "Problem %(number)s: opinion received from %(department)s",
    "协办部门（可选，可多选）": "Co-departments (optional, several allowed)",
    "各协办部门分别签收并提交协办意见；承办部门在意见全部提交或逾期后答复。":
        "Each co-department signs and gives its opinion; the lead department replies once every opinion is in "
        "or overdue.",
    "协办签收": "Sign as co-department",
    "协办意见": "Co-department opinion",
    "供承办部门答复时参考，企业不可见。": "For the lead department's reply; the company does not see it.",
    "提交协办意见": "Give opinion",
    "只有协办部门可以执行“%(action)s”。": "Only a co-department can “%(action)s”.",
    "贵部门是该问题的协办部门，不能执行“%(action)s”（由承办部门办理）。":
        "Your department is a co-department of this problem and cannot “%(action)s” (the lead department does).",
    "协办部门：%(names)s": "Co-departments: %(names)s",
    "协办部门：%(name)s": "Co-department: %(name)s",
    "逾期签收": "Signed late",
    "逾期提交": "Given late",
    "承办部门答复时以下协办部门未提交意见：%(names)s":
        "The lead department replied without the opinion of: %(names)s",
    "协办部门": "Co-departments",
    "已提交意见": "Opinion given",
    "已签收": "Signed",
    "协办意见逾期": "Opinion overdue",
    "逾期": "late",
    "意见期限": "Opinion due",
    "已于 %(d)s 提交": "given on %(d)s",
    "承办部门须待协办意见全部提交（或逾期）后答复。":
        "The lead department replies once every co-department opinion is in (or overdue).",
    "协办": "Co-handling",
    "协办期限 %(d)s": "Co-handling due %(d)s",
    "协办待办": "Co-handling to do",
    "本部门作为协办部门、尚未签收或提交协办意见的问题。":
        "Problems on which your department, as a co-department, has yet to sign or give its opinion.",
})

# --- issue 17 (learned department model, paused days excluded) ---
TRANSLATIONS.update({
    "按 %(n)d 个历史交办学习：与该部门办理过的问题用词相近":
        "Learned from %(n)d past dispatches: worded like the problems this department handled",
    "只计陪跑员自己的环节：统计期内受理企业自主提交或热线转来的问题、提请交办、直接答复企业，在当时期限内完成的比例。"
    "交办后部门签收、办理的时间不计入陪跑员。期限按工作日计算，节假日和暂停计时（待企业补充材料）的工作日顺延。":
        "Only the escort's own stages: accepting a problem from the portal or the hotline, escalating it, or "
        "answering the company directly, done in the period within the deadline in force. The department's "
        "signing and handling after dispatch never count for the escort. Deadlines in working days; holidays "
        "and working days with the clock paused (waiting for the company's documents) move them.",
    "统计期内办结、由该陪跑员直接答复（未交办部门）的问题，从提交日到办结日的工作日数的平均值（节假日和暂停计时（待企业补充材料）的工作日不计）。":
        "Average working days from submission to closing of the problems closed in the period that the escort "
        "answered directly (not dispatched to a department); holidays and working days with the clock paused "
        "(waiting for the company's documents) excluded.",
    "账龄：未办结问题自提交之日起至今的工作日数（不含提交当日，节假日不计），分为 ≤5、6–15、16–30、>30 个工作日。"
    "暂停计时（待企业补充材料）的日子仍计入账龄：问题仍未解决，长期等待材料的问题正应在此显现；排名中的办结工作日和按期率不计暂停时间。":
        "Age: working days since an open problem was submitted (excluding the day of submission and "
        "holidays), in bands of ≤5, 6–15, 16–30 and >30 working days. Days with the clock paused (waiting "
        "for the company's documents) still count here: the problem is not solved, and one waiting long for "
        "documents should show; the working days to close and the on-time rates of the rankings leave paused "
        "time out.",
    "按期：在当时的期限之内完成；期限按工作日计算，法定节假日顺延、调休上班日计入；暂停计时（待企业补充材料）的工作日期限顺延，也不计入办结工作日。":
        "On time: done within the deadline in force; deadlines count working days, public holidays move them "
        "and make-up working days count; working days with the clock paused (waiting for the company's "
        "documents) move deadlines on and do not count as working days to close.",
})

# --- issue 17 (the common problem's lifecycle: sweep, 已办结, counts, history) ---
TRANSLATIONS.update({
    "共性问题不能暂停计时：一个时钟服务所有成员企业，等一家企业的材料会耽误其他企业。请先将需要补充材料的问题移出共性问题，再对该问题单独暂停计时。":
        "A common problem cannot be paused: one clock serves every member company, and waiting for one company's documents would hold up the others. Remove the problem that needs documents from the common problem first, then pause it on its own.",
    "全部成员问题已办结（评价或自动办结）或已脱离，共性问题办结。":
        "Every member problem is closed (rated or closed automatically) or has left; the common problem is closed.",
    "这是共性问题的最后一个问题，不能移出：共性问题至少保留一个问题。":
        "This is the common problem's last problem and cannot be removed: a common problem keeps at least one problem.",
    "共性问题 %(number)s 已超期": "Common problem %(number)s is overdue",
    "共性问题 %(number)s 即将到期": "Common problem %(number)s is due soon",
    "分组统计：未办结问题按问题类别、承办部门（仅已交办过部门的问题；共性问题的成员问题按共性问题的承办部门计）、企业所在镇街、企业类别分组，每组给出未办结、已超期、一个工作日内到期的数量。":
        "Breakdowns: open problems grouped by category, department (only problems that have been dispatched; a member of a common problem counts under the common problem's department), the company's town and the company category; each group shows open, overdue and due within one working day.",
    "共性问题：办理中指待交办、已交办、办理中（尚未答复）的共性问题，已超期指其中当前环节期限早于此刻的，督办中指其中被督办（催办、督办、挂牌督办）的；每个共性问题计一个，其成员问题另在上面的问题数中各计一个。":
        "Common problems: in progress means awaiting dispatch, dispatched or in progress (not yet answered); overdue means those whose current deadline is before now; under supervision those reminded, supervised or flagged. Each common problem counts once; its member problems count one each in the problem numbers above.",
    "督办中 %(n)d 个": "%(n)d under supervision",
    "其中已超期 %(n)d 个": "%(n)d overdue",
    "共性问题待办": "Common problems to handle",
    "交办本部门、尚未答复的共性问题（每个共性问题计一个，统一签收、答复；其成员问题不在左侧问题数中）。":
        "Common problems dispatched to your department and not yet answered (each counts once and is signed and answered once; its member problems are not in the problem counts beside it).",
    "共性问题已超期": "Common problems overdue",
    "交办本部门、尚未答复且当前环节期限早于此刻的共性问题。":
        "Common problems dispatched to your department, not yet answered, whose current deadline is before now.",
})

# --- issue 17 (common problem entity 共性问题) ---
TRANSLATIONS.update({
    "企业用户不能查看共性问题。": "Company users cannot see common problems.",
    "仅管理者可以创建共性问题。": "Only managers may create common problems.",
    "请提供共性问题的当前版本号（version）。": "Please give the common problem's current version.",
    "共性问题标题": "Common problem title",
    "请填写共性问题标题。": "Please enter a title for the common problem.",
    "说明最多5000字。": "The description has at most 5000 characters.",
    "问题编号": "Problem numbers",
    "每行一个，或用逗号分隔。只能合并尚未交办部门的问题。":
        "One per line, or separated by commas. Only problems not yet dispatched to a department can be grouped.",
    "请填写要合并的问题编号。": "Please enter the numbers of the problems to group.",
    "内容过长。": "Too long.",
    "创建共性问题": "Create common problem",
    "加入的问题编号": "Numbers of the problems to add",
    "请填写要加入的问题编号。": "Please enter the numbers of the problems to add.",
    "加入": "Add",
    "移出": "Remove",
    "请选择要合并的问题（问题编号列表）。": "Please choose the problems to group (a list of problem ids).",
    "找不到问题：%(ids)s。": "No such problem: %(ids)s.",
    "以下问题不能并入共性问题（已交办部门、已答复或已办结、暂停计时中，或已属于其他共性问题）：%(numbers)s。":
        "These problems cannot join a common problem (already with a department, answered or closed, paused, or "
        "in another common problem): %(numbers)s.",
    "并入共性问题 %(number)s，统一办理。": "Joined common problem %(number)s, handled together.",
    "共性问题至少包含 %(n)d 个问题。": "A common problem holds at least %(n)d problems.",
    "共性问题已答复，不能再加入问题。": "The common problem has been answered; no more problems can join.",
    "仅管理者可以调整共性问题的成员。": "Only managers may change a common problem's members.",
    "共性问题已答复，不能再移出问题。": "The common problem has been answered; its problems can no longer be removed.",
    "该问题不属于这个共性问题。": "This problem is not in this common problem.",
    "移出共性问题 %(number)s，恢复单独办理。": "Removed from common problem %(number)s; handled on its own again.",
    "评价不满意，已脱离共性问题 %(number)s，单独重新办理。":
        "Rated unsatisfied: left common problem %(number)s and is handled again on its own.",
    "您无权处理该共性问题。": "You may not handle this common problem.",
    "共性问题当前状态为“%(status)s”，不能执行“%(action)s”。":
        "The common problem is “%(status)s”; “%(action)s” is not possible.",
    "该共性问题已被他人修改，请查看最新内容后重试。":
        "Someone else has changed this common problem; please look at the latest version and try again.",
    "新交办共性问题 %(number)s：%(title)s": "New common problem dispatched %(number)s: %(title)s",
    "共性问题 %(number)s 被退回，需重新交办": "Common problem %(number)s was returned and needs dispatching again",
    "该共性问题已处于“%(level)s”，只能提升督办级别。":
        "The common problem is already at “%(level)s”; supervision can only go up.",
    "共性问题 %(number)s 被%(level)s": "Common problem %(number)s: %(level)s",
    "共性问题 %(number)s 申请延期至 %(due)s": "Common problem %(number)s: extension asked to %(due)s",
    "共性问题 %(number)s 的延期申请%(result)s": "Common problem %(number)s: the extension request %(result)s",
    "找不到问题：%(numbers)s。": "No such problem: %(numbers)s.",
    "已创建共性问题 %(number)s，包含 %(n)d 个问题。": "Common problem %(number)s created with %(n)d problems.",
    "已加入 %(n)d 个问题。": "%(n)d problems added.",
    "问题 %(number)s 已移出，恢复单独办理。": "Problem %(number)s removed; it is handled on its own again.",
    "加入问题": "Problems added",
    "移出问题": "Problem removed",
    "成员评价不满意，已脱离并单独重新办理": "A member was rated unsatisfied; it left and is handled again on its own",
    "已并入共性问题": "Part of common problem",
    "：由共性问题统一交办、统一答复，本问题暂停单独办理。":
        ": dispatched and answered with the common problem; this problem's own handling is suspended.",
    "可能属于共性问题": "May belong to common problem",
    "相似度 %(s)s": "similarity %(s)s",
    "共性问题": "Common problems",
    "统一答复": "The common answer",
    "成员问题": "Member problems",
    "%(c)d 家企业": "%(c)d companies",
    "没有成员问题。": "No member problems.",
    "申请延期至 %(due)s": "Extension asked to %(due)s",
    "答复将送达全部 %(n)d 个成员问题，各企业分别评价；评价不满意的问题将脱离共性问题单独重新办理。":
        "The answer reaches all %(n)d member problems and each company rates its own; a problem rated unsatisfied "
        "leaves the common problem and is handled again on its own.",
    "新建共性问题": "New common problem",
    "新建": "New",
    "所选问题将暂停各自的办理，由共性问题统一交办、统一答复；答复会送达每个问题，各企业分别评价。企业看不到共性问题及其他企业。":
        "The chosen problems stop being handled on their own: the common problem is dispatched and answered once, "
        "the answer reaches each problem and each company rates its own. Companies never see the common problem or "
        "the other companies.",
    "＋ 新建共性问题": "+ New common problem",
    "多家企业反映的同一问题合并为一个共性问题：统一交办一个部门、一个办理期限，答复送达每个成员问题，各企业分别评价。":
        "The same problem raised by several companies, grouped as one common problem: one department, one deadline, "
        "the answer reaches every member problem and each company rates its own.",
    "办理中（未答复）": "Open (not answered)",
    "%(m)d 个问题 · %(c)d 家企业": "%(m)d problems · %(c)d companies",
    "暂无共性问题。": "No common problems.",
    "成员": "Members",
    "排序：按创建时间从新到旧。": "Order: newest first.",
    "办理中的共性问题 %(n)d 个": "%(n)d open common problems",
    "合并为共性问题": "Group as a common problem",
    "该问题已并入共性问题，由共性问题统一办理。": "This problem is part of a common problem and is handled through it.",
    "并入共性问题": "Joined a common problem",
    "脱离共性问题": "Left the common problem",
    "共性问题成员": "In a common problem",
    "非共性问题成员": "Not in a common problem",
})
TRANSLATIONS.update({
    "共性问题：多家企业的同一问题合并办理时，交办、签收、答复、退回只形成一条交办记录，部门的按时签收、按时答复、退回与样本数只计一次；答复送达的每个成员问题由各企业分别评价，满意率、重新办理率按成员问题逐个计入；共性问题签收或答复超期时，在超期件数中计一件（成员问题在合并期间不单独计时，不按成员重复计）。":
        "Common problems: when one problem of several companies is handled together, its dispatch, signing, reply "
        "and return make one dispatch record, so the department's on-time signing, on-time reply, returns and "
        "sample count it once; the answer reaches each member problem and each company rates its own, so "
        "satisfaction and reopen rate count every member problem; a common problem late in signing or reply counts "
        "once in the overdue count (member problems run no clock of their own while grouped, and are not counted again).",
})

# --- issue 16 (saved views, bulk actions, former names, tags in the API) ---
TRANSLATIONS.update({
    # saved views
    "视图名称": "View name",
    "保存当前筛选": "Save these filters",
    "重命名": "Rename",
    "我的视图": "My views",
    "（暂无，筛选后可保存为视图）": "(none yet: filter the list, then save it as a view)",
    "管理": "Manage",
    "返回问题工单": "Back to problems",
    "视图只保存筛选条件；打开时仍只显示您有权查看的问题。在问题工单列表中筛选后即可保存新视图。":
        "A view keeps only the filters; opened, it still shows only the problems you may see. Filter the "
        "problem list to save a new view.",
    "（无筛选条件）": "(no filters)",
    "还没有保存的视图。": "No saved views yet.",
    "请填写视图名称。": "Please enter a name for the view.",
    "视图名称最多 %(n)d 个字。": "A view name has at most %(n)d characters.",
    "视图名称不能包含控制字符。": "A view name cannot contain control characters.",
    "已有名为“%(name)s”的视图，请换一个名称。": "You already have a view named “%(name)s”; please choose another name.",
    "筛选条件太长，无法保存。": "These filters are too long to save.",
    "每人最多保存 %(n)d 个视图，请先删除不用的。": "You can keep at most %(n)d views; delete one you no longer use first.",
    "已保存视图“%(name)s”。": "View “%(name)s” saved.",
    "视图已重命名为“%(name)s”。": "View renamed to “%(name)s”.",
    "已删除视图“%(name)s”。": "View “%(name)s” deleted.",
    "只有工作人员可以保存问题列表的视图。": "Only staff can save views of the problem list.",
    "只能修改自己的视图。": "You can only change your own views.",
    "应为字符串。": "Must be a string.",
    # bulk actions
    "批量操作": "Bulk action",
    "导出所选": "Export selected",
    "对勾选的问题（本页，最多 %(n)d 个）：": "For the ticked problems (this page, at most %(n)d):",
    "执行": "Apply",
    "全选本页": "Select all on this page",
    "批量操作结果": "Bulk action result",
    "%(action)s：成功 %(done)d 个，跳过 %(skipped)d 个。": "%(action)s: %(done)d done, %(skipped)d skipped.",
    "已完成": "Done",
    "已跳过": "Skipped",
    "督办（%(level)s）": "Supervise (%(level)s)",
    "添加标签“%(name)s”": "Add tag “%(name)s”",
    "请先勾选要处理的问题。": "Tick the problems to act on first.",
    "一次最多选择 %(n)d 个问题。": "At most %(n)d problems at a time.",
    "请选择督办级别。": "Please choose a supervision level.",
    "不存在或不在您的范围内": "does not exist or is outside your scope",
    "当前状态为“%(status)s”，不能督办": "cannot be supervised in state “%(status)s”",
    "已是挂牌督办": "already under listed supervision",
    "您不能督办该问题": "you cannot supervise this problem",
    "您不能为该问题添加标签": "you cannot tag this problem",
    # former names
    "曾用名": "Former names",
    "每行一个；修改企业名称时原名称会自动记为曾用名。":
        "One per line; when the company's name changes, the old name is recorded here automatically.",
    "曾用名最多 %(n)d 个。": "At most %(n)d former names.",
    "每个曾用名最多 200 字。": "Each former name has at most 200 characters.",
    "曾用名不能与现在的企业名称相同。": "A former name cannot be the company's current name.",
    "（%(d)s 起更名）": "(renamed on %(d)s)",
    # tags in the API
    "只有工作人员可以按标签筛选。": "Only staff can filter by tag.",
    "最多 40 个字符。": "At most 40 characters.",
    "只有工作人员可以为问题添加或删除标签。": "Only staff can add or remove a problem's tags.",
})

# --- issue 14 (honest speed: shared aggregates) ---
TRANSLATIONS.update({
    "数据截至 %(t)s。": "Data as of %(t)s.",
})

# --- issue 17 协办 gaps (sweep notices, scale, ledger and lists, common problems) ---
TRANSLATIONS.update({
    "协办意见逾期（可以答复）": "Co-department opinion overdue (you may reply)",
    "提交协办意见": "Submit co-department opinion",
    "协办问题 %(number)s 已超期（%(department)s）": "Co-handled problem %(number)s is overdue (%(department)s)",
    "%(department)s%(step)s已超期 %(n)d 个工作日：%(title)s": "%(department)s: %(step)s overdue by %(n)d working days: %(title)s",
    "协办问题 %(number)s 即将到期": "Co-handled problem %(number)s is due soon",
    "请于 %(due)s 前%(step)s：%(title)s": "Please %(step)s by %(due)s: %(title)s",
    "仍待以下协办部门的意见（未到期）：%(names)s。": "Opinions still awaited (not yet due) from: %(names)s.",
    "可以答复：答复将注明该协办意见逾期未提交。": "You may reply now: the reply will note that this co-department's opinion is overdue.",
    "问题 %(number)s 的协办意见逾期：%(department)s": "Problem %(number)s: co-department opinion overdue: %(department)s",
    "协办：": "Co-departments: ",
    "（逾期）": " (late)",
    "（签收逾期）": " (signed late)",
    "（意见逾期）": " (opinion overdue)",
    # 协办 on common problems
    "新协办共性问题 %(number)s：%(title)s": "New common problem to co-handle %(number)s: %(title)s",
    "共性问题 %(number)s 收到%(department)s的协办意见": "Common problem %(number)s: opinion received from %(department)s",
    "贵部门是该共性问题的协办部门，只能签收和提交协办意见。": "Your department co-handles this common problem: it can only sign for it and give its opinion.",
    "共性问题协办待办": "Common problems to co-handle",
    "本部门作为协办部门、尚未签收或提交协办意见的共性问题（每个共性问题计一个）。": "Common problems naming my department as a co-department that has not yet signed or given its opinion (each counted once).",
})

# --- request payload schemas (app/core/payloads.py and each feature's schemas.py) ---------------
TRANSLATIONS.update({
    "专精特新梯度无效。": "Invalid specialized tier.",
    "请选择在岗的陪跑员。": "Choose an active escort.",
    "取值无效。": "Invalid value.",
    "应为列表。": "Must be a list.",
})
