import { Subscriber } from '../subscriber';

const d = (eventId: string, n: number) => ({ eventId, result: { data: { n } } });

async function take(s: Subscriber, count: number) {
  const out = [];
  for (let i = 0; i < count; i++) out.push((await s.next()).value);
  return out;
}

describe('Subscriber', () => {
  it('delivers in order with the event id, dropping repeats and anything at or before the last sent', async () => {
    const s = new Subscriber(10, jest.fn(), jest.fn(), null);
    s.offer(d('1-0', 1));
    s.offer(d('2-0', 2));
    s.offer(d('2-0', 2));
    s.offer(d('1-5', 9));
    s.offer(d('3-0', 3));
    expect(await take(s, 3)).toEqual([
      { data: { n: 1 }, extensions: { eventId: '1-0' } },
      { data: { n: 2 }, extensions: { eventId: '2-0' } },
      { data: { n: 3 }, extensions: { eventId: '3-0' } },
    ]);
  });

  it('holds live events while catching up, then releases only those after the replay', async () => {
    const s = new Subscriber(10, jest.fn(), jest.fn(), '5-0');
    s.offer(d('7-0', 7)); // live, arrives while the replay is still running
    s.offer(d('8-0', 8));
    s.replay(d('6-0', 6));
    s.replay(d('7-0', 7)); // the replay reached it too: sent once
    s.caughtUp();
    s.offer(d('9-0', 9));
    expect((await take(s, 4)).map((r) => r!.extensions!.eventId)).toEqual(['6-0', '7-0', '8-0', '9-0']);
  });

  it('ignores what is at or before the resume point', async () => {
    const s = new Subscriber(10, jest.fn(), jest.fn(), '5-0');
    s.replay(d('4-0', 4));
    s.caughtUp();
    s.offer(d('6-0', 6));
    expect((await take(s, 1)).map((r) => r!.extensions!.eventId)).toEqual(['6-0']);
  });

  it('ends and reports a client whose queue overflows, and stops queueing', async () => {
    const onOverflow = jest.fn();
    const onEnd = jest.fn();
    const s = new Subscriber(2, onOverflow, onEnd, null);
    s.offer(d('1-0', 1));
    s.offer(d('2-0', 2));
    s.offer(d('3-0', 3));
    expect(onOverflow).toHaveBeenCalledTimes(1);
    expect(onEnd).toHaveBeenCalledTimes(1);
    s.offer(d('4-0', 4));
    expect(await s.next()).toEqual({ value: undefined, done: true });
  });

  it('finishes a pending read when the client leaves', async () => {
    const onEnd = jest.fn();
    const s = new Subscriber(2, jest.fn(), onEnd, null);
    const pending = s.next();
    await s.return();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(onEnd).toHaveBeenCalledTimes(1);
  });

  describe('with a sink', () => {
    it('writes each event once, in order, as the JSON the client receives', () => {
      const written: string[] = [];
      const s = new Subscriber(10, jest.fn(), jest.fn(), null, (p) => written.push(p) > 0);
      s.offer(d('1-0', 1));
      s.offer(d('1-0', 1));
      s.offer(d('2-0', 2));
      expect(written.map((p) => JSON.parse(p))).toEqual([
        { data: { n: 1 }, extensions: { eventId: '1-0' } },
        { data: { n: 2 }, extensions: { eventId: '2-0' } },
      ]);
    });

    it('serialises a delivery shared by a group once', () => {
      const stringify = jest.spyOn(JSON, 'stringify');
      try {
        const written: string[] = [];
        const group = [1, 2, 3].map(
          () => new Subscriber(10, jest.fn(), jest.fn(), null, (p) => written.push(p) > 0),
        );
        const shared = d('1-0', 1);
        for (const s of group) s.offer(shared);
        expect(stringify).toHaveBeenCalledTimes(1);
        expect(new Set(written).size).toBe(1);
        expect(written).toHaveLength(3);
      } finally {
        stringify.mockRestore();
      }
    });

    it('ends and reports a client the sink refuses as too slow', () => {
      const onOverflow = jest.fn();
      const onEnd = jest.fn();
      let room = 1;
      const s = new Subscriber(10, onOverflow, onEnd, null, () => room-- > 0);
      s.offer(d('1-0', 1));
      expect(onOverflow).not.toHaveBeenCalled();
      s.offer(d('2-0', 2));
      expect(onOverflow).toHaveBeenCalledTimes(1);
      expect(onEnd).toHaveBeenCalledTimes(1);
    });
  });
});
