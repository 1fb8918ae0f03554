/** What risk points and hidden dangers look like for each category of enterprise. */

export type Category =
  | 'HAZARDOUS_CHEMICALS'
  | 'NON_COAL_MINE'
  | 'INDUSTRY_AND_TRADE'
  | 'FIREWORKS'
  | 'CROWDED_PLACE'
  | 'CATERING'
  | 'SMALL_VENUE'
  | 'OFFICE_BUILDING';

export interface RiskTemplate {
  name: string;
  measures: readonly string[];
}

const ELECTRICAL: RiskTemplate = {
  name: '电气线路及配电箱',
  measures: ['定期检测电气线路绝缘', '配电箱加锁并张贴警示标识', '禁止私拉乱接电线'],
};
const EVACUATION: RiskTemplate = {
  name: '疏散通道与安全出口',
  measures: ['每日巡查疏散通道', '保持应急照明和疏散指示完好', '严禁锁闭安全出口'],
};
const LIMITED_SPACE: RiskTemplate = {
  name: '有限空间作业',
  measures: ['执行作业审批制度', '先通风、再检测、后作业', '设专人监护'],
};

export const RISK_TEMPLATES: Readonly<Record<Category, readonly RiskTemplate[]>> = {
  CATERING: [
    {
      name: '液化石油气钢瓶存放间',
      measures: ['钢瓶单独存放并保持通风', '安装可燃气体报警器并联网', '钢瓶数量不超过两瓶'],
    },
    { name: '后厨燃气灶具区', measures: ['使用金属波纹软管', '下班关闭总阀', '配置灭火毯和灭火器'] },
    { name: '厨房排油烟管道', measures: ['每季度清洗油烟管道', '保留清洗记录'] },
    ELECTRICAL,
  ],
  SMALL_VENUE: [
    { name: '易燃物品堆放区', measures: ['易燃物品限量存放', '与火源保持安全距离', '配置灭火器'] },
    { name: '机械加工设备', measures: ['设备防护罩齐全', '操作人员培训上岗', '班前检查'] },
    ELECTRICAL,
    { name: '电动车充电区', measures: ['禁止室内充电', '设置集中充电桩'] },
  ],
  CROWDED_PLACE: [
    EVACUATION,
    { name: '消防设施', measures: ['每月检查消防设施', '委托维保单位年度检测'] },
    ELECTRICAL,
    { name: '人员密集区域', measures: ['控制瞬时客流', '制定踩踏事故应急预案'] },
  ],
  OFFICE_BUILDING: [
    { name: '消防控制室', measures: ['24小时双人值班', '值班人员持证上岗', '定期联动测试'] },
    { name: '高低压配电室', measures: ['定期巡检并记录', '配备绝缘防护用具', '非专业人员禁止入内'] },
    { name: '电梯机房', measures: ['委托有资质单位维保', '定期开展困人救援演练'] },
    { name: '地下车库', measures: ['自动喷淋系统定期测试', '禁止电动车进入'] },
    EVACUATION,
  ],
  HAZARDOUS_CHEMICALS: [
    {
      name: '甲醇储罐区',
      measures: ['液位、温度、压力实时监测', '设置防火堤和紧急切断阀', '可燃气体检测报警联网'],
    },
    { name: '液氯储罐区', measures: ['有毒气体检测报警', '配备碱液吸收装置', '双人双锁管理'] },
    { name: '装卸作业区', measures: ['装卸作业全程监护', '静电接地', '车辆熄火'] },
    { name: '反应釜', measures: ['温度压力联锁', '自动化控制改造', '开停车方案审批'] },
    { name: '危险化学品仓库', measures: ['分类分区存放', '专人管理出入库台账'] },
    { name: '动火作业', measures: ['执行动火作业票制度', '作业前可燃气体分析', '设专人监火'] },
    LIMITED_SPACE,
  ],
  NON_COAL_MINE: [
    { name: '露天采场边坡', measures: ['边坡在线监测', '按设计分台阶开采', '雨后检查'] },
    { name: '爆破作业', measures: ['爆破作业持证上岗', '设置警戒区域', '盲炮处理规程'] },
    { name: '排土场', measures: ['排土场稳定性监测', '设置截排水沟'] },
    { name: '炸药库', measures: ['视频监控与报警联网', '双人双锁', '防雷设施年检'] },
    { name: '破碎车间', measures: ['粉尘治理', '设备检修挂牌上锁'] },
  ],
  INDUSTRY_AND_TRADE: [
    { name: '冲压设备', measures: ['安装光电保护装置', '双手操作按钮'] },
    { name: '粉尘涉爆区域', measures: ['除尘系统定期清理', '防爆电气', '严禁明火'] },
    { name: '涉氨制冷车间', measures: ['氨气检测报警', '应急喷淋', '定期检验压力容器'] },
    { name: '叉车作业', measures: ['叉车司机持证', '厂内限速'] },
    { name: '高低压配电室', measures: ['定期巡检并记录', '配备绝缘防护用具'] },
    LIMITED_SPACE,
  ],
  FIREWORKS: [{ name: '烟花爆竹储存间', measures: ['限量存放', '专人看管', '严禁烟火'] }, EVACUATION],
};

export const HAZARD_DESCRIPTIONS: Readonly<Record<Category, readonly string[]>> = {
  CATERING: [
    '液化石油气钢瓶放置于后厨灶具旁，间距不足',
    '未安装可燃气体泄漏报警装置',
    '燃气软管老化开裂',
    '后厨超量存放液化气钢瓶',
    '灭火器过期失效',
    '排油烟管道油污积聚严重',
  ],
  SMALL_VENUE: ['电气线路私拉乱接', '易燃物品堆放于配电箱旁', '机械设备防护罩缺失', '电动车在室内充电'],
  CROWDED_PLACE: ['安全出口被锁闭', '应急照明灯损坏', '疏散通道堆放杂物', '消防栓无水'],
  OFFICE_BUILDING: [
    '消防控制室值班人员无证上岗',
    '自动喷水灭火系统末端试水压力不足',
    '防火门闭门器损坏',
    '地下车库电动车违规充电',
    '配电室未配备绝缘防护用具',
  ],
  HAZARDOUS_CHEMICALS: [
    '储罐区可燃气体检测报警仪未定期检定',
    '紧急切断阀未投用',
    '动火作业未办理作业票',
    '防火堤存在裂缝',
    '反应釜温度联锁未投用',
    '装卸区静电接地装置失效',
  ],
  NON_COAL_MINE: ['边坡局部超高超陡', '爆破警戒范围不足', '排土场截排水沟堵塞', '炸药库视频监控故障'],
  INDUSTRY_AND_TRADE: [
    '冲压设备光电保护装置失效',
    '除尘系统积尘未及时清理',
    '氨气检测报警装置故障',
    '有限空间未设置警示标识',
    '叉车司机无证驾驶',
  ],
  FIREWORKS: ['超量储存烟花爆竹', '储存间未设置防静电设施'],
};
