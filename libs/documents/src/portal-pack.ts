/**
 * The PIAO portal pack: what a chamber uploads to the Funzione Pubblica PIAO portal, in one zip —
 * the PIAO PDF, the documents attached to the cycle, and the metadata the portal stores per upload
 * as JSON and as CSV. Deterministic: entries in a fixed order with a fixed date (the time of the
 * last event), so the same events give the same zip and its SHA-256 can be verified again.
 */
import { peopleCsv } from './csv';

export interface PortalMetadata {
  codiceIpa: string | null;
  denominazione: string;
  anni: number[];
  periodo: string;
  /** Stream version of the cycle the pack reflects. */
  versione: number;
  /** ISO date of the approving act. */
  dataApprovazione: string;
  /** Estremi dell'atto: "deliberazione della Giunta n. 12 del 31/01/2022". */
  estremiAtto: string;
  organoApprovazione: string;
  numeroDipendenti: number | null;
  linkPagina: string | null;
  documento: { nome: string; sha256: string };
  allegati: { nome: string; sha256: string }[];
}

export interface PortalPackInput {
  pdf: Buffer;
  metadata: PortalMetadata;
  attachments: { name: string; bytes: Buffer }[];
  asOf: Date;
}

const ORGAN_IT: Record<string, string> = { giunta: 'Giunta camerale', consiglio: 'Consiglio camerale', presidente: 'Presidente' };
export const organIt = (organ: string) => ORGAN_IT[organ] ?? organ;

/** A file name safe in a zip on every system (no path, no control characters). */
const safeName = (name: string) =>
  [...name]
    .map((c) => (c.charCodeAt(0) < 0x20 || '\\/:*?"<>|'.includes(c) ? '_' : c))
    .join('')
    .slice(0, 150) || 'documento';

const METADATA_LABELS: [keyof PortalMetadata, string][] = [
  ['codiceIpa', 'Codice IPA'],
  ['denominazione', 'Denominazione'],
  ['periodo', 'Periodo'],
  ['anni', 'Anni del piano'],
  ['versione', 'Versione'],
  ['dataApprovazione', 'Data di approvazione'],
  ['estremiAtto', "Estremi dell'atto"],
  ['organoApprovazione', 'Organo che approva'],
  ['numeroDipendenti', 'Numero di dipendenti'],
  ['linkPagina', "Link alla pagina dell'ente"],
];

/** The metadata as a two-column CSV for people (campo; valore), the documents with their SHA-256 after. */
export function portalMetadataCsv(m: PortalMetadata): Buffer {
  const rows: (string | number | null)[][] = [['Campo', 'Valore']];
  for (const [key, label] of METADATA_LABELS) {
    const v = m[key];
    rows.push([label, Array.isArray(v) ? v.join(', ') : (v as string | number | null)]);
  }
  rows.push(['Documento', `${m.documento.nome} (SHA-256 ${m.documento.sha256})`]);
  for (const a of m.allegati) rows.push(['Allegato', `${a.nome} (SHA-256 ${a.sha256})`]);
  return peopleCsv(rows);
}

export async function portalPack(input: PortalPackInput): Promise<Buffer> {
  // Loaded on the first pack, not at start.
  const { default: JSZip } = await import('jszip');
  const zip = new JSZip();
  const date = input.asOf;
  const options = { date, createFolders: false, unixPermissions: 0o644 } as const;
  zip.file(input.metadata.documento.nome, input.pdf, options);
  const used = new Set<string>([input.metadata.documento.nome]);
  input.attachments.forEach((a, i) => {
    let name = `allegati/${String(i + 1).padStart(2, '0')}-${safeName(a.name)}`;
    while (used.has(name)) name = `${name}_`;
    used.add(name);
    zip.file(name, a.bytes, options);
  });
  zip.file('metadati.json', `${JSON.stringify(input.metadata, null, 2)}\n`, options);
  zip.file('metadati.csv', portalMetadataCsv(input.metadata), options);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 6 }, platform: 'UNIX' });
}
