//! Demo data: a fictional county in Jilin with its schools and kindergartens, one account per
//! role (password `demo1234`), and the seed notice's campaign shifted so that today is in phase 2.

use crate::error::Result;
use crate::service::accounts::{NewAccount, create_account};
use crate::state::AppState;
use crate::storage::{self, orgs::SchoolFields};
use app::domain::campaign::seed_campaign_around;
use app::domain::time::china_date;
use app::domain::{DisplayName, Password, Role, Username};
use app::error::AppError;
use chrono::Utc;

pub const DEMO_PASSWORD: &str = "demo1234";
pub const BUREAU: &str = "白榆县教育局";

/// (name, type, address, principal, phone, latitude, longitude)
type School = (&'static str, &'static str, &'static str, &'static str, &'static str, f64, f64);

const SCHOOLS: &[School] = &[
    ("白榆县实验小学", "primary", "白榆镇育才路18号", "赵丽华", "0436-4221001", 44.812, 123.088),
    ("白榆县第一中学", "senior", "白榆镇文化街66号", "孙国强", "0436-4221002", 44.818, 123.094),
    ("白榆县第二中学", "junior", "白榆镇建设路120号", "钱立新", "0436-4221003", 44.806, 123.101),
    ("白榆县第三中学", "complete", "白榆镇团结路9号", "周文斌", "0436-4221004", 44.822, 123.079),
    ("白榆县城关小学", "primary", "白榆镇胜利街35号", "吴淑芬", "0436-4221005", 44.809, 123.083),
    ("白榆县向阳小学", "primary", "白榆镇向阳路2号", "郑海涛", "0436-4221006", 44.815, 123.106),
    (
        "白榆县第二实验小学",
        "primary",
        "白榆镇新华街77号",
        "王玉梅",
        "0436-4221007",
        44.801,
        123.092,
    ),
    (
        "白榆县职业教育中心",
        "vocational",
        "白榆镇工业园区兴业路1号",
        "冯志刚",
        "0436-4221008",
        44.826,
        123.115,
    ),
    (
        "白榆县特殊教育学校",
        "special",
        "白榆镇和平路41号",
        "陈春燕",
        "0436-4221009",
        44.811,
        123.072,
    ),
    ("兴隆镇中心小学", "primary", "兴隆镇兴隆村", "褚建军", "0436-4231010", 44.902, 123.205),
    ("兴隆镇中学", "junior", "兴隆镇政府街3号", "卫东升", "0436-4231011", 44.905, 123.199),
    (
        "新发乡九年一贯制学校",
        "nine_year",
        "新发乡新发村二组",
        "蒋永福",
        "0436-4241012",
        44.713,
        122.981,
    ),
    ("乌兰花镇中心小学", "primary", "乌兰花镇乌兰花村", "沈桂兰", "0436-4251013", 44.655, 123.302),
    ("乌兰花镇中学", "junior", "乌兰花镇学府路6号", "韩振华", "0436-4251014", 44.652, 123.296),
    ("团结乡中心小学", "primary", "团结乡团结村四组", "杨树林", "0436-4261015", 44.951, 122.902),
    (
        "鸿兴镇九年一贯制学校",
        "nine_year",
        "鸿兴镇鸿兴村",
        "朱红梅",
        "0436-4271016",
        44.589,
        123.154,
    ),
    ("边昭镇中心小学", "primary", "边昭镇边昭村", "秦海军", "0436-4281017", 44.744, 123.402),
    ("边昭镇中学", "junior", "边昭镇中心街12号", "尤伟", "0436-4281018", 44.747, 123.397),
    ("瞻榆镇中心小学", "primary", "瞻榆镇瞻榆村", "许凤霞", "0436-4291019", 44.412, 122.855),
    ("瞻榆镇中学", "junior", "瞻榆镇东街8号", "何长青", "0436-4291020", 44.415, 122.861),
    ("开通镇中心小学", "primary", "开通镇开通村", "吕秀珍", "0436-4301021", 44.978, 123.052),
    (
        "白榆县第一幼儿园",
        "kindergarten",
        "白榆镇育才路22号",
        "施晓燕",
        "0436-4222001",
        44.813,
        123.087,
    ),
    (
        "白榆县实验幼儿园",
        "kindergarten",
        "白榆镇新华街81号",
        "张慧敏",
        "0436-4222002",
        44.802,
        123.093,
    ),
    (
        "白榆县第二幼儿园",
        "kindergarten",
        "白榆镇建设路98号",
        "孔美玲",
        "0436-4222003",
        44.807,
        123.099,
    ),
    (
        "白榆县阳光幼儿园",
        "kindergarten",
        "白榆镇向阳路15号",
        "曹丽娟",
        "0436-4222004",
        44.816,
        123.104,
    ),
    ("兴隆镇中心幼儿园", "kindergarten", "兴隆镇兴隆村", "严春梅", "0436-4232005", 44.903, 123.203),
    (
        "乌兰花镇中心幼儿园",
        "kindergarten",
        "乌兰花镇乌兰花村",
        "华雪莲",
        "0436-4252006",
        44.654,
        123.299,
    ),
    ("边昭镇中心幼儿园", "kindergarten", "边昭镇边昭村", "金晓红", "0436-4282007", 44.745, 123.401),
    ("瞻榆镇中心幼儿园", "kindergarten", "瞻榆镇瞻榆村", "魏小芳", "0436-4292008", 44.413, 122.857),
    ("新发乡中心幼儿园", "kindergarten", "新发乡新发村", "陶玉兰", "0436-4242009", 44.714, 122.983),
];

/// Loads the demo county into an empty database. Refuses (409) when any org already exists, so
/// it never mixes with real data.
pub async fn load(state: &AppState) -> Result<()> {
    if storage::orgs::count_all(&state.db).await? > 0 {
        return Err(AppError::Conflict.into());
    }
    let now = Utc::now();
    let (bureau_id, bureau_path) =
        storage::orgs::insert_bureau(&state.db, BUREAU, None, now).await?;
    let mut school_ids = Vec::with_capacity(SCHOOLS.len());
    for (name, ty, address, principal, phone, lat, lng) in SCHOOLS {
        let fields = SchoolFields {
            name,
            school_type: ty,
            address,
            coordinates: Some((*lat, *lng)),
            principal_name: principal,
            phone,
        };
        school_ids.push(
            storage::orgs::insert_school(&state.db, (bureau_id, &bureau_path), &fields, now)
                .await?,
        );
    }
    let accounts = [
        ("admin", "系统管理员", Role::Admin, bureau_id),
        ("office", "王秀兰", Role::Office, bureau_id),
        ("inspector", "李建国", Role::Inspector, bureau_id),
        ("inspector2", "张明", Role::Inspector, bureau_id),
        ("principal", "赵丽华", Role::Principal, school_ids[0]),
        ("principal2", "孙国强", Role::Principal, school_ids[1]),
    ];
    for (username, name, role, org_id) in accounts {
        let account = NewAccount {
            username: Username::parse(username).map_err(AppError::from)?,
            display_name: DisplayName::parse(name).map_err(AppError::from)?,
            role,
            org_id,
            password: Password::parse(DEMO_PASSWORD).map_err(AppError::from)?,
        };
        create_account(state, &account).await?;
    }
    storage::campaigns::insert(&state.db, bureau_id, &seed_campaign_around(china_date(now)), now)
        .await?;
    tracing::info!(schools = SCHOOLS.len(), "demo data loaded");
    Ok(())
}
