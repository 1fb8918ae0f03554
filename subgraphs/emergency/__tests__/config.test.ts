import { ConfigError } from '../../../common/config';
import { loadEmergencyConfig } from '../config';
import { DEFAULT_THRESHOLDS } from '../domain/thresholds';
import { SUBGRAPH_TEST_ENV } from '../../../test/harness/auth';

describe('loadEmergencyConfig', () => {
  it('defaults to the GB/T 50493-2019 gas settings and the usual smoke and heat settings', () => {
    const config = loadEmergencyConfig({ ...SUBGRAPH_TEST_ENV }, 4003);
    expect(config).toMatchObject({ name: 'emergency', port: 4003 });
    expect(config.thresholds).toEqual(DEFAULT_THRESHOLDS);
  });

  it('reads every setting from the environment', () => {
    const { thresholds } = loadEmergencyConfig({
      ...SUBGRAPH_TEST_ENV,
      GAS_LEVEL1_LEL: '20',
      GAS_LEVEL2_LEL: '40',
      GAS_HYSTERESIS_LEL: '4',
      GAS_UNIT: '%LEL',
      SMOKE_THRESHOLD_DB_M: '0.2',
      SMOKE_HYSTERESIS_DB_M: '0.05',
      TEMPERATURE_THRESHOLD_C: '70',
      TEMPERATURE_HYSTERESIS_C: '5',
      TEMPERATURE_UNIT: 'degC',
    });
    expect(thresholds).toEqual({
      GAS: { levels: [20, 40], hysteresis: 4, unit: '%LEL' },
      SMOKE: { levels: [0.2], hysteresis: 0.05, unit: 'dB/m' },
      TEMPERATURE: { levels: [70], hysteresis: 5, unit: 'degC' },
    });
  });

  it.each([
    [{ GAS_LEVEL1_LEL: '26' }, /GAS_LEVEL1_LEL: GB\/T 50493-2019: at most 25/],
    [{ GAS_LEVEL2_LEL: '55' }, /GAS_LEVEL2_LEL: GB\/T 50493-2019: at most 50/],
    [{ GAS_LEVEL1_LEL: '20', GAS_LEVEL2_LEL: '20' }, /GAS_LEVEL2_LEL: must be above GAS_LEVEL1_LEL/],
    [{ GAS_HYSTERESIS_LEL: '25' }, /GAS_HYSTERESIS_LEL: must be below/],
    [{ SMOKE_THRESHOLD_DB_M: '0' }, /SMOKE_THRESHOLD_DB_M/],
    [{ TEMPERATURE_HYSTERESIS_C: '-1' }, /TEMPERATURE_HYSTERESIS_C/],
    [{ SMOKE_HYSTERESIS_DB_M: 'x' }, /SMOKE_HYSTERESIS_DB_M/],
  ])('refuses %j', (env, message) => {
    expect(() => loadEmergencyConfig({ ...SUBGRAPH_TEST_ENV, ...env })).toThrow(ConfigError);
    expect(() => loadEmergencyConfig({ ...SUBGRAPH_TEST_ENV, ...env })).toThrow(message);
  });
});
