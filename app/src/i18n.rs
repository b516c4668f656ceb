//! Every sentence the user reads, in Simplified Chinese (default) and English. A missing
//! translation is a compile error: each entry names both.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// The value of the `lang` cookie and of `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn from_code(s: &str) -> Option<Lang> {
        match s {
            "zh-CN" | "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    /// The language to use for a request: the `lang` cookie if set, otherwise Chinese. (The
    /// bureau's users work in Chinese; English is a deliberate choice, not a browser guess.)
    pub fn from_cookie_header(cookie: Option<&str>) -> Lang {
        cookie
            .into_iter()
            .flat_map(|c| c.split(';'))
            .filter_map(|kv| kv.trim().strip_prefix("lang="))
            .find_map(Lang::from_code)
            .unwrap_or_default()
    }
}

macro_rules! messages {
    ($($key:ident => $zh:literal, $en:literal;)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Msg { $($key),* }

        impl Msg {
            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Msg::$key, Lang::Zh) => $zh, (Msg::$key, Lang::En) => $en,)*
                }
            }
        }
    };
}

messages! {
    AppName => "校安巡查", "School Safety Inspection";
    LangName => "中文", "English";
    Loading => "加载中…", "Loading…";
    Save => "保存", "Save";
    Cancel => "取消", "Cancel";
    Create => "创建", "Create";
    Edit => "编辑", "Edit";
    Search => "搜索", "Search";
    Saved => "已保存", "Saved";
    Required => "必填", "required";
    Optional => "选填", "optional";

    TabHome => "首页", "Home";
    TabUsers => "用户", "Users";
    TabAudit => "日志", "Log";
    TabSchools => "学校", "Schools";
    TabMe => "我的", "Me";

    RoleAdmin => "系统管理员", "Administrator";
    RoleOffice => "校园安全管理办公室", "Safety office";
    RoleInspector => "检查员", "Inspector";
    RolePrincipal => "校长（园长）", "Principal";

    LoginTitle => "登录", "Sign in";
    LoginHint => "请使用教育局分配的账号登录。", "Sign in with the account your education bureau gave you.";
    Username => "用户名", "Username";
    Password => "密码", "Password";
    LoginButton => "登录", "Sign in";
    Logout => "退出登录", "Sign out";

    Hello => "你好，", "Hello, ";
    CurrentCampaign => "当前专项行动", "Current campaign";
    PhaseUntil => "截至", "until";
    NoCampaign => "目前没有进行中的专项行动。管理员可以在后台创建。", "No campaign is running. An administrator can set one up.";
    MyInspections => "我的检查", "My inspections";
    EmptyInspections => "还没有检查记录或草稿。到学校现场后从这里开始检查；先看看辖区内的学校吧。", "No inspections or drafts yet. Start one here when you reach a school; meanwhile, look through the schools in your area.";
    SeeSchools => "查看辖区学校", "See the schools";
    MySchoolHazards => "本校隐患", "My school's hazards";
    EmptySchoolHazards => "本校目前没有待整改的隐患。检查发现隐患后会出现在这里，并写明需要您做什么。", "Your school has no hazards to fix. When an inspection finds one, it appears here with exactly what is asked of you.";
    ClosureQueue => "待验收", "Closure queue";
    EmptyClosureQueue => "没有待验收的隐患。学校提交整改后会出现在这里，由您验收销号或退回。", "Nothing waits for review. When a school submits a rectification it appears here for you to close or return.";
    Ledger => "隐患台账", "Hazard ledger";
    EmptyLedger => "台账中还没有隐患。检查员上报隐患后会自动登记。", "The ledger is empty. Hazards reported by inspectors are entered automatically.";
    Reports => "统计报表", "Reports";
    AdminUsers => "用户管理", "Users";
    AdminSchools => "学校管理", "Schools";
    AccountsCount => "个账号", "accounts";
    SchoolsCount => "所学校和幼儿园", "schools and kindergartens";

    UsersTitle => "用户管理", "Users";
    AuditTitle => "操作日志", "Audit log";
    AuditUser => "账号", "Account";
    AuditAction => "操作（如 login、hazard）", "Action (e.g. login, hazard)";
    AuditFilterGo => "筛选", "Filter";
    AuditOlder => "更早的记录", "Older entries";
    AuditEmpty => "没有符合条件的记录。", "No entries match.";
    AuditFrom => "来自", "from";
    AuditNobody => "（未登录）", "(not logged in)";
    NewUser => "新建用户", "New user";
    DisplayName => "姓名", "Name";
    Role => "角色", "Role";
    SchoolForPrincipal => "所属学校（仅校长账号需要）", "School (principals only)";
    InitialPassword => "初始密码（至少8位）", "Initial password (8 or more characters)";
    Disable => "停用", "Disable";
    Enable => "启用", "Enable";
    Disabled => "已停用", "Disabled";
    ResetPassword => "重置密码", "Reset password";
    NewPassword => "新密码（至少8位）", "New password (8 or more characters)";
    UserCreated => "账号已创建，请把用户名和初始密码告知本人。", "Account created. Give the username and initial password to its owner.";
    PasswordResetDone => "密码已重置，该用户所有设备上的登录均已退出。", "Password reset. The user is signed out on every device.";
    UserDisabledDone => "账号已停用，该用户已被退出登录。", "Account disabled and signed out everywhere.";
    UserEnabledDone => "账号已启用。", "Account enabled.";

    SchoolsTitle => "学校和幼儿园", "Schools and kindergartens";
    NewSchool => "新增学校或幼儿园", "Add a school or kindergarten";
    SchoolName => "名称", "Name";
    SchoolType => "类型", "Type";
    Address => "地址", "Address";
    PrincipalName => "校长（园长）", "Principal";
    Phone => "联系电话", "Phone";
    Latitude => "纬度", "Latitude";
    Longitude => "经度", "Longitude";
    SearchSchools => "按名称或地址搜索", "Search by name or address";
    EmptySchools => "还没有学校。管理员可以在“学校管理”中新增学校和幼儿园。", "No schools yet. An administrator can add schools and kindergartens under Schools.";
    EmptySchoolSearch => "没有找到匹配的学校，换个关键字试试。", "No school matches. Try another word.";
    SchoolCreated => "学校已添加。", "School added.";
    SchoolUpdated => "学校信息已保存。", "School saved.";
    Kindergartens => "幼儿园", "Kindergartens";
    Schools => "学校", "Schools";

    TypePrimary => "小学", "Primary school";
    TypeJunior => "初中", "Junior secondary school";
    TypeSenior => "高中", "Senior secondary school";
    TypeComplete => "完全中学", "Complete secondary school";
    TypeNineYear => "九年一贯制学校", "Nine-year school";
    TypeVocational => "职业学校", "Vocational school";
    TypeSpecial => "特殊教育学校", "Special education school";
    TypeKindergarten => "幼儿园", "Kindergarten";

    TabInspect => "检查", "Inspect";
    TabSelfCheck => "自查", "Self-check";
    TabPlans => "计划", "Plans";
    TabChecklists => "检查表", "Checklists";

    StartInspection => "开始检查", "Start an inspection";
    NearestFirst => "按距离排序（使用手机定位）", "Nearest first (uses the phone's location)";
    SortedByDistance => "已按距离排序", "Sorted by distance";
    Inspections => "检查记录", "Inspections";
    SchoolInspections => "本校检查记录", "Inspections of my school";
    InspectionTitle => "检查", "Inspection";
    InspectionRecord => "检查记录", "Inspection record";
    KindSelfCheck => "自查", "Self-check";
    KindSupervision => "督查", "Supervision";
    KindUnannounced => "暗查暗访", "Unannounced visit";
    Draft => "草稿", "Draft";
    Submitted => "已提交", "Submitted";
    Published => "已发布", "Published";
    Answered => "已查", "Answered";
    Failures => "不合格", "Failed";
    OutcomePass => "合格", "Pass";
    OutcomeFail => "不合格", "Fail";
    OutcomeNa => "不适用", "N/A";
    Standard => "检查标准", "Standard";
    Note => "备注", "Note";
    NextUnanswered => "下一个未查项", "Next unanswered";
    SavedOnServer => "已保存到服务器", "Saved on the server";
    Saving => "正在保存…", "Saving…";
    UnannouncedSealed => "暗查暗访：提交前学校看不到这次检查。", "Unannounced: the school cannot see this inspection until you submit it.";
    HazardFound => "登记隐患", "Hazard found";
    HazardTitle => "隐患名称", "Hazard";
    HazardDescription => "隐患描述（现场情况）", "Description (what you saw)";
    Level => "隐患等级", "Level";
    LevelGeneral => "一般隐患", "General";
    LevelMajor => "重大隐患", "Major";
    Deadline => "整改期限", "Deadline";
    SubmitInspection => "提交检查", "Submit inspection";
    Submitting => "正在提交…", "Submitting…";
    School => "学校", "School";
    Kind => "检查类型", "Kind";
    Inspector => "检查人", "Inspector";
    StartedAt => "开始时间", "Started";
    SubmittedAt => "提交时间", "Submitted";
    Location => "提交位置", "Location";
    Result => "检查结果", "Result";
    Print => "打印", "Print";
    DraftNotSubmitted => "这次检查还没有提交。", "This inspection has not been submitted yet.";
    HazardsRaised => "发现隐患", "Hazards raised";
    NoHazardsRaised => "这次检查没有发现隐患。", "This inspection found no hazards.";
    StatusReported => "待整改", "To rectify";
    StatusRectifying => "整改中", "Rectifying";
    StatusSubmitted => "待验收", "Awaiting review";
    StatusClosed => "已销号", "Closed";
    StatusVoided => "已作废", "Voided";

    PhotoAlt => "现场照片", "Photo";
    TakePhoto => "拍照", "Take photo";
    PickPhotos => "从相册选择", "From gallery";
    PhotoPreparing => "处理中…", "Preparing…";
    PhotoNeeded => "这一项需要拍照留证。", "This item needs a photo.";
    RemovePhoto => "删除照片", "Remove photo";

    ChecklistsTitle => "检查表", "Checklists";
    EmptyChecklists => "还没有检查表。", "No checklists yet.";
    EditCountyChecklist => "编辑县级检查表", "Edit the county checklist";
    EditSchoolItems => "编辑本校自定检查项", "Edit my school's own items";
    CountyEditHint => "修改在草稿中进行，发布后成为新版本；已完成的检查保留原版本。", "Changes go into a draft that becomes the next version when published; completed inspections keep their version.";
    SchoolItemsHint => "按照通知要求，学校可以在县级检查表之外增加本校的检查项，只用于本校。", "As the notice asks, a school can add its own items to the county checklist; they apply to this school only.";
    Version => "版本", "Version";
    ItemsCount => "项", "items";
    DraftHint => "这是草稿：修改后点“发布”，新检查就会使用这个版本。", "This is a draft: publish it and new inspections use this version.";
    Publish => "发布", "Publish";
    ChecklistPublished => "已发布，新的检查将使用这个版本。", "Published. New inspections use this version.";
    AddItem => "增加检查项", "Add an item";
    DeleteItem => "删除此项", "Delete this item";
    ItemCode => "编号", "Code";
    Area => "所属方面", "Area";
    ItemTitle => "检查事项", "Item";
    ItemContent => "具体内容", "What to check";
    AppliesTo => "适用于", "Applies to";
    AppliesAll => "学校和幼儿园", "Schools and kindergartens";
    AppliesSchool => "仅学校", "Schools only";
    AppliesKindergarten => "仅幼儿园", "Kindergartens only";
    PhotoRequiredOnFail => "不合格时必须拍照", "Photo required on failure";
    DirectMajor => "不合格即为重大隐患", "Failure is a major hazard by itself";
    AreaResponsibility => "查安全责任落实", "Safety responsibility";
    AreaKeyDomains => "查重点领域", "Key domains";
    AreaFiveOnes => "查“五个一”工程", "The “five ones” programme";
    AreaSupervision => "查督导检查", "Supervision";
    AreaEmergency => "查应急处置", "Emergency response";

    PlansTitle => "检查计划", "Inspection plans";
    PlansSealedHint => "检查计划只对教育局人员可见，学校无法看到；每次查看都会记录。", "Plans are visible to bureau staff only, never to schools; every viewing is logged.";
    NewPlan => "新建检查计划", "New plan";
    From => "开始日期", "From";
    To => "结束日期", "To";
    PickSchools => "选取学校", "Pick schools";
    PickRandom => "随机抽取（双随机，记录随机种子）", "Random draw (seed recorded)";
    PickRisk => "按风险排序选取", "Highest risk first";
    HowManySchools => "学校数量", "Schools";
    HowManyInspectors => "检查人员数量", "Inspectors";
    PlanCreated => "检查计划已创建。", "Plan created.";
    Plans => "计划", "Plans";
    EmptyPlans => "还没有检查计划。用上面的表单按风险或随机抽取学校。", "No plans yet. Use the form above to pick schools by risk or at random.";
    Cancelled => "已取消", "Cancelled";
    Team => "检查组", "Team";
    DrawSeed => "随机种子", "Draw seed";
    CancelPlan => "取消计划", "Cancel plan";
    RiskRanking => "风险排序", "Risk ranking";
    RiskRankingHint => "按逾期隐患、未销号重大隐患、距上次督查天数排序。", "Ranked by overdue hazards, open major hazards and days since the last visit.";
    Overdue => "逾期", "Overdue";
    OpenMajor => "重大", "Major";
    DaysSinceVisit => "距上次督查（天）", "Days since visit";
    NeverVisited => "从未", "never";

    TabQueue => "待验收", "Review";
    WaitingUpload => "等待上传", "Waiting to upload";
    SavedOnPhone => "已保存在手机，联网后自动上传", "Saved on the phone; uploads when online";
    QueuedForUpload => "已提交，保存在手机上，联网后自动上传到服务器。", "Submitted and kept on the phone; it uploads to the server when online.";
    Dismiss => "移除", "Remove";
    Online => "在线", "Online";
    Offline => "离线", "Offline";
    AllSent => "全部已上传", "Everything is on the server";
    OutboxPhotos => "{n} 张照片", "{n} photos";
    OutboxInspections => "{n} 次检查", "{n} inspection(s)";
    OutboxHazards => "{n} 条隐患处理", "{n} hazard action(s)";
    OutboxOther => "{n} 条记录", "{n} record(s)";
    WaitingSuffix => "等待上传", "waiting";
    LastSync => "上次同步", "Last sync";
    NeverSynced => "尚未同步", "not yet";
    RefusedCount => "{n} 项被服务器拒绝，请处理", "{n} refused by the server; please look";
    OutboxTitle => "待上传", "Outbox";
    OutboxHint => "这些记录保存在手机上，联网后自动上传。被拒绝的记录不会自动删除：请按原因修改后重新提交，或确认删除。", "These records are kept on the phone and upload when online. A refused record is never dropped on its own: fix it and send it again, or discard it deliberately.";
    SyncNow => "立即同步", "Sync now";
    ExportOutbox => "导出未上传的记录（备份文件）", "Export unsent records to a file";
    Discard => "删除这条记录", "Discard this record";
    ConfirmDiscard => "确定删除？删除后无法恢复。", "Discard it? This cannot be undone.";
    StateWaiting => "等待上传", "waiting";
    StateRefused => "被拒绝", "refused";
    EmptyOutbox => "没有等待上传的记录。", "Nothing waits to upload.";
    TabLedger => "台账", "Ledger";
    MyReviews => "待我验收", "For me to review";
    AllMyHazards => "本校全部隐患", "All my school's hazards";
    HazardTitlePage => "隐患", "Hazard";
    OverdueDays => "逾期 {n} 天", "{n} days overdue";
    FoundOn => "发现日期", "Found on";
    FoundBy => "发现人", "Found by";
    ReturnedBecause => "已退回重新整改，原因：", "Returned for more work: ";
    WhatWasFound => "检查发现", "What was found";
    WhatIsAsked => "请按检查标准整改：先填写整改方案（五落实），整改完成后拍照、签字提交验收。", "Fix it to the standard: record the plan (the five points), then submit photos and a signature for review.";
    BeforePhoto => "整改前照片", "Before";
    Before => "整改前", "Before";
    After => "整改后", "After";
    RectPlan => "整改方案（五落实）", "Rectification plan";
    Responsible => "责任人", "Responsible person";
    Measures => "整改措施", "Measures";
    Funds => "整改资金（元）", "Funds (yuan)";
    PlanDeadline => "完成时限", "Done by";
    Contingency => "应急预案", "Contingency plan";
    RecordPlan => "填写整改方案（五落实）", "Record the rectification plan";
    SavePlan => "保存整改方案", "Save the plan";
    Rectification => "整改情况", "Rectification";
    Signature => "负责人签字", "Signature";
    SubmitRectification => "提交整改，申请验收", "Submit for review";
    SameSpotHint => "请在同一位置、同一角度拍摄整改后的照片。", "Shoot the after-photo from the same spot and angle.";
    ShootSameSpot => "对照拍摄", "Shoot the same spot";
    Close => "关闭", "Close";
    ToggleBefore => "显示/隐藏整改前照片", "Show/hide before";
    Shutter => "拍照", "Shoot";
    RectNote => "整改说明", "What was done";
    SignHere => "负责人在此签字", "Sign here";
    ClearSignature => "重新签字", "Clear";
    Approve => "验收销号", "Approve and close";
    ConfirmApprove => "确认销号", "Confirm closing";
    ApproveNoteDefault => "整改到位，同意销号。", "Rectified to standard; closed.";
    Return => "退回整改", "Return";
    ReasonPhotoUnclear => "照片不清楚，请重新拍摄", "Photo unclear; take it again";
    ReasonNotDone => "整改不到位，请继续整改", "Not fixed to standard; continue";
    ReasonWrongSpot => "照片与隐患位置不符", "Photo does not show the hazard's spot";
    Extend => "延长整改期限", "Extend the deadline";
    NewDeadline => "新的整改期限", "New deadline";
    Reason => "原因", "Reason";
    Void => "作废", "Void";
    VoidHint => "例如：重复登记、误报", "e.g. duplicate or mistaken";
    Timeline => "处理记录", "Timeline";
    EvReport => "上报隐患", "Reported";
    EvPlan => "制定整改方案", "Plan recorded";
    EvSubmit => "提交验收", "Submitted for review";
    EvApprove => "验收销号", "Closed";
    EvReturn => "退回整改", "Returned";
    EvExtend => "延长期限", "Deadline extended";
    EvVoid => "作废", "Voided";
    Filters => "筛选", "Filters";
    Status => "状态", "Status";
    All => "全部", "All";
    OnlyOverdue => "只看逾期", "Overdue only";
    ApplyFilters => "筛选", "Apply";
    QueueKeys => "键盘：j / k 上下切换，a 销号，r 退回。", "Keys: j / k to move, a to approve, r to return.";
    Waiting => "待验收", "Waiting:";
    ExportXlsx => "导出 Excel", "Export to Excel";
    Previous => "上一页", "Previous";
    Next => "下一页", "Next";
    ReportHazard => "上报隐患", "Report a hazard";
    Inbox => "消息", "Inbox";
    MarkAllRead => "全部标为已读", "Mark all read";
    EmptyInbox => "没有消息。有新的隐患、退回或验收结果时会通知您。", "No messages. You are told of new hazards, returns and reviews here.";
    NoticeReported => "新的隐患待整改", "New hazard to fix";
    NoticePlanned => "已制定整改方案", "Plan recorded";
    NoticeSubmitted => "学校已提交整改，待验收", "Submitted for review";
    NoticeClosed => "隐患已验收销号", "Hazard closed";
    NoticeReturned => "整改被退回", "Returned for more work";
    NoticeExtended => "整改期限已延长", "Deadline extended";
    NoticeVoided => "隐患已作废", "Hazard voided";
    NoticeDueSoon => "隐患3天内到期", "Due within 3 days";
    NoticeOverdue => "隐患已逾期", "Overdue";

    MeTitle => "我的", "Me";
    Language => "语言", "Language";
    ChangePassword => "修改密码", "Change password";
    CurrentPassword => "当前密码", "Current password";
    PasswordChanged => "密码已修改，其他设备上的登录已退出。", "Password changed. Other devices are signed out.";

    NotFoundTitle => "页面不存在", "Page not found";
    NotFoundBody => "地址可能有误，或者这项内容不在您的权限范围内。", "The address may be wrong, or this is outside what your account can see.";
    BackHome => "返回首页", "Back to home";

    ErrMalformed => "请求格式不正确。请刷新页面后重试。", "The request was malformed. Reload the page and try again.";
    ErrNotLoggedIn => "登录已过期或尚未登录，请重新登录。", "You are not signed in, or your session has expired. Please sign in again.";
    ErrBadCredentials => "用户名或密码不正确，请重新输入。", "Wrong username or password. Please try again.";
    ErrAccountDisabled => "该账号已停用，请联系教育局管理员。", "This account is disabled. Contact your bureau's administrator.";
    ErrWrongCurrentPassword => "当前密码不正确，密码没有修改。", "The current password is wrong; the password was not changed.";
    ErrForbidden => "您的角色不能进行这项操作。", "Your role cannot do this.";
    ErrCrossSite => "请求来自其他网站，已拒绝。请直接在本系统中操作。", "The request came from another site and was refused. Use this app directly.";
    ErrNotFound => "没有找到，或不在您的权限范围内。", "Not found, or outside what your account can see.";
    ErrUsernameTaken => "用户名已被使用，请换一个。", "That username is taken. Choose another.";
    ErrConflict => "数据已被他人修改，请刷新后再试。", "Someone else changed this. Reload and try again.";
    ErrTooLarge => "内容太大，无法上传。", "Too large to upload.";
    ErrUnsupportedMedia => "不支持这种文件。照片只能是 JPEG、PNG 或 WebP 格式。", "This file is not supported. Photos must be JPEG, PNG or WebP.";
    ErrHashMismatch => "照片没有完整上传（内容与校验值不符），没有保存。请重新上传。", "The photo did not arrive whole (it does not match its checksum) and was not saved. Upload it again.";
    ErrHeicPhoto => "这是 HEIC 格式的照片（苹果手机默认格式），暂不支持。请在“设置 › 相机 › 格式”中选择“兼容性最佳”，或在本系统中直接拍照。", "This is a HEIC photo (the iPhone default), which is not supported. Choose Settings › Camera › Formats › Most Compatible, or take the photo in this app.";
    ErrPhotoTooManyPixels => "照片像素太多，无法处理。请上传手机相机拍的普通照片。", "The photo has too many pixels to process. Upload an ordinary photo from a phone camera.";
    ErrPhotoUnreadable => "照片文件已损坏，无法读取。请重新拍摄。", "The photo file is damaged and cannot be read. Take it again.";
    ErrThrottled => "尝试次数过多，请{n}分钟后再试。", "Too many attempts. Try again in {n} minutes.";
    ErrUnavailable => "服务暂时不可用，请稍后再试。", "The service is unavailable. Try again shortly.";
    ErrTimedOut => "请求用时太长，没有完成。请稍后再试（手机上的记录不会丢）。", "The request took too long and did not complete. Try again later (what is on the phone is kept).";
    ErrStorageFull => "服务器存储空间已满，这次没有保存任何内容。请联系管理员。", "The server's storage is full; nothing was saved this time. Tell the administrator.";
    // @reports: campaign reports, submissions, dashboard.
    NoticeSubmissionReminder => "报送提醒：有报表还没有报送，请尽快报送。", "Reminder: a report is due; please file it.";
    RepPeriodN => "第{n}期", "Period {n}";
    RepStageN => "第{n}次阶段报告", "Stage report {n}";
    RepFinal => "工作总结", "Final summary";
    RepCumulative => "累计", "To date";
    RepUnit => "填报单位：", "Unit: ";
    RepPickPeriod => "选择统计时段", "Choose the period";
    RepTableHazards => "隐患排查整改销号统计表", "Hazards found, rectified and closed";
    RepTableMeasures => "行政强制措施统计表", "Enforcement measures";
    RepTableActions => "责任追究统计表", "Accountability actions";
    RepFigure => "项目", "Figure";
    RepKind => "类别", "Kind";
    RepInspected => "已检查单位（所）", "Institutions inspected";
    RepSelfChecks => "自查（次）", "Self-inspections";
    RepSupervisions => "督查（次）", "Supervisions";
    RepUnannounced => "暗查暗访（次）", "Unannounced visits";
    RepOpenAtStart => "期初未销号（项）", "Open at start";
    RepFoundGeneral => "排查一般隐患（项）", "General hazards found";
    RepFoundMajor => "排查重大隐患（项）", "Major hazards found";
    RepFound => "排查隐患合计（项）", "Hazards found";
    RepRectified => "已整改（项）", "Rectified";
    RepClosed => "已销号（项）", "Closed";
    RepVoided => "已作废（项）", "Voided";
    RepOpenAtEnd => "期末未销号（项）", "Open at end";
    RepClosureRate => "销号率", "Closure rate";
    RepOverdue => "逾期未销号（项）", "Overdue and open";
    RepFunds => "落实整改资金（元）", "Funds committed (yuan)";
    RepByInstitution => "按单位查看", "By institution";
    RepNothingYet => "这一时段还没有数据。", "Nothing recorded in this period yet.";
    RepTotal => "合计", "Total";
    RepGroupSchools => "学校", "Schools";
    RepGroupKindergartens => "幼儿园", "Kindergartens";
    RepPersons => "涉及人员（人）", "Persons involved";
    RepInstitutions => "涉及单位（所）", "Institutions affected";
    RepSubmissions => "报送情况", "Submissions";
    RepSubmitHint => "每期最后一天起可以报送本期报表，统计数据由隐患台账自动生成，报送后不再变化。", "Each period's report opens on its last day. Its figures come from the ledger and are frozen when you file it.";
    RepProgressNote => "工作进展", "Progress note";
    RepFile => "报送", "File the report";
    RepFiled => "已报送。", "Filed.";
    RepDueOn => "截止日期", "Due";
    RepNothingDue => "目前没有需要报送的内容。", "Nothing is due yet.";
    RepOnTime => "按时报送", "On time";
    RepLate => "逾期报送", "Late";
    RepMissing => "未报送", "Missing";
    RepPending => "待报送", "Not yet due";
    RepRemind => "提醒未报学校", "Remind the missing";
    RepReminded => "已提醒{n}位校长。", "Reminded {n} principals.";
    RepSchool => "学校（幼儿园）", "School";
    RepDashboard => "工作看板", "Dashboard";
    RepClosureByPeriod => "各期销号率", "Closure rate by period";
    RepMostOverdue => "逾期隐患最多的学校", "Schools with the most overdue hazards";
    RepNoneOverdue => "没有逾期未销号的隐患。", "No hazard is overdue.";
    RepMissingSchools => "{n}所学校未报送", "{n} schools have not filed";
    RepAccidents => "安全事故（事故起数、伤亡人数“双下降”）", "Accidents against last year";
    RepSameDaysLastYear => "与上年同期对比", "against the same days a year earlier";
    RepAccidentCount => "事故起数", "Accidents";
    RepInjured => "受伤人数", "Injured";
    RepDead => "死亡人数", "Dead";
    RepLastYear => "上年同期", "A year earlier";
    RepThisYear => "本期", "This campaign";
    RepAccidentRegister => "事故登记", "Accident register";
    RuleUnknownDueItem => "本次专项行动没有这一项报送。请刷新后重试。", "This campaign asks for no such report. Reload and try again.";
    RuleNotOpenYet => "这一期还没有到报送时间（每期最后一天起可以报送）。", "This period's report cannot be filed yet (it opens on the period's last day).";
    RuleSubmissionTooLong => "说明最多5000字，附件最多20个。", "The note can have at most 5,000 characters and 20 attachments.";

    // @registers: enforcement records, duties, activities, accidents.
    RegProblemUnknownKind => "请选择列表中的类别。", "Choose one of the listed kinds.";
    RegProblemDateInFuture => "日期不能晚于今天。", "The date cannot be later than today.";
    RegProblemHazardOfOtherSchool => "关联的隐患不属于这所学校，请重新选择。", "The linked hazard belongs to another school; choose one of this school's.";
    RegProblemTitleMissing => "请填写标题。", "Please give a title.";
    RegProblemSummaryMissing => "请填写事故经过。", "Please describe what happened.";
    RegProblemDutiesMissing => "责任清单至少要有一条责任。", "The list needs at least one duty.";
    RegProblemSchoolItemsMissing => "请至少填写一条本校的责任。", "Write at least one of your school's own duties.";
    RegProblemTextTooLong => "内容太长了，请精简后再提交。", "The text is too long; shorten it and try again.";
    RegProblemTooManyEntries => "条目太多了（每项最多50条、照片最多12张）。", "Too many entries (at most 50 per list and 12 photos).";
    RegProblemCountTooLarge => "受伤或死亡人数不合理，请核对。", "The number of injured or dead is implausible; check it.";
    RegProblemPhotoMissing => "请拍一张照片作为佐证。", "Take a photo as evidence.";
    RegProblemSignatureMissing => "请在屏幕上签字后再确认。", "Sign on the screen before confirming.";
    RegProblemListReplaced => "教育局已发布新的责任清单，请刷新后签署新清单。", "The bureau has published a newer list; reload and sign that one.";
    RegProblemNoList => "教育局还没有发布责任清单。", "The bureau has not published a responsibility list yet.";
    RegProblemDifferentRecord => "这条记录已经保存过不同的内容，没有覆盖。请刷新后重新填写。", "This record was already saved with different content and was not overwritten. Reload and fill it in again.";
    RegProblemAlreadySigned => "本校已签署这份清单，签署后不能更改。", "Your school has signed this list; a signed list cannot be changed.";
    RegSave => "保存登记", "Save";
    RegRecorded => "已登记。", "Recorded.";
    RegUntil => "截止日期（不含当天）", "Until (not including)";
    RegLinkedHazard => "关联隐患", "Linked hazard";

    RegEnforcementTitle => "强制措施与责任追究", "Measures and accountability";
    RegMeasures => "行政强制措施", "Enforcement measures";
    RegActions => "责任追究", "Accountability actions";
    RegCategory => "类型", "Type";
    RegKind => "类别", "Kind";
    RegTotals => "共{n}条 · 涉及{p}人 · {i}个单位", "{n} records · {p} persons · {i} institutions";
    RegEmptyEnforcement => "没有符合条件的记录。采取行政强制措施或进行责任追究后，在这里登记，统计表会自动汇总。", "No records match. Record each measure or action here after it is taken; the statistical tables add them up.";
    RegPersonsLabel => "涉及人员：", "Persons: ";
    RegPersonsN => "{n}人", "{n} persons";
    RegDocNo => "文号", "Document no.";
    RegDocNoHint => "如：白教发〔2026〕3号", "e.g. 白教发〔2026〕3号";
    RegRecord => "登记措施或追究", "Record a measure or action";
    RegRecordMeasure => "登记行政强制措施", "Record an enforcement measure";
    RegRecordAction => "登记责任追究", "Record an accountability action";
    RegTakenOn => "采取日期", "Date taken";
    RegPersons => "涉及人员（每行一人，或用顿号分隔）", "Persons concerned (one per line, or separated by commas)";
    RegAttachments => "附件照片（文书、现场）", "Attachments (documents, the scene)";
    RegTypical => "典型案例", "Typical case";
    RegMarkTypical => "标为典型案例（曝光）", "Mark as a typical case (exposure)";
    RegUnmarkTypical => "取消典型案例", "No longer a typical case";

    RegDutiesTitle => "安全责任清单", "Responsibility list";
    RegPublishList => "发布新的责任清单", "Publish a new list";
    RegListTitle => "清单标题", "Title";
    RegListTitleHint => "如：2026年学校安全责任清单", "e.g. School safety duties 2026";
    RegDutiesOnePerLine => "责任条目（每行一条）", "Duties (one per line)";
    RegPublishHint => "发布后成为当前清单，各校校长需重新填写本校责任并签字确认。", "Once published it is the current list; every principal fills in their school's duties and signs it.";
    RegPublish => "发布", "Publish";
    RegPublished => "已发布。", "Published.";
    RegNoListYet => "教育局还没有发布安全责任清单。发布后，各校校长在手机上填写本校责任并签字确认。", "The bureau has not published a responsibility list yet. Once it does, each principal fills in the school's own duties and signs on the phone.";
    RegPublishedBy => "发布人：{n}", "Published by {n}";
    RegSignedSchools => "已签字（{n}所）", "Signed ({n})";
    RegUnsignedSchools => "未签字（{n}所）", "Not signed yet ({n})";
    RegNoneSigned => "还没有学校签字。", "No school has signed yet.";
    RegAllSigned => "所有学校都已签字确认。", "Every school has signed.";
    RegSigned => "已签字", "Signed";
    RegSignedBy => "签字人", "Signed by";
    RegSignedAt => "签字时间", "Signed at";
    RegShowSigned => "查看签署内容", "What was signed";
    RegYouSigned => "本校已签字确认这份责任清单。", "Your school has signed this list.";
    RegSchoolItems => "本校责任", "Our school's duties";
    RegFillAndSign => "填写本校责任并签字", "Fill in your duties and sign";
    RegSchoolItemsOnePerLine => "本校责任（每行一条）", "Your school's duties (one per line)";
    RegSchoolItemsHint => "如：上下学时段校门口护导", "e.g. Guard the gate when pupils arrive and leave";
    RegWhatYouSign => "您签字确认的是以下内容：", "You are signing exactly this:";
    RegSignConfirm => "签字确认", "Sign and confirm";

    RegActivitiesTitle => "宣传与警示教育", "Publicity and warning education";
    RegPublicity => "安全宣传", "Publicity post";
    RegScreening => "警示教育", "Warning-education screening";
    RegActivityKind => "活动类型", "Kind";
    RegHeldOn => "日期", "Date";
    RegActivityTitle => "主题", "Topic";
    RegActivityTitleHint => "如：防溺水安全教育主题班会", "e.g. Class meeting on drowning prevention";
    RegRecordActivity => "登记一次活动（须拍照）", "Record an activity (photo required)";
    RegOurActivities => "本校活动记录", "Our activities";
    RegSchoolActivities => "该校活动记录", "This school's activities";
    RegEmptyActivities => "还没有活动记录。每次开展安全宣传或警示教育后，拍一张照片登记。", "No activities yet. After each publicity post or screening, record it with a photo.";
    RegSpring => "{n}年春季学期", "Spring semester {n}";
    RegAutumn => "{n}年秋季学期", "Autumn semester {n}";
    RegPublicityRule => "每周至少2次安全宣传", "At least 2 publicity posts a week";
    RegScreeningRule => "每学期至少1次警示教育", "At least 1 screening a semester";
    RegMet => "达标", "Met";
    RegNotMet => "未达标", "Not met";
    RegThisWeek => "本周已宣传{n}次", "{n} this week";
    RegWeeksMet => "已结束的{m}周中{n}周达标", "{n} of {m} ended weeks met";
    RegWeeksMissed => "未达标的周（周一）：", "Weeks missed (Mondays): ";
    RegScreeningsN => "本学期已开展{n}次", "{n} this semester";
    RegSchoolsShort => "{n}所学校未达标", "{n} schools fall short";
    RegColThisWeek => "本周宣传", "This week";
    RegColWeeks => "达标周", "Weeks met";
    RegColScreenings => "警示教育", "Screenings";
    RegComplianceHint => "只统计本学期已经结束的完整周（周一至周日）；本周尚未结束，不算未达标。点学校名查看其活动记录。", "Only whole weeks (Monday–Sunday) of this semester that have ended are judged; this week is not over yet. Tap a school to see its activities.";

    RegAccidentsTitle => "事故登记", "Accident register";
    RegReportAccident => "登记事故", "Report an accident";
    RegOccurredOn => "发生日期", "Date";
    RegAccidentKind => "事故类型", "Kind";
    RegInjured => "受伤人数", "Injured";
    RegDead => "死亡人数", "Dead";
    RegSummary => "事故经过", "What happened";
    RegInjuredN => "伤{n}人", "{n} injured";
    RegDeadN => "亡{n}人", "{n} dead";
    RegAccidentTotals => "共{n}起 · 伤{i}人 · 亡{d}人", "{n} accidents · {i} injured · {d} dead";
    RegEmptyAccidents => "没有事故记录。发生事故后请如实登记，便于对比事故起数和死亡人数是否“双下降”。", "No accidents recorded. Record every accident truthfully, so the count of accidents and deaths can be compared year on year.";
    RegAccDrowning => "溺水", "Drowning";
    RegAccTraffic => "交通事故", "Traffic";
    RegAccFire => "火灾", "Fire";
    RegAccFood => "食物中毒", "Food poisoning";
    RegAccStampede => "拥挤踩踏", "Crush or stampede";
    RegAccFall => "坠落摔伤", "Fall";
    RegAccViolence => "暴力伤害", "Violence";
    RegAccOther => "其他", "Other";


    ErrInternal => "服务器出错了，操作没有完成。请稍后再试；如果一直出现，请联系管理员。", "Something went wrong on the server; nothing was changed. Try again later, and tell the administrator if it persists.";
    ErrNetwork => "无法连接服务器，请检查网络后重试。", "Cannot reach the server. Check the connection and try again.";

    ErrStale => "这条隐患刚被别人处理过，下面是最新状态。请确认后再操作。", "Someone acted on this hazard just now; here is its current state. Check it and try again.";
    RefusedWrongState => "隐患当前的状态不能进行这项操作。", "This cannot be done in the hazard's current state.";
    RefusedWrongRole => "您的角色不能进行这项操作。", "Your role cannot do this.";
    RefusedOtherSchool => "这不是本校的隐患。", "This hazard belongs to another school.";
    RefusedNotDiscoverer => "按照“谁发现、谁销号”，只有发现人或发现单位的安全办人员可以验收。", "Who finds it closes it: only the discoverer or the discovering unit's safety office can review it.";
    RefusedMajorNeedsOffice => "重大隐患须由安全办人员验收销号。", "A major hazard is reviewed and closed by the safety office.";
    RefusedPlanIncomplete => "整改方案要写明责任人、整改措施、资金、期限和应急预案（五落实）。", "The plan needs the responsible person, measures, funds, deadline and contingency plan.";
    RefusedAfterPhotoMissing => "请至少拍一张整改后的照片。", "Take at least one photo after the rectification.";
    RefusedNoteMissing => "请填写说明。", "Please write a note.";
    RefusedSignatureMissing => "请负责人在屏幕上签字确认。", "The person responsible must sign on the screen.";
    RefusedReasonMissing => "请填写原因。", "Please give the reason.";
    RefusedDeadlineMissing => "请填写新的整改期限（不能早于今天）。", "Give the new deadline (today or later).";

    ProblemUsernameShape => "用户名需为3到32位小写字母、数字或 _ . -", "A username is 3–32 lower-case letters, digits, _ . or -";
    ProblemPasswordTooShort => "密码至少需要8位。", "A password needs at least 8 characters.";
    ProblemPasswordTooLong => "密码不能超过128位。", "A password can have at most 128 characters.";
    ProblemPasswordTooCommon => "这个密码太常见或太容易猜到（常用密码、重复字符或含用户名），请换一个。", "That password is too common or easy to guess (a well-known password, one repeated character, or the username); choose another.";
    ProblemNameEmpty => "名称不能为空。", "The name cannot be empty.";
    ProblemNameTooLong => "名称太长了。", "The name is too long.";
    ProblemUnknownRole => "请选择有效的角色。", "Choose a valid role.";
    ProblemUnknownSchoolType => "请选择学校类型。", "Choose the type of school.";
    ProblemSchoolRequired => "校长账号需要选择所属学校。", "A principal's account needs a school.";
    ProblemCoordinates => "经纬度需同时填写，且在有效范围内。", "Give both latitude and longitude, within range.";
    ProblemItemCode => "编号只能用字母、数字、- 或 _，最多16位。", "A code is up to 16 letters, digits, - or _.";
    ProblemItemTextEmpty => "检查事项、具体内容和检查标准都要填写。", "Fill in the item, what to check and the standard.";
    ProblemDuplicateCode => "编号重复了，每个检查项的编号要不同。", "That code is already used; every item needs its own.";
    ProblemUnknownLevel => "请选择隐患等级。", "Choose the hazard level.";

    RuleUnknownItem => "检查表中没有这个检查项，请刷新后重试。", "That item is not in any checklist. Reload and try again.";
    RuleOtherTemplateVersion => "这个检查项属于另一版检查表，与本次检查使用的版本不一致。请刷新后重试。", "That item belongs to another version of the checklist than this inspection uses. Reload and try again.";
    RuleUnanswered => "还有{n}项没有检查，全部检查完才能提交。", "{n} items are not answered yet; answer every item before submitting.";
    RuleHazardMissing => "不合格的检查项需要登记隐患。", "A failed item needs its hazard filled in.";
    RulePhotoRequired => "这个检查项不合格时必须拍照留证。", "This item needs a photo when it fails.";
    RuleUnknownPhoto => "照片还没有上传完成，请稍候，系统会自动重试。", "A photo has not finished uploading yet; it will be retried automatically.";
    RuleAlreadySubmitted => "这次检查已经提交，不能再修改。", "This inspection was submitted and can no longer change.";
    RuleTemplateNotPublished => "这份检查表还没有发布，不能用于检查。", "This checklist is not published and cannot be used yet.";
    RuleDeadlineBeforeFound => "整改期限不能早于发现日期。", "The deadline cannot be before the day the hazard was found.";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lang_cookie_chooses_the_language_and_chinese_is_the_default() {
        assert_eq!(Lang::from_cookie_header(None), Lang::Zh);
        assert_eq!(Lang::from_cookie_header(Some("a=b; lang=en")), Lang::En);
        assert_eq!(Lang::from_cookie_header(Some("lang=fr")), Lang::Zh);
        assert_eq!(Lang::from_cookie_header(Some("xlang=en")), Lang::Zh);
    }
}
