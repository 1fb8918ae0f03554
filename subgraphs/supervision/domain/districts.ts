/** Qingdao's districts and county-level cities (区(市)) with their administrative division codes. */
export const QINGDAO_DISTRICTS: Readonly<Record<string, string>> = {
  '370202': '市南区',
  '370203': '市北区',
  '370211': '黄岛区',
  '370212': '崂山区',
  '370213': '李沧区',
  '370214': '城阳区',
  '370215': '即墨区',
  '370281': '胶州市',
  '370283': '平度市',
  '370285': '莱西市',
};

/** Qingdao's land area with a margin (its islands included): a location outside is a typing error. */
export const QINGDAO_BOUNDS = Object.freeze({ minLat: 35.3, maxLat: 37.2, minLon: 119.2, maxLon: 121.2 });
