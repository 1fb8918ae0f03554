/** Curated Chinese word lists for realistic names, addresses and texts. */
import type { Random } from './random';

const SURNAMES = [
  ...'王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段',
];
const GIVEN = [
  ...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌辉宁鹏飞海波云峰凯浩然欣悦晨阳博宇俊琳雪梅慧婷颖佳丹倩春燕立新振东庆林德胜永利学成',
];

/** A plausible two- or three-character personal name. */
export function personName(rng: Random): string {
  const given = rng.chance(0.7) ? rng.pick(GIVEN) + rng.pick(GIVEN) : rng.pick(GIVEN);
  return rng.pick(SURNAMES) + given;
}

/** A mainland mobile number: '1' and ten more digits. */
export function phoneNumber(rng: Random): string {
  let s = '1' + rng.pick(['3', '5', '7', '8', '9']);
  for (let i = 0; i < 9; i++) s += String(rng.int(0, 9));
  return s;
}

/** Brand syllables for shop and company names. */
const BRAND = [...'鑫福顺聚华盛德源隆泰和兴嘉宏瑞祥锦丰海润恒信诚达利安康裕昌通凯金宝鸿永益佳汇明正荣茂新远'];

export function brand(rng: Random): string {
  return rng.pick(BRAND) + rng.pick(BRAND);
}

export const CATERING_SUFFIXES = [
  '餐饮店',
  '饭店',
  '水饺馆',
  '海鲜酒楼',
  '烧烤店',
  '面馆',
  '快餐店',
  '小吃店',
  '火锅店',
  '排骨米饭店',
  '鲅鱼水饺店',
  '家常菜馆',
  '包子铺',
  '啤酒屋',
];
export const WORKSHOP_SUFFIXES = [
  '汽车维修部',
  '五金加工部',
  '家具加工坊',
  '服装加工作坊',
  '印刷部',
  '干洗店',
  '门窗加工部',
  '电动车维修店',
  '广告制作部',
  '食品加工坊',
];
export const CROWDED_SUFFIXES = [
  '超市',
  '宾馆',
  'KTV',
  '网吧',
  '商场',
  '农贸市场',
  '影城',
  '健身中心',
  '浴池',
  '培训学校',
];
export const OFFICE_SUFFIXES = [
  '大厦',
  '国际金融中心',
  '科技园',
  '商务中心',
  '国际广场',
  '金融大厦',
  '创业中心',
  '总部大楼',
];
export const CHEMICAL_SUFFIXES = [
  '化工有限公司',
  '石化有限公司',
  '危险化学品储运有限公司',
  '燃气有限公司',
  '油品储运有限公司',
  '精细化工有限公司',
  '涂料有限公司',
  '气体有限公司',
];
export const MINE_SUFFIXES = [
  '石材有限公司',
  '矿业有限公司',
  '花岗岩矿',
  '石墨矿业有限公司',
  '建材采石场',
  '滑石矿',
];
export const INDUSTRY_SUFFIXES = [
  '机械制造有限公司',
  '橡胶制品有限公司',
  '食品有限公司',
  '纺织有限公司',
  '电子有限公司',
  '模具有限公司',
  '钢结构有限公司',
  '塑料制品有限公司',
  '家电配件有限公司',
  '冷链物流有限公司',
  '木业有限公司',
  '海产品加工有限公司',
];
export const FIREWORKS_SUFFIXES = ['烟花爆竹经营部', '烟花爆竹批发部'];

/** Inspecting, verifying and dispatching bodies. */
export const INSPECTION_FINDINGS_OK = [
  '现场检查未发现明显安全隐患，安全管理台账齐全。',
  '安全生产责任制落实到位，应急预案已备案并组织演练。',
  '消防设施完好有效，疏散通道畅通。',
  '燃气报警装置运行正常，钢瓶存放符合要求。',
];
export const INSPECTION_FINDINGS_BAD = [
  '液化石油气钢瓶与灶具间距不足，未设置燃气泄漏报警装置。',
  '安全出口被杂物堵塞，应急照明灯损坏。',
  '配电箱周边堆放可燃物，电气线路私拉乱接。',
  '特种作业人员未持证上岗，安全培训记录不全。',
  '储罐区可燃气体检测报警仪未定期检定。',
  '有限空间作业未执行审批制度，未配备检测仪器。',
  '隐患排查治理台账未建立，风险告知卡未张贴。',
  '边坡未按设计分台阶开采，排水设施不完善。',
];

export const PATROL_FINDINGS_OK = [
  '巡查正常，燃气报警器在线。',
  '巡查正常，消防器材完好。',
  '巡查正常，通道畅通。',
  '巡查正常，已提醒业主注意用气安全。',
];
export const PATROL_FINDINGS_BAD = [
  '后厨钢瓶超量存放，已要求当日整改。',
  '灭火器压力不足，已告知更换。',
  '门口堆放杂物占用疏散通道。',
  '燃气软管老化，建议更换金属波纹管。',
  '电动车在店内充电，已现场制止。',
];
