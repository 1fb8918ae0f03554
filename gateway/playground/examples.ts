import { readFileSync } from 'node:fs';
import { Kind, parse } from 'graphql';

/** One tab of the playground. */
export interface PlaygroundExample {
  /** The comment lines above the operation (shown at the top of its tab). */
  title: string;
  /** The operation, with its comment lines. */
  query: string;
  /** JSON variables for the tab, from a `# variables: {…}` comment line. */
  variables?: string;
}

const VARIABLES_LINE = /^#\s*variables:\s*(.+)$/;

/**
 * Splits a `.graphql` file of example operations into playground tabs: each operation with the
 * comment block right above it. A comment block followed by no operation (a placeholder for one
 * that does not exist yet) becomes a tab of comments only. `# variables: {…}` sets a tab's variables.
 */
export function parseExamples(text: string): PlaygroundExample[] {
  const doc = parse(text);
  const examples: PlaygroundExample[] = [];
  let cursor = 0;
  const pushComments = (chunk: string) => {
    // Blocks separated by blank lines; keep those that are only comments (placeholders).
    for (const block of chunk.split(/\n\s*\n/)) {
      const lines = block.trim().split('\n').filter(Boolean);
      if (lines.length && lines.every((l) => l.trim().startsWith('#'))) {
        examples.push({ title: lines[0]!.replace(/^#\s*/, ''), query: `${lines.join('\n')}\n` });
      }
    }
  };
  for (const def of doc.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION || !def.loc) continue;
    const before = text.slice(cursor, def.loc.start);
    // The comment block that touches the operation is its header; anything earlier stands alone.
    const blocks = before.split(/\n\s*\n/);
    const header = (blocks.pop() ?? '').trim();
    pushComments(blocks.join('\n\n'));
    const headerLines = header.split('\n').filter((l) => l.trim().startsWith('#'));
    const variables = headerLines.map((l) => VARIABLES_LINE.exec(l.trim())?.[1]).find(Boolean);
    const comments = headerLines.filter((l) => !VARIABLES_LINE.test(l.trim()));
    const body = text.slice(def.loc.start, def.loc.end);
    examples.push({
      title: comments[0]?.replace(/^#\s*/, '') ?? def.name?.value ?? 'Example',
      query: `${[...comments, body].join('\n')}\n`,
      ...(variables ? { variables: JSON.stringify(JSON.parse(variables), null, 2) } : {}),
    });
    cursor = def.loc.end;
  }
  pushComments(text.slice(cursor));
  return examples;
}

/** Reads and splits an examples file ({@link parseExamples}). */
export function loadExamples(path: string): PlaygroundExample[] {
  return parseExamples(readFileSync(path, 'utf8'));
}
