// The transparency grid's typed events: every type has its member and schema version, stored data
// of older or foreign shapes folds without throwing, and an unknown type only advances the version.
import { classifyAttestationGridEvent, foldAttestationGrid } from './attestation';
import { classifyTransparencyEvent, TRANSPARENCY_EVENT_SCHEMA_VERSIONS, TRANSPARENCY_EVENTS, transparencyEventSchemaVersion, type TransparencyEvent } from './events';
import { foldTransparency } from './grid';

let version = 0;
const stored = (type: string, data: Record<string, unknown>) => ({
  type,
  data: data as never,
  version: ++version,
  actorId: 'u-po',
  actorRole: 'po',
  occurredAt: '2027-01-15T10:00:00.000Z',
});

const obligation = { id: 'assenze', section: 'Personale', subsection: 'Tassi di assenza', title: 'Tassi di assenza', legalReference: 'art. 16, c. 3', content: 'Tassi', frequency: 'trimestrale', order: 3 };

/** The data of a known type (fails the test on `other`). */
function dataOf(e: TransparencyEvent): unknown {
  if (e.kind === 'other') throw new Error(`${e.type} not classified`);
  return e.data;
}

describe('typed transparency events', () => {
  beforeEach(() => (version = 0));

  it('gives every type its member and its schema version; an unknown type is `other`', () => {
    expect([...TRANSPARENCY_EVENTS].sort()).toEqual(['TransparencyChangeReported', 'TransparencyObligationAdded', 'TransparencyOfficesAssigned', 'TransparencyPublicationRecorded']);
    for (const type of TRANSPARENCY_EVENTS) {
      expect(classifyTransparencyEvent(stored(type, {})).kind).toBe(type);
      expect(transparencyEventSchemaVersion(type)).toBe(TRANSPARENCY_EVENT_SCHEMA_VERSIONS[type]);
    }
    expect(classifyTransparencyEvent(stored('TransparencySomethingNewer', { obligationId: 'assenze' }))).toMatchObject({ kind: 'other', type: 'TransparencySomethingNewer', version: 5 });
    expect(transparencyEventSchemaVersion('TransparencySomethingNewer')).toBe(1);
  });

  it('reads data of foreign shapes defensively: wrong types become empty, an unknown frequency reads as annuale', () => {
    expect(dataOf(classifyTransparencyEvent(stored('TransparencyObligationAdded', { obligation: { id: 'x', frequency: 'mensile', order: 'primo', title: 7 } })))).toEqual({
      obligation: { id: 'x', section: '', subsection: '', title: '', legalReference: '', content: '', frequency: 'annuale', order: 0 },
    });
    expect(dataOf(classifyTransparencyEvent(stored('TransparencyObligationAdded', { obligation: 'assenze' })))).toEqual({ obligation: null });
    expect(dataOf(classifyTransparencyEvent(stored('TransparencyObligationAdded', { obligation: { title: 'senza id' } })))).toEqual({ obligation: null });
    expect(dataOf(classifyTransparencyEvent(stored('TransparencyPublicationRecorded', { obligationId: 'assenze', date: '2027-01-10', url: 'https://x.it', note: 5 })))).toEqual({
      obligationId: 'assenze',
      date: '2027-01-10',
      url: 'https://x.it',
    });
    expect(dataOf(classifyTransparencyEvent(stored('TransparencyOfficesAssigned', { obligationId: 'assenze', producerOffice: null })))).toEqual({ obligationId: 'assenze', producerOffice: '', publisherOffice: '' });
    expect(dataOf(classifyTransparencyEvent({ ...stored('TransparencyChangeReported', {}), data: null as never }))).toEqual({ obligationId: '', date: '', note: '' });
  });

  it('folds a stream with older, foreign and unknown events: they only advance the version', () => {
    const s = foldTransparency([
      stored('TransparencyObligationAdded', { obligation }),
      stored('TransparencyObligationAdded', { obligation: 'not an object' }),
      stored('TransparencyOfficesAssigned', { obligationId: 'assenze', producerOffice: 'Risorse umane', publisherOffice: 'Affari generali' }),
      stored('TransparencyPublicationRecorded', { obligationId: 'non-esiste', date: '2027-01-10', url: 'https://x.it' }),
      stored('TransparencyPublicationRecorded', { obligationId: 'assenze', date: '2027-01-10', url: 'https://x.it/a' }),
      stored('TransparencyChangeReported', { obligationId: 'assenze', date: '2027-01-12', note: 'Nuovo dato' }),
      stored('TransparencyItemArchived', { obligationId: 'assenze' }),
    ]);
    expect(s.version).toBe(7);
    expect([...s.items.keys()]).toEqual(['assenze']);
    expect(s.items.get('assenze')).toEqual({
      obligation,
      producerOffice: 'Risorse umane',
      publisherOffice: 'Affari generali',
      publications: [{ date: '2027-01-10', url: 'https://x.it/a', by: 'u-po', role: 'po', at: '2027-01-15T10:00:00.000Z' }],
      changes: [{ date: '2027-01-12', note: 'Nuovo dato', by: 'u-po', at: '2027-01-15T10:00:00.000Z' }],
    });
  });

  it('does not change the state folded from (cached states are shared)', () => {
    const before = foldTransparency([stored('TransparencyObligationAdded', { obligation })]);
    const after = foldTransparency([stored('TransparencyPublicationRecorded', { obligationId: 'assenze', date: '2027-01-10', url: 'https://x.it/a' })], before);
    expect(before.items.get('assenze')?.publications).toEqual([]);
    expect(before.version).toBe(1);
    expect(after.items.get('assenze')?.publications).toHaveLength(1);
  });

  it('reads survey grid rows defensively and ignores the rest of the cycle stream', () => {
    const row = { obligationId: 'bandi', section: 'Bandi', subsection: 'Bandi', title: 'Bandi di concorso', legalReference: 'art. 19', pubblicazione: 1, completezza: 7, aggiornamento: 2, formatoAperto: '3' };
    expect(classifyAttestationGridEvent(stored('AttestationGridRowSet', row))).toMatchObject({
      kind: 'AttestationGridRowSet',
      data: { obligationId: 'bandi', pubblicazione: 0, completezza: 0, aggiornamento: 2, formatoAperto: 0 },
    });
    expect(classifyAttestationGridEvent(stored('CommentAdded', { text: 'x' }))).toEqual({ kind: 'other', type: 'CommentAdded' });
    const grid = foldAttestationGrid([stored('AttestationGridRowSet', row), stored('CommentAdded', { text: 'x' }), stored('AttestationGridRowSet', { ...row, obligationId: 'altro' }), stored('AttestationGridRowRemoved', { obligationId: 'bandi' })]);
    expect(grid.rows.map((r) => r.obligationId)).toEqual(['altro']);
  });
});
