// The exports offices open: the demo chamber's plan as XLSX with typed cells, measurements and
// achievement; the plan CSV by the shared writer (`;`, BOM, CRLF, formula guard) reading back.
import { resolve } from 'node:path';
import * as ExcelJS from 'exceljs';
import { PostgresEventStore } from '@ciclo/event-store';
import { readCsv, sheetLayout } from '@ciclo/workflow';
import { pdfLines } from '../audit/helpers';
import { seedDemo } from '../../apps/cli/src/commands/seed-demo';
import { startTestApi, type TestApi } from '../support/api';

const SEEDS = resolve(__dirname, '../../seeds');

describe('plan exports for Italian offices', () => {
  let api: TestApi;
  let store: PostgresEventStore;
  let cycleId: string;
  let token: string;
  beforeAll(async () => {
    api = await startTestApi('docexports', {}, { projections: true });
    store = new PostgresEventStore({ connectionString: api.db.url, poolSize: 3 });
    cycleId = (await seedDemo(store, SEEDS)).cycleId;
    token = await api.token('u-demo-po-1', ['po'], 'cciaa-po');
  });
  afterAll(async () => {
    await store.close();
    await api.close();
  });

  const download = async (path: string) => {
    const r = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect(r.status).toBe(200);
    return { res: r, bytes: Buffer.from(await r.arrayBuffer()) };
  };

  it('XLSX: numbers, percentages and dates are typed cells; measurements and achievement per year', async () => {
    const { res, bytes } = await download(`/cycles/${cycleId}/plan/export?format=xlsx`);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="piao-2022-2024-indicatori.xlsx"');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Indicatori', 'Raggiungimento', 'Misurazioni']);

    const ind = wb.getWorksheet('Indicatori') as ExcelJS.Worksheet;
    const header = (ind.getRow(1).values as unknown[]).slice(1) as string[];
    const col = (h: string) => header.indexOf(h) + 1;
    for (const h of ['Operatore 2022', 'Target 2022', 'Target 2024', 'Stato 2021', 'Misurato 2022', 'Raggiungimento 2022', 'Esito 2022']) expect(col(h)).toBeGreaterThan(0);
    // The import reads the same sheet back: every column known, an operator for every year.
    const layout = sheetLayout(header);
    expect(layout.unknown).toEqual([]);
    expect(layout.targets.map((t) => [t.year, t.operatorIndex !== undefined])).toEqual([[2022, true], [2023, true], [2024, true]]);

    expect(ind.rowCount).toBe(1 + 372);
    const rows = new Map<string, ExcelJS.Row>();
    ind.eachRow((row, n) => {
      if (n > 1) rows.set(String(row.getCell(col('Codice indicatore')).value), row);
    });
    expect(rows.size).toBe(372);
    // No target is text like ">= 60": each is a number (or a date, or sì/no) with its operator beside.
    let numeric = 0;
    for (const row of rows.values()) {
      const t = row.getCell(col('Target 2022'));
      if (t.value === null) continue;
      expect(typeof t.value === 'number' || t.value instanceof Date || t.value === 'sì' || t.value === 'no').toBe(true);
      if (typeof t.value === 'number') {
        numeric++;
        expect(t.numFmt).toMatch(/0/);
      }
    }
    expect(numeric).toBeGreaterThan(200);
    // Weights are percentages: 25% is stored 0.25 with a percent format.
    const weights = [...rows.values()].map((r) => r.getCell(col('Peso indicatori'))).filter((c) => typeof c.value === 'number');
    expect(weights.length).toBeGreaterThan(300);
    expect(weights.every((c) => (c.value as number) > 0 && (c.value as number) <= 1 && c.numFmt === '0.0%')).toBe(true);
    // The demo's measured indicator: 36 (corrected from 34), its achievement a typed percent.
    const i1 = rows.get('01_01_02_I1') as ExcelJS.Row;
    expect(i1.getCell(col('Misurato 2022')).value).toBe(36);
    const score = i1.getCell(col('Raggiungimento 2022'));
    expect(typeof score.value).toBe('number');
    expect(score.numFmt).toBe('0.0%');
    expect(String(i1.getCell(col('Esito 2022')).value)).not.toBe('');

    const ach = wb.getWorksheet('Raggiungimento') as ExcelJS.Worksheet;
    expect(ach.getRow(2).getCell(1).value).toBe('Ente');
    let objectives = 0;
    ach.eachRow((row) => {
      if (row.getCell(1).value === 'Obiettivo operativo') objectives++;
    });
    expect(objectives).toBe(46);

    const mis = wb.getWorksheet('Misurazioni') as ExcelJS.Worksheet;
    expect(mis.rowCount).toBe(1 + 8);
    const m = mis.getRow(2);
    expect(m.getCell(5).value).toBeInstanceOf(Date);
    expect(m.getCell(5).numFmt).toBe('dd/mm/yyyy');
    expect(m.getCell(9).value).toBeInstanceOf(Date);
  });

  it('CSV: semicolons, BOM, CRLF, Italian decimals; what a spreadsheet would run is guarded and read back', async () => {
    const { res, bytes } = await download(`/cycles/${cycleId}/plan/export?format=csv`);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const text = bytes.toString('utf8');
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/\n/);
    const rows = readCsv(text);
    expect(rows[0].slice(0, 4)).toEqual(['Ambito strategico', 'Obiettivo strategico (OS)', 'Codice obiettivo', 'Obiettivo operativo']);
    expect(rows).toHaveLength(1 + 372);
    // No line starts a cell with = + - @ unguarded.
    for (const line of text.split('\r\n')) for (const cell of line.split(';')) expect(cell).not.toMatch(/^"?[=+\-@]/);
    // Weights with a decimal comma where they have decimals.
    expect(rows.slice(1).some((r) => /^\d+,\d+%$/.test(String(r[r.length - 2])))).toBe(true);
  });

  it('the audit PDF speaks in words: the chamber by name, cycles by title, people by name, roles and events in Italian', async () => {
    const rpct = await api.token('u-demo-rpct', ['rpct'], 'cciaa-po');
    // The trail is projected once the demo is in: wait for it (503 while the read model catches up).
    const head = await api.head();
    let r = new Response(null, { status: 503 });
    for (let i = 0; i < 10 && r.status === 503; i++) {
      r = await fetch(`${api.url}/audit/export.pdf?cycleId=${cycleId}&type=MeasurementCorrected&minPosition=${head}`, { headers: { authorization: `Bearer ${rpct}` } });
    }
    expect(r.status).toBe(200);
    const text = pdfLines(Buffer.from(await r.arrayBuffer())).join('\n');
    const flat = text.replace(/\s+/g, ' ');
    expect(text).toContain('Camera di commercio di Pistoia-Prato - esportazione in PDF generata da Ciclo');
    expect(text).not.toContain(cycleId);
    expect(flat).toContain('Il solo ciclo «PIAO 2022-2024 - Camera di commercio di Pistoia-Prato (demo)», limitato dal filtro qui sotto');
    expect(flat).toContain('Tipo di evento: Misurazione corretta');
    expect(flat).toContain('Marco Finzione (u-demo-rpct) (RPCT)');
    expect(flat).not.toMatch(/\bMeasurementCorrected\b|ha registrato l'evento/);
    expect(flat).toContain('Elena Fittizia (u-demo- rilevatore) Rilevatore');
    // The reason is in the summary's words: printed once, not again in its own column.
    expect(flat.split('Due assessment registrati in ritardo').length - 1).toBe(1);
  });
});
