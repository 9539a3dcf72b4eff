import { isoDateAt } from '@ciclo/domain';
import { startTestApi, type TestApi } from '../support/api';
import { definitions, expectRebuildEqualsLive, openReadModels, waitCaughtUp, type ReadModels } from './support';
import { HttpWorkload } from './workload';

/** Cycle years around this one: acts are dated today, which must be a plausible date for each cycle. */
const YEAR = Number(isoDateAt(new Date(), 'Europe/Rome').slice(0, 4));

/**
 * A mixed workload through the real command path (HTTP → ExecuteCycleCommand → event store),
 * projected incrementally by the runner of the API process in many small batches while the
 * commands run; then every projector is rebuilt from position 0 and the read models must be
 * identical, row for row, column for column (nothing excluded).
 */
describe('rebuild equals incremental projection', () => {
  let api: TestApi;
  let rm: ReadModels;
  let work: HttpWorkload;
  const TENANTS = ['cciaa-po', 'cciaa-fi'];

  beforeAll(async () => {
    api = await startTestApi('projrebuild', {}, { projections: true });
    rm = await openReadModels(api.db.url);
    work = new HttpWorkload(api, definitions());
  });
  afterAll(async () => {
    await rm?.close();
    await api?.close();
  });

  /** One PIAO per tenant by hand: every kind of step, to the terminal stage. */
  async function piaoToTheEnd(tenant: string, year: number): Promise<void> {
    const id = await work.open(tenant, 'piao', year);
    await work.comment(tenant, id, 'Prima bozza condivisa con i dirigenti');
    await work.transition(tenant, id, 'submit', { note: 'Prima stesura' });
    await work.transition(tenant, id, 'request_changes', { reason: 'Completare la sezione 2.3 sui rischi corruttivi' });
    await work.attach(tenant, id, `PIAO ${year}.pdf`);
    await work.transition(tenant, id, 'submit');
    await work.transition(tenant, id, 'approve');
    await work.transition(tenant, id, 'return_for_changes', { reason: 'Integrare gli indicatori' });
    await work.transition(tenant, id, 'submit');
    await work.transition(tenant, id, 'approve');
    await work.transition(tenant, id, 'record_giunta_deliberation');
    await work.transition(tenant, id, 'publish', { channel: 'amministrazione_trasparente' });
    await work.transition(tenant, id, 'upload_to_portal', { recipient: 'funzione_pubblica' });
  }

  /** A PTPCT withdrawn, returned by the Giunta, adopted, published, sent to ANAC. */
  async function ptpct(tenant: string, year: number): Promise<void> {
    const id = await work.open(tenant, 'ptpct', year);
    await work.transition(tenant, id, 'submit');
    await work.transition(tenant, id, 'withdraw');
    await work.transition(tenant, id, 'submit');
    await work.transition(tenant, id, 'return_for_changes');
    await work.comment(tenant, id, 'Aggiornare la mappatura dei processi');
    await work.transition(tenant, id, 'submit');
    await work.transition(tenant, id, 'record_giunta_deliberation');
    await work.attach(tenant, id, 'PTPCT.pdf');
    await work.transition(tenant, id, 'publish');
    await work.transition(tenant, id, 'transmit_anac', { recipient: 'anac' });
  }

  /** A Relazione sulla performance refused by the OIV, then validated. */
  async function relazione(tenant: string, year: number): Promise<void> {
    const id = await work.open(tenant, 'relazione_performance', year);
    await work.transition(tenant, id, 'close_measurements');
    await work.transition(tenant, id, 'submit');
    await work.transition(tenant, id, 'record_giunta_deliberation');
    await work.transition(tenant, id, 'refuse_validation', { reason: 'Scostamenti non motivati' });
    await work.transition(tenant, id, 'submit');
    await work.transition(tenant, id, 'record_giunta_deliberation');
    await work.transition(tenant, id, 'validate');
  }

  async function cancelled(tenant: string): Promise<void> {
    const id = await work.open(tenant, 'piao', 2030, `PIAO da annullare (${tenant})`);
    await work.transition(tenant, id, 'submit');
    await work.cancel(tenant, id, 'Sostituito dal PIAO semplificato');
  }

  it('gives the same rows when every projector is rebuilt from position 0', async () => {
    const registry = definitions();
    const scenarios: Promise<void>[] = [];
    for (const [i, tenant] of TENANTS.entries()) {
      scenarios.push(piaoToTheEnd(tenant, YEAR - i), ptpct(tenant, YEAR), relazione(tenant, YEAR - 1), cancelled(tenant));
      // Every cycle type, walked at random (seeded), one in five cancelled along the way.
      for (const [k, type] of registry.types().entries()) {
        scenarios.push(work.open(tenant, type, YEAR - 1 + (k % 3)).then((id) => work.walk(tenant, id, 10, k % 5 === i ? 3 : -1)));
      }
    }
    // All cycles at once: the log interleaves them and the live runner sees many small batches.
    await Promise.all(scenarios);
    await waitCaughtUp(rm.runner);

    const { rows: kinds } = await api.pool.query<{ type: string }>('SELECT DISTINCT type FROM es_events ORDER BY 1');
    const types = kinds.map((k) => k.type);
    for (const t of ['CycleOpened', 'SubmittedForReview', 'ChangesRequested', 'ApprovedBySecretaryGeneral', 'GiuntaReturnedForChanges', 'SubmissionWithdrawn',
      'GiuntaDeliberationRecorded', 'ValidationRefused', 'ValidatedByOiv', 'DocumentAttached', 'CommentAdded', 'PublishedOnWebsite', 'UploadedToPiaoPortal',
      'TransmittedToAnac', 'CycleCancelled']) {
      expect(types).toContain(t);
    }
    const { rows: statuses } = await api.pool.query<{ tenant: string; status: string; n: number }>(
      'SELECT tenant, status, count(*)::int AS n FROM rm_cycles GROUP BY 1, 2 ORDER BY 1, 2',
    );
    for (const tenant of TENANTS) {
      for (const status of ['open', 'closed', 'cancelled']) expect(statuses.find((s) => s.tenant === tenant && s.status === status)?.n).toBeGreaterThan(0);
    }
    expect(statuses.reduce((n, s) => n + s.n, 0)).toBe(work.cycles.length);

    const live = await expectRebuildEqualsLive(rm.runner, api.pool);
    for (const [table, rows] of Object.entries(live)) expect({ table, empty: rows.length === 0 }).toEqual({ table, empty: false });
    const { rows: events } = await api.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM es_events');
    expect(live.rm_audit).toHaveLength(events[0].n);
  });

  it('keeps projecting on the swapped tables, and a second rebuild still matches', async () => {
    const before = (await rm.runner.status()).map((s) => s.position);
    await piaoToTheEnd('cciaa-fi', YEAR + 1);
    await relazione('cciaa-po', YEAR);
    await waitCaughtUp(rm.runner);
    const after = await rm.runner.status();
    after.forEach((s, i) => expect(s.position).toBeGreaterThan(before[i]));
    await expectRebuildEqualsLive(rm.runner, api.pool);
  });
});
