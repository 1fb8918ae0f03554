import type { Extra } from 'graphql-ws/use/ws';
import type { Sink } from './subscriber';

/**
 * Writes `next` messages of one operation straight to its socket. graphql-ws would serialise the
 * same result once per client and await each write before taking the next; here the result's
 * JSON is made once per group (see Subscriber) and only the envelope is per client. Messages
 * written in one tick (a batch of events resolved together) leave in one system call. A client
 * whose unwritten messages reach `maxQueue` is refused, as graphql-ws' queue would be.
 */
export function socketSink(extra: Extra, operationId: string, maxQueue: number): Sink {
  const { socket } = extra;
  // The TCP socket under the WebSocket: the upgrade request's, which ws writes its frames to.
  const tcp = extra.request.socket;
  const head = `{"id":${JSON.stringify(operationId)},"type":"next","payload":`;
  let unwritten = 0;
  let corked = false;
  const written = () => void unwritten--;
  const uncork = () => {
    corked = false;
    tcp.uncork();
  };
  return (payload) => {
    if (socket.readyState !== socket.OPEN) return true;
    if (unwritten >= maxQueue) return false;
    unwritten++;
    if (!corked) {
      corked = true;
      tcp.cork();
      process.nextTick(uncork);
    }
    socket.send(`${head}${payload}}`, written);
    return true;
  };
}
