import { createHash } from 'node:crypto';
import type { Pool } from 'pg';

export interface StoredDocument {
  sha256: string;
  mediaType: string;
  size: number;
}

/** Bytes of attached documents, stored once per content hash. */
export class DocumentStore {
  constructor(private readonly pool: Pool) {}

  async put(bytes: Buffer, mediaType: string): Promise<StoredDocument> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    await this.pool.query(
      `INSERT INTO wf_documents (sha256, media_type, size, bytes) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING`,
      [sha256, mediaType, bytes.length, bytes],
    );
    return { sha256, mediaType, size: bytes.length };
  }

  async get(sha256: string): Promise<{ bytes: Buffer; mediaType: string } | null> {
    const { rows } = await this.pool.query<{ bytes: Buffer; media_type: string }>('SELECT bytes, media_type FROM wf_documents WHERE sha256 = $1', [sha256]);
    return rows.length ? { bytes: rows[0].bytes, mediaType: rows[0].media_type } : null;
  }
}
