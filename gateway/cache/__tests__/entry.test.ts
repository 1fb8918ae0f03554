import { decodeEntry, decodeEntryText, encodeEntry } from '../entry';
import { StoredJson, stringifyResponse } from '../responseCache';

const now = 1_700_000_000_000;
// Strings that must survive as they are: line breaks, quotes, non-ASCII, a separator look-alike.
const data = {
  enterprise: { id: 'e1', name: '青岛"港"\n码头', tags: ['a\nb', '}\n{'], risk: null, count: 3 },
};

describe('cache entries', () => {
  const stored = encodeEntry({ g: { supervision: 4, grid: 0 }, e: now + 60_000, d: data });

  it('give back the data as it was stored, parsed or as its JSON text', () => {
    const current = { supervision: 4, grid: 0, emergency: 9 };
    expect(decodeEntry(stored, current, now)?.d).toEqual(data);
    const text = decodeEntryText(stored, current, now);
    expect(text?.d).toBe(JSON.stringify(data));
    expect(text?.e).toBe(now + 60_000);
  });

  it('are misses once expired, when a generation moved, or in any other layout', () => {
    expect(decodeEntry(stored, { supervision: 5, grid: 0 }, now)).toBeUndefined();
    expect(decodeEntry(stored, { supervision: 4, grid: null }, now)).toBeUndefined();
    expect(decodeEntry(stored, { supervision: 4, grid: 0 }, now + 60_000)).toBeUndefined();
    expect(decodeEntry(null, {}, now)).toBeUndefined();
    // The single-object layout of earlier versions, and damaged text.
    expect(decodeEntry(JSON.stringify({ g: {}, e: now + 60_000, d: data }), {}, now)).toBeUndefined();
    expect(decodeEntry('{"g":{},"e":', {}, now)).toBeUndefined();
    expect(decodeEntry(`{"g":{},"e":${now + 1}}\n{"broken":`, {}, now)).toBeUndefined();
    expect(decodeEntryText('null\n{}', {}, now)).toBeUndefined();
  });
});

describe('stringifyResponse', () => {
  it('serializes a result exactly as Apollo Server does', () => {
    const result = { errors: [{ message: 'no', path: ['a'] }], data: { a: null, b: [1, '2'] } };
    expect(stringifyResponse(result)).toBe(`${JSON.stringify(result)}\n`);
  });

  it('sends stored data as its text, giving the same bytes as the parsed data would', () => {
    const json = JSON.stringify(data);
    const fresh = { errors: undefined, data, extensions: { cost: 12 } };
    const cached = { errors: undefined, data: new StoredJson(json) as never, extensions: { cost: 12 } };
    expect(stringifyResponse(cached)).toBe(stringifyResponse(fresh));
    expect(stringifyResponse({ data: new StoredJson(json) as never })).toBe(`{"data":${json}}\n`);
    // Anything else that serializes it sees the parsed data.
    expect(JSON.stringify({ data: new StoredJson(json) })).toBe(JSON.stringify({ data }));
  });
});
