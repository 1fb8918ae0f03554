/** Qingdao's areas for the seed: districts, the two showcase subdistricts and their grid tiling. */

export interface District {
  code: string;
  name: string;
  /** Rough centre and half-extent (degrees) where its enterprises are scattered. */
  lat: number;
  lon: number;
  spread: number;
  streets: readonly string[];
}

export const CITY = { code: '3702', name: '青岛市' } as const;

export const DISTRICTS: readonly District[] = [
  {
    code: '370202',
    name: '市南区',
    lat: 36.067,
    lon: 120.39,
    spread: 0.02,
    streets: ['香港中路', '山东路', '南京路', '中山路', '闽江路', '东海西路', '燕儿岛路'],
  },
  {
    code: '370203',
    name: '市北区',
    lat: 36.095,
    lon: 120.37,
    spread: 0.025,
    streets: ['辽宁路', '台东一路', '威海路', '重庆南路', '敦化路', '黑龙江南路', '福州北路'],
  },
  {
    code: '370211',
    name: '黄岛区',
    lat: 35.95,
    lon: 120.08,
    spread: 0.15,
    streets: ['长江中路', '江山南路', '前湾港路', '黄河东路', '漓江西路', '昆仑山路', '峨眉山路'],
  },
  {
    code: '370212',
    name: '崂山区',
    lat: 36.14,
    lon: 120.52,
    spread: 0.06,
    streets: ['松岭路', '株洲路', '崂山路', '九水东路', '滨海大道', '沙子口路'],
  },
  {
    code: '370213',
    name: '李沧区',
    lat: 36.15,
    lon: 120.43,
    spread: 0.03,
    streets: ['京口路', '四流中路', '金水路', '九水路', '青山路', '黑龙江中路'],
  },
  {
    code: '370214',
    name: '城阳区',
    lat: 36.3,
    lon: 120.37,
    spread: 0.07,
    streets: ['正阳路', '长城路', '春阳路', '流亭街道双元路', '棘洪滩街道锦盛一路', '黑龙江中路'],
  },
  {
    code: '370215',
    name: '即墨区',
    lat: 36.4,
    lon: 120.47,
    spread: 0.1,
    streets: ['鹤山路', '烟青一级路', '蓝鳌路', '环秀街道振华街', '龙山街道龙泉路', '华山二路'],
  },
  {
    code: '370281',
    name: '胶州市',
    lat: 36.28,
    lon: 120.0,
    spread: 0.1,
    streets: ['兰州东路', '扬州路', '胶州湾工业园长江路', '李哥庄镇沽河路', '胶莱镇胶平路'],
  },
  {
    code: '370283',
    name: '平度市',
    lat: 36.78,
    lon: 119.97,
    spread: 0.12,
    streets: ['红旗路', '杭州路', '新河镇化工园区', '南村镇南京路', '云山镇开发区路', '大泽山镇'],
  },
  {
    code: '370285',
    name: '莱西市',
    lat: 36.84,
    lon: 120.52,
    spread: 0.09,
    streets: ['烟台路', '威海西路', '姜山镇工业园', '店埠镇航空路', '南墅镇石墨园区', '沽河街道'],
  },
];

export const districtByCode = (code: string): District => DISTRICTS.find((d) => d.code === code)!;

/** Where enterprises outside the two grid-managed subdistricts may lie: inside Qingdao. */
export const CITY_BOUNDS = { minLat: 35.6, maxLat: 36.9, minLon: 119.5, maxLon: 121.0 } as const;

export interface Rect {
  minLon: number;
  minLat: number;
  maxLon: number;
  maxLat: number;
}

export interface Subdistrict {
  code: string;
  name: string;
  districtCode: string;
  /** Grid codes start with this, e.g. 'SB-ZJL'. */
  gridPrefix: string;
  communities: readonly string[];
  streets: readonly string[];
  area: Rect;
}

export const ZHENJIANG_ROAD: Subdistrict = {
  code: '370203010',
  name: '镇江路街道',
  districtCode: '370203',
  gridPrefix: 'SB-ZJL',
  communities: ['镇江路社区', '华阳路社区', '宁化路社区', '错埠岭社区', '夹岭沟社区'],
  streets: [
    '镇江路',
    '镇江南路',
    '镇江北路',
    '华阳路',
    '宁化路',
    '延安二路',
    '延安三路',
    '错埠岭一路',
    '夹岭沟路',
    '抚顺路',
  ],
  // About 1.0 km × 1.0 km around 36.089 N 120.378 E.
  area: { minLon: 120.3725, minLat: 36.0845, maxLon: 120.3835, maxLat: 36.0935 },
};

export const JINJIALING: Subdistrict = {
  code: '370212004',
  name: '金家岭街道',
  districtCode: '370212',
  gridPrefix: 'LS-JJL',
  communities: [
    '金家岭社区',
    '王家村社区',
    '埠东社区',
    '埠西社区',
    '麦岛社区',
    '麦岛家园社区',
    '东韩社区',
    '西韩社区',
    '大河东社区',
    '石老人社区',
    '张村社区',
    '南姜社区',
    '北姜社区',
    '浮山后社区',
    '梅岭社区',
    '海尔路社区',
    '同安路社区',
    '苗岭路社区',
    '株洲路社区',
    '秦岭路社区',
    '香港东路社区',
    '深圳路社区',
    '银川东路社区',
    '仙霞岭社区',
    '崂山路社区',
    '枣山路社区',
    '东海东路社区',
    '海口路社区',
  ],
  streets: [
    '香港东路',
    '海尔路',
    '秦岭路',
    '苗岭路',
    '同安路',
    '银川东路',
    '深圳路',
    '株洲路',
    '东海东路',
    '梅岭西路',
    '麦岛路',
    '海口路',
  ],
  // About 4.0 km × 3.3 km around 36.100 N 120.455 E.
  area: { minLon: 120.435, minLat: 36.085, maxLon: 120.479, maxLat: 36.115 },
};

export const communityCode = (sub: Subdistrict, index: number): string =>
  `${sub.code}${String(index + 1).padStart(3, '0')}`;

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/** Splits `r` into `cols` × `rows` cells, row-major from the south-west. */
export function splitRect(r: Rect, cols: number, rows: number): Rect[] {
  const cells: Rect[] = [];
  const w = (r.maxLon - r.minLon) / cols;
  const h = (r.maxLat - r.minLat) / rows;
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      cells.push({
        minLon: round6(r.minLon + x * w),
        minLat: round6(r.minLat + y * h),
        maxLon: x === cols - 1 ? r.maxLon : round6(r.minLon + (x + 1) * w),
        maxLat: y === rows - 1 ? r.maxLat : round6(r.minLat + (y + 1) * h),
      });
    }
  }
  return cells;
}

/** PostgreSQL's text form of a box: upper-right corner first, as (lon, lat) points. */
export const boxText = (r: Rect): string => `(${r.maxLon},${r.maxLat}),(${r.minLon},${r.minLat})`;

/** Parses `boxText` back (tests and tools). */
export function parseBox(text: string): Rect {
  const n = text.match(/-?\d+(\.\d+)?/g)!.map(Number);
  return {
    maxLon: Math.max(n[0]!, n[2]!),
    maxLat: Math.max(n[1]!, n[3]!),
    minLon: Math.min(n[0]!, n[2]!),
    minLat: Math.min(n[1]!, n[3]!),
  };
}

export const rectContains = (r: Rect, lat: number, lon: number): boolean =>
  lon > r.minLon && lon < r.maxLon && lat > r.minLat && lat < r.maxLat;

export interface StationSpec {
  name: string;
  kind: 'MICRO' | 'PROFESSIONAL';
  lat: number;
  lon: number;
  address: string;
  /** Districts whose alarms it is sent to first. */
  districtCode: string;
}

export const JINJIALING_STATIONS: readonly StationSpec[] = [
  {
    name: '王家村微型消防站',
    kind: 'MICRO',
    lat: 36.1042,
    lon: 120.4493,
    address: '崂山区金家岭街道王家村社区海尔路西侧',
    districtCode: '370212',
  },
  {
    name: '麦岛家园微型消防站',
    kind: 'MICRO',
    lat: 36.0918,
    lon: 120.4452,
    address: '崂山区金家岭街道麦岛家园东门',
    districtCode: '370212',
  },
  {
    name: '埠东微型消防站',
    kind: 'MICRO',
    lat: 36.1093,
    lon: 120.4631,
    address: '崂山区金家岭街道埠东社区苗岭路南',
    districtCode: '370212',
  },
  {
    name: '梅岭西路微型消防站',
    kind: 'MICRO',
    lat: 36.0987,
    lon: 120.4702,
    address: '崂山区金家岭街道梅岭西路18号',
    districtCode: '370212',
  },
];

export const OTHER_STATIONS: readonly StationSpec[] = [
  {
    name: '镇江路街道微型消防站',
    kind: 'MICRO',
    lat: 36.0893,
    lon: 120.3781,
    address: '市北区镇江路街道镇江路66号',
    districtCode: '370203',
  },
  {
    name: '市南区香港中路消防救援站',
    kind: 'PROFESSIONAL',
    lat: 36.0633,
    lon: 120.3921,
    address: '市南区香港中路100号',
    districtCode: '370202',
  },
  {
    name: '市北区敦化路消防救援站',
    kind: 'PROFESSIONAL',
    lat: 36.0986,
    lon: 120.3824,
    address: '市北区敦化路328号',
    districtCode: '370203',
  },
  {
    name: '崂山区松岭路消防救援站',
    kind: 'PROFESSIONAL',
    lat: 36.1179,
    lon: 120.4732,
    address: '崂山区松岭路166号',
    districtCode: '370212',
  },
  {
    name: '李沧区京口路消防救援站',
    kind: 'PROFESSIONAL',
    lat: 36.1512,
    lon: 120.4261,
    address: '李沧区京口路58号',
    districtCode: '370213',
  },
  {
    name: '黄岛区长江中路消防救援站',
    kind: 'PROFESSIONAL',
    lat: 35.9601,
    lon: 120.1872,
    address: '黄岛区长江中路216号',
    districtCode: '370211',
  },
  {
    name: '城阳区正阳路消防救援站',
    kind: 'PROFESSIONAL',
    lat: 36.3068,
    lon: 120.3962,
    address: '城阳区正阳路186号',
    districtCode: '370214',
  },
  {
    name: '即墨区鹤山路消防救援站',
    kind: 'PROFESSIONAL',
    lat: 36.3893,
    lon: 120.4561,
    address: '即墨区鹤山路299号',
    districtCode: '370215',
  },
];
