import { jsonFromFreshNode } from '../support/fresh-node';

/**
 * The packages only some requests need (PDF, spreadsheets, ZIP packs, SMTP, the KurrentDB client,
 * the operators' queue dashboard, the OpenID Connect client)
 * are not loaded when the libraries are, but on first use, where they still produce the same
 * documents. Checked in a fresh Node process: Jest's own module registry would not tell.
 */
const HEAVY = [
  'pdfkit',
  'exceljs',
  'jszip',
  'nodemailer',
  '@kurrent/kurrentdb-client',
  '@bull-board/api',
  '@bull-board/express',
];

const SCRIPT = `
const heavy = ${JSON.stringify(HEAVY)};
const loaded = () => heavy.filter((m) => Object.keys(require.cache).some((f) => f.includes('/node_modules/' + m + '/')));
(async () => {
  require('./libs/event-store/src');
  require('./libs/platform/src');
  require('./libs/identity/src');
  const { writeXlsx, readXlsx } = require('./libs/workflow/src');
  const documents = require('./libs/documents/src');
  const { EmailChannel } = require('./libs/notifications/src');
  const { renderAuditPdf } = require('./apps/api/src/audit-export');
  const { LazyBoard } = require('./apps/api/src/queues');
  const board = new LazyBoard({ REDIS_URL: process.env.REDIS_URL || 'redis://127.0.0.1:6379', REDIS_PREFIX: 'ciclo-lazy-' + process.pid });
  const channel = new EmailChannel('smtp://127.0.0.1:1025', 'ciclo@example.it');
  const atStart = loaded();
  const pdf = await renderAuditPdf({
    tenant: 't', tenantName: 'Camera di prova', exportedBy: { userId: 'u', role: 'rpct' }, exportedAt: new Date('2026-01-02T10:00:00Z'),
    scope: 'tenant', filters: [], order: 'asc', chain: null, lastVerification: null, rows: [], rowsSha256: '0'.repeat(64),
    names: { person: (x) => x, role: (x) => x, eventType: (x) => x, cycle: (x) => x },
  });
  const afterPdf = loaded();
  const xlsx = await writeXlsx([['Codice', 'Valore'], ['A1', 3]]);
  const back = await readXlsx(xlsx);
  const zip = await documents.portalPack({
    pdf, attachments: [], asOf: new Date('2026-01-02T10:00:00Z'),
    metadata: { codiceIpa: null, denominazione: 'Camera di prova', anni: [2026], periodo: '2026-2028', versione: 1, dataApprovazione: '2026-01-02',
      estremiAtto: 'deliberazione della Giunta n. 1 del 02/01/2026', organoApprovazione: 'Giunta camerale', numeroDipendenti: null, linkPagina: null,
      documento: { nome: 'piao.pdf', sha256: '0'.repeat(64) }, allegati: [] },
  });
  channel.close();
  const beforeBoard = loaded();
  const router = typeof (await board.get()).router;
  const afterBoard = loaded();
  await board.close();
  process.stdout.write(JSON.stringify({ atStart, afterPdf, afterAll: beforeBoard, afterBoard, router, boardBuilt: board.built, pdf: pdf.subarray(0, 5).toString('latin1'), back,
    zip: zip.subarray(0, 2).toString('latin1') }));
})().catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
`;

describe('packages loaded on first use', () => {
  it('are absent at start and produce the documents once asked', async () => {
    const r = await jsonFromFreshNode<{
      atStart: string[];
      afterPdf: string[];
      afterAll: string[];
      afterBoard: string[];
      router: string;
      boardBuilt: boolean;
      pdf: string;
      back: unknown;
      zip: string;
    }>(SCRIPT);
    expect(r.atStart).toEqual([]);
    expect(r.afterPdf).toEqual(['pdfkit']);
    expect(r.pdf).toBe('%PDF-');
    expect(r.back).toEqual([
      ['Codice', 'Valore'],
      ['A1', 3],
    ]);
    expect(r.zip).toBe('PK');
    expect(r.afterAll).toEqual(['pdfkit', 'exceljs', 'jszip']);
    // Neither the SMTP client (no message sent), the KurrentDB client (not configured) nor the
    // OpenID Connect client (no login) was needed.
    expect(r.afterAll).not.toContain('nodemailer');
    expect(r.afterAll).not.toContain('@kurrent/kurrentdb-client');
    // The queue dashboard: loaded when an admin first opens it, and then a working router.
    expect(r.afterBoard).toEqual(['pdfkit', 'exceljs', 'jszip', '@bull-board/api', '@bull-board/express']);
    expect([r.router, r.boardBuilt]).toEqual(['function', true]);
  }, 120_000);
});
