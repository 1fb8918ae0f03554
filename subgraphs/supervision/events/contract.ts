/**
 * Events the supervision (enforcement) platform produces on the `enforcement` stream, for the grid
 * platform to write back on its clues. The types are the producer's promise; consumers validate.
 */

/** Type `ClueCaseOpened`: an officer took the task a referred clue became (REFERRED → CASE_OPENED). */
export interface ClueCaseOpened {
  clueId: string;
  taskId: string;
  officer: string;
  openedAt: string;
}

/** Type `ClueOutcome`: the document that closed the clue's task (→ CLOSED with the outcome). */
export interface ClueOutcome {
  clueId: string;
  taskId: string;
  /** One line for the clue, e.g. "行政处罚决定书 青市北应急罚〔2026〕7号：罚款 ¥20000（《安全生产法》第一百零二条）". */
  outcome: string;
  decisionKind: 'RECTIFICATION_ORDER' | 'REVIEW_OPINION' | 'PENALTY_DECISION';
  caseNumber: string;
  amount: number | null;
  decidedBy: string;
  decidedAt: string;
}
