import { generateKeyPairSync } from 'node:crypto';
import { checkAnchorSignature, encodeAnchorToken, keyFingerprint, loadAnchorPublicKey, loadAnchorSigningKey, parseSignedAnchor, signAnchor, trustedAnchorKeys, type AnchorFacts } from './anchor-signature';

const facts: AnchorFacts = { tenant: 'cciaa-po', position: 1203, seq: 1200, hash: 'a'.repeat(64), at: '2027-02-03T01:00:04.112Z' };

describe('anchor signatures', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const stranger = generateKeyPairSync('ed25519').privateKey;
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const pubPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

  it('signs the five facts; the public key alone checks them', () => {
    const signed = signAnchor(facts, loadAnchorSigningKey(pem));
    expect(signed.keyFingerprint).toBe(keyFingerprint(publicKey));
    expect(checkAnchorSignature(signed, [loadAnchorPublicKey(pubPem)])).toEqual({ ok: true, signed: true });
    expect(checkAnchorSignature(signed, trustedAnchorKeys({ AUDIT_SIGNING_KEY: pem }))).toEqual({ ok: true, signed: true });
  });

  it('refuses every changed fact, another key, half a signature, and a signed anchor nobody can check', () => {
    const signed = signAnchor(facts, privateKey);
    for (const change of [{ tenant: 'cciaa-fi' }, { position: 1204 }, { seq: 1201 }, { hash: 'b'.repeat(64) }, { at: '2027-02-04T01:00:04.112Z' }]) {
      expect(checkAnchorSignature({ ...signed, ...change }, [publicKey])).toMatchObject({ ok: false, code: 'ANCHOR_SIGNATURE_INVALID' });
    }
    expect(checkAnchorSignature({ ...signed, signature: 'not-a-signature' }, [publicKey])).toMatchObject({ ok: false, code: 'ANCHOR_SIGNATURE_INVALID' });
    expect(checkAnchorSignature(signAnchor(facts, stranger), [publicKey])).toMatchObject({ ok: false, code: 'ANCHOR_KEY_UNKNOWN' });
    expect(checkAnchorSignature({ ...facts, signature: signed.signature }, [publicKey])).toMatchObject({ ok: false, code: 'ANCHOR_SIGNATURE_INVALID' });
    expect(checkAnchorSignature(signed, [])).toMatchObject({ ok: false, code: 'ANCHOR_KEY_NOT_CONFIGURED' });
    // Unsigned: worth the place it was kept, accepted.
    expect(checkAnchorSignature(facts, [publicKey])).toEqual({ ok: true, signed: false });
  });

  it('carries an anchor as one word and reads it back; anything else is not an anchor', () => {
    const signed = signAnchor(facts, privateKey);
    const token = encodeAnchorToken(signed);
    expect(token).toMatch(/^A1\.[A-Za-z0-9_-]+$/);
    expect(parseSignedAnchor(token)).toEqual(signed);
    expect(parseSignedAnchor({ ...facts })).toEqual(facts);
    expect(parseSignedAnchor('A1.bm90LWpzb24')).toBeNull();
    expect(parseSignedAnchor(`1200:${'a'.repeat(64)}`)).toBeNull();
    expect(parseSignedAnchor({ ...facts, hash: 'XYZ' })).toBeNull();
    expect(parseSignedAnchor({ ...facts, position: -1 })).toBeNull();
  });

  it('refuses keys that are not Ed25519', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => loadAnchorSigningKey(rsa)).toThrow(/Ed25519/);
    expect(() => loadAnchorSigningKey('/no/such/file.pem')).toThrow(/neither a PEM key nor the path/);
  });
});
