import { connect, type Socket } from 'node:net';
import { startTestApi, type TestApi } from '../support/api';

/**
 * The server bounds what an idle connection may hold: a keep-alive connection left idle after
 * its answer is closed by the server, and so is a connection that never sends a request.
 */
let api: TestApi;

beforeAll(async () => {
  api = await startTestApi('connections', {
    HTTP_KEEP_ALIVE_TIMEOUT_MS: '1000',
    HTTP_HEADERS_TIMEOUT_MS: '2000',
    HTTP_REQUEST_TIMEOUT_MS: '5000',
    HTTP_IDLE_TIMEOUT_MS: '3000',
  });
});
afterAll(async () => api.close());

function open(): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  const { port } = new URL(api.url);
  return new Promise((resolveOpen, reject) => {
    let data = '';
    const socket = connect(Number(port), '127.0.0.1', () =>
      resolveOpen({ socket, received: () => data, closed }),
    );
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (data += d));
    socket.once('error', reject);
  });
}

describe('connection limits', () => {
  it('closes a keep-alive connection left idle after its answer', async () => {
    const c = await open();
    c.socket.write('GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
    await c.closed; // the test's own timeout fails it when the server keeps the connection open
    expect(c.received()).toMatch(/^HTTP\/1\.1 200 /);
    expect(c.received()).toMatch(/\r\nKeep-Alive: timeout=1\r\n/i); // the configured limit, announced
    expect(c.socket.destroyed).toBe(true);
  });

  it('answers several requests on one connection before it goes idle', async () => {
    const c = await open();
    const req = 'GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n';
    c.socket.write(req);
    c.socket.write(req);
    await c.closed;
    expect(c.received().match(/HTTP\/1\.1 200 /g)).toHaveLength(2);
  });

  it('closes a connection that never sends a request', async () => {
    const c = await open();
    await c.closed;
    expect(c.received()).toBe('');
  });

  it('closes a connection that stalls in the middle of its headers', async () => {
    const c = await open();
    c.socket.write('GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    await c.closed;
    expect(c.received()).not.toMatch(/^HTTP\/1\.1 200 /);
  });
});
