// Published anchors and their signature. An anchor names the head seal of the chain at a moment
// (tenant, global position, seal number and hash, time); signed with an Ed25519 key held outside
// the database, it cannot be forged by whoever owns the database: a rewritten chain would need a
// matching anchor, and only the key's holder can sign one.
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

export interface AnchorFacts {
  /** The tenant the anchor was published to. */
  tenant: string;
  /** Global position up to which the chain was verified intact. */
  position: number;
  /** The head seal: its number and hash. */
  seq: number;
  hash: string;
  /** When the verification ran (ISO 8601). */
  at: string;
}

export interface SignedAnchor extends AnchorFacts {
  /** Ed25519 signature (base64url) over `anchorMessage`; absent when no key was configured. */
  signature?: string;
  /** SHA-256 (hex) of the signing key's public key (SPKI DER). */
  keyFingerprint?: string;
}

/** The bytes signed: a fixed layout of the facts, one per line. */
export function anchorMessage(a: AnchorFacts): Buffer {
  return Buffer.from(['ciclo-audit-anchor/1', a.tenant, String(a.position), String(a.seq), a.hash, a.at].join('\n'), 'utf8');
}

/** Reads a key: the PEM itself, or the path of a file holding it. */
function pemOf(value: string): string {
  const v = value.trim();
  if (v.startsWith('-----BEGIN')) return v.replace(/\\n/g, '\n');
  if (!existsSync(v)) throw new Error('is neither a PEM key nor the path of a file holding one');
  return readFileSync(v, 'utf8');
}

/** The Ed25519 private key of a setting (PEM or path); throws saying what is wrong. */
export function loadAnchorSigningKey(value: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pemOf(value));
  } catch (err) {
    throw new Error(`is not a readable private key (${(err as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`must be an Ed25519 private key, not ${key.asymmetricKeyType ?? 'unknown'}`);
  return key;
}

/** An Ed25519 public key (PEM or path), or the public half of a private key. */
export function loadAnchorPublicKey(value: string): KeyObject {
  const pem = pemOf(value);
  let key: KeyObject;
  try {
    key = /PRIVATE KEY/.test(pem) ? createPublicKey(createPrivateKey(pem)) : createPublicKey(pem);
  } catch (err) {
    throw new Error(`is not a readable public key (${(err as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`must be an Ed25519 key, not ${key.asymmetricKeyType ?? 'unknown'}`);
  return key;
}

/** SHA-256 (hex) of a key's public half, SPKI DER. */
export function keyFingerprint(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest('hex');
}

/** The anchor with its signature and key fingerprint. */
export function signAnchor(a: AnchorFacts, privateKey: KeyObject): SignedAnchor {
  return { ...a, signature: sign(null, anchorMessage(a), privateKey).toString('base64url'), keyFingerprint: keyFingerprint(privateKey) };
}

export type AnchorCheck =
  | { ok: true; signed: boolean }
  | { ok: false; code: 'ANCHOR_SIGNATURE_INVALID' | 'ANCHOR_KEY_UNKNOWN' | 'ANCHOR_KEY_NOT_CONFIGURED'; message: string; messageIt: string };

/**
 * Checks an anchor's signature with the trusted public keys. An unsigned anchor passes (it is as
 * good as the place it was kept); a signed one must carry the fingerprint of a trusted key and a
 * signature that key made over exactly these facts.
 */
export function checkAnchorSignature(a: SignedAnchor, trusted: readonly KeyObject[]): AnchorCheck {
  if (a.signature === undefined && a.keyFingerprint === undefined) return { ok: true, signed: false };
  if (!a.signature || !a.keyFingerprint) {
    return { ok: false, code: 'ANCHOR_SIGNATURE_INVALID', message: 'The anchor carries a signature or a key fingerprint without the other', messageIt: "L'ancoraggio ha la firma o l'impronta della chiave, ma non entrambe" };
  }
  if (trusted.length === 0) {
    return {
      ok: false,
      code: 'ANCHOR_KEY_NOT_CONFIGURED',
      message: 'The anchor is signed but no public key is configured to check it (AUDIT_SIGNING_PUBLIC_KEY or AUDIT_SIGNING_KEY)',
      messageIt: "L'ancoraggio è firmato ma non è configurata alcuna chiave pubblica per verificarlo (AUDIT_SIGNING_PUBLIC_KEY o AUDIT_SIGNING_KEY)",
    };
  }
  const key = trusted.find((k) => keyFingerprint(k) === a.keyFingerprint);
  if (!key) {
    return {
      ok: false,
      code: 'ANCHOR_KEY_UNKNOWN',
      message: `The anchor was signed with another key (fingerprint ${a.keyFingerprint.slice(0, 16)}…), not with a configured one`,
      messageIt: `L'ancoraggio è firmato con una chiave diversa da quella configurata (impronta ${a.keyFingerprint.slice(0, 16)}…)`,
    };
  }
  let good = false;
  try {
    good = verify(null, anchorMessage(a), key, Buffer.from(a.signature, 'base64url'));
  } catch {
    good = false;
  }
  if (!good) {
    return {
      ok: false,
      code: 'ANCHOR_SIGNATURE_INVALID',
      message: 'The anchor’s signature does not match its content: it was altered or forged',
      messageIt: "La firma dell'ancoraggio non corrisponde al contenuto: è stato alterato o contraffatto",
    };
  }
  return { ok: true, signed: true };
}

const TOKEN_PREFIX = 'A1.';

/** The anchor as one word to paste: `A1.` and the base64url of its JSON. */
export function encodeAnchorToken(a: SignedAnchor): string {
  const body = { tenant: a.tenant, position: a.position, seq: a.seq, hash: a.hash, at: a.at, ...(a.signature ? { signature: a.signature, keyFingerprint: a.keyFingerprint } : {}) };
  return `${TOKEN_PREFIX}${Buffer.from(JSON.stringify(body), 'utf8').toString('base64url')}`;
}

/** An anchor from its JSON (a file, a webhook body) or its token; null when it is neither. */
export function parseSignedAnchor(input: unknown): SignedAnchor | null {
  let v = input;
  if (typeof v === 'string') {
    if (!v.startsWith(TOKEN_PREFIX) || v.length > 4000) return null;
    try {
      v = JSON.parse(Buffer.from(v.slice(TOKEN_PREFIX.length), 'base64url').toString('utf8'));
    } catch {
      return null;
    }
  }
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  const int = (x: unknown) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
  if (typeof o.tenant !== 'string' || !int(o.position) || !int(o.seq) || typeof o.hash !== 'string' || !/^[0-9a-f]{64}$/.test(o.hash) || typeof o.at !== 'string') return null;
  if (o.signature !== undefined && typeof o.signature !== 'string') return null;
  if (o.keyFingerprint !== undefined && typeof o.keyFingerprint !== 'string') return null;
  return {
    tenant: o.tenant,
    position: o.position as number,
    seq: o.seq as number,
    hash: o.hash,
    at: o.at,
    ...(o.signature !== undefined ? { signature: o.signature as string } : {}),
    ...(o.keyFingerprint !== undefined ? { keyFingerprint: o.keyFingerprint as string } : {}),
  };
}

/** The public keys anchors are checked with: `AUDIT_SIGNING_PUBLIC_KEY` and the public half of `AUDIT_SIGNING_KEY`. */
export function trustedAnchorKeys(s: { AUDIT_SIGNING_KEY?: string; AUDIT_SIGNING_PUBLIC_KEY?: string }): KeyObject[] {
  const keys: KeyObject[] = [];
  if (s.AUDIT_SIGNING_PUBLIC_KEY) keys.push(loadAnchorPublicKey(s.AUDIT_SIGNING_PUBLIC_KEY));
  if (s.AUDIT_SIGNING_KEY) keys.push(loadAnchorPublicKey(s.AUDIT_SIGNING_KEY));
  return keys;
}
