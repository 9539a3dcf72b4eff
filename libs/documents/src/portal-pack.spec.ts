import JSZip from 'jszip';
import { portalPack, type PortalPackInput } from './portal-pack';

const input = (): PortalPackInput => ({
  pdf: Buffer.from('%PDF-1.7 finto'),
  attachments: [
    { name: 'Delibera Giunta 12/2022.pdf', bytes: Buffer.from('delibera') },
    { name: 'Allegato "rischi".xlsx', bytes: Buffer.from('rischi') },
  ],
  metadata: {
    codiceIpa: 'cciaa_po',
    denominazione: 'Camera di commercio di Pistoia-Prato',
    anni: [2022, 2023, 2024],
    periodo: '2022-2024',
    versione: 12,
    dataApprovazione: '2022-01-31',
    estremiAtto: 'deliberazione della Giunta n. 12 del 31/01/2022',
    organoApprovazione: 'Giunta camerale',
    numeroDipendenti: null,
    linkPagina: null,
    documento: { nome: 'PIAO-2022-2024.pdf', sha256: 'a'.repeat(64) },
    allegati: [],
  },
  asOf: new Date('2022-02-01T09:30:00Z'),
});

describe('portalPack', () => {
  it('holds the PDF, the attachments and the metadata as JSON and CSV; the same input gives the same bytes', async () => {
    const a = await portalPack(input());
    expect((await portalPack(input())).equals(a)).toBe(true);
    const zip = await JSZip.loadAsync(a);
    expect(Object.keys(zip.files).sort()).toEqual(['PIAO-2022-2024.pdf', 'allegati/01-Delibera Giunta 12_2022.pdf', 'allegati/02-Allegato _rischi_.xlsx', 'metadati.csv', 'metadati.json']);
    expect(await zip.file('PIAO-2022-2024.pdf')?.async('string')).toBe('%PDF-1.7 finto');
    expect(JSON.parse((await zip.file('metadati.json')?.async('string')) as string)).toMatchObject({ codiceIpa: 'cciaa_po', anni: [2022, 2023, 2024], estremiAtto: 'deliberazione della Giunta n. 12 del 31/01/2022' });
    const csv = (await zip.file('metadati.csv')?.async('nodebuffer')) as Buffer;
    expect(csv.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.toString('utf8')).toContain("Estremi dell'atto;deliberazione della Giunta n. 12 del 31/01/2022\r\n");
    expect(zip.files['metadati.json'].date.toISOString()).toBe('2022-02-01T09:30:00.000Z');
  });

  it('another event time gives another zip', async () => {
    expect((await portalPack({ ...input(), asOf: new Date('2022-02-02T09:30:00Z') })).equals(await portalPack(input()))).toBe(false);
  });
});
