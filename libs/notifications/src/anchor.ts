// The `AuditAnchorPublished` event: the head seal of the audit chain, published after each nightly
// verification to every tenant's RPCT and OIV (e-mail, in-app list) and to the tenant's webhooks
// (`audit.anchor`), so that copies live where a database owner cannot rewrite them. Written on the
// stream `<tenant>/audit-anchors` with an event id derived from the verification it reports.
import { encodeAnchorToken, type SignedAnchor } from '@ciclo/event-store';
import { uuidFromKey } from './reminder';

export const AUDIT_ANCHOR_PUBLISHED = 'AuditAnchorPublished';
/** Roles an anchor is sent to. */
export const ANCHOR_ROLES = ['rpct', 'oiv'] as const;

export const auditAnchorsStream = (tenant: string) => `${tenant}/audit-anchors`;

/** The id of the anchor a verification publishes to a tenant: the same on every retry. */
export const anchorEventId = (tenant: string, verificationEventId: string) => uuidFromKey('ciclo-audit-anchor', `${tenant}|${verificationEventId}`);
/** The delivery key of an anchor's e-mail (`ntf_deliveries`), also its Message-ID. */
export const anchorDeliveryKey = (tenant: string, verificationEventId: string) => `anchor|${tenant}|${verificationEventId}`;

export interface AnchorRecipient {
  userId: string;
  name: string;
  email: string | null;
  roles: string[];
}

export interface AuditAnchorData extends SignedAnchor {
  [key: string]: unknown;
  /** The body's name (its tenant file), for the e-mail. */
  tenantName?: string;
  /** The `AuditChainVerified` event it reports, and its global position. */
  verificationEventId: string;
  verificationPosition: number;
  /** The anchor as one word for `ciclo audit verify --anchor` and `GET /audit/verify?anchor=`. */
  token: string;
  /** The RPCT and OIV of the tenant: e-mail (those with an address) and in-app notification. */
  recipients: AnchorRecipient[];
  /** The webhook endpoints of the tenant that receive `audit.anchor`. */
  webhooks: string[];
  /** The console's audit trail page. */
  link: string;
}

/** The anchor as a JSON document to keep (a file for `ciclo audit verify --anchor FILE`). */
export const anchorDocument = (d: SignedAnchor) => ({
  tenant: d.tenant,
  position: d.position,
  seq: d.seq,
  hash: d.hash,
  at: d.at,
  ...(d.signature ? { signature: d.signature, keyFingerprint: d.keyFingerprint } : {}),
});

export const anchorToken = (d: SignedAnchor) => encodeAnchorToken(d);

function romeTime(iso: string): string {
  return new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso)).replace(',', '');
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

export interface RenderedAnchor {
  subject: string;
  text: string;
  html: string;
  title: string;
  body: string;
}

/** The anchor in Italian: e-mail subject, text and HTML; title and body for the in-app list. */
export function renderAnchor(d: AuditAnchorData, publicUrl?: string): RenderedAnchor {
  const when = romeTime(d.at);
  const api = `${(publicUrl ?? new URL(d.link).origin).replace(/\/$/, '')}/audit/verify?anchor=${d.token}`;
  const lines = [
    `Ancoraggio del registro di audit di ${d.tenantName && d.tenantName !== d.tenant ? `${d.tenantName} (${d.tenant})` : `${d.tenant}`}.`,
    'Conservate questo messaggio fuori da Ciclo: permette di accertare in seguito che il registro non è stato riscritto.',
    '',
    `Sigillo di testa: n. ${d.seq}`,
    `Impronta del sigillo (SHA-256): ${d.hash}`,
    `Posizione globale verificata integra: ${d.position}`,
    `Data e ora della verifica: ${when} (ora di Roma)`,
    d.signature ? `Firma: Ed25519, chiave con impronta ${d.keyFingerprint}` : 'Firma: assente (nessuna chiave di firma configurata)',
    '',
    'Come verificare il registro rispetto a questo ancoraggio:',
    `  ciclo audit verify --anchor ${d.token}`,
    `oppure, dall'API (RPCT, OIV, amministratore): GET ${api}`,
    "Se il registro è stato riscritto prima di questo sigillo, la verifica lo segnala (anchor_mismatch); se l'ancoraggio è stato alterato, la firma non corrisponde e la verifica lo rifiuta.",
    '',
    `Registro delle attività: ${d.link}`,
    '',
    '—',
    'Messaggio automatico di Ciclo: non rispondere a questo indirizzo.',
  ];
  const text = lines.join('\n');
  const html = `<!doctype html><html lang="it"><body><p>${lines
    .map((l) => (l === '' ? '</p><p>' : escapeHtml(l).replace(escapeHtml(d.link), `<a href="${escapeHtml(d.link)}">${escapeHtml(d.link)}</a>`) + '<br>'))
    .join('')}</p></body></html>`;
  return {
    subject: `[Ciclo] Ancoraggio del registro di audit – sigillo n. ${d.seq} del ${when}`,
    text,
    html,
    title: `Ancoraggio del registro pubblicato: sigillo n. ${d.seq}`,
    body: `Registro integro fino alla posizione ${d.position} (verifica del ${when}); sigillo ${d.hash.slice(0, 12)}…${d.signature ? ', firmato' : ''}`,
  };
}
