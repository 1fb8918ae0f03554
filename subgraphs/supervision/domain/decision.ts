import { validationFailed } from '../../../common/errors';

export type DecisionKind = 'RECTIFICATION_ORDER' | 'REVIEW_OPINION' | 'PENALTY_DECISION';

/** An article of law a document may cite, with the fine range it allows (yuan). */
export interface LegalArticle {
  label: string;
  /** Fines allowed under it: `min` < amount ≤ `max` when `minExclusive`, else min ≤ amount ≤ max. */
  fine: { min: number; max: number; minExclusive: boolean } | null;
}

/**
 * Articles of the Work Safety Law (2021) the documents cite. Art. 102: hazard not removed, fine up
 * to ¥50,000; on refusal to rectify, ¥50,000–100,000 for those directly responsible (with
 * suspension). Art. 99 (includes restaurants without the gas alarm art. 36 requires): up to ¥50,000.
 * Art. 65 is the inspection power behind orders to rectify and reviews; it allows no fine.
 */
export const LEGAL_ARTICLES: Readonly<Record<string, LegalArticle>> = {
  WSL_2021_ART_65: { label: '《安全生产法》第六十五条', fine: null },
  WSL_2021_ART_99: { label: '《安全生产法》第九十九条', fine: { min: 0, max: 50_000, minExclusive: true } },
  WSL_2021_ART_102: {
    label: '《安全生产法》第一百零二条',
    fine: { min: 0, max: 50_000, minExclusive: true },
  },
  WSL_2021_ART_102_REFUSAL: {
    label: '《安全生产法》第一百零二条（拒不执行，责令停产停业整顿）',
    fine: { min: 50_000, max: 100_000, minExclusive: false },
  },
};

/**
 * 文书编号: issuing authority's abbreviation, the year in 〔〕 and a sequence number, e.g.
 * 青市北应急罚〔2026〕7号. Hexagonal brackets only: the official form.
 */
const CASE_NUMBER = /^[\u4e00-\u9fa5]{2,20}〔(\d{4})〕([1-9]\d{0,4})号$/;

export interface DecisionInput {
  kind: DecisionKind;
  legalBasis: string;
  amount: number | null | undefined;
  caseNumber: string;
  /** Calendar year of the decision (Asia/Shanghai). */
  year: number;
}

/**
 * Checks a document against the law it cites; throws VALIDATION_FAILED naming the field. A penalty
 * needs an amount within its article's range (to the fen) and an article that allows a fine;
 * orders and reviews carry no amount; the year in the case number is the decision's year.
 */
export function validateDecision(d: DecisionInput): void {
  const article = LEGAL_ARTICLES[d.legalBasis];
  if (!article)
    throw validationFailed('input.legalBasis', `one of ${Object.keys(LEGAL_ARTICLES).join(', ')}`);
  const m = CASE_NUMBER.exec(d.caseNumber);
  if (!m) throw validationFailed('input.caseNumber', 'a document number like 青市北应急罚〔2026〕7号');
  if (Number(m[1]) !== d.year)
    throw validationFailed('input.caseNumber', `the year in 〔〕 must be ${d.year}`);
  if (d.kind !== 'PENALTY_DECISION') {
    if (d.amount !== null && d.amount !== undefined)
      throw validationFailed('input.amount', `only a PENALTY_DECISION imposes a fine`);
    return;
  }
  if (!article.fine) throw validationFailed('input.legalBasis', `${article.label} allows no fine`);
  if (d.amount === null || d.amount === undefined)
    throw validationFailed('input.amount', 'required for a penalty');
  if (Math.round(d.amount * 100) !== d.amount * 100)
    throw validationFailed('input.amount', 'at most two decimals');
  const { min, max, minExclusive } = article.fine;
  if (d.amount > max || d.amount < min || (minExclusive && d.amount === min)) {
    throw validationFailed(
      'input.amount',
      `${article.label} allows ${minExclusive ? `more than ¥${min}` : `¥${min}`} up to ¥${max}; got ¥${d.amount}`,
    );
  }
}

const KIND_LABEL: Readonly<Record<DecisionKind, string>> = {
  RECTIFICATION_ORDER: '责令限期整改指令书',
  REVIEW_OPINION: '整改复查意见书',
  PENALTY_DECISION: '行政处罚决定书',
};

/** The one-line outcome written back on a clue, e.g. "行政处罚决定书 青市北应急罚〔2026〕7号：罚款 ¥20000（…）". */
export function outcomeSummary(
  kind: DecisionKind,
  caseNumber: string,
  legalBasis: string,
  amount: number | null,
): string {
  const law = LEGAL_ARTICLES[legalBasis]?.label ?? legalBasis;
  return kind === 'PENALTY_DECISION'
    ? `${KIND_LABEL[kind]} ${caseNumber}：罚款 ¥${amount}（${law}）`
    : `${KIND_LABEL[kind]} ${caseNumber}（${law}）`;
}
