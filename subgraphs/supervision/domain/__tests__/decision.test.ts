import { AppError } from '../../../../common/errors';
import { outcomeSummary, validateDecision } from '../decision';
import type { DecisionInput } from '../decision';

const penalty = (over: Partial<DecisionInput> = {}): DecisionInput => ({
  kind: 'PENALTY_DECISION',
  legalBasis: 'WSL_2021_ART_102',
  amount: 20_000,
  caseNumber: '青市北应急罚〔2026〕7号',
  year: 2026,
  ...over,
});

function fieldOf(d: DecisionInput): string | null {
  try {
    validateDecision(d);
    return null;
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).extensions.code).toBe('VALIDATION_FAILED');
    return (err as AppError).extensions.field as string;
  }
}

describe('enforcement decision validation', () => {
  it.each([
    ['art. 102 at its maximum', penalty({ amount: 50_000 })],
    ['art. 102 with fen', penalty({ amount: 0.01 })],
    ['art. 99', penalty({ legalBasis: 'WSL_2021_ART_99', amount: 30_000 })],
    ['art. 102 refusal at both ends', penalty({ legalBasis: 'WSL_2021_ART_102_REFUSAL', amount: 50_000 })],
    ['art. 102 refusal at its maximum', penalty({ legalBasis: 'WSL_2021_ART_102_REFUSAL', amount: 100_000 })],
    [
      'an order to rectify',
      penalty({ kind: 'RECTIFICATION_ORDER', legalBasis: 'WSL_2021_ART_65', amount: null }),
    ],
    [
      'a review opinion',
      penalty({ kind: 'REVIEW_OPINION', amount: undefined, caseNumber: '青崂应急复〔2026〕12号' }),
    ],
  ])('accepts %s', (_what, d) => {
    expect(fieldOf(d)).toBeNull();
  });

  it.each([
    ['a fine above art. 102’s ¥50,000', penalty({ amount: 50_000.01 }), 'input.amount'],
    ['a zero fine', penalty({ amount: 0 }), 'input.amount'],
    [
      'a refusal fine below ¥50,000',
      penalty({ legalBasis: 'WSL_2021_ART_102_REFUSAL', amount: 49_999 }),
      'input.amount',
    ],
    [
      'a refusal fine above ¥100,000',
      penalty({ legalBasis: 'WSL_2021_ART_102_REFUSAL', amount: 100_001 }),
      'input.amount',
    ],
    [
      'a fine over art. 99’s ¥50,000',
      penalty({ legalBasis: 'WSL_2021_ART_99', amount: 60_000 }),
      'input.amount',
    ],
    ['thousandths of a yuan', penalty({ amount: 100.005 }), 'input.amount'],
    ['a penalty without an amount', penalty({ amount: null }), 'input.amount'],
    [
      'a penalty under an article without fines',
      penalty({ legalBasis: 'WSL_2021_ART_65' }),
      'input.legalBasis',
    ],
    ['an order with a fine', penalty({ kind: 'RECTIFICATION_ORDER', amount: 100 }), 'input.amount'],
    ['an unknown article', penalty({ legalBasis: 'WSL_2021_ART_1' }), 'input.legalBasis'],
    ['square brackets', penalty({ caseNumber: '青市北应急罚[2026]7号' }), 'input.caseNumber'],
    ['no sequence number', penalty({ caseNumber: '青市北应急罚〔2026〕号' }), 'input.caseNumber'],
    ['another year', penalty({ caseNumber: '青市北应急罚〔2025〕7号' }), 'input.caseNumber'],
  ])('refuses %s', (_what, d, field) => {
    expect(fieldOf(d)).toBe(field);
  });

  it('summarises the outcome written back on a clue', () => {
    expect(outcomeSummary('PENALTY_DECISION', '青市北应急罚〔2026〕7号', 'WSL_2021_ART_102', 20000)).toBe(
      '行政处罚决定书 青市北应急罚〔2026〕7号：罚款 ¥20000（《安全生产法》第一百零二条）',
    );
    expect(outcomeSummary('RECTIFICATION_ORDER', '青市北应急责改〔2026〕3号', 'WSL_2021_ART_65', null)).toBe(
      '责令限期整改指令书 青市北应急责改〔2026〕3号（《安全生产法》第六十五条）',
    );
  });
});
