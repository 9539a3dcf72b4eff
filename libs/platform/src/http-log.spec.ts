import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { loadSettings } from '@ciclo/config';
import { requestLog } from './http-log';
import { loggerOptions } from './platform.module';

/** An HTTP server logging through the platform's options into `lines`. */
async function serverLoggingTo(
  lines: Record<string, unknown>[],
  level = 'info',
): Promise<{ server: Server; url: string }> {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n').filter(Boolean))
        lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const log = requestLog(pino(loggerOptions(loadSettings({ LOG_FORMAT: 'json', LOG_LEVEL: level }), 'api'), sink));
  const server = createServer((req, res) =>
    log(req, res, () => {
      if (req.url === '/slow') return; // never answers: the client gives up
      res.statusCode = req.url?.startsWith('/missing') ? 404 : req.url === '/boom' ? 500 : 200;
      res.setHeader('set-cookie', 'ciclo_session=segreto');
      res.end('{}');
    }),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe('HTTP access line', () => {
  it('one line per request: correlation id, method, URL, status and time, and never a header', async () => {
    const lines: Record<string, unknown>[] = [];
    const { server, url } = await serverLoggingTo(lines);
    try {
      const res = await fetch(`${url}/missing?x=1`, {
        headers: {
          authorization: 'Bearer segreto.token.jwt',
          cookie: 'ciclo_session=segreto',
          'x-api-key': 'k1.segreto',
          'x-correlation-id': 'corr-access-line-1',
        },
      });
      expect(res.headers.get('x-correlation-id')).toBe('corr-access-line-1');
      await settle();
      expect(lines).toHaveLength(1);
      const [line] = lines;
      expect(line).toMatchObject({
        level: 30,
        app: 'api',
        correlationId: 'corr-access-line-1',
        req: { method: 'GET', url: '/missing?x=1' },
        res: { statusCode: 404 },
        msg: 'request completed',
      });
      expect(typeof line.responseTime).toBe('number');
      expect(Object.keys(line.req as object).sort()).toEqual(['method', 'remoteAddress', 'url']);
      expect((line.req as { remoteAddress: string }).remoteAddress).toMatch(/127\.0\.0\.1/);
      expect(Object.keys(line.res as object)).toEqual(['statusCode']);
      expect(JSON.stringify(line)).not.toMatch(/segreto|headers/);
    } finally {
      server.close();
    }
  });

  it('a new correlation id when the header is missing or malformed; no line for health probes; none below the level', async () => {
    const lines: Record<string, unknown>[] = [];
    const { server, url } = await serverLoggingTo(lines);
    try {
      const res = await fetch(`${url}/cycles`, { headers: { 'x-correlation-id': 'bad id!' } });
      const id = res.headers.get('x-correlation-id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      await fetch(`${url}/health/ready`);
      await settle();
      expect(lines.map((l) => [l.correlationId, (l.req as { url: string }).url])).toEqual([[id, '/cycles']]);
    } finally {
      server.close();
    }
    const quiet: Record<string, unknown>[] = [];
    const warnOnly = await serverLoggingTo(quiet, 'warn');
    try {
      await fetch(`${warnOnly.url}/cycles`);
      await settle();
      expect(quiet).toEqual([]);
    } finally {
      warnOnly.server.close();
    }
  });

  it('a 5xx answer is "request errored" with an error; a client that leaves first is "request aborted"', async () => {
    const lines: Record<string, unknown>[] = [];
    const { server, url } = await serverLoggingTo(lines);
    try {
      await fetch(`${url}/boom`, { headers: { 'x-correlation-id': 'corr-errored-1' } });
      await fetch(`${url}/slow`, { headers: { 'x-correlation-id': 'corr-aborted-1' }, signal: AbortSignal.timeout(100) }).catch(() => null);
      for (let i = 0; i < 50 && lines.length < 2; i++) await settle();
      expect(lines).toEqual([
        expect.objectContaining({
          correlationId: 'corr-errored-1',
          msg: 'request errored',
          res: { statusCode: 500 },
          err: expect.objectContaining({ message: 'failed with status code 500' }),
        }),
        expect.objectContaining({ correlationId: 'corr-aborted-1', msg: 'request aborted', req: expect.objectContaining({ url: '/slow' }) }),
      ]);
      expect(lines[1]).not.toHaveProperty('err');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
