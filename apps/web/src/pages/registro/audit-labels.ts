/** Italian words of the audit trail page (chain problems, who verified). */
import { request } from '../../api';

export const CHAIN_PROBLEMS: Record<string, string> = {
  event_modified: 'evento modificato dopo la registrazione',
  event_deleted: 'evento cancellato',
  event_inserted: 'evento inserito fuori sequenza',
  event_reordered: 'eventi riordinati',
  seal_modified: 'sigillo modificato',
  seal_missing: 'sigillo mancante',
  stream_head_mismatch: 'testa del flusso non corrispondente',
  anchor_mismatch: 'catena riscritta: non corrisponde a un sigillo salvato in precedenza',
};

export const chainProblem = (p: string): string => CHAIN_PROBLEMS[p] ?? p;

/** Who recorded a verification: the nightly job, the command line, or a person. */
export function verifierLabel(actorId: string, trigger: string | null): string {
  if (trigger === 'nightly') return 'Sistema (verifica notturna automatica)';
  if (trigger === 'cli') return `riga di comando${actorId && actorId !== 'system' ? ` (${actorId})` : ''}`;
  return actorId === 'system' ? 'Sistema' : actorId;
}

/** Downloads an API answer as a file (the session cookie and the acting role go with it). */
export async function download(path: string, fallbackName: string): Promise<string> {
  const res = await request<Response>('GET', path, { asResponse: true, headers: { Accept: '*/*' } });
  const blob = await res.blob();
  const disposition = res.headers.get('Content-Disposition') ?? '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
