import { isoDateAt } from '@ciclo/domain';
import { READ_MODEL_MIGRATIONS } from '@ciclo/projections';
import { startTestApi, type TestApi } from '../support/api';
import { definitions, openReadModels, waitCaughtUp, type ReadModels } from './support';
import { HttpWorkload } from './workload';

const YEAR = Number(isoDateAt(new Date(), 'Europe/Rome').slice(0, 4));
const MIGRATION = 'InboxOrderedReads1700000000014';

/**
 * The migration that gives inbox rows their own sender, legal date and definition version fills
 * the rows already there exactly as the projector writes new ones: an inbox projected before the
 * upgrade reads the same after it, without a rebuild.
 */
describe('inbox rows filled by the migration', () => {
  let api: TestApi;
  let rm: ReadModels;
  let work: HttpWorkload;

  beforeAll(async () => {
    api = await startTestApi('inboxmig', {}, { projections: true });
    rm = await openReadModels(api.db.url);
    work = new HttpWorkload(api, definitions());
  });
  afterAll(async () => {
    await rm?.close();
    await api?.close();
  });

  const rows = async () =>
    (await api.pool.query<{ r: Record<string, unknown> }>(
      `SELECT jsonb_build_object('cycle', cycle_id, 'role', role, 'sentBy', sent_by, 'legalDate', legal_date, 'definitionVersion', definition_version, 'dueKey', due_key) AS r
         FROM rm_inbox ORDER BY cycle_id, role`,
    )).rows.map((x) => x.r);

  it('down then up gives back the rows the projector wrote', async () => {
    const a = await work.open('cciaa-po', 'piao', YEAR + 1);
    await work.transition('cciaa-po', a, 'submit', { note: 'Prima stesura' });
    await work.transition('cciaa-po', a, 'request_changes', { reason: 'Completare la sezione 2.3' });
    const b = await work.open('cciaa-po', 'piao', YEAR + 2);
    await work.transition('cciaa-po', b, 'submit');
    await work.open('cciaa-fi', 'ptpct', YEAR + 1);
    const c = await work.open('cciaa-fi', 'relazione_performance', YEAR - 1);
    await work.walk('cciaa-fi', c, 3);
    await waitCaughtUp(rm.runner);
    const projected = await rows();
    expect(projected.length).toBeGreaterThanOrEqual(4);
    // Every shape the backfill must reproduce: a reason, no note, a cycle only opened, a legal date.
    expect(projected).toContainEqual(expect.objectContaining({ cycle: a, sentBy: expect.objectContaining({ command: 'request_changes', note: 'Completare la sezione 2.3' }) }));
    expect(projected).toContainEqual(expect.objectContaining({ cycle: b, sentBy: expect.objectContaining({ command: 'submit', note: null }) }));
    expect(projected.some((r) => (r.sentBy as { command: string | null }).command === null && (r.sentBy as { role: string }).role === '')).toBe(true);
    expect(projected.some((r) => typeof r.legalDate === 'string')).toBe(true);
    expect(projected.every((r) => typeof r.definitionVersion === 'number' && typeof r.dueKey === 'string')).toBe(true);

    const Migration = READ_MODEL_MIGRATIONS.find((m) => new m().name === MIGRATION);
    expect(Migration).toBeDefined();
    const q = rm.ds.createQueryRunner();
    try {
      await q.startTransaction();
      await new Migration!().down(q);
      const cols = (await q.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'rm_inbox'`)) as { column_name: string }[];
      expect(cols.map((x) => x.column_name)).not.toContain('sent_by');
      await new Migration!().up(q);
      await q.commitTransaction();
    } finally {
      await q.release();
    }
    expect(await rows()).toEqual(projected);
  }, 60_000);
});
