import { createHash } from 'node:crypto';
import type { SessionWrite } from '../../contract/session-store';

/**
 * What the `user_id` column holds for a user id: the lowercase hex SHA-256 of its UTF-8 text,
 * 64 ASCII characters. A user id of any length and any character (a NUL, which PostgreSQL's text
 * refuses; 300 characters, past `varchar(255)`) fits the column, and matching is exact on every
 * database: MariaDB's `utf8mb4_bin` is a PAD SPACE collation that finds `'alice'` for `'alice '`,
 * and a hash has no trailing space or case left to fold. The column and its index are unchanged,
 * so tables created by earlier versions need no migration (see {@link legacyUserId}).
 */
export function hashedUserId(userId: string): string {
  return createHash('sha256').update(userId, 'utf8').digest('hex');
}

/** The write with its user id in the column's form. */
export function withHashedUser(write: SessionWrite): SessionWrite {
  return typeof write.userId === 'string' ? { ...write, userId: hashedUserId(write.userId) } : write;
}

/**
 * The user id as rows written by versions before hashing hold it, when such a row could exist
 * (at most 255 characters, no NUL), else `null`. Those rows are found until they expire, and
 * matched exactly in JavaScript, so the database's collation never decides.
 */
export function legacyUserId(userId: string): string | null {
  return userId.length <= 255 && !userId.includes('\0') ? userId : null;
}
